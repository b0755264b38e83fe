/*
 * include/mm/paging.h: the kernel's page tables (x86_64, 4 levels).
 *
 * A virtual address is split into four 9-bit table indices and an offset:
 *
 *   63    48 47    39 38    30 29    21 20    12 11         0
 *  | sign   | PML4   | PDPT   | PD     | PT     | offset     |
 *            pgd      pud      pmd      pte
 *
 * An entry at PDPT level may map 1 GiB directly and one at PD level 2 MiB
 * (the PSE bit): that is how the direct map covers RAM with few entries.
 * vmalloc uses 4 KiB entries only.
 *
 * mm/paging.c builds the tables at boot (paging_build, called by
 * paging_init in mm/paging_glue.c) and offers
 * map/unmap/lookup of single 4 KiB pages to the rest of mm/. Intermediate
 * tables are allocated on demand (from memblock at boot, from the buddy
 * allocator afterwards) and never freed: kernel page tables are shared by
 * everything, as in Linux. Nothing here flushes the TLB by itself; callers
 * decide when (vmalloc's lazy purge depends on that).
 */
#ifndef KVLAB_MM_PAGING_H
#define KVLAB_MM_PAGING_H

#include <lib/types.h>
#include <mm/gfp.h>
#include <mm/layout.h>
#include <mm/mm.h>

typedef u64 pteval_t;
typedef u64 pgprot_t;

#define _PAGE_PRESENT  (1ULL << 0)
#define _PAGE_RW       (1ULL << 1)
#define _PAGE_USER     (1ULL << 2)
#define _PAGE_PWT      (1ULL << 3)
#define _PAGE_PCD      (1ULL << 4)
#define _PAGE_ACCESSED (1ULL << 5)
#define _PAGE_DIRTY    (1ULL << 6)
#define _PAGE_PSE      (1ULL << 7) /* a 2 MiB or 1 GiB leaf */
#define _PAGE_GLOBAL   (1ULL << 8)
#define _PAGE_NX       (1ULL << 63)

#define PTE_PFN_MASK   0x000ffffffffff000ULL
#define PTE_FLAGS_MASK (~PTE_PFN_MASK)

/* Protections before supported_pte_mask drops what the CPU lacks. */
#define __PAGE_KERNEL                                              \
	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | \
	 _PAGE_GLOBAL | _PAGE_NX)
#define __PAGE_KERNEL_RO \
	(_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL | _PAGE_NX)
#define __PAGE_KERNEL_RX (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL)
/* Intermediate tables: permissions are decided at the leaf. */
#define _PAGE_TABLE	 (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

/* NX only where EFER.NXE is on, global only with CR4.PGE. */
extern pteval_t supported_pte_mask;

#define PAGE_KERNEL    (__PAGE_KERNEL & supported_pte_mask)
#define PAGE_KERNEL_RO (__PAGE_KERNEL_RO & supported_pte_mask)
#define PAGE_KERNEL_RX (__PAGE_KERNEL_RX & supported_pte_mask)

/*
 * The levels of the tables, numbered as Linux numbers them: by the size
 * one entry maps, from the bottom. Every walker, the monitor's pgwalk and
 * the gdb helper use this numbering.
 *
 *   level          table  an entry maps   a leaf here
 *   PG_LEVEL_512G  PML4   512 GiB         never (PS is reserved)
 *   PG_LEVEL_1G    PDPT   1 GiB           with PS (pdpe1gb)
 *   PG_LEVEL_2M    PD     2 MiB           with PS
 *   PG_LEVEL_4K    PT     4 KiB           always
 */
enum pg_level {
	PG_LEVEL_NONE,
	PG_LEVEL_4K,
	PG_LEVEL_2M,
	PG_LEVEL_1G,
	PG_LEVEL_512G,
};

/**
 * pg_level_shift - log2 of the bytes one entry at @level maps
 * @level: PG_LEVEL_4K to PG_LEVEL_512G
 *
 * Context: any.
 * Return: 12, 21, 30 or 39.
 */
static inline unsigned int pg_level_shift(enum pg_level level)
{
	return PAGE_SHIFT + 9 * (level - 1);
}

/**
 * pt_index - the index of @va's entry in a table at @level
 * @va: any virtual address
 * @level: PG_LEVEL_4K to PG_LEVEL_512G
 *
 * Context: any.
 * Return: 0 to PTRS_PER_TABLE - 1.
 */
static inline unsigned int pt_index(unsigned long va, enum pg_level level)
{
	return (va >> pg_level_shift(level)) & (PTRS_PER_TABLE - 1);
}

/**
 * pte_is_leaf - does the present entry @e at @level map memory itself?
 * @e: a present entry
 * @level: the level of the table holding @e
 *
 * Context: any.
 * Return: true for every PT entry and for a PDPT or PD entry with PS;
 * false for a PML4 entry (PS is reserved there) and other table entries.
 */
static inline bool pte_is_leaf(pteval_t e, enum pg_level level)
{
	return level == PG_LEVEL_4K ||
	       (level <= PG_LEVEL_1G && (e & _PAGE_PSE));
}

/*
 * Walking the tables: one iterator, used by every walker (map and
 * lookup in mm/paging.c, the printing pgwalk in mm/paging_glue.c). It
 * holds the slot of @va at one level; the caller reads the entry there
 * (directly, or with a probe when the tables may be broken), decides
 * what to do with it, and steps down with pt_walk_next():
 *
 *   struct pt_walk w;
 *
 *   pt_walk_start(&w, kernel_pgd, va);     w.level = PG_LEVEL_512G
 *   while (pt_walk_next(&w, *w.slot))      down while the entry is a
 *           ;                              present table
 *   w.level, *w.slot                       where it stopped: a leaf, a
 *                                          non-present entry, or the PT
 */
struct pt_walk {
	unsigned long va;    /* the address walked */
	enum pg_level level; /* the level of table[] */
	pteval_t *table;     /* the table at this level (direct map) */
	unsigned int index;  /* pt_index(va, level) */
	pteval_t *slot;	     /* &table[index]: va's entry at this level */
};

/**
 * pt_walk_start - begin a walk of @va at the top-level table @pgd
 * @w: the walk
 * @pgd: a PML4, by its direct-map address
 * @va: the address to walk
 *
 * Context: any.
 */
static inline void pt_walk_start(struct pt_walk *w, pteval_t *pgd,
				 unsigned long va)
{
	w->va = va;
	w->level = PG_LEVEL_512G;
	w->table = pgd;
	w->index = pt_index(va, PG_LEVEL_512G);
	w->slot = &pgd[w->index];
}

/**
 * pt_walk_next - step down through the entry @e read from @w->slot
 * @w: the walk
 * @e: the value of *@w->slot, as the caller read it
 *
 * Context: any.
 * Return: true if @e is a present table entry and @w now stands one
 * level lower; false (and @w unchanged) if @e is not present, is a leaf,
 * or @w is at PG_LEVEL_4K.
 */
static inline bool pt_walk_next(struct pt_walk *w, pteval_t e)
{
	if (!(e & _PAGE_PRESENT) || pte_is_leaf(e, w->level))
		return false;
	w->level--;
	w->table = __va(e & PTE_PFN_MASK);
	w->index = pt_index(w->va, w->level);
	w->slot = &w->table[w->index];
	return true;
}

/* The kernel's top-level table (PML4), and its physical address (CR3). */
extern pteval_t *kernel_pgd;
extern phys_addr_t kernel_pgd_pa;

/* Page-table pages allocated since boot (meminfo's PageTables). */
extern unsigned long nr_pagetable_pages;

/* Direct-map leaves by size (meminfo's DirectMap4k/2M/1G). */
extern unsigned long direct_pages_count[PG_LEVEL_512G];

/* What paging_build() needs from the CPU and the linker. */
struct paging_params {
	bool nx;	       /* the CPU has NX (EFER.NXE is on) */
	bool pge;	       /* global pages: set CR4.PGE */
	bool gbpages;	       /* 1 GiB leaves allowed (pdpe1gb) */
	unsigned long text;    /* [text, etext): code, RX */
	unsigned long etext;   /* [etext, erodata): read-only, NX */
	unsigned long erodata; /* [erodata, end): read-write, NX */
	unsigned long end;     /* one past the image, page-aligned */
	unsigned long guard;   /* one page of the image left unmapped, or 0 */
};

/**
 * paging_build - build the kernel's tables and switch to them
 * @p: the CPU's features and the kernel image's sections
 *
 * The direct map of all RAM (memblock.memory) at PAGE_OFFSET with the
 * largest pages alignment allows (1 GiB only with @p->gbpages), the
 * kernel image [@p->text, @p->end) W^X in 4 KiB pages without the page at
 * @p->guard, and no low identity map. Then CR3 is loaded and memblock's
 * limit lifted.
 *
 * Context: boot, after memblock_init(). Panics if the tables cannot be
 * allocated.
 */
void paging_build(const struct paging_params *p);

/**
 * paging_init - paging_build() for this CPU and this image, then the
 * boot lines (mm/paging_glue.c; kernel only)
 *
 * Context: boot, after cpu_identify() and memblock_init().
 */
void paging_init(void);

/**
 * map_kernel_page - map the 4 KiB page at @va to @pa
 * @va: a page-aligned kernel (canonical upper-half) address
 * @pa: a page-aligned physical address below MAX_PHYS_ADDR
 * @prot: the protection (PAGE_KERNEL...; what the CPU lacks is dropped)
 * @gfp: for missing intermediate tables
 *
 * The TLB is not flushed (nothing was mapped there).
 *
 * Context: boot, or may sleep (tables from the buddy allocator).
 * Return: 0; -EINVAL if @va or @pa is unaligned or @va non-canonical;
 * -EEXIST if @va is already mapped (by any size of leaf); -ENOMEM.
 */
int map_kernel_page(unsigned long va, phys_addr_t pa, pgprot_t prot, gfp_t gfp);

/**
 * unmap_kernel_page - clear the 4 KiB mapping of @va
 * @va: a kernel address
 *
 * The TLB is not flushed: the caller does it (flush_tlb_one_kernel()).
 *
 * Context: any.
 * Return: the entry that was there, 0 if none (a huge leaf is left alone
 * and also returns 0).
 */
pteval_t unmap_kernel_page(unsigned long va);

/**
 * kernel_pte_alloc - the 4 KiB entry slot for @va, allocating the tables
 * on the way
 * @va: a page-aligned kernel address
 * @gfp: for missing intermediate tables (counted in nr_pagetable_pages)
 * @err: set to 0, or to why NULL is returned
 *
 * The 511 slots after it up to the next 2 MiB boundary are in the same
 * table, so a caller mapping a range walks once per 2 MiB (vmalloc does).
 *
 * Context: may sleep.
 * Return: the slot, or NULL with *@err = -ENOMEM, -EEXIST (a huge leaf
 * covers @va) or -EINVAL (@va unaligned or not canonical).
 */
pteval_t *kernel_pte_alloc(unsigned long va, gfp_t gfp, int *err);

/**
 * kernel_pte_offset - the 4 KiB entry slot for @va, if its table exists
 * @va: a kernel address
 *
 * Context: any.
 * Return: the slot (present or not), or NULL when a level above has no
 * table for @va or a huge leaf maps it.
 */
pteval_t *kernel_pte_offset(unsigned long va);

/**
 * lookup_address - the leaf entry mapping @va, with its level
 * @va: any address
 * @level: set to the level where the walk stopped
 *
 * Context: any.
 * Return: the leaf entry (*@level PG_LEVEL_4K, 2M or 1G), or NULL if @va
 * is not mapped (*@level is the level whose entry was not present).
 */
pteval_t *lookup_address(unsigned long va, enum pg_level *level);

/**
 * set_page_prot - change the protection of the 4 KiB page at @va
 * @va: a kernel address mapped by a 4 KiB leaf
 * @prot: the new protection
 *
 * The old translation is flushed from the TLB. For tests.
 *
 * Context: any.
 * Return: 0, or -EINVAL if @va is not mapped by a 4 KiB leaf.
 */
int set_page_prot(unsigned long va, pgprot_t prot);

/* TLB maintenance, counted. */
struct tlb_stats {
	unsigned long nr_invlpg;     /* single-page flushes */
	unsigned long nr_full_flush; /* whole-TLB flushes */
};
extern struct tlb_stats tlb_stats;

/**
 * flush_tlb_one_kernel - drop the TLB's translation of @va (invlpg)
 * @va: a kernel address
 *
 * Context: any.
 */
void flush_tlb_one_kernel(unsigned long va);

/**
 * flush_tlb_all - drop every translation, global ones included
 *
 * Context: any.
 */
void flush_tlb_all(void);

/* What a walk of @va met at each level (4 = PML4 ... 1 = PT). */
struct pgwalk_result {
	pteval_t entry[PG_LEVEL_512G + 1]; /* by enum pg_level */
	enum pg_level leaf;		   /* NONE if not mapped */
	enum pg_level stopped; /* the level of the last entry read */
	phys_addr_t pa;	       /* when mapped */
};

/**
 * pgwalk_lookup - walk the kernel's tables for @va and record each level
 * @va: any address
 * @r: zeroed, then filled in
 *
 * Context: any.
 */
void pgwalk_lookup(unsigned long va, struct pgwalk_result *r);

/**
 * pgwalk - print the walk of @va as the live CR3 sees it
 * @va: any canonical address
 *
 * Each level's entry and flags, then the physical address and the
 * effective rights (the monitor's pgwalk; mm/paging_glue.c, kernel only).
 * Tables are read with probes, so a broken table is reported, not fatal.
 *
 * Context: any; prints on the console.
 * Return: 0, or -EFAULT when a table could not be read.
 */
int pgwalk(unsigned long va);

#endif
