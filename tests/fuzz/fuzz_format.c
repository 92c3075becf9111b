/*
 * Fuzz target: the -format interpreter, on a fixed description of a
 * 70x46 PNG, with the input as the format string.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static const struct image fuzz_image = {
	.magick = "PNG",
	.columns = 70,
	.rows = 46,
	.page_width = 70,
	.page_height = 46,
	.depth = 8,
	.colorspace = "sRGB",
	.type = "",
	.pseudo_class = 1,
	.matte = 1,
	.colors = 81,
	.x_resolution = 118.11,
	.y_resolution = 118.11,
	.units = UNITS_PER_CENTIMETER,
	.orientation = 6,
	.exif_orientation = "6",
	.compression = "Zip",
	.frames = 1,
	.file_size = 747
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct format_names	 names = { "dir/name.png[0]", "dir/name.png" };
	struct buf		 out = { NULL, 0, 0 };
	struct buf		 warnings = { NULL, 0, 0 };
	char			*fmt = fuzz_string(data, size);

	format_expand(fmt, &fuzz_image, &names, &out, &warnings);
	format_ping_safe(fmt);
	buf_free(&out);
	buf_free(&warnings);
	free(fmt);
	return 0;
}
