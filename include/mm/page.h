/*
 * include/mm/page.h: struct page, one for every page frame of RAM.
 *
 * kvlab keeps them in one flat array, mem_map[], indexed by page frame
 * number from 0 to max_pfn, holes included (as Linux's FLATMEM). It costs
 * sizeof(struct page) = 64 bytes per 4 KiB frame: 16 MiB per GiB of
 * physical address space, 1.6%. A vmemmap would skip the holes (the PCI
 * hole below 4 GiB, 1-2 GiB with -m 6G) at the price of mapping the array
 * itself page by page; with at most a few GiB to describe, the flat array's
 * one-line pfn_to_page() wins.
 *
 * What a page is being used for decides which fields mean something; the
 * flags say which:
 *
 *   PG_buddy       head of a free block on a zone's free list; order set
 *   PG_pcp         free order-0 page on a per-CPU list
 *   PG_allocated   head of an allocated block; order set (kvlab's own:
 *                  lets __free_pages() catch a wrong order or a tail page)
 *   PG_head        head of a compound block (__GFP_COMP); its tails have
 *                  compound_head = head | 1
 *   PG_slab        a slab; slab_cache, freelist... belong to mm/slab.c
 *   PG_reserved    never given to the buddy allocator (kernel image, boot
 *                  data, holes)
 */
#ifndef KVLAB_MM_PAGE_H
#define KVLAB_MM_PAGE_H

#include <lib/compiler.h>
#include <lib/list.h>
#include <lib/types.h>
#include <mm/mm.h>

struct kmem_cache;

enum pageflags {
	PG_reserved,
	PG_buddy,
	PG_pcp,
	PG_allocated,
	PG_head,
	PG_slab,
	PG_large_kmalloc, /* head of a kmalloc() block above 8 KiB */
	PG_vmalloc,	  /* backs a vmalloc() area */
	PG_pagetable,	  /* a page-table page */
	PG_checked,	  /* buddy_check()'s visited mark, never left set */
	NR_PAGEFLAGS
};

struct page {
	unsigned long flags; /* 1 << PG_* */
	union {
		/* PG_buddy or PG_pcp: on a free list */
		struct {
			struct list_head lru;
		};
		/* PG_slab (mm/slab.c) */
		struct {
			struct kmem_cache *slab_cache;
			void *freelist; /* first free object */
			struct list_head slab_list;
			unsigned int inuse;   /* objects allocated */
			unsigned int objects; /* objects in the slab */
		};
		/* tail page of a compound block */
		struct {
			unsigned long compound_head; /* head | 1 */
		};
	};
	u8 order;	/* PG_buddy/PG_allocated: the block's order */
	u8 zone_id;	/* enum zone_type of the zone owning the page */
	u16 owner_data; /* free for the owner (slab, vmalloc) */
	union {
		u32 owner_data2; /* likewise */
		/*
		 * PG_slab head: bytes in the slab - 1. A slab is a buddy
		 * block, aligned to its size, so address & slab_mask is the
		 * offset in it; kept here because a cache's slabs differ in
		 * order (mm/slab.c: allocate_slab()).
		 */
		u32 slab_mask;
	};
	unsigned long alloc_ip; /* head page: who allocated it (reports) */
};

_Static_assert(sizeof(struct page) == 64, "struct page is 64 bytes");

extern struct page *mem_map;  /* mem_map[pfn] for pfn < max_pfn */
extern unsigned long max_pfn; /* one past the highest RAM frame */

#define PAGEFLAG(name, bit)                                  \
	static inline bool Page##name(const struct page *p)  \
	{                                                    \
		return p->flags & (1UL << (bit));            \
	}                                                    \
	static inline void __SetPage##name(struct page *p)   \
	{                                                    \
		p->flags |= 1UL << (bit);                    \
	}                                                    \
	static inline void __ClearPage##name(struct page *p) \
	{                                                    \
		p->flags &= ~(1UL << (bit));                 \
	}

PAGEFLAG(Reserved, PG_reserved)
PAGEFLAG(Buddy, PG_buddy)
PAGEFLAG(Pcp, PG_pcp)
PAGEFLAG(Allocated, PG_allocated)
PAGEFLAG(Head, PG_head)
PAGEFLAG(Slab, PG_slab)
PAGEFLAG(LargeKmalloc, PG_large_kmalloc)
PAGEFLAG(Vmalloc, PG_vmalloc)
PAGEFLAG(Pagetable, PG_pagetable)
PAGEFLAG(Checked, PG_checked)

/**
 * PageTail - is a page a tail of a compound block?
 * @p: the page
 *
 * Context: any.
 * Return: true if @p's compound_head points to a head page.
 */
static inline bool PageTail(const struct page *p)
{
	return p->compound_head & 1;
}

/**
 * PageCompound - is a page part of a compound block?
 * @p: the page
 *
 * Context: any.
 * Return: true for a compound head or tail page.
 */
static inline bool PageCompound(const struct page *p)
{
	return PageHead(p) || PageTail(p);
}

/**
 * compound_head - the head page of a page's block
 * @p: the page
 *
 * Context: any.
 * Return: the head of @p's compound block, or @p itself if it is no tail.
 */
static inline struct page *compound_head(const struct page *p)
{
	if (PageTail(p))
		return (struct page *)(p->compound_head - 1);
	return (struct page *)p;
}

/**
 * compound_order - the order of a compound block
 * @p: its head page
 *
 * Context: any.
 * Return: the block's order; 0 if @p is not a compound head.
 */
static inline unsigned int compound_order(const struct page *p)
{
	return PageHead(p) ? p->order : 0;
}

/**
 * pfn_to_page - the struct page of a frame
 * @pfn: the page frame number
 *
 * Context: any.
 * Return: &mem_map[@pfn]; unchecked (see pfn_valid()).
 */
static inline struct page *pfn_to_page(unsigned long pfn)
{
	return mem_map + pfn;
}

/**
 * page_to_pfn - the frame number of a struct page
 * @page: a struct page of mem_map[]
 *
 * Context: any.
 * Return: its page frame number.
 */
static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mem_map);
}

/**
 * pfn_valid - has a frame a struct page?
 * @pfn: the page frame number
 *
 * Context: any.
 * Return: true if @pfn is below max_pfn.
 */
static inline bool pfn_valid(unsigned long pfn)
{
	return pfn < max_pfn;
}

/**
 * page_to_phys - the physical address of a page
 * @page: the page
 *
 * Context: any.
 * Return: the address of its first byte.
 */
static inline phys_addr_t page_to_phys(const struct page *page)
{
	return PFN_PHYS(page_to_pfn(page));
}

/**
 * page_address - the direct-map address of a page
 * @page: the page
 *
 * Context: any.
 * Return: the virtual address of its first byte in the direct map.
 */
static inline void *page_address(const struct page *page)
{
	return __va(page_to_phys(page));
}

/**
 * virt_to_page - the struct page of a direct-map or kernel-image address
 * @va: the virtual address
 *
 * Context: any.
 * Return: the page holding @va; unchecked.
 */
static inline struct page *virt_to_page(const void *va)
{
	return pfn_to_page(PFN_DOWN(__pa(va)));
}

/**
 * virt_to_head_page - the head page of the block holding an address
 * @va: a direct-map or kernel-image address
 *
 * Context: any.
 * Return: compound_head() of virt_to_page(@va).
 */
static inline struct page *virt_to_head_page(const void *va)
{
	return compound_head(virt_to_page(va));
}

#endif
