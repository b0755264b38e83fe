/*
 * tests/fragment.c: fragmenting physical memory on purpose (see
 * tests/fragment.h).
 */
#include <lib/compiler.h>
#include <mm/gfp.h>
#include <mm/mmzone.h>
#include <mm/page.h>

#include "fragment.h"

/*
 * How many single pages fragment_memory() gives back: 16 MiB, plus the
 * watermarks (which grow only as the square root of RAM), so that a
 * GFP_KERNEL allocation still finds 16 MiB of them above the low
 * watermark: enough for the tests (a 4-page vmalloc, a few min-order
 * slabs) and the frag table's 4 MiB vmalloc, and the same work at any
 * RAM size, not one call per page.
 */
#define FRAG_SINGLE_PAGES 4096UL

static unsigned long singles_wanted(void)
{
	unsigned long n = FRAG_SINGLE_PAGES;
	unsigned int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		n += high_wmark_pages(&zones[i]);
	return n;
}

/* Every block @gfp can get, below the watermarks too, largest first. */
static void take_all(struct fragmented *f, gfp_t gfp, unsigned int max_order)
{
	struct page *p;
	unsigned int order;

	for (order = max_order + 1; order-- > 0;)
		while ((p = alloc_pages(gfp | __GFP_MEMALLOC | __GFP_NOWARN,
					order))) {
			list_add_tail(&p->lru, &f->held);
			f->taken += 1UL << order;
		}
}

void fragment_memory(struct fragmented *f)
{
	/* every zone */
	static const gfp_t zone_gfp[] = { GFP_KERNEL, GFP_KERNEL | GFP_DMA };
	struct page *p, *tmp;
	unsigned long traded = 0, want = 2 * singles_wanted();
	unsigned int z;

	INIT_LIST_HEAD(&f->held);
	f->taken = f->returned = 0;
	/* All of free memory, in O(RAM / 4 MiB) calls: largest blocks first. */
	for (z = 0; z < ARRAY_SIZE(zone_gfp); z++)
		take_all(f, zone_gfp[z], MAX_PAGE_ORDER);
	/*
	 * Trade a fixed number of held pages for single pages: give back
	 * whole blocks, then take everything free again one page at a time
	 * (the per-CPU lists' leftovers too, so nothing free is left that
	 * could pair up later).
	 */
	list_for_each_entry_safe (p, tmp, &f->held, lru) {
		if (traded >= want)
			break;
		list_del(&p->lru);
		traded += 1UL << p->order;
		f->taken -= 1UL << p->order;
		__free_pages(p, p->order);
	}
	for (z = 0; z < ARRAY_SIZE(zone_gfp); z++)
		take_all(f, zone_gfp[z], 0);
	/* One frame in two back: single pages, no two of them buddies. */
	list_for_each_entry_safe (p, tmp, &f->held, lru) {
		if (p->order || !(page_to_pfn(p) & 1))
			continue;
		list_del(&p->lru);
		__free_page(p);
		f->returned++;
	}
}

void limit_free_memory(struct fragmented *f, unsigned long pages)
{
	static const gfp_t zone_gfp[] = { GFP_KERNEL, GFP_KERNEL | GFP_DMA };
	unsigned long back = 0, want = pages;
	struct page *p, *tmp;
	unsigned int z;

	INIT_LIST_HEAD(&f->held);
	f->taken = f->returned = 0;
	for (z = 0; z < MAX_NR_ZONES; z++)
		want += high_wmark_pages(&zones[z]);
	for (z = 0; z < ARRAY_SIZE(zone_gfp); z++)
		take_all(f, zone_gfp[z], MAX_PAGE_ORDER);
	/* The first blocks taken are the largest, from the GFP_KERNEL zones. */
	list_for_each_entry_safe (p, tmp, &f->held, lru) {
		if (back >= want)
			break;
		list_del(&p->lru);
		back += 1UL << p->order;
		f->taken -= 1UL << p->order;
		__free_pages(p, p->order);
	}
	f->returned = back;
}

void unfragment_memory(struct fragmented *f)
{
	struct page *p, *tmp;

	list_for_each_entry_safe (p, tmp, &f->held, lru) {
		list_del(&p->lru);
		__free_pages(p, p->order);
	}
}
