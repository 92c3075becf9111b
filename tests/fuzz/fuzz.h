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

#endif
