/*
 * mm/paging.c: the kernel page tables (see include/mm/paging.h).
 *
 * At boot, boot/boot.asm left 2 MiB identity and direct mappings of the
 * first 4 GiB. paging_build() replaces them with kvlab's own tables
 * (paging_init() in mm/paging_glue.c calls it with what the CPU offers
 * and where the linker put the image's sections):
 *
 *   PML4[273..]  direct map: all RAM (memblock.memory) at PAGE_OFFSET,
 *                1 GiB leaves where CPUID has pdpe1gb and the range is
 *                1 GiB-aligned, else 2 MiB leaves, 4 KiB only at the
 *                unaligned edges; RW + NX; MMIO holes left unmapped
 *   PML4[511]    the kernel image in 4 KiB pages, W^X:
 *                  [_text, _etext)     RX
 *                  [_rodata, _erodata) R + NX
 *                  [_data, _end)       RW + NX, except the guard page
 *                                      below the boot stack
 *   PML4[0]      nothing: page 0 and all low addresses fault
 *
 * Invariants, checked by the paging tests:
 *   1. no mapping below the canonical upper half;
 *   2. every direct-map leaf maps va - PAGE_OFFSET, and only RAM;
 *   3. no kernel-image page is both writable and executable.
 *
 * Every walk goes through the iterator of include/mm/paging.h
 * (pt_walk_start, pt_walk_next): mapping, lookup, and the monitor's pgwalk.
 *
 * Locking: none; kvlab runs on one CPU with interrupts off. Callers flush
 * the TLB themselves (vmalloc batches flushes on purpose).
 */
#include <arch/x86.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include <mm/mmdebug.h>
#include <mm/paging.h>

pteval_t supported_pte_mask = ~0ULL;
pteval_t *kernel_pgd;
phys_addr_t kernel_pgd_pa;
unsigned long nr_pagetable_pages;
unsigned long direct_pages_count[PG_LEVEL_512G];
struct tlb_stats tlb_stats;

/*
 * A zeroed page for a page table: from memblock at boot, from the buddy
 * allocator once it runs (then marked PG_pagetable).
 */
static pteval_t *alloc_table(gfp_t gfp)
{
	struct page *page;
	phys_addr_t pa;

	if (buddy_ready()) {
		page = alloc_pages(gfp | __GFP_ZERO, 0);
		if (!page)
			return NULL;
		__SetPagePagetable(page);
		nr_pagetable_pages++;
		return page_address(page);
	}
	pa = memblock_phys_alloc(PAGE_SIZE, PAGE_SIZE);
	if (!pa)
		return NULL;
	memset(__va(pa), 0, PAGE_SIZE);
	nr_pagetable_pages++;
	return __va(pa);
}

static bool canonical_kernel(unsigned long va)
{
	return va >= 0xffff800000000000UL;
}

/*
 * Find the entry for @va at @target level, allocating missing tables on
 * the way with @gfp. Return: the entry, or NULL with *@err set (-ENOMEM,
 * or -EEXIST when a huge leaf already covers @va).
 */
static pteval_t *walk_alloc(unsigned long va, enum pg_level target, gfp_t gfp,
			    int *err)
{
	struct pt_walk w;

	pt_walk_start(&w, kernel_pgd, va);
	while (w.level > target) {
		if (!(*w.slot & _PAGE_PRESENT)) {
			pteval_t *next = alloc_table(gfp);

			if (!next) {
				*err = -ENOMEM;
				return NULL;
			}
			*w.slot = __pa(next) | _PAGE_TABLE;
		} else if (pte_is_leaf(*w.slot, w.level)) {
			*err = -EEXIST;
			return NULL;
		}
		pt_walk_next(&w, *w.slot);
	}
	return w.slot;
}

int map_kernel_page(unsigned long va, phys_addr_t pa, pgprot_t prot, gfp_t gfp)
{
	pteval_t *pte;
	int err = 0;

	if ((va | pa) & ~PAGE_MASK || !canonical_kernel(va) ||
	    pa >= MAX_PHYS_ADDR)
		return -EINVAL;
	pte = walk_alloc(va, PG_LEVEL_4K, gfp, &err);
	if (!pte)
		return err;
	if (*pte & _PAGE_PRESENT)
		return -EEXIST;
	*pte = pa | (prot & supported_pte_mask) | _PAGE_PRESENT;
	return 0;
}

pteval_t *kernel_pte_alloc(unsigned long va, gfp_t gfp, int *err)
{
	*err = 0;
	if (va & ~PAGE_MASK || !canonical_kernel(va)) {
		*err = -EINVAL;
		return NULL;
	}
	return walk_alloc(va, PG_LEVEL_4K, gfp, err);
}

pteval_t *kernel_pte_offset(unsigned long va)
{
	struct pt_walk w;

	pt_walk_start(&w, kernel_pgd, va);
	while (w.level > PG_LEVEL_4K)
		if (!pt_walk_next(&w, *w.slot))
			return NULL;
	return w.slot;
}

pteval_t *lookup_address(unsigned long va, enum pg_level *level)
{
	struct pt_walk w;

	pt_walk_start(&w, kernel_pgd, va);
	while (pt_walk_next(&w, *w.slot))
		;
	*level = w.level;
	return *w.slot & _PAGE_PRESENT ? w.slot : NULL;
}

pteval_t unmap_kernel_page(unsigned long va)
{
	enum pg_level level;
	pteval_t *e = lookup_address(va, &level), old;

	if (!e || level != PG_LEVEL_4K)
		return 0;
	old = *e;
	*e = 0;
	return old;
}

int set_page_prot(unsigned long va, pgprot_t prot)
{
	enum pg_level level;
	pteval_t *e = lookup_address(va, &level);

	if (!e || level != PG_LEVEL_4K)
		return -EINVAL;
	*e = (*e & PTE_PFN_MASK) | (prot & supported_pte_mask) | _PAGE_PRESENT;
	flush_tlb_one_kernel(va);
	return 0;
}

void flush_tlb_one_kernel(unsigned long va)
{
	invlpg(va);
	tlb_stats.nr_invlpg++;
}

void flush_tlb_all(void)
{
	flush_tlb_all_local();
	tlb_stats.nr_full_flush++;
}

/* ---- walking ----------------------------------------------------------- */

void pgwalk_lookup(unsigned long va, struct pgwalk_result *r)
{
	struct pt_walk w;
	unsigned long mask;
	pteval_t e;

	memset(r, 0, sizeof(*r));
	pt_walk_start(&w, kernel_pgd, va);
	do {
		e = *w.slot;
		r->entry[w.level] = e;
		r->stopped = w.level;
	} while (pt_walk_next(&w, e));
	if (!(e & _PAGE_PRESENT))
		return;
	mask = (1UL << pg_level_shift(w.level)) - 1;
	r->leaf = w.level;
	r->pa = ((e & PTE_PFN_MASK) & ~(phys_addr_t)mask) | (va & mask);
}

/* ---- boot ----------------------------------------------------------------- */

/* The kernel image as paging_build() mapped it, for virt_to_phys(). */
static unsigned long image_start, image_end;

/* Map [start, end) of RAM at PAGE_OFFSET with the largest leaves that fit. */
static void map_direct_range(phys_addr_t start, phys_addr_t end, bool gbpages)
{
	phys_addr_t pa = start;
	pteval_t *e;
	int err = 0;

	while (pa < end) {
		unsigned long va = PAGE_OFFSET + pa;

		if (gbpages && IS_ALIGNED(pa, PUD_SIZE) &&
		    end - pa >= PUD_SIZE) {
			e = walk_alloc(va, PG_LEVEL_1G, 0, &err);
			BUG_ON_MSG(!e, "direct map at pa %#llx: error %d",
				   (unsigned long long)pa, err);
			*e = pa | (PAGE_KERNEL | _PAGE_PSE);
			direct_pages_count[PG_LEVEL_1G]++;
			pa += PUD_SIZE;
		} else if (IS_ALIGNED(pa, PMD_SIZE) && end - pa >= PMD_SIZE) {
			e = walk_alloc(va, PG_LEVEL_2M, 0, &err);
			BUG_ON_MSG(!e, "direct map at pa %#llx: error %d",
				   (unsigned long long)pa, err);
			*e = pa | (PAGE_KERNEL | _PAGE_PSE);
			direct_pages_count[PG_LEVEL_2M]++;
			pa += PMD_SIZE;
		} else {
			err = map_kernel_page(va, pa, PAGE_KERNEL, 0);
			BUG_ON_MSG(err, "direct map at pa %#llx: error %d",
				   (unsigned long long)pa, err);
			direct_pages_count[PG_LEVEL_4K]++;
			pa += PAGE_SIZE;
		}
	}
}

/* The kernel image, page by page, W^X. */
static void map_kernel_image(const struct paging_params *p)
{
	unsigned long va;
	pgprot_t prot;
	int err;

	for (va = p->text; va < p->end; va += PAGE_SIZE) {
		if (va == p->guard)
			continue; /* a stack overflow faults here */
		if (va < p->etext)
			prot = PAGE_KERNEL_RX;
		else if (va < p->erodata)
			prot = PAGE_KERNEL_RO;
		else
			prot = PAGE_KERNEL;
		err = map_kernel_page(va, va - KERNEL_VMA, prot, 0);
		BUG_ON_MSG(err, "kernel image at %#lx: error %d", va, err);
	}
}

void paging_build(const struct paging_params *p)
{
	phys_addr_t start, end;
	unsigned long i;

	VM_BUG_ON_MSG((p->text | p->etext | p->erodata | p->end) & ~PAGE_MASK,
		      "kernel image sections %#lx %#lx %#lx %#lx not "
		      "page-aligned",
		      p->text, p->etext, p->erodata, p->end);
	if (!p->nx)
		supported_pte_mask &= ~_PAGE_NX;
	if (!p->pge)
		supported_pte_mask &= ~_PAGE_GLOBAL;
	kernel_pgd = alloc_table(0);
	BUG_ON_MSG(!kernel_pgd, "no memory for the kernel's PML4");

	for (i = 0; i < memblock.memory.cnt; i++) {
		start = memblock.memory.regions[i].base;
		end = start + memblock.memory.regions[i].size;
		map_direct_range(start, end, p->gbpages);
	}
	map_kernel_image(p);
	image_start = p->text;
	image_end = p->end;

	kernel_pgd_pa = __pa(kernel_pgd);
	if (p->pge)
		write_cr4(read_cr4() | X86_CR4_PGE);
	write_cr3(kernel_pgd_pa);
	flush_tlb_all();
	/* Everything is mapped now: memblock may hand out any RAM. */
	memblock.current_limit = ~(phys_addr_t)0;
}

/* ---- address checks (include/mm/mm.h) ---------------------------------- */

bool is_direct_map_addr(const void *va)
{
	unsigned long v = (unsigned long)va;

	if (v < PAGE_OFFSET || v - PAGE_OFFSET >= DIRECT_MAP_SIZE)
		return false;
	return memblock_is_memory(v - PAGE_OFFSET);
}

phys_addr_t virt_to_phys(const void *va)
{
	unsigned long v = (unsigned long)va;

	if (v >= image_start && v < image_end)
		return v - KERNEL_VMA;
	if (is_direct_map_addr(va))
		return v - PAGE_OFFSET;
	report_begin("BUG: virt_to_phys(%p): not a direct-map or kernel-image "
		     "address%s",
		     va,
		     v >= VMALLOC_START && v < VMALLOC_END ? " (a vmalloc "
							     "address: use "
							     "vmalloc_to_page()"
							     ")"
							   : "");
	printk(KERN_ERR "caller: %pS\n", (void *)_RET_IP_);
	report_end();
	return (phys_addr_t)-1;
}

void *phys_to_virt(phys_addr_t pa)
{
	if (!memblock_is_memory(pa)) {
		report_begin("BUG: phys_to_virt(%#llx): not RAM",
			     (unsigned long long)pa);
		printk(KERN_ERR "caller: %pS\n", (void *)_RET_IP_);
		report_end();
		return NULL;
	}
	return __va(pa);
}
