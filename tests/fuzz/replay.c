/*
 * Replay driver: runs a fuzz target, without libFuzzer, on each file
 * named on the command line, or else on every file in $FIXTURES.  Built
 * as part of make check, so that the fixtures (crashes the fuzzers found
 * included) run through every target in the plain and sanitizer builds.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

int	 LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));

/* Run the target on one file; return -1 when it cannot be read. */
static int
replay_file(const char *path)
{
	struct stat	 st;
	unsigned char	*data;
	FILE		*f;
	size_t		 n;

	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
		return 0;
	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	data = malloc((size_t)st.st_size + 1);
	n = data == NULL ? 0 : fread(data, 1, (size_t)st.st_size, f);
	fclose(f);
	if (data == NULL || n != (size_t)st.st_size) {
		free(data);
		return -1;
	}
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 1;
}

static int
replay_directory(const char *dir, int *count)
{
	struct dirent	*d;
	DIR		*dp;
	char		 path[4096];
	int		 rc;

	if ((dp = opendir(dir)) == NULL) {
		perror(dir);
		return -1;
	}
	while ((d = readdir(dp)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if ((rc = replay_file(path)) < 0) {
			perror(path);
			closedir(dp);
			return -1;
		}
		*count += rc;
	}
	closedir(dp);
	return 0;
}

/*
 * Make every path absolute first, because a target's initialization may
 * change the working directory.
 */
int
main(int argc, char **argv)
{
	const char	*fixtures = getenv("FIXTURES");
	char		*dir = NULL, **paths;
	int		 i, count = 0, rc;

	if (argc < 2 && fixtures == NULL) {
		fprintf(stderr, "usage: %s file ... "
		    "(or set FIXTURES to a directory)\n", argv[0]);
		return 2;
	}
	if ((paths = calloc((size_t)argc, sizeof(*paths))) == NULL)
		return 1;
	for (i = 1; i < argc; i++)
		if ((paths[i] = realpath(argv[i], NULL)) == NULL) {
			perror(argv[i]);
			return 1;
		}
	if (argc < 2 && (dir = realpath(fixtures, NULL)) == NULL) {
		perror(fixtures);
		return 1;
	}
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	if (dir != NULL && replay_directory(dir, &count) != 0)
		return 1;
	for (i = 1; i < argc; i++) {
		if ((rc = replay_file(paths[i])) < 0) {
			perror(paths[i]);
			return 1;
		}
		count += rc;
		free(paths[i]);
	}
	free(paths);
	free(dir);
	printf("%s: replayed %d files\n", argv[0], count);
	return 0;
}
