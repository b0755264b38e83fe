/*
 * tests/test_exact.c: the exact suite: statistics, thresholds and
 * boundaries of the allocators, each predicted exactly from the state
 * before the operation.
 *
 * make mutants found these values unchecked: a counter counted down, a
 * watermark or size threshold moved by one, passed every other suite.
 */
#include <kernel/ktest.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/mmzone.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>
#include "../mm/internal.h"

/* The smallest order >= @order with a free block in @z, or -1. */
static int smallest_free(const struct zone *z, unsigned int order)
{
	unsigned int o;

	for (o = order; o <= MAX_PAGE_ORDER; o++)
		if (z->free_area[o].nr_free)
			return (int)o;
	return -1;
}

/*
 * Per-zone statistics count up, once per event: one allocation of order
 * k counts nr_alloc[k] and one split for each order it came down; its
 * free counts nr_free[k] and merges back as many times.
 */
static void zone_stats_count_events(struct ktest *t)
{
	static const unsigned int orders[] = { 1, 3, 5 };
	struct zone_counters was[MAX_NR_ZONES], now;
	int from[MAX_NR_ZONES][ARRAY_SIZE(orders)];
	unsigned int i, j, k;

	for (j = 0; j < ARRAY_SIZE(orders); j++) {
		unsigned int order = orders[j];
		struct page *page;
		struct zone *z;
		int o;

		for (i = 0; i < MAX_NR_ZONES; i++) {
			was[i] = zone_stat(&zones[i]);
			from[i][j] = smallest_free(&zones[i], order);
		}
		page = alloc_pages(GFP_KERNEL, order);
		KT_ASSERT_TRUE(t, page != NULL);
		z = page_zone(page);
		o = from[z - zones][j];
		KT_EXPECT_GE(t, o, (int)order);
		now = zone_stat(z);
		KT_EXPECT_UEQ(t, now.nr_alloc[order],
			      was[z - zones].nr_alloc[order] + 1);
		KT_EXPECT_UEQ(t, now.nr_split,
			      was[z - zones].nr_split +
				      (unsigned long)(o - (int)order));
		for (k = 0; k < NR_PAGE_ORDERS; k++)
			if (k != order)
				KT_EXPECT_UEQ(t, now.nr_alloc[k],
					      was[z - zones].nr_alloc[k]);
		was[z - zones] = now;
		__free_pages(page, order);
		now = zone_stat(z);
		KT_EXPECT_UEQ(t, now.nr_free[order],
			      was[z - zones].nr_free[order] + 1);
		KT_EXPECT_UEQ(t, now.nr_merge,
			      was[z - zones].nr_merge +
				      (unsigned long)(o - (int)order));
		for (k = 0; k < NR_PAGE_ORDERS; k++)
			if (k != order)
				KT_EXPECT_UEQ(t, now.nr_free[k],
					      was[z - zones].nr_free[k]);
	}
}

/* The order-0 paths (per-CPU list and fast path) count one alloc and one free. */
static void zone_stats_order0(struct ktest *t)
{
	struct zone_counters was[MAX_NR_ZONES];
	struct page *page;
	struct zone *z;
	unsigned int i, n;

	for (n = 0; n < 3; n++) {
		for (i = 0; i < MAX_NR_ZONES; i++)
			was[i] = zone_stat(&zones[i]);
		page = alloc_page(GFP_KERNEL);
		KT_ASSERT_TRUE(t, page != NULL);
		z = page_zone(page);
		KT_EXPECT_UEQ(t, zone_stat(z).nr_alloc[0],
			      was[z - zones].nr_alloc[0] + 1);
		__free_page(page);
		KT_EXPECT_UEQ(t, zone_stat(z).nr_free[0],
			      was[z - zones].nr_free[0] + 1);
		for (i = 0; i < MAX_NR_ZONES; i++)
			if (&zones[i] != z)
				KT_EXPECT_UEQ(t,
					      zone_stat(&zones[i]).nr_alloc[0],
					      was[i].nr_alloc[0]);
	}
}

/* A refused allocation counts one nr_fail in its preferred zone, and only there. */
static void zone_stats_fail(struct ktest *t)
{
	struct zone_counters was[MAX_NR_ZONES];
	void *chain = NULL, *va, *next;
	unsigned long before = nr_free_pages();
	enum zone_type zt = ZONE_NORMAL; /* GFP_KERNEL's preferred zone */
	unsigned int i;

	/* Take every order-10 block GFP_KERNEL may have; the next request fails. */
	while ((va = (void *)__get_free_pages(GFP_KERNEL | __GFP_NOWARN,
					      MAX_PAGE_ORDER))) {
		*(void **)va = chain;
		chain = va;
	}
	for (i = 0; i < MAX_NR_ZONES; i++)
		was[i] = zone_stat(&zones[i]);
	KT_EXPECT_NULL(t,
		       alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_PAGE_ORDER));
	for (i = 0; i < MAX_NR_ZONES; i++)
		KT_EXPECT_UEQ(t, zone_stat(&zones[i]).nr_fail,
			      was[i].nr_fail + (i == zt));
	for (va = chain; va; va = next) {
		next = *(void **)va;
		free_pages((unsigned long)va, MAX_PAGE_ORDER);
	}
	KT_EXPECT_UEQ(t, nr_free_pages(), before);
}

/* The watermark rule as Linux's __zone_watermark_ok() states it. */
static bool model_watermark_ok(const struct zone *z, unsigned int order,
			       long mark, unsigned int hi, unsigned int flags)
{
	long free = (long)z->nr_free_pages - ((1L << order) - 1);
	long min = mark;

	if (flags & ALLOC_NO_WATERMARKS)
		return z->nr_free_pages >= (1UL << order);
	if (flags & ALLOC_HIGH)
		min -= min / 2;
	if (flags & ALLOC_HARDER)
		min -= min / 4;
	if (free <= min + (long)lowmem_reserve[z - zones][hi])
		return false;
	return order == 0 || smallest_free(z, order) >= 0;
}

/*
 * zone_watermark_ok() flips exactly where the rule says, for every
 * ALLOC_HIGH/ALLOC_HARDER combination: marks on both sides of the
 * boundary, each zone, the zone itself as the highest usable one.
 */
static void watermark_boundary(struct ktest *t)
{
	static const unsigned int flag_sets[] = {
		0,
		ALLOC_HIGH,
		ALLOC_HARDER,
		ALLOC_HIGH | ALLOC_HARDER,
	};
	unsigned int i, f, order, bad = 0, tried = 0;

	for (i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &zones[i];
		long free = (long)z->nr_free_pages, base, d;

		if (!z->managed_pages)
			continue;
		for (f = 0; f < ARRAY_SIZE(flag_sets); f++) {
			for (order = 0; order <= 2; order++) {
				/* Marks around the value where the answer flips. */
				base = free - (long)lowmem_reserve[i][i] -
				       ((1L << order) - 1);
				if (flag_sets[f] & ALLOC_HIGH)
					base *= 2;
				if (flag_sets[f] & ALLOC_HARDER)
					base = base * 4 / 3;
				for (d = -6; d <= 6; d++) {
					long mark = base + d;
					bool got, want;

					if (mark < 0)
						continue;
					got = zone_watermark_ok(
						z, order, (unsigned long)mark,
						i, flag_sets[f]);
					want = model_watermark_ok(z, order,
								  mark, i,
								  flag_sets[f]);
					tried++;
					if (got != want && bad++ < 5)
						ktest_log(t,
							  "zone %s order %u "
							  "mark %ld flags %#x: "
							  "got %d, want %d",
							  z->name, order, mark,
							  flag_sets[f], got,
							  want);
				}
			}
		}
	}
	KT_EXPECT_UGT(t, tried, 0);
	KT_EXPECT_EQ(t, bad, 0);
}

/*
 * ALLOC_NO_WATERMARKS: a block as long as enough pages are free at all.
 * A private zone with exactly three free pages: order 1 yes, order 2 no.
 */
static void no_watermarks_needs_the_pages(struct ktest *t)
{
	static struct zone pz;
	struct page *block = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 2), *one;
	unsigned long pfn;

	KT_ASSERT_TRUE(t, block != NULL);
	pfn = page_to_pfn(block);
	zone_init_private(&pz, "three", pfn, 4);
	zone_free_range(&pz, pfn, pfn + 4);
	one = zone_alloc(&pz, 0);
	KT_ASSERT_TRUE(t, one != NULL);
	KT_EXPECT_UEQ(t, pz.nr_free_pages, 3);
	KT_EXPECT_TRUE(t,
		       zone_watermark_ok(&pz, 0, ~0UL, 0, ALLOC_NO_WATERMARKS));
	KT_EXPECT_TRUE(t,
		       zone_watermark_ok(&pz, 1, ~0UL, 0, ALLOC_NO_WATERMARKS));
	KT_EXPECT_FALSE(t,
			zone_watermark_ok(&pz, 2, 0, 0, ALLOC_NO_WATERMARKS));
	zone_free(&pz, one, 0);
	/* Whole again: one order-2 block, which goes back to the live allocator. */
	KT_EXPECT_UEQ(t, zone_take_range(&pz), 4);
	__free_pages(block, 2);
}

/*
 * The page array of a vmalloc area comes from kmalloc up to one page of
 * pointers (512 pages mapped) and from vmalloc above, as in Linux.
 */
static void vmalloc_page_array_threshold(struct ktest *t)
{
	static const struct {
		unsigned int pages;
		bool vmalloced;
	} cases[] = {
		{ 1, false },
		{ PAGE_SIZE / sizeof(struct page *), false },
		{ PAGE_SIZE / sizeof(struct page *) + 1, true },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		void *p = vmalloc((unsigned long)cases[i].pages << PAGE_SHIFT);
		struct vm_struct *vm;

		KT_ASSERT_TRUE(t, p != NULL);
		vm = find_vm_area(p);
		KT_EXPECT_TRUE(t, vm != NULL);
		if (vm) {
			KT_EXPECT_UEQ(t, vm->nr_pages, cases[i].pages);
			KT_EXPECT_EQ(t, is_vmalloc_addr(vm->pages),
				     cases[i].vmalloced);
		}
		vfree(p);
	}
}

/*
 * lowmem_reserve[j][i], Linux's setup_per_zone_lowmem_reserve(): what zone
 * j keeps back from allocations that could use zone i, the managed pages
 * of the zones above j up to i over lowmem_reserve_ratio[j] (Linux's
 * defaults 256, 256, 32); nothing for i <= j.
 */
static void lowmem_reserve_as_linux(struct ktest *t)
{
	static const unsigned long ratio[MAX_NR_ZONES] = { 256, 256, 32 };
	unsigned int i, j;

	for (j = 0; j < MAX_NR_ZONES; j++) {
		unsigned long above = 0;

		for (i = 0; i < MAX_NR_ZONES; i++) {
			if (i > j)
				above += zones[i].managed_pages;
			KT_EXPECT_UEQ(t, lowmem_reserve[j][i],
				      i > j ? above / ratio[j] : 0);
		}
	}
}

/*
 * The first frame past RAM is not RAM: kfree() of its direct-map address
 * is reported as such (not read from a struct page past mem_map).
 */
static void kfree_past_ram(struct ktest *t)
{
	void *past = __va(PFN_PHYS(max_pfn));
	u64 mark;

	mark = ktest_log_mark();
	KT_EXPECT_REPORTS(t, 1, kfree(past));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "not a direct-map address "
						   "of RAM"));
}

/*
 * vmalloc's statistics, one event at a time: vmalloc/vfree/vmap/vunmap
 * calls, the pages mapped, a lazy free's place on the purge list (its
 * pages, guard included), the purge that returns it, and an eager free's
 * invlpg count.
 */
static void vmalloc_stats_count_events(struct ktest *t)
{
	struct vmalloc_stats was;
	struct vmap_counts c;
	bool lazy = vmalloc_lazy_enabled();
	struct page *pg;
	void *p;

	vmalloc_set_lazy(true);
	purge_vmap_area_lazy();
	was = vmalloc_stats;
	p = vmalloc(3 * PAGE_SIZE);
	KT_ASSERT_TRUE(t, p != NULL);
	KT_EXPECT_UEQ(t, vmalloc_stats.nr_vmalloc, was.nr_vmalloc + 1);
	KT_EXPECT_UEQ(t, vmalloc_stats.nr_used_pages, was.nr_used_pages + 3);
	vfree(p);
	KT_EXPECT_UEQ(t, vmalloc_stats.nr_vfree, was.nr_vfree + 1);
	KT_EXPECT_UEQ(t, vmalloc_stats.nr_used_pages, was.nr_used_pages);
	vmap_area_counts(&c);
	KT_EXPECT_UEQ(t, c.nr_lazy, 1);
	KT_EXPECT_UEQ(t, c.lazy_pages, 4);
	KT_EXPECT_UEQ(t, c.lazy_bytes, 4 * PAGE_SIZE);
	purge_vmap_area_lazy();
	KT_EXPECT_UEQ(t, vmalloc_stats.nr_purges, was.nr_purges + 1);
	KT_EXPECT_UEQ(t, vmalloc_stats.nr_purged_areas,
		      was.nr_purged_areas + 1);
	vmap_area_counts(&c);
	KT_EXPECT_UEQ(t, c.nr_lazy, 0);
	KT_EXPECT_UEQ(t, c.lazy_pages, 0);

	vmalloc_set_lazy(false);
	p = vmalloc(2 * PAGE_SIZE);
	KT_ASSERT_TRUE(t, p != NULL);
	vfree(p);
	KT_EXPECT_UEQ(t, vmalloc_stats.nr_eager_invlpg,
		      was.nr_eager_invlpg + 2);
	vmap_area_counts(&c);
	KT_EXPECT_UEQ(t, c.nr_lazy, 0);

	pg = alloc_page(GFP_KERNEL);
	KT_ASSERT_TRUE(t, pg != NULL);
	p = vmap(&pg, 1, 0, PAGE_KERNEL);
	KT_EXPECT_TRUE(t, p != NULL);
	KT_EXPECT_UEQ(t, vmalloc_stats.nr_vmap, was.nr_vmap + 1);
	if (p)
		vunmap(p);
	KT_EXPECT_UEQ(t, vmalloc_stats.nr_vunmap, was.nr_vunmap + 1);
	__free_page(pg);
	vmalloc_set_lazy(lazy);
}

/*
 * Every kmalloc cache (kmalloc-96 and kmalloc-192 included, DMA ones too)
 * is a boot cache: kmem_cache_destroy() refuses it with its own warning,
 * and the cache still serves kmalloc() afterwards.
 */
static void kmalloc_caches_not_destroyed(struct ktest *t)
{
	unsigned int i, d, n = 0;

	for (d = 0; d < 2; d++) {
		for (i = 0; i < NR_KMALLOC_INDEX; i++) {
			struct kmem_cache *s = d ? kmalloc_dma_caches[i]
						 : kmalloc_caches[i];
			u64 mark;
			void *p;

			if (!s)
				continue;
			n++;
			mark = ktest_log_mark();
			KT_EXPECT_REPORTS(t, 1, kmem_cache_destroy(s));
			if (!ktest_log_find(mark, "a boot cache cannot be "
						  "destroyed"))
				ktest_fail(t, __FILE__, __LINE__,
					   "%s: destroyed, or refused for "
					   "another reason",
					   kmem_cache_name(s));
			p = kmem_cache_alloc(s, GFP_KERNEL);
			KT_EXPECT_NOT_NULL(t, p);
			kmem_cache_free(s, p);
		}
	}
	KT_EXPECT_UGE(t, n, 13);
}

/*
 * pgwalk_lookup() fills the whole record: whatever the caller left in it,
 * an address with no PML4 entry gives no leaf, no pa, and zero entries
 * below the level where the walk stopped.
 */
static void pgwalk_record_fresh(struct ktest *t)
{
	struct pgwalk_result r;
	enum pg_level l;

	memset(&r, 0xa5, sizeof(r));
	pgwalk_lookup(0xffff800000000000UL, &r); /* the unused PML4 slot 256 */
	KT_EXPECT_EQ(t, r.leaf, PG_LEVEL_NONE);
	KT_EXPECT_EQ(t, r.stopped, PG_LEVEL_512G);
	KT_EXPECT_UEQ(t, r.pa, 0);
	for (l = PG_LEVEL_NONE; l < PG_LEVEL_512G; l++)
		KT_EXPECT_UEQ(t, r.entry[l], 0);
}

KTEST_SUITE(exact, NULL, NULL, KTEST_CASE_NO_FAULTS(zone_stats_count_events),
	    KTEST_CASE_NO_FAULTS(zone_stats_order0),
	    KTEST_CASE_NO_FAULTS(zone_stats_fail),
	    KTEST_CASE(watermark_boundary),
	    KTEST_CASE_NO_FAULTS(no_watermarks_needs_the_pages),
	    KTEST_CASE(lowmem_reserve_as_linux), KTEST_CASE(kfree_past_ram),
	    KTEST_CASE_NO_FAULTS(kmalloc_caches_not_destroyed),
	    KTEST_CASE_NO_FAULTS(vmalloc_page_array_threshold),
	    KTEST_CASE_NO_FAULTS(vmalloc_stats_count_events),
	    KTEST_CASE(pgwalk_record_fresh));
