/*
 * include/mm/buddy.h: the buddy allocator's own interface: boot, checking,
 * per-CPU list draining, and private instances for tests. The allocation
 * API itself (alloc_pages...) is in include/mm/gfp.h.
 */
#ifndef KVLAB_MM_BUDDY_H
#define KVLAB_MM_BUDDY_H

#include <lib/types.h>
#include <mm/gfp.h>
#include <mm/mmzone.h>

/* buddy_ready - has buddy_init() run (may alloc_pages be called)? */
bool buddy_ready(void);

/*
 * buddy_setup - the struct page array, the zones, their watermarks and pcp
 * lists; then every free memblock range goes to the free lists in the
 * largest aligned blocks possible. Prints nothing. Context: boot, after
 * paging_init().
 */
void buddy_setup(void);

/*
 * buddy_init - buddy_setup(), then the kernel's part (mm/buddy_glue.c):
 * the ktest checker and the boot lines (zone ranges, "Memory:").
 */
void buddy_init(void);

/*
 * buddy_check - verify the invariants of every zone (mm/buddy.c, top
 * comment); @full also scans every struct page for free-block heads that
 * are on no list. Prints each violation with its values.
 * Return: the number of violations.
 */
unsigned int buddy_check(bool full);
unsigned int zone_check(struct zone *z, bool full);

/* drain_all_pages - move every per-CPU page back to the buddy lists. */
void drain_all_pages(void);

/* buddy_free_bytes - bytes of [start, end) that are free (memmap's bars). */
u64 buddy_free_bytes(phys_addr_t start, phys_addr_t end);

/*
 * fragmentation_index - Linux's __fragmentation_index() for a request of
 * @order in @z, in thousandths: -1000 when the request would succeed; near
 * 0 when it would fail for lack of memory; near 1000 when it would fail
 * because the free memory is fragmented.
 */
int fragmentation_index(const struct zone *z, unsigned int order);

/* Free pages of one zone: its lists plus its pcp lists. */
unsigned long zone_free_pages(const struct zone *z);

/* alloc_flags: how deep into the reserves an allocation may go. */
#define ALLOC_WMARK_MIN		WMARK_MIN
#define ALLOC_WMARK_LOW		WMARK_LOW
#define ALLOC_WMARK_HIGH	WMARK_HIGH
#define ALLOC_WMARK_MASK	0x03u
#define ALLOC_NO_WATERMARKS	0x04u
#define ALLOC_HIGH		0x08u	/* __GFP_HIGH: min - min/2 */
#define ALLOC_HARDER		0x10u	/* GFP_ATOMIC: a further min/4 */

/*
 * zone_watermark_ok - could @z give a block of @order without falling
 * below @mark (adjusted by @alloc_flags and the lowmem reserve protecting
 * @z from allocations that could have used @highest_zoneidx)?
 */
bool zone_watermark_ok(const struct zone *z, unsigned int order,
		       unsigned long mark, enum zone_type highest_zoneidx,
		       unsigned int alloc_flags);

/* Frames of lower zones kept back from allocations allowed higher zones. */
extern unsigned long lowmem_reserve[MAX_NR_ZONES][MAX_NR_ZONES];

/*
 * Private instances, for tests: a zone over a carved-out range of frames
 * (taken from the live allocator as one block) so a test can predict every
 * split and merge. They have no pcp list and no watermarks.
 */
void zone_init_private(struct zone *z, const char *name,
		       unsigned long start_pfn, unsigned long nr_pages);
/* zone_free_range - give [start_pfn, end_pfn) to @z, largest blocks first. */
void zone_free_range(struct zone *z, unsigned long start_pfn,
		     unsigned long end_pfn);
struct page *zone_alloc(struct zone *z, unsigned int order);
void zone_free(struct zone *z, struct page *page, unsigned int order);
/*
 * zone_take_range - remove every free block from @z's lists; each becomes
 * an allocated block again (PG_allocated, its order) so it can go back to
 * the live allocator with __free_pages(). Return: the pages taken.
 */
unsigned long zone_take_range(struct zone *z);

#endif
