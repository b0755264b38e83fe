/*
 * mm/paging_glue.c: what the kernel around mm/paging.c needs: paging_init()
 * (the CPU's features and the linker's sections handed to paging_build(),
 * then the boot lines), the printing pgwalk and the monitor's pgwalk
 * command. Kernel only: the host tests build mm/paging.c without it.
 */
#include <arch/sections.h>
#include <arch/x86.h>
#include <kernel/cpu.h>
#include <kernel/fixup.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/stack.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include <mm/paging.h>

/* ---- boot -------------------------------------------------------------- */

void paging_init(void)
{
	const struct paging_params p = {
		.nx = boot_cpu.has_nx,
		.pge = boot_cpu.has_pge,
		.gbpages = boot_cpu.has_pdpe1gb,
		.text = (unsigned long)_text,
		.etext = (unsigned long)_etext,
		.erodata = (unsigned long)_erodata,
		.end = (unsigned long)_end,
		.guard = (unsigned long)boot_stack_bottom -
			 BOOT_STACK_GUARD_SIZE,
	};

	paging_build(&p);
	pr_info("paging: direct map of %llu MiB at %#lx: %lu x 1G, %lu x 2M, "
		"%lu x 4K pages%s\n",
		(unsigned long long)memblock_phys_mem_size() >> 20, PAGE_OFFSET,
		direct_pages_count[PG_LEVEL_1G],
		direct_pages_count[PG_LEVEL_2M],
		direct_pages_count[PG_LEVEL_4K],
		boot_cpu.has_pdpe1gb ? "" : " (no pdpe1gb: no 1G pages)");
	pr_info("paging: kernel image W^X: text %#lx-%#lx RX, rodata %#lx-%#lx "
		"R, data %#lx-%#lx RW%s\n",
		(unsigned long)_text, (unsigned long)_etext - 1,
		(unsigned long)_rodata, (unsigned long)_erodata - 1,
		(unsigned long)_data, (unsigned long)_end - 1,
		boot_cpu.has_nx ? " NX" : " (no NX on this CPU)");
	pr_info("paging: identity map removed; %lu page-table pages\n",
		nr_pagetable_pages);
}

/* ---- pgwalk ------------------------------------------------------------ */

/*
 * pgwalk - print the walk of @va from the live CR3, one line per level,
 * then the physical address and the effective rights (writable only if
 * every level allows it, executable only if no level sets NX). Tables are
 * read with probe_read_u64(), so a broken table is reported, not fatal.
 * The monitor's pgwalk command and scripts/gdb/kvlab.py (kv-pgwalk) print
 * exactly these lines; keep the three in step.
 */
static const struct {
	const char *name; /* the table at this level */
	const char *page; /* the page size of a leaf at this level */
} pt_levels[] = {
	[PG_LEVEL_512G] = { "PML4", NULL },
	[PG_LEVEL_1G] = { "PDPT", "1G" },
	[PG_LEVEL_2M] = { "PD", "2M" },
	[PG_LEVEL_4K] = { "PT", "4K" },
};

/* "P W A PS NX": the names of the set bits; bit 7 is PAT in a PT entry. */
static void pte_flags_string(pteval_t e, bool pt_level, char *buf, size_t size)
{
	static const char *const names[] = {
		"P", "W", "U", "PWT", "PCD", "A", "D", "PS", "G",
	};
	size_t n = 0;
	unsigned int b;

	buf[0] = '\0';
	for (b = 0; b < ARRAY_SIZE(names); b++)
		if (e & (1UL << b))
			n += scnprintf(buf + n, size - n, "%s%s", n ? " " : "",
				       b == 7 && pt_level ? "PAT" : names[b]);
	if (e & _PAGE_NX)
		scnprintf(buf + n, size - n, "%sNX", n ? " " : "");
}

/* Print the entry @e at @w's slot. */
static void pgwalk_entry(const struct pt_walk *w, pteval_t e)
{
	char slot[16], flags[48];
	u64 frame = e & PTE_PFN_MASK & ~((1UL << pg_level_shift(w->level)) - 1);

	snprintf(slot, sizeof(slot), "%s[%u]", pt_levels[w->level].name,
		 w->index);
	if (!(e & _PAGE_PRESENT)) {
		console_print("  %-9s 0x%016llx not present\n", slot,
			      (unsigned long long)e);
		return;
	}
	pte_flags_string(e, w->level == PG_LEVEL_4K, flags, sizeof(flags));
	if (pte_is_leaf(e, w->level))
		console_print("  %-9s 0x%016llx %s -> %s page pa=0x%016llx\n",
			      slot, (unsigned long long)e, flags,
			      pt_levels[w->level].page,
			      (unsigned long long)frame);
	else
		console_print("  %-9s 0x%016llx %s -> %s pa=0x%016llx\n", slot,
			      (unsigned long long)e, flags,
			      pt_levels[w->level - 1].name,
			      (unsigned long long)(e & PTE_PFN_MASK));
}

int pgwalk(unsigned long va)
{
	bool writable = true, user = true, exec = true;
	unsigned long mask;
	struct pt_walk w;
	u64 e = 0;

	console_print("pgwalk va=0x%016lx cr3=0x%016llx\n", va,
		      (unsigned long long)read_cr3());
	pt_walk_start(&w, __va(read_cr3() & PTE_PFN_MASK), va);
	do {
		if (probe_read_u64(w.slot, &e)) {
			console_print("  %s at pa=0x%016llx cannot be read "
				      "through the direct map\n",
				      pt_levels[w.level].name,
				      (unsigned long long)__pa(w.table));
			return -EFAULT;
		}
		writable &= !!(e & _PAGE_RW);
		user &= !!(e & _PAGE_USER);
		exec &= !(e & _PAGE_NX);
		pgwalk_entry(&w, e);
	} while (pt_walk_next(&w, e));
	if (!(e & _PAGE_PRESENT)) {
		console_print("  => not mapped (no %s entry)\n",
			      pt_levels[w.level].name);
		return 0;
	}
	mask = (1UL << pg_level_shift(w.level)) - 1;
	console_print(
		"  => pa=0x%016llx (%s page, %s, %s, %s)\n",
		(unsigned long long)((e & PTE_PFN_MASK & ~mask) + (va & mask)),
		pt_levels[w.level].page, user ? "user" : "kernel",
		writable ? "read-write" : "read-only",
		exec ? "executable" : "no-execute");
	return 0;
}

static bool is_canonical(unsigned long va)
{
	return (unsigned long)((long)(va << 16) >> 16) == va;
}

static int cmd_pgwalk(int argc, char **argv)
{
	unsigned long va;

	if (mon_arg_addr(argv[1], "address", &va))
		return MON_USAGE;
	if (!is_canonical(va)) {
		console_print("pgwalk: 0x%lx is not canonical (bits 63..47 "
			      "must all equal bit 47)\n",
			      va);
		return MON_FAILED;
	}
	return pgwalk(va) ? MON_FAILED : 0;
}
MONITOR_CMD("pgwalk", cmd_pgwalk, 1, 1, "pgwalk VA",
	    "walk the page tables for VA: each level's entry and flags");
