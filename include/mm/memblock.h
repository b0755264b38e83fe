/*
 * include/mm/memblock.h: the early boot allocator, after Linux's memblock.
 *
 * Before struct pages and the buddy allocator exist, memory is described
 * by two sorted lists of ranges: `memory` (all usable RAM, from the
 * sanitized memory map) and `reserved` (what is in use: the first MiB, the
 * kernel image, boot-time allocations). Allocation finds the highest free
 * range that fits (top-down, as Linux does by default) below
 * memblock.current_limit and adds it to `reserved`. When the buddy
 * allocator starts, every memory range not reserved is given to it
 * (memblock_free_all) and memblock is retired.
 */
#ifndef KVLAB_MM_MEMBLOCK_H
#define KVLAB_MM_MEMBLOCK_H

#include <lib/types.h>

#define MEMBLOCK_MAX_REGIONS 128

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size; /* bytes; regions never overlap */
};

struct memblock_type {
	const char *name;
	unsigned long cnt;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
};

struct memblock {
	phys_addr_t current_limit; /* allocations end below this */
	unsigned long nr_dropped;  /* ranges lost to a full table */
	struct memblock_type memory;
	struct memblock_type reserved;
};

extern struct memblock memblock;

/**
 * memblock_reset - empty both lists
 *
 * Context: boot, or a test that builds its own memblock.
 */
void memblock_reset(void);

/**
 * memblock_add - add a range of RAM to the memory list
 * @base: physical address of its first byte
 * @size: its length in bytes (clamped at the top of the address space)
 *
 * Merges with the regions the range touches or overlaps.
 *
 * Context: boot.
 * Return: 0, or -ENOSPC when the table is full (the range is dropped).
 */
int memblock_add(phys_addr_t base, phys_addr_t size);

/**
 * memblock_reserve - mark a range as in use
 * @base: physical address of its first byte
 * @size: its length in bytes
 *
 * Context: boot.
 * Return: 0, or -ENOSPC when the table is full.
 */
int memblock_reserve(phys_addr_t base, phys_addr_t size);

/**
 * memblock_remove - take a range out of the memory list
 * @base: physical address of its first byte
 * @size: its length in bytes
 *
 * Context: boot.
 * Return: 0, or -ENOSPC when splitting a region needs a slot the full
 * table lacks.
 */
int memblock_remove(phys_addr_t base, phys_addr_t size);

/**
 * memblock_phys_free - give a reservation back
 * @base: physical address of its first byte
 * @size: its length in bytes
 *
 * Context: boot, before the buddy allocator takes over the free ranges.
 * Return: 0, or -ENOSPC when splitting a region needs a slot the full
 * table lacks.
 */
int memblock_phys_free(phys_addr_t base, phys_addr_t size);

/**
 * memblock_phys_alloc - reserve boot memory
 * @size: bytes wanted (rounded up to 8)
 * @align: alignment, a power of two
 *
 * Takes the highest free range below memblock.current_limit that fits.
 *
 * Context: boot.
 * Return: the physical address, or 0 when nothing fits or @align is not a
 * power of two.
 */
phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align);

/**
 * memblock_alloc - reserve zeroed boot memory
 * @size: bytes wanted
 * @align: alignment, a power of two
 *
 * Context: boot, where the range is mapped (below current_limit).
 * Return: a direct-map pointer to the zeroed memory, or NULL.
 */
void *memblock_alloc(phys_addr_t size, phys_addr_t align);

/**
 * memblock_phys_mem_size - bytes of RAM in the memory list
 *
 * Context: any.
 * Return: the sum of the memory regions' sizes.
 */
phys_addr_t memblock_phys_mem_size(void);

/**
 * memblock_reserved_size - bytes in the reserved list
 *
 * Context: any.
 * Return: the sum of the reserved regions' sizes.
 */
phys_addr_t memblock_reserved_size(void);

/**
 * memblock_start_of_DRAM - lowest address of RAM
 *
 * Context: any.
 * Return: the base of the first memory region, 0 when there is none.
 */
phys_addr_t memblock_start_of_DRAM(void);

/**
 * memblock_end_of_DRAM - end of RAM
 *
 * Context: any.
 * Return: one past the last byte of the last memory region, 0 when there
 * is none.
 */
phys_addr_t memblock_end_of_DRAM(void);

/**
 * memblock_is_memory - is an address RAM?
 * @addr: a physical address
 *
 * Context: any.
 * Return: true if a memory region contains @addr.
 */
bool memblock_is_memory(phys_addr_t addr);

/**
 * memblock_is_reserved - is an address reserved?
 * @addr: a physical address
 *
 * Context: any.
 * Return: true if a reserved region contains @addr.
 */
bool memblock_is_reserved(phys_addr_t addr);

/**
 * memblock_enforce_memory_limit - keep only the first bytes of RAM
 * @limit: bytes of RAM to keep; 0 keeps all
 *
 * Counted in RAM, not in addresses: holes below the cut do not count
 * (mem=).
 *
 * Context: boot.
 */
void memblock_enforce_memory_limit(phys_addr_t limit);

/**
 * memblock_trim_memory - shrink every memory region to whole units
 * @align: the unit, a power of two (PAGE_SIZE: whole pages)
 *
 * A region with no whole unit in it is removed (Linux's function of the
 * same name).
 *
 * Context: boot, before the buddy allocator takes over.
 */
void memblock_trim_memory(phys_addr_t align);

/**
 * memblock_next_free - iterate over RAM that is not reserved, lowest first
 * @idx: the iterator, 0 to start
 * @start: set to the first byte of the next free range
 * @end: set to one past its last byte
 *
 * Context: boot.
 * Return: true with the next range, false when there is none left.
 */
bool memblock_next_free(u64 *idx, phys_addr_t *start, phys_addr_t *end);

/**
 * memblock_dump - print both lists, one line per region
 *
 * Context: any.
 */
void memblock_dump(void);

struct boot_info;
/**
 * memblock_init - memblock from the loader's memory map (mm/memblock_glue.c)
 * @bi: the boot information, its map sanitized
 *
 * Adds the whole pages of usable RAM below the CPU's physical address
 * limit, makes the boot reservations, applies mem= and prints the result.
 * Panics when less RAM is left than kvlab needs.
 *
 * Context: boot, before paging_init(); once.
 */
void memblock_init(const struct boot_info *bi);

#endif
