/*
 * Fuzz target: the operand parser (frame suffixes, format prefixes) and
 * the %d, %e, %f and %t name parts.  Names are parsed from an empty
 * directory, so that almost none of them exists as a file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

int	 LLVMFuzzerInitialize(int *, char ***);

static char	 empty_dir[4096];

static void
remove_empty_dir(void)
{
	rmdir(empty_dir);
}

/* Move into a new empty directory, removed again at exit. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(empty_dir, sizeof(empty_dir), "%s/imgid-fuzz-path.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(empty_dir) == NULL || chdir(empty_dir) == -1) {
		perror("fuzz_path: empty directory");
		exit(1);
	}
	atexit(remove_empty_dir);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct operand	 op;
	char		 part[256];
	char		*name = fuzz_string(data, size);
	const char	*parts = "deft";

	if (path_parse(name, 0, &op) == 0) {
		for (; *parts != '\0'; parts++)
			path_component(op.path, *parts, part, sizeof(part));
		if (op.frames != NULL)
			path_is_scene_list(op.frames);
		path_free(&op);
	}
	free(name);
	return 0;
}
