/*
 * include/mm/layout.h: kvlab's address space. Every raw address and size of
 * the memory map lives here and nowhere else.
 *
 * Virtual address space (x86_64, 4-level paging), the same bases as Linux
 * (Documentation/arch/x86/x86_64/mm.rst):
 *
 *   start              end (inclusive)     size     use
 *   0000000000000000 - 00007fffffffffff   128 TiB  unused (no user space);
 *                                                   page 0 never mapped
 *   ffff888000000000 - ffffc87fffffffff    64 TiB  direct map of all RAM:
 *                                                   va = pa + PAGE_OFFSET
 *   ffffc90000000000 - ffffe8ffffffffff    32 TiB  vmalloc / vmap, 4 KiB
 *                                                   pages, guard page after
 *                                                   each area
 *   ffffea0000000000 - ffffeaffffffffff     1 TiB  vmemmap (unused: kvlab's
 *                                                   struct pages are a flat
 *                                                   array in the direct map)
 *   ffffffff80000000 - ffffffffffffffff     2 GiB  kernel image,
 *                                                   -mcmodel=kernel
 *     ffffffffff000000 - ffffffffff000fff   4 KiB  in it, far above the
 *                                                   image: the fixmap,
 *                                                   the xAPIC page (UC)
 *
 * Physical memory: the kernel image is loaded at KERNEL_PHYS (2 MiB); the
 * first MiB (BIOS data, EBDA, option ROMs) is never handed out.
 */
#ifndef KVLAB_MM_LAYOUT_H
#define KVLAB_MM_LAYOUT_H

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

#define PMD_SHIFT      21 /* one page-directory entry: 2 MiB */
#define PMD_SIZE       (1UL << PMD_SHIFT)
#define PUD_SHIFT      30 /* one PDPT entry: 1 GiB */
#define PUD_SIZE       (1UL << PUD_SHIFT)
#define PGDIR_SHIFT    39 /* one PML4 entry: 512 GiB */
#define PGDIR_SIZE     (1UL << PGDIR_SHIFT)
#define PTRS_PER_TABLE 512

#ifdef KVLAB_HOST
/* tests/host: the direct map is wherever the host mmap'd the arena. */
extern unsigned long kvlab_host_page_offset;
#define PAGE_OFFSET kvlab_host_page_offset
#else
#define PAGE_OFFSET 0xffff888000000000UL
#endif
#define DIRECT_MAP_SIZE (64UL << 40)

#define VMALLOC_START 0xffffc90000000000UL
#define VMALLOC_END   0xffffe90000000000UL /* exclusive */
#define VMALLOC_SIZE  (VMALLOC_END - VMALLOC_START)

#define VMEMMAP_START 0xffffea0000000000UL

#define KERNEL_VMA  0xffffffff80000000UL /* Linux: __START_KERNEL_map */
#define KERNEL_PHYS 0x200000UL

/*
 * The fixmap: device registers at fixed virtual addresses, mapped uncached
 * by their driver (Linux keeps its fixmap near the top of the address
 * space too). One slot today: the local APIC's xAPIC page.
 */
#define FIXADDR_START	 0xffffffffff000000UL
#define FIX_APIC_BASE_VA FIXADDR_START

#define LOW_RESERVED_END 0x100000UL /* [0, 1 MiB) is never allocated */

/* Zone limits (exclusive physical ends). */
#define ZONE_DMA_END   (16UL << 20)
#define ZONE_DMA32_END (4UL << 30)

/* x86_64 with 4-level paging: 52-bit physical addresses at most. */
#define MAX_PHYS_BITS 52
#define MAX_PHYS_ADDR (1UL << MAX_PHYS_BITS)

/* The kernel's stack (boot/boot.asm). */
#define KERNEL_STACK_SIZE (16UL << 10)

#endif
