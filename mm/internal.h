/*
 * mm/internal.h: what mm/ shares between its files and with its tests but
 * does not export to the rest of the kernel (Linux's mm/internal.h). The
 * public API is in include/mm/. Each allocator keeps its part in its own
 * section below.
 */
#ifndef KVLAB_MM_INTERNAL_H
#define KVLAB_MM_INTERNAL_H

#include <lib/types.h>
#include <mm/mmzone.h>

/* ==== the page allocator (mm/buddy.c) and memblock (mm/memblock.c) ==== */

/**
 * buddy_setup - build the page allocator from memblock
 *
 * The struct page array, the zones, their watermarks and per-CPU lists;
 * then every free memblock range goes to the free lists in the largest
 * aligned blocks possible. Prints nothing: buddy_init() (the kernel) and
 * the host tests' boot (tests/host/shim/mm.c) call it.
 *
 * Context: boot, after memblock_setup() and the direct map; once.
 */
void buddy_setup(void);

/**
 * memblock_setup - finish memblock once the RAM has been added
 * @image_end: physical end of the kernel image, reserved from KERNEL_PHYS
 * @limit: keep only this many bytes of RAM (mem=); 0 keeps all
 *
 * Reserves the first MiB and the kernel image, applies @limit, then trims
 * the memory regions to whole pages (so a @limit that is not a multiple of
 * PAGE_SIZE leaves no partial page). memblock_init() and the host tests'
 * boot both end with it.
 *
 * Context: boot, after memblock_add() of every usable range.
 * Return: the bytes of RAM left in the memory list.
 */
phys_addr_t memblock_setup(phys_addr_t image_end, phys_addr_t limit);

/* The limit mem= asked for, in bytes of RAM (0: none); mm/memblock_glue.c. */
extern phys_addr_t memory_limit;

/* alloc_flags: how deep into the reserves an allocation may go. */
#define ALLOC_WMARK_MIN		WMARK_MIN
#define ALLOC_WMARK_LOW		WMARK_LOW
#define ALLOC_WMARK_HIGH	WMARK_HIGH
#define ALLOC_WMARK_MASK	0x03u
#define ALLOC_NO_WATERMARKS	0x04u
#define ALLOC_HIGH		0x08u	/* __GFP_HIGH: min - min/2 */
#define ALLOC_HARDER		0x10u	/* GFP_ATOMIC: a further min/4 */

/**
 * zone_watermark_ok - may a zone give a block without going below a mark?
 * @z: the zone
 * @order: the order of the block
 * @mark: the watermark, in pages
 * @highest_zoneidx: the highest zone the allocation could have used
 * @alloc_flags: ALLOC_* flags that lower the mark or ignore it
 *
 * Context: any.
 * Return: true if @z has a free block of @order and, after taking it,
 * keeps more than @mark (lowered by @alloc_flags) plus the lowmem reserve
 * protecting @z from allocations that could use @highest_zoneidx.
 */
bool zone_watermark_ok(const struct zone *z, unsigned int order,
		       unsigned long mark, enum zone_type highest_zoneidx,
		       unsigned int alloc_flags);

/* lowmem_reserve[j][i]: frames zone j keeps back from allocations allowed zone i. */
extern unsigned long lowmem_reserve[MAX_NR_ZONES][MAX_NR_ZONES];

/*
 * Private zones, for tests: a zone over a carved-out range of frames
 * (taken from the live allocator as one block) so a test can predict every
 * split and merge. They have no per-CPU list and no watermarks.
 */

/**
 * zone_init_private - make @z an empty private zone over a range of frames
 * @z: the zone to initialise (any previous contents are lost)
 * @name: its name in reports
 * @start_pfn: first frame of its span
 * @nr_pages: frames in its span
 *
 * Context: any, after buddy_setup().
 */
void zone_init_private(struct zone *z, const char *name,
		       unsigned long start_pfn, unsigned long nr_pages);

/**
 * zone_free_range - give a range of frames to a private zone
 * @z: the zone
 * @start_pfn: first frame
 * @end_pfn: one past the last frame
 *
 * The frames go to the free lists as the largest aligned blocks that fit.
 *
 * Context: any; the frames must be in @z's span and owned by the caller.
 */
void zone_free_range(struct zone *z, unsigned long start_pfn,
		     unsigned long end_pfn);

/**
 * zone_alloc - allocate a block from a private zone
 * @z: the zone
 * @order: the block's order
 *
 * Context: any.
 * Return: the block's head page, or NULL if @z has no block big enough or
 * @order is above MAX_PAGE_ORDER.
 */
struct page *zone_alloc(struct zone *z, unsigned int order);

/**
 * zone_free - give a block back to a private zone
 * @z: the zone
 * @page: the block's head page
 * @order: its order
 *
 * Misuse (double free, wrong order, a frame outside @z) is reported and
 * the block left alone, as __free_pages() does.
 *
 * Context: any.
 */
void zone_free(struct zone *z, struct page *page, unsigned int order);

/**
 * zone_take_range - empty a private zone
 * @z: the zone
 *
 * Every free block leaves @z's lists and becomes an allocated block again
 * (PG_allocated, its order), so it can go back to the live allocator with
 * __free_pages().
 *
 * Context: any.
 * Return: the pages taken.
 */
unsigned long zone_take_range(struct zone *z);

/**
 * zone_check - verify the invariants of one zone
 * @z: the zone (live or private)
 * @full: also scan every struct page of its span
 *
 * Context: any.
 * Return: the number of violations, each printed.
 */
unsigned int zone_check(struct zone *z, bool full);

#endif
