/*
 * Unit suites for the parts of imgid that need no ImageMagick: operand
 * parsing, the escape interpreter, size formatting, the EXIF walker and
 * the PNG, JPEG and GIF probes.  Expected values were taken from ImageMagick
 * 6.9.11's identify on the same inputs.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <zlib.h>

#include "imgid.h"

/* A 70x46 JPEG as the probes describe it, for the interpreter tests. */
static struct image
sample_image(void)
{
	struct image	 info;

	memset(&info, 0, sizeof(info));
	snprintf(info.magick, sizeof(info.magick), "JPEG");
	info.columns = info.page_width = 70;
	info.rows = info.page_height = 46;
	info.depth = 8;
	snprintf(info.colorspace, sizeof(info.colorspace), "sRGB");
	snprintf(info.compression, sizeof(info.compression), "JPEG");
	info.frames = 1;
	info.file_size = 8655129;
	return info;
}

static const struct format_names sample_names = {
	"dir/rose.jpg[0]", "dir/rose.jpg"
};

/* Expand fmt on the sample image; return the text, or NULL if deferred. */
static char *
expand(const char *fmt, const struct image *info, char *warnings,
    size_t warnlen)
{
	static char	 text[1024];
	struct buf	 out = { NULL, 0, 0 }, warn = { NULL, 0, 0 };
	enum format_status status;

	status = format_expand(fmt, info, &sample_names, &out, &warn);
	snprintf(text, sizeof(text), "%s", out.len ? out.data : "");
	if (warnings != NULL)
		snprintf(warnings, warnlen, "%s", warn.len ? warn.data : "");
	buf_free(&out);
	buf_free(&warn);
	return status == FORMAT_DONE ? text : NULL;
}

static const struct {
	const char	*format;
	const char	*expected;
} format_cases[] = {
	{ "%wx%h", "70x46" },
	{ "%m %w %h %b", "JPEG 70 46 8.65513MB" },
	{ "%[width]x%[height] %[magick] %[size]", "70x46 JPEG 8.65513MB" },
	{ "%B", "8655129" },
	{ "%f|%d|%e|%t|%i|%M", "rose.jpg|dir|jpg|rose|dir/rose.jpg|"
	    "dir/rose.jpg[0]" },
	{ "%g %P %W %H %X %Y %O %G", "70x46+0+0 70x46 70 46 +0 +0 +0+0 70x46" },
	{ "%n %p %s %q %z", "1 0 0 16 8" },
	{ "%x %y %U %C", "72 72 Undefined JPEG" },
	{ "%[orientation]", "Undefined" },
	{ "  \t%w", "70" },
	{ "   ", "" },
	{ "a\\nb\\rc\\td\\\\e", "a\nb\rctd\\e" },
	{ "%%w %", "%w %" },
	{ "5%w", "5%w" },
	{ "&lt;%w&gt;&amp;&x", "<70>&&x" },
	{ "%w\\", "70" },
	{ "%'%\"", "%'%\"" },
};

START_TEST(test_format_escapes)
{
	struct image	 info = sample_image();
	const char	*got;

	got = expand(format_cases[_i].format, &info, NULL, 0);
	ck_assert_msg(got != NULL, "format %s was deferred",
	    format_cases[_i].format);
	ck_assert_str_eq(got, format_cases[_i].expected);
}
END_TEST

START_TEST(test_format_unknown_letter_warns)
{
	struct image	 info = sample_image();
	char		 warnings[256];

	ck_assert_str_eq(expand("a%jb", &info, warnings, sizeof(warnings)),
	    "ab");
	ck_assert_str_eq(warnings, "\"%j\"\n");
}
END_TEST

START_TEST(test_format_missing_exif_warns)
{
	struct image	 info = sample_image();
	char		 warnings[256];

	ck_assert_str_eq(expand("%wx%h,%[exif:orientation]", &info, warnings,
	    sizeof(warnings)), "70x46,");
	ck_assert_str_eq(warnings, "\"%[exif:orientation]\"\n");
}
END_TEST

START_TEST(test_format_exif_orientation)
{
	struct image	 info = sample_image();

	info.orientation = 6;
	snprintf(info.exif_orientation, sizeof(info.exif_orientation), "6");
	ck_assert_str_eq(expand("%wx%h,%[EXIF:Orientation] %[orientation]",
	    &info, NULL, 0), "70x46,6 RightTop");
}
END_TEST

static const char *const deferred_formats[] = {
	"%k", "%#", "%r", "%Q", "%c", "%[EXIF:*]", "%[colorspace]",
	"%[profiles]", "%[fx:w/2]", "@list.txt", "%[]", "%[width",
	"%[type]", "%A", "%[exif:Make]"
};

START_TEST(test_format_defers)
{
	struct image	 info = sample_image();

	ck_assert_msg(expand(deferred_formats[_i], &info, NULL, 0) == NULL,
	    "format %s was not deferred", deferred_formats[_i]);
}
END_TEST

START_TEST(test_format_ping_safe)
{
	ck_assert_int_eq(format_ping_safe("%wx%h,%[exif:orientation]"), 1);
	ck_assert_int_eq(format_ping_safe("%m %w %h %b"), 1);
	ck_assert_int_eq(format_ping_safe("%n\\n"), 1);
	ck_assert_int_eq(format_ping_safe("100%%"), 1);
	ck_assert_int_eq(format_ping_safe("%k"), 0);
	ck_assert_int_eq(format_ping_safe("%r"), 0);
	ck_assert_int_eq(format_ping_safe("%x"), 0);
	ck_assert_int_eq(format_ping_safe("%[colorspace]"), 0);
	ck_assert_int_eq(format_ping_safe("%[width"), 0);
}
END_TEST

static const struct {
	uint64_t	 size;
	int		 binary;
	const char	*expected;
} size_cases[] = {
	{ 0, 0, "0B" },
	{ 857695, 0, "857695B" },
	{ 999999, 1, "999999B" },
	{ 8655129, 0, "8.65513MB" },
	{ 8655129, 1, "8.25417MiB" },
	{ 18150816, 1, "17.31MiB" },
	{ 1234567, 0, "1.23457MB" },
};

START_TEST(test_format_size)
{
	char	 out[64];

	format_size(size_cases[_i].size, size_cases[_i].binary, out,
	    sizeof(out));
	ck_assert_str_eq(out, size_cases[_i].expected);
}
END_TEST

static Suite *
format_suite(void)
{
	Suite	*s = suite_create("format");
	TCase	*tc = tcase_create("escapes");

	tcase_add_loop_test(tc, test_format_escapes, 0,
	    sizeof(format_cases) / sizeof(format_cases[0]));
	tcase_add_test(tc, test_format_unknown_letter_warns);
	tcase_add_test(tc, test_format_missing_exif_warns);
	tcase_add_test(tc, test_format_exif_orientation);
	tcase_add_loop_test(tc, test_format_defers, 0,
	    sizeof(deferred_formats) / sizeof(deferred_formats[0]));
	tcase_add_test(tc, test_format_ping_safe);
	suite_add_tcase(s, tc);
	tc = tcase_create("size");
	tcase_add_loop_test(tc, test_format_size, 0,
	    sizeof(size_cases) / sizeof(size_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

static const struct {
	const char	*arg;
	const char	*path;
	const char	*frames;
	int		 magick_only;
} path_cases[] = {
	{ "photo.jpg", "photo.jpg", NULL, 0 },
	{ "photo.jpg[0]", "photo.jpg", "0", 0 },
	{ "anim.gif[1-2]", "anim.gif", "1-2", 0 },
	{ "anim.gif[2,0]", "anim.gif", "2,0", 0 },
	{ "photo.jpg[100x100]", "photo.jpg", "100x100", 1 },
	{ "gif:anim.gif", "anim.gif", NULL, 1 },
	{ "png:a.png[0]", "a.png", "0", 1 },
	{ "img%03d.png", "img%03d.png", NULL, 1 },
	{ "-", "-", NULL, 1 },
	{ "[0]", "", "0", 0 },
	{ "", "", NULL, 0 },
	{ "a[]", "a[]", NULL, 0 },
	{ "a]", "a]", NULL, 0 },
	{ "x[1]][2]", "x[1]][2]", NULL, 0 },
	{ "dir/a b.png[0]", "dir/a b.png", "0", 0 },
};

START_TEST(test_path_parse)
{
	struct operand	 op;

	ck_assert_int_eq(path_parse(path_cases[_i].arg, 0, &op), 0);
	ck_assert_str_eq(op.path, path_cases[_i].path);
	if (path_cases[_i].frames == NULL)
		ck_assert_ptr_null(op.frames);
	else
		ck_assert_str_eq(op.frames, path_cases[_i].frames);
	ck_assert_int_eq(op.magick_only, path_cases[_i].magick_only);
	path_free(&op);
}
END_TEST

START_TEST(test_path_literal)
{
	struct operand	 op;

	ck_assert_int_eq(path_parse("gif:a[0]", 1, &op), 0);
	ck_assert_str_eq(op.path, "gif:a[0]");
	ck_assert_ptr_null(op.frames);
	ck_assert_int_eq(op.magick_only, 0);
	path_free(&op);
	ck_assert_int_eq(path_parse("@list.txt", 1, &op), 0);
	ck_assert_str_eq(op.path, "@list.txt");
	path_free(&op);
}
END_TEST

START_TEST(test_path_at_file_rejected)
{
	struct operand	 op;

	ck_assert_int_eq(path_parse("@list.txt", 0, &op), -1);
	path_free(&op);
}
END_TEST

static const struct {
	const char	*name;
	char		 part;
	const char	*expected;
} component_cases[] = {
	{ "rose.jpg", 'd', "" },
	{ "rose.jpg", 'f', "rose.jpg" },
	{ "rose.jpg", 'e', "jpg" },
	{ "rose.jpg", 't', "rose" },
	{ "a/b/rose.tar.gz", 'd', "a/b" },
	{ "a/b/rose.tar.gz", 'e', "gz" },
	{ "a/b/rose.tar.gz", 't', "rose.tar" },
	{ "/rose.jpg", 'd', "" },
	{ "/rose.jpg", 'f', "rose.jpg" },
	{ ".profile", 'e', "profile" },
	{ ".profile", 't', ".profile" },
	{ "noext", 'e', "" },
	{ "dir.d/noext", 'e', "" },
	{ "", 'f', "" },
};

START_TEST(test_path_component)
{
	char	 out[256];

	path_component(component_cases[_i].name, component_cases[_i].part,
	    out, sizeof(out));
	ck_assert_str_eq(out, component_cases[_i].expected);
}
END_TEST

START_TEST(test_path_scene_list)
{
	ck_assert_int_eq(path_is_scene_list("0"), 1);
	ck_assert_int_eq(path_is_scene_list("0-3"), 1);
	ck_assert_int_eq(path_is_scene_list("2,0"), 1);
	ck_assert_int_eq(path_is_scene_list("-1"), 0);
	ck_assert_int_eq(path_is_scene_list("100x100"), 0);
	ck_assert_int_eq(path_is_scene_list(""), 0);
}
END_TEST

static Suite *
path_suite(void)
{
	Suite	*s = suite_create("path");
	TCase	*tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_path_parse, 0,
	    sizeof(path_cases) / sizeof(path_cases[0]));
	tcase_add_test(tc, test_path_literal);
	tcase_add_test(tc, test_path_at_file_rejected);
	tcase_add_test(tc, test_path_scene_list);
	suite_add_tcase(s, tc);
	tc = tcase_create("component");
	tcase_add_loop_test(tc, test_path_component, 0,
	    sizeof(component_cases) / sizeof(component_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Build an EXIF APP1 payload: "Exif\0\0", a TIFF header in the given byte
 * order, IFD0 with Orientation, XResolution and an Exif IFD pointer, an
 * empty Exif IFD, and IFD1 (the thumbnail) with its own Orientation.
 */
static size_t
make_exif(unsigned char *p, int big_endian, unsigned orientation)
{
	size_t	 n = 0, base;

#define PUT16(v) do { unsigned _v = (v); if (big_endian) { \
	p[n++] = _v >> 8; p[n++] = _v & 0xff; } else { \
	p[n++] = _v & 0xff; p[n++] = _v >> 8; } } while (0)
#define PUT32(v) do { uint32_t _w = (v); if (big_endian) { \
	PUT16(_w >> 16); PUT16(_w & 0xffff); } else { \
	PUT16(_w & 0xffff); PUT16(_w >> 16); } } while (0)
	memcpy(p, "Exif\0\0", 6);
	n = 6;
	base = n;
	p[n++] = big_endian ? 'M' : 'I';
	p[n++] = big_endian ? 'M' : 'I';
	PUT16(42);
	PUT32(8);
	PUT16(3);			/* IFD0 at 8: three entries */
	PUT16(0x0112); PUT16(3); PUT32(1); PUT16(orientation); PUT16(0);
	PUT16(0x011a); PUT16(5); PUT32(1); PUT32(50);
	PUT16(0x8769); PUT16(4); PUT32(1); PUT32(58);
	PUT32(64);			/* next IFD: IFD1 at 64 */
	PUT32(300); PUT32(1);		/* XResolution value at 50 */
	PUT16(0); PUT32(0);		/* Exif IFD at 58: empty */
	PUT16(1);			/* IFD1 at 64 */
	PUT16(0x0112); PUT16(3); PUT32(1); PUT16(8); PUT16(0);
	PUT32(0);
#undef PUT16
#undef PUT32
	ck_assert_uint_eq(n - base, 64 + 18);
	return n;
}

START_TEST(test_exif_little_endian)
{
	unsigned char	 exif[256];
	char		 value[64];
	size_t		 len = make_exif(exif, 0, 6);

	ck_assert_int_eq(exif_find_tag(exif, len, 0x0112, value,
	    sizeof(value)), 1);
	ck_assert_str_eq(value, "6");
	ck_assert_int_eq(exif_find_tag(exif, len, 0x011a, value,
	    sizeof(value)), 1);
	ck_assert_str_eq(value, "300/1");
	ck_assert_int_eq(exif_find_tag(exif, len, 0x0128, value,
	    sizeof(value)), 0);
}
END_TEST

START_TEST(test_exif_big_endian)
{
	unsigned char	 exif[256];
	char		 value[64];
	size_t		 len = make_exif(exif, 1, 3);

	ck_assert_int_eq(exif_find_tag(exif, len, 0x0112, value,
	    sizeof(value)), 1);
	ck_assert_str_eq(value, "3");
}
END_TEST

START_TEST(test_exif_apply)
{
	unsigned char	 exif[256];
	struct image	 info;
	size_t		 len = make_exif(exif, 0, 6);

	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(exif_apply(exif, len, &info), 0);
	ck_assert_int_eq(info.orientation, 6);
	ck_assert_str_eq(info.exif_orientation, "6");
	ck_assert(info.x_resolution == 300.0);
	ck_assert(info.y_resolution == 0.0);
}
END_TEST

START_TEST(test_exif_bad_orientation_defers)
{
	unsigned char	 exif[256];
	struct image	 info;
	size_t		 len = make_exif(exif, 0, 9);

	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(exif_apply(exif, len, &info), -1);
}
END_TEST

/* Every prefix of a valid profile must be walked without reading past it. */
START_TEST(test_exif_truncated)
{
	unsigned char	 exif[256], *copy;
	char		 value[64];
	size_t		 len = make_exif(exif, 0, 6), cut;

	for (cut = 0; cut < len; cut++) {
		copy = malloc(cut + 1);
		memcpy(copy, exif, cut);
		(void)exif_find_tag(copy, cut, 0x0112, value, sizeof(value));
		free(copy);
	}
}
END_TEST

/* Every orientation value: 1 to 8 are applied, others make imgid defer. */
START_TEST(test_exif_orientation_values)
{
	unsigned char	 exif[256];
	struct image	 info;
	char		 text[4];
	size_t		 len = make_exif(exif, 0, (unsigned)_i);

	memset(&info, 0, sizeof(info));
	if (_i < 1 || _i > 8) {
		ck_assert_int_eq(exif_apply(exif, len, &info), -1);
		return;
	}
	snprintf(text, sizeof(text), "%d", _i);
	ck_assert_int_eq(exif_apply(exif, len, &info), 0);
	ck_assert_int_eq(info.orientation, _i);
	ck_assert_str_eq(info.exif_orientation, text);
}
END_TEST

/*
 * Build an EXIF payload, little-endian, whose IFD0 contains one entry.  A
 * value longer than four bytes is stored after the directory.
 */
static size_t
make_exif_entry(unsigned char *p, unsigned tag, unsigned type,
    uint32_t count, const unsigned char *value, size_t value_len)
{
	static const unsigned char	 head[] = {
		'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0
	};
	unsigned char			*e = p + sizeof(head);

	memcpy(p, head, sizeof(head));
	e[0] = tag & 0xff;
	e[1] = tag >> 8;
	e[2] = type;
	e[3] = 0;
	e[4] = count & 0xff;
	e[5] = (count >> 8) & 0xff;
	e[6] = (count >> 16) & 0xff;
	e[7] = count >> 24;
	memset(e + 8, 0, 8);			/* value or offset, next IFD */
	if (value_len <= 4) {
		memcpy(e + 8, value, value_len);
		return sizeof(head) + 16;
	}
	e[8] = 26;				/* offset from "II" */
	memcpy(e + 16, value, value_len);
	return sizeof(head) + 16 + value_len;
}

/*
 * Value shapes and what exif_apply makes of them.  Status -1 means that
 * imgid leaves the file to ImageMagick.  For the others, identify 6.9.11
 * prints the same orientation, resolution and units.
 */
static const struct {
	unsigned	 tag, type;
	uint32_t	 count;
	unsigned char	 value[24];
	size_t		 value_len;
	int		 status;	/* exif_apply's return */
	int		 orientation;
	const char	*text;
	double		 x_resolution;	/* 72 when unchanged */
	enum image_units units;		/* UNITS_PER_INCH when unchanged */
} exif_shapes[] = {
	{ 0x0112, 3, 1, { 6 }, 2, 0, 6, "6", 72, UNITS_PER_INCH },
	{ 0x0112, 4, 1, { 3 }, 4, 0, 3, "3", 72, UNITS_PER_INCH },
	{ 0x0112, 1, 1, { 8 }, 1, 0, 8, "8", 72, UNITS_PER_INCH },
	{ 0x0112, 5, 1, { 6, 0, 0, 0, 1 }, 8, 0, 6, "6/1", 72,
	    UNITS_PER_INCH },
	{ 0x0112, 3, 2, { 6, 0, 3 }, 4, 0, 6, "6, 3", 72, UNITS_PER_INCH },
	{ 0x0112, 10, 1, { 0xfa, 0xff, 0xff, 0xff, 1 }, 8, -1, 0, "", 72,
	    UNITS_PER_INCH },
	{ 0x0112, 8, 1, { 0xff, 0xff }, 2, -1, 0, "", 72, UNITS_PER_INCH },
	{ 0x0112, 4, 1, { 0xff, 0xff, 0xff, 0xff }, 4, -1, 0, "", 72,
	    UNITS_PER_INCH },
	{ 0x0112, 3, 0, { 0 }, 0, -1, 0, "", 72, UNITS_PER_INCH },
	{ 0x0112, 2, 2, { '6' }, 2, -1, 0, "", 72, UNITS_PER_INCH },
	{ 0x011a, 5, 1, { 44, 1, 0, 0, 1 }, 8, 0, 0, "", 300,
	    UNITS_PER_INCH },
	{ 0x011a, 5, 1, { 0 }, 8, 0, 0, "", 72, UNITS_PER_INCH },
	{ 0x011a, 5, 1, { 0, 0, 0, 0, 5 }, 8, 0, 0, "", 0, UNITS_PER_INCH },
	{ 0x011a, 5, 1, { 5 }, 8, 0, 0, "", 72, UNITS_PER_INCH },
	{ 0x011a, 5, 0, { 0 }, 0, 0, 0, "", 72, UNITS_PER_INCH },
	/* SRATIONAL parts keep their sign: -5/3, 5/-3 and -5/-3. */
	{ 0x011a, 10, 1, { 0xfb, 0xff, 0xff, 0xff, 3 }, 8, 0, 0, "",
	    -1.6666666666666667407, UNITS_PER_INCH },
	{ 0x011a, 10, 1, { 5, 0, 0, 0, 0xfd, 0xff, 0xff, 0xff }, 8, 0, 0, "",
	    -1.6666666666666667407, UNITS_PER_INCH },
	{ 0x011a, 10, 1, { 0xfb, 0xff, 0xff, 0xff, 0xfd, 0xff, 0xff, 0xff }, 8,
	    0, 0, "", 1.6666666666666667407, UNITS_PER_INCH },
	{ 0x011a, 10, 1, { 0xfb, 0xff, 0xff, 0xff }, 8, 0, 0, "", 72,
	    UNITS_PER_INCH },
	{ 0x011a, 5, 1, { 0xff, 0xff, 0xff, 0xff, 3 }, 8, 0, 0, "",
	    1431655765, UNITS_PER_INCH },
	/* Two or more values: the first number plus the second over 1000. */
	{ 0x011a, 5, 2, { 44, 1, 0, 0, 1, 0, 0, 0, 72, 0, 0, 0, 1 }, 16, 0,
	    0, "", 300.00099999999997635, UNITS_PER_INCH },
	{ 0x011a, 5, 2, { 44, 1, 0, 0, 0, 0, 0, 0, 72, 0, 0, 0, 1 }, 16, 0,
	    0, "", 300, UNITS_PER_INCH },
	{ 0x011a, 10, 2, { 0xfb, 0xff, 0xff, 0xff, 3, 0, 0, 0, 72, 0, 0, 0,
	    1 }, 16, 0, 0, "", -4.9969999999999998863, UNITS_PER_INCH },
	{ 0x011a, 5, 3, { 1, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 1,
	    0, 0, 0, 1 }, 24, 0, 0, "", 1.0029999999999998916,
	    UNITS_PER_INCH },
	{ 0x011a, 5, 2, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1,
	    0, 0, 0, 1 }, 16, 0, 0, "", 4299262262.2950000763,
	    UNITS_PER_INCH },
	/* Integer types: one value gives no denominator, so no change. */
	{ 0x011a, 3, 1, { 44, 1 }, 2, 0, 0, "", 72, UNITS_PER_INCH },
	{ 0x011a, 8, 1, { 0xfb, 0xff }, 2, 0, 0, "", 72, UNITS_PER_INCH },
	{ 0x011a, 3, 2, { 44, 1, 72, 0 }, 4, 0, 0, "", 300.07200000000000273,
	    UNITS_PER_INCH },
	{ 0x011a, 8, 2, { 0xfb, 0xff, 0xfd, 0xff }, 4, 0, 0, "",
	    -5.0030000000000001137, UNITS_PER_INCH },
	{ 0x011a, 1, 3, { 5, 3, 2 }, 3, 0, 0, "", 5.0030000000000001137,
	    UNITS_PER_INCH },
	{ 0x011a, 11, 1, { 0 }, 4, -1, 0, "", 72, UNITS_PER_INCH },
	{ 0x0128, 3, 1, { 3 }, 2, 0, 0, "", 72, UNITS_PER_CENTIMETER },
	{ 0x0128, 3, 1, { 1 }, 2, 0, 0, "", 72, UNITS_UNDEFINED },
	{ 0x0128, 3, 1, { 0 }, 2, 0, 0, "", 72, UNITS_PER_INCH },
	{ 0x0128, 3, 1, { 4 }, 2, 0, 0, "", 72, UNITS_PER_INCH },
	{ 0x0128, 3, 0, { 0 }, 0, 0, 0, "", 72, UNITS_PER_INCH },
	{ 0x0128, 5, 1, { 3, 0, 0, 0, 1 }, 8, 0, 0, "", 72, UNITS_PER_INCH },
	{ 0x0128, 10, 1, { 3, 0, 0, 0, 1 }, 8, 0, 0, "", 72, UNITS_PER_INCH },
	{ 0x0128, 5, 2, { 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1 }, 16, 0, 0,
	    "", 72, UNITS_PER_INCH },
	/* A list of units: the first value counts. */
	{ 0x0128, 3, 2, { 3, 0, 1, 0 }, 4, 0, 0, "", 72,
	    UNITS_PER_CENTIMETER },
	{ 0x0128, 3, 2, { 1, 0, 3, 0 }, 4, 0, 0, "", 72, UNITS_UNDEFINED },
	{ 0x0128, 3, 2, { 4, 0, 3, 0 }, 4, 0, 0, "", 72, UNITS_PER_INCH },
	{ 0x0128, 4, 2, { 3, 0, 0, 0, 2 }, 8, 0, 0, "", 72,
	    UNITS_PER_CENTIMETER },
	{ 0x0128, 1, 3, { 1, 3, 2 }, 3, 0, 0, "", 72, UNITS_UNDEFINED },
	{ 0x0128, 8, 1, { 3 }, 2, 0, 0, "", 72, UNITS_PER_CENTIMETER },
	{ 0x0128, 8, 1, { 0xfe, 0xff }, 2, 0, 0, "", 72, UNITS_PER_INCH },
};

START_TEST(test_exif_value_shapes)
{
	unsigned char	 exif[64];
	struct image	 info;
	size_t		 len;

	len = make_exif_entry(exif, exif_shapes[_i].tag, exif_shapes[_i].type,
	    exif_shapes[_i].count, exif_shapes[_i].value,
	    exif_shapes[_i].value_len);
	memset(&info, 0, sizeof(info));
	info.x_resolution = 72;
	info.units = UNITS_PER_INCH;
	ck_assert_int_eq(exif_apply(exif, len, &info), exif_shapes[_i].status);
	if (exif_shapes[_i].status != 0)
		return;
	ck_assert_int_eq(info.orientation, exif_shapes[_i].orientation);
	ck_assert_str_eq(info.exif_orientation, exif_shapes[_i].text);
	ck_assert(info.x_resolution == exif_shapes[_i].x_resolution);
	ck_assert_int_eq(info.units, exif_shapes[_i].units);
}
END_TEST

/* YResolution is read like XResolution and sets only y_resolution. */
START_TEST(test_exif_y_resolution_signed)
{
	static const unsigned char	 value[8] = {
		0xfb, 0xff, 0xff, 0xff, 3, 0, 0, 0
	};
	unsigned char			 exif[64];
	struct image			 info;
	size_t				 len;

	len = make_exif_entry(exif, 0x011b, 10, 1, value, sizeof(value));
	memset(&info, 0, sizeof(info));
	info.x_resolution = 72;
	info.y_resolution = 72;
	ck_assert_int_eq(exif_apply(exif, len, &info), 0);
	ck_assert(info.x_resolution == 72);
	ck_assert(info.y_resolution == -1.6666666666666667407);
}
END_TEST

static Suite *
exif_suite(void)
{
	Suite	*s = suite_create("exif");
	TCase	*tc = tcase_create("tags");

	tcase_add_test(tc, test_exif_little_endian);
	tcase_add_test(tc, test_exif_big_endian);
	tcase_add_test(tc, test_exif_apply);
	tcase_add_test(tc, test_exif_bad_orientation_defers);
	tcase_add_test(tc, test_exif_truncated);
	tcase_add_loop_test(tc, test_exif_orientation_values, 0, 10);
	tcase_add_loop_test(tc, test_exif_value_shapes, 0,
	    sizeof(exif_shapes) / sizeof(exif_shapes[0]));
	tcase_add_test(tc, test_exif_y_resolution_signed);
	suite_add_tcase(s, tc);
	return s;
}

/* Probe a fixture; return the status and fill pd. */
static enum probe_status
probe_fixture(const char *name, struct probe_data *pd)
{
	const char	*dir = getenv("FIXTURES");
	char		 path[4096];
	enum probe_status status;
	struct stat	 st;
	int		 fd;

	snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : "fixtures",
	    name);
	fd = open(path, O_RDONLY);
	ck_assert_msg(fd != -1, "cannot open %s", path);
	ck_assert_int_eq(fstat(fd, &st), 0);
	status = probe_file(fd, (uint64_t)st.st_size, 0, pd);
	close(fd);
	return status;
}

static const struct {
	const char	*file;
	const char	*magick;
	unsigned	 width, height, depth;
	const char	*colorspace;
	int		 pseudo_class;
	unsigned	 colors;
	int		 orientation;
} probe_cases[] = {
	{ "png-palette8.png", "PNG", 70, 46, 8, "sRGB", 1, 81, 0 },
	{ "png-gray8.png", "PNG", 70, 46, 8, "Gray", 1, 256, 0 },
	{ "png-gray1.png", "PNG", 70, 46, 8, "Gray", 1, 2, 0 },
	{ "png-gray16.png", "PNG", 70, 46, 16, "Gray", 0, 0, 0 },
	{ "png-rgba8.png", "PNG", 70, 46, 8, "sRGB", 0, 0, 0 },
	{ "png-palette-trns.png", "PNG", 70, 46, 8, "sRGB", 0, 0, 0 },
	{ "png-interlaced.png", "PNG", 70, 46, 8, "sRGB", 0, 0, 0 },
	{ "jpeg-baseline.jpg", "JPEG", 70, 46, 8, "sRGB", 0, 0, 0 },
	{ "jpeg-progressive.jpg", "JPEG", 70, 46, 8, "sRGB", 0, 0, 0 },
	{ "jpeg-gray.jpg", "JPEG", 70, 46, 8, "Gray", 1, 256, 0 },
	{ "jpeg-cmyk.jpg", "JPEG", 70, 46, 8, "CMYK", 0, 0, 0 },
	{ "jpeg-orientation6.jpg", "JPEG", 70, 46, 8, "sRGB", 0, 0, 6 },
	{ "jpeg-orientation8.jpg", "JPEG", 70, 46, 8, "sRGB", 0, 0, 8 },
	{ "jpeg-exif-bigendian.jpg", "JPEG", 70, 46, 8, "sRGB", 0, 0, 3 },
	{ "jpeg-exif-thumbnail.jpg", "JPEG", 70, 46, 8, "sRGB", 0, 0, 1 },
	{ "gif-single.gif", "GIF", 70, 46, 8, "sRGB", 1, 64, 0 },
	{ "gif87a.gif", "GIF", 70, 46, 8, "sRGB", 1, 32, 0 },
};

START_TEST(test_probe_fixture)
{
	struct probe_data	 pd;

	ck_assert_int_eq(probe_fixture(probe_cases[_i].file, &pd), PROBE_OK);
	ck_assert_str_eq(pd.info.magick, probe_cases[_i].magick);
	ck_assert_uint_eq(pd.info.columns, probe_cases[_i].width);
	ck_assert_uint_eq(pd.info.rows, probe_cases[_i].height);
	ck_assert_uint_eq(pd.info.depth, probe_cases[_i].depth);
	ck_assert_str_eq(pd.info.colorspace, probe_cases[_i].colorspace);
	ck_assert_int_eq(pd.info.pseudo_class, probe_cases[_i].pseudo_class);
	ck_assert_uint_eq(pd.info.colors, probe_cases[_i].colors);
	ck_assert_int_eq(pd.info.orientation, probe_cases[_i].orientation);
}
END_TEST

START_TEST(test_probe_resolution)
{
	struct probe_data	 pd;

	ck_assert_int_eq(probe_fixture("png-phys-300dpi.png", &pd), PROBE_OK);
	ck_assert_int_eq(pd.info.units, UNITS_PER_CENTIMETER);
	ck_assert(pd.info.x_resolution == 11811 / 100.0);
	ck_assert_int_eq(probe_fixture("jpeg-jfif-300dpi.jpg", &pd), PROBE_OK);
	ck_assert_int_eq(pd.info.units, UNITS_PER_INCH);
	ck_assert(pd.info.x_resolution == 300.0);
	ck_assert_int_eq(probe_fixture("jpeg-exif-resolution.jpg", &pd),
	    PROBE_OK);
	ck_assert(pd.info.x_resolution == 300.0);
}
END_TEST

/*
 * EXIF resolution fixtures that the JPEG probe must read without
 * ImageMagick, with the values identify 6.9.11 prints for %x %y %U.
 */
static const struct {
	const char	*file;
	double		 x_resolution, y_resolution;
	enum image_units units;
} exif_resolution_cases[] = {
	{ "jpeg-exif-srational.jpg", -1.6666666666666667407,
	    1.6666666666666667407, UNITS_PER_CENTIMETER },
	{ "jpeg-exif-units-list.jpg", 300.00099999999997635, 300,
	    UNITS_PER_CENTIMETER },
	{ "jpeg-exif-resolution-edges.jpg", -5.0030000000000001137, 0,
	    UNITS_PER_INCH },
};

START_TEST(test_probe_exif_resolution)
{
	struct probe_data	 pd;

	ck_assert_int_eq(probe_fixture(exif_resolution_cases[_i].file, &pd),
	    PROBE_OK);
	ck_assert(pd.info.x_resolution ==
	    exif_resolution_cases[_i].x_resolution);
	ck_assert(pd.info.y_resolution ==
	    exif_resolution_cases[_i].y_resolution);
	ck_assert_int_eq(pd.info.units, exif_resolution_cases[_i].units);
}
END_TEST

START_TEST(test_probe_gif_frames)
{
	struct probe_data	 pd;

	ck_assert_int_eq(probe_fixture("gif-page-offsets.gif", &pd), PROBE_OK);
	ck_assert_uint_eq(pd.nframes, 2);
	ck_assert_uint_eq(pd.frames[1].columns, 12);
	ck_assert_uint_eq(pd.frames[1].page_width, 100);
	ck_assert_int_eq(pd.frames[1].page_x, 40);
	ck_assert_int_eq(pd.frames[1].page_y, 30);
	ck_assert_uint_eq(pd.frames[1].scene, 1);
	ck_assert_uint_eq(pd.frames[1].frames, 2);
	ck_assert_uint_eq(pd.info.colors, 2);
	probe_free(&pd);
}
END_TEST

START_TEST(test_probe_gif_transparent_index)
{
	struct probe_data	 pd;

	ck_assert_int_eq(probe_fixture("gif-trns-past-table.gif", &pd),
	    PROBE_OK);
	ck_assert_uint_eq(pd.info.colors, 65);
	ck_assert_int_eq(pd.info.matte, 1);
	probe_free(&pd);
	ck_assert_int_eq(probe_fixture("gif-local-colormaps.gif", &pd),
	    PROBE_OK);
	ck_assert_uint_eq(pd.frames[0].colors, 8);
	ck_assert_uint_eq(pd.frames[1].colors, 4);
	probe_free(&pd);
}
END_TEST

/* Build a GIF in out: a 2x1 screen, a 2-colour global table, then records. */
static size_t
gif_build(unsigned char *out, const unsigned char *records, size_t len)
{
	static const unsigned char head[] = {
		'G', 'I', 'F', '8', '9', 'a', 2, 0, 1, 0, 0x80, 0, 0,
		0, 0, 0, 255, 255, 255
	};

	memcpy(out, head, sizeof(head));
	memcpy(out + sizeof(head), records, len);
	return sizeof(head) + len;
}

/* An image descriptor at 0,0 of 2x1 with no local table, then its data. */
#define GIF_IMAGE	',', 0, 0, 0, 0, 2, 0, 1, 0, 0, 2, 2, 0x4c, 0x01, 0

START_TEST(test_gif_walk_minimal)
{
	static const unsigned char records[] = { GIF_IMAGE, ';' };
	unsigned char		 gif[64];
	struct probe_data	 pd;
	size_t			 len = gif_build(gif, records, sizeof(records));

	memset(&pd, 0, sizeof(pd));
	pd.info.file_size = len;
	ck_assert_int_eq(gif_probe_bytes(gif, len, &pd, 0), PROBE_OK);
	ck_assert_uint_eq(pd.nframes, 1);
	ck_assert_uint_eq(pd.info.columns, 2);
	ck_assert_uint_eq(pd.info.rows, 1);
	ck_assert_uint_eq(pd.info.colors, 2);
	ck_assert_int_eq(pd.info.matte, 0);
	ck_assert_uint_eq(pd.info.file_size, len);
	probe_free(&pd);
}
END_TEST

START_TEST(test_gif_walk_truncated)
{
	static const unsigned char records[] = { GIF_IMAGE, GIF_IMAGE, ';' };
	unsigned char		 gif[64];
	struct probe_data	 pd;
	size_t			 len = gif_build(gif, records, sizeof(records));
	size_t			 cut;

	for (cut = 0; cut < len; cut++) {
		memset(&pd, 0, sizeof(pd));
		ck_assert_msg(gif_probe_bytes(gif, cut, &pd, 0) == PROBE_DEFER,
		    "a GIF cut to %zu of %zu bytes was answered", cut, len);
		ck_assert_ptr_null(pd.frames);
	}
}
END_TEST

START_TEST(test_gif_walk_first_only)
{
	static const unsigned char records[] = { GIF_IMAGE, 'x', 'y' };
	unsigned char		 gif[64];
	struct probe_data	 pd;
	size_t			 len = gif_build(gif, records, sizeof(records));

	memset(&pd, 0, sizeof(pd));
	ck_assert_int_eq(gif_probe_bytes(gif, len, &pd, 1), PROBE_OK);
	ck_assert_uint_eq(pd.nframes, 1);
	probe_free(&pd);
	memset(&pd, 0, sizeof(pd));
	ck_assert_int_eq(gif_probe_bytes(gif, len, &pd, 0), PROBE_DEFER);
}
END_TEST

START_TEST(test_gif_walk_transparent)
{
	/* A graphic control extension with index 2, just past the table. */
	static const unsigned char records[] = {
		'!', 0xf9, 4, 0x01, 0, 0, 2, 0, GIF_IMAGE, GIF_IMAGE, ';'
	};
	unsigned char		 gif[64];
	struct probe_data	 pd;
	size_t			 len = gif_build(gif, records, sizeof(records));

	memset(&pd, 0, sizeof(pd));
	ck_assert_int_eq(gif_probe_bytes(gif, len, &pd, 0), PROBE_OK);
	ck_assert_uint_eq(pd.nframes, 2);
	ck_assert_uint_eq(pd.frames[0].colors, 3);
	ck_assert_int_eq(pd.frames[0].matte, 1);
	ck_assert_uint_eq(pd.frames[1].colors, 2);
	ck_assert_int_eq(pd.frames[1].matte, 0);
	ck_assert_uint_eq(pd.frames[1].scene, 1);
	ck_assert_uint_eq(pd.frames[0].frames, 2);
	probe_free(&pd);
}
END_TEST

/* Records that ImageMagick may read differently from the walker. */
static const struct {
	const char		*what;
	unsigned char		 records[48];
	size_t			 len;
} gif_odd_cases[] = {
	{ "stray byte", { 0, GIF_IMAGE, ';' }, 17 },
	{ "GCE block of 5", { '!', 0xf9, 5, 1, 0, 0, 2, 0, 0, ';' }, 10 },
	{ "code size 1", { ',', 0, 0, 0, 0, 2, 0, 1, 0, 0, 1, 1, 0, 0, ';' },
	    15 },
	{ "code size 9", { ',', 0, 0, 0, 0, 2, 0, 1, 0, 0, 9, 1, 0, 0, ';' },
	    15 },
	{ "zero width", { ',', 0, 0, 0, 0, 0, 0, 1, 0, 0, 2, 1, 0, 0, ';' },
	    15 },
	{ "no image", { ';' }, 1 },
	{ "GCE of two blocks", { '!', 0xf9, 4, 1, 0, 0, 1, 4, 0, 0, 0, 0, 0,
	    GIF_IMAGE, ';' }, 29 },
	{ "empty application block", { '!', 0xff, 0, GIF_IMAGE, ';' }, 19 },
	{ "extension labelled ','", { '!', ',', 0, GIF_IMAGE, ';' }, 19 },
	{ "ImageMagick gamma 1", { '!', 0xff, 11, 'I', 'm', 'a', 'g', 'e',
	    'M', 'a', 'g', 'i', 'c', 'k', 7, 'g', 'a', 'm', 'm', 'a', '=', '1',
	    0, GIF_IMAGE, ';' }, 39 },
};

START_TEST(test_gif_walk_defers)
{
	unsigned char		 gif[96];
	struct probe_data	 pd;
	size_t			 len = gif_build(gif, gif_odd_cases[_i].records,
	    gif_odd_cases[_i].len);

	memset(&pd, 0, sizeof(pd));
	ck_assert_msg(gif_probe_bytes(gif, len, &pd, 0) == PROBE_DEFER,
	    "%s was answered", gif_odd_cases[_i].what);
}
END_TEST

/*
 * ImageMagick 6.9.11's GIF writer adds an "ImageMagick" extension with the
 * gamma to almost every file (coders/gif.c, WriteGIFImage).  Only gamma 1
 * changes the description, so the walker must still probe other values.
 */
START_TEST(test_gif_walk_gamma_extension)
{
	static const unsigned char records[] = {
		'!', 0xff, 11, 'I', 'M', 'A', 'G', 'E', 'M', 'A', 'G', 'I',
		'C', 'K', 14, 'g', 'a', 'm', 'm', 'a', '=', '0', '.', '4',
		'5', '4', '5', '4', '5', 0, GIF_IMAGE, ';'
	};
	unsigned char		 gif[96];
	struct probe_data	 pd;
	size_t			 len = gif_build(gif, records, sizeof(records));

	memset(&pd, 0, sizeof(pd));
	ck_assert_int_eq(gif_probe_bytes(gif, len, &pd, 0), PROBE_OK);
	ck_assert_uint_eq(pd.nframes, 1);
	ck_assert_str_eq(pd.info.colorspace, "sRGB");
	probe_free(&pd);
}
END_TEST

/*
 * ImageMagick rejects a list of 1000 frames under imgid's policy, so the
 * walker counts up to 999 and defers a longer GIF, unless only frame 0
 * is requested.
 */
START_TEST(test_gif_walk_frame_limit)
{
	static const unsigned char image[] = { GIF_IMAGE };
	static unsigned char	 gif[32 + 1000 * sizeof(image)];
	struct probe_data	 pd;
	size_t			 len;
	int			 frames, i;

	for (frames = 999; frames <= 1000; frames++) {
		len = gif_build(gif, image, sizeof(image));
		for (i = 1; i < frames; i++) {
			memcpy(gif + len, image, sizeof(image));
			len += sizeof(image);
		}
		gif[len++] = ';';
		memset(&pd, 0, sizeof(pd));
		ck_assert_int_eq(gif_probe_bytes(gif, len, &pd, 0),
		    frames == 999 ? PROBE_OK : PROBE_DEFER);
		ck_assert_uint_eq(pd.nframes, frames == 999 ? 999 : 0);
		probe_free(&pd);
		memset(&pd, 0, sizeof(pd));
		ck_assert_int_eq(gif_probe_bytes(gif, len, &pd, 1), PROBE_OK);
		probe_free(&pd);
	}
}
END_TEST

/*
 * A GIF larger than the first read: its second frame lies past 8 KiB, so
 * the probe must load the rest of the file to count it.
 */
START_TEST(test_gif_probe_large_file)
{
	static const unsigned char image[] = { GIF_IMAGE };
	unsigned char		 block[256], gif[64];
	char			 path[] = "/tmp/check_imgid_gifXXXXXX";
	struct probe_data	 pd;
	struct stat		 st;
	size_t			 len = gif_build(gif, image, sizeof(image) - 1);
	int			 fd, i;

	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	unlink(path);
	ck_assert_int_eq(write(fd, gif, len), (ssize_t)len);
	memset(block, 0x55, sizeof(block));
	block[0] = 255;
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(write(fd, block, 256), 256);
	ck_assert_int_eq(write(fd, "\0" "\x2c\0\0\0\0\2\0\1\0\0\2\2\x4c\1\0;",
	    17), 17);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_gt(st.st_size, 8192);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(probe_file(fd, (uint64_t)st.st_size, 0, &pd),
	    PROBE_OK);
	ck_assert_uint_eq(pd.nframes, 2);
	ck_assert_uint_eq(pd.info.file_size, (uint64_t)st.st_size);
	probe_free(&pd);
	close(fd);
}
END_TEST

static const char *const deferred_files[] = {
	"jpeg-truncated-after-sof.jpg", "jpeg-soi-only.jpg", "empty.jpg",
	"png-signature-only.png", "png-ihdr-only.png", "png-bad-crc.png",
	"random.jpg", "text-named.png", "gif-no-trailer.gif",
	"webp-lossy.webp", "svg-size.svg", "html-named.gif"
};

START_TEST(test_probe_defers)
{
	struct probe_data	 pd;

	ck_assert_int_eq(probe_fixture(deferred_files[_i], &pd), PROBE_DEFER);
}
END_TEST

/*
 * Files for one thread's JPEG decompressor in turn: the truncated file
 * ends inside the header, so libjpeg leaves jpeg_read_header by longjmp,
 * and the files after it must still be read in full.
 */
static const struct {
	const char		*file;
	enum probe_status	 status;
	unsigned		 width;
	const char		*colorspace;
	int			 orientation;
} jpeg_sequence[] = {
	{ "jpeg-orientation6.jpg", PROBE_OK, 70, "sRGB", 6 },
	{ "jpeg-truncated-after-sof.jpg", PROBE_DEFER, 0, "", 0 },
	{ "jpeg-baseline.jpg", PROBE_OK, 70, "sRGB", 0 },
	{ "jpeg-truncated-after-sof.jpg", PROBE_DEFER, 0, "", 0 },
	{ "jpeg-two-exif.jpg", PROBE_DEFER, 0, "", 0 },
	{ "jpeg-orientation8.jpg", PROBE_OK, 70, "sRGB", 8 },
	{ "jpeg-gray.jpg", PROBE_OK, 70, "Gray", 0 },
	{ "jpeg-cmyk.jpg", PROBE_OK, 70, "CMYK", 0 },
};
#define JPEG_SEQUENCE_LEN \
	(sizeof(jpeg_sequence) / sizeof(jpeg_sequence[0]))

/* Return how many results of one pass through jpeg_sequence are wrong. */
static int
probe_jpeg_sequence(void)
{
	struct probe_data	 pd;
	size_t			 i;
	int			 wrong = 0;

	for (i = 0; i < JPEG_SEQUENCE_LEN; i++) {
		if (probe_fixture(jpeg_sequence[i].file, &pd) !=
		    jpeg_sequence[i].status)
			wrong++;
		else if (jpeg_sequence[i].status == PROBE_OK &&
		    (pd.info.columns != jpeg_sequence[i].width ||
		    strcmp(pd.info.colorspace, jpeg_sequence[i].colorspace) ||
		    pd.info.orientation != jpeg_sequence[i].orientation))
			wrong++;
	}
	return wrong;
}

START_TEST(test_probe_jpeg_reuse)
{
	struct probe_data	 pd;
	size_t			 i;

	for (i = 0; i < JPEG_SEQUENCE_LEN; i++) {
		ck_assert_int_eq(probe_fixture(jpeg_sequence[i].file, &pd),
		    jpeg_sequence[i].status);
		if (jpeg_sequence[i].status != PROBE_OK)
			continue;
		ck_assert_uint_eq(pd.info.columns, jpeg_sequence[i].width);
		ck_assert_str_eq(pd.info.colorspace,
		    jpeg_sequence[i].colorspace);
		ck_assert_int_eq(pd.info.orientation,
		    jpeg_sequence[i].orientation);
	}
}
END_TEST

static void *
probe_jpeg_thread(void *arg)
{
	int	*wrong = arg;
	int	 pass;

	for (pass = 0; pass < 50; pass++)
		*wrong += probe_jpeg_sequence();
	return NULL;
}

/* Threads probing at once must not share a decompressor. */
START_TEST(test_probe_jpeg_threads)
{
	pthread_t	 threads[4];
	int		 wrong[4] = { 0 };
	size_t		 i;

	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL,
		    probe_jpeg_thread, &wrong[i]), 0);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
		ck_assert_int_eq(wrong[i], 0);
	}
}
END_TEST

static Suite *
probe_suite(void)
{
	Suite	*s = suite_create("probe");
	TCase	*tc = tcase_create("fixtures");

	tcase_add_loop_test(tc, test_probe_fixture, 0,
	    sizeof(probe_cases) / sizeof(probe_cases[0]));
	tcase_add_test(tc, test_probe_resolution);
	tcase_add_loop_test(tc, test_probe_exif_resolution, 0,
	    sizeof(exif_resolution_cases) / sizeof(exif_resolution_cases[0]));
	tcase_add_test(tc, test_probe_gif_frames);
	tcase_add_test(tc, test_probe_gif_transparent_index);
	tcase_add_loop_test(tc, test_probe_defers, 0,
	    sizeof(deferred_files) / sizeof(deferred_files[0]));
	tcase_add_test(tc, test_probe_jpeg_reuse);
	tcase_add_test(tc, test_probe_jpeg_threads);
	suite_add_tcase(s, tc);

	tc = tcase_create("gif walker");
	tcase_add_test(tc, test_gif_walk_minimal);
	tcase_add_test(tc, test_gif_walk_truncated);
	tcase_add_test(tc, test_gif_walk_first_only);
	tcase_add_test(tc, test_gif_walk_transparent);
	tcase_add_loop_test(tc, test_gif_walk_defers, 0,
	    sizeof(gif_odd_cases) / sizeof(gif_odd_cases[0]));
	tcase_add_test(tc, test_gif_walk_gamma_extension);
	tcase_add_test(tc, test_gif_walk_frame_limit);
	tcase_add_test(tc, test_gif_probe_large_file);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Read fd from its first byte with the chunk walker (walk) or with libpng.
 * Return the probe status, or -1 when the walker gives the file to libpng.
 */
static int
png_read_with(int fd, int walk, struct probe_data *pd)
{
	struct png_header	 hdr;
	struct reader		 rd;

	memset(pd, 0, sizeof(*pd));
	memset(&rd, 0, sizeof(rd));
	rd.fd = fd;
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	reader_fill(&rd);
	if (!walk)
		return png_probe_libpng(&rd, pd);
	if (png_walk(&rd, &hdr) == -1)
		return -1;
	return png_probe_header(&hdr, pd);
}

/* Check that two probes of one file filled the same facts. */
static void
png_assert_same(const struct probe_data *a, const struct probe_data *b,
    const char *name)
{
	ck_assert_msg(strcmp(a->info.magick, b->info.magick) == 0,
	    "%s: magick differs", name);
	ck_assert_msg(a->info.columns == b->info.columns &&
	    a->info.rows == b->info.rows, "%s: size differs", name);
	ck_assert_msg(a->info.depth == b->info.depth, "%s: depth differs",
	    name);
	ck_assert_msg(strcmp(a->info.colorspace, b->info.colorspace) == 0,
	    "%s: colorspace differs", name);
	ck_assert_msg(a->info.pseudo_class == b->info.pseudo_class &&
	    a->info.colors == b->info.colors, "%s: colormap differs", name);
	ck_assert_msg(a->info.matte == b->info.matte, "%s: matte differs",
	    name);
	ck_assert_msg(a->info.x_resolution == b->info.x_resolution &&
	    a->info.y_resolution == b->info.y_resolution &&
	    a->info.units == b->info.units, "%s: resolution differs", name);
	ck_assert_msg(a->default_line_ok == b->default_line_ok,
	    "%s: default_line_ok differs", name);
	ck_assert_msg(memcmp(&a->info, &b->info, sizeof(a->info)) == 0,
	    "%s: another image field differs", name);
}

/*
 * Compare the walker with libpng on fd.  Return 1 when the walker read
 * the file itself, 0 when it gave the file to libpng.  Either way
 * png_probe, which rewinds for libpng, must agree with libpng alone.
 */
static int
png_compare_paths(int fd, const char *name)
{
	struct probe_data	 walked, read, probed;
	struct reader		 rd;
	int			 walk_status, libpng_status;

	walk_status = png_read_with(fd, 1, &walked);
	libpng_status = png_read_with(fd, 0, &read);
	if (walk_status != -1) {
		ck_assert_msg(walk_status == libpng_status,
		    "%s: walker status %d, libpng status %d", name,
		    walk_status, libpng_status);
		png_assert_same(&walked, &read, name);
	}
	memset(&probed, 0, sizeof(probed));
	memset(&rd, 0, sizeof(rd));
	rd.fd = fd;
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	reader_fill(&rd);
	ck_assert_msg((int)png_probe(&rd, &probed) == libpng_status,
	    "%s: png_probe and libpng differ in status", name);
	png_assert_same(&probed, &read, name);
	return walk_status != -1;
}

/* Return a descriptor of a temporary file that contains the bytes of b. */
static int
png_temp_file(const struct buf *b)
{
	FILE	*f = tmpfile();
	int	 fd;

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(b->data, 1, b->len, f), b->len);
	ck_assert_int_eq(fflush(f), 0);
	fd = dup(fileno(f));
	fclose(f);
	return fd;
}

static void
png_add_be32(struct buf *b, uint32_t v)
{
	unsigned char	 p[4] = { v >> 24, v >> 16, v >> 8, v };

	buf_add(b, p, 4);
}

/* Append a chunk with its CRC, as an encoder writes it. */
static void
png_add_chunk(struct buf *b, const char *type, const void *data, size_t len)
{
	uLong	 crc = crc32(0L, (const Bytef *)type, 4);

	if (len > 0)
		crc = crc32(crc, data, (uInt)len);
	png_add_be32(b, (uint32_t)len);
	buf_add(b, type, 4);
	buf_add(b, data, len);
	png_add_be32(b, (uint32_t)crc);
}

#define IHDR_RGB8	"\0\0\0\x46\0\0\0\x2e\x08\x02\0\0\0"
#define IHDR_GRAY8	"\0\0\0\x46\0\0\0\x2e\x08\x00\0\0\0"
#define IHDR_GRAY16	"\0\0\0\x46\0\0\0\x2e\x10\x00\0\0\0"
#define IHDR_PAL2	"\0\0\0\x46\0\0\0\x2e\x02\x03\0\0\0"
#define SRGB_CHRM	"\0\0\x7a\x26\0\0\x80\x84\0\0\xfa\0\0\0\x80\xe8" \
			"\0\0\x75\x30\0\0\xea\x60\0\0\x3a\x98\0\0\x17\x70"

/*
 * Small PNGs: IHDR, up to three chunks, and an empty IDAT.  walker is 0
 * when the walker must read the file itself and -1 when it must give the
 * file to libpng.
 */
static const struct {
	const char	*name;
	const char	*ihdr;
	const char	*type[3];
	const char	*data[3];
	size_t		 len[3];
	uint32_t	 idat_len;
	int		 walker;
} walk_cases[] = {
	{ "plain RGB", IHDR_RGB8, { NULL }, { NULL }, { 0 }, 0, 0 },
	{ "palette with tRNS", IHDR_PAL2, { "PLTE", "tRNS" },
	    { "\1\2\3\4\5\6\7\10\11\12\13\14", "\0\x80" }, { 12, 2 }, 0, 0 },
	{ "sRGB then gAMA", IHDR_RGB8, { "sRGB", "gAMA" },
	    { "\0", "\0\0\xb1\x8f" }, { 1, 4 }, 0, 0 },
	{ "gAMA cHRM pHYs", IHDR_RGB8, { "gAMA", "cHRM", "pHYs" },
	    { "\0\0\xb1\x8f", SRGB_CHRM, "\0\0\x2e\x23\0\0\x2e\x23\1" },
	    { 4, 32, 9 }, 0, 0 },
	{ "gray16 bKGD", IHDR_GRAY16, { "bKGD", "tIME" },
	    { "\xff\xff", "\x07\xe8\1\x1f\x17\x3b\x3c" }, { 2, 7 }, 0, 0 },
	{ "gray tRNS", IHDR_GRAY8, { "tRNS" }, { "\0\xff" }, { 2 }, 0, 0 },
	{ "iTXt uncompressed", IHDR_RGB8, { "iTXt" },
	    { "XML:com.adobe.xmp\0\0\0en\0\0<x/>" }, { 27 }, 0, 0 },
	{ "eXIf and sBIT", IHDR_RGB8, { "sBIT", "eXIf" },
	    { "\5\6\7", "MM\0\x2a\0\0\0\x08\0\0" }, { 3, 10 }, 0, 0 },
	{ "tEXt", IHDR_RGB8, { "tEXt" }, { "Software\0imgid" }, { 14 },
	    0, 0 },
	{ "linear gAMA", IHDR_RGB8, { "gAMA" }, { "\0\1\x86\xa0" }, { 4 },
	    0, -1 },
	{ "sRGB and other gAMA", IHDR_RGB8, { "sRGB", "gAMA" },
	    { "\0", "\0\0\xc3\x50" }, { 1, 4 }, 0, -1 },
	{ "PLTE too long", IHDR_PAL2, { "PLTE" },
	    { "\1\2\3\4\5\6\7\10\11\12\13\14\15\16\17" }, { 15 }, 0, -1 },
	{ "PLTE in RGB", IHDR_RGB8, { "PLTE" }, { "\1\2\3" }, { 3 }, 0, -1 },
	{ "PLTE missing", IHDR_PAL2, { NULL }, { NULL }, { 0 }, 0, -1 },
	{ "tRNS out of range", IHDR_GRAY8, { "tRNS" }, { "\1\0" }, { 2 },
	    0, -1 },
	{ "tRNS longer than PLTE", IHDR_PAL2, { "PLTE", "tRNS" },
	    { "\1\2\3\4\5\6", "\0\0\0" }, { 6, 3 }, 0, -1 },
	{ "bKGD index past PLTE", IHDR_PAL2, { "PLTE", "bKGD" },
	    { "\1\2\3\4\5\6", "\2" }, { 6, 1 }, 0, -1 },
	{ "pHYs twice", IHDR_RGB8, { "pHYs", "pHYs" },
	    { "\0\0\0\1\0\0\0\1\0", "\0\0\0\1\0\0\0\1\0" }, { 9, 9 }, 0, -1 },
	{ "gAMA after PLTE", IHDR_PAL2, { "PLTE", "gAMA" },
	    { "\1\2\3", "\0\0\xb1\x8f" }, { 3, 4 }, 0, -1 },
	{ "cHRM not sRGB", IHDR_RGB8, { "cHRM" },
	    { "\0\0\x7a\x27\0\0\x80\x84\0\0\xfa\0\0\0\x80\xe8"
	    "\0\0\x75\x30\0\0\xea\x60\0\0\x3a\x98\0\0\x17\x70" }, { 32 },
	    0, -1 },
	{ "tIME month 13", IHDR_RGB8, { "tIME" },
	    { "\x07\xe8\x0d\1\0\0\0" }, { 7 }, 0, -1 },
	{ "oFFs", IHDR_RGB8, { "oFFs" }, { "\0\0\0\5\0\0\0\7\0" }, { 9 },
	    0, -1 },
	{ "vpAg", IHDR_RGB8, { "vpAg" }, { "\0\0\0\x50\0\0\0\x40\0" },
	    { 9 }, 0, -1 },
	{ "private ancillary", IHDR_RGB8, { "prIv" }, { "x" }, { 1 }, 0, -1 },
	{ "unknown critical", IHDR_RGB8, { "CRIt" }, { "x" }, { 1 }, 0, -1 },
	{ "zTXt", IHDR_RGB8, { "zTXt" },
	    { "c\0\0\x78\x9c\x03\0\0\0\0\1" }, { 11 }, 0, -1 },
	{ "iTXt compressed", IHDR_RGB8, { "iTXt" },
	    { "c\0\1\0\0\0\x78\x9c\x03\0\0\0\0\1" }, { 14 }, 0, -1 },
	{ "tEXt empty keyword", IHDR_RGB8, { "tEXt" }, { "\0x" }, { 2 },
	    0, -1 },
	{ "width past limit", "\0\x0f\x42\x41\0\0\0\x2e\x08\x02\0\0\0",
	    { NULL }, { NULL }, { 0 }, 0, -1 },
	{ "interlace 2", "\0\0\0\x46\0\0\0\x2e\x08\x02\0\0\2",
	    { NULL }, { NULL }, { 0 }, 0, -1 },
	{ "RGB depth 4", "\0\0\0\x46\0\0\0\x2e\x04\x02\0\0\0",
	    { NULL }, { NULL }, { 0 }, 0, -1 },
	{ "IDAT too long", IHDR_RGB8, { NULL }, { NULL }, { 0 }, 8000001,
	    -1 },
};

/* Build walk_cases[i] as a PNG file and return its descriptor. */
static int
png_walk_case_file(int i)
{
	struct buf	 b = { NULL, 0, 0 };
	int		 fd, k;

	buf_add(&b, "\x89PNG\r\n\x1a\n", 8);
	png_add_chunk(&b, "IHDR", walk_cases[i].ihdr, 13);
	for (k = 0; k < 3 && walk_cases[i].type[k] != NULL; k++)
		png_add_chunk(&b, walk_cases[i].type[k], walk_cases[i].data[k],
		    walk_cases[i].len[k]);
	png_add_be32(&b, walk_cases[i].idat_len);
	buf_add(&b, "IDAT", 4);
	fd = png_temp_file(&b);
	buf_free(&b);
	return fd;
}

START_TEST(test_png_walk_cases)
{
	int	 fd = png_walk_case_file(_i);
	int	 walked;

	walked = png_compare_paths(fd, walk_cases[_i].name);
	ck_assert_msg(walked == (walk_cases[_i].walker == 0),
	    "%s: walker %s the file", walk_cases[_i].name,
	    walked ? "read" : "gave up on");
	close(fd);
}
END_TEST

/*
 * Build an RGB PNG with a gAMA chunk, cut after cut bytes and with the
 * low bit of byte flip inverted.  (size_t)-1 leaves the file whole.
 */
static int
png_broken_file(size_t cut, size_t flip)
{
	struct buf	 b = { NULL, 0, 0 };
	int		 fd;

	buf_add(&b, "\x89PNG\r\n\x1a\n", 8);
	png_add_chunk(&b, "IHDR", IHDR_RGB8, 13);
	png_add_chunk(&b, "gAMA", "\0\0\xb1\x8f", 4);
	png_add_be32(&b, 0);
	buf_add(&b, "IDAT", 4);
	if (flip < b.len)
		b.data[flip] ^= 1;
	if (cut < b.len)
		b.len = cut;
	fd = png_temp_file(&b);
	buf_free(&b);
	return fd;
}

START_TEST(test_png_walk_crc_error)
{
	struct probe_data	 pd;
	int			 fd;

	/* The last byte of the IHDR CRC and of the gAMA CRC, then gAMA data. */
	fd = png_broken_file((size_t)-1, 32);
	ck_assert_int_eq(png_read_with(fd, 1, &pd), -1);
	ck_assert_int_eq(png_compare_paths(fd, "IHDR CRC"), 0);
	close(fd);
	fd = png_broken_file((size_t)-1, 48);
	ck_assert_int_eq(png_read_with(fd, 1, &pd), -1);
	ck_assert_int_eq(png_compare_paths(fd, "gAMA CRC"), 0);
	close(fd);
	fd = png_broken_file((size_t)-1, 44);
	ck_assert_int_eq(png_read_with(fd, 1, &pd), -1);
	ck_assert_int_eq(png_compare_paths(fd, "gAMA data"), 0);
	close(fd);
	fd = png_broken_file((size_t)-1, (size_t)-1);
	ck_assert_int_eq(png_read_with(fd, 1, &pd), PROBE_OK);
	close(fd);
}
END_TEST

/*
 * Text keyed "Raw profile type ..." or "exif:...", which ImageMagick
 * reads when it decodes: both readers must defer it.  A raw profile
 * keyword that differs in case stays with the fast path.
 */
START_TEST(test_png_walk_raw_profile)
{
	static const char *const keywords[] = {
		"Raw profile type exif\0\nexif\n       4\n45786966\n",
		"raw profile type exif\0\nexif\n       4\n45786966\n",
		"EXIF:Orientation\0" "6                            "
	};
	struct buf		 b = { NULL, 0, 0 };
	struct probe_data	 pd;
	int			 fd, i;

	for (i = 0; i < 3; i++) {
		buf_add(&b, "\x89PNG\r\n\x1a\n", 8);
		png_add_chunk(&b, "IHDR", IHDR_RGB8, 13);
		png_add_chunk(&b, "tEXt", keywords[i], 46);
		png_add_be32(&b, 0);
		buf_add(&b, "IDAT", 4);
		fd = png_temp_file(&b);
		ck_assert_int_eq(png_compare_paths(fd, "raw profile"), 1);
		ck_assert_int_eq(png_read_with(fd, 1, &pd),
		    i != 1 ? PROBE_DEFER : PROBE_OK);
		ck_assert_int_eq(png_read_with(fd, 0, &pd),
		    i != 1 ? PROBE_DEFER : PROBE_OK);
		close(fd);
		b.len = 0;
	}
	buf_free(&b);
}
END_TEST

START_TEST(test_png_walk_truncated)
{
	struct probe_data	 pd;
	size_t			 cut;
	int			 fd;

	/* Every cut from inside the signature to inside the IDAT header. */
	for (cut = 4; cut < 57; cut++) {
		fd = png_broken_file(cut, (size_t)-1);
		ck_assert_msg(png_read_with(fd, 1, &pd) == -1,
		    "file cut at %zu was read by the walker", cut);
		ck_assert_int_eq(png_compare_paths(fd, "truncated"), 0);
		close(fd);
	}
}
END_TEST

/*
 * A tEXt chunk longer than the reader's buffer, so the walker copies its
 * data to check the CRC.  Before a chunk that the walker gives up on,
 * png_probe must then seek back to the start for libpng.
 */
START_TEST(test_png_walk_past_buffer)
{
	struct buf	 b = { NULL, 0, 0 };
	char		 text[20000];
	int		 fd, i;

	memset(text, 'a', sizeof(text));
	text[8] = '\0';
	for (i = 0; i < 2; i++) {
		buf_add(&b, "\x89PNG\r\n\x1a\n", 8);
		png_add_chunk(&b, "IHDR", IHDR_RGB8, 13);
		png_add_chunk(&b, "tEXt", text, sizeof(text));
		png_add_chunk(&b, i == 0 ? "tIME" : "prIv",
		    "\x07\xe8\1\x1f\x17\x3b\x3c", 7);
		png_add_be32(&b, 0);
		buf_add(&b, "IDAT", 4);
		fd = png_temp_file(&b);
		ck_assert_int_eq(png_compare_paths(fd, "long tEXt"), i == 0);
		close(fd);
		b.len = 0;
	}
	buf_free(&b);
}
END_TEST

/* Fixtures that the walker must read itself, without libpng. */
static const char *const walked_fixtures[] = {
	"png-rgb8.png", "png-rgba8.png", "png-palette8.png",
	"png-palette-trns.png", "png-gray1.png", "png-gray16.png",
	"png-gray-trns.png", "png-interlaced.png", "png-phys-300dpi.png",
	"png-exif-orientation6.png"
};

START_TEST(test_png_walk_fixture)
{
	const char	*dir = getenv("FIXTURES");
	char		 path[4096];
	int		 fd;

	snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : "fixtures",
	    walked_fixtures[_i]);
	ck_assert_msg((fd = open(path, O_RDONLY)) != -1, "cannot open %s",
	    path);
	ck_assert_msg(png_compare_paths(fd, path) == 1,
	    "%s: the walker gave the file to libpng", path);
	close(fd);
}
END_TEST

/* Compare the two readers on every file in dir, and return the count. */
static int
png_compare_directory(const char *dir, int *walked)
{
	struct dirent	*d;
	DIR		*dp;
	char		 path[4096];
	int		 fd, count = 0;

	if ((dp = opendir(dir)) == NULL)
		return 0;
	while ((d = readdir(dp)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if ((fd = open(path, O_RDONLY)) == -1)
			continue;
		*walked += png_compare_paths(fd, path);
		count++;
		close(fd);
	}
	closedir(dp);
	return count;
}

/*
 * Every fixture, and the PNG fuzzer's corpus when make fuzz has made
 * one: where the walker reads a file, libpng must find the same facts.
 */
START_TEST(test_png_walk_differential)
{
	const char	*dir = getenv("FIXTURES");
	int		 files, walked = 0;

	files = png_compare_directory(dir != NULL ? dir : "fixtures",
	    &walked);
	ck_assert_int_gt(files, 0);
	ck_assert_int_ge(walked, (int)(sizeof(walked_fixtures) /
	    sizeof(walked_fixtures[0])));
	png_compare_directory("tests/fuzz/corpus-png", &walked);
}
END_TEST

static Suite *
png_walk_suite(void)
{
	Suite	*s = suite_create("png_walk");
	TCase	*tc = tcase_create("walker against libpng");

	tcase_add_loop_test(tc, test_png_walk_cases, 0,
	    sizeof(walk_cases) / sizeof(walk_cases[0]));
	tcase_add_test(tc, test_png_walk_crc_error);
	tcase_add_test(tc, test_png_walk_raw_profile);
	tcase_add_test(tc, test_png_walk_truncated);
	tcase_add_test(tc, test_png_walk_past_buffer);
	tcase_add_loop_test(tc, test_png_walk_fixture, 0,
	    sizeof(walked_fixtures) / sizeof(walked_fixtures[0]));
	tcase_add_test(tc, test_png_walk_differential);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Read fd from its first byte with the marker walker (walk) or with
 * libjpeg.  Return the probe status, or -1 when the walker gives the file
 * to libjpeg.
 */
static int
jpeg_read_with(int fd, int walk, struct probe_data *pd)
{
	struct jpeg_header	 hdr;
	struct reader		 rd;
	int			 status;

	memset(pd, 0, sizeof(*pd));
	memset(&rd, 0, sizeof(rd));
	rd.fd = fd;
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	reader_fill(&rd);
	if (!walk)
		return jpeg_probe_libjpeg(&rd, pd);
	if (jpeg_walk(&rd, &hdr) == -1)
		return -1;
	status = jpeg_probe_header(&hdr, pd);
	jpeg_walk_free(&hdr);
	return status;
}

/*
 * Compare the walker with libjpeg on fd.  Return 1 when the walker read
 * the file itself, 0 when it gave the file to libjpeg.  Either way
 * jpeg_probe must agree with libjpeg alone, except that it defers files
 * under ImageMagick's minimum size.
 */
static int
jpeg_compare_paths(int fd, const char *name)
{
	struct probe_data	 walked, read, probed;
	struct reader		 rd;
	struct stat		 sb;
	int			 walk_status, libjpeg_status;

	walk_status = jpeg_read_with(fd, 1, &walked);
	libjpeg_status = jpeg_read_with(fd, 0, &read);
	if (walk_status != -1) {
		ck_assert_msg(walk_status == libjpeg_status,
		    "%s: walker status %d, libjpeg status %d", name,
		    walk_status, libjpeg_status);
		png_assert_same(&walked, &read, name);
	}
	ck_assert_int_eq(fstat(fd, &sb), 0);
	memset(&probed, 0, sizeof(probed));
	probed.info.file_size = (uint64_t)sb.st_size;
	memset(&rd, 0, sizeof(rd));
	rd.fd = fd;
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	reader_fill(&rd);
	if (sb.st_size < 107) {
		ck_assert_int_eq(jpeg_probe(&rd, &probed), PROBE_DEFER);
		return walk_status != -1;
	}
	ck_assert_msg((int)jpeg_probe(&rd, &probed) == libjpeg_status,
	    "%s: jpeg_probe and libjpeg differ in status", name);
	probed.info.file_size = 0;
	png_assert_same(&probed, &read, name);
	return walk_status != -1;
}

struct jpeg_segment {
	const char	*data;
	size_t		 len;
};

#define SEG(s)		{ s, sizeof(s) - 1 }
#define J_SOI		SEG("\xff\xd8")
#define J_JFIF		SEG("\xff\xe0\0\x10JFIF\0\1\1\1\0\x48\0\x48\0\0")
#define Q64		"\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1" \
			"\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1" \
			"\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1"
#define J_DQT		SEG("\xff\xdb\0\x43\0" Q64)
#define J_DHT		SEG("\xff\xc4\0\x14\0\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0")
#define J_SOF_RGB	SEG("\xff\xc0\0\x11\x08\0\x2e\0\x46\3\1\x22\0\2\x11\0" \
			    "\3\x11\0")
#define J_SOF_GRAY	SEG("\xff\xc0\0\x0b\x08\0\x2e\0\x46\1\1\x11\0")
#define J_SOF_CMYK	SEG("\xff\xc0\0\x14\x08\0\x2e\0\x46\4\1\x11\0\2\x11\0" \
			    "\3\x11\0\4\x11\0")
#define J_SOS_RGB	SEG("\xff\xda\0\x0c\3\1\0\2\x11\3\x11\0\x3f\0")
#define J_SOS_GRAY	SEG("\xff\xda\0\x08\1\1\0\0\x3f\0")
#define J_SOS_CMYK	SEG("\xff\xda\0\x0e\4\1\0\2\0\3\0\4\0\0\x3f\0")
/* EXIF with orientation 6, big-endian. */
#define J_EXIF		SEG("\xff\xe1\0\x22" "Exif\0\0MM\0\x2a\0\0\0\x08\0\1" \
			    "\x01\x12\0\3\0\0\0\1\0\6\0\0\0\0\0\0")
#define J_ADOBE(t)	SEG("\xff\xee\0\x0e" "Adobe\0\x64\0\0\0\0" t)
#define J_END		{ NULL, 0 }

/*
 * Small JPEGs up to the first SOS, followed by padding and EOI.  walker
 * is 0 when the walker must read the file itself and -1 when it must give
 * the file to libjpeg.
 */
static const struct {
	const char		*name;
	struct jpeg_segment	 seg[9];
	int			 walker;
} jpeg_cases[] = {
	{ "baseline RGB", { J_SOI, J_JFIF, J_DQT, J_SOF_RGB, J_DHT,
	    J_SOS_RGB, J_END }, 0 },
	{ "gray", { J_SOI, J_JFIF, J_DQT, J_SOF_GRAY, J_DHT, J_SOS_GRAY,
	    J_END }, 0 },
	{ "CMYK", { J_SOI, J_DQT, J_SOF_CMYK, J_DHT, J_SOS_CMYK, J_END }, 0 },
	{ "CMYK Adobe 0", { J_SOI, J_ADOBE("\0"), J_DQT, J_SOF_CMYK,
	    J_SOS_CMYK, J_END }, 0 },
	{ "YCCK Adobe 2", { J_SOI, J_ADOBE("\2"), J_DQT, J_SOF_CMYK,
	    J_SOS_CMYK, J_END }, 0 },
	{ "RGB Adobe 0", { J_SOI, J_ADOBE("\0"), J_DQT, J_SOF_RGB,
	    J_SOS_RGB, J_END }, 0 },
	{ "JFIF before odd Adobe", { J_SOI, J_JFIF, J_ADOBE("\5"), J_DQT,
	    J_SOF_RGB, J_SOS_RGB, J_END }, 0 },
	{ "ids R G B", { J_SOI, J_DQT,
	    SEG("\xff\xc0\0\x11\x08\0\x2e\0\x46\3R\x11\0G\x11\0B\x11\0"),
	    SEG("\xff\xda\0\x0c\3R\0G\0B\0\0\x3f\0"), J_END }, 0 },
	{ "EXIF", { J_SOI, J_EXIF, J_DQT, J_SOF_RGB, J_SOS_RGB, J_END }, 0 },
	{ "exif lower case", { J_SOI,
	    SEG("\xff\xe1\0\x10" "exif\0\0MM\0\x2a\0\0\0\x08"), J_DQT,
	    J_SOF_RGB, J_SOS_RGB, J_END }, 0 },
	{ "progressive", { J_SOI, J_JFIF, J_DQT,
	    SEG("\xff\xc2\0\x11\x08\0\x2e\0\x46\3\1\x22\0\2\x11\0\3\x11\0"),
	    SEG("\xff\xda\0\x0c\3\1\0\2\0\3\0\0\0\1"), J_END }, 0 },
	{ "extended", { J_SOI, J_DQT,
	    SEG("\xff\xc1\0\x11\x08\0\x2e\0\x46\3\1\x22\0\2\x11\0\3\x11\0"),
	    J_SOS_RGB, J_END }, 0 },
	{ "COM APP2 DRI", { J_SOI, SEG("\xff\xfe\0\5abc"),
	    SEG("\xff\xe2\0\6ICC\0"), SEG("\xff\xdd\0\4\0\x10"), J_DQT,
	    J_SOF_RGB, J_SOS_RGB, J_END }, 0 },
	{ "fill bytes", { J_SOI, SEG("\xff\xff\xff"), J_DQT, J_SOF_GRAY,
	    J_SOS_GRAY, J_END }, 0 },
	{ "16-bit DQT", { J_SOI, SEG("\xff\xdb\0\x83\x10" Q64 Q64),
	    J_SOF_GRAY, J_SOS_GRAY, J_END }, 0 },
	{ "JFIF 1x1 cm", { J_SOI,
	    SEG("\xff\xe0\0\x10JFIF\0\1\2\2\0\1\0\1\0\0"), J_DQT, J_SOF_GRAY,
	    J_SOS_GRAY, J_END }, 0 },
	{ "G3FAX", { J_SOI, SEG("\xff\xed\0\x09G3FAX\0\0"), J_DQT,
	    J_SOF_RGB, J_SOS_RGB, J_END }, 0 },
	{ "byte before marker", { J_SOI, J_DQT, SEG("\0"), J_SOF_GRAY,
	    J_SOS_GRAY, J_END }, -1 },
	{ "stuffed zero", { J_SOI, J_DQT, SEG("\xff\0"), J_SOF_GRAY,
	    J_SOS_GRAY, J_END }, -1 },
	{ "JPG marker", { J_SOI, J_DQT, SEG("\xff\xc8\0\2"), J_SOF_GRAY,
	    J_SOS_GRAY, J_END }, -1 },
	{ "DNL", { J_SOI, J_DQT, SEG("\xff\xdc\0\4\0\1"), J_SOF_GRAY,
	    J_SOS_GRAY, J_END }, -1 },
	{ "RST0", { J_SOI, J_DQT, SEG("\xff\xd0"), J_SOF_GRAY, J_SOS_GRAY,
	    J_END }, -1 },
	{ "DAC", { J_SOI, J_DQT, SEG("\xff\xcc\0\4\0\x10"), J_SOF_GRAY,
	    J_SOS_GRAY, J_END }, -1 },
	{ "lossless SOF3", { J_SOI, J_DQT,
	    SEG("\xff\xc3\0\x0b\x08\0\x2e\0\x46\1\1\x11\0"), J_SOS_GRAY,
	    J_END }, -1 },
	{ "arithmetic SOF9", { J_SOI, J_DQT,
	    SEG("\xff\xc9\0\x0b\x08\0\x2e\0\x46\1\1\x11\0"), J_SOS_GRAY,
	    J_END }, -1 },
	{ "two SOF", { J_SOI, J_DQT, J_SOF_GRAY, J_SOF_GRAY, J_SOS_GRAY,
	    J_END }, -1 },
	{ "two SOI", { J_SOI, J_SOI, J_DQT, J_SOF_GRAY, J_SOS_GRAY,
	    J_END }, -1 },
	{ "EOI before SOS", { J_SOI, J_DQT, J_SOF_GRAY, SEG("\xff\xd9"),
	    J_SOS_GRAY, J_END }, -1 },
	{ "SOS before SOF", { J_SOI, J_DQT, J_SOS_GRAY, J_SOF_GRAY,
	    J_END }, -1 },
	{ "SOF length", { J_SOI, J_DQT,
	    SEG("\xff\xc0\0\x0c\x08\0\x2e\0\x46\1\1\x11\0\0"), J_SOS_GRAY,
	    J_END }, -1 },
	{ "SOS length", { J_SOI, J_DQT, J_SOF_GRAY,
	    SEG("\xff\xda\0\x09\1\1\0\0\x3f\0\0"), J_END }, -1 },
	{ "DQT length", { J_SOI, SEG("\xff\xdb\0\x44\0" Q64 "\0"),
	    J_SOF_GRAY, J_SOS_GRAY, J_END }, -1 },
	{ "DQT short", { J_SOI, SEG("\xff\xdb\0\x42\0" Q64), J_SOF_GRAY,
	    J_SOS_GRAY, J_END }, -1 },
	{ "DQT index 4", { J_SOI, SEG("\xff\xdb\0\x43\4" Q64), J_SOF_GRAY,
	    J_SOS_GRAY, J_END }, -1 },
	{ "DQT precision 2", { J_SOI, SEG("\xff\xdb\0\x83\x20" Q64 Q64),
	    J_SOF_GRAY, J_SOS_GRAY, J_END }, -1 },
	{ "DQT table missing", { J_SOI, J_DQT,
	    SEG("\xff\xc0\0\x0b\x08\0\x2e\0\x46\1\1\x11\1"), J_SOS_GRAY,
	    J_END }, -1 },
	{ "DHT counts over 256", { J_SOI, J_DQT,
	    SEG("\xff\xc4\0\x13\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\xff\xff"),
	    J_SOF_GRAY, J_SOS_GRAY, J_END }, -1 },
	{ "DHT index 0x14", { J_SOI, J_DQT,
	    SEG("\xff\xc4\0\x14\x14\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"),
	    J_SOF_GRAY, J_SOS_GRAY, J_END }, -1 },
	{ "DHT index 0x20", { J_SOI, J_DQT,
	    SEG("\xff\xc4\0\x14\x20\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"),
	    J_SOF_GRAY, J_SOS_GRAY, J_END }, -1 },
	{ "DHT length", { J_SOI, J_DQT,
	    SEG("\xff\xc4\0\x15\0\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"),
	    J_SOF_GRAY, J_SOS_GRAY, J_END }, -1 },
	{ "DRI length", { J_SOI, SEG("\xff\xdd\0\5\0\x10\0"), J_DQT,
	    J_SOF_GRAY, J_SOS_GRAY, J_END }, -1 },
	{ "segment length 1", { J_SOI, SEG("\xff\xfe\0\1"), J_DQT,
	    J_SOF_GRAY, J_SOS_GRAY, J_END }, -1 },
	{ "SOS id not in SOF", { J_SOI, J_DQT, J_SOF_GRAY,
	    SEG("\xff\xda\0\x08\1\2\0\0\x3f\0"), J_END }, -1 },
	{ "SOS id repeated", { J_SOI, J_DQT, J_SOF_RGB,
	    SEG("\xff\xda\0\x0a\2\1\0\1\0\0\x3f\0"), J_END }, -1 },
	{ "SOS ids out of order", { J_SOI, J_DQT, J_SOF_RGB,
	    SEG("\xff\xda\0\x0a\2\3\0\2\0\0\x3f\0"), J_END }, -1 },
	{ "SOF ids repeated", { J_SOI, J_DQT,
	    SEG("\xff\xc0\0\x11\x08\0\x2e\0\x46\3\1\x22\0\1\x11\0\3\x11\0"),
	    SEG("\xff\xda\0\x08\1\3\0\0\x3f\0"), J_END }, -1 },
	{ "width 0", { J_SOI, J_DQT,
	    SEG("\xff\xc0\0\x0b\x08\0\x2e\0\0\1\1\x11\0"), J_SOS_GRAY,
	    J_END }, -1 },
	{ "height 0", { J_SOI, J_DQT,
	    SEG("\xff\xc0\0\x0b\x08\0\0\0\x46\1\1\x11\0"), J_SOS_GRAY,
	    J_END }, -1 },
	{ "width 65501", { J_SOI, J_DQT,
	    SEG("\xff\xc0\0\x0b\x08\0\x2e\xff\xdd\1\1\x11\0"), J_SOS_GRAY,
	    J_END }, -1 },
	{ "precision 12", { J_SOI, J_DQT,
	    SEG("\xff\xc1\0\x0b\x0c\0\x2e\0\x46\1\1\x11\0"), J_SOS_GRAY,
	    J_END }, -1 },
	{ "2 components", { J_SOI, J_DQT,
	    SEG("\xff\xc0\0\x0e\x08\0\x2e\0\x46\2\1\x11\0\2\x11\0"),
	    SEG("\xff\xda\0\x0a\2\1\0\2\0\0\x3f\0"), J_END }, -1 },
	{ "sampling 0", { J_SOI, J_DQT,
	    SEG("\xff\xc0\0\x0b\x08\0\x2e\0\x46\1\1\x10\0"), J_SOS_GRAY,
	    J_END }, -1 },
	{ "sampling 5", { J_SOI, J_DQT,
	    SEG("\xff\xc0\0\x0b\x08\0\x2e\0\x46\1\1\x51\0"), J_SOS_GRAY,
	    J_END }, -1 },
	{ "JFIF version 2", { J_SOI,
	    SEG("\xff\xe0\0\x10JFIF\0\2\1\1\0\x48\0\x48\0\0"), J_DQT,
	    J_SOF_GRAY, J_SOS_GRAY, J_END }, -1 },
	{ "RGB Adobe 3", { J_SOI, J_ADOBE("\3"), J_DQT, J_SOF_RGB,
	    J_SOS_RGB, J_END }, -1 },
	{ "CMYK Adobe 1", { J_SOI, J_ADOBE("\1"), J_DQT, J_SOF_CMYK,
	    J_SOS_CMYK, J_END }, -1 },
	{ "two EXIF", { J_SOI, J_EXIF, J_EXIF, J_DQT, J_SOF_RGB, J_SOS_RGB,
	    J_END }, -1 },
};

/* Append the segments, then 80 bytes of scan data and EOI. */
static void
jpeg_build(struct buf *b, const struct jpeg_segment *seg)
{
	static const char	 scan[80];
	int			 k;

	for (k = 0; seg[k].data != NULL; k++)
		buf_add(b, seg[k].data, seg[k].len);
	buf_add(b, scan, sizeof(scan));
	buf_add(b, "\xff\xd9", 2);
}

START_TEST(test_jpeg_walk_cases)
{
	struct buf	 b = { NULL, 0, 0 };
	int		 fd, walked;

	jpeg_build(&b, jpeg_cases[_i].seg);
	fd = png_temp_file(&b);
	buf_free(&b);
	walked = jpeg_compare_paths(fd, jpeg_cases[_i].name);
	ck_assert_msg(walked == (jpeg_cases[_i].walker == 0),
	    "%s: walker %s the file", jpeg_cases[_i].name,
	    walked ? "read" : "gave up on");
	close(fd);
}
END_TEST

/* The values that the walker finds in the baseline, EXIF and G3FAX cases. */
START_TEST(test_jpeg_walk_values)
{
	struct buf		 b = { NULL, 0, 0 };
	struct probe_data	 pd;
	int			 fd;

	jpeg_build(&b, jpeg_cases[0].seg);
	fd = png_temp_file(&b);
	ck_assert_int_eq(jpeg_read_with(fd, 1, &pd), PROBE_OK);
	ck_assert_uint_eq(pd.info.columns, 70);
	ck_assert_uint_eq(pd.info.rows, 46);
	ck_assert_str_eq(pd.info.colorspace, "sRGB");
	ck_assert(pd.info.x_resolution == 72);
	ck_assert_int_eq(pd.info.units, UNITS_PER_INCH);
	close(fd);
	b.len = 0;
	jpeg_build(&b, jpeg_cases[8].seg);
	fd = png_temp_file(&b);
	ck_assert_int_eq(jpeg_read_with(fd, 1, &pd), PROBE_OK);
	ck_assert_int_eq(pd.info.orientation, 6);
	close(fd);
	b.len = 0;
	jpeg_build(&b, jpeg_cases[16].seg);
	fd = png_temp_file(&b);
	ck_assert_int_eq(jpeg_read_with(fd, 1, &pd), PROBE_DEFER);
	close(fd);
	buf_free(&b);
}
END_TEST

START_TEST(test_jpeg_walk_truncated)
{
	struct buf		 b = { NULL, 0, 0 };
	struct probe_data	 pd;
	size_t			 cut, whole, header;
	int			 fd;

	jpeg_build(&b, jpeg_cases[8].seg);
	whole = b.len;
	/* The header ends with the SOS segment, before the scan data. */
	header = whole - 82;
	for (cut = 0; cut < whole; cut++) {
		b.len = cut;
		fd = png_temp_file(&b);
		if (cut < header)
			ck_assert_msg(jpeg_read_with(fd, 1, &pd) == -1,
			    "file cut at %zu was read by the walker", cut);
		else
			ck_assert_msg(jpeg_read_with(fd, 1, &pd) == PROBE_OK,
			    "file cut at %zu was not read", cut);
		jpeg_compare_paths(fd, "truncated");
		close(fd);
	}
	buf_free(&b);
}
END_TEST

/*
 * Segments past the reader's 8 KiB buffer.  First an EXIF APP1 longer than
 * the buffer, which the walker copies.  Then a short EXIF APP1 in the
 * buffer followed by a long COM: the walker copies the EXIF data out of
 * the buffer before it seeks past the COM.  Last a long COM before an
 * unknown marker, so that jpeg_probe must seek back for libjpeg.
 */
START_TEST(test_jpeg_walk_past_buffer)
{
	static unsigned char	 big[20004];
	static const struct jpeg_segment exif = J_EXIF, dqt = J_DQT;
	struct buf		 b = { NULL, 0, 0 };
	struct probe_data	 pd;
	int			 fd, i;

	memcpy(big, "\xff\xe1\x4e\x22" "Exif\0\0MM\0\x2a\0\0\0\x08\0\1"
	    "\x01\x12\0\3\0\0\0\1\0\x08\0\0\0\0\0\0", 36);
	for (i = 0; i < 3; i++) {
		buf_add(&b, "\xff\xd8", 2);
		if (i == 0) {
			buf_add(&b, big, 20004);
		} else {
			buf_add(&b, exif.data, exif.len);
			buf_add(&b, "\xff\xfe\x4e\x22", 4);
			buf_add(&b, big + 4, 20000);
		}
		if (i == 2)
			buf_add(&b, "\xff\xc8\0\2", 4);
		buf_add(&b, dqt.data, dqt.len);
		jpeg_build(&b, (const struct jpeg_segment[]){ J_SOF_RGB,
		    J_SOS_RGB, J_END });
		fd = png_temp_file(&b);
		ck_assert_int_eq(jpeg_compare_paths(fd, "long segment"),
		    i < 2);
		if (i < 2) {
			ck_assert_int_eq(jpeg_read_with(fd, 0, &pd), PROBE_OK);
			ck_assert_int_eq(pd.info.orientation, i == 0 ? 8 : 6);
		} else
			ck_assert_int_eq(jpeg_read_with(fd, 0, &pd),
			    PROBE_DEFER);
		close(fd);
		b.len = 0;
	}
	buf_free(&b);
}
END_TEST

/*
 * XMP APP1 segments, which ImageMagick validates with libxml2 and warns
 * about even with -ping: both readers must mark them, in the buffer and
 * past its end, so that -regard-warnings sends the file to ImageMagick.
 * A segment of exactly the 28 namespace bytes is not XMP to ImageMagick.
 */
START_TEST(test_jpeg_walk_xmp)
{
	static const char	 xmp[] = "\xff\xe1\x01\x2e"
	    "HTTP://ns.adobe.com/xap/1.0/\0<broken";
	static const char	 prefix_only[] = "\xff\xe1\0\x1e"
	    "http://ns.adobe.com/xap/1.0/";
	static unsigned char	 com[8004], app1[304];
	static const struct jpeg_segment dqt = J_DQT;
	struct buf		 b = { NULL, 0, 0 };
	struct probe_data	 pd;
	int			 fd, i;

	memcpy(com, "\xff\xfe\x1f\x42", 4);
	memcpy(app1, xmp, sizeof(xmp) - 1);
	for (i = 0; i < 3; i++) {
		buf_add(&b, "\xff\xd8", 2);
		if (i == 1)
			buf_add(&b, com, sizeof(com));
		if (i < 2)
			buf_add(&b, app1, sizeof(app1));
		else
			buf_add(&b, prefix_only, sizeof(prefix_only) - 1);
		buf_add(&b, dqt.data, dqt.len);
		jpeg_build(&b, (const struct jpeg_segment[]){ J_SOF_RGB,
		    J_SOS_RGB, J_END });
		fd = png_temp_file(&b);
		ck_assert_int_eq(jpeg_compare_paths(fd, "XMP segment"), 1);
		ck_assert_int_eq(jpeg_read_with(fd, 1, &pd), PROBE_OK);
		ck_assert_int_eq(pd.unchecked_xmp, i < 2);
		ck_assert_int_eq(jpeg_read_with(fd, 0, &pd), PROBE_OK);
		ck_assert_int_eq(pd.unchecked_xmp, i < 2);
		close(fd);
		b.len = 0;
	}
	buf_free(&b);
}
END_TEST

/*
 * Photoshop resources in APP13, from which ImageMagick takes the
 * resolution: both readers must defer them.  A segment of 14 bytes or
 * fewer is not kept by ImageMagick, and stays with the fast path.
 */
START_TEST(test_jpeg_walk_photoshop)
{
	static const struct jpeg_segment resolution = SEG("\xff\xed\0\x2c"
	    "photoshop 3.0\0" "8BIM\x03\xed\0\0\0\0\0\x10"
	    "\x01\x2c\0\0\0\1\0\1\0\x96\0\0\0\1\0\1");
	static const struct jpeg_segment short_block = SEG("\xff\xed\0\x10"
	    "Photoshop 3.0\0");
	static const struct jpeg_segment dqt = J_DQT;
	struct buf		 b = { NULL, 0, 0 };
	struct probe_data	 pd;
	int			 fd, i;

	for (i = 0; i < 2; i++) {
		buf_add(&b, "\xff\xd8", 2);
		if (i == 0)
			buf_add(&b, resolution.data, resolution.len);
		else
			buf_add(&b, short_block.data, short_block.len);
		buf_add(&b, dqt.data, dqt.len);
		jpeg_build(&b, (const struct jpeg_segment[]){ J_SOF_RGB,
		    J_SOS_RGB, J_END });
		fd = png_temp_file(&b);
		ck_assert_int_eq(jpeg_compare_paths(fd, "Photoshop APP13"), 1);
		ck_assert_int_eq(jpeg_read_with(fd, 1, &pd),
		    i == 0 ? PROBE_DEFER : PROBE_OK);
		ck_assert_int_eq(jpeg_read_with(fd, 0, &pd),
		    i == 0 ? PROBE_DEFER : PROBE_OK);
		close(fd);
		b.len = 0;
	}
	buf_free(&b);
}
END_TEST

/* Fixtures that the walker must read itself, without libjpeg. */
static const char *const jpeg_walked_fixtures[] = {
	"jpeg-baseline.jpg", "jpeg-progressive.jpg", "jpeg-gray.jpg",
	"jpeg-cmyk.jpg", "jpeg-orientation6.jpg", "jpeg-exif-bigendian.jpg",
	"jpeg-exif-thumbnail.jpg", "jpeg-jfif-300dpi.jpg", "jpeg-xmp.jpg"
};

START_TEST(test_jpeg_walk_fixture)
{
	const char	*dir = getenv("FIXTURES");
	char		 path[4096];
	int		 fd;

	snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : "fixtures",
	    jpeg_walked_fixtures[_i]);
	ck_assert_msg((fd = open(path, O_RDONLY)) != -1, "cannot open %s",
	    path);
	ck_assert_msg(jpeg_compare_paths(fd, path) == 1,
	    "%s: the walker gave the file to libjpeg", path);
	close(fd);
}
END_TEST

/* Compare the two JPEG readers on every file in dir, and return the count. */
static int
jpeg_compare_directory(const char *dir, int *walked)
{
	struct dirent	*d;
	DIR		*dp;
	char		 path[4096];
	int		 fd, count = 0;

	if ((dp = opendir(dir)) == NULL)
		return 0;
	while ((d = readdir(dp)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if ((fd = open(path, O_RDONLY)) == -1)
			continue;
		*walked += jpeg_compare_paths(fd, path);
		count++;
		close(fd);
	}
	closedir(dp);
	return count;
}

/*
 * Every fixture, and the JPEG fuzzer's corpus when make fuzz has made
 * one: where the walker reads a file, libjpeg must find the same facts.
 */
START_TEST(test_jpeg_walk_differential)
{
	const char	*dir = getenv("FIXTURES");
	int		 files, walked = 0;

	files = jpeg_compare_directory(dir != NULL ? dir : "fixtures",
	    &walked);
	ck_assert_int_gt(files, 0);
	ck_assert_int_ge(walked, (int)(sizeof(jpeg_walked_fixtures) /
	    sizeof(jpeg_walked_fixtures[0])));
	jpeg_compare_directory("tests/fuzz/corpus-jpeg", &walked);
}
END_TEST

static Suite *
jpeg_walk_suite(void)
{
	Suite	*s = suite_create("jpeg_walk");
	TCase	*tc = tcase_create("walker against libjpeg");

	tcase_add_loop_test(tc, test_jpeg_walk_cases, 0,
	    sizeof(jpeg_cases) / sizeof(jpeg_cases[0]));
	tcase_add_test(tc, test_jpeg_walk_values);
	tcase_add_test(tc, test_jpeg_walk_xmp);
	tcase_add_test(tc, test_jpeg_walk_photoshop);
	tcase_add_test(tc, test_jpeg_walk_truncated);
	tcase_add_test(tc, test_jpeg_walk_past_buffer);
	tcase_add_loop_test(tc, test_jpeg_walk_fixture, 0,
	    sizeof(jpeg_walked_fixtures) / sizeof(jpeg_walked_fixtures[0]));
	tcase_add_test(tc, test_jpeg_walk_differential);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*runner;
	int	 failed;

	runner = srunner_create(format_suite());
	srunner_add_suite(runner, path_suite());
	srunner_add_suite(runner, exif_suite());
	srunner_add_suite(runner, probe_suite());
	srunner_add_suite(runner, png_walk_suite());
	srunner_add_suite(runner, jpeg_walk_suite());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
