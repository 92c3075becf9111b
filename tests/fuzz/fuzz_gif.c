/*
 * Fuzz target: the GIF block walker, walking every frame
 * and then frame 0 alone, as a "[0]" suffix requests.
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
	int			 first_only, fd;

	for (first_only = 0; first_only <= 1; first_only++) {
		fd = fuzz_memfd(data, size);
		memset(&pd, 0, sizeof(pd));
		pd.info.file_size = size;
		pd.info.frames = 1;
		fuzz_reader(&rd, fd);
		gif_probe(&rd, &pd, first_only);
		probe_free(&pd);
		close(fd);
	}
	return 0;
}
