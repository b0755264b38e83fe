/*
 * tests/host/fuzz_memmap.c: libFuzzer target for bootinfo_parse and
 * memmap_sanitize (kernel/bootinfo.c).
 *
 * The input is the boot loader's information block, any bytes, lying at
 * physical FUZZ_INFO_PA (the rest of memory below 4 GiB reads as zeros).
 * It is parsed as a multiboot2 block and as a multiboot1 block (whose
 * pointers may point back into the input) through a reader that copies
 * each requested range into its own exact-size allocation, so reading
 * past what was asked for is a heap overflow. The results must match the
 * model of model_bootinfo.c, and the sanitized map its invariants; a
 * mismatch aborts with the explanation. tests/host/corpus/mkcorpus.py
 * writes the seed blocks for this address.
 */
#include <stdio.h>
#include <stdlib.h>

#include "models.h"

#define FUZZ_INFO_PA 0x10000

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const struct physmem m = { data, size, FUZZ_INFO_PA };
	char why[WHY_SIZE];

	if (!bootinfo_check(MB2_BOOTLOADER_MAGIC, &m, FUZZ_INFO_PA, why)) {
		fprintf(stderr, "fuzz_memmap (multiboot2): %s\n", why);
		abort();
	}
	if (!bootinfo_check(MB1_BOOTLOADER_MAGIC, &m, FUZZ_INFO_PA, why)) {
		fprintf(stderr, "fuzz_memmap (multiboot1): %s\n", why);
		abort();
	}
	return 0;
}
