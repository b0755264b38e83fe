/*
 * mm/debug_page.c: dump_page(), what one struct page says, in the manner
 * of Linux's __dump_page() (mm/debug.c) with kvlab's fields:
 *
 *   page:ffffffff81234fc0 pfn:0x1234 zone:DMA32 order:3
 *   flags: 0x18(allocated|head)
 *   allocated by buddy_kunit_alloc+0x1c/0x80
 *
 * A tail page names its head; a slab page names its cache and counts. The
 * monitor's `page PFN` (mm/buddy_glue.c) prints it, and scripts/gdb/kvlab.py's kv-page prints
 * the same lines from a stopped kernel, so keep the two in step.
 */
#include <kernel/printk.h>
#include <lib/printf.h>
#include <mm/debug_page.h>
#include <mm/mmzone.h>
#include <mm/page.h>
#include <mm/slab.h>

/* Linux's %pGp names, in bit order (enum pageflags in include/mm/page.h). */
static const char *const pageflag_names[NR_PAGEFLAGS] = {
	[PG_reserved] = "reserved",
	[PG_buddy] = "buddy",
	[PG_pcp] = "pcp",
	[PG_allocated] = "allocated",
	[PG_head] = "head",
	[PG_slab] = "slab",
	[PG_large_kmalloc] = "large_kmalloc",
	[PG_vmalloc] = "vmalloc",
	[PG_pagetable] = "pagetable",
	[PG_checked] = "checked",
};

/* "allocated|head" for the set bits of @flags, into @buf. */
static void format_pageflags(char *buf, size_t size, unsigned long flags)
{
	size_t n = 0;
	unsigned int bit;

	buf[0] = '\0';
	for (bit = 0; bit < NR_PAGEFLAGS && n < size; bit++)
		if (flags & (1UL << bit))
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
					      n ? "|" : "",
					      pageflag_names[bit]);
	if (flags >> NR_PAGEFLAGS && n < size)
		snprintf(buf + n, size - n, "%sunknown", n ? "|" : "");
}

void dump_page(const struct page *page, const char *reason)
{
	unsigned long pfn = page_to_pfn(page);
	char names[128];

	if (reason)
		pr_info("page dumped because: %s\n", reason);
	pr_info("page:%p pfn:%#lx zone:%s order:%u\n", page, pfn,
		page->zone_id < MAX_NR_ZONES ? zones[page->zone_id].name : "?",
		(unsigned int)page->order);
	format_pageflags(names, sizeof(names), page->flags);
	pr_info("flags: %#lx(%s)\n", page->flags, names);
	if (PageTail(page))
		pr_info("tail of head page:%p pfn:%#lx\n", compound_head(page),
			page_to_pfn(compound_head(page)));
	if (PageSlab(page) && page->slab_cache)
		pr_info("slab: cache:%s inuse:%u objects:%u\n",
			kmem_cache_name(page->slab_cache),
			(unsigned int)page->inuse, (unsigned int)page->objects);
	if ((PageAllocated(page) || PageSlab(page)) && page->alloc_ip)
		pr_info("allocated by %pS\n", (void *)page->alloc_ip);
}
