/*
 * include/mm/mm.h: converting between the kinds of address.
 *
 *   physical address  --__va()-->  direct-map virtual address
 *   (phys_addr_t pa)  <--__pa()--  (void *va)
 *         |                               |
 *    PFN_DOWN()/PFN_PHYS()          virt_to_page()/page_address()
 *         |                               |
 *   page frame number <--page_to_pfn()--  struct page *
 *   (unsigned long pfn) --pfn_to_page()-->
 *
 * __pa() accepts a direct-map address or a kernel-image address (as
 * Linux's does). virt_to_phys() is the checked version: any other address
 * (a vmalloc address, say) is reported as the bug it is, with the address,
 * instead of silently computing nonsense.
 */
#ifndef KVLAB_MM_MM_H
#define KVLAB_MM_MM_H

#include <lib/types.h>
#include <mm/layout.h>

#define PFN_DOWN(pa)  ((unsigned long)((pa) >> PAGE_SHIFT))
#define PFN_UP(pa)    ((unsigned long)(((pa) + PAGE_SIZE - 1) >> PAGE_SHIFT))
#define PFN_PHYS(pfn) ((phys_addr_t)(pfn) << PAGE_SHIFT)

#define PAGE_ALIGN(x) ALIGN_UP((x), PAGE_SIZE)

/**
 * __va - the direct-map address of a physical address
 * @pa: a physical address of RAM
 *
 * Context: any.
 * Return: PAGE_OFFSET + @pa; unchecked (phys_to_virt() checks).
 */
static inline void *__va(phys_addr_t pa)
{
	return (void *)(uintptr_t)(pa + PAGE_OFFSET);
}

/**
 * __pa - the physical address of a direct-map or kernel-image address
 * @va: the virtual address
 *
 * Context: any.
 * Return: the physical address; unchecked (virt_to_phys() checks).
 */
static inline phys_addr_t __pa(const void *va)
{
	unsigned long v = (unsigned long)va;

#ifndef KVLAB_HOST
	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA;
#endif
	return v - PAGE_OFFSET;
}

/* __pa_symbol - the physical address of a kernel-image symbol. */
#define __pa_symbol(x) ((phys_addr_t)((unsigned long)(x)-KERNEL_VMA))

/**
 * is_direct_map_addr - does an address lie in the direct map of RAM?
 * @va: the virtual address
 *
 * Context: any.
 * Return: true if @va is PAGE_OFFSET plus the physical address of a byte
 * of RAM (memblock's memory list).
 */
bool is_direct_map_addr(const void *va);

/**
 * virt_to_phys - __pa() for direct-map and kernel-image addresses only
 * @va: the virtual address
 *
 * Context: any.
 * Return: the physical address; for any other address a report is raised
 * and (phys_addr_t)-1 returned.
 */
phys_addr_t virt_to_phys(const void *va);

/**
 * phys_to_virt - __va() that reports a physical address that is not RAM
 * @pa: the physical address
 *
 * Context: any.
 * Return: the direct-map address; for @pa outside RAM a report is raised
 * and NULL returned.
 */
void *phys_to_virt(phys_addr_t pa);

#endif
