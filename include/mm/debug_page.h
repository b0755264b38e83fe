/*
 * include/mm/debug_page.h: print what a struct page says (mm/debug_page.c).
 */
#ifndef KVLAB_MM_DEBUG_PAGE_H
#define KVLAB_MM_DEBUG_PAGE_H

struct page;

/**
 * dump_page - print what a struct page says
 * @page: the page
 * @reason: printed first as "page dumped because: @reason"; NULL for none
 *
 * Prints its frame, zone, order, flags and owner.
 *
 * Context: any.
 */
void dump_page(const struct page *page, const char *reason);

#endif
