/*
 * The -format interpreter for files a fast probe described.  It walks the
 * text with the rules of ImageMagick 6.9.11's InterpretImageProperties
 * (magick/property.c): leading white space dropped, backslash and entity
 * escapes, "%%", a '%' after a digit kept literally, single-letter and
 * braced escapes.  Any escape whose value the header cannot give, or whose
 * text is not reproduced here, returns FORMAT_DEFER so that ImageMagick's
 * own interpreter expands it.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imgid.h"

#define PATTERN_MAX	4095	/* longest braced name ImageMagick keeps */
#define VALUE_MAX	4096

/* Letters ImageMagick defines; any other letter only draws a warning. */
static const char magick_letters[] = "bcdefghiklmnopqrstuwxyzABCDFGHMNOPQSTUWXYZ@#";

/* Names of ImageMagick's OrientationType values 0 to 8. */
static const char *const orientation_names[] = {
	"Undefined", "TopLeft", "TopRight", "BottomRight", "BottomLeft",
	"LeftTop", "RightTop", "RightBottom", "LeftBottom"
};

static const char *const units_names[] = {
	"Undefined", "PixelsPerInch", "PixelsPerCentimeter"
};

/*
 * Format a byte count as ImageMagick's FormatMagickSize does: exact counts
 * as "<n>B", others scaled by 1000 (or 1024 when binary) with six
 * significant digits and a K, M, G... (or Ki, Mi, Gi...) prefix.
 */
void
format_size(uint64_t size, int binary, char *out, size_t outlen)
{
	static const char *const decimal[] = { "", "K", "M", "G", "T", "P",
	    "E", "Z", "Y" };
	static const char *const iec[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi",
	    "Ei", "Zi", "Yi" };
	const char *const	*units = binary ? iec : decimal;
	double			 length = (double)size;
	double			 step = binary ? 1024.0 : 1000.0;
	char			 six[64], full[64];
	size_t			 i;

	snprintf(six, sizeof(six), "%.6g", length);
	snprintf(full, sizeof(full), "%.20g", length);
	if (strtod(six, NULL) == strtod(full, NULL)) {
		snprintf(out, outlen, "%.20gB", length);
		return;
	}
	for (i = 0; length >= step && i + 1 < 9; i++)
		length /= step;
	snprintf(out, outlen, "%.6g%sB", length, units[i]);
}

/* Resolution as %x and %y print it: 72 when the file gives none. */
static double
format_resolution(double r)
{
	return fabs(r) > 1e-12 ? r : 72.0;
}

/*
 * Put the value of a single-letter escape into value.  Return 0 on
 * success and -1 when only ImageMagick can give it.
 */
static int
format_letter(int letter, const struct image *info,
    const struct format_names *names, char *value)
{
	switch (letter) {
	case 'b':
		format_size(info->file_size, 0, value, VALUE_MAX);
		break;
	case 'B':
		snprintf(value, VALUE_MAX, "%llu",
		    (unsigned long long)info->file_size);
		break;
	case 'd': case 'e': case 'f': case 't':
		path_component(names->filename, (char)letter, value,
		    VALUE_MAX);
		break;
	case 'g':
		snprintf(value, VALUE_MAX, "%llux%llu%+lld%+lld",
		    (unsigned long long)info->page_width,
		    (unsigned long long)info->page_height,
		    (long long)info->page_x, (long long)info->page_y);
		break;
	case 'h':
		snprintf(value, VALUE_MAX, "%llu",
		    (unsigned long long)info->rows);
		break;
	case 'w':
		snprintf(value, VALUE_MAX, "%llu",
		    (unsigned long long)info->columns);
		break;
	case 'G':
		snprintf(value, VALUE_MAX, "%llux%llu",
		    (unsigned long long)info->columns,
		    (unsigned long long)info->rows);
		break;
	case 'i':
		snprintf(value, VALUE_MAX, "%s", names->filename);
		break;
	case 'M':
		snprintf(value, VALUE_MAX, "%s", names->magick_filename);
		break;
	case 'm':
		snprintf(value, VALUE_MAX, "%s", info->magick);
		break;
	case 'n':
		snprintf(value, VALUE_MAX, "%llu",
		    (unsigned long long)info->frames);
		break;
	case 'p': case 's':
		snprintf(value, VALUE_MAX, "%llu",
		    (unsigned long long)info->scene);
		break;
	case 'q':
		snprintf(value, VALUE_MAX, "16");
		break;
	case 'x':
		snprintf(value, VALUE_MAX, "%.20g",
		    format_resolution(info->x_resolution));
		break;
	case 'y':
		snprintf(value, VALUE_MAX, "%.20g",
		    format_resolution(info->y_resolution));
		break;
	case 'z':
		snprintf(value, VALUE_MAX, "%u", info->depth);
		break;
	case 'C':
		snprintf(value, VALUE_MAX, "%s", info->compression);
		break;
	case 'H':
		snprintf(value, VALUE_MAX, "%llu",
		    (unsigned long long)info->page_height);
		break;
	case 'W':
		snprintf(value, VALUE_MAX, "%llu",
		    (unsigned long long)info->page_width);
		break;
	case 'O':
		snprintf(value, VALUE_MAX, "%+lld%+lld",
		    (long long)info->page_x, (long long)info->page_y);
		break;
	case 'P':
		snprintf(value, VALUE_MAX, "%llux%llu",
		    (unsigned long long)info->page_width,
		    (unsigned long long)info->page_height);
		break;
	case 'U':
		snprintf(value, VALUE_MAX, "%s", units_names[info->units]);
		break;
	case 'X':
		snprintf(value, VALUE_MAX, "%+lld", (long long)info->page_x);
		break;
	case 'Y':
		snprintf(value, VALUE_MAX, "%+lld", (long long)info->page_y);
		break;
	default:
		return -1;
	}
	return 0;
}

/*
 * Put the value of a braced escape into value.  Return 1 on success, 0
 * when ImageMagick would find nothing (it then warns), and -1 when only
 * ImageMagick can give it.
 */
static int
format_braced(const char *name, const struct image *info, char *value)
{
	if (strcasecmp(name, "exif:orientation") == 0) {
		if (info->exif_orientation[0] == '\0')
			return 0;
		snprintf(value, VALUE_MAX, "%s", info->exif_orientation);
	} else if (strcasecmp(name, "orientation") == 0)
		snprintf(value, VALUE_MAX, "%s",
		    orientation_names[info->orientation]);
	else if (strcasecmp(name, "width") == 0)
		snprintf(value, VALUE_MAX, "%llu",
		    (unsigned long long)info->columns);
	else if (strcasecmp(name, "height") == 0)
		snprintf(value, VALUE_MAX, "%llu",
		    (unsigned long long)info->rows);
	else if (strcasecmp(name, "magick") == 0)
		snprintf(value, VALUE_MAX, "%s", info->magick);
	else if (strcasecmp(name, "size") == 0)
		format_size(info->file_size, 0, value, VALUE_MAX);
	else
		return -1;
	return 1;
}

/* Copy the name inside "%[...]" at p; return its end, or NULL if unbalanced. */
static const char *
format_pattern(const char *p, char *pattern)
{
	size_t	 len = 0;
	int	 depth = 1;

	while (len < PATTERN_MAX && *p != '\0') {
		if (*p == '\\' && p[1] != '\0') {
			pattern[len++] = *p++;
			if (len < PATTERN_MAX)
				pattern[len++] = *p++;
			continue;
		}
		if (*p == '[')
			depth++;
		if (*p == ']')
			depth--;
		if (depth <= 0)
			break;
		pattern[len++] = *p++;
	}
	pattern[len] = '\0';
	return depth == 0 ? p : NULL;
}

/* Handle a backslash at *pp; advance *pp to the last byte consumed. */
static void
format_backslash(const char **pp, struct buf *out)
{
	const char	*p = *pp;

	switch (p[1]) {
	case '\0':
		return;
	case 'r':
		buf_addc(out, '\r');
		p++;
		break;
	case 'n':
		buf_addc(out, '\n');
		p++;
		break;
	case '\n':
		p++;
		break;
	case '\r':
		p++;
		if (p[1] == '\n')
			p++;
		break;
	default:
		p++;
		buf_addc(out, *p);
		break;
	}
	*pp = p;
}

/* Handle "&lt;", "&gt;" and "&amp;" at *pp. */
static void
format_entity(const char **pp, struct buf *out)
{
	const char	*p = *pp;

	if (strncasecmp(p, "&lt;", 4) == 0) {
		buf_addc(out, '<');
		p += 3;
	} else if (strncasecmp(p, "&gt;", 4) == 0) {
		buf_addc(out, '>');
		p += 3;
	} else if (strncasecmp(p, "&amp;", 5) == 0) {
		buf_addc(out, '&');
		p += 4;
	} else
		buf_addc(out, '&');
	*pp = p;
}

/*
 * Expand fmt for one frame into out.  Warnings ImageMagick would give are
 * appended to warnings, one description per line.  On FORMAT_DEFER, out
 * and warnings hold partial text that the caller discards.
 */
enum format_status
format_expand(const char *fmt, const struct image *info,
    const struct format_names *names, struct buf *out, struct buf *warnings)
{
	char		 value[VALUE_MAX], pattern[PATTERN_MAX + 1];
	const char	*p = fmt, *end;
	int		 number = 0, found;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '@')
		return FORMAT_DEFER;
	for (; *p != '\0'; number = isdigit((unsigned char)*p), p++) {
		if (*p == '\\') {
			format_backslash(&p, out);
			continue;
		}
		if (*p == '&') {
			format_entity(&p, out);
			continue;
		}
		if (*p != '%') {
			buf_addc(out, *p);
			continue;
		}
		p++;
		if (*p == '\0' || *p == '\'' || *p == '"')
			p--;
		if (*p == '%') {
			buf_addc(out, '%');
			continue;
		}
		if (*p != '[') {
			if (number) {
				buf_addc(out, '%');
				p--;
				continue;
			}
			if (strchr(magick_letters, *p) == NULL) {
				buf_printf(warnings, "\"%%%c\"\n", *p);
				continue;
			}
			if (format_letter(*p, info, names, value) != 0)
				return FORMAT_DEFER;
			buf_adds(out, value);
			continue;
		}
		if (p[1] == ']' || (end = format_pattern(p + 1, pattern)) == NULL)
			return FORMAT_DEFER;
		found = format_braced(pattern, info, value);
		if (found < 0)
			return FORMAT_DEFER;
		if (found)
			buf_adds(out, value);
		else
			buf_printf(warnings, "\"%%[%s]\"\n", pattern);
		p = end;
	}
	return FORMAT_DONE;
}

/*
 * Return 1 when every escape in fmt has the same value whether ImageMagick
 * pings the file or decodes it: names, sizes, page geometry, orientation
 * and EXIF tags, all set from the header by its coders.  Any other escape
 * (colours, type, depth, statistics, the signature, and resolution, which
 * the PSD coder sets only when it decodes) can change once pixels are
 * read, so identify's own choice must stand.
 */
int
format_ping_safe(const char *fmt)
{
	static const char letters[] = "bBdefghimMnpstwGHOPWXY%";
	static const char *const braced[] = { "width", "height", "magick",
	    "size", "orientation", "exif:", NULL };
	const char	*p, *end;
	size_t		 i;

	for (p = strchr(fmt, '%'); p != NULL; p = strchr(p + 1, '%')) {
		if (p[1] == '\0')
			break;
		if (p[1] != '[') {
			if (strchr(letters, p[1]) == NULL)
				return 0;
			if (p[1] == '%')
				p++;
			continue;
		}
		if ((end = strchr(p, ']')) == NULL)
			return 0;
		for (i = 0; braced[i] != NULL; i++)
			if (strncasecmp(p + 2, braced[i],
			    strlen(braced[i])) == 0)
				break;
		if (braced[i] == NULL || memchr(p + 2, '[', end - p - 2))
			return 0;
		p = end;
	}
	return 1;
}
