/*
 * mm/buddy.c: the binary buddy page allocator, zones and per-CPU lists.
 *
 * The algorithm (Knowlton 1965; Knuth, TAOCP vol. 1, 2.5, "buddy system"):
 *
 *   1. Memory is managed in blocks of 2^order pages, order 0..10, each
 *      aligned to its own size. A zone keeps one free list per order.
 *   2. To allocate order k, take a block from the smallest non-empty list
 *      of order j >= k. While j > k, split it in two halves of order j-1:
 *      keep the low half, put the high half on list j-1.
 *   3. The buddy of the block at pfn p of order k is at p ^ (1 << k): the
 *      other half of the order-(k+1) block they came from. Worked example:
 *      block 8, order 1 -> buddy 8 ^ 2 = 10; together they form block 8
 *      of order 2 (8 & 10 = 8).
 *   4. To free a block, while its buddy is free and of the same order,
 *      take the buddy off its list and merge (order + 1, pfn = p & buddy).
 *      Put the result on its list: at the tail if the buddy of the merged
 *      block is itself free one order up (it will probably merge soon, so
 *      keep it away from allocations), else at the head.
 *
 *   order 2 block at pfn 8, freeing pfn 10 (order 1) when 8 (order 1) is free:
 *
 *     8   9   10  11           8   9   10  11
 *   [ free  ][ freed  ]  ->  [     order 2    ]
 *
 * Invariants (buddy_check() verifies them and names the one broken):
 *   1. every block on free_area[k] has PG_buddy, order k, a pfn aligned to
 *      2^k, and lies inside its zone;
 *   2. each free block is on exactly one list;
 *   3. no free block has a free buddy of the same order (they would have
 *      merged);
 *   4. free_area[k].nr_free is the length of list k, and nr_free_pages is
 *      the sum of 2^k over all free blocks;
 *   5. every page on a pcp list has PG_pcp and pcp.count is the list's
 *      length;
 *   6. (full check) no page outside the lists claims PG_buddy or PG_pcp.
 *
 * In front of each zone's lists sits an order-0 per-CPU list (Linux's
 * pcp): single pages are pushed and popped there, and move to and from the
 * buddy lists `batch` at a time, so the common case never splits or merges.
 *
 * Zones are chosen from the gfp flags, highest allowed first, falling back
 * downwards; each must stay above its watermark (see include/mm/gfp.h).
 *
 * Locking (Linux's rules, mm/page_alloc.c):
 *
 *   zone->lock        the zone's free lists, nr_free_pages, nr_split and
 *                     nr_merge: every split and merge, every pcp refill
 *                     and bulk free. Always taken with interrupts off
 *                     (spin_lock_irqsave), because an interrupt handler
 *                     may allocate (GFP_ATOMIC) and free pages.
 *   the pcp lists     one per zone and CPU (alloc_percpu), touched only
 *                     by their own CPU and only with interrupts off
 *                     (local_irq_save): no other CPU ever touches them, no
 *                     handler on their CPU can interleave, so they need no
 *                     lock. Another CPU that wants them empty asks: an IPI
 *                     (drain_all_pages()), and each CPU drains its own.
 *   the counters      per CPU, in the pcp, updated with interrupts off.
 *
 *   Lock order: interrupts off (a pcp section), then zone->lock (the
 *   refill and the bulk free inside it). No two zone locks are held at
 *   once. Nothing waits for another CPU with a zone lock held or with
 *   interrupts off (drain_all_pages() from such a context drains this
 *   CPU only): that CPU may be spinning on the lock with interrupts off.
 *   alloc_pages() with GFP_ATOMIC and __free_pages() may be called from
 *   any context, interrupt handlers included.
 *
 * Watermarks under races: the check made before a zone is tried is a
 * snapshot (another CPU may allocate meanwhile), as Linux's; the one that
 * decides is made again under zone->lock, right before the pages leave
 * the free lists, and a pcp refill takes at most the pages above the
 * mark. So no allocation, however many CPUs race, takes a zone's buddy
 * free pages below the reserve its alloc_flags allow: the low mark for
 * GFP_KERNEL, min - min/2 - min/4 for GFP_ATOMIC (ALLOC_HIGH and
 * ALLOC_HARDER), nothing for ALLOC_NO_WATERMARKS. The pages on pcp lists
 * are not in nr_free_pages (as in Linux): they are free to their CPU only.
 */
#include <kernel/fault_inject.h>
#include <kernel/irqflags.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <lib/bitops.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include <mm/mmdebug.h>
#include "internal.h"

#define WATERMARK_SCALE_FACTOR 10 /* in 1/10000 of the zone, as Linux */

struct page *mem_map;
unsigned long max_pfn;
unsigned long min_free_kbytes;
unsigned long lowmem_reserve[MAX_NR_ZONES][MAX_NR_ZONES];
struct zone zones[MAX_NR_ZONES];

static bool buddy_is_ready;

/*
 * The order-0 fast path's view of the zones, one entry per zone modifier
 * class (none, GFP_DMA, GFP_DMA32; DMA|DMA32 is invalid and left empty):
 * the zone an allocation tries first and the free-page count it must stay
 * above there: zone_reserved_pages() for that class's alloc_flags, worked
 * out once with the watermarks (setup_fast_classes()), so the rule itself
 * lives in one place. A class whose first zone fails the check takes the
 * general path, which falls back to lower zones.
 */
static struct fast_class {
	struct zone *zone;
	unsigned long mark;
	struct per_cpu_pages __percpu *pcp; /* zone->per_cpu_pageset */
	unsigned long unused;		    /* a power-of-two stride */
} fast_class[8]; /* indexed by gfp & (__GFP_DMA | __GFP_DMA32): 0, 1, 4, 5 */

/* zone_pcp[zone_id]: the zone's per_cpu_pageset, one load from a page. */
static struct per_cpu_pages __percpu *zone_pcp[MAX_NR_ZONES];

/* mem_map[] size in bytes, for the one-compare "is this a struct page?" check. */
static unsigned long mem_map_bytes;
/* lowmem_reserve_ratio, Linux's defaults: DMA 256, DMA32 256. */
static const unsigned int lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 256, 32 };
static const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32",
						      "Normal" };

bool buddy_ready(void)
{
	return buddy_is_ready;
}

/* ---- free lists ---------------------------------------------------------- */

static inline void add_to_free_list(struct zone *z, struct page *page,
				    unsigned int order, bool tail)
{
	struct free_area *area = &z->free_area[order];

	VM_BUG_ON_PAGE(PageBuddy(page) || PagePcp(page), page);
	VM_BUG_ON_PAGE(page_to_pfn(page) & ((1UL << order) - 1), page);
	__SetPageBuddy(page);
	page->order = (u8)order;
	if (tail)
		list_add_tail(&page->lru, &area->free_list);
	else
		list_add(&page->lru, &area->free_list);
	area->nr_free++;
}

static inline void del_from_free_list(struct zone *z, struct page *page,
				      unsigned int order)
{
	/* A free block's head, of this order, in this zone (invariant 1). */
	VM_BUG_ON_PAGE(!PageBuddy(page), page);
	VM_BUG_ON_PAGE(page->order != order, page);
	VM_BUG_ON_PAGE(page_to_pfn(page) - z->zone_start_pfn >=
			       z->spanned_pages,
		       page);
	list_del(&page->lru);
	__ClearPageBuddy(page);
	z->free_area[order].nr_free--;
}

static inline bool pfn_in_zone(const struct zone *z, unsigned long pfn)
{
	return pfn - z->zone_start_pfn < z->spanned_pages;
}

/* Is the page at @pfn the head of a free block of @order in @z? */
static inline bool is_free_buddy(const struct zone *z, unsigned long pfn,
				 unsigned int order)
{
	const struct page *p;

	if (!pfn_in_zone(z, pfn))
		return false;
	p = pfn_to_page(pfn);
	return PageBuddy(p) && p->order == order;
}

/*
 * Would the block at @pfn of @order merge again soon? True when the buddy
 * of its order+1 parent is free: then putting it at the list tail keeps it
 * out of the way until its own buddy comes back (Linux: buddy_merge_likely).
 */
static bool merge_likely(const struct zone *z, unsigned long pfn,
			 unsigned int order)
{
	unsigned long parent;

	if (order >= MAX_PAGE_ORDER - 1)
		return false;
	parent = pfn & ~(1UL << order);
	return is_free_buddy(z, parent ^ (1UL << (order + 1)), order + 1);
}

/*
 * The buddy of the block at @pfn of @order (step 3): the other half of
 * the order + 1 block they came from. make BREAK=buddy_merge plants the
 * bug of the wrong buddy here, outside free_one_block(), so that the
 * planted bug outlives a rewrite of it (the buddy lab).
 */
static inline unsigned long find_buddy_pfn(unsigned long pfn,
					   unsigned int order)
{
#ifdef KVLAB_BREAK_BUDDY_MERGE
	/* A planted bug (make BREAK=buddy_merge): the tests must catch it. */
	return pfn + (1UL << order);
#else
	return pfn ^ (1UL << order);
#endif
}

/* The buddy lab: your own helpers for the functions below, if any. */
/* BEGIN LAB buddy */
/* END LAB */

/* Free a block into @z's lists, merging with free buddies (steps 3-4). */
static void free_one_block(struct zone *z, unsigned long pfn,
			   unsigned int order)
{
	/* BEGIN LAB buddy */
	unsigned long buddy_pfn;

	VM_BUG_ON_MSG(order > MAX_PAGE_ORDER, "order %u", order);
	VM_BUG_ON_MSG(pfn & ((1UL << order) - 1), "pfn %#lx order %u", pfn,
		      order);
	VM_BUG_ON_MSG(!pfn_in_zone(z, pfn), "pfn %#lx zone %s", pfn, z->name);
	/* The caller has cleared the block's state: it is not free already. */
	VM_BUG_ON_PAGE(PageBuddy(pfn_to_page(pfn)) || PagePcp(pfn_to_page(pfn)),
		       pfn_to_page(pfn));
	z->nr_free_pages += 1UL << order;
	while (order < MAX_PAGE_ORDER) {
		buddy_pfn = find_buddy_pfn(pfn, order);
		if (!is_free_buddy(z, buddy_pfn, order))
			break;
		del_from_free_list(z, pfn_to_page(buddy_pfn), order);
		pfn &= buddy_pfn;
		order++;
		z->nr_merge++;
	}
	add_to_free_list(z, pfn_to_page(pfn), order,
			 merge_likely(z, pfn, order));
	/* END LAB */
}

/* Split a block of order @high down to @low, keeping the low half (step 2). */
static void split_block(struct zone *z, struct page *page, unsigned int low,
			unsigned int high)
{
	/* BEGIN LAB buddy */
	unsigned long size = 1UL << high;

	VM_BUG_ON_MSG(low > high || high > MAX_PAGE_ORDER, "low %u high %u",
		      low, high);
	VM_BUG_ON_PAGE(page_to_pfn(page) & (size - 1), page);
	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(z, &page[size], high, false);
		z->nr_split++;
	}
	/* END LAB */
}

/* Take a block of @order from the smallest list that has one. */
static struct page *rmqueue_smallest(struct zone *z, unsigned int order)
{
	/* BEGIN LAB buddy */
	unsigned int o;
	struct page *page;

	for (o = order; o <= MAX_PAGE_ORDER; o++) {
		struct free_area *area = &z->free_area[o];

		if (list_empty(&area->free_list))
			continue;
		page = list_first_entry(&area->free_list, struct page, lru);
		del_from_free_list(z, page, o);
		split_block(z, page, order, o);
		z->nr_free_pages -= 1UL << order;
		return page;
	}
	return NULL;
	/* END LAB */
}

/* ---- per-CPU lists --------------------------------------------------------- */

/*
 * Free [pfn, pfn + nr) to the buddy lists as the largest aligned blocks
 * that fit. The final state is the one page-by-page frees would reach
 * (which blocks are free decides how they merge), at one merge walk per
 * block instead of one per page.
 */
static void free_pfn_run(struct zone *z, unsigned long pfn, unsigned long nr)
{
	unsigned long end = pfn + nr;
	unsigned int order;

	while (pfn < end) {
		order = pfn ? (unsigned int)__ffs64(pfn) : MAX_PAGE_ORDER;
		if (order > MAX_PAGE_ORDER)
			order = MAX_PAGE_ORDER;
		while ((1UL << order) > end - pfn)
			order--;
		free_one_block(z, pfn, order);
		pfn += 1UL << order;
	}
}

/*
 * Move @n pages from the pcp list's cold end back to the buddy lists.
 * Interrupts off, @z's lock held.
 * Pages freed in address order, either way, come off the tail as runs of
 * consecutive frames; each run goes back as whole blocks (free_pfn_run).
 */
static void pcp_free_bulk(struct zone *z, struct per_cpu_pages *pcp, int n)
{
	unsigned long run_start = 0, run_len = 0, pfn;
	struct list_head *pos = pcp->list.prev;
	struct page *page;

	lockdep_assert_held(&z->lock);
	if (n > pcp->count)
		n = pcp->count;
	WRITE_ONCE(pcp->count, pcp->count - n);
	/*
	 * Walk the last @n entries backwards without unlinking each one; a
	 * flushed run only rewrites the links of pages already walked past.
	 * The list is cut behind them at the end.
	 */
	for (; n > 0; n--, pos = pos->prev) {
		page = list_entry(pos, struct page, lru);
		page->flags = 0;
		pfn = page_to_pfn(page);
		if (run_len && pfn == run_start + run_len) {
			run_len++; /* ascending run */
			continue;
		}
		if (run_len && pfn + 1 == run_start) {
			run_start = pfn; /* descending run (LIFO order) */
			run_len++;
			continue;
		}
		if (run_len)
			free_pfn_run(z, run_start, run_len);
		run_start = pfn;
		run_len = 1;
	}
	pos->next = &pcp->list;
	pcp->list.prev = pos;
	if (run_len)
		free_pfn_run(z, run_start, run_len);
}

/*
 * Queue the @nr pages of a block at the tail of @pcp's list in address
 * order, linking neighbours directly (one splice instead of @nr list_adds).
 */
static void pcp_append_block(struct per_cpu_pages *pcp, struct page *block,
			     unsigned long nr)
{
	struct list_head *tail = pcp->list.prev;
	unsigned long i;

	for (i = 0; i < nr; i++) {
		block[i].flags = 1UL << PG_pcp;
		block[i].lru.next = &block[i + 1].lru;
		/* Not &block[i - 1] at i = 0: that would point before mem_map[]. */
		block[i].lru.prev = i ? &block[i - 1].lru : tail;
	}
	tail->next = &block[0].lru;
	block[nr - 1].lru.next = &pcp->list;
	pcp->list.prev = &block[nr - 1].lru;
}

/*
 * Refill an empty pcp list with up to `batch` pages, at most @limit,
 * taken as whole blocks (largest first) and queued page by page in
 * address order, so the lowest frames are handed out first. Interrupts
 * off, @z's lock held. Return: false if the zone had none.
 */
static bool pcp_refill(struct zone *z, struct per_cpu_pages *pcp,
		       unsigned long limit)
{
	unsigned long need = MIN((unsigned long)pcp->batch, limit);
	unsigned int order = need ? (unsigned int)ilog2(need) : 0;
	struct page *block;

	lockdep_assert_held(&z->lock);
	while (need) {
		while ((1UL << order) > need)
			order--;
		block = rmqueue_smallest(z, order);
		if (!block) {
			if (!order)
				break;
			order--; /* no block this big: try smaller ones */
			continue;
		}
		pcp_append_block(pcp, block, 1UL << order);
		WRITE_ONCE(pcp->count, pcp->count + (1 << order));
		need -= 1UL << order;
	}
	return pcp->count != 0;
}

/*
 * pcp_pop - take the hot end's page off a non-empty pcp list. Its flags
 * still say PG_pcp: the caller rewrites them for what it hands out.
 */
static inline struct page *pcp_pop(struct per_cpu_pages *pcp, int count)
{
	struct page *page = list_first_entry(&pcp->list, struct page, lru);

	VM_BUG_ON_PAGE(!PagePcp(page), page);
#if KVLAB_DEBUG_VM
	list_del(
		&page->lru); /* poisoned: a stray use of the old links faults */
#else
	__list_del(page->lru.prev, page->lru.next); /* the new owner's now */
#endif
	WRITE_ONCE(pcp->count, count - 1);
	return page;
}

/*
 * pcp_push - put an order-0 page of @z that passed the free checks at the
 * hot end of this CPU's pcp list (@pcp, interrupts off); when the list
 * reaches `high`, `batch` pages from its cold end go back to the buddy
 * lists, under the zone lock.
 */
static __noinline void pcp_free_high(struct zone *z, struct per_cpu_pages *pcp)
{
	spin_lock(&z->lock);
	pcp_free_bulk(z, pcp, pcp->batch);
	spin_unlock(&z->lock);
}

static inline void pcp_push(struct per_cpu_pages *pcp, struct page *page)
{
	int count = pcp->count + 1;

	VM_BUG_ON_PAGE(PageBuddy(page) || PagePcp(page), page);
	page->flags = 1UL << PG_pcp;
	list_add(&page->lru, &pcp->list);
	WRITE_ONCE(pcp->count, count);
	if (unlikely(count >= pcp->high))
		pcp_free_high(page_zone(page), pcp);
}

void drain_local_pages(struct zone *zone)
{
	unsigned long flags;
	unsigned int i;

	local_irq_save(flags);
	for (i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &zones[i];
		struct per_cpu_pages *pcp;

		if ((zone && z != zone) || !z->per_cpu_pageset)
			continue;
		pcp = this_cpu_ptr(z->per_cpu_pageset);
		if (!pcp->count)
			continue;
		spin_lock(&z->lock);
		pcp_free_bulk(z, pcp, pcp->count);
		spin_unlock(&z->lock);
	}
	local_irq_restore(flags);
}

static void drain_local_pages_ipi(void *info)
{
	drain_local_pages(info);
}

void drain_all_pages(void)
{
	/*
	 * An IPI cannot be waited for with interrupts off or from a handler
	 * (the target may be spinning on a lock this CPU holds, or waiting
	 * for this CPU in turn): then only this CPU's lists are drained.
	 */
	if (num_online_cpus() == 1 || irqs_disabled() || in_interrupt()) {
		drain_local_pages(NULL);
		return;
	}
	on_each_cpu(drain_local_pages_ipi, NULL, true);
}

unsigned long zone_free_pages(const struct zone *z)
{
	unsigned long n = READ_ONCE(z->nr_free_pages);
	unsigned int cpu;

	if (z->per_cpu_pageset)
		for_each_possible_cpu(cpu) n += (unsigned long)READ_ONCE(
			per_cpu_ptr(z->per_cpu_pageset, cpu)->count);
	return n;
}

struct zone_counters zone_stat(const struct zone *z)
{
	struct zone_counters out;
	unsigned int cpu, o;

	memset(&out, 0, sizeof(out));
	out.nr_split = z->nr_split;
	out.nr_merge = z->nr_merge;
	if (!z->per_cpu_pageset)
		return out;
	for_each_possible_cpu(cpu)
	{
		const struct per_cpu_pages *pcp =
			per_cpu_ptr(z->per_cpu_pageset, cpu);

		for (o = 0; o < NR_PAGE_ORDERS; o++) {
			out.nr_alloc[o] += pcp->nr_alloc[o];
			out.nr_free[o] += pcp->nr_free[o];
		}
		out.nr_fail += pcp->nr_fail;
	}
	return out;
}

unsigned long nr_free_pages(void)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		n += zone_free_pages(&zones[i]);
	return n;
}

unsigned long totalram_pages(void)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		n += zones[i].managed_pages;
	return n;
}

/* ---- watermarks -------------------------------------------------------- */

/*
 * The watermark rule, stated once: the free pages @z keeps back from an
 * allocation with @alloc_flags that could have used zones up to
 * @highest_zoneidx: @mark, less half for ALLOC_HIGH and a further quarter
 * for ALLOC_HARDER, plus the lowmem reserve. The allocation may go ahead
 * while more than this many pages stay free. (The order-0 fast path's
 * thresholds are this function's values, computed with the watermarks.)
 */
static long zone_reserved_pages(const struct zone *z, unsigned long mark,
				enum zone_type highest_zoneidx,
				unsigned int alloc_flags)
{
	long min = (long)mark;

	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (alloc_flags & ALLOC_HARDER)
		min -= min / 4;
	return min + (long)lowmem_reserve[z - zones][highest_zoneidx];
}

bool zone_watermark_ok(const struct zone *z, unsigned int order,
		       unsigned long mark, enum zone_type highest_zoneidx,
		       unsigned int alloc_flags)
{
	long free = (long)z->nr_free_pages - ((1L << order) - 1);
	unsigned int o;

	if (alloc_flags & ALLOC_NO_WATERMARKS)
		return z->nr_free_pages >= (1UL << order);
	if (free <= zone_reserved_pages(z, mark, highest_zoneidx, alloc_flags))
		return false;
	if (order == 0)
		return true;
	/* Enough pages in total; is one of them in a big enough block? */
	for (o = order; o <= MAX_PAGE_ORDER; o++)
		if (z->free_area[o].nr_free)
			return true;
	return false;
}

/*
 * The snapshots: a zone's free pages read without its lock, for the
 * checks that only decide whether a zone is worth trying (Linux's
 * zone_watermark_fast()); the check that decides is made again under the
 * lock. Racing writers are expected here: ThreadSanitizer is told so
 * (tests/host/tsan.supp names these two functions).
 */
static inline unsigned long free_pages_snapshot(const struct zone *z)
{
	return READ_ONCE(z->nr_free_pages);
}

static bool zone_watermark_fast(const struct zone *z, unsigned int order,
				unsigned long mark,
				enum zone_type highest_zoneidx,
				unsigned int alloc_flags)
{
	return zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags);
}

static unsigned int gfp_to_alloc_flags(gfp_t gfp)
{
	unsigned int flags = ALLOC_WMARK_LOW;

	if (gfp & __GFP_HIGH)
		flags = ALLOC_WMARK_MIN | ALLOC_HIGH;
	/* Not for __GFP_NOMEMALLOC: it asks to stay out of the reserves. */
	if ((gfp & __GFP_ATOMIC) && !(gfp & __GFP_NOMEMALLOC))
		flags |= ALLOC_HARDER;
	if ((gfp & __GFP_MEMALLOC) && !(gfp & __GFP_NOMEMALLOC))
		flags |= ALLOC_NO_WATERMARKS;
	return flags;
}

static enum zone_type gfp_zone(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return ZONE_DMA;
	if (gfp & __GFP_DMA32)
		return ZONE_DMA32;
	return ZONE_NORMAL;
}

/* ---- allocation ------------------------------------------------------- */

/*
 * Take a block of @order from @z for an allocation with @alloc_flags that
 * could have used zones up to @highest. The watermark is checked again
 * under the zone lock, where it is exact; a pcp refill takes at most the
 * pages above the mark. Order 0 comes from this CPU's pcp list.
 */
static struct page *rmqueue(struct zone *z, unsigned int order,
			    unsigned int alloc_flags, enum zone_type highest)
{
	unsigned long mark = z->_watermark[alloc_flags & ALLOC_WMARK_MASK];
	bool no_wmark = alloc_flags & ALLOC_NO_WATERMARKS;
	struct per_cpu_pages *pcp;
	struct page *page = NULL;
	unsigned long flags;
	long reserved;

	local_irq_save(flags);
	pcp = this_cpu_ptr(z->per_cpu_pageset);
	if (likely(order == 0) && likely(pcp->count))
		goto pop;
	spin_lock(&z->lock);
	reserved = no_wmark
			   ? 0
			   : zone_reserved_pages(z, mark, highest, alloc_flags);
	if (zone_watermark_ok(z, order, mark, highest, alloc_flags)) {
		if (order == 0)
			pcp_refill(z, pcp,
				   (unsigned long)((long)z->nr_free_pages -
						   reserved));
		else
			page = rmqueue_smallest(z, order);
	}
	/* The reserve holds, whatever the other CPUs took meanwhile. */
	VM_BUG_ON_MSG((long)z->nr_free_pages < reserved,
		      "zone %s: %lu free pages, below the %ld kept back",
		      z->name, z->nr_free_pages, reserved);
	spin_unlock(&z->lock);
pop:
	if (order == 0 && likely(pcp->count)) {
		page = pcp_pop(pcp, pcp->count);
		__ClearPagePcp(page);
	}
	if (page)
		pcp->nr_alloc[order]++;
	local_irq_restore(flags);
	return page;
}

/* Try the zones @gfp allows, highest first. */
static struct page *get_page_from_freelist(gfp_t gfp, unsigned int order,
					   unsigned int alloc_flags)
{
	enum zone_type highest = gfp_zone(gfp);
	int i;

	for (i = (int)highest; i >= 0; i--) {
		struct zone *z = &zones[i];
		struct page *page;

		if (!z->managed_pages)
			continue;
		if (!zone_watermark_fast(
			    z, order,
			    z->_watermark[alloc_flags & ALLOC_WMARK_MASK],
			    highest, alloc_flags))
			continue;
		page = rmqueue(z, order, alloc_flags, highest);
		if (page)
			return page;
	}
	return NULL;
}

static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp,
			  unsigned long caller)
{
	page->flags = (page->flags & (1UL << PG_reserved)) |
		      (1UL << PG_allocated);
	page->order = (u8)order;
	page->alloc_ip = caller;
	if (gfp & __GFP_COMP && order) {
		unsigned long i;

		__SetPageHead(page);
		for (i = 1; i < (1UL << order); i++)
			page[i].compound_head = (unsigned long)page + 1;
	}
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
}

static void warn_alloc(gfp_t gfp, unsigned int order, unsigned long caller)
{
	unsigned int i;

	if (gfp & __GFP_NOWARN)
		return;
	pr_warn("page allocation failure: order:%u, mode:%#x, caller %pS\n",
		order, gfp, (void *)caller);
	for (i = 0; i < MAX_NR_ZONES; i++)
		if (zones[i].managed_pages)
			pr_warn("  %s: free:%lu min:%lu low:%lu high:%lu\n",
				zones[i].name, zone_free_pages(&zones[i]),
				min_wmark_pages(&zones[i]),
				low_wmark_pages(&zones[i]),
				high_wmark_pages(&zones[i]));
}

static struct page *alloc_pages_slow(gfp_t gfp, unsigned int order,
				     unsigned int alloc_flags,
				     unsigned long caller)
{
	struct page *page = NULL;

	/*
	 * kvlab cannot reclaim; the one thing it can do before giving up is
	 * return the per-CPU pages to the buddy lists so they can merge into
	 * a bigger block. __GFP_NORETRY skips even that.
	 */
	if (!(gfp & __GFP_NORETRY)) {
		drain_all_pages();
		page = get_page_from_freelist(gfp, order, alloc_flags);
	}
	if (!page && (gfp & __GFP_NOFAIL)) {
		report_begin("BUG: __GFP_NOFAIL allocation of order %u failed: "
			     "out of memory",
			     order);
		printk(KERN_ERR "kvlab cannot reclaim memory, so it returns "
				"NULL rather than hang (mode %#x)\n",
		       gfp);
		report_end();
	}
	if (!page)
		warn_alloc(gfp, order, caller);
	return page;
}

/* Linux's should_fail_alloc_page(): __GFP_NOFAIL requests never fail. */
static bool should_fail_alloc_page(gfp_t gfp, unsigned int order)
{
	if (gfp & __GFP_NOFAIL)
		return false;
	if (fail_page_alloc.ignore_gfp_reclaim && (gfp & __GFP_DIRECT_RECLAIM))
		return false;
	return should_fail(&fail_page_alloc, PAGE_SIZE << order);
}

/* Flags the order-0 fast path handles; anything else takes the general path. */
#define FAST_GFP_OK                                                        \
	(__GFP_DMA | __GFP_DMA32 | __GFP_MOVABLE | __GFP_RECLAIMABLE |     \
	 __GFP_IO | __GFP_FS | __GFP_ZERO | __GFP_RECLAIM | __GFP_WRITE |  \
	 __GFP_NOWARN | __GFP_RETRY_MAYFAIL | __GFP_NORETRY | __GFP_COMP | \
	 __GFP_HARDWALL | __GFP_ACCOUNT)

/*
 * One page from the first zone's pcp list, or NULL to take the general
 * path (which also refills the list). Same checks as the general path for
 * a GFP_KERNEL-style request: low watermark plus reserve, nothing unusual
 * pending (atomic context with a sleeping request, fault injection).
 */
static inline struct page *alloc_order0_fast(gfp_t gfp)
{
	const struct fast_class *fc =
		&fast_class[gfp & (__GFP_DMA | __GFP_DMA32)];
	struct per_cpu_pages *pcp;
	unsigned long flags;
	struct page *page;
	int count;

	if (unlikely(!fc->zone || free_pages_snapshot(fc->zone) <= fc->mark))
		return NULL;
	if (unlikely(preempt_count | fail_page_alloc.enabled))
		return NULL;
	local_irq_save(flags);
	pcp = this_cpu_ptr(fc->pcp);
	count = pcp->count;
	if (unlikely(!count)) {
		local_irq_restore(flags);
		return NULL;
	}
	page = pcp_pop(pcp, count);
	pcp->nr_alloc[0]++;
	local_irq_restore(flags);
	page->flags = 1UL << PG_allocated; /* PG_pcp off, nothing else on */
	page->order = 0;
	return page;
}

static struct page *__alloc_pages(gfp_t gfp, unsigned int order,
				  unsigned long caller);

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct page *page;

	if (likely(order == 0 && !(gfp & ~FAST_GFP_OK))) {
		page = alloc_order0_fast(gfp);
		if (likely(page)) {
			page->alloc_ip = _RET_IP_;
			if (gfp & __GFP_ZERO)
				memset(page_address(page), 0, PAGE_SIZE);
			return page;
		}
	}
	return __alloc_pages(gfp, order, _RET_IP_);
}

/* The general path: any order, any flags, zone fallback, reports. */
static __noinline struct page *__alloc_pages(gfp_t gfp, unsigned int order,
					     unsigned long caller)
{
	unsigned int alloc_flags;
	struct page *page;

	if (unlikely(order > MAX_PAGE_ORDER)) {
		WARN(!(gfp & __GFP_NOWARN),
		     "alloc_pages: order %u > MAX_PAGE_ORDER %d", order,
		     MAX_PAGE_ORDER);
		return NULL;
	}
	if (unlikely(gfp & ~__GFP_BITS_MASK ||
		     (gfp & __GFP_DMA && gfp & __GFP_DMA32))) {
		WARN(1, "alloc_pages: invalid gfp flags %#x", gfp);
		gfp &= __GFP_BITS_MASK & ~__GFP_DMA32;
	}
	if (gfpflags_allow_blocking(gfp) && unlikely(in_atomic()))
		__might_sleep("alloc_pages", caller);
	if (unlikely(fail_page_alloc.enabled) &&
	    should_fail_alloc_page(gfp, order))
		return NULL;
	alloc_flags = gfp_to_alloc_flags(gfp);
	page = get_page_from_freelist(gfp, order, alloc_flags);
	if (unlikely(!page)) {
		page = alloc_pages_slow(gfp, order, alloc_flags, caller);
		if (!page) {
			unsigned long flags;

			local_irq_save(flags);
			this_cpu_ptr(zones[gfp_zone(gfp)].per_cpu_pageset)
				->nr_fail++;
			local_irq_restore(flags);
			return NULL;
		}
	}
	prep_new_page(page, order, gfp, caller);
	return page;
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp & ~__GFP_HIGHMEM, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

/* ---- freeing and its misuse checks ------------------------------------- */

/*
 * Explain why @page cannot be freed as a block of @order: it is not the
 * head of an allocated block. Look for the block containing it, which only
 * costs time on this error path.
 */
static void report_bad_free(struct page *page, unsigned int order,
			    unsigned long caller)
{
	unsigned long pfn = page_to_pfn(page), head_pfn;
	const char *what = "it was never allocated";
	unsigned int o;

	if (PageBuddy(page) || PagePcp(page)) {
		what = "it is already free (double free)";
	} else if (PageReserved(page)) {
		what = "it is reserved (not managed by the buddy allocator)";
	} else if (PageTail(page)) {
		what = "it is a tail page of a compound block";
	} else {
		for (o = 1; o <= MAX_PAGE_ORDER; o++) {
			struct page *head;

			head_pfn = pfn & ~((1UL << o) - 1);
			head = pfn_to_page(head_pfn);
			if (PageAllocated(head) && head->order >= o) {
				what = "it is a tail page of an allocated "
				       "block";
				break;
			}
			if (PageBuddy(head) && head->order >= o) {
				what = "it lies inside a free block (double "
				       "free)";
				break;
			}
		}
	}
	report_begin("BUG: Bad page state: freeing pfn %#lx (order %u): %s",
		     pfn, order, what);
	printk(KERN_ERR "page:%p pfn:%#lx flags:%#lx order:%u caller:%pS\n",
	       (void *)page, pfn, page->flags, page->order, (void *)caller);
	report_end();
}

/* Is @page a struct page of mem_map[] at all? */
static inline bool page_in_mem_map(const struct page *page)
{
	unsigned long off = (unsigned long)page - (unsigned long)mem_map;

	return off < mem_map_bytes && off % sizeof(struct page) == 0;
}

/* Check a free; false (after a report) if it must be refused. */
static bool free_pages_check(struct page *page, unsigned int order,
			     unsigned long caller)
{
	if (unlikely(!page_in_mem_map(page))) {
		report_begin("BUG: Bad page: __free_pages(%p, %u): not a "
			     "struct page of RAM",
			     (void *)page, order);
		printk(KERN_ERR "mem_map is %p-%p, caller:%pS\n",
		       (void *)mem_map, (void *)(mem_map + max_pfn),
		       (void *)caller);
		report_end();
		return false;
	}
	if (unlikely(order > MAX_PAGE_ORDER)) {
		report_begin("BUG: Bad page: freeing pfn %#lx with order %u > "
			     "MAX_PAGE_ORDER %d",
			     page_to_pfn(page), order, MAX_PAGE_ORDER);
		printk(KERN_ERR "caller:%pS\n", (void *)caller);
		report_end();
		return false;
	}
	if (unlikely(!PageAllocated(page))) {
		report_bad_free(page, order, caller);
		return false;
	}
	if (unlikely(page->order != order)) {
		report_begin("BUG: Bad page state: freeing pfn %#lx with order "
			     "%u, allocated with order %u",
			     page_to_pfn(page), order, page->order);
		printk(KERN_ERR "allocated by %pS, freed by %pS\n",
		       (void *)page->alloc_ip, (void *)caller);
		report_end();
		return false;
	}
	if (unlikely(PageSlab(page))) {
		report_begin("BUG: Bad page state: freeing pfn %#lx while it "
			     "is a slab",
			     page_to_pfn(page));
		printk(KERN_ERR "slab pages go back through "
				"kmem_cache_shrink(), caller:%pS\n",
		       (void *)caller);
		report_end();
		return false;
	}
	return true;
}

static void free_prepare(struct page *page, unsigned int order)
{
	if (PageHead(page)) {
		unsigned long i;

		for (i = 1; i < (1UL << order); i++)
			page[i].compound_head = 0;
	}
	page->flags &= 1UL << PG_reserved;
}

static void __free_pages_caller(struct page *page, unsigned int order,
				unsigned long caller)
{
	struct zone *z;
	struct per_cpu_pages *pcp;
	unsigned long flags;

	if (unlikely(!free_pages_check(page, order, caller)))
		return;

	free_prepare(page, order);
	z = page_zone(page);
	local_irq_save(flags);
	pcp = this_cpu_ptr(z->per_cpu_pageset);
	pcp->nr_free[order]++;
	if (likely(order == 0)) {
		pcp_push(pcp, page);
	} else {
		spin_lock(&z->lock);
		free_one_block(z, page_to_pfn(page), order);
		spin_unlock(&z->lock);
	}
	local_irq_restore(flags);
}

/* What an order-0 page being freed on the fast path may have set. */
#define FREE_FAST_CHECK                                                \
	((1UL << PG_allocated) | (1UL << PG_buddy) | (1UL << PG_pcp) | \
	 (1UL << PG_slab) | (1UL << PG_reserved) | (1UL << PG_head))

void __free_pages(struct page *page, unsigned int order)
{
	struct per_cpu_pages *pcp;
	unsigned long flags;

	/*
	 * Fast path: a plain allocated order-0 page goes onto its zone's pcp
	 * list. Anything else, misuse included, takes the checked path.
	 */
	if (likely(order == 0 && page_in_mem_map(page) &&
		   (page->flags & FREE_FAST_CHECK) == (1UL << PG_allocated) &&
		   page->order == 0)) {
		local_irq_save(flags);
		pcp = this_cpu_ptr(zone_pcp[page->zone_id]);
		pcp->nr_free[0]++;
		pcp_push(pcp, page);
		local_irq_restore(flags);
		return;
	}
	__free_pages_caller(page, order, _RET_IP_);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (!addr)
		return;
	if (unlikely(addr & ~PAGE_MASK || !is_direct_map_addr((void *)addr))) {
		report_begin("BUG: free_pages(%#lx, %u): not a page-aligned "
			     "direct-map address",
			     addr, order);
		printk(KERN_ERR "caller:%pS\n", (void *)_RET_IP_);
		report_end();
		return;
	}
	__free_pages_caller(virt_to_page((void *)addr), order, _RET_IP_);
}

/*
 * buddy_free_bytes - how much of [start, end) is free (on a free list or a
 * pcp list). Walks the frames, jumping over whole free blocks; a range that
 * starts inside a free block finds its head first.
 */
u64 buddy_free_bytes(phys_addr_t start, phys_addr_t end)
{
	unsigned long pfn = PFN_UP(start), last = MIN(PFN_DOWN(end), max_pfn);
	unsigned long head, free = 0;
	unsigned int o;

	for (o = 1; o <= MAX_PAGE_ORDER && pfn < last; o++) {
		head = pfn & ~((1UL << o) - 1);
		if (PageBuddy(pfn_to_page(head)) &&
		    pfn_to_page(head)->order >= o) {
			free += MIN(head + (1UL << pfn_to_page(head)->order),
				    last) -
				pfn;
			pfn = head + (1UL << pfn_to_page(head)->order);
			break;
		}
	}
	while (pfn < last) {
		const struct page *p = pfn_to_page(pfn);

		if (PageBuddy(p)) {
			free += MIN(1UL << p->order, last - pfn);
			pfn += 1UL << p->order;
			continue;
		}
		free += PagePcp(p);
		pfn++;
	}
	return (u64)free << PAGE_SHIFT;
}

/*
 * Linux's __fragmentation_index(): how much a failure to allocate @order
 * would be due to fragmentation rather than lack of memory.
 */
int fragmentation_index(const struct zone *z, unsigned int order)
{
	unsigned long blocks = 0, free_pages = 0, suitable = 0;
	unsigned int o;

	if (order > MAX_PAGE_ORDER)
		return 0;
	for (o = 0; o <= MAX_PAGE_ORDER; o++) {
		unsigned long n = z->free_area[o].nr_free;

		blocks += n;
		free_pages += n << o;
		if (o >= order)
			suitable += n << (o - order);
	}
	if (!blocks)
		return 0;
	if (suitable)
		return -1000;
	return 1000 -
	       (int)((1000 + free_pages * 1000 / (1UL << order)) / blocks);
}

/* ---- checking -------------------------------------------------------------- */

static unsigned int violation(const struct zone *z, int inv, const char *what,
			      unsigned long pfn, unsigned long a,
			      unsigned long b)
{
	printk(KERN_ERR "buddy_check: zone %s: invariant %d violated: %s (pfn "
			"%#lx, %lu vs %lu)\n",
	       z->name, inv, what, pfn, a, b);
	return 1;
}

/* Invariants 1-4 for one order's list. */
static unsigned int check_free_list(struct zone *z, unsigned int order,
				    unsigned long *pages)
{
	/* BEGIN LAB buddy */
	struct free_area *area = &z->free_area[order];
	unsigned long n = 0, pfn;
	unsigned int bad = 0;
	struct page *page;

	list_for_each_entry (page, &area->free_list, lru) {
		pfn = page_to_pfn(page);
		if (++n > z->spanned_pages + 1)
			return bad +
			       violation(z, 2, "free list loops", pfn, n, 0);
		if (!PageBuddy(page) || page->order != order)
			bad += violation(z, 1, "block without PG_buddy/order",
					 pfn, page->order, order);
		if (pfn & ((1UL << order) - 1))
			bad += violation(z, 1, "misaligned block", pfn, order,
					 0);
		if (!pfn_in_zone(z, pfn) ||
		    !pfn_in_zone(z, pfn + (1UL << order) - 1))
			bad += violation(z, 1, "block outside its zone", pfn,
					 z->zone_start_pfn, zone_end_pfn(z));
		if (PageChecked(page))
			bad += violation(z, 2, "block on two lists", pfn, order,
					 0);
		__SetPageChecked(page);
		if (order < MAX_PAGE_ORDER &&
		    is_free_buddy(z, pfn ^ (1UL << order), order))
			bad += violation(z, 3, "free buddies not merged", pfn,
					 pfn ^ (1UL << order), order);
		*pages += 1UL << order;
	}
	if (n != area->nr_free)
		bad += violation(z, 4, "nr_free differs from the list length",
				 0, area->nr_free, n);
	list_for_each_entry (page, &area->free_list, lru)
		__ClearPageChecked(page);
	return bad;
	/* END LAB */
}

static unsigned int check_pcp(struct zone *z, struct per_cpu_pages *pcp)
{
	struct page *page;
	unsigned int bad = 0;
	int n = 0;

	list_for_each_entry (page, &pcp->list, lru) {
		if (++n > pcp->count + 1)
			return bad + violation(z, 5,
					       "pcp list longer than count", 0,
					       n, pcp->count);
		if (!PagePcp(page) || PageBuddy(page))
			bad += violation(z, 5, "pcp page without PG_pcp",
					 page_to_pfn(page), page->flags, 0);
	}
	if (n != pcp->count)
		bad += violation(z, 5, "pcp count differs from the list length",
				 0, pcp->count, n);
	return bad;
}

/* Invariant 6: every PG_buddy/PG_pcp page is on a list. */
static unsigned int check_all_pages(struct zone *z)
{
	unsigned long pfn, end = zone_end_pfn(z), blocks = 0, pcp = 0;
	unsigned int bad = 0, o;

	for (pfn = z->zone_start_pfn; pfn < end; pfn++) {
		const struct page *p = pfn_to_page(pfn);

		blocks += PageBuddy(p);
		pcp += PagePcp(p);
	}
	for (o = 0; o <= MAX_PAGE_ORDER; o++)
		blocks -= z->free_area[o].nr_free;
	if (blocks)
		bad += violation(z, 6, "PG_buddy pages not on any list", 0,
				 blocks, 0);
	if (pcp != zone_free_pages(z) - z->nr_free_pages)
		bad += violation(z, 6, "PG_pcp pages not on the pcp lists", 0,
				 pcp, zone_free_pages(z) - z->nr_free_pages);
	return bad;
}

struct pcp_check {
	struct zone *z;
	unsigned int bad;
};

/* On the pcp list's own CPU, interrupts off: the list holds still. */
static void check_pcp_here(void *info)
{
	struct pcp_check *c = info;

	c->bad += check_pcp(c->z, this_cpu_ptr(c->z->per_cpu_pageset));
}

/*
 * Each CPU checks its own pcp list (an IPI), when this CPU may wait for
 * one; with interrupts off or from a handler, only this CPU's list. The
 * free lists are checked under the zone lock, taken after the IPIs (a
 * CPU spinning on it with interrupts off would never answer). The full
 * scan's PG_pcp count is exact only while no other CPU allocates.
 */
unsigned int zone_check(struct zone *z, bool full)
{
	struct pcp_check c = { z, 0 };
	unsigned long pages = 0, flags;
	unsigned int bad = 0, o, cpu;

	if (z->per_cpu_pageset) {
		if (irqs_disabled() || in_interrupt())
			check_pcp_here(&c);
		else
			for_each_online_cpu(cpu) smp_call_function_single(
				cpu, check_pcp_here, &c, true);
		bad += c.bad;
	}
	spin_lock_irqsave(&z->lock, flags);
	for (o = 0; o <= MAX_PAGE_ORDER; o++)
		bad += check_free_list(z, o, &pages);
	if (pages != z->nr_free_pages)
		bad += violation(z, 4, "nr_free_pages differs from the lists",
				 0, z->nr_free_pages, pages);
	if (full)
		bad += check_all_pages(z);
	spin_unlock_irqrestore(&z->lock, flags);
	return bad;
}

unsigned int buddy_check(bool full)
{
	unsigned int i, bad = 0;

	for (i = 0; i < MAX_NR_ZONES; i++)
		if (zones[i].spanned_pages)
			bad += zone_check(&zones[i], full);
	return bad;
}

/* ---- private zones (tests) ------------------------------------------------ */

static void zone_init_lists(struct zone *z)
{
	unsigned int o;

	for (o = 0; o <= MAX_PAGE_ORDER; o++) {
		INIT_LIST_HEAD(&z->free_area[o].free_list);
		z->free_area[o].nr_free = 0;
	}
}

void zone_init_private(struct zone *z, const char *name,
		       unsigned long start_pfn, unsigned long nr_pages)
{
	memset(z, 0, sizeof(*z));
	z->name = name;
	z->zone_start_pfn = start_pfn;
	z->spanned_pages = nr_pages;
	z->present_pages = nr_pages;
	spin_lock_init(&z->lock);
	zone_init_lists(z);
}

/* The largest order a block at @pfn may have without passing @end. */
static unsigned int max_block_order(unsigned long pfn, unsigned long end)
{
	unsigned int order = pfn ? (unsigned int)__ffs64(pfn) : MAX_PAGE_ORDER;

	if (order > MAX_PAGE_ORDER)
		order = MAX_PAGE_ORDER;
	while ((1UL << order) > end - pfn)
		order--;
	return order;
}

void zone_free_range(struct zone *z, unsigned long start_pfn,
		     unsigned long end_pfn)
{
	unsigned long pfn = start_pfn, flags;
	unsigned int order;

	spin_lock_irqsave(&z->lock, flags);
	while (pfn < end_pfn) {
		order = max_block_order(pfn, end_pfn);
		free_prepare(pfn_to_page(pfn), order);
		pfn_to_page(pfn)->flags = 0;
		free_one_block(z, pfn, order);
		z->managed_pages += 1UL << order;
		pfn += 1UL << order;
	}
	spin_unlock_irqrestore(&z->lock, flags);
}

struct page *zone_alloc(struct zone *z, unsigned int order)
{
	unsigned long flags;
	struct page *page;

	if (order > MAX_PAGE_ORDER)
		return NULL;
	spin_lock_irqsave(&z->lock, flags);
	page = rmqueue_smallest(z, order);
	spin_unlock_irqrestore(&z->lock, flags);
	if (page)
		prep_new_page(page, order, 0, _RET_IP_);
	return page;
}

void zone_free(struct zone *z, struct page *page, unsigned int order)
{
	unsigned long flags;

	if (!free_pages_check(page, order, _RET_IP_))
		return;
	if (!pfn_in_zone(z, page_to_pfn(page))) {
		report_begin("BUG: zone_free: pfn %#lx is not in zone %s",
			     page_to_pfn(page), z->name);
		report_end();
		return;
	}
	free_prepare(page, order);
	spin_lock_irqsave(&z->lock, flags);
	free_one_block(z, page_to_pfn(page), order);
	spin_unlock_irqrestore(&z->lock, flags);
}

unsigned long zone_take_range(struct zone *z)
{
	unsigned long taken = 0, flags;
	unsigned int o;
	struct page *page;

	spin_lock_irqsave(&z->lock, flags);
	for (o = 0; o <= MAX_PAGE_ORDER; o++) {
		while (!list_empty(&z->free_area[o].free_list)) {
			page = list_first_entry(&z->free_area[o].free_list,
						struct page, lru);
			del_from_free_list(z, page, o);
			z->nr_free_pages -= 1UL << o;
			z->managed_pages -= 1UL << o;
			prep_new_page(page, o, 0, _RET_IP_);
			taken += 1UL << o;
		}
	}
	spin_unlock_irqrestore(&z->lock, flags);
	return taken;
}

/* ---- boot ------------------------------------------------------------------- */

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, bit = 1UL << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/* Zone spans by address; present pages from memblock. */
static void zones_init(void)
{
	static const unsigned long ends[MAX_NR_ZONES] = {
		PFN_DOWN(ZONE_DMA_END),
		PFN_DOWN(ZONE_DMA32_END),
		~0UL,
	};
	unsigned long start = 0, end, i, pfn;
	unsigned int z;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &zones[z];

		end = MIN(ends[z], max_pfn);
		zone->name = zone_names[z];
		spin_lock_init(&zone->lock);
		zone->per_cpu_pageset = alloc_percpu(struct per_cpu_pages);
		zone_pcp[z] = zone->per_cpu_pageset;
		BUG_ON_MSG(!zone->per_cpu_pageset,
			   "no per-CPU memory for zone %s's pcp lists",
			   zone->name);
		zone->zone_start_pfn = start;
		zone->spanned_pages = end > start ? end - start : 0;
		zone_init_lists(zone);
		for (i = 0; i < memblock.memory.cnt; i++) {
			unsigned long rs =
				PFN_DOWN(memblock.memory.regions[i].base);
			unsigned long re =
				rs + PFN_DOWN(memblock.memory.regions[i].size);

			rs = MAX(rs, start);
			re = MIN(re, end);
			if (re > rs)
				zone->present_pages += re - rs;
		}
		for (pfn = start; pfn < end; pfn++)
			mem_map[pfn].zone_id = (u8)z;
		start = MAX(start, end);
	}
}

/* Hand every page memblock did not reserve to its zone (memblock_free_all). */
static void memblock_free_all(void)
{
	phys_addr_t start, end;
	unsigned long s, e, pfn;
	u64 idx = 0;

	while (memblock_next_free(&idx, &start, &end)) {
		s = PFN_UP(start);
		e = PFN_DOWN(end);
		for (pfn = s; pfn < e; pfn++)
			__ClearPageReserved(pfn_to_page(pfn));
		/* Blocks must not cross a zone boundary. */
		while (s < e) {
			struct zone *z = &zones[mem_map[s].zone_id];
			unsigned long ze = MIN(e, zone_end_pfn(z));

			zone_free_range(z, s, ze);
			s = ze;
		}
	}
}

/*
 * Linux's init_per_zone_wmark_min() and __setup_per_zone_wmarks():
 * min_free_kbytes = sqrt(lowmem_kbytes * 16), clamped to [128, 262144];
 * each zone's min is its share by size; low and high are min plus one and
 * two times max(min / 4, managed * 10 / 10000).
 */
static void setup_watermarks(void)
{
	unsigned long managed = 0, pages_min, tmp;
	unsigned int i, j;

	for (i = 0; i < MAX_NR_ZONES; i++)
		managed += zones[i].managed_pages;
	min_free_kbytes = int_sqrt(managed * (PAGE_SIZE >> 10) * 16);
	min_free_kbytes = MAX(min_free_kbytes, 128UL);
	min_free_kbytes = MIN(min_free_kbytes, 262144UL);
	pages_min = min_free_kbytes >> (PAGE_SHIFT - 10);
	for (i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &zones[i];

		tmp = managed ? pages_min * z->managed_pages / managed : 0;
		z->_watermark[WMARK_MIN] = tmp;
		tmp = MAX(tmp / 4,
			  z->managed_pages * WATERMARK_SCALE_FACTOR / 10000);
		z->_watermark[WMARK_LOW] = z->_watermark[WMARK_MIN] + tmp;
		z->_watermark[WMARK_HIGH] = z->_watermark[WMARK_MIN] + 2 * tmp;
	}
	/* lowmem_reserve[j][i]: zone j keeps back from allocations that could use zone i. */
	for (j = 0; j < MAX_NR_ZONES; j++) {
		unsigned long above = 0;

		for (i = j + 1; i < MAX_NR_ZONES; i++) {
			above += zones[i].managed_pages;
			lowmem_reserve[j][i] = above / lowmem_reserve_ratio[j];
		}
	}
}

/*
 * Linux 6.1's zone_batchsize() and zone_highsize(): batch is about 0.1%
 * of the zone, at most 1 MiB, clamped to 2^n - 1 pages; high is the low
 * watermark shared among the CPUs, at least 4 batches.
 */
static void setup_pcp(struct zone *z)
{
	long batch = (long)MIN(z->managed_pages >> 10, (1UL << 20) / PAGE_SIZE);
	unsigned int cpu;
	long high;

	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch = (long)(1UL << ilog2((u64)(batch + batch / 2))) - 1;
	if (batch < 1)
		batch = 1;
	high = (long)low_wmark_pages(z) / (long)percpu_nr_areas();
	high = MAX(high, batch * 4);
	for_each_possible_cpu(cpu)
	{
		struct per_cpu_pages *pcp =
			per_cpu_ptr(z->per_cpu_pageset, cpu);

		INIT_LIST_HEAD(&pcp->list);
		pcp->batch = (int)batch;
		pcp->high = (int)high;
		pcp->count = 0;
	}
}

/* The order-0 fast path's first zone and threshold per zone class. */
static void setup_fast_classes(void)
{
	static const gfp_t classes[3] = { 0, __GFP_DMA, __GFP_DMA32 };
	unsigned int c;
	int i;

	/*
	 * The fast path takes only FAST_GFP_OK flags, none of which moves the
	 * watermark: every request it serves has its class's alloc_flags.
	 */
	VM_BUG_ON(gfp_to_alloc_flags(FAST_GFP_OK) != gfp_to_alloc_flags(0));
	/* Unlisted entries, GFP_DMA | GFP_DMA32 included, stay NULL: general path. */
	memset(fast_class, 0, sizeof(fast_class));
	for (c = 0; c < ARRAY_SIZE(classes); c++) {
		enum zone_type highest = gfp_zone(classes[c]);
		unsigned int alloc_flags = gfp_to_alloc_flags(classes[c]);
		struct fast_class *fc = &fast_class[classes[c]];

		for (i = (int)highest; i >= 0; i--) {
			struct zone *z = &zones[i];

			if (!z->managed_pages)
				continue;
			fc->zone = z;
			fc->pcp = z->per_cpu_pageset;
			fc->mark = (unsigned long)zone_reserved_pages(
				z,
				z->_watermark[alloc_flags & ALLOC_WMARK_MASK],
				highest, alloc_flags);
			break;
		}
	}
}

void buddy_setup(void)
{
	unsigned long pfn;
	unsigned int i;

	max_pfn = PFN_DOWN(memblock_end_of_DRAM());
	mem_map = memblock_alloc(max_pfn * sizeof(struct page), PAGE_SIZE);
	mem_map_bytes = max_pfn * sizeof(struct page);
	BUG_ON_MSG(!mem_map,
		   "no memory for struct pages (%lu bytes for %lu frames)",
		   mem_map_bytes, max_pfn);
	for (pfn = 0; pfn < max_pfn; pfn++)
		mem_map[pfn].flags = 1UL << PG_reserved;
	zones_init();
	memblock_free_all();
	setup_watermarks();
	for (i = 0; i < MAX_NR_ZONES; i++)
		setup_pcp(&zones[i]);
	setup_fast_classes();
	buddy_is_ready = true;
}
