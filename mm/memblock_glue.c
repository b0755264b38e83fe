/*
 * mm/memblock_glue.c: what the kernel around memblock needs (the
 * algorithm is mm/memblock.c): the mem= parameter and memblock_init(),
 * which feeds memblock the loader's memory map, prints the result and
 * stops the boot when there is too little RAM. Kernel only; the host tests
 * boot memblock through memblock_setup() (tests/host/shim/mm.c).
 */
#include <arch/sections.h>
#include <kernel/bootinfo.h>
#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/layout.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include "internal.h"

/* Less usable RAM than this and kvlab cannot run its allocators and tests. */
#define MIN_USABLE_RAM (12UL << 20)

phys_addr_t memory_limit;

static int set_mem(const char *val, char *why, size_t why_size)
{
	unsigned long long v;

	if (!val || memparse_strict(val, &v)) {
		snprintf(why, why_size, "expected a size such as 512M or 2G");
		return -EINVAL;
	}
	if (v < MIN_USABLE_RAM + LOW_RESERVED_END) {
		snprintf(why, why_size, "below the %lu MiB kvlab needs",
			 (MIN_USABLE_RAM + LOW_RESERVED_END) >> 20);
		return -EINVAL;
	}
	memory_limit = v;
	return 0;
}
KPARAM("mem", set_mem,
       "use at most this much RAM (counted in RAM, not addresses; whole "
       "pages), e.g. mem=256M");

/* The loader's modules stay where it put them, out of the allocators' way. */
static void reserve_modules(const struct boot_info *bi)
{
	size_t i;

	for (i = 0; i < bi->nr_modules; i++) {
		const struct boot_module *m = &bi->modules[i];
		phys_addr_t s = ALIGN_DOWN(m->start, PAGE_SIZE),
			    e = PAGE_ALIGN(m->end);

		if (!memblock_is_memory(s) || !memblock_is_memory(e - 1)) {
			pr_warn("memblock: module '%s' [mem %#llx-%#llx] is "
				"not in usable RAM; ignored\n",
				m->name, (unsigned long long)m->start,
				(unsigned long long)m->end - 1);
			continue;
		}
		memblock_reserve(s, e - s);
		pr_info("memblock: module '%s' [mem %#llx-%#llx] reserved\n",
			m->name, (unsigned long long)m->start,
			(unsigned long long)m->end - 1);
	}
}

void memblock_init(const struct boot_info *bi)
{
	unsigned int bits = boot_cpu.phys_addr_bits;
	phys_addr_t max_addr =
		1ULL << (bits && bits < MAX_PHYS_BITS ? bits : MAX_PHYS_BITS);
	phys_addr_t ram;
	size_t i;

	for (i = 0; i < bi->nr_map; i++) {
		const struct mem_region *r = &bi->map[i];
		/* Whole pages only: a partial one cannot be mapped or managed. */
		phys_addr_t s = PAGE_ALIGN(r->start);
		phys_addr_t e = ALIGN_DOWN(MIN(r->end, max_addr), PAGE_SIZE);

		if (r->type != MEM_USABLE || e <= s)
			continue;
		if (memblock_add(s, e - s))
			pr_warn("memblock: table full, [mem %#llx-%#llx] "
				"dropped\n",
				(unsigned long long)s,
				(unsigned long long)e - 1);
	}
	if (memory_limit && memory_limit >= memblock_phys_mem_size())
		pr_info("memblock: mem=%lluM is not below the RAM present "
			"(%lluM)\n",
			(unsigned long long)memory_limit >> 20,
			(unsigned long long)memblock_phys_mem_size() >> 20);
	ram = memblock_setup(__pa_symbol(_end), memory_limit);
	reserve_modules(bi);
	/* Until paging_init(), only the first 4 GiB are mapped (boot.asm). */
	memblock.current_limit = 4ULL << 30;

	pr_info("memblock: %llu MiB of RAM usable, %llu KiB reserved\n",
		(unsigned long long)ram >> 20,
		(unsigned long long)memblock_reserved_size() >> 10);
	if (ram < MIN_USABLE_RAM + LOW_RESERVED_END)
		panic("kvlab: not enough memory: %llu KiB of usable RAM, at "
		      "least %lu MiB needed",
		      (unsigned long long)ram >> 10,
		      (MIN_USABLE_RAM + LOW_RESERVED_END) >> 20);
}
