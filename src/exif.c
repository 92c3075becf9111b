/*
 * EXIF tags from a JPEG APP1 profile, found and formatted the way
 * ImageMagick 6.9.11 does (magick/property.c), so that orientation and
 * resolution agree with identify even on odd files: the same search for
 * the "Exif\0\0" header, the same directory walk order and bounds checks,
 * and the same value text ("6", "300/1", "72, 72").
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imgid.h"

#define EXIF_STACK_MAX		16	/* directories pending, as ImageMagick */
#define TAG_EXIF_IFD		0x8769
#define TAG_GPS_IFD		0x8825
#define TAG_INTEROP_IFD		0xa005
#define TAG_ORIENTATION		0x0112
#define TAG_X_RESOLUTION	0x011a
#define TAG_Y_RESOLUTION	0x011b
#define TAG_RESOLUTION_UNIT	0x0128

/* Bytes per component for TIFF field types 1 to 12. */
static const unsigned type_size[13] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8 };

struct tiff {
	const unsigned char	*base;	/* byte order mark */
	size_t			 len;	/* bytes from base to the end */
	int			 big_endian;
};

struct ifd_frame {
	const unsigned char	*dir;
	size_t			 entry;
	size_t			 tag_offset;	/* 0x10000 inside the GPS IFD */
};

static unsigned
get16(const struct tiff *t, const unsigned char *p)
{
	return t->big_endian ? (unsigned)p[0] << 8 | p[1] :
	    (unsigned)p[1] << 8 | p[0];
}

static uint32_t
get32(const struct tiff *t, const unsigned char *p)
{
	if (t->big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

/* Locate the TIFF header after the first "Exif\0\0" in the profile. */
static int
tiff_open(const unsigned char *profile, size_t len, struct tiff *t)
{
	static const unsigned char	 magic[6] = "Exif\0";
	size_t				 i;

	for (i = 0; i + 6 <= len; i++)
		if (memcmp(profile + i, magic, 6) == 0)
			break;
	if (i + 6 > len)
		return -1;
	t->base = profile + i + 6;
	t->len = len - i - 6;
	if (t->len < 16)
		return -1;
	if (t->base[0] == 'I' && t->base[1] == 'I')
		t->big_endian = 0;
	else if (t->base[0] == 'M' && t->base[1] == 'M')
		t->big_endian = 1;
	else
		return -1;
	return get16(t, t->base + 2) == 0x2a ? 0 : -1;
}

/* Format count values of one type, comma-separated, as ImageMagick does. */
static void
format_value(const struct tiff *t, unsigned type, const unsigned char *p,
    uint32_t count, char *out, size_t outlen)
{
	size_t		 n = 0;
	uint32_t	 i;

	out[0] = '\0';
	for (i = 0; i < count && n + 1 < outlen; i++) {
		const unsigned char	*v = p + (size_t)i * type_size[type];
		int			 w = 0;

		switch (type) {
		case 1: case 7:
			w = snprintf(out + n, outlen - n, "%u, ", v[0]);
			break;
		case 6:
			w = snprintf(out + n, outlen - n, "%d, ",
			    (signed char)v[0]);
			break;
		case 3:
			w = snprintf(out + n, outlen - n, "%u, ", get16(t, v));
			break;
		case 8:
			w = snprintf(out + n, outlen - n, "%d, ",
			    (short)get16(t, v));
			break;
		case 4:
			w = snprintf(out + n, outlen - n, "%lu, ",
			    (unsigned long)get32(t, v));
			break;
		case 9:
			w = snprintf(out + n, outlen - n, "%ld, ",
			    (long)(int32_t)get32(t, v));
			break;
		case 5:
			w = snprintf(out + n, outlen - n, "%lu/%lu, ",
			    (unsigned long)get32(t, v),
			    (unsigned long)get32(t, v + 4));
			break;
		case 10:
			w = snprintf(out + n, outlen - n, "%ld/%ld, ",
			    (long)(int32_t)get32(t, v),
			    (long)(int32_t)get32(t, v + 4));
			break;
		default:
			return;
		}
		if (w < 0)
			return;
		n += (size_t)w;
		if (n >= outlen)
			n = outlen - 1;
	}
	if (n > 1)
		out[n - 2] = '\0';
}

/*
 * Push the sub-directory that entry q points to, then the directory that
 * follows the current one, as ImageMagick does when it meets a pointer tag.
 * Return 0 when the walk must stop at this directory.
 */
static int
push_subdir(const struct tiff *t, struct ifd_frame *stack, size_t *level,
    const struct ifd_frame *cur, size_t entries, unsigned tag,
    const unsigned char *value)
{
	int32_t		 off = (int32_t)get32(t, value);
	size_t		 sub_offset = tag == TAG_GPS_IFD ? 0x10000 : 0;
	size_t		 i;
	int32_t		 next;

	if ((size_t)off >= t->len || *level >= EXIF_STACK_MAX - 2)
		return 1;
	stack[*level] = *cur;
	stack[*level].entry++;
	(*level)++;
	for (i = 0; i < *level; i++)
		if (stack[i].dir == t->base + sub_offset)
			return 0;
	stack[*level].dir = t->base + off;
	stack[*level].entry = 0;
	stack[*level].tag_offset = sub_offset;
	(*level)++;
	if (cur->dir + 2 + 12 * entries + 4 > t->base + t->len)
		return 0;
	next = (int32_t)get32(t, cur->dir + 2 + 12 * entries);
	if (next != 0 && (size_t)next < t->len && *level < EXIF_STACK_MAX - 2) {
		stack[*level].dir = t->base + next;
		stack[*level].entry = 0;
		stack[*level].tag_offset = sub_offset;
		(*level)++;
	}
	return 0;
}

/*
 * Find the value of tag in the profile and format it into out.  A value
 * found while ImageMagick's walk is two directories deep is filed by it
 * under "exif:thumbnail:", so it does not count.  Return 1 when found,
 * 0 when not, and -1 for a value type whose text imgid does not reproduce.
 */
int
exif_find_tag(const unsigned char *profile, size_t len, unsigned tag,
    char *out, size_t outlen)
{
	struct tiff		 t;
	struct ifd_frame	 stack[EXIF_STACK_MAX], cur;
	size_t			 level = 0, entries;
	unsigned char		*seen;
	int32_t			 first;
	int			 found = 0;

	if (tiff_open(profile, len, &t) != 0)
		return 0;
	first = (int32_t)get32(&t, t.base + 4);
	if (first < 0 || (size_t)first >= t.len)
		return 0;
	cur.dir = t.base + first;
	cur.entry = 0;
	cur.tag_offset = 0;
	/*
	 * Directories may overlap at any byte offset, so an entry is marked
	 * visited by its byte offset: one bit per byte of the profile.
	 */
	seen = calloc(t.len / 8 + 1, 1);
	if (seen == NULL)
		return 0;
	do {
		if (level > 0)
			cur = stack[--level];
		if (cur.dir < t.base || cur.dir > t.base + t.len - 2)
			break;
		entries = get16(&t, cur.dir);
		for (; cur.entry < entries; cur.entry++) {
			const unsigned char	*q, *p;
			unsigned		 type, tag_value;
			int32_t			 count;
			size_t			 bytes, at;

			q = cur.dir + 12 * cur.entry + 2;
			if (q > t.base + t.len - 12)
				break;
			at = (size_t)(q - t.base);
			if (seen[at / 8] & (1u << (at % 8)))
				break;
			seen[at / 8] |= (unsigned char)(1u << (at % 8));
			tag_value = get16(&t, q) + (unsigned)cur.tag_offset;
			type = get16(&t, q + 2);
			if (type == 0 || type >= 13)
				break;
			count = (int32_t)get32(&t, q + 4);
			if (count < 0)
				break;
			bytes = (size_t)count * type_size[type];
			if (bytes <= 4)
				p = q + 8;
			else {
				int32_t	 off = (int32_t)get32(&t, q + 8);

				if (off < 0 || (size_t)off >= t.len ||
				    (size_t)off + bytes > t.len)
					continue;
				p = t.base + off;
			}
			if (tag_value == tag && level != 2 && found == 0) {
				if (p > t.base + t.len - type_size[type])
					break;
				/* Text and floating-point values: defer. */
				if (type == 2 || type > 10) {
					found = -1;
					break;
				}
				format_value(&t, type, p, (uint32_t)count, out,
				    outlen);
				found = 1;
			}
			if (tag_value == TAG_EXIF_IFD ||
			    tag_value == TAG_INTEROP_IFD ||
			    tag_value == TAG_GPS_IFD) {
				if (push_subdir(&t, stack, &level, &cur,
				    entries, tag_value, p) == 0)
					break;
			}
		}
	} while (level > 0);
	free(seen);
	return found;
}

/*
 * Read a "N/D" value the way ImageMagick's ParseGeometry splits it.  Return
 * -1 for other shapes, such as a list, which ImageMagick reads differently.
 */
static int
apply_resolution(const char *value, double *resolution)
{
	unsigned long	 num, den;
	char		 tail;

	if (sscanf(value, "%lu/%lu%c", &num, &den, &tail) != 2)
		return -1;
	if (den != 0)
		*resolution = (double)num / (double)den;
	return 0;
}

/*
 * Apply what ImageMagick's ReadImage takes from EXIF: orientation,
 * resolution and resolution unit.  Return -1 when a value is of a shape
 * that only ImageMagick interprets exactly.
 */
int
exif_apply(const unsigned char *profile, size_t len, struct image *info)
{
	char	 value[128];
	int	 found;

	found = exif_find_tag(profile, len, TAG_ORIENTATION, value,
	    sizeof(value));
	if (found < 0)
		return -1;
	if (found) {
		snprintf(info->exif_orientation,
		    sizeof(info->exif_orientation), "%.31s", value);
		info->orientation = (int)strtol(value, NULL, 10);
		if (info->orientation < 1 || info->orientation > 8)
			return -1;
	}
	found = exif_find_tag(profile, len, TAG_X_RESOLUTION, value,
	    sizeof(value));
	if (found < 0 ||
	    (found && apply_resolution(value, &info->x_resolution) != 0))
		return -1;
	found = exif_find_tag(profile, len, TAG_Y_RESOLUTION, value,
	    sizeof(value));
	if (found < 0 ||
	    (found && apply_resolution(value, &info->y_resolution) != 0))
		return -1;
	found = exif_find_tag(profile, len, TAG_RESOLUTION_UNIT, value,
	    sizeof(value));
	if (found < 0)
		return -1;
	if (found) {
		if (strcmp(value, "1") == 0)
			info->units = UNITS_UNDEFINED;
		else if (strcmp(value, "2") == 0)
			info->units = UNITS_PER_INCH;
		else if (strcmp(value, "3") == 0)
			info->units = UNITS_PER_CENTIMETER;
	}
	return 0;
}
