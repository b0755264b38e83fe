/*
 * tests/test_paging.c: the paging suite: the kernel's own page tables.
 * Protection is proved with the fixup probes: the access is tried, and
 * the fault (or its absence) is the result.
 */
#include <arch/sections.h>
#include <arch/x86.h>
#include <kernel/cpu.h>
#include <kernel/fixup.h>
#include <kernel/ktest.h>
#include <kernel/stack.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/gfp.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include <mm/paging.h>

/* A scratch address in the vmalloc range, far from anything vmalloc hands out. */
#define SCRATCH_VA (VMALLOC_END - 64 * PMD_SIZE)

/* Writing to kernel text faults (present page, write): text is read-only. */
static void text_is_read_only(struct ktest *t)
{
	u8 *p = (u8 *)text_is_read_only;
	u8 old = *p;

	KT_EXPECT_EQ(t, probe_write_u8(p, old), -EFAULT);
	KT_EXPECT_UEQ(t, last_fault.vector, X86_TRAP_PF);
	KT_EXPECT_UEQ(t, last_fault.error_code & (X86_PF_PROT | X86_PF_WRITE),
		      X86_PF_PROT | X86_PF_WRITE);
	KT_EXPECT_EQ(t, *p, old);
}

/* rodata is read-only too, and readable. */
static void rodata_is_read_only(struct ktest *t)
{
	static const u64 constant = 0x1122334455667788ULL;
	u64 v = 0;

	KT_EXPECT_EQ(t, probe_read_u64(&constant, &v), 0);
	KT_EXPECT_UEQ(t, v, constant);
	KT_EXPECT_EQ(t, probe_write_u64((void *)&constant, v), -EFAULT);
}

/* Executing from data faults (instruction fetch) when the CPU has NX. */
static void data_is_not_executable(struct ktest *t)
{
	static u8 code[16] = { 0xc3 }; /* ret, in .data */
	struct page *page;
	u8 *va;

	if (!boot_cpu.has_nx)
		KT_SKIP_ENV(t, "this CPU has no NX bit");
	KT_EXPECT_EQ(t, probe_exec(code), -EFAULT);
	KT_EXPECT_UEQ(t, last_fault.error_code & (X86_PF_PROT | X86_PF_INSTR),
		      X86_PF_PROT | X86_PF_INSTR);
	/* The direct map is NX as well: no executable alias of any page. */
	page = alloc_page(GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, page);
	va = page_address(page);
	va[0] = 0xc3;
	KT_EXPECT_EQ(t, probe_exec(va), -EFAULT);
	__free_page(page);
}

/* Page 0 and the old identity map are gone: low addresses fault. */
static void low_memory_unmapped(struct ktest *t)
{
	static const unsigned long addrs[] = { 0,	  8,	    0x1000,
					       0xb8000,	  0x100000, KERNEL_PHYS,
					       0x40000000 };
	size_t i;
	u8 v;

	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		KT_EXPECT_EQ(t, probe_read_u8((const void *)addrs[i], &v),
			     -EFAULT);
		KT_EXPECT_UEQ(t, last_fault.addr, addrs[i]);
		KT_EXPECT_UEQ(t, last_fault.error_code & X86_PF_PROT, 0);
	}
}

/* The first and last byte of every RAM range read through the direct map. */
static void direct_map_covers_ram(struct ktest *t)
{
	unsigned long i;
	u8 v;

	for (i = 0; i < memblock.memory.cnt; i++) {
		phys_addr_t s = memblock.memory.regions[i].base;
		phys_addr_t e = s + memblock.memory.regions[i].size;

		KT_EXPECT_EQ(t, probe_read_u8(__va(s), &v), 0);
		KT_EXPECT_EQ(t, probe_read_u8(__va(e - 1), &v), 0);
	}
	/* The end of RAM, explicitly. */
	KT_EXPECT_EQ(t, probe_read_u8(__va(memblock_end_of_DRAM() - 1), &v), 0);
	/* Beyond it, and in a hole, nothing is mapped. */
	KT_EXPECT_EQ(t, probe_read_u8(__va(memblock_end_of_DRAM()), &v),
		     -EFAULT);
	KT_EXPECT_EQ(t, probe_read_u8(__va(0xfee00000), &v),
		     -EFAULT); /* LAPIC MMIO */
}

/* Does RAM contain a whole, aligned GiB? */
static bool has_aligned_gib(void)
{
	unsigned long i;

	for (i = 0; i < memblock.memory.cnt; i++) {
		phys_addr_t s =
			ALIGN_UP(memblock.memory.regions[i].base, PUD_SIZE);
		phys_addr_t e = memblock.memory.regions[i].base +
				memblock.memory.regions[i].size;

		if (e > s && e - s >= PUD_SIZE)
			return true;
	}
	return false;
}

/* Each direct-map leaf maps va - PAGE_OFFSET, with the largest size allowed. */
static void direct_map_page_sizes(struct ktest *t)
{
	unsigned long i, huge_1g = 0;
	enum pg_level level;
	pteval_t *e;

	for (i = 0; i < memblock.memory.cnt; i++) {
		phys_addr_t s = memblock.memory.regions[i].base;
		phys_addr_t e_end = s + memblock.memory.regions[i].size;
		phys_addr_t pa;

		for (pa = s; pa < e_end;
		     pa += PMD_SIZE - (pa & (PMD_SIZE - 1))) {
			e = lookup_address((unsigned long)__va(pa), &level);
			KT_ASSERT_NOT_NULL(t, e);
			KT_EXPECT_UEQ(t, *e & _PAGE_NX,
				      supported_pte_mask & _PAGE_NX);
			KT_EXPECT_UEQ(t, *e & _PAGE_RW, _PAGE_RW);
			if (level == PG_LEVEL_1G)
				huge_1g++;
			/* An aligned 2 MiB of RAM is never mapped with 4 KiB pages. */
			if (IS_ALIGNED(pa, PMD_SIZE) && e_end - pa >= PMD_SIZE)
				KT_EXPECT_GE(t, level, PG_LEVEL_2M);
			else
				KT_EXPECT_EQ(t, level, PG_LEVEL_4K);
		}
	}
	if (!boot_cpu.has_pdpe1gb) {
		KT_EXPECT_UEQ(t, huge_1g, 0);
		KT_EXPECT_UEQ(t, direct_pages_count[PG_LEVEL_1G], 0);
	} else if (has_aligned_gib()) {
		/* A whole aligned GiB of RAM must use a 1 GiB leaf. */
		KT_EXPECT_UGT(t, huge_1g, 0);
	}
}

/* W^X: no kernel-image page is both writable and executable. */
static void kernel_image_wx(struct ktest *t)
{
	unsigned long va, nr_wx = 0, nr_text = 0;
	enum pg_level level;
	pteval_t *e;

	for (va = (unsigned long)_text; va < (unsigned long)_end;
	     va += PAGE_SIZE) {
		e = lookup_address(va, &level);
		if (!e)
			continue; /* the stack guard page */
		KT_EXPECT_EQ(t, level, PG_LEVEL_4K);
		if ((*e & _PAGE_RW) && !(*e & _PAGE_NX) && boot_cpu.has_nx)
			nr_wx++;
		if (va < (unsigned long)_etext) {
			nr_text++;
			KT_EXPECT_UEQ(t, *e & (_PAGE_RW | _PAGE_NX), 0);
		}
	}
	KT_EXPECT_UEQ(t, nr_wx, 0);
	KT_EXPECT_UEQ(t, nr_text,
		      ((unsigned long)_etext - (unsigned long)_text) /
			      PAGE_SIZE);
}

/* The page below the boot stack is unmapped, so an overflow faults. */
static void stack_guard_page(struct ktest *t)
{
	u64 v;

	KT_EXPECT_EQ(
		t,
		probe_read_u64(
			(const void *)((unsigned long)boot_stack_bottom - 8),
			&v),
		-EFAULT);
	KT_EXPECT_EQ(t, probe_read_u64(boot_stack_bottom, &v), 0);
}

/* map/lookup/unmap of a 4 KiB page: data shows through, then faults after unmap. */
static void map_unmap_primitives(struct ktest *t)
{
	unsigned long tables = nr_pagetable_pages, va = SCRATCH_VA;
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	enum pg_level level;
	pteval_t *e, old;
	u64 v = 0;

	KT_ASSERT_NOT_NULL(t, page);
	*(u64 *)page_address(page) = 0xfeedfacecafef00dULL;
	KT_EXPECT_EQ(t,
		     map_kernel_page(va, page_to_phys(page), PAGE_KERNEL,
				     GFP_KERNEL),
		     0);
	KT_EXPECT_EQ(t, probe_read_u64((void *)va, &v), 0);
	KT_EXPECT_UEQ(t, v, 0xfeedfacecafef00dULL);
	e = lookup_address(va, &level);
	KT_ASSERT_NOT_NULL(t, e);
	KT_EXPECT_EQ(t, level, PG_LEVEL_4K);
	KT_EXPECT_UEQ(t, *e & PTE_PFN_MASK, page_to_phys(page));
	KT_EXPECT_EQ(t,
		     map_kernel_page(va, page_to_phys(page), PAGE_KERNEL,
				     GFP_KERNEL),
		     -EEXIST);
	KT_EXPECT_EQ(t, map_kernel_page(va + 1, 0, PAGE_KERNEL, GFP_KERNEL),
		     -EINVAL);
	KT_EXPECT_EQ(t, map_kernel_page(0x1000, 0, PAGE_KERNEL, GFP_KERNEL),
		     -EINVAL);
	/* Read-only now: writes fault, reads work. */
	KT_EXPECT_EQ(t, set_page_prot(va, PAGE_KERNEL_RO), 0);
	KT_EXPECT_EQ(t, probe_write_u64((void *)va, 1), -EFAULT);
	KT_EXPECT_EQ(t, probe_read_u64((void *)va, &v), 0);
	old = unmap_kernel_page(va);
	KT_EXPECT_UEQ(t, old & PTE_PFN_MASK, page_to_phys(page));
	flush_tlb_one_kernel(va);
	KT_EXPECT_EQ(t, probe_read_u64((void *)va, &v), -EFAULT);
	KT_EXPECT_NULL(t, lookup_address(va, &level));
	KT_EXPECT_UEQ(t, unmap_kernel_page(va), 0);
	__free_page(page);
	/* Intermediate tables were allocated once and stay (counted in PageTables). */
	KT_EXPECT_UGE(t, nr_pagetable_pages, tables);
}

/* pgwalk prints each level, and names the leaf size of a direct-map address. */
static void pgwalk_output(struct ktest *t)
{
	struct pgwalk_result r;
	u64 mark;

	pgwalk_lookup((unsigned long)_text, &r);
	KT_EXPECT_EQ(t, r.leaf, PG_LEVEL_4K);
	KT_EXPECT_UEQ(t, r.pa, __pa_symbol(_text));
	mark = ktest_log_mark();
	pgwalk((unsigned long)__va(memblock_end_of_DRAM() - PMD_SIZE));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "PML4[273]"));
	KT_EXPECT_TRUE(t, ktest_log_find(mark, "-> 2M page") ||
				  ktest_log_find(mark, "-> 1G page") ||
				  ktest_log_find(mark, "-> 4K page"));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "kernel, read-write, "
						   "no-execute")
				      ?: ktest_log_find(mark, "kernel, "
							      "read-write, "
							      "executable"));
	mark = ktest_log_mark();
	KT_EXPECT_EQ(t, pgwalk(0), 0);
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "=> not mapped (no PML4 "
						   "entry)"));
	mark = ktest_log_mark();
	pgwalk((unsigned long)_text);
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "(4K page, kernel, "
						   "read-only, executable)"));
}

/* virt_to_phys reports addresses outside the direct map and the image. */
static void virt_to_phys_checks(struct ktest *t)
{
	phys_addr_t pa = 0;
	static u64 data;

	KT_EXPECT_UEQ(t, virt_to_phys(__va(0x200000)), 0x200000);
	KT_EXPECT_UEQ(t, virt_to_phys(&data), __pa_symbol(&data));
	KT_EXPECT_REPORTS(t, 1, pa = virt_to_phys((void *)VMALLOC_START));
	KT_EXPECT_UEQ(t, pa, (phys_addr_t)-1);
	KT_EXPECT_REPORTS(t, 1, pa = virt_to_phys((void *)0x1234));
	KT_EXPECT_FALSE(t, is_direct_map_addr(__va(memblock_end_of_DRAM())));
}

KTEST_SUITE(paging, NULL, NULL, KTEST_CASE(text_is_read_only),
	    KTEST_CASE(rodata_is_read_only),
	    KTEST_CASE_NO_FAULTS(data_is_not_executable),
	    KTEST_CASE(low_memory_unmapped), KTEST_CASE(direct_map_covers_ram),
	    KTEST_CASE(direct_map_page_sizes), KTEST_CASE(kernel_image_wx),
	    KTEST_CASE(stack_guard_page),
	    KTEST_CASE_NO_FAULTS(map_unmap_primitives),
	    KTEST_CASE(pgwalk_output), KTEST_CASE(virt_to_phys_checks));
