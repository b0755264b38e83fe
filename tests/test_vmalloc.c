/*
 * tests/test_vmalloc.c: the vmalloc suite.
 *
 * The first cases follow Linux's lib/test_vmalloc.c (fixed size, full
 * fit, long busy list, random sizes, alignments, an impossible
 * alignment); the rest check what vmalloc is for (contiguous virtual
 * memory over scattered pages), its guard pages, the TLB flush in both
 * modes, exhaustion, failure unwinding and misuse reports.
 *
 * Cases that need predictable addresses use a private window of the
 * vmalloc range (__vmalloc_node_range() with a start and an end), far from
 * where ordinary allocations land (lowest address first). After every case
 * the checkers verify free pages (page-table pages counted as free: they
 * are kept once made), slab objects and busy vmap areas are as they were.
 */
#include <kernel/fault_inject.h>
#include <kernel/fixup.h>
#include <kernel/ktest.h>
#include <kernel/preempt.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/mm.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <mm/stats.h>
#include <mm/vmalloc.h>

#include "../mm/internal.h"

/* A window for cases that fill it: 64 pages at 16 TiB into the range. */
#define WIN_START (VMALLOC_START + (16UL << 40))
#define WIN_PAGES 64UL
#define WIN_END	  (WIN_START + WIN_PAGES * PAGE_SIZE)

static void *win_alloc(unsigned long size, unsigned long start,
		       unsigned long end)
{
	return __vmalloc_node_range(size, PAGE_SIZE, start, end,
				    GFP_KERNEL | __GFP_NOWARN, PAGE_KERNEL, 0,
				    _RET_IP_);
}

static void *alloc_aligned(unsigned long size, unsigned long align)
{
	return __vmalloc_node_range(size, align, VMALLOC_START, VMALLOC_END,
				    GFP_KERNEL | __GFP_NOWARN, PAGE_KERNEL, 0,
				    _RET_IP_);
}

/*
 * Lazy areas purged, spare area structs back to kmalloc, and the slab
 * caches' cached slabs back to the buddy allocator (the settle hooks).
 */
static void settle(void)
{
	purge_vmap_area_lazy();
	vmap_area_drain();
	kmem_cache_shrink_all();
}

/* Free pages plus page-table pages: what the buddy checker compares. */
static unsigned long free_and_tables(void)
{
	return nr_free_pages() + nr_pagetable_pages;
}

/* Write a pattern over [p, p + size) and read it back; returns mismatches. */
static unsigned long pattern_check(u8 *p, unsigned long size, u8 seed)
{
	unsigned long i, bad = 0;

	for (i = 0; i < size; i++)
		p[i] = (u8)(seed + i * 7);
	for (i = 0; i < size; i++)
		bad += p[i] != (u8)(seed + i * 7);
	return bad;
}

/* Fixed sizes: rounded up to pages, one guard page, all bytes usable. */
static void fixed_size(struct ktest *t)
{
	static const unsigned long sizes[] = { 1, 4096, 4097, 3 * 4096,
					       1UL << 20 };
	struct vm_struct *vm;
	unsigned int i;
	u8 *p;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = vmalloc(sizes[i]);
		KT_ASSERT_NOT_NULL(t, p);
		KT_EXPECT_TRUE(t, is_vmalloc_addr(p));
		KT_EXPECT_UEQ(t, (unsigned long)p & ~PAGE_MASK, 0);
		vm = find_vm_area(p);
		KT_ASSERT_NOT_NULL(t, vm);
		KT_EXPECT_UEQ(t, vm->nr_pages,
			      PAGE_ALIGN(sizes[i]) >> PAGE_SHIFT);
		KT_EXPECT_UEQ(t, vm->size, PAGE_ALIGN(sizes[i]) + PAGE_SIZE);
		KT_EXPECT_UEQ(t, pattern_check(p, PAGE_ALIGN(sizes[i]), (u8)i),
			      0);
		vfree(p);
	}
}

/* Data written through the vmalloc address reads back through the direct map. */
static void data_through_direct_map(struct ktest *t)
{
	unsigned long i, nr = 8, bad = 0;
	struct page *page;
	u64 *p;

	p = vmalloc(nr * PAGE_SIZE);
	KT_ASSERT_NOT_NULL(t, p);
	for (i = 0; i < nr * PAGE_SIZE / 8; i++)
		p[i] = 0x5eed000000000000UL | i;
	for (i = 0; i < nr; i++) {
		const u64 *direct;
		unsigned long k;

		page = vmalloc_to_page((char *)p + i * PAGE_SIZE + 123);
		KT_ASSERT_NOT_NULL(t, page);
		KT_EXPECT_TRUE(t, PageVmalloc(page));
		KT_EXPECT_UEQ(t, vmalloc_to_pfn((char *)p + i * PAGE_SIZE),
			      page_to_pfn(page));
		direct = page_address(page);
		for (k = 0; k < PAGE_SIZE / 8; k++)
			bad += direct[k] !=
			       (0x5eed000000000000UL | (i * PAGE_SIZE / 8 + k));
	}
	KT_EXPECT_UEQ(t, bad, 0);
	/* Mapped read-write and, where the CPU has NX, not executable. */
	KT_EXPECT_TRUE(t, *kernel_pte_offset((unsigned long)p) & _PAGE_RW);
	KT_EXPECT_UEQ(t, *kernel_pte_offset((unsigned long)p) & _PAGE_NX,
		      supported_pte_mask & _PAGE_NX);
	if (supported_pte_mask & _PAGE_NX) {
		*(volatile u8 *)p = 0xc3; /* ret */
		KT_EXPECT_EQ(t, probe_exec(p), -EFAULT);
	}
	/* Not mapped: the guard page, and addresses outside the range. */
	KT_EXPECT_NULL(t, vmalloc_to_page((char *)p + nr * PAGE_SIZE));
	KT_EXPECT_NULL(t, vmalloc_to_page(page_address(page)));
	vfree(p);
}

/*
 * Full fit: fill the window with one-page areas, free every other one,
 * then one-page allocations land exactly in the holes, lowest first.
 */
static void full_fit(struct ktest *t)
{
	void *area[WIN_PAGES / 2];
	unsigned long n = 0, i;
	void *p;

	while (n < ARRAY_SIZE(area) &&
	       (area[n] = win_alloc(PAGE_SIZE, WIN_START, WIN_END)))
		n++;
	KT_EXPECT_UEQ(t, n, WIN_PAGES / 2); /* a page and its guard each */
	KT_EXPECT_NULL(t, win_alloc(PAGE_SIZE, WIN_START, WIN_END));
	for (i = 0; i < n; i++)
		KT_EXPECT_PTR_EQ(t, area[i],
				 (void *)(WIN_START + 2 * i * PAGE_SIZE));
	for (i = 0; i < n; i += 2)
		vfree(area[i]);
	for (i = 0; i < n; i += 2) {
		p = win_alloc(PAGE_SIZE, WIN_START, WIN_END);
		KT_EXPECT_PTR_EQ(t, p, area[i]);
		area[i] = p;
	}
	/* Still full: a two-page area fits nowhere. */
	KT_EXPECT_NULL(t, win_alloc(2 * PAGE_SIZE, WIN_START, WIN_END));
	for (i = 0; i < n; i++)
		vfree(area[i]);
	KT_EXPECT_EQ(t, vmap_area_check(), 0);
}

/* Long busy list: 500 areas (fewer in little RAM) live while another is allocated and freed 100 times. */
static void long_busy_list(struct ktest *t)
{
	unsigned long i, n = MIN(500UL, nr_free_pages() / 16);
	void **busy, *p;

	ktest_log(t, "%lu busy areas", n);
	busy = kmalloc_array(n, sizeof(*busy), GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, busy);
	for (i = 0; i < n; i++) {
		busy[i] = vmalloc(PAGE_SIZE);
		if (!busy[i])
			break;
	}
	KT_EXPECT_UEQ(t, i, n);
	n = i;
	for (i = 0; i < 100; i++) {
		p = vmalloc(3 * PAGE_SIZE);
		KT_EXPECT_NOT_NULL(t, p);
		if (p)
			*(volatile u8 *)p = 1;
		vfree(p);
	}
	KT_EXPECT_EQ(t, vmap_area_check(), 0);
	for (i = 0; i < n; i++)
		vfree(busy[i]);
	kfree(busy);
}

/* Random sizes up to 16 pages, up to 32 areas live at once, freed in random order. */
static void random_size(struct ktest *t)
{
	void *live[32] = { NULL };
	unsigned long sz[32] = { 0 };
	unsigned int i, k;

	for (i = 0; i < 300; i++) {
		k = (unsigned int)prng_below(&t->rng, ARRAY_SIZE(live));
		if (live[k]) {
			KT_EXPECT_EQ(t, ((u8 *)live[k])[sz[k] - 1], (u8)sz[k]);
			vfree(live[k]);
			live[k] = NULL;
			continue;
		}
		sz[k] = 1 + prng_below(&t->rng, 16 * PAGE_SIZE);
		live[k] = vmalloc(sz[k]);
		KT_ASSERT_NOT_NULL(t, live[k]);
		((u8 *)live[k])[0] = 1;
		((u8 *)live[k])[sz[k] - 1] = (u8)sz[k];
	}
	KT_EXPECT_EQ(t, vmap_area_check(), 0);
	for (k = 0; k < ARRAY_SIZE(live); k++)
		vfree(live[k]);
}

/* Fixed alignments from a page to 16 TiB are honoured. */
static void fixed_align(struct ktest *t)
{
	unsigned int shift;
	void *p;

	for (shift = PAGE_SHIFT; shift <= 44; shift += 4) {
		p = alloc_aligned(PAGE_SIZE, 1UL << shift);
		KT_ASSERT_NOT_NULL(t, p);
		KT_EXPECT_UEQ(t, (unsigned long)p & ((1UL << shift) - 1), 0);
		*(volatile u8 *)p = 1;
		vfree(p);
	}
	/* The range's own size (32 TiB): one aligned address lies inside it. */
	p = alloc_aligned(PAGE_SIZE, VMALLOC_SIZE);
	KT_EXPECT_NOT_NULL(t, p);
	KT_EXPECT_UEQ(t, (unsigned long)p & (VMALLOC_SIZE - 1), 0);
	vfree(p);
}

/* Random sizes with random alignments, several live at once. */
static void random_size_align(struct ktest *t)
{
	void *live[8];
	unsigned long align;
	unsigned int i, k;

	for (i = 0; i < 40; i++) {
		for (k = 0; k < ARRAY_SIZE(live); k++) {
			align = PAGE_SIZE << prng_below(&t->rng, 12);
			live[k] = alloc_aligned(
				1 + prng_below(&t->rng, 16 * PAGE_SIZE), align);
			KT_ASSERT_NOT_NULL(t, live[k]);
			KT_EXPECT_UEQ(t, (unsigned long)live[k] & (align - 1),
				      0);
		}
		for (k = 0; k < ARRAY_SIZE(live); k++)
			vfree(live[k]);
	}
	KT_EXPECT_EQ(t, vmap_area_check(), 0);
}

/* Impossible requests fail cleanly: NULL, nothing reserved, nothing leaked. */
static void impossible_align(struct ktest *t)
{
	struct vmap_counts before, after;

	vmap_area_counts(&before);
	KT_EXPECT_NULL(t, alloc_aligned(PAGE_SIZE, VMALLOC_SIZE << 1));
	KT_EXPECT_NULL(t, alloc_aligned(PAGE_SIZE, 1UL << 63));
	KT_EXPECT_NULL(t, alloc_aligned(PAGE_SIZE,
					3 * PAGE_SIZE)); /* not a power of 2 */
	KT_EXPECT_NULL(t, alloc_aligned(PAGE_SIZE, 0));
	KT_EXPECT_NULL(t, __vmalloc(0, GFP_KERNEL | __GFP_NOWARN));
	KT_EXPECT_NULL(t, __vmalloc(VMALLOC_SIZE, GFP_KERNEL | __GFP_NOWARN));
	KT_EXPECT_NULL(t, __vmalloc(~0UL, GFP_KERNEL | __GFP_NOWARN));
	/* A window too small for the area with its guard page. */
	KT_EXPECT_NULL(t,
		       win_alloc(PAGE_SIZE, WIN_START, WIN_START + PAGE_SIZE));
	vmap_area_counts(&after);
	KT_EXPECT_UEQ(t, after.nr_busy, before.nr_busy);
	KT_EXPECT_UEQ(t, after.busy_bytes, before.busy_bytes);
}

/* Successful page allocations so far, every zone and order. */
static unsigned long page_allocs(void)
{
	unsigned long n = 0;
	unsigned int z, o;

	for (z = 0; z < MAX_NR_ZONES; z++)
		for (o = 0; o < NR_PAGE_ORDERS; o++)
			n += zone_stat(&zones[z]).nr_alloc[o];
	return n;
}

/*
 * More than all of RAM is refused before a single page is taken, with
 * Linux's warning unless __GFP_NOWARN; so is more than 2^32 pages, more
 * than vm_struct's unsigned int nr_pages could count.
 */
static void bigger_than_ram(struct ktest *t)
{
	unsigned long total = totalram_pages(), allocs = page_allocs();
	unsigned long size = (total + 1) << PAGE_SHIFT;
	char want[80];
	u64 mark;

	mark = ktest_log_mark();
	KT_EXPECT_NULL(t, vmalloc(size));
	snprintf(want, sizeof(want),
		 "vmalloc error: size %lu, exceeds total pages", size);
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, want));
	KT_EXPECT_UEQ(t, page_allocs(), allocs); /* no zone drained first */
	mark = ktest_log_mark();
	KT_EXPECT_NULL(t, vmalloc(((1UL << 32) + 1) << PAGE_SHIFT));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "exceeds total pages"));
	mark = ktest_log_mark();
	KT_EXPECT_NULL(t, __vmalloc(size, GFP_KERNEL | __GFP_NOWARN));
	KT_EXPECT_NULL(t, ktest_log_find(mark, "vmalloc error"));
	KT_EXPECT_UEQ(t, page_allocs(), allocs);
}

/*
 * What vmalloc is for: with free memory cut into single pages on purpose,
 * a multi-page area is backed by frames that are not contiguous.
 */
static void noncontiguous_backing(struct ktest *t)
{
	struct page *held[64];
	unsigned long i, breaks = 0;
	struct vm_struct *vm;
	char line[200];
	int n = 0;
	void *p;

	for (i = 0; i < ARRAY_SIZE(held); i++) {
		held[i] = alloc_page(GFP_KERNEL);
		KT_ASSERT_NOT_NULL(t, held[i]);
	}
	/* Free every other one: the free pages now have busy neighbours. */
	for (i = 0; i < ARRAY_SIZE(held); i += 2)
		__free_page(held[i]);
	p = vmalloc(16 * PAGE_SIZE);
	KT_ASSERT_NOT_NULL(t, p);
	vm = find_vm_area(p);
	for (i = 0; i < vm->nr_pages; i++) {
		if (i && page_to_pfn(vm->pages[i]) !=
				 page_to_pfn(vm->pages[i - 1]) + 1)
			breaks++;
		if (i < 8)
			n += snprintf(line + n, sizeof(line) - (size_t)n,
				      " %#lx", page_to_pfn(vm->pages[i]));
	}
	ktest_log(t,
		  "16 virtually contiguous pages at %p, first pfns:%s; %lu "
		  "discontinuities",
		  p, line, breaks);
	KT_EXPECT_UGT(t, breaks, 0);
	vfree(p);
	for (i = 1; i < ARRAY_SIZE(held); i += 2)
		__free_page(held[i]);
}

/* One byte past the end hits the guard page; the report names the area. */
static void guard_page_hit(struct ktest *t)
{
	char want[160];
	u8 *p;

	p = vmalloc(2 * PAGE_SIZE);
	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_EQ(t, probe_write_u8(p + 2 * PAGE_SIZE - 1, 1), 0);
	KT_EXPECT_EQ(t, probe_write_u8(p + 2 * PAGE_SIZE, 1), -EFAULT);
	KT_EXPECT_UEQ(t, last_fault.addr, (unsigned long)p + 2 * PAGE_SIZE);
	snprintf(want, sizeof(want),
		 "vmalloc guard page hit at %#lx: area %#lx-%#lx, 2 pages, "
		 "allocated by guard_page_hit+",
		 (unsigned long)p + 2 * PAGE_SIZE, (unsigned long)p,
		 (unsigned long)p + 3 * PAGE_SIZE);
	if (strncmp(last_fault.note, want, strlen(want)))
		ktest_fail(t, __FILE__, __LINE__,
			   "fault note \"%s\", expected \"%s...\"",
			   last_fault.note, want);
	vfree(p);
	/* Far from any area: an unmapped hole. */
	KT_EXPECT_EQ(t, probe_write_u8((void *)(VMALLOC_END - PAGE_SIZE), 1),
		     -EFAULT);
	KT_EXPECT_NOT_NULL(t, strstr(last_fault.note, "vmalloc unmapped hole "
						      "hit at"));
}

/* Eager mode: after vfree the PTE is gone and the address faults at once. */
static void unmapped_after_vfree_eager(struct ktest *t)
{
	bool was = vmalloc_lazy_enabled();
	unsigned long invlpg0;
	u8 *p, v;

	vmalloc_set_lazy(false);
	p = vmalloc(PAGE_SIZE);
	KT_ASSERT_NOT_NULL(t, p);
	p[0] = 42; /* the TLB now holds it */
	invlpg0 = tlb_stats.nr_invlpg;
	vfree(p);
	KT_EXPECT_UEQ(t, tlb_stats.nr_invlpg - invlpg0, 1);
	KT_EXPECT_TRUE(t, !kernel_pte_offset((unsigned long)p) ||
				  !(*kernel_pte_offset((unsigned long)p) &
				    _PAGE_PRESENT));
	KT_EXPECT_EQ(t, probe_read_u8(p, &v), -EFAULT);
	KT_EXPECT_NOT_NULL(t, strstr(last_fault.note, "vmalloc freed area hit "
						      "at"));
	vmalloc_set_lazy(was);
}

/*
 * Lazy mode: after vfree the PTE is cleared but the TLB is not flushed and
 * the range is held back; after the purge the address faults.
 */
static void unmapped_after_purge_lazy(struct ktest *t)
{
	bool was = vmalloc_lazy_enabled();
	unsigned long invlpg0, full0, purges0;
	u8 *p, v = 0;
	int stale;

	vmalloc_set_lazy(true);
	p = vmalloc(PAGE_SIZE);
	KT_ASSERT_NOT_NULL(t, p);
	p[0] = 42;
	invlpg0 = tlb_stats.nr_invlpg;
	full0 = tlb_stats.nr_full_flush;
	purges0 = vmalloc_stats.nr_purges;
	vfree(p);
	KT_EXPECT_UEQ(t, tlb_stats.nr_invlpg, invlpg0);
	KT_EXPECT_UEQ(t, tlb_stats.nr_full_flush, full0);
	KT_EXPECT_TRUE(t,
		       !(*kernel_pte_offset((unsigned long)p) & _PAGE_PRESENT));
	KT_EXPECT_NOT_NULL(t, find_lazy_vmap_area((unsigned long)p));
	stale = probe_read_u8(p, &v);
	ktest_log(t, "before the purge a read at %p %s", p,
		  stale ? "faulted (no stale TLB entry)"
			: "still went through a stale TLB entry");
	purge_vmap_area_lazy();
	KT_EXPECT_UEQ(t, tlb_stats.nr_full_flush, full0 + 1);
	KT_EXPECT_UEQ(t, vmalloc_stats.nr_purges, purges0 + 1);
	KT_EXPECT_NULL(t, find_lazy_vmap_area((unsigned long)p));
	KT_EXPECT_EQ(t, probe_read_u8(p, &v), -EFAULT);
	vmalloc_set_lazy(was);
}

/* Lazy purge happens when more than VMALLOC_LAZY_MAX_PAGES pages pile up. */
static void lazy_threshold(struct ktest *t)
{
	bool was = vmalloc_lazy_enabled();
	unsigned long purges0, full0, invlpg0, i;
	struct vmap_counts c;
	void *p;

	vmalloc_set_lazy(true);
	purge_vmap_area_lazy();
	purges0 = vmalloc_stats.nr_purges;
	full0 = tlb_stats.nr_full_flush;
	invlpg0 = tlb_stats.nr_invlpg;
	/* 255 pages and a guard: 256 lazy pages per vfree; 32 reach the limit. */
	for (i = 0; i < VMALLOC_LAZY_MAX_PAGES / 256; i++) {
		p = vmalloc(255 * PAGE_SIZE);
		KT_ASSERT_NOT_NULL(t, p);
		vfree(p);
	}
	vmap_area_counts(&c);
	KT_EXPECT_UEQ(t, c.lazy_pages, VMALLOC_LAZY_MAX_PAGES);
	KT_EXPECT_UEQ(t, vmalloc_stats.nr_purges, purges0);
	p = vmalloc(255 * PAGE_SIZE);
	KT_ASSERT_NOT_NULL(t, p);
	vfree(p); /* over the limit: purge */
	KT_EXPECT_UEQ(t, vmalloc_stats.nr_purges, purges0 + 1);
	KT_EXPECT_UEQ(t, tlb_stats.nr_full_flush, full0 + 1);
	/* Lazy vfree never uses invlpg (its page-array area is lazy too). */
	KT_EXPECT_UEQ(t, tlb_stats.nr_invlpg, invlpg0);
	vmap_area_counts(&c);
	KT_EXPECT_UEQ(t, c.nr_lazy, 0);
	vmalloc_set_lazy(was);
}

/* Exhausting the small window returns NULL and leaks nothing. */
static void exhaust_window(struct ktest *t)
{
	unsigned long tables0, n = 0, i;
	void *area[WIN_PAGES];

	settle();
	tables0 = free_and_tables();
	while (n < ARRAY_SIZE(area) &&
	       (area[n] = win_alloc(3 * PAGE_SIZE, WIN_START, WIN_END)))
		n++;
	KT_EXPECT_UEQ(t, n, WIN_PAGES / 4);
	for (i = 0; i < 3; i++)
		KT_EXPECT_NULL(t, win_alloc(PAGE_SIZE, WIN_START, WIN_END));
	KT_EXPECT_NULL(t, win_alloc(WIN_PAGES * PAGE_SIZE, WIN_START, WIN_END));
	for (i = 0; i < n; i++)
		vfree(area[i]);
	settle();
	KT_EXPECT_UEQ(t, free_and_tables(), tables0);
	/* Everything freed: the whole window is one block again. */
	area[0] = win_alloc((WIN_PAGES - 1) * PAGE_SIZE, WIN_START, WIN_END);
	KT_EXPECT_PTR_EQ(t, area[0], (void *)WIN_START);
	vfree(area[0]);
}

/*
 * Fail the 1st, 2nd, ... allocation inside vmalloc (page allocator, then
 * slab): each failure returns NULL and leaves pages, tables and areas as
 * they were. A fresh 1 GiB region each run, so page tables are needed too.
 */
static void failure_unwinds(struct ktest *t)
{
	static unsigned long run;
	unsigned long start = VMALLOC_START + (8UL << 40) + (run++ << 30);
	unsigned long n, points = 0, free0, used0;
	struct vmap_counts c0, c;
	struct fault_attr *attrs[] = { &fail_page_alloc, &failslab };
	struct fault_inject_state saved;
	unsigned int a;
	void *p;

	fault_inject_save(&saved); /* the command line's setting, if any */
	for (a = 0; a < ARRAY_SIZE(attrs); a++) {
		for (n = 1; n < 64; n++) {
			settle();
			free0 = free_and_tables();
			used0 = vmalloc_used_pages();
			vmap_area_counts(&c0);
			fault_inject_nth(attrs[a], n);
			p = win_alloc(8 * PAGE_SIZE, start,
				      start + (1UL << 30));
			fault_inject_off(attrs[a]);
			if (p) {
				vfree(p);
				if (!attrs[a]->nr_failed)
					break; /* no n-th call: every point seen */
				/* Absorbed: a slab fell back to its min_order. */
				continue;
			}
			points++;
			settle();
			vmap_area_counts(&c);
			KT_EXPECT_UEQ(t, free_and_tables(), free0);
			KT_EXPECT_UEQ(t, vmalloc_used_pages(), used0);
			KT_EXPECT_UEQ(t, c.nr_busy, c0.nr_busy);
			KT_EXPECT_UEQ(t, c.free_bytes, c0.free_bytes);
		}
		KT_EXPECT_LT(t, n, 64);
	}
	fault_inject_restore(&saved);
	ktest_log(t, "%lu failure points, each unwound", points);
	/* At least the 8 data pages and the vm_struct can fail. */
	KT_EXPECT_UGE(t, points, 9);
}

/* vmalloc and vfree in atomic context are reported, as Linux's might_sleep() does. */
static void atomic_context_reported(struct ktest *t)
{
	unsigned long r0;
	u64 mark = ktest_log_mark();
	void *p;

	r0 = report_count();
	console_hide_begin(); /* as KT_EXPECT_REPORTS: one line per report */
	preempt_disable();
	p = vmalloc(PAGE_SIZE);
	preempt_enable();
	console_hide_end();
	t->reports_expected += report_count() - r0;
	KT_EXPECT_UGE(t, report_count() - r0, 1);
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "BUG: sleeping function "
						   "called from invalid "
						   "context at vmalloc"));
	/* vfree may sleep too (Linux: might_sleep_if(!in_interrupt())). */
	preempt_disable();
	KT_EXPECT_REPORTS(t, 1, vfree(p));
	preempt_enable();
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "BUG: sleeping function "
						   "called from invalid "
						   "context at vfree"));
}

/* Misuse of vfree is reported with the address and area; nothing is freed. */
static void vfree_misuse(struct ktest *t)
{
	unsigned long used0;
	u64 mark;
	void *p, *q, *k;
	char want[96];
	u8 v;

	vfree(NULL); /* fine, no report */
	p = vmalloc(2 * PAGE_SIZE);
	KT_ASSERT_NOT_NULL(t, p);
	used0 = vmalloc_used_pages();
	mark = ktest_log_mark();
	KT_EXPECT_REPORTS(t, 1, vfree((char *)p + PAGE_SIZE));
	snprintf(want, sizeof(want), "inside area %#lx-%#lx", (unsigned long)p,
		 (unsigned long)p + 3 * PAGE_SIZE);
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, want));
	KT_EXPECT_UEQ(t, vmalloc_used_pages(), used0);
	KT_EXPECT_EQ(t, probe_read_u8(p, &v), 0); /* still mapped */
	q = p;
	vfree(p);
	mark = ktest_log_mark();
	KT_EXPECT_REPORTS(t, 1, vfree(q)); /* double free */
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "already freed (double "
						   "free)"));
	snprintf(want, sizeof(want), "area %#lx-%#lx, 2 pages",
		 (unsigned long)q, (unsigned long)q + 3 * PAGE_SIZE);
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, want));
	k = kmalloc(64, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, k);
	mark = ktest_log_mark();
	KT_EXPECT_REPORTS(t, 1, vfree(k)); /* not a vmalloc address */
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "not in the vmalloc range"));
	kfree(k);
	mark = ktest_log_mark();
	KT_EXPECT_REPORTS(t, 1, vfree((void *)(VMALLOC_START + (20UL << 40))));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "nonexistent vm area"));
}

/* vmallocinfo: Linux's line, the guard page in the size; VmallocUsed counts. */
static void vmallocinfo_line(struct ktest *t)
{
	unsigned long used0 = vmalloc_used_pages();
	char want[96];
	u64 mark;
	void *p;

	p = vmalloc(3 * PAGE_SIZE);
	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_UEQ(t, vmalloc_used_pages(), used0 + 3);
	mark = ktest_log_mark();
	show_vmallocinfo();
	snprintf(want, sizeof(want),
		 "0x%016lx-0x%016lx   16384 vmallocinfo_line+0x",
		 (unsigned long)p, (unsigned long)p + 4 * PAGE_SIZE);
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, want));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, " pages=3 vmalloc"));
	mark = ktest_log_mark();
	show_meminfo();
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "VmallocUsed:"));
	vfree(p);
	KT_EXPECT_UEQ(t, vmalloc_used_pages(), used0);
}

/* vzalloc returns zeroed memory even over pages that held data. */
static void vzalloc_zeroes(struct ktest *t)
{
	unsigned long i, nonzero = 0, size = 6 * PAGE_SIZE;
	u8 *p;

	p = vmalloc(size);
	KT_ASSERT_NOT_NULL(t, p);
	memset(p, 0xa5, size);
	vfree(p);
	purge_vmap_area_lazy();
	p = vzalloc(size);
	KT_ASSERT_NOT_NULL(t, p);
	for (i = 0; i < size; i++)
		nonzero += p[i] != 0;
	KT_EXPECT_UEQ(t, nonzero, 0);
	vfree(p);
}

/* The page array of a big area is itself vmalloc()ed, as in Linux. */
static void big_area_page_array(struct ktest *t)
{
	unsigned long size = 1024 * PAGE_SIZE; /* 8 KiB of page pointers */
	struct vm_struct *vm;
	void *p;

	p = __vmalloc(size, GFP_KERNEL | __GFP_NOWARN);
	if (!p)
		KT_SKIP(t, "no memory for 4 MiB");
	vm = find_vm_area(p);
	KT_ASSERT_NOT_NULL(t, vm);
	KT_EXPECT_TRUE(t, is_vmalloc_addr(vm->pages));
	KT_EXPECT_UEQ(t, pattern_check(p, size, 3), 0);
	vfree(p);
}

/* ---- the augmented rb-tree under vmap_area.c ------------------------------ */

struct rbt_node {
	struct rb_node rb;
	u32 key, val;
	u32 max; /* largest val in the subtree */
};

static inline struct rbt_node *rbt(const struct rb_node *n)
{
	return rb_entry((struct rb_node *)n, struct rbt_node, rb);
}

static bool rbt_compute(struct rb_node *n)
{
	u32 m = rbt(n)->val;

	if (n->rb_left && rbt(n->rb_left)->max > m)
		m = rbt(n->rb_left)->max;
	if (n->rb_right && rbt(n->rb_right)->max > m)
		m = rbt(n->rb_right)->max;
	if (rbt(n)->max == m)
		return false;
	rbt(n)->max = m;
	return true;
}

static void rbt_copy(struct rb_node *old, struct rb_node *new_top)
{
	rbt(new_top)->max = rbt(old)->max;
}

static const struct rb_augment_callbacks rbt_aug = { rbt_compute, rbt_copy };

/* Every node's max is right and keys are in order; returns the faults. */
static unsigned long rbt_verify(const struct rb_root *root, unsigned long nr)
{
	const struct rb_node *n;
	unsigned long bad = 0, count = 0;
	u32 m, last = 0;

	for (n = rb_first(root); n; n = rb_next(n), count++) {
		m = rbt(n)->val;
		if (n->rb_left && rbt(n->rb_left)->max > m)
			m = rbt(n->rb_left)->max;
		if (n->rb_right && rbt(n->rb_right)->max > m)
			m = rbt(n->rb_right)->max;
		bad += rbt(n)->max != m;
		bad += count && rbt(n)->key < last;
		last = rbt(n)->key;
	}
	return bad + (count != nr);
}

/*
 * lib/rbtree.c: random inserts and erases keep the red-black rules, the
 * order, and every node's subtree maximum (what the free tree relies on).
 */
static void rbtree_augmented(struct ktest *t)
{
	const unsigned long nr = 512;
	struct rb_root root = RB_ROOT;
	struct rb_node **link, *parent;
	struct rbt_node *nodes;
	unsigned long i, live = 0, bad = 0;
	int height;

	nodes = kmalloc_array(nr, sizeof(*nodes), GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, nodes);
	for (i = 0; i < nr; i++) {
		nodes[i].key = (u32)prng_below(&t->rng, 1000);
		nodes[i].val = (u32)prng_below(&t->rng, 1u << 20);
		nodes[i].max = 0;
		for (link = &root.rb_node, parent = NULL; *link;) {
			parent = *link;
			link = nodes[i].key < rbt(parent)->key
				       ? &parent->rb_left
				       : &parent->rb_right;
		}
		rb_link_node(&nodes[i].rb, parent, link);
		rb_insert(&nodes[i].rb, &root, &rbt_aug);
		live++;
		if (i % 64 == 63)
			bad += rbt_verify(&root, live) + (rb_check(&root) < 0);
	}
	height = rb_check(&root);
	ktest_log(t, "%lu nodes, black height %d", nr, height);
	KT_EXPECT_GT(t, height, 0);
	for (i = 0; i < nr; i += 2) { /* erase half, in key-random order */
		rb_erase(&nodes[i].rb, &root, &rbt_aug);
		live--;
		if (i % 32 == 0)
			bad += rbt_verify(&root, live) + (rb_check(&root) < 0);
	}
	nodes[1].val = 1u << 21; /* a node's own value grows */
	rb_propagate(&nodes[1].rb, &rbt_aug);
	KT_EXPECT_UEQ(t, rbt(root.rb_node)->max, 1u << 21);
	bad += rbt_verify(&root, live);
	for (i = 1; i < nr; i += 2)
		rb_erase(&nodes[i].rb, &root, &rbt_aug);
	KT_EXPECT_UEQ(t, bad, 0);
	KT_EXPECT_TRUE(t, rb_empty(&root));
	kfree(nodes);
}

KTEST_SUITE(
	vmalloc, NULL, NULL, KTEST_CASE_NO_FAULTS(rbtree_augmented),
	KTEST_CASE_NO_FAULTS(fixed_size),
	KTEST_CASE_NO_FAULTS(data_through_direct_map),
	KTEST_CASE_NO_FAULTS(full_fit), KTEST_CASE_NO_FAULTS(long_busy_list),
	KTEST_CASE_NO_FAULTS(random_size), KTEST_CASE_NO_FAULTS(fixed_align),
	KTEST_CASE_NO_FAULTS(random_size_align), KTEST_CASE(impossible_align),
	KTEST_CASE(bigger_than_ram),
	KTEST_CASE_NO_FAULTS(noncontiguous_backing),
	KTEST_CASE_NO_FAULTS(guard_page_hit),
	KTEST_CASE_NO_FAULTS(unmapped_after_vfree_eager),
	KTEST_CASE_NO_FAULTS(unmapped_after_purge_lazy),
	KTEST_CASE_NO_FAULTS(lazy_threshold),
	KTEST_CASE_NO_FAULTS(exhaust_window), KTEST_CASE(failure_unwinds),
	KTEST_CASE(atomic_context_reported), KTEST_CASE_NO_FAULTS(vfree_misuse),
	KTEST_CASE_NO_FAULTS(vmallocinfo_line),
	KTEST_CASE_NO_FAULTS(vzalloc_zeroes), KTEST_CASE(big_area_page_array));
