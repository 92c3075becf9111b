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

/*
 * Read fd with a header walker and with its library through read_with (1,
 * then 0), and abort when the walker reads the file but finds other
 * facts.  Return the walker's status, or -1 when it handed the file on.
 */
int
fuzz_compare_readers(int fd, fuzz_read_fn read_with)
{
	struct probe_data	 walked, library;
	int			 status;

	if ((status = read_with(fd, 1, &walked)) == -1)
		return -1;
	if (read_with(fd, 0, &library) != status ||
	    memcmp(&walked.info, &library.info, sizeof(library.info)) != 0 ||
	    walked.default_line_ok != library.default_line_ok)
		abort();
	return status;
}
