/*
 * mm/memblock.c: the early boot allocator (see include/mm/memblock.h).
 *
 * Both lists are arrays of disjoint ranges sorted by base. Adding a range
 * merges it with any it touches or overlaps, so the invariants are simple:
 *
 *   1. regions[i].base + regions[i].size < regions[i + 1].base
 *      (sorted, disjoint, and not even adjacent: neighbours merge);
 *   2. every size is nonzero.
 *
 * Allocation is top-down: the highest free
 * gap below current_limit that fits, as Linux's default, which keeps the
 * low zones (DMA, DMA32) for the callers who need them.
 */
#include <kernel/printk.h>
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/layout.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include "internal.h"

struct memblock memblock = {
	.current_limit = ~(phys_addr_t)0,
	.memory = { .name = "memory" },
	.reserved = { .name = "reserved" },
};

void memblock_reset(void)
{
	memblock.memory.cnt = 0;
	memblock.reserved.cnt = 0;
	memblock.nr_dropped = 0;
	memblock.current_limit = ~(phys_addr_t)0;
}

static void remove_region(struct memblock_type *t, unsigned long i)
{
	memmove(&t->regions[i], &t->regions[i + 1],
		(t->cnt - i - 1) * sizeof(t->regions[0]));
	t->cnt--;
}

/*
 * Insert [base, end) into @t, absorbing every region it touches:
 *
 *   before:  [a    )   [b   )      [c    )
 *   add:          [new         )
 *   after:   [a                )   [c    )
 */
static int type_add(struct memblock_type *t, phys_addr_t base, phys_addr_t end)
{
	unsigned long i = 0;

	if (end <= base)
		return 0;
	while (i < t->cnt && t->regions[i].base + t->regions[i].size < base)
		i++;
	/* Absorb every region from i on that touches [base, end). */
	while (i < t->cnt && t->regions[i].base <= end) {
		phys_addr_t rb = t->regions[i].base;
		phys_addr_t re = rb + t->regions[i].size;

		base = MIN(base, rb);
		end = MAX(end, re);
		remove_region(t, i);
	}
	if (t->cnt == MEMBLOCK_MAX_REGIONS) {
		memblock.nr_dropped++;
		return -ENOSPC;
	}
	memmove(&t->regions[i + 1], &t->regions[i],
		(t->cnt - i) * sizeof(t->regions[0]));
	t->regions[i].base = base;
	t->regions[i].size = end - base;
	t->cnt++;
	return 0;
}

/* Cut [base, end) out of @t, splitting a region if needed. */
static int type_remove(struct memblock_type *t, phys_addr_t base,
		       phys_addr_t end)
{
	unsigned long i = 0;

	while (i < t->cnt && end > base) {
		phys_addr_t rb = t->regions[i].base;
		phys_addr_t re = rb + t->regions[i].size;

		if (re <= base || rb >= end) {
			i++;
			continue;
		}
		if (rb < base && re > end) {
			/* The hole is inside: split in two. */
			if (t->cnt == MEMBLOCK_MAX_REGIONS)
				return -ENOSPC;
			memmove(&t->regions[i + 1], &t->regions[i],
				(t->cnt - i) * sizeof(t->regions[0]));
			t->cnt++;
			t->regions[i].size = base - rb;
			t->regions[i + 1].base = end;
			t->regions[i + 1].size = re - end;
			return 0;
		}
		if (rb < base) {
			t->regions[i].size = base - rb;
			i++;
		} else if (re > end) {
			t->regions[i].base = end;
			t->regions[i].size = re - end;
			i++;
		} else {
			remove_region(t, i);
		}
	}
	return 0;
}

static phys_addr_t clamp_end(phys_addr_t base, phys_addr_t size)
{
	return size > ~(phys_addr_t)0 - base ? ~(phys_addr_t)0 : base + size;
}

int memblock_add(phys_addr_t base, phys_addr_t size)
{
	return type_add(&memblock.memory, base, clamp_end(base, size));
}

int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	return type_add(&memblock.reserved, base, clamp_end(base, size));
}

int memblock_remove(phys_addr_t base, phys_addr_t size)
{
	return type_remove(&memblock.memory, base, clamp_end(base, size));
}

int memblock_phys_free(phys_addr_t base, phys_addr_t size)
{
	return type_remove(&memblock.reserved, base, clamp_end(base, size));
}

/* Is [base, end) clear of every reserved region? Returns the blocker or NULL. */
static const struct memblock_region *reserved_overlap(phys_addr_t base,
						      phys_addr_t end)
{
	const struct memblock_type *t = &memblock.reserved;
	unsigned long i;

	for (i = 0; i < t->cnt; i++) {
		const struct memblock_region *r = &t->regions[i];

		if (r->base < end && r->base + r->size > base)
			return r;
	}
	return NULL;
}

phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align)
{
	const struct memblock_type *m = &memblock.memory;
	unsigned long i;

	if (!size || !align || (align & (align - 1)))
		return 0;
	size = ALIGN_UP(size, (phys_addr_t)8);
	/* Top-down: try each memory region from the highest. */
	for (i = m->cnt; i-- > 0;) {
		phys_addr_t lo = m->regions[i].base;
		phys_addr_t hi =
			MIN(lo + m->regions[i].size, memblock.current_limit);
		phys_addr_t cand;
		const struct memblock_region *r;

		while (hi > lo && hi - lo >= size) {
			cand = ALIGN_DOWN(hi - size, align);
			if (cand < lo || cand == 0)
				break;
			r = reserved_overlap(cand, cand + size);
			if (!r) {
				if (memblock_reserve(cand, size))
					return 0;
				return cand;
			}
			hi = r->base; /* try below the blocker */
		}
	}
	return 0;
}

void *memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	phys_addr_t pa = memblock_phys_alloc(size, align);
	void *va;

	if (!pa)
		return NULL;
	va = __va(pa);
	memset(va, 0, size);
	return va;
}

static phys_addr_t type_total(const struct memblock_type *t)
{
	phys_addr_t sum = 0;
	unsigned long i;

	for (i = 0; i < t->cnt; i++)
		sum += t->regions[i].size;
	return sum;
}

phys_addr_t memblock_phys_mem_size(void)
{
	return type_total(&memblock.memory);
}

phys_addr_t memblock_reserved_size(void)
{
	return type_total(&memblock.reserved);
}

phys_addr_t memblock_start_of_DRAM(void)
{
	return memblock.memory.cnt ? memblock.memory.regions[0].base : 0;
}

phys_addr_t memblock_end_of_DRAM(void)
{
	const struct memblock_type *m = &memblock.memory;

	if (!m->cnt)
		return 0;
	return m->regions[m->cnt - 1].base + m->regions[m->cnt - 1].size;
}

static bool type_contains(const struct memblock_type *t, phys_addr_t addr)
{
	unsigned long i;

	for (i = 0; i < t->cnt; i++)
		if (addr >= t->regions[i].base &&
		    addr - t->regions[i].base < t->regions[i].size)
			return true;
	return false;
}

bool memblock_is_memory(phys_addr_t addr)
{
	return type_contains(&memblock.memory, addr);
}

bool memblock_is_reserved(phys_addr_t addr)
{
	return type_contains(&memblock.reserved, addr);
}

void memblock_enforce_memory_limit(phys_addr_t limit)
{
	const struct memblock_type *m = &memblock.memory;
	phys_addr_t seen = 0;
	unsigned long i;

	if (!limit)
		return;
	/* Find the address where `limit` bytes of RAM have been seen. */
	for (i = 0; i < m->cnt; i++) {
		phys_addr_t size = m->regions[i].size;

		if (seen + size >= limit) {
			phys_addr_t cut = m->regions[i].base + (limit - seen);

			memblock_remove(cut, ~(phys_addr_t)0 - cut);
			return;
		}
		seen += size;
	}
}

void memblock_trim_memory(phys_addr_t align)
{
	struct memblock_type *m = &memblock.memory;
	unsigned long i = 0;

	while (i < m->cnt) {
		phys_addr_t rb = m->regions[i].base;
		phys_addr_t s = ALIGN_UP(rb, align);
		phys_addr_t e = ALIGN_DOWN(rb + m->regions[i].size, align);

		if (s >= e) {
			remove_region(m, i);
			continue;
		}
		m->regions[i].base = s;
		m->regions[i].size = e - s;
		i++;
	}
}

bool memblock_next_free(u64 *idx, phys_addr_t *start, phys_addr_t *end)
{
	const struct memblock_type *m = &memblock.memory;
	const struct memblock_type *r = &memblock.reserved;
	/* idx packs (memory region << 32) | (reserved gap index). */
	unsigned long mi = *idx >> 32, ri = *idx & 0xffffffff;

	for (; mi < m->cnt; mi++, ri = 0) {
		phys_addr_t mb = m->regions[mi].base;
		phys_addr_t me = mb + m->regions[mi].size;

		/* Gaps between reserved regions: gap ri lies before reserved[ri]. */
		for (; ri <= r->cnt; ri++) {
			phys_addr_t gb = ri ? r->regions[ri - 1].base +
							 r->regions[ri - 1].size
					    : 0;
			phys_addr_t ge = ri < r->cnt ? r->regions[ri].base
						     : ~(phys_addr_t)0;
			phys_addr_t s = MAX(gb, mb), e = MIN(ge, me);

			if (gb >= me)
				break;
			if (s < e) {
				*start = s;
				*end = e;
				*idx = ((u64)mi << 32) | (ri + 1);
				return true;
			}
		}
	}
	*idx = ~0ULL;
	return false;
}

void memblock_dump(void)
{
	const struct memblock_type *types[] = { &memblock.memory,
						&memblock.reserved };
	unsigned long i, k;

	for (k = 0; k < ARRAY_SIZE(types); k++) {
		const struct memblock_type *t = types[k];

		pr_info("memblock: %s: %lu region(s), %llu KiB\n", t->name,
			t->cnt, (unsigned long long)type_total(t) >> 10);
		for (i = 0; i < t->cnt; i++)
			pr_info("memblock:   %s[%lu] [%#018llx-%#018llx]\n",
				t->name, i,
				(unsigned long long)t->regions[i].base,
				(unsigned long long)(t->regions[i].base +
						     t->regions[i].size - 1));
	}
}

/*
 * The part of booting memblock that does not depend on where the memory map
 * came from: the kernel's memblock_init() (mm/memblock_glue.c) and the host
 * tests' boot (tests/host/shim/mm.c) both end with it.
 */
phys_addr_t memblock_setup(phys_addr_t image_end, phys_addr_t limit)
{
	/* The first MiB (BIOS data, EBDA) and the kernel image stay put. */
	memblock_reserve(0, LOW_RESERVED_END);
	memblock_reserve(KERNEL_PHYS, image_end - KERNEL_PHYS);
	memblock_enforce_memory_limit(limit);
	/*
	 * Only whole pages of RAM are usable: the map's ranges may end
	 * mid-page, and so may the cut of a mem= that is not a multiple of
	 * PAGE_SIZE (Linux's memblock_trim_memory() does the same).
	 */
	memblock_trim_memory(PAGE_SIZE);
	return memblock_phys_mem_size();
}
