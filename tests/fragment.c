/*
 * tests/fragment.c: fragmenting physical memory on purpose (see
 * tests/fragment.h).
 */
#include <lib/compiler.h>
#include <mm/gfp.h>
#include <mm/page.h>

#include "fragment.h"

void fragment_memory(struct fragmented *f)
{
	/* the reserves below the watermarks too, in every zone */
	static const gfp_t zone_gfp[] = { GFP_KERNEL, GFP_KERNEL | GFP_DMA };
	struct page *p, *tmp;
	unsigned int z, order;

	INIT_LIST_HEAD(&f->held);
	f->taken = f->returned = 0;
	while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0))) {
		list_add_tail(&p->lru, &f->held);
		f->taken++;
	}
	for (z = 0; z < ARRAY_SIZE(zone_gfp); z++)
		for (order = MAX_PAGE_ORDER + 1; order-- > 0;)
			while ((p = alloc_pages(zone_gfp[z] | __GFP_MEMALLOC | __GFP_NOWARN,
						order))) {
				list_add_tail(&p->lru, &f->held);
				f->taken += 1UL << order;
			}
	list_for_each_entry_safe(p, tmp, &f->held, lru) {
		if (p->order || !(page_to_pfn(p) & 1))
			continue;
		list_del(&p->lru);
		__free_page(p);
		f->returned++;
	}
}

void unfragment_memory(struct fragmented *f)
{
	struct page *p, *tmp;

	list_for_each_entry_safe(p, tmp, &f->held, lru) {
		list_del(&p->lru);
		__free_pages(p, p->order);
	}
}
