/*
 * The per-file cost floor for the benchmark: for each path on standard
 * input, one per line, open the file, read its first 4 KiB and close it.
 * Any tool that reads a header does at least this much, so the benchmark
 * compares imgid's many-file runs against this program.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* Read the first 4 KiB of path; return 0, or -1 with errno set. */
static int
read_head(const char *path)
{
	char	 head[4096];
	ssize_t	 n;
	int	 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	do
		n = read(fd, head, sizeof(head));
	while (n == -1 && errno == EINTR);
	saved = errno;
	close(fd);
	errno = saved;
	return n == -1 ? -1 : 0;
}

int
main(void)
{
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 len;
	int	 status = 0;

	while ((len = getline(&line, &cap, stdin)) != -1) {
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (read_head(line) == -1) {
			fprintf(stderr, "floor: %s: %s\n", line,
			    strerror(errno));
			status = 1;
		}
	}
	free(line);
	return status;
}
