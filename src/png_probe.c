/*
 * PNG header probe: IHDR, PLTE, tRNS, gAMA, pHYs and the other chunks
 * before the first IDAT.  No pixel data is inflated.  The results mirror
 * what ImageMagick 6.9.11's PNG coder sets when it pings (coders/png.c,
 * ReadOnePNGImage); cases it treats specially are deferred.  The chunk
 * walker in png_walk.c reads common files; libpng reads every file that
 * the walker is not sure of.
 */
#include "config.h"

#include <setjmp.h>
#include <string.h>
#include <strings.h>

#include <png.h>

#include "imgid.h"

/* ImageMagick treats a gamma above this as linear light (RGB, LinearGray). */
#define LINEAR_GAMMA_MIN	0.75

struct png_probe_state {
	struct reader	*rd;
	int		 odd_chunk;	/* a chunk that changes the answer */
	jmp_buf		 jump;
};

int
png_probe_signature(const unsigned char *p, size_t len)
{
	return len >= 8 && png_sig_cmp(p, 0, 8) == 0;
}

/*
 * Return 1 for a text keyword of len bytes that changes ImageMagick's
 * output once it decodes: a raw profile, or an "exif:" or "tiff:"
 * property, from which ReadImage takes the orientation and resolution.
 */
int
png_decoded_text(const char *key, size_t len)
{
	if (len >= PNG_RAW_PROFILE_LEN &&
	    memcmp(key, PNG_RAW_PROFILE, PNG_RAW_PROFILE_LEN) == 0)
		return 1;
	return len >= 5 && (strncasecmp(key, "exif:", 5) == 0 ||
	    strncasecmp(key, "tiff:", 5) == 0);
}

static void
png_probe_read(png_structp png, png_bytep out, size_t len)
{
	struct png_probe_state	*st = png_get_io_ptr(png);

	if (reader_read(st->rd, out, len) == -1)
		png_error(png, "unexpected end of file");
}

/* Errors and warnings both send the file to ImageMagick, which words them. */
static void
png_probe_error(png_structp png, png_const_charp msg)
{
	struct png_probe_state	*st = png_get_error_ptr(png);

	(void)msg;
	longjmp(st->jump, 1);
}

/*
 * Chunks that ImageMagick's PNG coder reads itself and that change the
 * page geometry (vpAg, caNv) or the profiles (exIf, an early spelling of
 * eXIf that libpng does not know) make the probe defer.  libpng consumes
 * eXIf itself, so ImageMagick 6.9.11 never reads it, and neither does imgid.
 * An unknown critical chunk (first letter upper case) also defers.
 * ImageMagick's callback returns 0 for it, so libpng fails with
 * "unhandled critical chunk" and identify fails even with -ping.
 */
static int
png_probe_unknown(png_structp png, png_unknown_chunkp chunk)
{
	struct png_probe_state	*st = png_get_user_chunk_ptr(png);

	if ((chunk->name[0] & 0x20) == 0 ||
	    memcmp(chunk->name, "vpAg", 4) == 0 ||
	    memcmp(chunk->name, "caNv", 4) == 0 ||
	    memcmp(chunk->name, "exIf", 4) == 0)
		st->odd_chunk = 1;
	return 1;
}

/* Copy the facts that the description needs from libpng's info. */
static void
png_probe_collect(png_structp png, png_infop pi, struct png_header *hdr)
{
	png_uint_32	 width, height, res_x, res_y;
	int		 depth, color, unit;
	png_colorp	 palette;
	png_textp	 text;
	int		 num_text, i;

	memset(hdr, 0, sizeof(*hdr));
	png_get_IHDR(png, pi, &width, &height, &depth, &color, NULL, NULL,
	    NULL);
	hdr->width = width;
	hdr->height = height;
	hdr->depth = depth;
	hdr->color = color;
	hdr->gamma = 1.0 / 2.2;
	if (png_get_valid(png, pi, PNG_INFO_gAMA))
		png_get_gAMA(png, pi, &hdr->gamma);
	if (png_get_valid(png, pi, PNG_INFO_sRGB))
		hdr->gamma = 1.0 / 2.2;
	hdr->offs = png_get_valid(png, pi, PNG_INFO_oFFs) != 0;
	hdr->trns = png_get_valid(png, pi, PNG_INFO_tRNS) != 0;
	if (color == PNG_COLOR_TYPE_PALETTE)
		png_get_PLTE(png, pi, &palette, &hdr->num_palette);
	if (png_get_text(png, pi, &text, &num_text) > 0)
		for (i = 0; i < num_text; i++)
			if (png_decoded_text(text[i].key,
			    strlen(text[i].key)))
				hdr->raw_profile = 1;
	if (png_get_pHYs(png, pi, &res_x, &res_y, &unit)) {
		hdr->phys = 1;
		hdr->res_x = res_x;
		hdr->res_y = res_y;
		hdr->unit = unit;
	}
}

/*
 * Fill info from the header facts, as ImageMagick's ping does.  Defer
 * the text that png_decoded_text accepts, which ImageMagick reads only
 * when it decodes, and mark the file so that ImageMagick decodes it when
 * identify would.
 * NOTE: such text after the first IDAT is never seen here, so imgid
 * prints the header's facts where identify reads the profile.
 */
enum probe_status
png_probe_header(const struct png_header *hdr, struct probe_data *pd)
{
	struct image	*info = &pd->info;
	int		 color = hdr->color, depth = hdr->depth;
	int		 gray;

	if (hdr->raw_profile)
		pd->decode_differs = 1;
	if (hdr->gamma > LINEAR_GAMMA_MIN || hdr->offs || hdr->raw_profile)
		return PROBE_DEFER;
	gray = color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA;
	snprintf(info->magick, sizeof(info->magick), "PNG");
	info->columns = info->page_width = hdr->width;
	info->rows = info->page_height = hdr->height;
	info->depth = depth > 8 ? 16 : 8;
	snprintf(info->colorspace, sizeof(info->colorspace), "%s",
	    gray ? "Gray" : "sRGB");
	snprintf(info->type, sizeof(info->type), "%s", gray ? "Grayscale" : "");
	snprintf(info->compression, sizeof(info->compression), "Zip");
	if ((color == PNG_COLOR_TYPE_PALETTE ||
	    (color == PNG_COLOR_TYPE_GRAY && depth < 16)) && !hdr->trns) {
		info->pseudo_class = 1;
		info->colors = color == PNG_COLOR_TYPE_PALETTE ?
		    (uint64_t)hdr->num_palette : (uint64_t)1 << depth;
	}
	info->matte = (color & PNG_COLOR_MASK_ALPHA) != 0 || hdr->trns;
	if (hdr->phys) {
		info->x_resolution = hdr->res_x;
		info->y_resolution = hdr->res_y;
		if (hdr->unit == PNG_RESOLUTION_METER) {
			info->units = UNITS_PER_CENTIMETER;
			info->x_resolution = (double)hdr->res_x / 100.0;
			info->y_resolution = (double)hdr->res_y / 100.0;
		}
	}
	pd->default_line_ok = 1;
	return PROBE_OK;
}

/* Read the header with libpng, from the reader's first byte. */
enum probe_status
png_probe_libpng(struct reader *rd, struct probe_data *pd)
{
	struct png_probe_state	 st;
	struct png_header	 hdr;
	png_structp		 png;
	png_infop		 pi;
	volatile enum probe_status status = PROBE_DEFER;

	memset(&st, 0, sizeof(st));
	st.rd = rd;
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &st,
	    png_probe_error, png_probe_error);
	if (png == NULL)
		return PROBE_DEFER;
	pi = png_create_info_struct(png);
	if (pi == NULL || setjmp(st.jump) != 0) {
		png_destroy_read_struct(&png, &pi, NULL);
		return PROBE_DEFER;
	}
	png_set_read_fn(png, &st, png_probe_read);
	png_set_read_user_chunk_fn(png, &st, png_probe_unknown);
	png_read_info(png, pi);
	if (!st.odd_chunk) {
		png_probe_collect(png, pi, &hdr);
		status = png_probe_header(&hdr, pd);
	}
	png_destroy_read_struct(&png, &pi, NULL);
	return status;
}

enum probe_status
png_probe(struct reader *rd, struct probe_data *pd)
{
	struct png_header	 hdr;

	if (png_walk(rd, &hdr) == 0)
		return png_probe_header(&hdr, pd);
	if (reader_rewind(rd) == -1)
		return PROBE_DEFER;
	return png_probe_libpng(rd, pd);
}
