/*
 * mm/internal.h: what mm/ shares between its files and with its tests but
 * does not export to the rest of the kernel (Linux's mm/internal.h). The
 * public API is in include/mm/. Each allocator keeps its part in its own
 * section below.
 */
#ifndef KVLAB_MM_INTERNAL_H
#define KVLAB_MM_INTERNAL_H

#include <lib/list.h>
#include <lib/rbtree.h>
#include <lib/types.h>
#include <mm/gfp.h>
#include <mm/mmzone.h>
#include <mm/vmalloc.h>

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
#define ALLOC_WMARK_MIN	    WMARK_MIN
#define ALLOC_WMARK_LOW	    WMARK_LOW
#define ALLOC_WMARK_HIGH    WMARK_HIGH
#define ALLOC_WMARK_MASK    0x03u
#define ALLOC_NO_WATERMARKS 0x04u
#define ALLOC_HIGH	    0x08u /* __GFP_HIGH: min - min/2 */
#define ALLOC_HARDER	    0x10u /* GFP_ATOMIC: a further min/4 */

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

/* ==== vmalloc: mm/vmalloc.c, mm/vmap_area.c, mm/vmalloc_glue.c ========== */

/*
 * One range of the vmalloc address space: free, busy (holding a
 * vm_struct) or lazily freed (waiting for the purge). See mm/vmap_area.c.
 */
struct vmap_area {
	unsigned long va_start; /* [va_start, va_end), page-aligned */
	unsigned long va_end;
	struct rb_node rb_node; /* in the free tree or the busy tree */
	struct list_head list; /* address-ordered free or busy list; purge list */
	union {
		unsigned long
			subtree_max_size; /* free: largest free block below, bytes */
		struct vm_struct *vm; /* busy: what it holds */
	};
	unsigned long caller; /* busy or lazily freed: who allocated it */
};

/* Counts of areas in each state. */
struct vmap_counts {
	unsigned long nr_free, nr_busy, nr_lazy;
	unsigned long free_bytes, busy_bytes, lazy_bytes;
	unsigned long lazy_pages; /* what the purge threshold compares */
};

/**
 * vmap_area_counts - count the areas in each state, and their bytes
 * @c: filled in
 *
 * Context: any.
 */
void vmap_area_counts(struct vmap_counts *c);

/**
 * vmap_area_init - make the whole vmalloc range one free block, forgetting
 * every area (their structs are not freed)
 *
 * Context: boot, or a host test starting over. Panics without memory for
 * the first block.
 */
void vmap_area_init(void);

/**
 * alloc_vmap_area - reserve a range of the vmalloc space
 * @size: bytes, the guard included; a non-zero multiple of PAGE_SIZE
 * @align: a power of two, PAGE_SIZE or more
 * @vstart: the lowest address (page-aligned)
 * @vend: one past the highest
 * @gfp: for the area structs (only GFP_KERNEL, __GFP_NOWARN, __GFP_NORETRY
 *       are kept)
 * @caller: recorded for vmallocinfo and reports
 *
 * The lowest aligned fit inside [@vstart, @vend); if none, the lazy areas
 * are purged and the search runs once more.
 *
 * Context: may sleep.
 * Return: a busy area (->vm NULL), or NULL for bad arguments, no room,
 * or no memory for a struct.
 */
struct vmap_area *alloc_vmap_area(unsigned long size, unsigned long align,
				  unsigned long vstart, unsigned long vend,
				  gfp_t gfp, unsigned long caller);

/**
 * free_vmap_area_noflush - busy -> lazy: onto the purge list
 * @va: a busy area whose PTEs are cleared but maybe still in the TLB
 *
 * Purges when more than VMALLOC_LAZY_MAX_PAGES are waiting.
 *
 * Context: may sleep.
 */
void free_vmap_area_noflush(struct vmap_area *va);

/**
 * free_vmap_area - busy -> free at once
 * @va: a busy area whose PTEs are cleared and flushed from the TLB
 *
 * Context: may sleep.
 */
void free_vmap_area(struct vmap_area *va);

/**
 * find_vmap_area - the busy area containing @addr
 * @addr: any address
 *
 * Context: any.
 * Return: the area, or NULL.
 */
struct vmap_area *find_vmap_area(unsigned long addr);

/**
 * find_lazy_vmap_area - the lazily freed area containing @addr
 * @addr: any address
 *
 * Context: any.
 * Return: the area, or NULL.
 */
struct vmap_area *find_lazy_vmap_area(unsigned long addr);

/**
 * purge_vmap_area_lazy - flush the TLB once and free every lazy area
 *
 * Context: may sleep.
 */
void purge_vmap_area_lazy(void);

/* The busy areas in address order, and the purge list (vmallocinfo). */
extern struct list_head vmap_area_list;
extern struct list_head vmap_purge_list;

/**
 * vmap_area_drain - kfree() the spare area structs kept for reuse
 *
 * Context: may sleep.
 */
void vmap_area_drain(void);

/**
 * vmap_area_check - verify mm/vmap_area.c's invariants
 *
 * Each violation is printed with the invariant's number and the values.
 *
 * Context: any.
 * Return: the number of violations; 0 when all hold.
 */
unsigned int vmap_area_check(void);

/* An area freed lately, remembered so a double vfree or a fault can name it. */
struct vmalloc_recent_free {
	unsigned long start, end; /* the area, guard included */
	unsigned int nr_pages;
	unsigned long caller; /* who allocated it */
	unsigned long freer;  /* who freed it */
};

/**
 * vmalloc_find_recent - the most recently freed area containing @addr
 * @addr: any address
 *
 * Context: any.
 * Return: the record, or NULL if none of the last few frees held @addr.
 */
const struct vmalloc_recent_free *vmalloc_find_recent(unsigned long addr);

/**
 * vfree_caller - vfree() on behalf of @caller (the monitor's vfree)
 * @addr: as for vfree()
 * @caller: the address reports name as the caller
 *
 * Context: may sleep.
 */
void vfree_caller(const void *addr, unsigned long caller);

/**
 * vmalloc_reset - forget the page-table cache, the recent frees and the
 * counters, and set up the address space anew: one free block
 *
 * Boot does it once (vmalloc_init); the host tests once per arena, whose
 * page tables are new each time. Areas still allocated are forgotten, not
 * freed.
 *
 * Context: boot, or a host test starting over.
 */
void vmalloc_reset(void);

#endif
