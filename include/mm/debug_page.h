/*
 * include/mm/debug_page.h: print what a struct page says (mm/debug_page.c).
 */
#ifndef KVLAB_MM_DEBUG_PAGE_H
#define KVLAB_MM_DEBUG_PAGE_H

struct page;
struct kmem_cache;

/*
 * dump_page - print @page's frame, zone, order, flags and owner, after a
 * "page dumped because: @reason" line when @reason is not NULL.
 */
void dump_page(const struct page *page, const char *reason);

/* kmem_cache_name - a slab cache's name (mm/slab.c), "(none)" for NULL. */
const char *kmem_cache_name(const struct kmem_cache *s);

#endif
