/*
 * include/mm/gfp.h: allocation flags and the page allocator's API, with
 * Linux's names, values and meanings (include/linux/gfp_types.h, 6.1).
 *
 * Zone modifiers pick the highest zone an allocation may use; it then falls
 * back downwards:
 *
 *   (none)      NORMAL -> DMA32 -> DMA
 *   GFP_DMA32   DMA32 -> DMA           (physical addresses below 4 GiB)
 *   GFP_DMA     DMA                    (below 16 MiB, ISA DMA)
 *
 * Watermarks: GFP_KERNEL allocations stop when a zone would fall below its
 * low watermark; __GFP_HIGH (in GFP_ATOMIC) may go halfway below min, and
 * GFP_ATOMIC a quarter further unless __GFP_NOMEMALLOC (Linux's ALLOC_HIGH
 * and ALLOC_HARDER);
 * __GFP_MEMALLOC ignores watermarks. kvlab reclaims nothing, so a failed
 * watermark check is a failed allocation.
 */
#ifndef KVLAB_MM_GFP_H
#define KVLAB_MM_GFP_H

#include <lib/types.h>
#include <mm/page.h>

typedef unsigned int gfp_t;

#define ___GFP_DMA	      0x01u
#define ___GFP_HIGHMEM	      0x02u /* unused on x86_64 */
#define ___GFP_DMA32	      0x04u
#define ___GFP_MOVABLE	      0x08u /* accepted, ignored */
#define ___GFP_RECLAIMABLE    0x10u /* accepted, ignored */
#define ___GFP_HIGH	      0x20u
#define ___GFP_IO	      0x40u
#define ___GFP_FS	      0x80u
#define ___GFP_ZERO	      0x100u
#define ___GFP_ATOMIC	      0x200u
#define ___GFP_DIRECT_RECLAIM 0x400u
#define ___GFP_KSWAPD_RECLAIM 0x800u
#define ___GFP_WRITE	      0x1000u
#define ___GFP_NOWARN	      0x2000u
#define ___GFP_RETRY_MAYFAIL  0x4000u
#define ___GFP_NOFAIL	      0x8000u
#define ___GFP_NORETRY	      0x10000u
#define ___GFP_MEMALLOC	      0x20000u
#define ___GFP_COMP	      0x40000u
#define ___GFP_NOMEMALLOC     0x80000u
#define ___GFP_HARDWALL	      0x100000u
#define ___GFP_THISNODE	      0x200000u
#define ___GFP_ACCOUNT	      0x400000u
#define ___GFP_LAST	      0x800000u

#define __GFP_DMA	     ((gfp_t)___GFP_DMA)
#define __GFP_HIGHMEM	     ((gfp_t)___GFP_HIGHMEM)
#define __GFP_DMA32	     ((gfp_t)___GFP_DMA32)
#define __GFP_MOVABLE	     ((gfp_t)___GFP_MOVABLE)
#define __GFP_RECLAIMABLE    ((gfp_t)___GFP_RECLAIMABLE)
#define __GFP_HIGH	     ((gfp_t)___GFP_HIGH)
#define __GFP_IO	     ((gfp_t)___GFP_IO)
#define __GFP_FS	     ((gfp_t)___GFP_FS)
#define __GFP_ZERO	     ((gfp_t)___GFP_ZERO)
#define __GFP_ATOMIC	     ((gfp_t)___GFP_ATOMIC)
#define __GFP_DIRECT_RECLAIM ((gfp_t)___GFP_DIRECT_RECLAIM)
#define __GFP_KSWAPD_RECLAIM ((gfp_t)___GFP_KSWAPD_RECLAIM)
#define __GFP_RECLAIM	     (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define __GFP_WRITE	     ((gfp_t)___GFP_WRITE)
#define __GFP_NOWARN	     ((gfp_t)___GFP_NOWARN)
#define __GFP_RETRY_MAYFAIL  ((gfp_t)___GFP_RETRY_MAYFAIL)
#define __GFP_NOFAIL	     ((gfp_t)___GFP_NOFAIL)
#define __GFP_NORETRY	     ((gfp_t)___GFP_NORETRY)
#define __GFP_MEMALLOC	     ((gfp_t)___GFP_MEMALLOC)
#define __GFP_COMP	     ((gfp_t)___GFP_COMP)
#define __GFP_NOMEMALLOC     ((gfp_t)___GFP_NOMEMALLOC)
#define __GFP_HARDWALL	     ((gfp_t)___GFP_HARDWALL)
#define __GFP_THISNODE	     ((gfp_t)___GFP_THISNODE)
#define __GFP_ACCOUNT	     ((gfp_t)___GFP_ACCOUNT)

#define GFP_ATOMIC (__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO   (__GFP_RECLAIM)
#define GFP_NOFS   (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER   (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA	   __GFP_DMA
#define GFP_DMA32  __GFP_DMA32

/* Every flag kvlab knows; others are a caller's bug and are reported. */
#define __GFP_BITS_MASK ((gfp_t)(___GFP_LAST - 1))

/**
 * gfpflags_allow_blocking - may an allocation sleep?
 * @gfp: its flags
 *
 * Context: any.
 * Return: true if @gfp has __GFP_DIRECT_RECLAIM (in Linux: may reclaim).
 */
static inline bool gfpflags_allow_blocking(gfp_t gfp)
{
	return gfp & __GFP_DIRECT_RECLAIM;
}

#define MAX_PAGE_ORDER 10 /* inclusive: the largest block is 4 MiB */
#define NR_PAGE_ORDERS (MAX_PAGE_ORDER + 1)

/**
 * alloc_pages - allocate 2^@order physically contiguous pages
 * @gfp: GFP flags: zone, watermark, zeroing, compound, warnings
 * @order: the block's order, 0 to MAX_PAGE_ORDER
 *
 * With __GFP_COMP the block is compound: its head remembers the order and
 * its tails point to the head.
 *
 * Context: may "sleep" unless @gfp forbids it (see might_sleep()).
 * Return: the first page, or NULL (with a warning unless __GFP_NOWARN)
 * when no zone @gfp allows has a block above its watermark, or @order >
 * MAX_PAGE_ORDER.
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
#define alloc_page(gfp) alloc_pages(gfp, 0)

/**
 * __free_pages - give back a block from alloc_pages()
 * @page: its first page
 * @order: the order it was allocated with
 *
 * Freeing a page that is already free, with the wrong order, a tail page
 * or a reserved page is reported and ignored.
 *
 * Context: any.
 */
void __free_pages(struct page *page, unsigned int order);
#define __free_page(page) __free_pages((page), 0)

/**
 * __get_free_pages - alloc_pages() by direct-map address
 * @gfp: GFP flags (__GFP_HIGHMEM is dropped)
 * @order: the block's order
 *
 * Context: as alloc_pages().
 * Return: the block's direct-map address, or 0.
 */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
#define __get_free_page(gfp) __get_free_pages((gfp), 0)

/**
 * get_zeroed_page - one zeroed page by direct-map address
 * @gfp: GFP flags
 *
 * Context: as alloc_pages().
 * Return: the page's direct-map address, or 0.
 */
unsigned long get_zeroed_page(gfp_t gfp);

/**
 * free_pages - __free_pages() by direct-map address
 * @addr: the block's address from __get_free_pages(); 0 is ignored
 * @order: the order it was allocated with
 *
 * An address that is not a page-aligned direct-map address is reported
 * and ignored.
 *
 * Context: any.
 */
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr) free_pages((addr), 0)

/**
 * get_order - the smallest order whose block holds a size
 * @size: bytes, at least 1
 *
 * Context: any.
 * Return: the smallest order k with PAGE_SIZE << k >= @size.
 */
static inline unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;

	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

/**
 * nr_free_pages - free pages in every zone
 *
 * Context: any.
 * Return: the pages on the buddy lists plus those on the per-CPU lists.
 */
unsigned long nr_free_pages(void);

/**
 * totalram_pages - the pages handed to the buddy allocator, free or not
 *
 * Linux's totalram_pages(): every zone's managed pages, what meminfo
 * calls MemTotal.
 *
 * Context: any.
 * Return: the number of pages; 0 before buddy_init().
 */
unsigned long totalram_pages(void);

#endif
