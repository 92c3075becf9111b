/*
 * The per-file cost floor for the benchmark: for each path on standard
 * input, one per line, open the file, read its first 4 KiB and close it.
 * Any tool that reads a header does at least this much, so the benchmark
 * compares imgid's many-file runs against this program.
 *
 * With -x, it also does the I/O that identify's exact output needs beyond
 * the header: fstat for the file size and type, and for a GIF the rest of
 * the file, because only its trailer shows that no frame follows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define HEAD_SIZE	4096

/* Read the rest of a GIF after its head into a buffer kept between calls. */
static ssize_t
read_rest(int fd, off_t size)
{
	static char	*rest;
	static size_t	 cap;
	size_t		 want = size > HEAD_SIZE ? (size_t)size - HEAD_SIZE : 0;
	ssize_t		 n = 0;

	if (want > cap) {
		free(rest);
		if ((rest = malloc(want)) == NULL)
			return -1;
		cap = want;
	}
	while (want > 0) {
		do
			n = read(fd, rest, want);
		while (n == -1 && errno == EINTR);
		if (n <= 0)
			break;
		want -= (size_t)n;
	}
	return n;
}

/* Read the first 4 KiB of path; return 0, or -1 with errno set. */
static int
read_head(const char *path, int exact)
{
	char		 head[HEAD_SIZE];
	struct stat	 st;
	ssize_t		 n;
	int		 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (exact && fstat(fd, &st) == -1)
		n = -1;
	else {
		do
			n = read(fd, head, sizeof(head));
		while (n == -1 && errno == EINTR);
	}
	if (exact && n == HEAD_SIZE && memcmp(head, "GIF8", 4) == 0)
		n = read_rest(fd, st.st_size);
	saved = errno;
	close(fd);
	errno = saved;
	return n == -1 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 len;
	int	 exact = argc > 1 && strcmp(argv[1], "-x") == 0;
	int	 status = 0;

	while ((len = getline(&line, &cap, stdin)) != -1) {
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (read_head(line, exact) == -1) {
			fprintf(stderr, "floor: %s: %s\n", line,
			    strerror(errno));
			status = 1;
		}
	}
	free(line);
	return status;
}
