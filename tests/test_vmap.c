/*
 * tests/test_vmap.c: the vmap suite: mapping pages the caller already
 * owns into the vmalloc range, with a protection of its choice.
 */
#include <kernel/fault_inject.h>
#include <kernel/fixup.h>
#include <kernel/ktest.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <mm/stats.h>
#include <mm/vmalloc.h>

#include "../mm/internal.h"

#define NR 4

static bool get_pages(struct page **pages, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!pages[i]) {
			while (i--)
				__free_page(pages[i]);
			return false;
		}
	}
	return true;
}

static void put_pages(struct page **pages, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		__free_page(pages[i]);
}

/* Both views of the same memory agree; vunmap leaves the pages and data. */
static void vmap_two_views(struct ktest *t)
{
	struct page *pages[NR];
	unsigned long i, k, bad = 0;
	u64 *v, *d;

	if (!get_pages(pages, NR))
		KT_SKIP(t, "no pages");
	for (i = 0; i < NR; i++) {
		d = page_address(pages[i]);
		for (k = 0; k < PAGE_SIZE / 8; k++)
			d[k] = i << 32 | k;
	}
	v = vmap(pages, NR, VM_MAP, PAGE_KERNEL);
	KT_ASSERT_NOT_NULL(t, v);
	KT_EXPECT_TRUE(t, is_vmalloc_addr(v));
	for (i = 0; i < NR * PAGE_SIZE / 8; i++)
		bad += v[i] !=
		       ((i / (PAGE_SIZE / 8)) << 32 | (i % (PAGE_SIZE / 8)));
	KT_EXPECT_UEQ(t, bad, 0);
	for (i = 0; i < NR; i++) {
		KT_EXPECT_PTR_EQ(t,
				 vmalloc_to_page((char *)v + i * PAGE_SIZE + 8),
				 pages[i]);
		v[i * PAGE_SIZE / 8] = 0xfeed; /* write through vmap */
	}
	vunmap(v);
	for (i = 0; i < NR; i++) {
		KT_EXPECT_TRUE(t, PageAllocated(pages[i]));
		KT_EXPECT_UEQ(t, *(u64 *)page_address(pages[i]), 0xfeed);
	}
	put_pages(pages, NR);
}

/* The same page mapped three times: one write shows through every alias. */
static void vmap_aliases(struct ktest *t)
{
	struct page *page, *pages[3];
	volatile u32 *v;

	page = alloc_page(GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, page);
	pages[0] = pages[1] = pages[2] = page;
	v = vmap(pages, 3, VM_MAP, PAGE_KERNEL);
	KT_ASSERT_NOT_NULL(t, v);
	v[0] = 0xabcd1234;
	KT_EXPECT_UEQ(t, v[2 * PAGE_SIZE / 4], 0xabcd1234);
	KT_EXPECT_UEQ(t, *(u32 *)page_address(page), 0xabcd1234);
	vunmap((void *)v);
	__free_page(page);
}

/* A read-only vmap: reads work, a write faults and the note says so. */
static void vmap_read_only(struct ktest *t)
{
	struct page *pages[1];
	u8 *v, b;

	if (!get_pages(pages, 1))
		KT_SKIP(t, "no pages");
	*(u8 *)page_address(pages[0]) = 77;
	v = vmap(pages, 1, VM_MAP, PAGE_KERNEL_RO);
	KT_ASSERT_NOT_NULL(t, v);
	KT_EXPECT_EQ(t, probe_read_u8(v, &b), 0);
	KT_EXPECT_EQ(t, b, 77);
	KT_EXPECT_EQ(t, probe_write_u8(v, 1), -EFAULT);
	KT_EXPECT_NOT_NULL(t, strstr(last_fault.note, "vmalloc protection "
						      "fault at"));
	KT_EXPECT_EQ(t, *(u8 *)page_address(pages[0]), 77);
	vunmap(v);
	put_pages(pages, 1);
}

/* A guard page follows unless VM_NO_GUARD; the size says which. */
static void vmap_guard(struct ktest *t)
{
	struct page *pages[2];
	struct vm_struct *vm;
	u8 *v;

	if (!get_pages(pages, 2))
		KT_SKIP(t, "no pages");
	v = vmap(pages, 2, VM_MAP, PAGE_KERNEL);
	KT_ASSERT_NOT_NULL(t, v);
	vm = find_vm_area(v);
	KT_ASSERT_NOT_NULL(t, vm);
	KT_EXPECT_UEQ(t, vm->size, 3 * PAGE_SIZE);
	KT_EXPECT_UEQ(t, vm->flags & (VM_MAP | VM_ALLOC), VM_MAP);
	KT_EXPECT_EQ(t, probe_write_u8(v + 2 * PAGE_SIZE, 1), -EFAULT);
	KT_EXPECT_NOT_NULL(t, strstr(last_fault.note, "vmalloc guard page hit "
						      "at"));
	vunmap(v);
	v = vmap(pages, 2, VM_MAP | VM_NO_GUARD, PAGE_KERNEL);
	KT_ASSERT_NOT_NULL(t, v);
	KT_EXPECT_UEQ(t, find_vm_area(v)->size, 2 * PAGE_SIZE);
	vunmap(v);
	put_pages(pages, 2);
}

/* Fail the first allocation @attr sees inside vmap(): NULL if one failed. */
static void vmap_fail_nth(struct ktest *t, struct fault_attr *attr,
			  struct page **pages)
{
	void *v;

	fault_inject_nth(attr, 1);
	v = vmap(pages, 2, VM_MAP, PAGE_KERNEL);
	fault_inject_off(attr);
	if (attr->nr_failed)
		KT_EXPECT_NULL(t, v);
	else
		vunmap(v); /* nothing inside asked (cached metadata) */
}

/* Bad arguments and a failing allocation give NULL and leave nothing. */
static void vmap_failures(struct ktest *t)
{
	struct fault_inject_state saved;
	struct page *pages[2];

	KT_EXPECT_NULL(t, vmap(NULL, 1, VM_MAP, PAGE_KERNEL));
	fault_inject_save(&saved); /* the command line's setting, if any */
	if (!get_pages(pages, 2)) {
		fault_inject_restore(&saved);
		KT_SKIP(t, "no pages");
	}
	KT_EXPECT_NULL(t, vmap(pages, 0, VM_MAP, PAGE_KERNEL));
	vmap_fail_nth(t, &failslab, pages);
	vmap_fail_nth(t, &fail_page_alloc, pages);
	KT_EXPECT_TRUE(t, PageAllocated(pages[0]) && PageAllocated(pages[1]));
	put_pages(pages, 2);
	fault_inject_restore(&saved);
}

/*
 * A NULL entry in the page array is warned about (Linux's WARN_ON(!page))
 * and fails the mapping; the page mapped before it is unmapped again, so
 * no PTE is left where the area was, least of all one made from
 * page_to_phys(NULL).
 */
static void vmap_null_page(struct ktest *t)
{
	struct page *pages[3], *held;
	unsigned long addr, i;
	pteval_t *pte;
	void *v;

	if (!get_pages(pages, 3))
		KT_SKIP(t, "no pages");
	/* Where three pages land: the lowest fit, free again after the purge. */
	v = vmap(pages, 3, VM_MAP, PAGE_KERNEL);
	KT_ASSERT_NOT_NULL(t, v);
	addr = (unsigned long)v;
	vunmap(v);
	purge_vmap_area_lazy();
	held = pages[1];
	pages[1] = NULL;
	KT_EXPECT_REPORTS(t, 1, v = vmap(pages, 3, VM_MAP, PAGE_KERNEL));
	pages[1] = held;
	KT_EXPECT_NULL(t, v);
	for (i = 0; i < 3; i++) {
		pte = kernel_pte_offset(addr + i * PAGE_SIZE);
		KT_EXPECT_TRUE(t, !pte || !*pte);
		KT_EXPECT_NULL(t,
			       vmalloc_to_page((void *)(addr + i * PAGE_SIZE)));
	}
	/* The range went back to the free tree: the next vmap() takes it. */
	v = vmap(pages, 3, VM_MAP, PAGE_KERNEL);
	KT_EXPECT_UEQ(t, (unsigned long)v, addr);
	vunmap(v);
	put_pages(pages, 3);
}

/* vunmap of a vmalloc area, vfree of a vmap area, double vunmap: reported. */
static void vunmap_misuse(struct ktest *t)
{
	struct page *pages[1];
	void *v, *p;
	u64 mark;

	if (!get_pages(pages, 1))
		KT_SKIP(t, "no pages");
	v = vmap(pages, 1, VM_MAP, PAGE_KERNEL);
	KT_ASSERT_NOT_NULL(t, v);
	p = vmalloc(PAGE_SIZE);
	KT_ASSERT_NOT_NULL(t, p);
	mark = ktest_log_mark();
	KT_EXPECT_REPORTS(t, 1, vunmap(p));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "made by vmalloc()"));
	KT_EXPECT_REPORTS(t, 1, vfree(v));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "made by vmap()"));
	KT_EXPECT_TRUE(t, PageAllocated(pages[0]));
	vunmap(v);
	KT_EXPECT_REPORTS(t, 1, vunmap(v));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "already freed (double "
						   "free)"));
	vfree(p);
	put_pages(pages, 1);
}

/* vmallocinfo marks vmap areas "vmap". */
static void vmap_in_vmallocinfo(struct ktest *t)
{
	struct page *pages[2];
	char want[80];
	void *v;
	u64 mark;

	if (!get_pages(pages, 2))
		KT_SKIP(t, "no pages");
	v = vmap(pages, 2, VM_MAP, PAGE_KERNEL);
	KT_ASSERT_NOT_NULL(t, v);
	mark = ktest_log_mark();
	show_vmallocinfo();
	snprintf(want, sizeof(want),
		 "0x%016lx-0x%016lx   12288 vmap_in_vmallocinfo+0x",
		 (unsigned long)v, (unsigned long)v + 3 * PAGE_SIZE);
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, want));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "pages=2 vmap"));
	vunmap(v);
	put_pages(pages, 2);
}

KTEST_SUITE(vmap, NULL, NULL, KTEST_CASE_NO_FAULTS(vmap_two_views),
	    KTEST_CASE_NO_FAULTS(vmap_aliases),
	    KTEST_CASE_NO_FAULTS(vmap_read_only),
	    KTEST_CASE_NO_FAULTS(vmap_guard), KTEST_CASE(vmap_failures),
	    KTEST_CASE_NO_FAULTS(vmap_null_page),
	    KTEST_CASE_NO_FAULTS(vunmap_misuse),
	    KTEST_CASE_NO_FAULTS(vmap_in_vmallocinfo));
