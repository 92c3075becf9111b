/*
 * Fuzz target: the JPEG header probe, then the EXIF parser on the same
 * bytes taken as an APP1 profile, which it searches for "Exif\0\0" as
 * ImageMagick does.  Every input reuses the thread's one decompressor, so
 * state that a damaged input leaves behind affects the inputs after it.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static const unsigned exif_tags[] = {
	0x0112, 0x011a, 0x011b, 0x0128, 0x8769, 0x0000, 0xffff
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe_data	 pd;
	struct reader		 rd;
	struct image		 info;
	char			 value[64];
	size_t			 i;
	int			 fd = fuzz_memfd(data, size);

	memset(&pd, 0, sizeof(pd));
	pd.info.file_size = size;
	pd.info.frames = 1;
	fuzz_reader(&rd, fd);
	jpeg_probe(&rd, &pd);
	probe_free(&pd);
	close(fd);

	for (i = 0; i < sizeof(exif_tags) / sizeof(exif_tags[0]); i++)
		exif_find_tag(data, size, exif_tags[i], value, sizeof(value));
	memset(&info, 0, sizeof(info));
	exif_apply(data, size, &info);
	return 0;
}
