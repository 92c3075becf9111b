/*
 * Fuzz target: the JPEG header probe, then the EXIF parser on the same
 * bytes taken as an APP1 profile, which it searches for "Exif\0\0" as
 * ImageMagick does.  Every input reuses the thread's one decompressor, so
 * state that a damaged input leaves behind affects the inputs after it.
 * Where the marker walker reads a file without libjpeg, its result must
 * equal libjpeg's, or the target aborts.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static const unsigned exif_tags[] = {
	0x0112, 0x011a, 0x011b, 0x0128, 0x8769, 0x0000, 0xffff
};

/* Read fd from its first byte with the walker, or -1, or with libjpeg. */
static int
fuzz_jpeg_read(int fd, int walk, struct probe_data *pd)
{
	struct jpeg_header	 hdr;
	struct reader		 rd;
	int			 status;

	memset(pd, 0, sizeof(*pd));
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	fuzz_reader(&rd, fd);
	if (!walk)
		return jpeg_probe_libjpeg(&rd, pd);
	if (jpeg_walk(&rd, &hdr) == -1)
		return -1;
	status = jpeg_probe_header(&hdr, pd);
	jpeg_walk_free(&hdr);
	return status;
}

/*
 * Probe the bytes with jpeg_probe, then compare the walker with libjpeg
 * on them, and abort when the walker reads the file but disagrees.
 */
static void
fuzz_jpeg_compare(const uint8_t *data, size_t size)
{
	struct probe_data	 pd;
	struct reader		 rd;
	int			 fd = fuzz_memfd(data, size);
	int			 status, walk_status;

	memset(&pd, 0, sizeof(pd));
	pd.info.file_size = size;
	pd.info.frames = 1;
	fuzz_reader(&rd, fd);
	status = jpeg_probe(&rd, &pd);
	probe_free(&pd);

	walk_status = fuzz_compare_readers(fd, fuzz_jpeg_read);
	if (walk_status != -1 && size >= 107 && status != walk_status)
		abort();
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image	 info;
	char		 value[64];
	size_t		 i;

	fuzz_jpeg_compare(data, size);
	for (i = 0; i < sizeof(exif_tags) / sizeof(exif_tags[0]); i++)
		exif_find_tag(data, size, exif_tags[i], value, sizeof(value));
	memset(&info, 0, sizeof(info));
	exif_apply(data, size, &info);
	return 0;
}
