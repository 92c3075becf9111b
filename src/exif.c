/*
 * EXIF tags from a JPEG APP1 profile, found and formatted the way
 * ImageMagick 6.9.11 does (magick/property.c), so that orientation and
 * resolution agree with identify even on odd files: the same search for
 * the "Exif\0\0" header, the same directory walk order and bounds checks,
 * and the same value text ("6", "300/1", "72, 72").
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "imgid.h"

#define EXIF_STACK_MAX		16	/* directories pending, as ImageMagick */
#define EXIF_TAGS_MAX		4	/* tags one walk looks for */
/* An APP1 profile is under 64 KiB, so its visited bitmap fits the stack. */
#define EXIF_SEEN_STACK		(65536 / 8)
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

/* The first entry found for a tag: its type, count and value bytes. */
struct exif_value {
	int			 found;	/* 1 found, 0 not, -1 text or float */
	unsigned		 type;
	uint32_t		 count;
	const unsigned char	*bytes;
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

/*
 * Return the numerator of component i (the whole value for types other
 * than rationals), widened so that every type fits without a sign change.
 */
static int64_t
component(const struct tiff *t, unsigned type, const unsigned char *p,
    uint32_t i)
{
	const unsigned char	*v = p + (size_t)i * type_size[type];

	switch (type) {
	case 1: case 7:
		return v[0];
	case 6:
		return (signed char)v[0];
	case 3:
		return get16(t, v);
	case 8:
		return (int16_t)get16(t, v);
	case 4: case 5:
		return get32(t, v);
	default:
		return (int32_t)get32(t, v);
	}
}

/* Return the denominator of rational component i. */
static int64_t
denominator(const struct tiff *t, unsigned type, const unsigned char *p,
    uint32_t i)
{
	const unsigned char	*v = p + (size_t)i * type_size[type] + 4;

	return type == 5 ? (int64_t)get32(t, v) : (int64_t)(int32_t)get32(t, v);
}

/* Write n in decimal to text, which needs 21 bytes, and return the length. */
static size_t
format_int(int64_t n, char *text)
{
	char		 digits[20];
	uint64_t	 u = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
	size_t		 len = 0, i = 0;

	do {
		digits[i++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (n < 0)
		text[len++] = '-';
	while (i > 0)
		text[len++] = digits[--i];
	return len;
}

/*
 * Format count values of one type, comma-separated, as ImageMagick does.
 * A value that does not fit is cut the way snprintf would cut it, and the
 * last two bytes kept are then dropped, as when a ", " ends the text.
 */
static void
format_value(const struct tiff *t, unsigned type, const unsigned char *p,
    uint32_t count, char *out, size_t outlen)
{
	char		 text[48];
	size_t		 n = 0, w, room;
	uint32_t	 i;

	out[0] = '\0';
	if (type == 2 || type > 10)
		return;
	for (i = 0; i < count && n + 1 < outlen; i++) {
		w = format_int(component(t, type, p, i), text);
		if (type == 5 || type == 10) {
			text[w++] = '/';
			w += format_int(denominator(t, type, p, i), text + w);
		}
		text[w++] = ',';
		text[w++] = ' ';
		room = outlen - n - 1;
		memcpy(out + n, text, w < room ? w : room);
		n += w;
		if (n >= outlen)
			n = outlen - 1;
		out[n] = '\0';
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
 * Record entry q as the value of the tags it matches.  A value found while
 * ImageMagick's walk is two directories deep is filed by it under
 * "exif:thumbnail:", so it does not count.  Return 0 to go on, -1 when
 * the value is text or floating point, which imgid does not reproduce,
 * and 1 when ImageMagick's walk for that tag stops at this directory.
 */
static int
match_entry(const struct tiff *t, const unsigned *tags, size_t ntags,
    struct exif_value *values, size_t *left, unsigned tag, unsigned type,
    int32_t count, const unsigned char *p)
{
	size_t	 k;

	for (k = 0; k < ntags; k++) {
		if (tags[k] != tag || values[k].found != 0)
			continue;
		if (p > t->base + t->len - type_size[type])
			return 1;
		if (type == 2 || type > 10) {
			values[k].found = -1;
			return -1;
		}
		values[k].found = 1;
		values[k].type = type;
		values[k].count = (uint32_t)count;
		values[k].bytes = p;
		(*left)--;
	}
	return 0;
}

/*
 * Walk the directories the way ImageMagick's GetEXIFProperty does when it
 * looks for one tag, and record the first value of each of the ntags tags.
 * ImageMagick walks once per tag, and its walks differ only where a value
 * of the tag sought lies past the profile's end.  Such an entry starts in
 * the last 16 bytes, so no later entry of its directory fits and every
 * walk leaves the directory there, so one walk finds what each would.
 * Return -1 when a value is text or floating point, and 0 otherwise.
 */
static int
exif_walk(const struct tiff *t, const unsigned *tags, size_t ntags,
    struct exif_value *values)
{
	struct ifd_frame	 stack[EXIF_STACK_MAX], cur;
	size_t			 level = 0, entries, k, left = ntags;
	unsigned char		 seen_stack[EXIF_SEEN_STACK];
	unsigned char		*seen = seen_stack;
	int32_t			 first;
	int			 status = 0, match;

	for (k = 0; k < ntags; k++)
		values[k].found = 0;
	first = (int32_t)get32(t, t->base + 4);
	if (first < 0 || (size_t)first >= t->len)
		return 0;
	cur.dir = t->base + first;
	cur.entry = 0;
	cur.tag_offset = 0;
	/*
	 * Directories may overlap at any byte offset, so an entry is marked
	 * visited by its byte offset: one bit per byte of the profile.
	 */
	if (t->len / 8 + 1 > sizeof(seen_stack)) {
		if ((seen = calloc(t->len / 8 + 1, 1)) == NULL)
			return 0;
	} else
		memset(seen, 0, t->len / 8 + 1);
	do {
		if (level > 0)
			cur = stack[--level];
		if (cur.dir < t->base || cur.dir > t->base + t->len - 2)
			break;
		entries = get16(t, cur.dir);
		for (; cur.entry < entries; cur.entry++) {
			const unsigned char	*q, *p;
			unsigned		 type, tag_value;
			int32_t			 count;
			size_t			 bytes, at;

			q = cur.dir + 12 * cur.entry + 2;
			if (q > t->base + t->len - 12)
				break;
			at = (size_t)(q - t->base);
			if (seen[at / 8] & (1u << (at % 8)))
				break;
			seen[at / 8] |= (unsigned char)(1u << (at % 8));
			tag_value = get16(t, q) + (unsigned)cur.tag_offset;
			type = get16(t, q + 2);
			if (type == 0 || type >= 13)
				break;
			count = (int32_t)get32(t, q + 4);
			if (count < 0)
				break;
			bytes = (size_t)count * type_size[type];
			if (bytes <= 4)
				p = q + 8;
			else {
				int32_t	 off = (int32_t)get32(t, q + 8);

				if (off < 0 || (size_t)off >= t->len ||
				    (size_t)off + bytes > t->len)
					continue;
				p = t->base + off;
			}
			if (level != 2) {
				match = match_entry(t, tags, ntags, values,
				    &left, tag_value, type, count, p);
				if (match < 0) {
					status = -1;
					goto done;
				}
				if (match > 0)
					break;
				/* A later match changes nothing. */
				if (left == 0)
					goto done;
			}
			if (tag_value == TAG_EXIF_IFD ||
			    tag_value == TAG_INTEROP_IFD ||
			    tag_value == TAG_GPS_IFD) {
				if (push_subdir(t, stack, &level, &cur,
				    entries, tag_value, p) == 0)
					break;
			}
		}
	} while (level > 0);
done:
	if (seen != seen_stack)
		free(seen);
	return status;
}

/*
 * Find the value of tag in the profile and format it into out.  Return 1
 * when found, 0 when not, and -1 for a value type whose text imgid does
 * not reproduce.
 */
int
exif_find_tag(const unsigned char *profile, size_t len, unsigned tag,
    char *out, size_t outlen)
{
	struct tiff		 t;
	struct exif_value	 value;

	if (tiff_open(profile, len, &t) != 0)
		return 0;
	if (exif_walk(&t, &tag, 1, &value) < 0)
		return -1;
	if (value.found)
		format_value(&t, value.type, value.bytes, value.count, out,
		    outlen);
	return value.found;
}

/*
 * Set the orientation and its text, which imgid keeps to 31 bytes of the
 * 127 that ImageMagick's formatting would keep here.  ImageMagick reads
 * the number with StringToLong, so a rational gives its numerator and no
 * values give 0.  Return -1 unless the number is from 1 to 8.
 */
static int
apply_orientation(const struct tiff *t, const struct exif_value *v,
    struct image *info)
{
	char	 text[128];
	size_t	 len;
	int64_t	 n;

	format_value(t, v->type, v->bytes, v->count, text, sizeof(text));
	len = strlen(text);
	if (len >= sizeof(info->exif_orientation))
		len = sizeof(info->exif_orientation) - 1;
	memcpy(info->exif_orientation, text, len);
	info->exif_orientation[len] = '\0';
	n = v->count > 0 ? component(t, v->type, v->bytes, 0) : 0;
	if (n < 1 || n > 8)
		return -1;
	info->orientation = (int)n;
	return 0;
}

/*
 * Set a resolution the way ReadImage in ImageMagick 6.9.11
 * (magick/constitute.c) does.  It formats the tag as text ("N/D",
 * "N/D, N/D" or "N, N") and reads it with ParseGeometry, which clears
 * rho and sigma and then takes the first number as rho and the number
 * after the first '/' or ',' as sigma.  So a signed part keeps its sign,
 * and one value that is not a rational gives no sigma.  The result is
 * rho / sigma unless sigma is 0, but rho + sigma / 1000 whenever the text
 * contains a comma, that is, whenever the tag has two or more values.
 */
static void
apply_resolution(const struct tiff *t, const struct exif_value *v,
    double *resolution)
{
	double	 rho, sigma = 0.0;
	int	 rational = v->type == 5 || v->type == 10;

	if (v->count == 0)
		return;
	rho = (double)component(t, v->type, v->bytes, 0);
	if (rational)
		sigma = (double)denominator(t, v->type, v->bytes, 0);
	else if (v->count > 1)
		sigma = (double)component(t, v->type, v->bytes, 1);
	if (v->count > 1)
		*resolution = rho + sigma / 1000.0;
	else if (sigma != 0.0)
		*resolution = rho / sigma;
}

/*
 * Set the units the way ReadImage in ImageMagick 6.9.11 does.  It matches
 * the text up to the first comma or space against "1", "2" and "3", so
 * the first value of a list counts.  A rational ("3/1"), a value out of
 * range or an empty list leaves the units unchanged.
 */
static void
apply_units(const struct tiff *t, const struct exif_value *v,
    struct image *info)
{
	if (v->count == 0 || v->type == 5 || v->type == 10)
		return;
	switch (component(t, v->type, v->bytes, 0)) {
	case 1:
		info->units = UNITS_UNDEFINED;
		break;
	case 2:
		info->units = UNITS_PER_INCH;
		break;
	case 3:
		info->units = UNITS_PER_CENTIMETER;
		break;
	}
}

/*
 * Apply what ImageMagick's ReadImage takes from EXIF: orientation,
 * resolution and resolution unit.  Return -1 when a value is of a shape
 * that only ImageMagick interprets exactly.
 */
int
exif_apply(const unsigned char *profile, size_t len, struct image *info)
{
	static const unsigned	 tags[EXIF_TAGS_MAX] = {
		TAG_ORIENTATION, TAG_X_RESOLUTION, TAG_Y_RESOLUTION,
		TAG_RESOLUTION_UNIT
	};
	struct exif_value	 values[EXIF_TAGS_MAX];
	struct tiff		 t;

	if (tiff_open(profile, len, &t) != 0)
		return 0;
	if (exif_walk(&t, tags, EXIF_TAGS_MAX, values) != 0)
		return -1;
	if (values[0].found && apply_orientation(&t, &values[0], info) != 0)
		return -1;
	if (values[1].found)
		apply_resolution(&t, &values[1], &info->x_resolution);
	if (values[2].found)
		apply_resolution(&t, &values[2], &info->y_resolution);
	if (values[3].found)
		apply_units(&t, &values[3], info);
	return 0;
}
