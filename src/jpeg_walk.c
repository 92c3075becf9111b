/*
 * A reader for the JPEG markers from SOI to the first SOS, written by hand
 * for the common files only, because libjpeg-turbo's fixed cost per file
 * missed the batch target.  Callgrind (valgrind --tool=callgrind imgid
 * --batch --no-sandbox over the benchmark corpus's 1200 JPEGs, on a 2-core
 * Debian 12 VM with libjpeg-turbo 2.1.5) counted about 6,000 instructions
 * per JPEG in jpeg_read_header, with the decompressor already reused per
 * thread.  jpeg_read_header parses DQT and DHT byte by byte and copies
 * each saved marker.  The whole run took about 9,700 instructions per JPEG
 * against a budget of about 1,500 per file for "many files within 1.5
 * times a program that only opens, reads 4 KiB and closes each file".
 * This walker takes about 1,300 per JPEG on the same files, and the whole
 * run about 4,700.
 *
 * libjpeg-turbo remains the reader for every other file.  jpeg_walk
 * returns -1 for any marker, length, value or order that is not listed
 * below as one that libjpeg-turbo 2.1.5's jpeg_read_header accepts without
 * an error or a warning.  Its checks are in jdmarker.c, in initial_setup
 * in jdinput.c and in default_decompress_parms in jdapimin.c.  After -1,
 * jpeg_probe rewinds and reads the file with libjpeg.  Each rule is as
 * narrow as libjpeg's check or narrower, so on a file that the walker
 * accepts both readers find the same facts.  The unit suite and the JPEG
 * fuzz target compare the two.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jpeglib.h>

#include "imgid.h"

#define M_SOF0		0xc0
#define M_SOF1		0xc1
#define M_SOF2		0xc2
#define M_DHT		0xc4
#define M_SOI		0xd8
#define M_SOS		0xda
#define M_DQT		0xdb
#define M_DRI		0xdd
#define M_APP0		0xe0
#define M_APP1		0xe1
#define M_APP13		0xed
#define M_APP14		0xee
#define M_APP15		0xef
#define M_COM		0xfe

/* libjpeg's JPEG_MAX_DIMENSION: initial_setup rejects larger images. */
#define WALK_DIMENSION_MAX	65500u

/* Bound on the segments before SOS, so that no file keeps the walker long. */
#define WALK_SEGMENTS_MAX	256

/* The components of one SOF that the walker reads: gray, RGB or CMYK. */
#define WALK_COMPONENTS_MAX	4

/* Bytes of a JFIF APP0 and of an Adobe APP14 that libjpeg examines. */
#define JFIF_LEN		14
#define ADOBE_LEN		12

struct jpeg_walk_state {
	struct reader		*rd;
	struct jpeg_header	*hdr;
	int			 exif_in_buf;	/* hdr->exif points into rd->buf */
	int			 saw_sof;
	unsigned		 quant_tables;	/* DQT tables defined, bit n for n */
	int			 saw_adobe;
	int			 adobe_transform;
	unsigned char		 ids[WALK_COMPONENTS_MAX];	/* SOF order */
	unsigned char		 quant[WALK_COMPONENTS_MAX];	/* table of each */
};

/*
 * Copy the EXIF data out of the reader's buffer before the buffer is
 * refilled or skipped over.  Return -1 when the copy cannot be allocated.
 */
static int
jpeg_walk_keep_exif(struct jpeg_walk_state *st)
{
	struct jpeg_header	*hdr = st->hdr;
	unsigned char		*copy;

	if (!st->exif_in_buf)
		return 0;
	if ((copy = malloc(hdr->exif_len)) == NULL)
		return -1;
	memcpy(copy, hdr->exif, hdr->exif_len);
	hdr->exif = hdr->exif_copy = copy;
	st->exif_in_buf = 0;
	return 0;
}

/* Return the next byte, or -1 at end of file. */
static int
jpeg_walk_byte(struct jpeg_walk_state *st)
{
	struct reader	*rd = st->rd;

	if (rd->pos == rd->len &&
	    (jpeg_walk_keep_exif(st) == -1 || reader_fill(rd) == 0))
		return -1;
	return rd->buf[rd->pos++];
}

/* Copy the next len bytes to out.  Return -1 at end of file. */
static int
jpeg_walk_read(struct jpeg_walk_state *st, unsigned char *out, size_t len)
{
	struct reader	*rd = st->rd;

	if (rd->len - rd->pos >= len) {
		memcpy(out, rd->buf + rd->pos, len);
		rd->pos += len;
		return 0;
	}
	if (jpeg_walk_keep_exif(st) == -1)
		return -1;
	return reader_read(rd, out, len);
}

/* Skip len bytes, with a seek past what the buffer holds. */
static int
jpeg_walk_skip(struct jpeg_walk_state *st, size_t len)
{
	struct reader	*rd = st->rd;

	if (len <= rd->len - rd->pos) {
		rd->pos += len;
		return 0;
	}
	if (jpeg_walk_keep_exif(st) == -1)
		return -1;
	return reader_skip(rd, len);
}

/*
 * Consume the next marker and its segment's length field, and return the
 * marker's code and the length of the data after the field in *len.  A
 * marker is one 0xFF, any 0xFF fill bytes, then a code other than 0.  Any
 * other byte before it makes libjpeg warn about extraneous data, so the
 * walker returns -1.
 */
static int
jpeg_walk_marker(struct jpeg_walk_state *st, size_t *len)
{
	struct reader		*rd = st->rd;
	const unsigned char	*p = rd->buf + rd->pos;
	unsigned char		 field[2];
	int			 c;

	if (rd->len - rd->pos >= 4 && p[0] == 0xff && p[1] != 0xff &&
	    p[1] != 0) {
		c = p[1];
		*len = (size_t)p[2] << 8 | p[3];
		rd->pos += 4;
	} else {
		if (jpeg_walk_byte(st) != 0xff)
			return -1;
		while ((c = jpeg_walk_byte(st)) == 0xff)
			continue;
		if (c <= 0 || jpeg_walk_read(st, field, 2) == -1)
			return -1;
		*len = (size_t)field[0] << 8 | field[1];
	}
	/* libjpeg reads on after a length below 2: unsure. */
	if (*len < 2)
		return -1;
	*len -= 2;
	return c;
}

/*
 * A baseline, extended or progressive Huffman frame, once: 8-bit samples,
 * 1 to 65500 pixels each way, 1, 3 or 4 components with distinct ids,
 * sampling factors 1 to 4 and quantization table numbers 0 to 3.
 */
static int
jpeg_walk_sof(struct jpeg_walk_state *st, size_t len)
{
	struct jpeg_header	*hdr = st->hdr;
	unsigned char		 p[6 + 3 * WALK_COMPONENTS_MAX], *c;
	int			 n, i, k;

	if (st->saw_sof || len < 6 || len > sizeof(p) ||
	    jpeg_walk_read(st, p, len) == -1)
		return -1;
	hdr->precision = p[0];
	hdr->height = (unsigned)p[1] << 8 | p[2];
	hdr->width = (unsigned)p[3] << 8 | p[4];
	hdr->components = n = p[5];
	if (hdr->precision != 8 || hdr->width == 0 || hdr->height == 0 ||
	    hdr->width > WALK_DIMENSION_MAX || hdr->height > WALK_DIMENSION_MAX)
		return -1;
	if ((n != 1 && n != 3 && n != 4) || len != 6 + 3 * (size_t)n)
		return -1;
	for (i = 0; i < n; i++) {
		c = p + 6 + 3 * i;
		if ((c[1] >> 4) < 1 || (c[1] >> 4) > 4 ||
		    (c[1] & 15) < 1 || (c[1] & 15) > 4 || c[2] > 3)
			return -1;
		for (k = 0; k < i; k++)
			if (st->ids[k] == c[0])
				return -1;
		st->ids[i] = c[0];
		st->quant[i] = c[2];
	}
	st->saw_sof = 1;
	return 0;
}

/*
 * The first scan header: 1 to 4 components, each an id of the frame,
 * in frame order, with no repeat.  libjpeg takes some other orders too,
 * and rejects others.  Every component's quantization table must be
 * defined by now, which libjpeg checks only when decoding starts.
 */
static int
jpeg_walk_sos(struct jpeg_walk_state *st, size_t len)
{
	unsigned char	 p[1 + 2 * WALK_COMPONENTS_MAX + 3];
	int		 n, i, ci, next = 0;

	if (!st->saw_sof || len < 1 || len > sizeof(p) ||
	    jpeg_walk_read(st, p, len) == -1)
		return -1;
	n = p[0];
	if (n < 1 || n > st->hdr->components || len != 1 + 2 * (size_t)n + 3)
		return -1;
	for (i = 0; i < n; i++) {
		for (ci = next; ci < st->hdr->components; ci++)
			if (st->ids[ci] == p[1 + 2 * i])
				break;
		if (ci == st->hdr->components)
			return -1;
		next = ci + 1;
	}
	for (ci = 0; ci < st->hdr->components; ci++)
		if ((st->quant_tables & 1u << st->quant[ci]) == 0)
			return -1;
	return 0;
}

/*
 * Huffman tables: each a class and number of 0-3 or 0x10-0x13 and at
 * most 256 codes, and together exactly the segment's length.
 */
static int
jpeg_walk_dht(struct jpeg_walk_state *st, size_t len)
{
	unsigned char	 p[17];
	size_t		 count;
	int		 i;

	while (len > 16) {
		if (jpeg_walk_read(st, p, sizeof(p)) == -1)
			return -1;
		len -= sizeof(p);
		count = 0;
		for (i = 1; i <= 16; i++)
			count += p[i];
		if ((p[0] & ~0x10) > 3 || count > 256 || count > len ||
		    jpeg_walk_skip(st, count) == -1)
			return -1;
		len -= count;
	}
	return len == 0 ? 0 : -1;
}

/*
 * Quantization tables: each numbered 0 to 3, of 8-bit or 16-bit values,
 * and together exactly the segment's length.
 */
static int
jpeg_walk_dqt(struct jpeg_walk_state *st, size_t len)
{
	size_t	 size;
	int	 c;

	while (len > 0) {
		if ((c = jpeg_walk_byte(st)) == -1 || (c & 15) > 3 ||
		    (c >> 4) > 1)
			return -1;
		size = (c >> 4) ? 128 : 64;
		if (len < 1 + size || jpeg_walk_skip(st, size) == -1)
			return -1;
		len -= 1 + size;
		st->quant_tables |= 1u << (c & 15);
	}
	return 0;
}

static int
jpeg_walk_dri(struct jpeg_walk_state *st, size_t len)
{
	return len == 2 ? jpeg_walk_skip(st, len) : -1;
}

/*
 * A JFIF APP0 sets the density, as in libjpeg, where a later one
 * replaces an earlier one.  libjpeg warns about a major version other
 * than 1.  Other APP0 segments, such as JFXX thumbnails, are skipped.
 */
static int
jpeg_walk_app0(struct jpeg_walk_state *st, size_t len)
{
	struct jpeg_header	*hdr = st->hdr;
	unsigned char		 p[JFIF_LEN];

	if (len < JFIF_LEN)
		return jpeg_walk_skip(st, len);
	if (jpeg_walk_read(st, p, sizeof(p)) == -1)
		return -1;
	if (memcmp(p, "JFIF", 5) == 0) {
		if (p[5] != 1)
			return -1;
		hdr->saw_jfif = 1;
		hdr->density_unit = p[7];
		hdr->x_density = (unsigned)p[8] << 8 | p[9];
		hdr->y_density = (unsigned)p[10] << 8 | p[11];
	}
	return jpeg_walk_skip(st, len - sizeof(p));
}

/*
 * The first APP1 that starts with "Exif" in any case is the EXIF profile:
 * in the reader's buffer when it fits there, else copied.  ImageMagick
 * joins several EXIF segments into one profile, which imgid does not
 * read, so a second one goes to libjpeg and then to ImageMagick.  An XMP
 * APP1 is only noted, because jpeg_probe_header defers it.
 */
static int
jpeg_walk_app1(struct jpeg_walk_state *st, size_t len)
{
	struct jpeg_header	*hdr = st->hdr;
	struct reader		*rd = st->rd;
	unsigned char		 head[JPEG_XMP_PREFIX_LEN], *copy;
	size_t			 n;

	if (len <= 4)
		return jpeg_walk_skip(st, len);
	if (rd->len - rd->pos >= len) {
		if (jpeg_xmp_segment(rd->buf + rd->pos, len))
			hdr->xmp = 1;
		if (strncasecmp((const char *)rd->buf + rd->pos, "exif", 4) != 0)
			return jpeg_walk_skip(st, len);
		if (hdr->exif_count++ > 0)
			return -1;
		hdr->exif = rd->buf + rd->pos;
		hdr->exif_len = len;
		st->exif_in_buf = 1;
		rd->pos += len;
		return 0;
	}
	n = len < sizeof(head) ? len : sizeof(head);
	if (jpeg_walk_read(st, head, n) == -1)
		return -1;
	if (jpeg_xmp_segment(head, len))
		hdr->xmp = 1;
	if (strncasecmp((const char *)head, "exif", 4) != 0)
		return jpeg_walk_skip(st, len - n);
	if (hdr->exif_count++ > 0 || (copy = malloc(len)) == NULL)
		return -1;
	hdr->exif = hdr->exif_copy = copy;
	hdr->exif_len = len;
	memcpy(copy, head, n);
	return jpeg_walk_read(st, copy + n, len - n);
}

/*
 * An APP13 that starts with "G3FAX" makes ImageMagick use Lab, and one
 * that jpeg_photoshop_segment accepts carries Photoshop resources.
 */
static int
jpeg_walk_app13(struct jpeg_walk_state *st, size_t len)
{
	unsigned char	 p[JPEG_PHOTOSHOP_PREFIX_LEN];
	size_t		 n = len < sizeof(p) ? len : sizeof(p);

	if (jpeg_walk_read(st, p, n) == -1)
		return -1;
	if (n >= 5 && memcmp(p, "G3FAX", 5) == 0)
		st->hdr->g3fax = 1;
	if (jpeg_photoshop_segment(p, len))
		st->hdr->photoshop = 1;
	return jpeg_walk_skip(st, len - n);
}

/* An Adobe APP14 sets the colour transform, and a later one replaces it. */
static int
jpeg_walk_app14(struct jpeg_walk_state *st, size_t len)
{
	unsigned char	 p[ADOBE_LEN];

	if (len < ADOBE_LEN)
		return jpeg_walk_skip(st, len);
	if (jpeg_walk_read(st, p, sizeof(p)) == -1)
		return -1;
	if (memcmp(p, "Adobe", 5) == 0) {
		st->saw_adobe = 1;
		st->adobe_transform = p[11];
	}
	return jpeg_walk_skip(st, len - sizeof(p));
}

/* Read one segment of len bytes after its length field. */
static int
jpeg_walk_segment(struct jpeg_walk_state *st, int marker, size_t len)
{
	switch (marker) {
	case M_SOF0:
	case M_SOF1:
	case M_SOF2:
		return jpeg_walk_sof(st, len);
	case M_DHT:
		return jpeg_walk_dht(st, len);
	case M_DQT:
		return jpeg_walk_dqt(st, len);
	case M_DRI:
		return jpeg_walk_dri(st, len);
	case M_APP0:
		return jpeg_walk_app0(st, len);
	case M_APP1:
		return jpeg_walk_app1(st, len);
	case M_APP13:
		return jpeg_walk_app13(st, len);
	case M_APP14:
		return jpeg_walk_app14(st, len);
	case M_COM:
		return jpeg_walk_skip(st, len);
	default:
		/* APP2 to APP12 and APP15 are skipped, the rest are unsure. */
		if (marker > M_APP1 && marker <= M_APP15)
			return jpeg_walk_skip(st, len);
		return -1;
	}
}

/*
 * Set the output colour space as default_decompress_parms does, which
 * warns about an Adobe transform it does not know.  JFIF takes precedence
 * over Adobe for 3 components.  The component ids ('R', 'G', 'B' or 1, 2,
 * 3) and the accepted transforms select only jpeg_color_space, the stored
 * space, which ImageMagick does not read.  The output space is RGB for any
 * 3 components and CMYK for any 4.
 */
static int
jpeg_walk_color_space(struct jpeg_walk_state *st)
{
	struct jpeg_header	*hdr = st->hdr;

	switch (hdr->components) {
	case 1:
		hdr->color_space = JCS_GRAYSCALE;
		return 0;
	case 3:
		if (!hdr->saw_jfif && st->saw_adobe && st->adobe_transform > 1)
			return -1;
		hdr->color_space = JCS_RGB;
		return 0;
	case 4:
		if (st->saw_adobe && st->adobe_transform != 0 &&
		    st->adobe_transform != 2)
			return -1;
		hdr->color_space = JCS_CMYK;
		return 0;
	default:
		return -1;
	}
}

/* Read the segments after SOI up to the first SOS, and set the colour space. */
static int
jpeg_walk_segments(struct jpeg_walk_state *st)
{
	unsigned char	 p[2];
	size_t		 len;
	int		 marker, n;

	if (jpeg_walk_read(st, p, 2) == -1 || p[0] != 0xff || p[1] != M_SOI)
		return -1;
	for (n = 0; n < WALK_SEGMENTS_MAX; n++) {
		if ((marker = jpeg_walk_marker(st, &len)) == -1)
			return -1;
		if (marker == M_SOS)
			return jpeg_walk_sos(st, len) == -1 ? -1 :
			    jpeg_walk_color_space(st);
		if (jpeg_walk_segment(st, marker, len) == -1)
			return -1;
	}
	return -1;
}

/*
 * Read a JPEG's markers from SOI, at the reader's first byte, to the end
 * of the first SOS header, and fill hdr.  Return 0 when every segment
 * passed the rules above, -1 when libjpeg must read the file.  After 0,
 * hdr->exif points into the reader's buffer or to a copy, and
 * jpeg_walk_free releases the copy.
 */
int
jpeg_walk(struct reader *rd, struct jpeg_header *hdr)
{
	struct jpeg_walk_state	 st;

	memset(hdr, 0, sizeof(*hdr));
	hdr->x_density = hdr->y_density = 1;
	memset(&st, 0, sizeof(st));
	st.rd = rd;
	st.hdr = hdr;
	if (jpeg_walk_segments(&st) == -1) {
		jpeg_walk_free(hdr);
		return -1;
	}
	return 0;
}

void
jpeg_walk_free(struct jpeg_header *hdr)
{
	free(hdr->exif_copy);
	hdr->exif_copy = NULL;
	hdr->exif = NULL;
	hdr->exif_len = 0;
}
