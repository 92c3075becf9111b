/*
 * Fuzz target: the PNG header probe on any bytes.  The signature check
 * that guards it in probe_file is skipped, because the walker and libpng
 * check the signature themselves.  Where the chunk walker reads a file
 * without libpng, its result must equal libpng's, or the target aborts.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "fuzz.h"

/* Read fd from its first byte, with the walker or with libpng. */
static int
fuzz_png_read(int fd, int walk, struct probe_data *pd)
{
	struct png_header	 hdr;
	struct reader		 rd;

	memset(pd, 0, sizeof(*pd));
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	fuzz_reader(&rd, fd);
	if (!walk)
		return png_probe_libpng(&rd, pd);
	if (png_walk(&rd, &hdr) == -1)
		return -1;
	return png_probe_header(&hdr, pd);
}

/*
 * Probe the bytes with png_probe, then compare the walker with libpng on
 * them, and abort when the walker reads the file but disagrees.
 */
static void
fuzz_png_compare(const uint8_t *data, size_t size)
{
	struct probe_data	 pd;
	struct reader		 rd;
	int			 fd = fuzz_memfd(data, size);
	int			 status, walk_status;

	memset(&pd, 0, sizeof(pd));
	pd.info.file_size = size;
	pd.info.frames = 1;
	fuzz_reader(&rd, fd);
	status = png_probe(&rd, &pd);
	probe_free(&pd);

	walk_status = fuzz_compare_readers(fd, fuzz_png_read);
	if (walk_status != -1 && status != walk_status)
		abort();
	close(fd);
}

/*
 * Return a copy of a PNG with the CRC of each chunk made right, so that
 * mutated chunk data reaches the walker's checks behind the CRC.
 */
static uint8_t *
fuzz_png_fix_crcs(const uint8_t *data, size_t size)
{
	uint8_t		*copy;
	uint32_t	 len;
	uLong		 crc;
	size_t		 off = 8;

	if ((copy = malloc(size + 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	while (size >= 12 && off <= size - 12) {
		len = (uint32_t)copy[off] << 24 | (uint32_t)copy[off + 1] << 16 |
		    (uint32_t)copy[off + 2] << 8 | copy[off + 3];
		if (len > size - 12 - off)
			break;
		crc = crc32(0L, copy + off + 4, len + 4);
		copy[off + 8 + len] = (uint8_t)(crc >> 24);
		copy[off + 9 + len] = (uint8_t)(crc >> 16);
		copy[off + 10 + len] = (uint8_t)(crc >> 8);
		copy[off + 11 + len] = (uint8_t)crc;
		off += 12 + (size_t)len;
	}
	return copy;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t	*fixed;

	fuzz_png_compare(data, size);
	fixed = fuzz_png_fix_crcs(data, size);
	fuzz_png_compare(fixed, size);
	free(fixed);
	return 0;
}
