/*
 * JPEG header probe: the markers up to the first scan, with APP1 (EXIF)
 * and the start of APP13 (Photoshop resources).  The marker walker in
 * jpeg_walk.c reads common files; libjpeg-turbo's jpeg_read_header reads
 * every file that the walker is not sure of.  No coefficient is decoded.
 * The results mirror ImageMagick 6.9.11's JPEG coder (coders/jpeg.c,
 * ReadJPEGImage_) when it pings, and ReadImage's use of EXIF afterwards.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>

#include "imgid.h"

/* ImageMagick 6.9.11's ReadProfile compares this prefix in any case. */
#define XMP_NAMESPACE		"http://ns.adobe.com/xap/1.0"

/* ImageMagick rejects smaller files as "insufficient image data". */
#define JPEG_SIZE_MIN		107
#define JPEG_APP1		(JPEG_APP0 + 1)
#define JPEG_APP13		(JPEG_APP0 + 13)

/*
 * One decompressor per thread, created on the thread's first JPEG and
 * reset with jpeg_abort_decompress after each file, so that a file costs
 * no jpeg_create_decompress, no jpeg_save_markers and no Huffman table
 * allocation.  Saved markers live in the image pool, which the reset frees.
 */
struct jpeg_probe_state {
	struct jpeg_error_mgr		 err;	/* first, so the casts work */
	struct jpeg_decompress_struct	 cinfo;
	struct jpeg_source_mgr		 src;
	struct reader			*rd;
	jmp_buf				 jump;
	int				 created;
};

static _Thread_local struct jpeg_probe_state	 jpeg_probe_context;
static pthread_mutex_t				 jpeg_probe_key_lock =
    PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t				 jpeg_probe_key;
/* 1 once jpeg_probe_key exists, -1 when pthread_key_create failed. */
static int					 jpeg_probe_key_state;

int
jpeg_probe_signature(const unsigned char *p, size_t len)
{
	return len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff;
}

/*
 * Return 1 when ImageMagick names an APP1 of len bytes at p "xmp": longer
 * than 28 bytes, and starting with XMP_NAMESPACE.  p must have at least
 * JPEG_XMP_PREFIX_LEN bytes when len is long enough.
 */
int
jpeg_xmp_segment(const unsigned char *p, size_t len)
{
	return len > 28 && strncasecmp((const char *)p, XMP_NAMESPACE,
	    JPEG_XMP_PREFIX_LEN) == 0;
}

/*
 * Return 1 when ImageMagick's ReadIPTCProfile keeps an APP13 of len bytes
 * at p as its "8bim" profile: longer than 14 bytes, and starting with
 * "Photoshop " in any case.  p must have at least JPEG_PHOTOSHOP_PREFIX_LEN
 * bytes when len is long enough.
 */
int
jpeg_photoshop_segment(const unsigned char *p, size_t len)
{
	return len > 14 && strncasecmp((const char *)p, "Photoshop ",
	    JPEG_PHOTOSHOP_PREFIX_LEN) == 0;
}

static void
jpeg_probe_error_exit(j_common_ptr cinfo)
{
	struct jpeg_probe_state	*st = (struct jpeg_probe_state *)cinfo->err;

	longjmp(st->jump, 1);
}

/* A warning means a damaged stream: let ImageMagick report it its way. */
static void
jpeg_probe_emit(j_common_ptr cinfo, int level)
{
	if (level < 0)
		jpeg_probe_error_exit(cinfo);
}

static struct jpeg_probe_state *
jpeg_probe_state(j_decompress_ptr cinfo)
{
	return (struct jpeg_probe_state *)cinfo->err;
}

static void
jpeg_probe_init_source(j_decompress_ptr cinfo)
{
	(void)cinfo;
}

/* End of file inside the header is an error here, never a fake EOI. */
static boolean
jpeg_probe_fill(j_decompress_ptr cinfo)
{
	struct jpeg_probe_state	*st = jpeg_probe_state(cinfo);
	struct reader		*rd = st->rd;

	if (reader_fill(rd) == 0)
		jpeg_probe_error_exit((j_common_ptr)cinfo);
	st->src.next_input_byte = rd->buf;
	st->src.bytes_in_buffer = rd->len;
	return TRUE;
}

/* Large markers (thumbnails, ICC profiles) are skipped with a seek. */
static void
jpeg_probe_skip(j_decompress_ptr cinfo, long count)
{
	struct jpeg_probe_state	*st = jpeg_probe_state(cinfo);
	struct reader		*rd = st->rd;

	if (count <= 0)
		return;
	rd->pos = rd->len - st->src.bytes_in_buffer;
	if (reader_skip(rd, (uint64_t)count) != 0)
		jpeg_probe_error_exit((j_common_ptr)cinfo);
	st->src.next_input_byte = rd->buf + rd->pos;
	st->src.bytes_in_buffer = rd->len - rd->pos;
}

static void
jpeg_probe_term_source(j_decompress_ptr cinfo)
{
	(void)cinfo;
}

/*
 * Copy the header facts from the decompressor and its saved markers.
 * hdr->exif points into the image pool, which jpeg_abort_decompress frees.
 */
static void
jpeg_probe_collect(j_decompress_ptr cinfo, struct jpeg_header *hdr)
{
	jpeg_saved_marker_ptr	 m;

	memset(hdr, 0, sizeof(*hdr));
	hdr->width = cinfo->image_width;
	hdr->height = cinfo->image_height;
	hdr->precision = cinfo->data_precision;
	hdr->components = cinfo->num_components;
	hdr->color_space = cinfo->out_color_space;
	hdr->saw_jfif = cinfo->saw_JFIF_marker;
	hdr->density_unit = cinfo->density_unit;
	hdr->x_density = cinfo->X_density;
	hdr->y_density = cinfo->Y_density;
	for (m = cinfo->marker_list; m != NULL; m = m->next) {
		if (m->marker == JPEG_APP13 && m->data_length >= 5 &&
		    memcmp(m->data, "G3FAX", 5) == 0)
			hdr->g3fax = 1;
		if (m->marker == JPEG_APP13 &&
		    m->data_length >= JPEG_PHOTOSHOP_PREFIX_LEN &&
		    jpeg_photoshop_segment(m->data, m->original_length))
			hdr->photoshop = 1;
		if (m->marker == JPEG_APP1 &&
		    jpeg_xmp_segment(m->data, m->data_length))
			hdr->xmp = 1;
		if (m->marker != JPEG_APP1 || m->data_length <= 4 ||
		    strncasecmp((const char *)m->data, "exif", 4) != 0)
			continue;
		if (hdr->exif_count++ == 0) {
			hdr->exif = m->data;
			hdr->exif_len = m->data_length;
		}
	}
}

/* Copy a name into a fixed-size field, more cheaply than snprintf. */
static void
jpeg_probe_copy(char *field, size_t size, const char *name)
{
	size_t	 len = strlen(name);

	if (len >= size)
		len = size - 1;
	memcpy(field, name, len);
	field[len] = '\0';
}

/*
 * Fill info from the header facts, as ImageMagick's ping does, whichever
 * reader found them.  Defer a "G3FAX" Photoshop block, which turns the
 * image into Lab, and more than one EXIF APP1, which ImageMagick joins
 * into one profile.  Defer Photoshop resources, from which ImageMagick
 * takes the resolution (resource 0x03ED) and EXIF, XMP and ICC profiles.
 * NOTE: every JPEG with Photoshop resources therefore costs an ImageMagick
 * read.  XMP only marks pd: ImageMagick parses it with libxml2 and warns
 * "CorruptImageProfile" when it is not well-formed XML, even with -ping,
 * which changes the exit status under -regard-warnings alone.
 */
enum probe_status
jpeg_probe_header(const struct jpeg_header *hdr, struct probe_data *pd)
{
	struct image	*info = &pd->info;
	const char	*colorspace;

	switch (hdr->color_space) {
	case JCS_GRAYSCALE:
		colorspace = "Gray";
		break;
	case JCS_RGB:
		colorspace = "sRGB";
		break;
	case JCS_CMYK:
		colorspace = "CMYK";
		break;
	default:
		return PROBE_DEFER;
	}
	if (hdr->precision != 8 || hdr->g3fax || hdr->exif_count > 1 ||
	    hdr->photoshop)
		return PROBE_DEFER;
	pd->unchecked_xmp = hdr->xmp;
	jpeg_probe_copy(info->magick, sizeof(info->magick), "JPEG");
	jpeg_probe_copy(info->colorspace, sizeof(info->colorspace), colorspace);
	jpeg_probe_copy(info->compression, sizeof(info->compression), "JPEG");
	info->columns = info->page_width = hdr->width;
	info->rows = info->page_height = hdr->height;
	info->depth = 8;
	if (hdr->color_space == JCS_GRAYSCALE) {
		jpeg_probe_copy(info->type, sizeof(info->type), "Grayscale");
		info->pseudo_class = 1;
		info->colors = 256;
	}
	if (hdr->saw_jfif && hdr->x_density != 1 && hdr->y_density != 1) {
		info->x_resolution = hdr->x_density;
		info->y_resolution = hdr->y_density;
		if (hdr->density_unit == 1)
			info->units = UNITS_PER_INCH;
		else if (hdr->density_unit == 2)
			info->units = UNITS_PER_CENTIMETER;
	}
	if (hdr->exif != NULL && exif_apply(hdr->exif, hdr->exif_len, info) != 0)
		return PROBE_DEFER;
	pd->default_line_ok = 1;
	return PROBE_OK;
}

/* Destroy a thread's decompressor when the thread exits. */
static void
jpeg_probe_release(void *arg)
{
	struct jpeg_probe_state	*st = arg;

	jpeg_destroy_decompress(&st->cinfo);
	st->created = 0;
}

/*
 * Register st for destruction when this thread exits.  Without a key, st
 * stays until the process exits, like the main thread's, whose key
 * destructors do not run at exit.
 */
static void
jpeg_probe_register(struct jpeg_probe_state *st)
{
	pthread_mutex_lock(&jpeg_probe_key_lock);
	if (jpeg_probe_key_state == 0)
		jpeg_probe_key_state = pthread_key_create(&jpeg_probe_key,
		    jpeg_probe_release) == 0 ? 1 : -1;
	if (jpeg_probe_key_state == 1)
		(void)pthread_setspecific(jpeg_probe_key, st);
	pthread_mutex_unlock(&jpeg_probe_key_lock);
}

/*
 * Return this thread's decompressor, creating it on first use, or NULL if
 * libjpeg fails to create it.
 */
static struct jpeg_probe_state *
jpeg_probe_get(void)
{
	struct jpeg_probe_state	*st = &jpeg_probe_context;

	if (st->created)
		return st;
	st->cinfo.err = jpeg_std_error(&st->err);
	st->err.error_exit = jpeg_probe_error_exit;
	st->err.emit_message = jpeg_probe_emit;
	if (setjmp(st->jump) != 0) {
		jpeg_destroy_decompress(&st->cinfo);
		return NULL;
	}
	jpeg_create_decompress(&st->cinfo);
	st->src.init_source = jpeg_probe_init_source;
	st->src.fill_input_buffer = jpeg_probe_fill;
	st->src.skip_input_data = jpeg_probe_skip;
	st->src.resync_to_restart = jpeg_resync_to_restart;
	st->src.term_source = jpeg_probe_term_source;
	st->cinfo.src = &st->src;
	jpeg_save_markers(&st->cinfo, JPEG_APP1, 0xffff);
	jpeg_save_markers(&st->cinfo, JPEG_APP13, JPEG_PHOTOSHOP_PREFIX_LEN);
	st->created = 1;
	jpeg_probe_register(st);
	return st;
}

/*
 * Read the header with this thread's decompressor, from the reader's
 * current byte.  jpeg_abort_decompress after every file, also after a
 * longjmp, frees the saved markers and makes the object ready for the
 * next file.
 */
enum probe_status
jpeg_probe_libjpeg(struct reader *rd, struct probe_data *pd)
{
	struct jpeg_probe_state	*st;
	struct jpeg_header	 hdr;
	enum probe_status	 status;

	if ((st = jpeg_probe_get()) == NULL)
		return PROBE_DEFER;
	st->rd = rd;
	st->src.next_input_byte = rd->buf + rd->pos;
	st->src.bytes_in_buffer = rd->len - rd->pos;
	if (setjmp(st->jump) != 0) {
		jpeg_abort_decompress(&st->cinfo);
		st->rd = NULL;
		return PROBE_DEFER;
	}
	status = PROBE_DEFER;
	if (jpeg_read_header(&st->cinfo, TRUE) == JPEG_HEADER_OK) {
		jpeg_probe_collect(&st->cinfo, &hdr);
		status = jpeg_probe_header(&hdr, pd);
	}
	jpeg_abort_decompress(&st->cinfo);
	st->rd = NULL;
	return status;
}

/*
 * Read the header with the marker walker, or with libjpeg from the first
 * byte again when the walker is unsure.
 */
enum probe_status
jpeg_probe(struct reader *rd, struct probe_data *pd)
{
	struct jpeg_header	 hdr;
	enum probe_status	 status;

	if (pd->info.file_size < JPEG_SIZE_MIN)
		return PROBE_DEFER;
	if (jpeg_walk(rd, &hdr) == 0) {
		status = jpeg_probe_header(&hdr, pd);
		jpeg_walk_free(&hdr);
		return status;
	}
	if (reader_rewind(rd) == -1)
		return PROBE_DEFER;
	return jpeg_probe_libjpeg(rd, pd);
}
