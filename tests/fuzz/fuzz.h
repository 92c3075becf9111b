/*
 * Helpers shared by the libFuzzer targets, which the replay driver also
 * runs on every fixture in the ordinary test suite.
 */
#ifndef IMGID_FUZZ_H
#define IMGID_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "imgid.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	 fuzz_memfd(const uint8_t *, size_t);
char	*fuzz_string(const uint8_t *, size_t);
void	 fuzz_reader(struct reader *, int);

/* Read a file from its first byte with a walker (1) or its library (0). */
typedef int	(*fuzz_read_fn)(int, int, struct probe_data *);
int	 fuzz_compare_readers(int, fuzz_read_fn);

#endif
