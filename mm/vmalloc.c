/*
 * mm/vmalloc.c: vmalloc, vfree, vmap, vunmap and the lazy TLB purge (see
 * include/mm/vmalloc.h; Linux's mm/vmalloc.c is the model).
 *
 * vmalloc(size), in steps:
 *   1. round size up to pages; the area is one page longer (the guard);
 *   2. reserve the lowest free range that fits (mm/vmap_area.c);
 *   3. take each page separately from the buddy allocator: no contiguity
 *      is needed, which is the whole point;
 *   4. map them side by side, walking the page tables once per 2 MiB and
 *      filling consecutive PTEs; missing tables are allocated on demand;
 *   5. record the pages in a vm_struct hung on the area.
 * Any failure undoes every step already done (pages, tables stay: kernel
 * page tables are kept, as in Linux; the area goes back).
 *
 * vfree(addr) clears the PTEs and frees the pages. The TLB may still hold
 * translations for the cleared PTEs:
 *   eager (vmalloc_lazy=0): invlpg each page before the area is reusable;
 *   lazy  (vmalloc_lazy=1, default): put the area on the purge list
 *         instead; when VMALLOC_LAZY_MAX_PAGES pages have piled up, or an
 *         allocation finds no room, one full flush covers them all and
 *         they become free again. Until then the range is not handed out,
 *         so no one can reach a stale translation through a new area.
 *
 *   area of 3 pages at 0xffffc90000004000, pages=3, size 16 KiB:
 *
 *   va   ...4000    ...5000    ...6000    ...7000    ...8000
 *        | page 0  | page 1  | page 2  |  guard  | next area
 *          pfn 9a3   pfn 41    pfn 9a4   unmapped
 *
 * Locking: none; kvlab runs on one CPU with interrupts off.
 */
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/mmdebug.h>
#include <mm/slab.h>
#include <mm/stats.h>
#include <mm/vmalloc.h>

#include "internal.h"

#define RECENT_FREES 16 /* freed areas remembered for reports */

struct vmalloc_stats vmalloc_stats;
static bool vmalloc_lazy = true;

/* Areas freed lately, so a double vfree or a fault can name them. */
static struct vmalloc_recent_free recent[RECENT_FREES];
static unsigned int recent_next;

bool vmalloc_lazy_enabled(void)
{
	return vmalloc_lazy;
}

void vmalloc_set_lazy(bool lazy)
{
	if (!lazy)
		purge_vmap_area_lazy();
	vmalloc_lazy = lazy;
}

unsigned long vmalloc_used_pages(void)
{
	return vmalloc_stats.nr_used_pages;
}

const struct vmalloc_recent_free *vmalloc_find_recent(unsigned long addr)
{
	unsigned int i, k;

	for (i = 0; i < RECENT_FREES; i++) {
		k = (recent_next + RECENT_FREES - 1 - i) % RECENT_FREES;
		if (recent[k].end && addr >= recent[k].start &&
		    addr < recent[k].end)
			return &recent[k];
	}
	return NULL;
}

static void remember_free(const struct vmap_area *va, unsigned int nr_pages,
			  unsigned long freer)
{
	struct vmalloc_recent_free *r = &recent[recent_next++ % RECENT_FREES];

	r->start = va->va_start;
	r->end = va->va_end;
	r->nr_pages = nr_pages;
	r->caller = va->caller;
	r->freer = freer;
}

/* ---- page tables ----------------------------------------------------------- */

/*
 * The last page table vmalloc used, and the 2 MiB it covers. Kernel page
 * tables are never freed (include/mm/paging.h), so a table found once
 * stays the right one: back-to-back areas in the same 2 MiB skip the
 * four-level walk, on mapping and on unmapping.
 */
static struct {
	unsigned long pmd_va; /* ALIGN_DOWN(va, PMD_SIZE); 1 = none yet */
	pteval_t *pt;	      /* its page table */
} pt_cache = { 1, NULL };

static inline pteval_t *pte_slot(unsigned long va, gfp_t gfp, bool alloc,
				 int *err)
{
	unsigned long pmd_va = ALIGN_DOWN(va, PMD_SIZE);
	pteval_t *pte;

	if (likely(pmd_va == pt_cache.pmd_va))
		return pt_cache.pt + pt_index(va, PG_LEVEL_4K);
	pte = alloc ? kernel_pte_alloc(va, gfp, err) : kernel_pte_offset(va);
	if (pte) {
		pt_cache.pmd_va = pmd_va;
		pt_cache.pt = pte - pt_index(va, PG_LEVEL_4K);
	}
	return pte;
}

/* The vmalloc lab: your own helpers for the functions below, if any. */
/* BEGIN LAB vmalloc */
/* END LAB */

/*
 * Map @nr pages at @addr. A NULL entry in @pages is the caller's bug: it
 * is warned about, as Linux's WARN_ON(!page), and fails the mapping
 * instead of becoming a PTE for page_to_phys(NULL). Return: 0, or a
 * negative errno with the pages mapped so far in *@done (the caller
 * unmaps them).
 */
static int vmap_pages_range(unsigned long addr, struct page **pages,
			    unsigned int nr, pgprot_t prot, gfp_t gfp,
			    unsigned int *done)
{
	/* BEGIN LAB vmalloc */
	unsigned int i = 0;
	pteval_t *pte;
	int err;

	VM_BUG_ON_MSG(addr & ~PAGE_MASK, "mapping at unaligned %#lx", addr);
	prot |= _PAGE_PRESENT;
	while (i < nr) {
		pte = pte_slot(addr, gfp, true, &err);
		if (unlikely(!pte))
			goto out;
		/* The rest of this page table: up to the next 2 MiB boundary. */
		do {
			if (unlikely(*pte & _PAGE_PRESENT)) {
				WARN(1,
				     "vmalloc: %#lx is already mapped (pte "
				     "%#llx)",
				     addr, (unsigned long long)*pte);
				err = -EEXIST;
				goto out;
			}
			if (WARN_ON(!pages[i])) {
				err = -ENOMEM;
				goto out;
			}
			*pte++ = page_to_phys(pages[i]) | prot;
			addr += PAGE_SIZE;
		} while (++i < nr && (addr & (PMD_SIZE - 1)));
	}
	err = 0;
out:
	*done = i;
	return err;
	/* END LAB */
}

/* Clear the PTEs of [addr, end); invlpg each if @flush. */
static void vunmap_range(unsigned long addr, unsigned long end, bool flush)
{
	unsigned long next;
	pteval_t *pte;

	VM_BUG_ON_MSG((addr | end) & ~PAGE_MASK || end < addr,
		      "unmapping %#lx-%#lx: unaligned or reversed", addr, end);
	while (addr < end) {
		next = MIN(end, ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE);
		pte = pte_slot(addr, 0, false, NULL);
		if (unlikely(!pte)) {
			addr = next;
			continue;
		}
		for (; addr < next; addr += PAGE_SIZE, pte++) {
			*pte = 0;
			if (flush)
				flush_tlb_one_kernel(addr);
		}
	}
}

/*
 * Give back an area whose PTEs are cleared: eagerly (flush each page now,
 * free the range now) or lazily (purge list).
 */
static void release_area(struct vmap_area *va, unsigned int nr_mapped)
{
	unsigned long end =
		va->va_start + ((unsigned long)nr_mapped << PAGE_SHIFT);

	VM_BUG_ON_MSG(end > va->va_end, "%u pages mapped in area %#lx-%#lx",
		      nr_mapped, va->va_start, va->va_end);
	if (vmalloc_lazy) {
		vunmap_range(va->va_start, end, false);
		free_vmap_area_noflush(va);
	} else {
		vunmap_range(va->va_start, end, true);
		vmalloc_stats.nr_eager_invlpg += nr_mapped;
		free_vmap_area(va);
	}
}

/* ---- vmalloc ----------------------------------------------------------------- */

/*
 * A small page array rides in the same allocation as its vm_struct (one
 * kmalloc instead of two); a big one is separate, and above a page it is
 * itself vmalloc()ed, as in Linux.
 */
#define VM_INLINE_PAGES 32

static void free_page_array(struct vm_struct *vm)
{
	if (vm->pages == (struct page **)(vm + 1))
		return;
	if (is_vmalloc_addr(vm->pages))
		vfree(vm->pages);
	else
		kfree(vm->pages);
}

/* Linux allocates the page array with vmalloc itself when above a page. */
static struct page **alloc_page_array(unsigned int nr, gfp_t gfp,
				      unsigned long caller)
{
	unsigned long bytes = (unsigned long)nr * sizeof(struct page *);

	if (bytes <= PAGE_SIZE)
		return kmalloc(bytes, gfp);
	return __vmalloc_node_range(bytes, PAGE_SIZE, VMALLOC_START,
				    VMALLOC_END, gfp, PAGE_KERNEL, 0, caller);
}

static int alloc_area_pages(struct vm_struct *vm, gfp_t gfp)
{
	unsigned int i;

	for (i = 0; i < vm->nr_pages; i++) {
		struct page *page = alloc_page(gfp);

		if (unlikely(!page)) {
			while (i--)
				__free_page(vm->pages[i]);
			return -ENOMEM;
		}
		__SetPageVmalloc(page);
		vm->pages[i] = page;
	}
	return 0;
}

static void warn_vmalloc(unsigned long size, gfp_t gfp, unsigned long caller,
			 const char *why)
{
	if (gfp & __GFP_NOWARN)
		return;
	pr_warn("vmalloc error: size %lu, %s, mode:%#x, caller %pS\n", size,
		why, gfp, (void *)caller);
}

void *__vmalloc_node_range(unsigned long size, unsigned long align,
			   unsigned long start, unsigned long end, gfp_t gfp,
			   pgprot_t prot, unsigned long vm_flags,
			   unsigned long caller)
{
	/* BEGIN LAB vmalloc */
	gfp_t meta_gfp = gfp & (GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY);
	unsigned long guard = vm_flags & VM_NO_GUARD ? 0 : PAGE_SIZE;
	unsigned int nr_mapped, nr_pages, inline_pages;
	struct vm_struct *vm;
	struct vmap_area *va;

	if (unlikely(in_atomic()))
		__might_sleep("vmalloc", caller);
	if (align && align < PAGE_SIZE && !(align & (align - 1)))
		align = PAGE_SIZE; /* areas are page-aligned anyway */
	if (unlikely(!size)) {
		warn_vmalloc(size, gfp, caller,
			     "does not fit the vmalloc range");
		return NULL;
	}
	/*
	 * More than all of RAM can never succeed: say so before taking a
	 * single page, instead of draining every zone to its watermark
	 * first (Linux 6.1 checks this first too).
	 */
	if (unlikely(size >> PAGE_SHIFT > totalram_pages())) {
		warn_vmalloc(size, gfp, caller, "exceeds total pages");
		return NULL;
	}
	if (unlikely(size > end - start ||
		     PAGE_ALIGN(size) + guard > end - start)) {
		warn_vmalloc(size, gfp, caller,
			     "does not fit the vmalloc range");
		return NULL;
	}
	size = PAGE_ALIGN(size);
	if (unlikely((size >> PAGE_SHIFT) > 0xffffffffUL)) {
		/* nr_pages is an unsigned int; unreachable below 16 TiB of RAM. */
		warn_vmalloc(size, gfp, caller, "too many pages");
		return NULL;
	}
	nr_pages = (unsigned int)(size >> PAGE_SHIFT);
	inline_pages = nr_pages <= VM_INLINE_PAGES ? nr_pages : 0;
	vm = kmalloc(sizeof(*vm) + inline_pages * sizeof(struct page *),
		     meta_gfp);
	if (unlikely(!vm))
		goto fail;
	va = alloc_vmap_area(size + guard, align, start, end, meta_gfp, caller);
	if (unlikely(!va)) {
		kfree(vm);
		warn_vmalloc(size, gfp, caller, "no room in the vmalloc range");
		return NULL;
	}
	vm->addr = (void *)va->va_start;
	vm->size = size + guard;
	vm->flags = VM_ALLOC | (vm_flags & VM_NO_GUARD);
	vm->nr_pages = nr_pages;
	vm->caller = caller;
	if (inline_pages)
		vm->pages = (struct page **)(vm + 1);
	else
		vm->pages = alloc_page_array(nr_pages, meta_gfp, caller);
	if (unlikely(!vm->pages))
		goto fail_area;
	if (unlikely(alloc_area_pages(vm, gfp)))
		goto fail_array;
	if (unlikely(vmap_pages_range(va->va_start, vm->pages, vm->nr_pages,
				      prot, meta_gfp, &nr_mapped)))
		goto fail_pages;
	va->vm = vm;
	vmalloc_stats.nr_vmalloc++;
	vmalloc_stats.nr_used_pages += vm->nr_pages;
	return vm->addr;

fail_pages:
	vunmap_range(va->va_start,
		     va->va_start + ((unsigned long)nr_mapped << PAGE_SHIFT),
		     true);
	for (nr_mapped = 0; nr_mapped < vm->nr_pages; nr_mapped++)
		__free_page(vm->pages[nr_mapped]);
fail_array:
	free_page_array(vm);
fail_area:
	free_vmap_area(va);
	kfree(vm);
fail:
	warn_vmalloc(size, gfp, caller, "out of memory");
	return NULL;
	/* END LAB */
}

void *__vmalloc(unsigned long size, gfp_t gfp)
{
	return __vmalloc_node_range(size, PAGE_SIZE, VMALLOC_START, VMALLOC_END,
				    gfp, PAGE_KERNEL, 0, _RET_IP_);
}

void *vmalloc(unsigned long size)
{
	return __vmalloc_node_range(size, PAGE_SIZE, VMALLOC_START, VMALLOC_END,
				    GFP_KERNEL, PAGE_KERNEL, 0, _RET_IP_);
}

void *vzalloc(unsigned long size)
{
	return __vmalloc_node_range(size, PAGE_SIZE, VMALLOC_START, VMALLOC_END,
				    GFP_KERNEL | __GFP_ZERO, PAGE_KERNEL, 0,
				    _RET_IP_);
}

struct vm_struct *find_vm_area(const void *addr)
{
	struct vmap_area *va = find_vmap_area((unsigned long)addr);

	if (!va || va->va_start != (unsigned long)addr)
		return NULL;
	return va->vm;
}

/* ---- misuse -------------------------------------------------------------------- */

/* Say what @addr is to the vmalloc allocator, for a refused vfree/vunmap. */
static void report_bad_free(const char *fn, const void *addr,
			    const char *expect, unsigned long caller)
{
	unsigned long a = (unsigned long)addr;
	const struct vmap_area *va = find_vmap_area(a);
	const struct vmalloc_recent_free *r = va ? NULL
						 : vmalloc_find_recent(a);

	if (!is_vmalloc_addr(addr)) {
		report_begin("BUG: Trying to %s() bad address (%p): not in the "
			     "vmalloc range %#lx-%#lx",
			     fn, addr, VMALLOC_START, VMALLOC_END - 1);
	} else if (va && va->vm && va->va_start == a) {
		report_begin("BUG: Trying to %s() area %#lx-%#lx made by %s "
			     "(%p)",
			     fn, va->va_start, va->va_end,
			     va->vm->flags & VM_MAP ? "vmap()" : "vmalloc()",
			     addr);
		printk(KERN_ERR "use %s; %u pages, allocated by %pS\n", expect,
		       va->vm->nr_pages, (void *)va->caller);
	} else if (va) {
		report_begin("BUG: Trying to %s() an address inside area "
			     "%#lx-%#lx (%p)",
			     fn, va->va_start, va->va_end, addr);
		printk(KERN_ERR "the area starts at %#lx; %u pages, allocated "
				"by %pS\n",
		       va->va_start, va->vm ? va->vm->nr_pages : 0,
		       (void *)va->caller);
	} else if (r) {
		report_begin("BUG: Trying to %s() an area already freed "
			     "(double free) (%p)",
			     fn, addr);
		printk(KERN_ERR "area %#lx-%#lx, %u pages, allocated by %pS, "
				"freed by %pS\n",
		       r->start, r->end, r->nr_pages, (void *)r->caller,
		       (void *)r->freer);
	} else {
		report_begin("BUG: Trying to %s() nonexistent vm area (%p)", fn,
			     addr);
		printk(KERN_ERR "no area holds this address (never allocated, "
				"or freed long ago)\n");
	}
	printk(KERN_ERR "caller: %pS; nothing was freed\n", (void *)caller);
	report_end();
}

/* ---- vfree --------------------------------------------------------------------- */

/* The live area of kind @flag starting at @addr, or NULL after a report. */
static struct vmap_area *area_to_free(const void *addr, unsigned long flag,
				      const char *fn, const char *expect,
				      unsigned long caller)
{
	struct vmap_area *va = find_vmap_area((unsigned long)addr);

	if (likely(va && va->va_start == (unsigned long)addr && va->vm &&
		   (va->vm->flags & flag)))
		return va;
	report_bad_free(fn, addr, expect, caller);
	return NULL;
}

void vfree_caller(const void *addr, unsigned long caller)
{
	/* BEGIN LAB vmalloc */
	struct vmap_area *va;
	struct vm_struct *vm;
	unsigned int i;

	if (unlikely(in_atomic()))
		__might_sleep("vfree", caller);
	if (!addr)
		return;
	va = area_to_free(addr, VM_ALLOC, "vfree", "vunmap()", caller);
	if (unlikely(!va))
		return;
	vm = va->vm;
	va->vm = NULL;
	remember_free(va, vm->nr_pages, caller);
	vmalloc_stats.nr_vfree++;
	vmalloc_stats.nr_used_pages -= vm->nr_pages;
	/* Eager: flushed before the pages go. Lazy: Linux's order, flush later. */
	release_area(va, vm->nr_pages);
	for (i = 0; i < vm->nr_pages; i++)
		__free_page(vm->pages[i]);
	free_page_array(vm);
	kfree(vm);
	/* END LAB */
}

void vfree(const void *addr)
{
	vfree_caller(addr, _RET_IP_);
}

/* ---- vmap ---------------------------------------------------------------------- */

void *vmap(struct page **pages, unsigned int count, unsigned long flags,
	   pgprot_t prot)
{
	unsigned long guard = flags & VM_NO_GUARD ? 0 : PAGE_SIZE;
	unsigned long size = (unsigned long)count << PAGE_SHIFT;
	unsigned int nr_mapped;
	struct vm_struct *vm;
	struct vmap_area *va;

	if (unlikely(in_atomic()))
		__might_sleep("vmap", _RET_IP_);
	if (unlikely(!count || !pages || size + guard > VMALLOC_SIZE))
		return NULL;
	vm = kmalloc(sizeof(*vm), GFP_KERNEL);
	if (unlikely(!vm))
		return NULL;
	va = alloc_vmap_area(size + guard, PAGE_SIZE, VMALLOC_START,
			     VMALLOC_END, GFP_KERNEL, _RET_IP_);
	if (unlikely(!va)) {
		kfree(vm);
		return NULL;
	}
	if (unlikely(vmap_pages_range(va->va_start, pages, count, prot,
				      GFP_KERNEL, &nr_mapped))) {
		vunmap_range(va->va_start,
			     va->va_start +
				     ((unsigned long)nr_mapped << PAGE_SHIFT),
			     true);
		free_vmap_area(va);
		kfree(vm);
		return NULL;
	}
	vm->addr = (void *)va->va_start;
	vm->size = size + guard;
	vm->flags = VM_MAP | (flags & VM_NO_GUARD);
	vm->pages = NULL; /* the caller's array, maybe gone after this */
	vm->nr_pages = count;
	vm->caller = _RET_IP_;
	va->vm = vm;
	vmalloc_stats.nr_vmap++;
	return vm->addr;
}

void vunmap(const void *addr)
{
	struct vmap_area *va;
	struct vm_struct *vm;

	if (unlikely(in_atomic()))
		__might_sleep("vunmap", _RET_IP_);
	if (!addr)
		return;
	va = area_to_free(addr, VM_MAP, "vunmap", "vfree()", _RET_IP_);
	if (unlikely(!va))
		return;
	vm = va->vm;
	va->vm = NULL;
	remember_free(va, vm->nr_pages, _RET_IP_);
	vmalloc_stats.nr_vunmap++;
	release_area(va, vm->nr_pages);
	kfree(vm);
}

/* ---- lookups ----------------------------------------------------------------------- */

struct page *vmalloc_to_page(const void *addr)
{
	unsigned long a = (unsigned long)addr;
	pteval_t *pte;

	if (!is_vmalloc_addr(addr))
		return NULL;
	pte = kernel_pte_offset(a & PAGE_MASK);
	if (!pte || !(*pte & _PAGE_PRESENT))
		return NULL;
	return pfn_to_page(PFN_DOWN(*pte & PTE_PFN_MASK));
}

unsigned long vmalloc_to_pfn(const void *addr)
{
	struct page *page = vmalloc_to_page(addr);

	return page ? page_to_pfn(page) : 0;
}

/* ---- reset -------------------------------------------------------------------- */

void vmalloc_reset(void)
{
	pt_cache.pmd_va = 1;
	pt_cache.pt = NULL;
	memset(recent, 0, sizeof(recent));
	recent_next = 0;
	memset(&vmalloc_stats, 0, sizeof(vmalloc_stats));
	vmap_area_init();
}
