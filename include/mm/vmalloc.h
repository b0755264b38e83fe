/*
 * include/mm/vmalloc.h: virtually contiguous kernel memory.
 *
 * vmalloc() gives memory that is contiguous in virtual addresses only: the
 * pages come one at a time from the buddy allocator, wherever they are,
 * and are mapped side by side in [VMALLOC_START, VMALLOC_END) with 4 KiB
 * page-table entries. An unmapped guard page follows every area, so
 * running off the end faults instead of corrupting the next area.
 *
 *   VMALLOC_START                                           VMALLOC_END
 *   | area A    |g| area B        |g|  free ...  | area C |g|  free ...  |
 *     pfn 812 907 ...  (any frames, in any order)
 *
 * Semantics and names follow Linux 6.x (mm/vmalloc.c). Sizes are rounded up
 * to whole pages; failure returns NULL and leaves nothing behind. All of
 * these may sleep in Linux: calling them in atomic context is reported.
 *
 * Tuning: lazy TLB purge (vmalloc_lazy=1, the default, as Linux) leaves
 * freed areas unflushed until VMALLOC_LAZY_MAX_PAGES of them pile up or an
 * allocation finds no room; then one full TLB flush covers them all.
 */
#ifndef KVLAB_MM_VMALLOC_H
#define KVLAB_MM_VMALLOC_H

#include <lib/list.h>
#include <lib/rbtree.h>
#include <lib/types.h>
#include <mm/gfp.h>
#include <mm/layout.h>
#include <mm/paging.h>

/*
 * Linux's lazy_max_pages(): 32 MiB worth of pages times fls(number of
 * CPUs); kvlab has one CPU, so 8192 pages. "A larger number reduces the
 * number of global TLB flushes linearly, but makes each purge longer."
 */
#define VMALLOC_LAZY_MAX_PAGES	((32UL << 20) / PAGE_SIZE)

/* vm_struct.flags, Linux's values. */
#define VM_IOREMAP	0x00000001UL	/* unused */
#define VM_ALLOC	0x00000002UL	/* vmalloc(): pages owned by the area */
#define VM_MAP		0x00000004UL	/* vmap(): pages owned by the caller */
#define VM_NO_GUARD	0x00000040UL	/* no guard page after the area */

/* One vmalloc()ed or vmap()ed area (Linux's struct vm_struct). */
struct vm_struct {
	void *addr;			/* first byte */
	unsigned long size;		/* bytes, the guard page included */
	unsigned long flags;		/* VM_* */
	struct page **pages;		/* nr_pages entries */
	unsigned int nr_pages;		/* mapped pages */
	unsigned long caller;		/* who asked, for vmallocinfo */
};

/*
 * One range of the vmalloc address space: free, busy (holding a
 * vm_struct) or lazily freed (waiting for the purge). See mm/vmap_area.c.
 */
struct vmap_area {
	unsigned long va_start;		/* [va_start, va_end), page-aligned */
	unsigned long va_end;
	struct rb_node rb_node;		/* in the free tree or the busy tree */
	struct list_head list;		/* address-ordered free or busy list; purge list */
	union {
		unsigned long subtree_max_size;	/* free: largest free block below, bytes */
		struct vm_struct *vm;		/* busy: what it holds */
	};
	unsigned long caller;		/* busy or lazily freed: who allocated it */
};

/* ---- the API ------------------------------------------------------------ */

void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void *__vmalloc(unsigned long size, gfp_t gfp);

/*
 * vfree - unmap and free a vmalloc() area. vfree(NULL) does nothing. An
 * address that is not the start of a live vmalloc() area (a second vfree,
 * an address inside an area, a vmap() area) is reported with the area it
 * falls in, and nothing is freed. Context: may sleep.
 */
void vfree(const void *addr);

/*
 * vmap - map @count pages (the caller's; they stay the caller's) side by
 * side with @prot. @flags: VM_MAP, optionally VM_NO_GUARD.
 * Return: the address, or NULL.
 */
void *vmap(struct page **pages, unsigned int count, unsigned long flags,
	   pgprot_t prot);
/* vunmap - undo vmap(); the pages are not freed. Misuse is reported. */
void vunmap(const void *addr);

/* The page (pfn) mapped at @addr in the vmalloc range, or NULL (0). */
struct page *vmalloc_to_page(const void *addr);
unsigned long vmalloc_to_pfn(const void *addr);

static inline bool is_vmalloc_addr(const void *x)
{
	unsigned long a = (unsigned long)x;

	return a >= VMALLOC_START && a < VMALLOC_END;
}

/*
 * kvmalloc - kmalloc() if it can without trying hard, else vmalloc()
 * (Linux's rule: only requests above a page fall back, and the kmalloc
 * attempt gets __GFP_NORETRY | __GFP_NOWARN). kvfree() frees either.
 */
void *kvmalloc(size_t size, gfp_t gfp);
void *kvzalloc(size_t size, gfp_t gfp);
void *kvmalloc_array(size_t n, size_t size, gfp_t gfp);
void *kvcalloc(size_t n, size_t size, gfp_t gfp);
void kvfree(const void *addr);

/* /proc/vmallocinfo: one line per area, in address order. */
void show_vmallocinfo(void);

/* Boot: set up the free space. Context: after buddy_init() and kmalloc. */
void vmalloc_init(void);

/* vmalloc_lazy_enabled - is the TLB purge lazy (vmalloc_lazy=1)? */
bool vmalloc_lazy_enabled(void);
void vmalloc_set_lazy(bool lazy);

/* ---- for mm/, tests and benchmarks -------------------------------------- */

/*
 * __vmalloc_node_range - vmalloc() with everything chosen: an area of
 * @size bytes aligned to @align (a power of two, >= PAGE_SIZE) inside
 * [@start, @end), pages allocated with @gfp, mapped with @prot; @vm_flags
 * may add VM_NO_GUARD. Return: the address, or NULL (impossible alignment,
 * no room in the window, no memory).
 */
void *__vmalloc_node_range(unsigned long size, unsigned long align,
			   unsigned long start, unsigned long end, gfp_t gfp,
			   pgprot_t prot, unsigned long vm_flags,
			   unsigned long caller);

/* find_vm_area - the live area starting exactly at @addr, or NULL. */
struct vm_struct *find_vm_area(const void *addr);

/* purge_vmap_area_lazy - flush the TLB once and free every lazy area. */
void purge_vmap_area_lazy(void);

struct vmalloc_stats {
	unsigned long nr_vmalloc;	/* vmalloc() calls that succeeded */
	unsigned long nr_vfree;
	unsigned long nr_vmap;
	unsigned long nr_vunmap;
	unsigned long nr_purges;	/* lazy purges done */
	unsigned long nr_purged_areas;	/* areas they returned */
	unsigned long nr_eager_invlpg;	/* invlpg done by eager vfree/vunmap */
	unsigned long nr_used_pages;	/* pages mapped by live vmalloc areas */
};
extern struct vmalloc_stats vmalloc_stats;

/* ---- the address-space allocator (mm/vmap_area.c) ------------------------ */

/* Counts of areas in each state. */
struct vmap_counts {
	unsigned long nr_free, nr_busy, nr_lazy;
	unsigned long free_bytes, busy_bytes, lazy_bytes;
	unsigned long lazy_pages;	/* what the purge threshold compares */
};
void vmap_area_counts(struct vmap_counts *c);

/*
 * alloc_vmap_area - reserve @size bytes (guard included) aligned to @align
 * in [@vstart, @vend), lowest address first; purge lazy areas and retry
 * once if nothing fits. Return: a busy area, or NULL.
 */
struct vmap_area *alloc_vmap_area(unsigned long size, unsigned long align,
				  unsigned long vstart, unsigned long vend,
				  gfp_t gfp, unsigned long caller);
/* free_vmap_area_noflush - busy -> lazy: to the purge list (maybe purging). */
void free_vmap_area_noflush(struct vmap_area *va);
/* free_vmap_area - busy -> free at once (the caller flushed the TLB). */
void free_vmap_area(struct vmap_area *va);
/* find_vmap_area - the busy area containing @addr, or NULL. */
struct vmap_area *find_vmap_area(unsigned long addr);
/* find_lazy_vmap_area - the lazily freed area containing @addr, or NULL. */
struct vmap_area *find_lazy_vmap_area(unsigned long addr);
/* The busy list, in address order, and the purge list (vmallocinfo). */
extern struct list_head vmap_area_list;
extern struct list_head vmap_purge_list;

/* vmap_area_drain - kfree() the spare area structs kept for reuse. */
void vmap_area_drain(void);

/* vmap_area_check - verify mm/vmap_area.c's invariants. Return: violations. */
unsigned int vmap_area_check(void);

#endif
