/*
 * include/mm/buddy.h: the buddy allocator's own interface: boot, checking,
 * per-CPU list draining and what the monitor and the reports read. The
 * allocation API itself (alloc_pages...) is in include/mm/gfp.h; what only
 * mm/ and its tests use (alloc_flags, the private test zones) is in
 * mm/internal.h.
 */
#ifndef KVLAB_MM_BUDDY_H
#define KVLAB_MM_BUDDY_H

#include <lib/types.h>
#include <mm/gfp.h>
#include <mm/mmzone.h>

/**
 * buddy_ready - has the buddy allocator been set up?
 *
 * Context: any.
 * Return: true once buddy_setup() has run (alloc_pages() may be called).
 */
bool buddy_ready(void);

/**
 * buddy_init - set up the page allocator and announce it
 *
 * buddy_setup() (mm/buddy.c), then the kernel's part (mm/buddy_glue.c):
 * the per-test-case ktest checker and the boot lines (zone ranges,
 * "Memory:").
 *
 * Context: boot, after paging_init(); once.
 */
void buddy_init(void);

/**
 * buddy_check - verify the invariants of every zone
 * @full: also scan every struct page for free pages that are on no list
 *
 * The invariants are listed in mm/buddy.c's opening comment; each
 * violation is printed with the invariant's number and its values.
 *
 * Context: any, after buddy_setup().
 * Return: the number of violations (0: all hold).
 */
unsigned int buddy_check(bool full);

/**
 * drain_all_pages - move every per-CPU list's pages back to the buddy lists
 *
 * Each CPU drains its own (an IPI to each, waited for). With interrupts
 * off or from an interrupt handler, where no IPI can be waited for, only
 * this CPU's lists.
 *
 * Context: any, after buddy_setup().
 */
void drain_all_pages(void);

/**
 * drain_local_pages - move this CPU's pcp pages back to the buddy lists
 * @zone: only this zone's list; NULL for every zone
 *
 * Context: any (interrupts are turned off meanwhile).
 */
void drain_local_pages(struct zone *zone);

/**
 * buddy_free_bytes - how much of a physical range is free
 * @start: first byte of the range
 * @end: one past its last byte
 *
 * Counts whole frames on a free list or a per-CPU list (the monitor's
 * memmap bars).
 *
 * Context: any, after buddy_setup().
 * Return: the free bytes of [@start, @end).
 */
u64 buddy_free_bytes(phys_addr_t start, phys_addr_t end);

/**
 * fragmentation_index - Linux's __fragmentation_index() of a zone
 * @z: the zone
 * @order: the order of the request
 *
 * How much a failure to allocate @order from @z would be due to
 * fragmentation rather than lack of memory.
 *
 * Context: any.
 * Return: thousandths: -1000 when the request would succeed; near 0 when
 * it would fail for lack of memory; near 1000 when it would fail because
 * the free memory is fragmented. 0 for an empty zone or @order above
 * MAX_PAGE_ORDER.
 */
int fragmentation_index(const struct zone *z, unsigned int order);

/**
 * zone_free_pages - free pages of one zone
 * @z: the zone
 *
 * Context: any.
 * Return: the pages on @z's free lists plus those on its per-CPU lists.
 */
unsigned long zone_free_pages(const struct zone *z);

#endif
