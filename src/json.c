/*
 * JSON Lines output: one object per file on one line, with the header
 * facts of frame 0, or the error that stopped the read.  Every string is
 * valid UTF-8 with control characters escaped, so each line parses as
 * JSON (RFC 8259) whatever bytes a file name or message contains.
 */
#include "config.h"

#include <string.h>

#include "imgid.h"

/*
 * Return the length of the well-formed UTF-8 sequence at p, or 0 when the
 * byte at p does not start one.  Overlong forms, surrogates and code points
 * above U+10FFFF are not well-formed.
 */
static size_t
utf8_sequence(const unsigned char *p, size_t avail)
{
	unsigned char	 lo = 0x80, hi = 0xbf;
	size_t		 len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (avail < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

/* Append one ASCII character, escaped as a JSON string requires. */
static void
json_ascii(struct buf *out, unsigned char c)
{
	switch (c) {
	case '"':
		buf_adds(out, "\\\"");
		break;
	case '\\':
		buf_adds(out, "\\\\");
		break;
	case '\n':
		buf_adds(out, "\\n");
		break;
	case '\r':
		buf_adds(out, "\\r");
		break;
	case '\t':
		buf_adds(out, "\\t");
		break;
	default:
		if (c < 0x20 || c == 0x7f)
			buf_printf(out, "\\u%04x", c);
		else
			buf_addc(out, c);
		break;
	}
}

/*
 * Append s as a JSON string.  Each byte that is not part of well-formed
 * UTF-8 becomes U+FFFD.  Return 1 when that happened, 0 otherwise.
 */
static int
json_string(struct buf *out, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n;
	int			 replaced = 0;

	buf_addc(out, '"');
	while (i < len) {
		n = utf8_sequence(p + i, len - i);
		if (n == 0) {
			buf_adds(out, "\\ufffd");
			replaced = 1;
			n = 1;
		} else if (n == 1)
			json_ascii(out, p[i]);
		else
			buf_add(out, p + i, n);
		i += n;
	}
	buf_addc(out, '"');
	return replaced;
}

/* Append s in base64 (RFC 4648, with padding) as a JSON string. */
static void
json_base64(struct buf *out, const char *s, size_t len)
{
	static const char	 digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*p = (const unsigned char *)s;
	unsigned long		 group;
	size_t			 i, k;

	buf_addc(out, '"');
	for (i = 0; i < len; i += 3) {
		group = (unsigned long)p[i] << 16;
		if (i + 1 < len)
			group |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < len)
			group |= p[i + 2];
		for (k = 0; k < 4; k++) {
			if (k > 1 && i + k - 1 >= len)
				buf_addc(out, '=');
			else
				buf_addc(out, digits[(group >> (18 - 6 * k)) &
				    0x3f]);
		}
	}
	buf_addc(out, '"');
}

/*
 * Append the "path" member.  A name that is not valid UTF-8 also gets
 * "path_base64", its exact bytes, because U+FFFD loses them.
 */
static void
json_path(struct buf *out, const char *name)
{
	size_t	 len = strlen(name);

	buf_adds(out, "\"path\":");
	if (json_string(out, name, len)) {
		buf_adds(out, ",\"path_base64\":");
		json_base64(out, name, len);
	}
}

/*
 * Append the "error" member: every message the file produced, one per
 * line, without the program name that starts each on standard error.
 */
static void
json_error(struct buf *out, const struct result *r)
{
	struct buf	 text = { NULL, 0, 0 };
	const char	*line, *end;
	size_t		 plen = strlen(r->opt->progname);

	line = r->err.data;
	for (; line != NULL && *line != '\0'; line = end + 1) {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		if (strncmp(line, r->opt->progname, plen) == 0 &&
		    strncmp(line + plen, ": ", 2) == 0)
			line += plen + 2;
		if (text.len != 0)
			buf_addc(&text, '\n');
		buf_add(&text, line, (size_t)(end - line));
		if (*end == '\0')
			break;
	}
	if (text.len == 0) {
		/* The reasons batch mode gives when there was no message. */
		buf_adds(&text, r->failed ? "unable to read image `" :
		    "warning with -regard-warnings `");
		quote_name(&text, r->name);
		buf_addc(&text, '\'');
	}
	buf_adds(out, ",\"error\":");
	json_string(out, text.data, text.len);
	buf_free(&text);
}

/* Append the header facts of frame 0. */
static void
json_info(struct buf *out, const struct image *im)
{
	buf_adds(out, ",\"format\":");
	json_string(out, im->magick, strlen(im->magick));
	buf_printf(out, ",\"width\":%llu,\"height\":%llu,\"frames\":%llu",
	    (unsigned long long)im->columns, (unsigned long long)im->rows,
	    (unsigned long long)im->frames);
	buf_printf(out, ",\"page\":{\"width\":%llu,\"height\":%llu,"
	    "\"x\":%lld,\"y\":%lld}", (unsigned long long)im->page_width,
	    (unsigned long long)im->page_height, (long long)im->page_x,
	    (long long)im->page_y);
	buf_printf(out, ",\"depth\":%u,\"colorspace\":", im->depth);
	json_string(out, im->colorspace, strlen(im->colorspace));
	if (im->orientation >= 1 && im->orientation <= 8)
		buf_printf(out, ",\"orientation\":%d", im->orientation);
	else
		buf_adds(out, ",\"orientation\":null");
	buf_printf(out, ",\"size\":%llu", (unsigned long long)im->file_size);
}

/*
 * Append one JSON Lines record for r, newline included.  A file fails as
 * it does for the exit status: on an error, or on a warning under
 * -regard-warnings.
 */
void
json_record(const struct result *r, struct buf *out)
{
	int	 failed = r->failed ||
	    (r->warned && r->opt->regard_warnings);

	buf_addc(out, '{');
	json_path(out, r->name);
	if (failed)
		json_error(out, r);
	else if (r->have_info)
		json_info(out, &r->info);
	if (!failed && r->opt->format != NULL) {
		buf_adds(out, ",\"text\":");
		json_string(out, r->out.data != NULL ? r->out.data : "",
		    r->out.len);
	}
	buf_adds(out, "}\n");
}
