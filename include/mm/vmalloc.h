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
#define VMALLOC_LAZY_MAX_PAGES ((32UL << 20) / PAGE_SIZE)

/* vm_struct.flags, Linux's values. */
#define VM_IOREMAP  0x00000001UL /* unused */
#define VM_ALLOC    0x00000002UL /* vmalloc(): pages owned by the area */
#define VM_MAP	    0x00000004UL /* vmap(): pages owned by the caller */
#define VM_NO_GUARD 0x00000040UL /* no guard page after the area */

/* One vmalloc()ed or vmap()ed area (Linux's struct vm_struct). */
struct vm_struct {
	void *addr;	       /* first byte */
	unsigned long size;    /* bytes, the guard page included */
	unsigned long flags;   /* VM_* */
	struct page **pages;   /* nr_pages entries */
	unsigned int nr_pages; /* mapped pages */
	unsigned long caller;  /* who asked, for vmallocinfo */
};

/* ---- the API ------------------------------------------------------------ */

/**
 * vmalloc - allocate virtually contiguous memory
 * @size: bytes; rounded up to whole pages
 *
 * The pages come one at a time from the buddy allocator (GFP_KERNEL) and
 * are mapped side by side, with an unmapped guard page after them.
 *
 * Context: may sleep (calling it in atomic context is reported).
 * Return: the address of the first byte, or NULL (with a "vmalloc error"
 * warning) if @size is 0, more than all of RAM (refused before any page
 * is taken: "exceeds total pages"), too big for the range, or no room or
 * no memory is left.
 */
void *vmalloc(unsigned long size);

/**
 * vzalloc - vmalloc() with the memory zeroed
 * @size: bytes; rounded up to whole pages
 *
 * Context: may sleep.
 * Return: the address, or NULL as for vmalloc().
 */
void *vzalloc(unsigned long size);

/**
 * __vmalloc - vmalloc() with the caller's allocation flags
 * @size: bytes; rounded up to whole pages
 * @gfp: for the pages (__GFP_ZERO, __GFP_NOWARN...); the area's own
 *       structures are allocated with the GFP_KERNEL part of it
 *
 * Context: may sleep.
 * Return: the address, or NULL as for vmalloc() (no warning with
 * __GFP_NOWARN).
 */
void *__vmalloc(unsigned long size, gfp_t gfp);

/**
 * vfree - unmap and free a vmalloc() area
 * @addr: what vmalloc() returned, or NULL (then nothing happens)
 *
 * An address that is not the start of a live vmalloc() area (a second
 * vfree, an address inside an area, a vmap() area) is reported with the
 * area it falls in, and nothing is freed. With the lazy purge the range
 * is reusable only after the next purge.
 *
 * Context: may sleep.
 */
void vfree(const void *addr);

/**
 * vmap - map pages the caller owns side by side
 * @pages: @count page pointers; they stay the caller's
 * @count: how many
 * @flags: VM_MAP, optionally VM_NO_GUARD
 * @prot: the protection of every page (PAGE_KERNEL...)
 *
 * Context: may sleep.
 * Return: the address of the first page, or NULL (@count 0, @pages NULL,
 * too big, no room or no memory for the tables; a NULL entry in @pages is
 * warned about, and what was mapped before it is unmapped again).
 */
void *vmap(struct page **pages, unsigned int count, unsigned long flags,
	   pgprot_t prot);

/**
 * vunmap - undo vmap(); the pages are not freed
 * @addr: what vmap() returned, or NULL (then nothing happens)
 *
 * Misuse (not the start of a live vmap() area) is reported, as for vfree().
 *
 * Context: may sleep.
 */
void vunmap(const void *addr);

/**
 * vmalloc_to_page - the page mapped at @addr in the vmalloc range
 * @addr: any address
 *
 * Context: any.
 * Return: the struct page, or NULL if @addr is outside the vmalloc range
 * or not mapped (a guard page, a hole).
 */
struct page *vmalloc_to_page(const void *addr);

/**
 * vmalloc_to_pfn - the page frame mapped at @addr in the vmalloc range
 * @addr: any address
 *
 * Context: any.
 * Return: the pfn, or 0 where vmalloc_to_page() gives NULL.
 */
unsigned long vmalloc_to_pfn(const void *addr);

/**
 * is_vmalloc_addr - does @x lie in [VMALLOC_START, VMALLOC_END)?
 * @x: any address
 *
 * Context: any.
 * Return: true if it does (mapped or not).
 */
static inline bool is_vmalloc_addr(const void *x)
{
	unsigned long a = (unsigned long)x;

	return a >= VMALLOC_START && a < VMALLOC_END;
}

/**
 * kvmalloc - kmalloc() if it can without trying hard, else vmalloc()
 * @size: bytes
 * @gfp: GFP_KERNEL-compatible flags (__GFP_ZERO, __GFP_NOWARN...)
 *
 * Linux's rule: only requests above a page fall back, and the kmalloc
 * attempt gets __GFP_NORETRY | __GFP_NOWARN.
 *
 * Context: may sleep.
 * Return: the memory (free it with kvfree()), or NULL.
 */
void *kvmalloc(size_t size, gfp_t gfp);

/**
 * kvzalloc - kvmalloc() with the memory zeroed
 * @size: bytes
 * @gfp: as for kvmalloc()
 *
 * Context: may sleep.
 * Return: the memory, or NULL.
 */
void *kvzalloc(size_t size, gfp_t gfp);

/**
 * kvmalloc_array - kvmalloc() of @n elements of @size bytes
 * @n: the number of elements
 * @size: bytes each
 * @gfp: as for kvmalloc()
 *
 * Context: may sleep.
 * Return: the memory, or NULL (also when @n * @size overflows).
 */
void *kvmalloc_array(size_t n, size_t size, gfp_t gfp);

/**
 * kvcalloc - kvmalloc_array() with the memory zeroed
 * @n: the number of elements
 * @size: bytes each
 * @gfp: as for kvmalloc()
 *
 * Context: may sleep.
 * Return: the memory, or NULL.
 */
void *kvcalloc(size_t n, size_t size, gfp_t gfp);

/**
 * kvfree - free what kvmalloc() and its variants returned
 * @addr: a kmalloc() or vmalloc() address, or NULL
 *
 * Context: may sleep.
 */
void kvfree(const void *addr);

/**
 * show_vmallocinfo - print /proc/vmallocinfo: one line per area, in
 * address order, then the lazily freed areas (mm/vmalloc_glue.c; kernel
 * only)
 *
 * Context: any; prints at KERN_INFO.
 */
void show_vmallocinfo(void);

/**
 * vmalloc_init - set up the vmalloc space, the fault notes and the test
 * checker, and print the boot line (mm/vmalloc_glue.c; kernel only)
 *
 * Context: boot, after buddy_init() and kmalloc_init().
 */
void vmalloc_init(void);

/**
 * vmalloc_lazy_enabled - is the TLB purge lazy (vmalloc_lazy=1)?
 *
 * Context: any.
 * Return: true if vfree() leaves the flush to the next purge.
 */
bool vmalloc_lazy_enabled(void);

/**
 * vmalloc_set_lazy - switch the TLB purge between lazy and eager
 * @lazy: true for lazy; false purges what is pending first
 *
 * Context: may sleep (a purge flushes the TLB).
 */
void vmalloc_set_lazy(bool lazy);

/* ---- for mm/, tests and benchmarks -------------------------------------- */

/**
 * __vmalloc_node_range - vmalloc() with everything chosen
 * @size: bytes; rounded up to whole pages
 * @align: of the area: a power of two (PAGE_SIZE or more; less is rounded
 *         up to PAGE_SIZE)
 * @start: the lowest address the area may take
 * @end: one past the highest
 * @gfp: for the pages
 * @prot: the protection of every page
 * @vm_flags: 0, or VM_NO_GUARD
 * @caller: the address vmallocinfo names
 *
 * Context: may sleep.
 * Return: the address, or NULL (impossible alignment, no room in the
 * window, no memory), with a warning unless @gfp has __GFP_NOWARN.
 */
void *__vmalloc_node_range(unsigned long size, unsigned long align,
			   unsigned long start, unsigned long end, gfp_t gfp,
			   pgprot_t prot, unsigned long vm_flags,
			   unsigned long caller);

/**
 * find_vm_area - the live area starting exactly at @addr
 * @addr: a vmalloc() or vmap() address
 *
 * Context: any.
 * Return: its vm_struct, or NULL.
 */
struct vm_struct *find_vm_area(const void *addr);

struct vmalloc_stats {
	unsigned long nr_vmalloc; /* vmalloc() calls that succeeded */
	unsigned long nr_vfree;
	unsigned long nr_vmap;
	unsigned long nr_vunmap;
	unsigned long nr_purges;       /* lazy purges done */
	unsigned long nr_purged_areas; /* areas they returned */
	unsigned long nr_eager_invlpg; /* invlpg done by eager vfree/vunmap */
	unsigned long nr_used_pages;   /* pages mapped by live vmalloc areas */
};
extern struct vmalloc_stats vmalloc_stats;

#endif
