/*
 * tests/host/fuzz_cmdline.c: libFuzzer target for cmdline_parse
 * (kernel/cmdline.c).
 *
 * The input is the command line, any bytes. It is parsed twice against the
 * test keys of model_cmdline.c: from an exact-size copy with max_len = its
 * size and no NUL (reading one byte too far is a heap overflow), and
 * NUL-terminated with a larger max_len. Each time the result must match
 * the model; a mismatch aborts with the explanation.
 */
#include <stdio.h>
#include <stdlib.h>

#include "models.h"
#include <lib/string.h>

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	char why[WHY_SIZE];
	char *line = malloc(size + 1);

	if (!line)
		return 0;
	memcpy(line, data, size);
	if (!cmdline_check(line, size, why)) {
		fprintf(stderr, "fuzz_cmdline: %s\n", why);
		abort();
	}
	line[size] = '\0';
	if (!cmdline_check(line, size + 16, why)) {
		fprintf(stderr, "fuzz_cmdline (NUL-terminated): %s\n", why);
		abort();
	}
	free(line);
	return 0;
}
