/*
 * Growable byte buffers and allocation that exits on failure.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imgid.h"

/* Allocation failure has no useful recovery in a short-lived tool. */
static void
out_of_memory(void)
{
	fputs("imgid: memory allocation failed\n", stderr);
	exit(1);
}

void *
xmalloc(size_t size)
{
	void	*p;

	if ((p = malloc(size == 0 ? 1 : size)) == NULL)
		out_of_memory();
	return p;
}

void *
xrealloc(void *old, size_t size)
{
	void	*p;

	if ((p = realloc(old, size == 0 ? 1 : size)) == NULL)
		out_of_memory();
	return p;
}

char *
xstrdup(const char *s)
{
	size_t	 len = strlen(s) + 1;

	return memcpy(xmalloc(len), s, len);
}

/* Grow so that add more bytes and a terminating NUL fit. */
static void
buf_reserve(struct buf *b, size_t add)
{
	size_t	 need;

	if (add > SIZE_MAX - b->len - 1)
		out_of_memory();
	need = b->len + add + 1;
	if (need <= b->cap)
		return;
	if (b->cap < 64)
		b->cap = 64;
	while (b->cap < need)
		b->cap = b->cap > SIZE_MAX / 2 ? need : b->cap * 2;
	b->data = xrealloc(b->data, b->cap);
}

void
buf_add(struct buf *b, const void *p, size_t len)
{
	buf_reserve(b, len);
	if (len != 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, int c)
{
	char	 ch = (char)c;

	buf_add(b, &ch, 1);
}

/*
 * Format into the free space first and again only when the text did not
 * fit, because vsnprintf is about half of the instructions per batch file.
 */
void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 copy;
	size_t	 room = b->cap - b->len;
	int	 n;

	va_copy(copy, ap);
	n = vsnprintf(room != 0 ? b->data + b->len : NULL, room, fmt, copy);
	va_end(copy);
	if (n < 0) {
		if (room != 0)
			b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		buf_reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
