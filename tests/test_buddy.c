/*
 * tests/test_buddy.c: the buddy suite.
 *
 * Where a case needs to predict every split and merge, it carves one
 * order-10 block out of the live allocator and runs a private zone over it
 * (Zircon's pmm tests do the same); the block goes back at the end. Cases
 * about zones, watermarks and per-CPU lists use the live allocator and
 * restore it exactly (the buddy checker verifies the free page count and
 * the invariants after every case).
 */
#include <arch/sections.h>
#include <kernel/fault_inject.h>
#include <kernel/ktest.h>
#include <kernel/preempt.h>
#include <kernel/smp.h>
#include <lib/prng.h>
#include <lib/bitops.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/mmzone.h>
#include <mm/stats.h>
#include "../mm/internal.h"

#define BLOCK_PAGES (1UL << MAX_PAGE_ORDER)

static struct zone pz;	    /* the private zone */
static struct page *carved; /* its memory: one order-10 block */
static unsigned long base_pfn;

static bool carve(void)
{
	carved = alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_PAGE_ORDER);
	if (!carved)
		return false;
	base_pfn = page_to_pfn(carved);
	zone_init_private(&pz, "private", base_pfn, BLOCK_PAGES);
	zone_free_range(&pz, base_pfn, base_pfn + BLOCK_PAGES);
	return true;
}

/* Give the block back; it must have merged into one order-10 block again. */
static void uncarve(struct ktest *t)
{
	unsigned long taken;

	KT_EXPECT_EQ(t, pz.free_area[MAX_PAGE_ORDER].nr_free, 1);
	taken = zone_take_range(&pz);
	KT_EXPECT_UEQ(t, taken, BLOCK_PAGES);
	if (taken == BLOCK_PAGES && PageAllocated(carved) &&
	    carved->order == MAX_PAGE_ORDER)
		__free_pages(carved, MAX_PAGE_ORDER);
}

static unsigned long rel(const struct page *p)
{
	return page_to_pfn(p) - base_pfn;
}

/* One page from a lone order-10 block leaves one free block of each order 0..9. */
static void split_and_merge(struct ktest *t)
{
	struct page *p;
	unsigned int o;

	if (!carve())
		KT_SKIP(t, "no free order-10 block");
	KT_EXPECT_EQ(t, pz.free_area[MAX_PAGE_ORDER].nr_free, 1);
	p = zone_alloc(&pz, 0);
	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_UEQ(t, rel(p), 0); /* the low half is kept */
	for (o = 0; o < MAX_PAGE_ORDER; o++)
		KT_EXPECT_EQ(t, pz.free_area[o].nr_free, 1);
	KT_EXPECT_EQ(t, pz.free_area[MAX_PAGE_ORDER].nr_free, 0);
	KT_EXPECT_UEQ(t, pz.nr_free_pages, BLOCK_PAGES - 1);
	KT_EXPECT_EQ(t, zone_check(&pz, true), 0);
	zone_free(&pz, p, 0);
	for (o = 0; o < MAX_PAGE_ORDER; o++)
		KT_EXPECT_EQ(t, pz.free_area[o].nr_free, 0);
	KT_EXPECT_UEQ(t, pz.nr_free_pages, BLOCK_PAGES);
	uncarve(t);
}

/* Blocks of every order are aligned to their size. */
static void every_order_aligned(struct ktest *t)
{
	struct page *small, *p;
	unsigned int o;

	if (!carve())
		KT_SKIP(t, "no free order-10 block");
	small = zone_alloc(&pz, 0); /* so nothing lands at offset 0 by luck */
	for (o = 0; o < MAX_PAGE_ORDER; o++) {
		p = zone_alloc(&pz, o);
		KT_ASSERT_NOT_NULL(t, p);
		KT_EXPECT_UEQ(t, page_to_pfn(p) & ((1UL << o) - 1), 0);
		KT_EXPECT_UEQ(t, p->order, o);
		zone_free(&pz, p, o);
	}
	zone_free(&pz, small, 0);
	p = zone_alloc(&pz, MAX_PAGE_ORDER);
	KT_EXPECT_PTR_EQ(t, p, carved);
	zone_free(&pz, p, MAX_PAGE_ORDER);
	uncarve(t);
}

/* A freed block whose order+1 buddy is free goes to the tail, others to the head. */
static void merge_likely_goes_to_tail(struct ktest *t)
{
	struct page *pg[8], *first, *last;
	int i;

	if (!carve())
		KT_SKIP(t, "no free order-10 block");
	for (i = 0; i < 8; i++) {
		pg[i] = zone_alloc(&pz, 0);
		KT_ASSERT_UEQ(t, rel(pg[i]), i);
	}
	zone_free(&pz, pg[5], 0); /* parent 4's buddy 6 is busy: head */
	zone_free(&pz, pg[2], 0);
	zone_free(&pz, pg[3], 0); /* 2+3 merge into an order-1 block at 2 */
	zone_free(&pz, pg[0],
		  0); /* parent 0's buddy (2, order 1) is free: tail */
	first = list_first_entry(&pz.free_area[0].free_list, struct page, lru);
	last = list_last_entry(&pz.free_area[0].free_list, struct page, lru);
	KT_EXPECT_UEQ(t, rel(first), 5);
	KT_EXPECT_UEQ(t, rel(last), 0);
	KT_EXPECT_EQ(t, pz.free_area[1].nr_free, 1);
	zone_free(&pz, pg[1], 0); /* 0..3 merge into order 2 */
	KT_EXPECT_EQ(t, pz.free_area[2].nr_free, 1);
	for (i = 4; i < 8; i++)
		if (i != 5)
			zone_free(&pz, pg[i], 0);
	KT_EXPECT_EQ(t, zone_check(&pz, true), 0);
	uncarve(t);
}

/*
 * merge_likely() looks at the buddy of the parent, parent ^ (2 << order),
 * also when the parent is the upper half of its own parent: block 7's
 * parent is 6, whose buddy is 4.
 */
static void merge_likely_upper_parent(struct ktest *t)
{
	struct page *pg[8], *last;
	int i;

	if (!carve())
		KT_SKIP(t, "no free order-10 block");
	for (i = 0; i < 8; i++) {
		pg[i] = zone_alloc(&pz, 0);
		KT_ASSERT_UEQ(t, rel(pg[i]), i);
	}
	zone_free(&pz, pg[4], 0);
	zone_free(&pz, pg[5], 0); /* 4+5 merge into an order-1 block at 4 */
	zone_free(&pz, pg[1], 0); /* parent 0's buddy (2) is busy: head */
	zone_free(&pz, pg[7],
		  0); /* parent 6's buddy (4, order 1) is free: tail */
	last = list_last_entry(&pz.free_area[0].free_list, struct page, lru);
	KT_EXPECT_UEQ(t, rel(last), 7);
	for (i = 0; i < 8; i++)
		if (i != 1 && i != 4 && i != 5 && i != 7)
			zone_free(&pz, pg[i], 0);
	KT_EXPECT_EQ(t, zone_check(&pz, true), 0);
	uncarve(t);
}

/* GFP_DMA gives memory below 16 MiB, GFP_DMA32 below 4 GiB, from the right zone. */
static void zone_constraints(struct ktest *t)
{
	static const struct {
		gfp_t gfp;
		phys_addr_t limit;
	} cases[] = {
		{ GFP_KERNEL | GFP_DMA, ZONE_DMA_END },
		{ GFP_KERNEL | GFP_DMA32, ZONE_DMA32_END },
		{ GFP_KERNEL, ~(phys_addr_t)0 },
	};
	struct page *p;
	unsigned int c, o;

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		for (o = 0; o <= 3; o++) {
			p = alloc_pages(cases[c].gfp, o);
			KT_ASSERT_NOT_NULL(t, p);
			KT_EXPECT_ULE(t, page_to_phys(p) + (PAGE_SIZE << o),
				      cases[c].limit);
			KT_EXPECT_TRUE(
				t, page_to_pfn(
					   p) >= page_zone(p)->zone_start_pfn &&
					   page_to_pfn(p) <
						   zone_end_pfn(page_zone(p)));
			__free_pages(p, o);
		}
	}
	/* A plain allocation comes from the highest populated zone. */
	p = alloc_page(GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	for (c = ZONE_NORMAL; c > ZONE_DMA && !zones[c].managed_pages; c--)
		;
	KT_EXPECT_EQ(t, p->zone_id, c);
	__free_page(p);
}

/* __GFP_ZERO really zeroes: dirty a page, free it, get it back zeroed. */
static void gfp_zero_zeroes(struct ktest *t)
{
	struct page *p;
	u8 *va;
	unsigned long i, nonzero = 0;

	p = alloc_pages(GFP_KERNEL, 1);
	KT_ASSERT_NOT_NULL(t, p);
	memset(page_address(p), 0xa5, 2 * PAGE_SIZE);
	__free_pages(p, 1);
	p = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
	KT_ASSERT_NOT_NULL(t, p);
	va = page_address(p);
	for (i = 0; i < 2 * PAGE_SIZE; i++)
		nonzero += va[i] != 0;
	KT_EXPECT_UEQ(t, nonzero, 0);
	__free_pages(p, 1);
}

/*
 * Take blocks of @order until NULL, on @held (page->lru): the blocks'
 * own memory is never touched, which under QEMU would cost a host page
 * (or a 2 MiB huge page) per block. Returns the pages taken.
 */
static unsigned long grab_order(gfp_t gfp, unsigned int order,
				struct list_head *held)
{
	unsigned long n = 0;
	struct page *p;

	while ((p = alloc_pages(gfp | __GFP_NOWARN, order))) {
		list_add(&p->lru, held);
		n += 1UL << order;
	}
	return n;
}

/*
 * Take every block @gfp gets, largest first, on @held (page->lru): all of
 * free memory in one call per 4 MiB block plus the few smaller blocks
 * left, instead of one call (and one page touched) per page. Returns the
 * pages taken.
 */
static unsigned long grab_every_order(gfp_t gfp, struct list_head *held)
{
	unsigned long n = 0;
	unsigned int order;

	for (order = MAX_PAGE_ORDER + 1; order-- > 0;)
		n += grab_order(gfp, order, held);
	return n;
}

static void release_held(struct list_head *held)
{
	struct page *p, *tmp;

	list_for_each_entry_safe (p, tmp, held, lru) {
		list_del(&p->lru);
		__free_pages(p, p->order);
	}
}

/*
 * Exhaustion: GFP_KERNEL stops at the low watermark with the reserves
 * intact; GFP_ATOMIC then dips into them, and __GFP_MEMALLOC takes the
 * rest; at least 99% of the free pages are obtained; freeing everything
 * restores the count exactly. Its point is all of memory, so it takes all
 * of it, but in the largest blocks first (grab_every_order()): the work
 * grows by one call per 4 MiB of RAM, not one per page.
 */
static void exhaustion_and_watermarks(struct ktest *t)
{
	unsigned long before = nr_free_pages(), kernel_n, atomic_n, memalloc_n;
	LIST_HEAD(held);
	unsigned int i;

	kernel_n = grab_every_order(GFP_KERNEL, &held);
	drain_all_pages();
	for (i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &zones[i];

		if (!z->managed_pages)
			continue;
		/* The reserve below the low watermark is still there. */
		KT_EXPECT_UGE(t, z->nr_free_pages, min_wmark_pages(z));
	}
	KT_EXPECT_NULL(t, alloc_page(GFP_KERNEL | __GFP_NOWARN));
	atomic_n = grab_every_order(GFP_ATOMIC, &held);
	KT_EXPECT_UGT(t, atomic_n, 0);
	memalloc_n = grab_every_order(GFP_ATOMIC | __GFP_MEMALLOC, &held);
	KT_EXPECT_UGT(t, memalloc_n, 0);
	ktest_log(t,
		  "free at start %lu: GFP_KERNEL got %lu, GFP_ATOMIC %lu more, "
		  "__GFP_MEMALLOC %lu more",
		  before, kernel_n, atomic_n, memalloc_n);
	KT_EXPECT_UGE(t, (kernel_n + atomic_n + memalloc_n) * 100, before * 99);
	release_held(&held);
	KT_EXPECT_UEQ(t, nr_free_pages(), before);
	KT_EXPECT_EQ(t, buddy_check(true), 0);
}

/*
 * GFP_ATOMIC | __GFP_NOMEMALLOC gets no ALLOC_HARDER (Linux 6.1's
 * gfp_to_alloc_flags()): once __GFP_HIGH alone has taken all it may, it
 * gets nothing more, while plain GFP_ATOMIC still dips a quarter further.
 */
static void nomemalloc_not_harder(struct ktest *t)
{
	unsigned long before = nr_free_pages();
	LIST_HEAD(held);
	struct page *p;

	KT_EXPECT_UGT(
		t, grab_every_order(__GFP_HIGH | __GFP_KSWAPD_RECLAIM, &held),
		0);
	p = alloc_page(GFP_ATOMIC | __GFP_NOMEMALLOC | __GFP_NOWARN);
	KT_EXPECT_NULL(t, p);
	if (p)
		__free_page(p);
	p = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
	KT_EXPECT_NOT_NULL(t, p);
	if (p)
		__free_page(p);
	release_held(&held);
	KT_EXPECT_UEQ(t, nr_free_pages(), before);
}

/*
 * Misuse: the report happened, and the allocator is exactly as it was.
 * buddy_check() walks every struct page: a full-memory walk on purpose (a
 * misuse must leave no trace anywhere), and what makes these cases grow
 * with RAM.
 */
#define EXPECT_MISUSE_CAUGHT(t, stmt)                       \
	do {                                                \
		unsigned long __free0 = nr_free_pages();    \
		KT_EXPECT_REPORTS(t, 1, stmt);              \
		KT_EXPECT_UEQ(t, nr_free_pages(), __free0); \
		KT_EXPECT_EQ(t, buddy_check(true), 0);      \
	} while (0)

/* Freeing a page twice is caught, at order 0 (pcp) and above (free lists). */
static void double_free(struct ktest *t)
{
	struct page *p = alloc_page(GFP_KERNEL), *q;

	KT_ASSERT_NOT_NULL(t, p);
	__free_page(p);
	EXPECT_MISUSE_CAUGHT(t, __free_page(p));
	q = alloc_pages(GFP_KERNEL, 3);
	KT_ASSERT_NOT_NULL(t, q);
	__free_pages(q, 3);
	EXPECT_MISUSE_CAUGHT(t, __free_pages(q, 3));
}

/* Freeing with the wrong order is caught; the right order still works. */
static void wrong_order(struct ktest *t)
{
	struct page *p = alloc_pages(GFP_KERNEL, 2);

	KT_ASSERT_NOT_NULL(t, p);
	EXPECT_MISUSE_CAUGHT(t, __free_pages(p, 1));
	EXPECT_MISUSE_CAUGHT(t, __free_pages(p, 3));
	EXPECT_MISUSE_CAUGHT(t, __free_pages(p, MAX_PAGE_ORDER + 1));
	__free_pages(p, 2);
}

/* Freeing a tail page, of a plain or a compound block, is caught. */
static void tail_page_free(struct ktest *t)
{
	struct page *p = alloc_pages(GFP_KERNEL, 2);
	struct page *c = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);

	KT_ASSERT_NOT_NULL(t, p);
	KT_ASSERT_NOT_NULL(t, c);
	EXPECT_MISUSE_CAUGHT(t, __free_page(p + 1));
	EXPECT_MISUSE_CAUGHT(t, __free_page(c + 3));
	__free_pages(p, 2);
	__free_pages(c, 2);
}

/* Reserved pages, foreign pointers and unaligned addresses are refused. */
static void foreign_frees(struct ktest *t)
{
	struct page *p = alloc_page(GFP_KERNEL);

	KT_ASSERT_NOT_NULL(t, p);
	EXPECT_MISUSE_CAUGHT(t, __free_page(virt_to_page(_text)));
	EXPECT_MISUSE_CAUGHT(t, __free_page(mem_map + max_pfn + 5));
	EXPECT_MISUSE_CAUGHT(t, __free_page((struct page *)((char *)p + 8)));
	EXPECT_MISUSE_CAUGHT(t, free_pages((unsigned long)page_address(p) + 64,
					   0));
	EXPECT_MISUSE_CAUGHT(t, free_pages(VMALLOC_START, 0));
	KT_EXPECT_REPORTS(t, 0, free_pages(0, 0)); /* NULL is fine */
	__free_page(p);
}

/* A long random alloc/free sequence agrees with a shadow model at every step. */
static void random_against_shadow(struct ktest *t)
{
	static unsigned long used[BITS_TO_LONGS(BLOCK_PAGES)];
	static struct {
		struct page *page;
		unsigned int order;
	} live[BLOCK_PAGES];
	unsigned long nr_live = 0, allocated = 0, step, i, pfn;
	unsigned int o;

	if (!carve())
		KT_SKIP(t, "no free order-10 block");
	memset(used, 0, sizeof(used));
	for (step = 0; step < 6000; step++) {
		if (nr_live && prng_below(&t->rng, 100) < 45) {
			i = prng_below(&t->rng, nr_live);
			for (pfn = 0; pfn < (1UL << live[i].order); pfn++)
				__clear_bit(rel(live[i].page) + pfn, used);
			allocated -= 1UL << live[i].order;
			zone_free(&pz, live[i].page, live[i].order);
			live[i] = live[--nr_live];
		} else {
			struct page *p;

			o = (unsigned int)prng_below(&t->rng, 6);
			p = zone_alloc(&pz, o);
			if (!p) {
				/* Only if no aligned run of 2^o pages is free. */
				unsigned long s, k;

				for (s = 0; s < BLOCK_PAGES; s += 1UL << o) {
					for (k = 0; k < (1UL << o) &&
						    !test_bit(s + k, used);
					     k++)
						;
					KT_ASSERT_TRUE(t, k < (1UL << o));
				}
				continue;
			}
			KT_ASSERT_UEQ(t, rel(p) & ((1UL << o) - 1), 0);
			for (pfn = 0; pfn < (1UL << o); pfn++) {
				KT_ASSERT_FALSE(t,
						test_bit(rel(p) + pfn, used));
				__set_bit(rel(p) + pfn, used);
			}
			live[nr_live].page = p;
			live[nr_live++].order = o;
			allocated += 1UL << o;
		}
		KT_ASSERT_UEQ(t, pz.nr_free_pages, BLOCK_PAGES - allocated);
		if (step % 64 == 0)
			KT_ASSERT_EQ(t, zone_check(&pz, true), 0);
	}
	while (nr_live) {
		nr_live--;
		zone_free(&pz, live[nr_live].page, live[nr_live].order);
	}
	uncarve(t);
}

/* Order-0 frees go to the pcp list (LIFO), which drains a batch at `high`. */
static void pcp_lists(struct ktest *t)
{
	struct page *p, *q;
	struct per_cpu_pages *pcp;
	struct zone *z;
	void *chain = NULL, *va, *next;
	unsigned long n = 0;
	bool flushed = false;
	int prev;

	drain_all_pages();
	p = alloc_page(GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	z = page_zone(p);
	pcp = this_cpu_ptr(z->per_cpu_pageset);
	KT_EXPECT_EQ(t, pcp->count,
		     pcp->batch - 1); /* a batch came in, one left */
	__free_page(p);
	KT_EXPECT_TRUE(t, PagePcp(p));
	q = alloc_page(GFP_KERNEL);
	KT_EXPECT_PTR_EQ(t, q, p); /* hot page reused */
	__free_page(q);
	/* Fill beyond high: the count never reaches it. */
	while (n < (unsigned long)(pcp->high + 2 * pcp->batch)) {
		va = (void *)__get_free_page(GFP_KERNEL);
		KT_ASSERT_NOT_NULL(t, va);
		*(void **)va = chain;
		chain = va;
		n++;
	}
	for (va = chain; va; va = next) {
		next = *(void **)va;
		prev = pcp->count;
		free_page((unsigned long)va);
		KT_ASSERT_LT(t, pcp->count, pcp->high);
		flushed |= pcp->count != prev + 1; /* a batch went back */
	}
	KT_EXPECT_TRUE(t, flushed);
	drain_all_pages();
	KT_EXPECT_EQ(t, pcp->count, 0);
	KT_EXPECT_EQ(t, buddy_check(true), 0);
}

static unsigned long isqrt(unsigned long x)
{
	unsigned long r = 0;

	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

/* Watermarks and pcp sizes follow Linux's formulas. */
static void watermarks_as_linux(struct ktest *t)
{
	struct per_cpu_pages *pcp;
	unsigned long managed = 0, kb, pages_min, min, delta;
	long batch;
	unsigned int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		managed += zones[i].managed_pages;
	kb = isqrt(managed * 4 * 16);
	kb = kb < 128 ? 128 : kb > 262144 ? 262144 : kb;
	KT_EXPECT_UEQ(t, min_free_kbytes, kb);
	pages_min = kb / 4;
	for (i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &zones[i];

		if (!z->managed_pages)
			continue;
		min = pages_min * z->managed_pages / managed;
		delta = MAX(min / 4, z->managed_pages * 10 / 10000);
		KT_EXPECT_UEQ(t, min_wmark_pages(z), min);
		KT_EXPECT_UEQ(t, low_wmark_pages(z), min + delta);
		KT_EXPECT_UEQ(t, high_wmark_pages(z), min + 2 * delta);
		batch = (long)MIN(z->managed_pages / 1024, 256UL) / 4;
		batch = batch < 1 ? 1 : batch;
		batch = (long)roundup_pow_of_two((u64)(batch + batch / 2) + 1) /
				2 -
			1;
		/* high: the low watermark shared among the possible CPUs. */
		pcp = per_cpu_ptr(z->per_cpu_pageset, 0);
		KT_EXPECT_EQ(t, pcp->batch, batch < 1 ? 1 : batch);
		KT_EXPECT_EQ(
			t, pcp->high,
			MAX((long)low_wmark_pages(z) / (long)percpu_nr_areas(),
			    4 * (long)pcp->batch));
	}
}

/* Orders above MAX_PAGE_ORDER fail with a warning, silently with __GFP_NOWARN. */
static void order_too_big(struct ktest *t)
{
	struct page *p = (struct page *)1;

	KT_EXPECT_REPORTS(t, 1,
			  p = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1));
	KT_EXPECT_NULL(t, p);
	KT_EXPECT_REPORTS(t, 0, p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 20));
	KT_EXPECT_NULL(t, p);
}

/* __GFP_NOFAIL with no memory left is a loud report and NULL, not a hang. */
static void nofail_without_memory(struct ktest *t)
{
	LIST_HEAD(held);
	struct page *p = NULL;

	drain_all_pages();
	grab_order(GFP_ATOMIC, MAX_PAGE_ORDER, &held);
	KT_EXPECT_REPORTS(t, 1,
			  p = alloc_pages(GFP_KERNEL | __GFP_NOFAIL |
						  __GFP_NOWARN,
					  MAX_PAGE_ORDER));
	KT_EXPECT_NULL(t, p);
	release_held(&held);
}

/* A sleeping allocation in atomic context is reported (Linux's might_sleep). */
static void sleeping_alloc_in_atomic(struct ktest *t)
{
	struct page *p = NULL;

	preempt_disable();
	KT_EXPECT_REPORTS(t, 1, p = alloc_page(GFP_KERNEL));
	if (p)
		__free_page(p);
	KT_EXPECT_REPORTS(t, 0, p = alloc_page(GFP_ATOMIC));
	if (p)
		__free_page(p);
	preempt_enable();
	KT_EXPECT_REPORTS(t, 0, p = alloc_page(GFP_KERNEL));
	if (p)
		__free_page(p);
}

/* Linux's fragmentation index, on a zone fragmented on purpose. */
static void fragmentation_index_values(struct ktest *t)
{
	static struct page *pages[BLOCK_PAGES];
	unsigned long i;

	if (!carve())
		KT_SKIP(t, "no free order-10 block");
	for (i = 0; i < BLOCK_PAGES; i++)
		pages[i] = zone_alloc(&pz, 0);
	for (i = 0; i < BLOCK_PAGES; i += 2)
		zone_free(&pz, pages[i], 0); /* 512 lone free pages */
	KT_EXPECT_EQ(t, pz.free_area[0].nr_free, BLOCK_PAGES / 2);
	KT_EXPECT_EQ(t, fragmentation_index(&pz, 0), -1000);
	/* 1000 - (1000 + 512 * 1000 / 2) / 512 */
	KT_EXPECT_EQ(t, fragmentation_index(&pz, 1), 499);
	KT_EXPECT_EQ(t, fragmentation_index(&pz, MAX_PAGE_ORDER), 998);
	for (i = 1; i < BLOCK_PAGES; i += 2)
		zone_free(&pz, pages[i], 0);
	KT_EXPECT_EQ(t, fragmentation_index(&pz, MAX_PAGE_ORDER), -1000);
	uncarve(t);
}

/* show_buddyinfo prints Linux's /proc/buddyinfo line for each zone. */
static void buddyinfo_format(struct ktest *t)
{
	char want[160];
	unsigned int i, o;
	int n;
	u64 mark;

	drain_all_pages();
	mark = ktest_log_mark();
	show_buddyinfo();
	for (i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &zones[i];

		if (!z->managed_pages)
			continue;
		n = snprintf(want, sizeof(want), "Node 0, zone %8s ", z->name);
		for (o = 0; o <= MAX_PAGE_ORDER; o++)
			n += snprintf(want + n, sizeof(want) - (size_t)n,
				      "%6lu ", z->free_area[o].nr_free);
		snprintf(want + n, sizeof(want) - (size_t)n, "\n");
		KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, want));
	}
}

/* __GFP_COMP: the head knows the order, tails point to the head. */
static void compound_pages(struct ktest *t)
{
	struct page *p = alloc_pages(GFP_KERNEL | __GFP_COMP, 3);
	unsigned long i;

	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_TRUE(t, PageHead(p));
	KT_EXPECT_EQ(t, compound_order(p), 3);
	for (i = 1; i < 8; i++) {
		KT_EXPECT_TRUE(t, PageTail(p + i));
		KT_EXPECT_PTR_EQ(t, compound_head(p + i), p);
	}
	KT_EXPECT_PTR_EQ(
		t,
		virt_to_head_page((char *)page_address(p) + 5 * PAGE_SIZE + 17),
		p);
	__free_pages(p, 3);
	KT_EXPECT_FALSE(t, PageTail(p + 1));
	KT_EXPECT_FALSE(t, PageHead(p));
}

/* The address-based API round-trips, and get_zeroed_page is zeroed. */
static void address_api(struct ktest *t)
{
	unsigned long a = __get_free_pages(GFP_KERNEL, 2);
	unsigned long z = get_zeroed_page(GFP_KERNEL);

	KT_ASSERT_UNE(t, a, 0);
	KT_ASSERT_UNE(t, z, 0);
	KT_EXPECT_UEQ(t, a & (PAGE_SIZE - 1), 0);
	KT_EXPECT_TRUE(t, is_direct_map_addr((void *)a));
	KT_EXPECT_NULL(t, memchr_inv((void *)z, 0, PAGE_SIZE));
	KT_EXPECT_PTR_EQ(t, page_address(virt_to_page((void *)a)), (void *)a);
	free_pages(a, 2);
	free_page(z);
}

/* fail_page_alloc: the Nth allocation fails, once; random failures repeat by seed. */
static void injected_failures(struct ktest *t)
{
	struct fault_inject_state saved;
	struct page *p[4];
	unsigned long fails_a = 0, fails_b = 0;
	int i, round;

	fault_inject_save(&saved); /* the command line's setting, if any */
	fault_inject_nth(&fail_page_alloc, 3);
	for (i = 0; i < 4; i++)
		p[i] = alloc_page(GFP_KERNEL | __GFP_NOWARN);
	KT_EXPECT_NOT_NULL(t, p[0]);
	KT_EXPECT_NOT_NULL(t, p[1]);
	KT_EXPECT_NULL(t, p[2]);
	KT_EXPECT_NOT_NULL(t, p[3]);
	KT_EXPECT_UEQ(t, fail_page_alloc.nr_failed, 1);
	for (i = 0; i < 4; i++)
		if (p[i])
			__free_page(p[i]);
	/* __GFP_NOFAIL is never failed on purpose. */
	fault_inject_nth(&fail_page_alloc, 1);
	p[0] = alloc_page(GFP_KERNEL | __GFP_NOFAIL);
	KT_EXPECT_NOT_NULL(t, p[0]);
	if (p[0])
		__free_page(p[0]);
	fault_inject_off(&fail_page_alloc);
	for (round = 0; round < 2; round++) {
		fault_inject_random(&fail_page_alloc, 30, 42);
		for (i = 0; i < 200; i++) {
			struct page *q = alloc_page(GFP_KERNEL | __GFP_NOWARN);

			if (q)
				__free_page(q);
			else if (round)
				fails_b++;
			else
				fails_a++;
		}
	}
	fault_inject_restore(&saved);
	KT_EXPECT_UEQ(t, fails_a, fails_b); /* same seed, same failures */
	KT_EXPECT_TRUE(t, fails_a > 30 && fails_a < 90); /* about 30% of 200 */
}

/* ---- several CPUs at once ------------------------------------------------ */

struct pcp_own {
	struct zone *zone; /* where the pages came from */
	int before[CONFIG_NR_CPUS], after[CONFIG_NR_CPUS];
	bool was_pcp[CONFIG_NR_CPUS];
};

/* Each CPU allocates a page and frees it: its own pcp list, no other. */
static void pcp_alloc_free_here(void *arg)
{
	struct pcp_own *r = arg;
	unsigned int cpu = smp_processor_id();
	struct per_cpu_pages *pcp;
	struct page *p = alloc_page(GFP_KERNEL);

	if (!p)
		return;
	pcp = this_cpu_ptr(page_zone(p)->per_cpu_pageset);
	r->zone = page_zone(p);
	r->before[cpu] = READ_ONCE(pcp->count);
	__free_page(p);
	r->was_pcp[cpu] = PagePcp(p);
	r->after[cpu] = READ_ONCE(pcp->count);
}

/*
 * The pcp lists are per CPU: after drain_all_pages() (an IPI to each CPU)
 * every list is empty; a page each CPU allocates comes in with a batch on
 * its own list and goes back there; drain_all_pages() empties them all
 * again.
 */
static void pcp_lists_per_cpu(struct ktest *t)
{
	static struct pcp_own r;
	unsigned int cpu, i;
	struct per_cpu_pages *pcp;

	memset(&r, 0, sizeof(r));
	drain_all_pages();
	for (i = 0; i < MAX_NR_ZONES; i++)
		for_each_possible_cpu(cpu) KT_EXPECT_EQ(
			t, per_cpu_ptr(zones[i].per_cpu_pageset, cpu)->count,
			0);
	ktest_run_on_all_cpus(pcp_alloc_free_here, &r);
	KT_ASSERT_NOT_NULL(t, r.zone);
	for_each_online_cpu(cpu)
	{
		pcp = per_cpu_ptr(r.zone->per_cpu_pageset, cpu);
		KT_EXPECT_EQ(t, r.before[cpu], pcp->batch - 1);
		KT_EXPECT_EQ(t, r.after[cpu], pcp->batch);
		KT_EXPECT_TRUE(t, r.was_pcp[cpu]);
		KT_EXPECT_EQ(t, pcp->count, pcp->batch);
	}
	drain_all_pages();
	for_each_possible_cpu(cpu) KT_EXPECT_EQ(
		t, per_cpu_ptr(r.zone->per_cpu_pageset, cpu)->count, 0);
	KT_EXPECT_EQ(t, buddy_check(true), 0);
}

#define CHURN_SLOTS 64

struct churn {
	u64 seed;
	unsigned long ops;
	unsigned int bad[CONFIG_NR_CPUS];
};

/* Random orders 0-3 allocated, patterned, checked and freed on this CPU. */
static void churn_here(void *arg)
{
	struct churn *c = arg;
	unsigned int cpu = smp_processor_id(), k;
	struct page *held[CHURN_SLOTS] = { NULL };
	unsigned int order[CHURN_SLOTS];
	struct prng rng;
	unsigned long i;

	prng_seed(&rng, c->seed + cpu);
	for (i = 0; i < c->ops; i++) {
		k = (unsigned int)prng_below(&rng, CHURN_SLOTS);
		if (held[k]) {
			u64 *w = page_address(held[k]);

			if (w[0] != ((u64)cpu << 48 | k) ||
			    w[(PAGE_SIZE << order[k]) / 8 - 1] != ~w[0])
				c->bad[cpu]++;
			__free_pages(held[k], order[k]);
			held[k] = NULL;
			continue;
		}
		order[k] = (unsigned int)prng_below(&rng, 4);
		held[k] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order[k]);
		if (held[k]) {
			u64 *w = page_address(held[k]);

			w[0] = (u64)cpu << 48 | k;
			w[(PAGE_SIZE << order[k]) / 8 - 1] = ~w[0];
		}
	}
	for (k = 0; k < CHURN_SLOTS; k++)
		if (held[k])
			__free_pages(held[k], order[k]);
}

/*
 * Every CPU allocates and frees blocks of orders 0-3 at once: no block is
 * handed to two CPUs (each finds its own pattern back), and afterwards the
 * invariants hold and every page is free again (the checker).
 */
static void concurrent_alloc_free(struct ktest *t)
{
	static struct churn c;
	unsigned int cpu;

	memset(&c, 0, sizeof(c));
	c.seed = ktest_boot_seed;
	c.ops = 1000;
	ktest_run_on_all_cpus(churn_here, &c);
	for_each_online_cpu(cpu) KT_EXPECT_UEQ(t, c.bad[cpu], 0);
	drain_all_pages();
	KT_EXPECT_EQ(t, buddy_check(true), 0);
}

struct grab {
	gfp_t gfp;
	void *chain[CONFIG_NR_CPUS];
	unsigned long got[CONFIG_NR_CPUS];
};

/* Blocks of @order until the allocator says no, on this CPU's chain. */
static void grab_chain(struct grab *g, unsigned int order)
{
	unsigned int cpu = smp_processor_id();
	void *va;

	while ((va = (void *)__get_free_pages(g->gfp | __GFP_NOWARN, order))) {
		((void **)va)[0] = g->chain[cpu];
		((unsigned long *)va)[1] = order;
		g->chain[cpu] = va;
		g->got[cpu]++;
	}
}

/* The race: single pages on every CPU at once. */
static void grab_until_refused(void *arg)
{
	grab_chain(arg, 0);
}

static void release_grabbed(struct grab *g)
{
	unsigned int cpu;
	void *va, *next;

	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++) {
		for (va = g->chain[cpu]; va; va = next) {
			next = *(void **)va;
			free_pages((unsigned long)va,
				   (unsigned int)((unsigned long *)va)[1]);
		}
		g->chain[cpu] = NULL;
	}
}

/* A zone's free-page floor for GFP_KERNEL (@harder: GFP_ATOMIC). */
static unsigned long floor_for(const struct zone *z, bool harder)
{
	unsigned long mark = harder ? min_wmark_pages(z) : low_wmark_pages(z);

	if (harder)
		mark = mark - mark / 2 - (mark - mark / 2) / 4;
	return mark + lowmem_reserve[z - zones][ZONE_NORMAL];
}

/*
 * Watermarks under races: every CPU takes pages at once until refused.
 * No zone's buddy free pages fall below GFP_KERNEL's floor (low mark plus
 * the lowmem reserve); then GFP_ATOMIC on every CPU goes deeper, to
 * ALLOC_HIGH|ALLOC_HARDER's floor, and no further.
 */
static void watermarks_under_races(struct ktest *t)
{
	static struct grab g;
	unsigned long floor_k[MAX_NR_ZONES], floor_a[MAX_NR_ZONES];
	unsigned int i;
	bool deeper = false;

	/*
	 * A zone already below a floor (allocations allowed no higher
	 * zone, e.g. GFP_DMA32 ones, do not keep the reserve that protects
	 * it from GFP_KERNEL) must not drop any further.
	 */
	for (i = 0; i < MAX_NR_ZONES; i++) {
		floor_k[i] = MIN(floor_for(&zones[i], false),
				 zones[i].nr_free_pages);
		floor_a[i] =
			MIN(floor_for(&zones[i], true), zones[i].nr_free_pages);
	}
	memset(&g, 0, sizeof(g));
	g.gfp = GFP_KERNEL;
	/*
	 * This CPU alone takes the bulk in big blocks, which leaves less
	 * than an order-4 block per zone above the mark; the CPUs then race
	 * for the rest one page at a time. (Racing for all of RAM proves no
	 * more and takes minutes on -smp 8 without multi-threaded TCG, where
	 * every lock handoff waits for the CPUs to take turns.)
	 */
	grab_chain(&g, 10);
	grab_chain(&g, 7);
	grab_chain(&g, 4);
	ktest_run_on_all_cpus(grab_until_refused, &g);
	for (i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &zones[i];

		if (!z->managed_pages)
			continue;
		KT_EXPECT_UGE(t, z->nr_free_pages, floor_k[i]);
	}
	g.gfp = GFP_ATOMIC;
	ktest_run_on_all_cpus(grab_until_refused, &g);
	for (i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &zones[i];

		if (!z->managed_pages)
			continue;
		KT_EXPECT_UGE(t, z->nr_free_pages, floor_a[i]);
		deeper |= z->nr_free_pages < floor_k[i];
	}
	KT_EXPECT_TRUE(t, deeper); /* GFP_ATOMIC did dip into the reserve */
	release_grabbed(&g);
	drain_all_pages();
	KT_EXPECT_EQ(t, buddy_check(true), 0);
}

KTEST_SUITE(
	buddy, NULL, NULL, KTEST_CASE(split_and_merge),
	KTEST_CASE(every_order_aligned), KTEST_CASE(merge_likely_goes_to_tail),
	KTEST_CASE(merge_likely_upper_parent),
	KTEST_CASE_NO_FAULTS(zone_constraints),
	KTEST_CASE_NO_FAULTS(gfp_zero_zeroes),
	KTEST_CASE_NO_FAULTS(exhaustion_and_watermarks),
	KTEST_CASE_NO_FAULTS(nomemalloc_not_harder),
	KTEST_CASE_NO_FAULTS(double_free), KTEST_CASE_NO_FAULTS(wrong_order),
	KTEST_CASE_NO_FAULTS(tail_page_free),
	KTEST_CASE_NO_FAULTS(foreign_frees), KTEST_CASE(random_against_shadow),
	KTEST_CASE_NO_FAULTS(pcp_lists), KTEST_CASE(watermarks_as_linux),
	KTEST_CASE(order_too_big), KTEST_CASE_NO_FAULTS(nofail_without_memory),
	KTEST_CASE(sleeping_alloc_in_atomic),
	KTEST_CASE(fragmentation_index_values), KTEST_CASE(buddyinfo_format),
	KTEST_CASE_NO_FAULTS(compound_pages), KTEST_CASE_NO_FAULTS(address_api),
	KTEST_CASE(injected_failures), KTEST_CASE_NO_FAULTS(pcp_lists_per_cpu),
	KTEST_CASE_NO_FAULTS(concurrent_alloc_free),
	KTEST_CASE_NO_FAULTS(watermarks_under_races));
