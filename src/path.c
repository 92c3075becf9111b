/*
 * Operand names: frame suffixes and the file name parts that the %d, %e,
 * %f and %t escapes print, with ImageMagick's rules.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imgid.h"

/*
 * Return 1 when s is a scene list the fast path can take: a number first,
 * then only digits, '-', ',' and spaces ("0", "0-3", "2,0").  ImageMagick
 * also accepts geometries here ("100x100" extracts a region), which only it
 * can apply.
 */
int
path_is_scene_list(const char *s)
{
	if (s[0] < '0' || s[0] > '9')
		return 0;
	return strspn(s, "0123456789-, ") == strlen(s);
}

/*
 * Return 1 when s may be a geometry ("100x100", "50%", "10x10+5+5"), which
 * ImageMagick applies to the image as an extract region.
 */
static int
path_is_geometry(const char *s)
{
	return *s != '\0' && strchr("0123456789x+-.", *s) != NULL &&
	    strspn(s, "0123456789xX+-.%!<>^@") == strlen(s);
}

/* Return 1 when name is present on the file system, as ImageMagick tests. */
static int
path_exists(const char *name)
{
	return *name != '\0' && access(name, F_OK) == 0;
}

/*
 * Remove a "FORMAT:" prefix (letters and digits before the first colon)
 * from name in place.  Return 1 when there was one.
 */
static int
path_strip_prefix(char *name)
{
	size_t	 n = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789");

	if (n == 0 || name[n] != ':')
		return 0;
	memmove(name, name + n + 1, strlen(name + n + 1) + 1);
	return 1;
}

/*
 * Split an operand into the file to open and its frame suffix.  A name that
 * exists literally is that file, brackets and all.  Forms that ImageMagick
 * alone interprets (format prefixes, geometry suffixes, %d templates, stdin)
 * set magick_only.  path is still the file they name, so that the caller
 * can check it before ImageMagick opens it.  With literal set, as in batch mode, the name is taken
 * as it is.  Return -1 for an @file list, which imgid never reads.
 */
int
path_parse(const char *arg, int literal, struct operand *op)
{
	const char	*lbracket, *rbracket;
	size_t		 len = strlen(arg);

	memset(op, 0, sizeof(*op));
	op->arg = arg;
	if (literal || path_exists(arg)) {
		op->path = xstrdup(arg);
		return 0;
	}
	if (arg[0] == '@')
		return -1;
	op->path = xstrdup(arg);
	if (strcmp(arg, "-") == 0 || strchr(arg, '%') != NULL)
		op->magick_only = 1;
	if (path_strip_prefix(op->path))
		op->magick_only = 1;
	len = strlen(op->path);
	arg = op->path;
	if (len < 3 || arg[len - 1] != ']')
		return 0;
	rbracket = arg + len - 1;
	for (lbracket = rbracket; lbracket > arg && *lbracket != '['; lbracket--)
		continue;
	if (*lbracket != '[' || (lbracket > arg && lbracket[-1] == ']'))
		return 0;
	op->frames = xstrdup(lbracket + 1);
	op->frames[rbracket - lbracket - 1] = '\0';
	if (path_is_scene_list(op->frames))
		op->path[lbracket - arg] = '\0';
	else if (path_is_geometry(op->frames)) {
		op->path[lbracket - arg] = '\0';
		op->magick_only = 1;
		op->geometry = 1;
	} else {
		free(op->frames);
		op->frames = NULL;
	}
	return 0;
}

void
path_free(struct operand *op)
{
	free(op->path);
	free(op->frames);
	op->path = op->frames = NULL;
}

/*
 * Copy into out one part of name, which has no frame suffix or format
 * prefix: 'd' the directory, 'f' the last component, 'e' the extension,
 * 't' the last component without its extension.  The separator search
 * never looks at the first byte, as in ImageMagick, so "/a" has directory
 * "" and ".profile" has extension "profile".
 */
void
path_component(const char *name, char part, char *out, size_t outlen)
{
	const char	*base = name, *end = name + strlen(name), *p, *dot;
	size_t		 n;

	out[0] = '\0';
	if (*name == '\0')
		return;
	for (p = end - 1; p > name && *p != '/'; p--)
		continue;
	if (*p == '/')
		base = p + 1;
	if (part == 'd') {
		n = (size_t)(p - name);
		if (n >= outlen)
			n = outlen - 1;
		memcpy(out, name, n);
		out[n] = '\0';
		return;
	}
	for (dot = end - 1; dot > base && *dot != '.'; dot--)
		continue;
	if (base == end || *dot != '.')
		dot = NULL;
	if (part == 'e') {
		snprintf(out, outlen, "%s", dot != NULL ? dot + 1 : "");
		return;
	}
	n = (part == 't' && dot != NULL && dot > base) ?
	    (size_t)(dot - base) : (size_t)(end - base);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, base, n);
	out[n] = '\0';
}
