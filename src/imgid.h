/*
 * imgid internal interfaces, grouped by the file that defines them.
 */
#ifndef IMGID_H
#define IMGID_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "image.h"
#include "magick_module.h"

/* Bytes a fast probe may read before it gives the file to ImageMagick. */
#define PROBE_READ_MAX		(4u * 1024 * 1024)

/* buf.c: a growable byte buffer. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, int);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list);
void	 buf_free(struct buf *);
void	*xmalloc(size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);

/* options.c: settings shared by every file in one run. */
struct options {
	const char	*progname;	/* prefix of messages */
	const char	*format;	/* -format text, or NULL */
	int		 ping;		/* -ping */
	int		 quiet;		/* -quiet: no warnings */
	int		 regard_warnings; /* -regard-warnings */
	int		 verbose;	/* -verbose */
	int		 decode;	/* identify would decode pixels */
	int		 json;		/* --json */
	int		 batch;		/* --batch */
	int		 batch_given;	/* --batch is among the arguments */
	const char	*batch_file;	/* --batch=FILE */
	int		 null_input;	/* -0 */
	int		 buffer;	/* --buffer */
	int		 jobs;		/* --jobs */
	int		 sandbox;	/* seccomp filter on */
};

/* result.c: everything one operand produced, printed by the front end. */
struct result {
	const struct options *opt;	/* settings the result was made with */
	const char	*name;		/* operand or batch path as given */
	struct buf	 out;		/* standard output text */
	struct buf	 err;		/* formatted messages */
	int		 failed;	/* an error: exit status 1 */
	int		 warned;	/* a warning was reported */
	int		 have_info;	/* info describes frame 0 */
	struct image	 info;
};
void	 result_message(struct result *, const struct options *,
	    enum magick_severity, const char *, const char *);
void	 result_error(struct result *, const struct options *, const char *,
	    const char *, int);
void	 result_free(struct result *);
void	 quote_name(struct buf *, const char *);

/* path.c: operand names and frame suffixes. */
struct operand {
	const char	*arg;		/* as given on the command line */
	char		*path;		/* file to open, prefix and suffix cut */
	char		*frames;	/* text between the brackets, or NULL */
	int		 magick_only;	/* a form only ImageMagick parses */
	int		 geometry;	/* the suffix is a geometry, not frames */
};
int	 path_parse(const char *, int, struct operand *);
void	 path_free(struct operand *);
int	 path_is_scene_list(const char *);
void	 path_component(const char *, char, char *, size_t);

/* probe.c: open a file and run the fast probes. */
enum probe_status {
	PROBE_OK,		/* info is complete */
	PROBE_DEFER,		/* ImageMagick must answer */
	PROBE_FAILED		/* result holds the error */
};
struct probe_data {
	struct image	 info;		/* frame 0 */
	struct image	*frames;	/* every frame, for multi-frame formats */
	uint64_t	 nframes;	/* entries in frames, 0 when single */
	int		 exif_count;	/* EXIF segments seen */
	int		 default_line_ok; /* header alone gives identify's line */
	int		 svg;		/* ImageMagick would take it for SVG */
	int		 decode_differs; /* a decode reads facts a ping does not */
	int		 unchecked_xmp;	/* XMP that ImageMagick would validate */
};
/* Buffered reads from the start of a file, shared by the fast probes. */
struct reader {
	int		 fd;
	unsigned char	 buf[8192];
	size_t		 pos;		/* next unread byte in buf */
	size_t		 len;		/* bytes in buf */
	uint64_t	 offset;	/* file offset of buf[0] */
};
enum probe_status probe_open(const char *, int *, uint64_t *,
	    struct result *, const struct options *);
enum probe_status probe_file(int, uint64_t, int, struct probe_data *);
void	 probe_free(struct probe_data *);
int	 reader_fill(struct reader *);
int	 reader_read(struct reader *, unsigned char *, size_t);
int	 reader_skip(struct reader *, uint64_t);
const unsigned char *reader_load(struct reader *, uint64_t, size_t *);
int	 reader_rewind(struct reader *);
void	 probe_thread_end(void);

/* png_probe.c */
/* The chunk facts before the first IDAT that a PNG's description uses. */
struct png_header {
	uint32_t	 width;
	uint32_t	 height;
	int		 depth;		/* IHDR bit depth */
	int		 color;		/* IHDR colour type */
	double		 gamma;		/* 1/2.2 without gAMA or with sRGB */
	int		 offs;		/* an oFFs chunk */
	int		 trns;		/* a tRNS chunk */
	int		 num_palette;	/* PLTE entries, colour type 3 only */
	int		 phys;		/* a pHYs chunk */
	uint32_t	 res_x;		/* pHYs pixels per unit */
	uint32_t	 res_y;
	int		 unit;		/* pHYs unit: 1 is the metre */
	int		 raw_profile;	/* text that png_decoded_text accepts */
};
/* ImageMagick reads text with a keyword starting with these 17 bytes. */
#define PNG_RAW_PROFILE		"Raw profile type "
#define PNG_RAW_PROFILE_LEN	17
int	 png_decoded_text(const char *, size_t);
int	 png_probe_signature(const unsigned char *, size_t);
enum probe_status png_probe(struct reader *, struct probe_data *);
enum probe_status png_probe_libpng(struct reader *, struct probe_data *);
enum probe_status png_probe_header(const struct png_header *,
	    struct probe_data *);

/* png_walk.c: the chunks before the first IDAT, read without libpng. */
int	 png_walk(struct reader *, struct png_header *);

/* gif_probe.c */
int	 gif_probe_signature(const unsigned char *, size_t);
enum probe_status gif_probe(struct reader *, struct probe_data *, int);
enum probe_status gif_probe_bytes(const unsigned char *, size_t,
	    struct probe_data *, int);

/* jpeg_probe.c */
/* The header facts up to the first SOS that a JPEG's description uses. */
struct jpeg_header {
	unsigned	 width;
	unsigned	 height;
	int		 precision;	/* bits per sample */
	int		 components;
	int		 color_space;	/* libjpeg's out_color_space, a JCS_ value */
	int		 saw_jfif;	/* a JFIF APP0 */
	int		 density_unit;	/* JFIF: 0 none, 1 inch, 2 centimetre */
	unsigned	 x_density;	/* JFIF density, 1 without JFIF */
	unsigned	 y_density;
	int		 exif_count;	/* APP1 segments that start with "Exif" */
	const unsigned char *exif;	/* data of the first, or NULL */
	size_t		 exif_len;
	unsigned char	*exif_copy;	/* the walker's copy of it, or NULL */
	int		 g3fax;		/* an APP13 that starts with "G3FAX" */
	int		 xmp;		/* an APP1 that ImageMagick takes for XMP */
	int		 photoshop;	/* an APP13 of Photoshop resources */
};
/* Bytes of an APP1 that jpeg_xmp_segment compares. */
#define JPEG_XMP_PREFIX_LEN	27
int	 jpeg_xmp_segment(const unsigned char *, size_t);
/* Bytes of an APP13 that jpeg_photoshop_segment compares. */
#define JPEG_PHOTOSHOP_PREFIX_LEN	10
int	 jpeg_photoshop_segment(const unsigned char *, size_t);
int	 jpeg_probe_signature(const unsigned char *, size_t);
enum probe_status jpeg_probe(struct reader *, struct probe_data *);
enum probe_status jpeg_probe_libjpeg(struct reader *, struct probe_data *);
enum probe_status jpeg_probe_header(const struct jpeg_header *,
	    struct probe_data *);

/* jpeg_walk.c: the markers before the first SOS, read without libjpeg. */
int	 jpeg_walk(struct reader *, struct jpeg_header *);
void	 jpeg_walk_free(struct jpeg_header *);

/* exif.c: the TIFF structure inside an EXIF profile. */
int	 exif_find_tag(const unsigned char *, size_t, unsigned, char *,
	    size_t);
int	 exif_apply(const unsigned char *, size_t, struct image *);

/* format.c: -format escapes expanded from header facts. */
struct format_names {
	const char	*magick_filename;	/* operand as given */
	const char	*filename;		/* file that was read */
};
enum format_status {
	FORMAT_DONE,
	FORMAT_DEFER		/* an escape needs ImageMagick */
};
enum format_status format_expand(const char *, const struct image *,
	    const struct format_names *, struct buf *, struct buf *);
int	 format_ping_safe(const char *);
void	 format_size(uint64_t, int, char *, size_t);

/* describe.c: identify's default one-line description. */
void	 describe_line(const struct image *, const struct format_names *,
	    int, int, double, double, struct buf *);

/* magick.c: the loadable MagickWand module. */
int	 magick_load(const struct options *, struct result *);
void	 magick_identify(const struct options *, const char *, int, int,
	    int, int, int, struct result *);
const char *magick_version(const struct options *);
int	 magick_within_limits(uint64_t, uint64_t);

/* identify.c: one operand from name to result. */
void	 identify_operand(const struct options *, const char *,
	    struct result *);
void	 identify_literal(const struct options *, const char *,
	    struct result *);

/* json.c: JSON Lines records. */
void	 json_record(const struct result *, struct buf *);

/* batch.c: paths from a stream, one result line each. */
int	 batch_run(const struct options *);

/* sandbox.c: the seccomp filter. */
int	 sandbox_enter(char *, size_t);

#endif
