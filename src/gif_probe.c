/*
 * GIF header probe: the screen descriptor, the graphic control extensions
 * and every image descriptor, skipping the compressed data sub-block by
 * sub-block without decoding it.  The results mirror what ImageMagick
 * 6.9.11's GIF coder sets when it pings (coders/gif.c, ReadGIFImage): one
 * frame per image descriptor, a colormap of the table size, one more entry
 * when the transparent index is just past it.
 *
 * The walk is written here rather than through giflib because giflib
 * cannot meet the many-file target of "make bench" (within 1.5 times a
 * program that only opens, reads 4 KiB and closes each file).  Over the
 * benchmark's 620 GIF paths on a 2-core Debian 12 machine, the giflib 5.2.1
 * probe cost 78,000 instructions per file under callgrind.  Most of them
 * went to DGifOpen, which clears its decoder tables with calloc for every
 * file, and to copying each 255-byte sub-block out through the read
 * callback.  This walker costs 2,400 per file, and it reads a large file
 * with one system call instead of one per 8 KiB.  The 620 paths took
 * 5.3 ms instead of 7.6 ms (the floor program: 2.1 ms).
 *
 * Anything ImageMagick might read differently defers: stray bytes between
 * records (ImageMagick skips them), a truncated file, an odd LZW code
 * size, and a graphic control extension that is not one 4-byte block.
 * So do an application extension with an empty first block, an extension
 * labelled ',', and an "ImageMagick" application extension with gamma 1.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imgid.h"

/*
 * Frames the walker counts.  imgid's policy makes ImageMagick reject a list
 * of 1000 frames or more, so a longer GIF defers and fails there, however
 * the output is requested.
 */
#define GIF_FRAMES_MAX		999

/* LZW minimum code sizes that GIF encoders write: 2 to 8 bits. */
#define GIF_CODE_SIZE_MIN	2
#define GIF_CODE_SIZE_MAX	8

#define GIF_SCREEN_SIZE		13	/* signature and screen descriptor */
#define GIF_DESCRIPTOR_SIZE	9	/* image descriptor after the ',' */
#define GIF_COLOR_TABLE		0x80	/* flag: a colour table follows */
#define GIF_GCE			0xf9	/* graphic control extension label */
#define GIF_APPLICATION		0xff	/* application extension label */
#define GIF_APP_ID_SIZE		11	/* identifier and code of an application */

/*
 * Application data bytes that ImageMagick reads into a zeroed 255-byte
 * buffer: with more, the text it parses for the gamma may run on into
 * memory it never cleared.
 */
#define GIF_APP_DATA_MAX	254

/* The file's bytes, and the position of the walk in them. */
struct gif_walk {
	const unsigned char	*data;
	size_t			 len;
	size_t			 pos;
	int			 transparent;	/* index from the last GCE, or -1 */
	int			 global_colors;	/* 0 without a global table */
	unsigned		 screen_width;
	unsigned		 screen_height;
};

int
gif_probe_signature(const unsigned char *p, size_t len)
{
	return len >= 6 && (memcmp(p, "GIF87a", 6) == 0 ||
	    memcmp(p, "GIF89a", 6) == 0);
}

static unsigned
gif_word(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* Return the entries of the colour table that packed announces, or 0. */
static int
gif_table_colors(unsigned char packed)
{
	return packed & GIF_COLOR_TABLE ? 1 << ((packed & 0x07) + 1) : 0;
}

/* Step over count bytes, or return -1 when the file ends first. */
static int
gif_walk_skip(struct gif_walk *w, size_t count)
{
	if (count > w->len - w->pos)
		return -1;
	w->pos += count;
	return 0;
}

/* Step over a chain of data sub-blocks up to its empty terminator. */
static int
gif_walk_blocks(struct gif_walk *w)
{
	size_t	 n;

	for (;;) {
		if (w->pos >= w->len)
			return -1;
		n = w->data[w->pos++];
		if (n == 0)
			return 0;
		if (gif_walk_skip(w, n) != 0)
			return -1;
	}
}

/*
 * Step over an application extension from its first sub-block.
 * ImageMagick reads the first sub-block as the identifier and the rest as
 * data.  When the first sub-block is empty, it has already consumed the
 * terminator and reads the bytes after it as data, so the walk defers.  An
 * "ImageMagick" extension (the identifier compared without case) gives
 * the gamma, parsed with strtod from the seventh data byte.  A gamma of
 * exactly 1 makes ImageMagick describe the frames that follow as RGB or
 * LinearGray instead of sRGB, which the walker does not reproduce.
 */
static int
gif_walk_application(struct gif_walk *w)
{
	char		 data[GIF_APP_DATA_MAX + 1];
	size_t		 id_size, data_len, n;

	id_size = w->data[w->pos++];
	if (id_size == 0 || gif_walk_skip(w, id_size) != 0)
		return -1;
	if (id_size < GIF_APP_ID_SIZE || strncasecmp(
	    (const char *)w->data + w->pos - id_size, "ImageMagick",
	    GIF_APP_ID_SIZE) != 0)
		return gif_walk_blocks(w);
	memset(data, 0, sizeof(data));
	data_len = 0;
	for (;;) {
		if (w->pos >= w->len)
			return -1;
		n = w->data[w->pos++];
		if (n == 0)
			break;
		if (n > w->len - w->pos || n > GIF_APP_DATA_MAX - data_len)
			return -1;
		memcpy(data + data_len, w->data + w->pos, n);
		data_len += n;
		w->pos += n;
	}
	return strtod(data + 6, NULL) == 1.0 ? -1 : 0;
}

/*
 * Read an extension after its '!'.  A graphic control extension sets the
 * transparent index for the next image.  ImageMagick keeps the bytes of
 * its last sub-block, which the walker matches only for a single 4-byte
 * block, so any other layout defers.  ImageMagick reads an image
 * descriptor after an extension labelled ',', so that label defers too.
 */
static int
gif_walk_extension(struct gif_walk *w)
{
	const unsigned char	*block;
	unsigned char		 label;

	if (w->len - w->pos < 2)
		return -1;
	label = w->data[w->pos++];
	if (label == ',')
		return -1;
	if (label == GIF_APPLICATION)
		return gif_walk_application(w);
	if (label == GIF_GCE && w->data[w->pos] != 0) {
		if (w->data[w->pos] != 4 || w->len - w->pos < 6 ||
		    w->data[w->pos + 5] != 0)
			return -1;
		block = w->data + w->pos;
		if (block[1] & 0x01)
			w->transparent = block[4];
	}
	return gif_walk_blocks(w);
}

/*
 * Read an image after its ',' into frame and step over its data.  A frame
 * without a local table takes the global one; a frame with neither defers.
 */
static int
gif_walk_image(struct gif_walk *w, struct image *frame, uint64_t scene)
{
	const unsigned char	*d;
	int			 colors, code_size;

	if (w->len - w->pos < GIF_DESCRIPTOR_SIZE)
		return -1;
	d = w->data + w->pos;
	w->pos += GIF_DESCRIPTOR_SIZE;
	colors = gif_table_colors(d[8]);
	if (gif_walk_skip(w, (size_t)colors * 3) != 0)
		return -1;
	if (colors == 0)
		colors = w->global_colors;
	if (colors == 0 || gif_word(d + 4) == 0 || gif_word(d + 6) == 0)
		return -1;
	if (w->pos >= w->len)
		return -1;
	code_size = w->data[w->pos++];
	if (code_size < GIF_CODE_SIZE_MIN || code_size > GIF_CODE_SIZE_MAX)
		return -1;

	memset(frame, 0, sizeof(*frame));
	memcpy(frame->magick, "GIF", 4);
	memcpy(frame->colorspace, "sRGB", 5);
	memcpy(frame->compression, "LZW", 4);
	frame->columns = gif_word(d + 4);
	frame->rows = gif_word(d + 6);
	frame->page_width = w->screen_width != 0 ? w->screen_width :
	    frame->columns;
	frame->page_height = w->screen_height != 0 ? w->screen_height :
	    frame->rows;
	frame->page_x = gif_word(d);
	frame->page_y = gif_word(d + 2);
	frame->depth = 8;
	frame->pseudo_class = 1;
	frame->colors = (uint64_t)colors;
	if (w->transparent == colors)
		frame->colors++;
	frame->matte = w->transparent >= 0 && w->transparent <= colors;
	frame->scene = scene;
	w->transparent = -1;
	return gif_walk_blocks(w);
}

/*
 * Walk the records up to the trailer.  With first_only, stop after the
 * first image, as ImageMagick does for "file[0]".
 */
static enum probe_status
gif_walk_records(struct gif_walk *w, struct probe_data *pd, int first_only)
{
	size_t	 cap = 0;

	for (;;) {
		if (w->pos >= w->len)
			return PROBE_DEFER;
		switch (w->data[w->pos++]) {
		case ';':
			return pd->nframes == 0 ? PROBE_DEFER : PROBE_OK;
		case '!':
			if (gif_walk_extension(w) != 0)
				return PROBE_DEFER;
			break;
		case ',':
			if (pd->nframes >= GIF_FRAMES_MAX)
				return PROBE_DEFER;
			if (pd->nframes == cap) {
				cap = cap == 0 ? 4 : cap * 2;
				pd->frames = xrealloc(pd->frames,
				    cap * sizeof(*pd->frames));
			}
			if (gif_walk_image(w, &pd->frames[pd->nframes],
			    pd->nframes) != 0)
				return PROBE_DEFER;
			pd->nframes++;
			if (first_only)
				return PROBE_OK;
			break;
		default:
			return PROBE_DEFER;
		}
	}
}

/* Walk the GIF in data.  On PROBE_OK, pd contains one record per frame. */
enum probe_status
gif_probe_bytes(const unsigned char *data, size_t len, struct probe_data *pd,
    int first_only)
{
	struct gif_walk		 w;
	enum probe_status	 status;
	uint64_t		 i;

	if (len < GIF_SCREEN_SIZE || !gif_probe_signature(data, len))
		return PROBE_DEFER;
	memset(&w, 0, sizeof(w));
	w.data = data;
	w.len = len;
	w.pos = GIF_SCREEN_SIZE;
	w.transparent = -1;
	w.screen_width = gif_word(data + 6);
	w.screen_height = gif_word(data + 8);
	w.global_colors = gif_table_colors(data[10]);
	if (gif_walk_skip(&w, (size_t)w.global_colors * 3) != 0)
		return PROBE_DEFER;
	status = gif_walk_records(&w, pd, first_only);
	if (status != PROBE_OK) {
		probe_free(pd);
		return status;
	}
	for (i = 0; i < pd->nframes; i++) {
		pd->frames[i].frames = pd->nframes;
		pd->frames[i].file_size = pd->info.file_size;
	}
	pd->info = pd->frames[0];
	return PROBE_OK;
}

/*
 * Probe the GIF whose first bytes are in the reader's buffer.  A larger
 * file is read whole, up to the probe's read budget, with one read.
 */
enum probe_status
gif_probe(struct reader *rd, struct probe_data *pd, int first_only)
{
	const unsigned char	*whole;
	size_t			 len;

	if (rd->offset == 0 && pd->info.file_size <= rd->len)
		return gif_probe_bytes(rd->buf, rd->len, pd, first_only);
	if ((whole = reader_load(rd, pd->info.file_size, &len)) == NULL)
		return PROBE_DEFER;
	return gif_probe_bytes(whole, len, pd, first_only);
}
