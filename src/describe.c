/*
 * identify's default one-line description of a frame, field for field as
 * ImageMagick 6.9.11's IdentifyImage prints it when not verbose.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "imgid.h"

/*
 * Append the line for one frame.  numbered adds the "[scene]" that
 * identify prints for frames of a multi-frame file, and with_size the file
 * size, which it prints on the last frame only.  user and elapsed are the
 * seconds spent on the file, printed in identify's closing timing fields.
 */
void
describe_line(const struct image *info, const struct format_names *names,
    int numbered, int with_size, double user, double elapsed, struct buf *out)
{
	char	 size[64];

	if (strcmp(names->magick_filename, names->filename) != 0)
		buf_printf(out, "%s=>", names->magick_filename);
	if (numbered)
		buf_printf(out, "%s[%llu] ", names->filename,
		    (unsigned long long)info->scene);
	else
		buf_printf(out, "%s ", names->filename);
	buf_printf(out, "%s ", info->magick);
	buf_printf(out, "%llux%llu ", (unsigned long long)info->columns,
	    (unsigned long long)info->rows);
	if (info->page_width != 0 || info->page_height != 0 ||
	    info->page_x != 0 || info->page_y != 0)
		buf_printf(out, "%llux%llu%+lld%+lld ",
		    (unsigned long long)info->page_width,
		    (unsigned long long)info->page_height,
		    (long long)info->page_x, (long long)info->page_y);
	buf_printf(out, "%u-bit ", info->depth);
	if (info->type[0] != '\0')
		buf_printf(out, "%s ", info->type);
	buf_printf(out, "%s ", info->colorspace);
	if (info->pseudo_class)
		buf_printf(out, "%lluc ", (unsigned long long)info->colors);
	if (with_size && info->file_size != 0) {
		format_size(info->file_size, 1, size, sizeof(size));
		buf_printf(out, "%s ", size);
	}
	buf_printf(out, "%0.3fu %lu:%02lu.%03lu\n", user,
	    (unsigned long)(elapsed / 60.0),
	    (unsigned long)floor(fmod(elapsed, 60.0)),
	    (unsigned long)(1000.0 * (elapsed - floor(elapsed))));
}
