/*
 * Input plumbing for the fuzz targets: the probes read a file descriptor,
 * so each input is written to an anonymous memory file first.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

/* Return a descriptor, at offset 0, of a memory file holding data. */
int
fuzz_memfd(const uint8_t *data, size_t size)
{
	size_t	 done = 0;
	ssize_t	 n;
	int	 fd;

	if ((fd = memfd_create("fuzz-input", MFD_CLOEXEC)) == -1)
		abort();
	while (done < size) {
		if ((n = write(fd, data + done, size - done)) <= 0)
			abort();
		done += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

/* Return data as a NUL-terminated string, cut at its first NUL byte. */
char *
fuzz_string(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Start a reader on fd and fill its buffer, as probe_file does. */
void
fuzz_reader(struct reader *rd, int fd)
{
	memset(rd, 0, sizeof(*rd));
	rd->fd = fd;
	reader_fill(rd);
}
