/*
 * The probe chain for one file: open without blocking, check the file
 * type, sniff the signature, then ask libpng or libjpeg for the header.
 * Anything a fast probe is not sure of goes to ImageMagick.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgid.h"

/*
 * Open path for reading and check that it is a regular file.  O_NONBLOCK
 * keeps open from waiting for a FIFO's writer; the type check then rejects
 * the FIFO before anything reads it.
 */
enum probe_status
probe_open(const char *path, int *fdp, uint64_t *sizep, struct result *r,
    const struct options *opt)
{
	struct stat	 st;
	int		 fd;

	*fdp = -1;
	if (*path == '\0') {
		result_error(r, opt, "unable to open image", path, ENOENT);
		return PROBE_FAILED;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		result_error(r, opt, "unable to open image", path, errno);
		return PROBE_FAILED;
	}
	if (fstat(fd, &st) == -1) {
		result_error(r, opt, "unable to open image", path, errno);
		close(fd);
		return PROBE_FAILED;
	}
	if (S_ISDIR(st.st_mode)) {
		result_error(r, opt, "no decode delegate for this image format",
		    path, EISDIR);
		close(fd);
		return PROBE_FAILED;
	}
	if (!S_ISREG(st.st_mode)) {
		r->failed = 1;
		buf_printf(&r->err, "%s: unable to open image `", opt->progname);
		quote_name(&r->err, path);
		buf_adds(&r->err, "': not a regular file\n");
		close(fd);
		return PROBE_FAILED;
	}
	*fdp = fd;
	*sizep = (uint64_t)st.st_size;
	return PROBE_OK;
}

/*
 * Refill the reader's buffer with the next bytes of the file.  Return the
 * number of bytes now available, 0 at end of file or past the read budget.
 */
int
reader_fill(struct reader *rd)
{
	ssize_t	 n;

	rd->offset += rd->len;
	rd->pos = rd->len = 0;
	if (rd->offset >= PROBE_READ_MAX)
		return 0;
	do
		n = read(rd->fd, rd->buf, sizeof(rd->buf));
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return 0;
	rd->len = (size_t)n;
	return (int)n;
}

/* Copy the next len bytes to out, refilling.  Return -1 at end of file. */
int
reader_read(struct reader *rd, unsigned char *out, size_t len)
{
	size_t	 n;

	while (len > 0) {
		if (rd->pos == rd->len && reader_fill(rd) == 0)
			return -1;
		n = rd->len - rd->pos;
		if (n > len)
			n = len;
		memcpy(out, rd->buf + rd->pos, n);
		rd->pos += n;
		out += n;
		len -= n;
	}
	return 0;
}

/* Skip count bytes, seeking past what the buffer does not hold. */
int
reader_skip(struct reader *rd, uint64_t count)
{
	uint64_t	 in_buf = rd->len - rd->pos;

	if (count <= in_buf) {
		rd->pos += (size_t)count;
		return 0;
	}
	count -= in_buf;
	rd->offset += rd->len + count;
	rd->pos = rd->len = 0;
	if (rd->offset >= PROBE_READ_MAX)
		return -1;
	return lseek(rd->fd, (off_t)rd->offset, SEEK_SET) == -1 ? -1 : 0;
}

/*
 * The buffer that reader_load fills, kept for the thread's next large file:
 * a fresh buffer for each file cost a page fault per 4 KiB it covered.
 */
static _Thread_local unsigned char	*load_data;
static _Thread_local size_t		 load_cap;

/*
 * Return the file from its first byte: size bytes, or PROBE_READ_MAX if
 * that is less, read after the bytes of the first fill with as few system
 * calls as the kernel allows.  *lenp is set to the bytes read, fewer when
 * the file ended early.  The buffer belongs to the calling thread and is
 * valid until its next call.  Return NULL when the reader has moved past
 * its first fill.
 */
const unsigned char *
reader_load(struct reader *rd, uint64_t size, size_t *lenp)
{
	size_t		 want, len;
	ssize_t		 n;

	if (rd->offset != 0)
		return NULL;
	want = size < PROBE_READ_MAX ? (size_t)size : PROBE_READ_MAX;
	if (want < rd->len)
		want = rd->len;
	if (want > load_cap) {
		load_cap = load_cap * 2 > want ? load_cap * 2 : want;
		if (load_cap > PROBE_READ_MAX)
			load_cap = PROBE_READ_MAX;
		free(load_data);
		load_data = xmalloc(load_cap);
	}
	memcpy(load_data, rd->buf, rd->len);
	len = rd->len;
	while (len < want) {
		n = read(rd->fd, load_data + len, want - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	*lenp = len;
	return load_data;
}

/*
 * Put the reader back at the start of the file, after a walker gave up,
 * for the library that reads the same format.
 */
int
reader_rewind(struct reader *rd)
{
	if (rd->offset == 0) {
		rd->pos = 0;
		return 0;
	}
	if (lseek(rd->fd, 0, SEEK_SET) == -1)
		return -1;
	rd->offset = 0;
	rd->pos = rd->len = 0;
	return reader_fill(rd) > 0 ? 0 : -1;
}

/* Free what the probes keep between files in the calling thread. */
void
probe_thread_end(void)
{
	free(load_data);
	load_data = NULL;
	load_cap = 0;
}

/*
 * Return 1 when ImageMagick's magic test would take the content for SVG:
 * "svg" or "?xml" from the second byte on, in any case.
 */
static int
probe_svg_signature(const unsigned char *p, size_t len)
{
	return (len >= 4 && strncasecmp((const char *)p + 1, "svg", 3) == 0) ||
	    (len >= 5 && strncasecmp((const char *)p + 1, "?xml", 4) == 0);
}

/*
 * Run the fast probe that matches the file's signature.  With first_only,
 * read frame 0 alone, as a "[0]" suffix does.  The file offset is left
 * where the probe stopped, because ImageMagick opens the file again.
 */
enum probe_status
probe_file(int fd, uint64_t size, int first_only, struct probe_data *pd)
{
	struct reader	 rd;

	memset(pd, 0, sizeof(*pd));
	pd->info.file_size = size;
	pd->info.frames = 1;
	rd.fd = fd;
	rd.offset = 0;
	rd.pos = rd.len = 0;
	if (reader_fill(&rd) == 0)
		return PROBE_DEFER;
	pd->svg = probe_svg_signature(rd.buf, rd.len);
	if (png_probe_signature(rd.buf, rd.len))
		return png_probe(&rd, pd);
	if (jpeg_probe_signature(rd.buf, rd.len))
		return jpeg_probe(&rd, pd);
	if (gif_probe_signature(rd.buf, rd.len))
		return gif_probe(&rd, pd, first_only);
	return PROBE_DEFER;
}

void
probe_free(struct probe_data *pd)
{
	free(pd->frames);
	pd->frames = NULL;
	pd->nframes = 0;
}
