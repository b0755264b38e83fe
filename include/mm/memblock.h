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

#define MEMBLOCK_MAX_REGIONS	128

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;		/* bytes; regions never overlap */
};

struct memblock_type {
	const char *name;
	unsigned long cnt;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
};

struct memblock {
	phys_addr_t current_limit;	/* allocations end below this */
	unsigned long nr_dropped;	/* ranges lost to a full table */
	struct memblock_type memory;
	struct memblock_type reserved;
};

extern struct memblock memblock;

/* memblock_reset - empty both lists (boot and private test instances). */
void memblock_reset(void);

/*
 * memblock_add / memblock_reserve - insert [base, base + size), merging
 * with neighbours. Return: 0, or -ENOSPC when the table is full.
 */
int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_reserve(phys_addr_t base, phys_addr_t size);
/* memblock_remove - take [base, base + size) out of `memory`. */
int memblock_remove(phys_addr_t base, phys_addr_t size);
/* memblock_free - give a reservation back (before memblock_free_all). */
int memblock_phys_free(phys_addr_t base, phys_addr_t size);

/*
 * memblock_phys_alloc - reserve @size bytes aligned to @align (a power of
 * two) from the highest free range below current_limit.
 * Return: the physical address, or 0 when nothing fits.
 */
phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align);

/* memblock_alloc - the same, zeroed, as a direct-map pointer; NULL on failure. */
void *memblock_alloc(phys_addr_t size, phys_addr_t align);

phys_addr_t memblock_phys_mem_size(void);	/* bytes of RAM */
phys_addr_t memblock_reserved_size(void);	/* bytes reserved */
phys_addr_t memblock_start_of_DRAM(void);
phys_addr_t memblock_end_of_DRAM(void);
bool memblock_is_memory(phys_addr_t addr);
bool memblock_is_reserved(phys_addr_t addr);

/*
 * memblock_enforce_memory_limit - keep only the first @limit bytes of RAM
 * (mem=, as Linux: counted in RAM, not in addresses).
 */
void memblock_enforce_memory_limit(phys_addr_t limit);

/*
 * memblock_next_free - iterate over RAM not reserved, lowest first.
 * Start with *idx = 0; returns false when done.
 */
bool memblock_next_free(u64 *idx, phys_addr_t *start, phys_addr_t *end);

void memblock_dump(void);

/**
 * memblock_trim_memory - shrink every memory region to whole units of @align
 * @align: the unit, a power of two (PAGE_SIZE: whole pages)
 *
 * A region with no whole unit in it is removed (Linux's function of the
 * same name).
 *
 * Context: boot, before memblock_free_all().
 */
void memblock_trim_memory(phys_addr_t align);

/**
 * memblock_setup - finish memblock once the RAM has been added
 * @image_end: physical end of the kernel image, reserved from KERNEL_PHYS
 * @limit: keep only this many bytes of RAM (mem=); 0 keeps all
 *
 * Trims the memory regions to whole pages, reserves the first MiB and the
 * kernel image, and applies @limit. memblock_init() and the host tests'
 * boot both end with it.
 *
 * Context: boot, after memblock_add() of every usable range.
 * Return: the bytes of RAM left in the memory list.
 */
phys_addr_t memblock_setup(phys_addr_t image_end, phys_addr_t limit);

/* memblock_init - RAM from the sanitized boot map, reservations, mem=. */
struct boot_info;
void memblock_init(const struct boot_info *bi);

/* The limit mem= asked for (0: none). */
extern phys_addr_t memory_limit;

#endif
