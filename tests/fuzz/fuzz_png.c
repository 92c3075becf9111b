/*
 * Fuzz target: the PNG header probe on any bytes.  The signature check
 * that guards it in probe_file is skipped, because libpng checks the
 * signature itself.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe_data	 pd;
	struct reader		 rd;
	int			 fd = fuzz_memfd(data, size);

	memset(&pd, 0, sizeof(pd));
	pd.info.file_size = size;
	pd.info.frames = 1;
	fuzz_reader(&rd, fd);
	png_probe(&rd, &pd);
	probe_free(&pd);
	close(fd);
	return 0;
}
