/*
 * tests/host/fuzz_acpi.c: libFuzzer target for the ACPI parser
 * (kernel/acpi.c): the RSDP scan, the RSDT/XSDT walk and the MADT.
 *
 * The input is physical memory from FUZZ_ACPI_PA (the start of the BIOS
 * area the scan searches) up; everything else reads as zeros. The tables'
 * pointers may point anywhere, back into the input included. acpi_check()
 * (model_acpi.c) reads through exact-size copies, so a read past what was
 * mapped is a heap overflow, and compares the CPUs found with the model's
 * walk of the MADT; a mismatch aborts with the explanation.
 * tests/host/corpus/mkcorpus.py writes seed tables for this address.
 */
#include <stdio.h>
#include <stdlib.h>

#include "models.h"
#include <kernel/acpi.h>

#define FUZZ_ACPI_PA ACPI_BIOS_START

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const struct physmem m = { data, size, FUZZ_ACPI_PA };
	static struct acpi_info ai;
	char why[WHY_SIZE];
	int ret;

	if (!acpi_check(&m, &ai, &ret, why)) {
		fprintf(stderr, "fuzz_acpi: %s\n", why);
		abort();
	}
	return 0;
}
