/*
 * A reader for the PNG chunks before the first IDAT, written by hand for
 * the common files only, because libpng's fixed cost per file missed the
 * batch target.  Callgrind (valgrind --tool=callgrind imgid --batch
 * --no-sandbox over the benchmark corpus's 1200 PNGs, on a 2-core Debian 12
 * VM with libpng 1.6.39 and zlib 1.2.13) counted about 12,300 instructions
 * per PNG in png_create_read_struct, png_read_info and
 * png_destroy_read_struct, against a budget of about 1,500 per file for
 * "many files within 1.5 times a program that only opens, reads 4 KiB and
 * closes each file".  This walker takes about 1,600 per PNG on the same
 * files, 960 of them in zlib's crc32.
 *
 * libpng remains the reader for every other file.  png_walk returns -1 for
 * any chunk, length, value or order that is not listed below as one that
 * libpng 1.6.39's png_read_info accepts without a warning, and png_probe
 * then rewinds and reads the file with libpng.  Each rule below is
 * narrower than the check libpng makes (pngrutil.c, png.c and pngset.c),
 * so on a file that the walker accepts both readers find the same facts.
 * The unit suite and the PNG fuzz target compare the two.
 */
#include "config.h"

#include <string.h>

#include <zlib.h>

#include "imgid.h"

#define PNG_WALK_TYPE(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define TYPE_IHDR	PNG_WALK_TYPE('I', 'H', 'D', 'R')
#define TYPE_IDAT	PNG_WALK_TYPE('I', 'D', 'A', 'T')

#define COLOR_GRAY	0
#define COLOR_RGB	2
#define COLOR_PALETTE	3

/* libpng's default user limits on width and height (pnglibconf.h). */
#define WALK_SIZE_MAX		1000000u

/*
 * libpng rejects a chunk longer than PNG_USER_CHUNK_MALLOC_MAX, 8000000
 * bytes, unless it is an IDAT that the image size allows to be longer.
 */
#define WALK_IDAT_MAX		8000000u

/* Longer ancillary chunks are rare, and libpng reads them. */
#define WALK_CHUNK_MAX		(256u * 1024)

/* Chunks before IDAT.  libpng warns at its 999th text chunk, far above. */
#define WALK_CHUNKS_MAX		64

/*
 * Bytes of a chunk's data that the checks may look at.  An iTXt chunk's
 * keyword, language tag and translated keyword must fit in them.
 */
#define WALK_KEEP		512

/* The cHRM values of sRGB, 100000 times x and y, as ImageMagick writes them. */
static const uint32_t png_walk_srgb_chrm[8] = {
	31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000
};

/* Chunks already read, for the duplicate and order rules. */
#define SEEN_PLTE	0x001
#define SEEN_gAMA	0x002
#define SEEN_cHRM	0x004
#define SEEN_sRGB	0x008
#define SEEN_sBIT	0x010
#define SEEN_bKGD	0x020
#define SEEN_tRNS	0x040
#define SEEN_pHYs	0x080
#define SEEN_tIME	0x100
#define SEEN_eXIf	0x200

struct png_walk_state {
	struct png_header *hdr;
	unsigned	 seen;		/* SEEN_* bits */
	uint32_t	 gamma;		/* gAMA value, 100000 times the gamma */
	unsigned char	 head[8];	/* header of a chunk past the buffer */
	unsigned char	 keep[WALK_KEEP]; /* data of a chunk past the buffer */
};

static uint32_t
png_walk_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * Consume len bytes of the file.  Run them through *crc unless crc is
 * NULL, and copy the first keep of them to out.  Return -1 at end of file.
 */
static int
png_walk_read(struct reader *rd, unsigned char *out, size_t keep,
    uint32_t len, uLong *crc)
{
	size_t	 n, copy;

	while (len > 0) {
		if (rd->pos == rd->len && reader_fill(rd) == 0)
			return -1;
		n = rd->len - rd->pos;
		if (n > len)
			n = len;
		if (crc != NULL)
			*crc = crc32(*crc, rd->buf + rd->pos, (uInt)n);
		copy = n < keep ? n : keep;
		memcpy(out, rd->buf + rd->pos, copy);
		out += copy;
		keep -= copy;
		rd->pos += n;
		len -= (uint32_t)n;
	}
	return 0;
}

/*
 * Consume the next 8 bytes, the signature or a chunk header, and return
 * them: in the reader's buffer when it contains them, else copied to
 * st->head.
 */
static const unsigned char *
png_walk_head(struct reader *rd, struct png_walk_state *st)
{
	const unsigned char	*head;

	if (rd->len - rd->pos >= 8) {
		head = rd->buf + rd->pos;
		rd->pos += 8;
		return head;
	}
	if (png_walk_read(rd, st->head, 8, 8, NULL) == -1)
		return NULL;
	return st->head;
}

/*
 * Consume the data and CRC of the chunk whose header png_walk_head just
 * returned, and check the CRC.  Return the data: in the reader's buffer
 * when it contains the whole chunk, else its first WALK_KEEP bytes copied
 * to st->keep.  Return NULL on a CRC mismatch or at end of file.
 */
static const unsigned char *
png_walk_data(struct reader *rd, struct png_walk_state *st,
    const unsigned char *head, uint32_t length)
{
	const unsigned char	*data;
	unsigned char		 stored[4];
	uLong			 crc;

	if (head == rd->buf + rd->pos - 8 &&
	    rd->len - rd->pos >= (size_t)length + 4) {
		data = rd->buf + rd->pos;
		rd->pos += (size_t)length + 4;
		crc = crc32(0L, head + 4, (uInt)length + 4);
		return crc == png_walk_be32(data + length) ? data : NULL;
	}
	crc = crc32(0L, head + 4, 4);
	if (png_walk_read(rd, st->keep, sizeof(st->keep), length, &crc) == -1 ||
	    png_walk_read(rd, stored, sizeof(stored), 4, NULL) == -1 ||
	    crc != png_walk_be32(stored))
		return NULL;
	return st->keep;
}

/*
 * The IHDR checks of png_check_IHDR, with the default limits: no MNG
 * filter method, and at most 1,000,000 pixels each way.
 */
static int
png_walk_ihdr(struct png_walk_state *st, const unsigned char *p,
    uint32_t len)
{
	struct png_header	*hdr = st->hdr;
	int			 depth = p[8], color = p[9];

	if (len != 13)
		return -1;
	hdr->width = png_walk_be32(p);
	hdr->height = png_walk_be32(p + 4);
	if (hdr->width == 0 || hdr->width > WALK_SIZE_MAX ||
	    hdr->height == 0 || hdr->height > WALK_SIZE_MAX)
		return -1;
	if (depth != 1 && depth != 2 && depth != 4 && depth != 8 &&
	    depth != 16)
		return -1;
	switch (color) {
	case 0:
		break;
	case 3:
		if (depth > 8)
			return -1;
		break;
	case 2:
	case 4:
	case 6:
		if (depth < 8)
			return -1;
		break;
	default:
		return -1;
	}
	if (p[10] != 0 || p[11] != 0 || p[12] > 1)
		return -1;
	hdr->depth = depth;
	hdr->color = color;
	return 0;
}

/*
 * A palette for colour type 3 only, of 1 to 2^depth entries: libpng
 * drops entries past 2^depth, and ignores a palette in other types with
 * a warning or keeps it as a suggestion.
 */
static int
png_walk_plte(struct png_walk_state *st, const unsigned char *p,
    uint32_t len)
{
	struct png_header	*hdr = st->hdr;

	(void)p;
	if (hdr->color != COLOR_PALETTE || len == 0 || len % 3 != 0 ||
	    len / 3 > (1u << hdr->depth))
		return -1;
	hdr->num_palette = (int)(len / 3);
	return 0;
}

/*
 * A gamma that ImageMagick does not take for linear light, and far from
 * libpng's range limits.  Next to sRGB, libpng warns when gAMA differs
 * from 1/2.2 by more than 5%, so the walker allows about 3%.
 */
static int
png_walk_gama(struct png_walk_state *st, const unsigned char *p,
    uint32_t len)
{
	if (len != 4)
		return -1;
	st->gamma = png_walk_be32(p);
	if (st->gamma < 10000 || st->gamma > 70000)
		return -1;
	if ((st->seen & SEEN_sRGB) && (st->gamma < 44000 || st->gamma > 47000))
		return -1;
	st->hdr->gamma = st->gamma * .00001;
	if (st->seen & SEEN_sRGB)
		st->hdr->gamma = 1.0 / 2.2;
	return 0;
}

/*
 * Only the sRGB primaries and white point: they pass libpng's checks on
 * cHRM and match an sRGB chunk, before or after.
 */
static int
png_walk_chrm(struct png_walk_state *st, const unsigned char *p,
    uint32_t len)
{
	int	 i;

	(void)st;
	if (len != 32)
		return -1;
	for (i = 0; i < 8; i++)
		if (png_walk_be32(p + 4 * i) != png_walk_srgb_chrm[i])
			return -1;
	return 0;
}

static int
png_walk_srgb(struct png_walk_state *st, const unsigned char *p,
    uint32_t len)
{
	if (len != 1 || p[0] > 3)
		return -1;
	if ((st->seen & SEEN_gAMA) && (st->gamma < 44000 || st->gamma > 47000))
		return -1;
	st->hdr->gamma = 1.0 / 2.2;
	return 0;
}

/* One value per channel, each from 1 to the sample depth. */
static int
png_walk_sbit(struct png_walk_state *st, const unsigned char *p,
    uint32_t len)
{
	static const unsigned char channels[7] = { 1, 0, 3, 3, 2, 0, 4 };
	struct png_header	*hdr = st->hdr;
	unsigned		 depth, i;

	depth = hdr->color == COLOR_PALETTE ? 8 : (unsigned)hdr->depth;
	if (len != channels[hdr->color])
		return -1;
	for (i = 0; i < len; i++)
		if (p[i] == 0 || p[i] > depth)
			return -1;
	return 0;
}

/* A background that fits the bit depth, or a palette index after PLTE. */
static int
png_walk_bkgd(struct png_walk_state *st, const unsigned char *p,
    uint32_t len)
{
	struct png_header	*hdr = st->hdr;

	if (hdr->color == COLOR_PALETTE)
		return (st->seen & SEEN_PLTE) && len == 1 &&
		    p[0] < hdr->num_palette ? 0 : -1;
	if ((hdr->color & 2) == 0) {
		if (len != 2)
			return -1;
		if (hdr->depth <= 8 && (p[0] != 0 || p[1] >= 1u << hdr->depth))
			return -1;
		return 0;
	}
	if (len != 6)
		return -1;
	if (hdr->depth <= 8 && (p[0] != 0 || p[2] != 0 || p[4] != 0))
		return -1;
	return 0;
}

/*
 * Transparency for gray, RGB and palette images, with samples that fit
 * the bit depth and no more alpha values than palette entries.
 */
static int
png_walk_trns(struct png_walk_state *st, const unsigned char *p,
    uint32_t len)
{
	struct png_header	*hdr = st->hdr;
	uint32_t		 max = (1u << hdr->depth) - 1;
	uint32_t		 i;

	switch (hdr->color) {
	case COLOR_GRAY:
	case COLOR_RGB:
		if (len != (hdr->color == COLOR_GRAY ? 2u : 6u))
			return -1;
		for (i = 0; i < len; i += 2)
			if ((uint32_t)(p[i] << 8 | p[i + 1]) > max)
				return -1;
		break;
	case COLOR_PALETTE:
		if (!(st->seen & SEEN_PLTE) || len == 0 ||
		    len > (uint32_t)hdr->num_palette)
			return -1;
		break;
	default:
		return -1;
	}
	hdr->trns = 1;
	return 0;
}

/* Resolution in pixels per metre or in no unit, under 2^31 each way. */
static int
png_walk_phys(struct png_walk_state *st, const unsigned char *p,
    uint32_t len)
{
	struct png_header	*hdr = st->hdr;

	if (len != 9 || p[8] > 1)
		return -1;
	hdr->res_x = png_walk_be32(p);
	hdr->res_y = png_walk_be32(p + 4);
	if (hdr->res_x > 0x7fffffffu || hdr->res_y > 0x7fffffffu)
		return -1;
	hdr->unit = p[8];
	hdr->phys = 1;
	return 0;
}

/* A date that png_set_tIME stores without a warning. */
static int
png_walk_time(struct png_walk_state *st, const unsigned char *p,
    uint32_t len)
{
	(void)st;
	if (len != 7)
		return -1;
	if (p[2] == 0 || p[2] > 12 || p[3] == 0 || p[3] > 31 ||
	    p[4] > 23 || p[5] > 59 || p[6] > 60)
		return -1;
	return 0;
}

/* EXIF data that starts with "II" or "MM", which libpng checks. */
static int
png_walk_exif(struct png_walk_state *st, const unsigned char *p,
    uint32_t len)
{
	(void)st;
	if (len < 2 || p[0] != p[1] || (p[0] != 'I' && p[0] != 'M'))
		return -1;
	return 0;
}

/* Return the length of the keyword at p, 1 to 79 bytes, or -1. */
static int
png_walk_keyword(const unsigned char *p, uint32_t len)
{
	const unsigned char	*end;

	end = memchr(p, '\0', len < 80 ? len : 80);
	if (end == NULL || end == p)
		return -1;
	return (int)(end - p);
}

/* Note a keyword that png_decoded_text accepts. */
static void
png_walk_raw_profile(struct png_walk_state *st, const unsigned char *p,
    int keyword_len)
{
	if (png_decoded_text((const char *)p, (size_t)keyword_len))
		st->hdr->raw_profile = 1;
}

/* Text with a keyword of 1 to 79 bytes, which libpng does not check. */
static int
png_walk_text(struct png_walk_state *st, const unsigned char *p,
    uint32_t len)
{
	int	 k;

	if ((k = png_walk_keyword(p, len)) == -1)
		return -1;
	png_walk_raw_profile(st, p, k);
	return 0;
}

/*
 * Uncompressed international text: keyword, compression flag and method
 * both 0, and the language tag and translated keyword each ended by a
 * NUL within WALK_KEEP bytes.  libpng inflates compressed text, and fails
 * on a bad stream, so compressed text goes to libpng.
 */
static int
png_walk_itxt(struct png_walk_state *st, const unsigned char *p,
    uint32_t len)
{
	const unsigned char	*lang, *end;
	uint32_t		 avail = len < WALK_KEEP ? len : WALK_KEEP;
	int			 k;

	if ((k = png_walk_keyword(p, len)) == -1 || (uint32_t)k + 5 > avail)
		return -1;
	if (p[k + 1] != 0 || p[k + 2] != 0)
		return -1;
	lang = p + k + 3;
	end = memchr(lang, '\0', avail - (uint32_t)(k + 3));
	if (end == NULL || end + 1 == p + avail)
		return -1;
	if (memchr(end + 1, '\0', (size_t)(p + avail - (end + 1))) == NULL)
		return -1;
	png_walk_raw_profile(st, p, k);
	return 0;
}

/* The chunks the walker reads, with the rules that do not need the data. */
static const struct png_walk_chunk {
	uint32_t	 type;
	unsigned	 seen;		/* SEEN_* bit; a second one is unsure */
	unsigned	 before;	/* SEEN_* bits that must not be set yet */
	int		(*check)(struct png_walk_state *,
			    const unsigned char *, uint32_t);
} png_walk_chunks[] = {
	/* Most frequent first, in the files that ImageMagick writes. */
	{ PNG_WALK_TYPE('g', 'A', 'M', 'A'), SEEN_gAMA, SEEN_PLTE,
	    png_walk_gama },
	{ PNG_WALK_TYPE('c', 'H', 'R', 'M'), SEEN_cHRM, SEEN_PLTE,
	    png_walk_chrm },
	{ PNG_WALK_TYPE('t', 'I', 'M', 'E'), SEEN_tIME, 0, png_walk_time },
	{ PNG_WALK_TYPE('b', 'K', 'G', 'D'), SEEN_bKGD, 0, png_walk_bkgd },
	{ PNG_WALK_TYPE('P', 'L', 'T', 'E'), SEEN_PLTE, 0, png_walk_plte },
	{ PNG_WALK_TYPE('p', 'H', 'Y', 's'), SEEN_pHYs, 0, png_walk_phys },
	{ PNG_WALK_TYPE('s', 'R', 'G', 'B'), SEEN_sRGB, SEEN_PLTE,
	    png_walk_srgb },
	{ PNG_WALK_TYPE('t', 'R', 'N', 'S'), SEEN_tRNS, 0, png_walk_trns },
	{ PNG_WALK_TYPE('t', 'E', 'X', 't'), 0, 0, png_walk_text },
	{ PNG_WALK_TYPE('i', 'T', 'X', 't'), 0, 0, png_walk_itxt },
	{ PNG_WALK_TYPE('e', 'X', 'I', 'f'), SEEN_eXIf, 0, png_walk_exif },
	{ PNG_WALK_TYPE('s', 'B', 'I', 'T'), SEEN_sBIT, SEEN_PLTE,
	    png_walk_sbit },
};

static const struct png_walk_chunk *
png_walk_find(uint32_t type)
{
	size_t	 i;

	for (i = 0; i < sizeof(png_walk_chunks) / sizeof(png_walk_chunks[0]);
	    i++)
		if (png_walk_chunks[i].type == type)
			return &png_walk_chunks[i];
	return NULL;
}

/*
 * Read a PNG's chunks from the signature up to the header of the first
 * IDAT, starting at the reader's first byte, and fill hdr.  Return 0 when
 * every chunk passed the rules above, -1 when libpng must read the file.
 */
int
png_walk(struct reader *rd, struct png_header *hdr)
{
	static const unsigned char signature[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};
	const struct png_walk_chunk	*chunk;
	struct png_walk_state		 st;
	const unsigned char		*head, *data;
	uint32_t			 length, type;
	int				 n;

	memset(hdr, 0, sizeof(*hdr));
	hdr->gamma = 1.0 / 2.2;
	st.hdr = hdr;
	st.seen = 0;
	st.gamma = 0;
	if ((head = png_walk_head(rd, &st)) == NULL ||
	    memcmp(head, signature, 8) != 0)
		return -1;
	if ((head = png_walk_head(rd, &st)) == NULL ||
	    png_walk_be32(head + 4) != TYPE_IHDR ||
	    png_walk_be32(head) != 13 ||
	    (data = png_walk_data(rd, &st, head, 13)) == NULL ||
	    png_walk_ihdr(&st, data, 13) == -1)
		return -1;
	for (n = 0; n < WALK_CHUNKS_MAX; n++) {
		if ((head = png_walk_head(rd, &st)) == NULL)
			return -1;
		length = png_walk_be32(head);
		type = png_walk_be32(head + 4);
		if (type == TYPE_IDAT)
			return length <= WALK_IDAT_MAX &&
			    (hdr->color != COLOR_PALETTE ||
			    (st.seen & SEEN_PLTE)) ? 0 : -1;
		if ((chunk = png_walk_find(type)) == NULL ||
		    length > WALK_CHUNK_MAX ||
		    (st.seen & (chunk->seen | chunk->before)) != 0)
			return -1;
		if ((data = png_walk_data(rd, &st, head, length)) == NULL ||
		    chunk->check(&st, data, length) == -1)
			return -1;
		st.seen |= chunk->seen;
	}
	return -1;
}
