/*
 * tests/test_memmap.c: the memmap suite: memblock, the early allocator,
 * on private range lists (the live tables are saved and restored around
 * each case), and what this boot's memblock holds.
 */
#include <arch/sections.h>
#include <kernel/bootinfo.h>
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/gfp.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include "../mm/internal.h"

#define MiB (1ULL << 20)

static struct memblock saved;

/* Swap in empty tables; the live ones are untouched until restore(). */
static void use_private_memblock(void)
{
	saved = memblock;
	memblock_reset();
}

static void restore_memblock(void)
{
	memblock = saved;
}

/* Adding ranges merges overlapping and touching ones; removing splits. */
static void add_merges_remove_splits(struct ktest *t)
{
	use_private_memblock();
	memblock_add(10 * MiB, 2 * MiB);
	memblock_add(20 * MiB, 2 * MiB);
	memblock_add(12 * MiB, 1 * MiB); /* touches the first */
	KT_EXPECT_EQ(t, memblock.memory.cnt, 2);
	KT_EXPECT_UEQ(t, memblock.memory.regions[0].size, 3 * MiB);
	memblock_add(11 * MiB, 10 * MiB); /* bridges both */
	KT_EXPECT_EQ(t, memblock.memory.cnt, 1);
	KT_EXPECT_UEQ(t, memblock.memory.regions[0].base, 10 * MiB);
	KT_EXPECT_UEQ(t, memblock_end_of_DRAM(), 22 * MiB);
	memblock_remove(14 * MiB, 1 * MiB); /* a hole in the middle */
	KT_EXPECT_EQ(t, memblock.memory.cnt, 2);
	KT_EXPECT_UEQ(t, memblock_phys_mem_size(), 11 * MiB);
	KT_EXPECT_TRUE(t, memblock_is_memory(13 * MiB));
	KT_EXPECT_FALSE(t, memblock_is_memory(14 * MiB));
	memblock_remove(0, 100 * MiB);
	KT_EXPECT_EQ(t, memblock.memory.cnt, 0);
	restore_memblock();
}

/* Allocation is top-down, aligned, clear of reservations and below the limit. */
static void alloc_top_down(struct ktest *t)
{
	phys_addr_t a, b, c;

	use_private_memblock();
	memblock_add(16 * MiB, 16 * MiB);
	memblock_reserve(30 * MiB, 2 * MiB);
	a = memblock_phys_alloc(4096, 4096);
	KT_EXPECT_UEQ(t, a, 30 * MiB - 4096);
	b = memblock_phys_alloc(1 * MiB, 1 * MiB);
	KT_EXPECT_UEQ(t, b, 29 * MiB - 1 * MiB); /* below a, aligned */
	KT_EXPECT_TRUE(t, memblock_is_reserved(a) && memblock_is_reserved(b));
	memblock.current_limit = 20 * MiB;
	c = memblock_phys_alloc(8192, 4096);
	KT_EXPECT_UEQ(t, c, 20 * MiB - 8192);
	KT_EXPECT_UEQ(t, memblock_phys_alloc(64 * MiB, 4096), 0); /* too big */
	KT_EXPECT_UEQ(t, memblock_phys_alloc(4096, 3000), 0); /* bad align */
	KT_EXPECT_UEQ(t, memblock_phys_alloc(0, 4096), 0);
	restore_memblock();
}

/* Free ranges are exactly memory minus reservations, lowest first. */
static void free_ranges(struct ktest *t)
{
	phys_addr_t s, e, total = 0, last_end = 0;
	u64 idx = 0;
	int n = 0;

	use_private_memblock();
	memblock_add(1 * MiB, 9 * MiB);	  /* [1, 10) */
	memblock_add(20 * MiB, 10 * MiB); /* [20, 30) */
	memblock_reserve(0, 2 * MiB);
	memblock_reserve(5 * MiB, 1 * MiB);
	memblock_reserve(9 * MiB, 12 * MiB); /* straddles the hole */
	while (memblock_next_free(&idx, &s, &e)) {
		KT_EXPECT_ULT(t, s, e);
		KT_EXPECT_ULE(t, last_end, s);
		last_end = e;
		total += e - s;
		n++;
	}
	KT_EXPECT_EQ(t, n, 3); /* [2,5) [6,9) [21,30) */
	KT_EXPECT_UEQ(t, total, 15 * MiB);
	restore_memblock();
}

/* mem= counts RAM, not addresses: holes do not count towards the limit. */
static void memory_limit_counts_ram(struct ktest *t)
{
	use_private_memblock();
	memblock_add(1 * MiB, 3 * MiB);	  /* 3 MiB */
	memblock_add(16 * MiB, 16 * MiB); /* 16 MiB */
	memblock_enforce_memory_limit(5 * MiB);
	KT_EXPECT_UEQ(t, memblock_phys_mem_size(), 5 * MiB);
	KT_EXPECT_UEQ(t, memblock_end_of_DRAM(), 18 * MiB);
	memblock_enforce_memory_limit(100 * MiB); /* more than there is */
	KT_EXPECT_UEQ(t, memblock_phys_mem_size(), 5 * MiB);
	restore_memblock();
}

/* Trimming keeps whole pages only; a region with none goes. */
static void trim_memory_whole_pages(struct ktest *t)
{
	use_private_memblock();
	memblock_add(0x1800, 0x1000);  /* [0x1800, 0x2800): no whole page */
	memblock_add(0x10100, 0xfe00); /* [0x10100, 0x1ff00) */
	memblock_trim_memory(PAGE_SIZE);
	KT_ASSERT_EQ(t, memblock.memory.cnt, 1);
	KT_EXPECT_UEQ(t, memblock.memory.regions[0].base, 0x11000);
	KT_EXPECT_UEQ(t, memblock.memory.regions[0].size, 0xe000);
	restore_memblock();
}

/*
 * mem= that is not a multiple of PAGE_SIZE leaves no partial page behind
 * (issue 14, bug 4: mem=20000001 left one in memblock and the direct map).
 */
static void memory_limit_whole_pages(struct ktest *t)
{
	unsigned long i;

	use_private_memblock();
	memblock_add(1 * MiB, 3 * MiB);	  /* [1, 4) */
	memblock_add(16 * MiB, 16 * MiB); /* [16, 32) */
	KT_EXPECT_UEQ(t, memblock_setup(KERNEL_PHYS + 1 * MiB, 5 * MiB + 1),
		      5 * MiB);
	KT_EXPECT_UEQ(t, memblock_end_of_DRAM(), 18 * MiB);
	for (i = 0; i < memblock.memory.cnt; i++) {
		KT_EXPECT_UEQ(t, memblock.memory.regions[i].base % PAGE_SIZE,
			      0);
		KT_EXPECT_UEQ(t, memblock.memory.regions[i].size % PAGE_SIZE,
			      0);
	}
	restore_memblock();
}

/* A full table refuses more ranges cleanly and keeps what it had. */
static void table_full(struct ktest *t)
{
	unsigned long i;
	int err = 0;

	use_private_memblock();
	for (i = 0; i < MEMBLOCK_MAX_REGIONS; i++)
		err |= memblock_add(i * 2 * MiB, 1 * MiB);
	KT_EXPECT_EQ(t, err, 0);
	KT_EXPECT_EQ(t, memblock_add(1000 * MiB, 1 * MiB), -ENOSPC);
	KT_EXPECT_EQ(t, memblock.memory.cnt, MEMBLOCK_MAX_REGIONS);
	KT_EXPECT_UEQ(t, memblock_phys_mem_size(), MEMBLOCK_MAX_REGIONS * MiB);
	/* Merging still works when it does not need a new slot. */
	KT_EXPECT_EQ(t, memblock_add(1 * MiB, 1 * MiB), 0);
	KT_EXPECT_EQ(t, memblock.memory.cnt, MEMBLOCK_MAX_REGIONS - 1);
	restore_memblock();
}

/* This boot: the first MiB and the kernel image are reserved, RAM is usable map RAM. */
static void boot_reservations(struct ktest *t)
{
	size_t i;

	KT_EXPECT_TRUE(t, memblock_is_reserved(0));
	KT_EXPECT_TRUE(t, memblock_is_reserved(LOW_RESERVED_END - 1));
	KT_EXPECT_TRUE(t, memblock_is_reserved(KERNEL_PHYS));
	KT_EXPECT_TRUE(t, memblock_is_reserved(__pa_symbol(_end) - 1));
	KT_EXPECT_TRUE(t, memblock_is_reserved(__pa(mem_map)));
	for (i = 0; i < memblock.memory.cnt; i++) {
		const struct memblock_region *r = &memblock.memory.regions[i];
		size_t j;
		bool in_usable = false;

		KT_EXPECT_UEQ(t, r->base % PAGE_SIZE, 0);
		KT_EXPECT_UEQ(t, r->size % PAGE_SIZE, 0);
		for (j = 0; j < boot_info.nr_map; j++)
			if (boot_info.map[j].type == MEM_USABLE &&
			    boot_info.map[j].start <= r->base &&
			    boot_info.map[j].end >= r->base + r->size)
				in_usable = true;
		KT_EXPECT_TRUE(t, in_usable);
	}
}

/* mem= with garbage or a tiny size is refused with a warning, never fatal. */
static void mem_param_validation(struct ktest *t)
{
	static const char *const bad[] = {
		"mem=",	    "mem=lots", "mem=1M",
		"mem=12MB", "mem=-5G",	"mem=99999999999999999999G"
	};
	phys_addr_t saved_limit = memory_limit;
	struct cmdline_result r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		cmdline_parse(bad[i], strlen(bad[i]) + 1, kparams_begin(),
			      (size_t)(kparams_end() - kparams_begin()), NULL,
			      &r);
		KT_EXPECT_EQ(t, r.nr_warnings, 1);
		KT_EXPECT_UEQ(t, memory_limit, saved_limit);
	}
	cmdline_parse("mem=256M", 9, kparams_begin(),
		      (size_t)(kparams_end() - kparams_begin()), NULL, &r);
	KT_EXPECT_EQ(t, r.nr_applied, 1);
	KT_EXPECT_UEQ(t, memory_limit, 256 * MiB);
	memory_limit = saved_limit;
}

/*
 * Region edges, to the byte: the first and last byte of a region belong to
 * it, the bytes on either side do not; an allocation that fits a free gap
 * exactly is made, at the gap's base; one byte more does not fit.
 */
static void region_edges_exact(struct ktest *t)
{
	use_private_memblock();
	memblock_add(10 * MiB, 2 * MiB);
	KT_EXPECT_FALSE(t, memblock_is_memory(10 * MiB - 1));
	KT_EXPECT_TRUE(t, memblock_is_memory(10 * MiB));
	KT_EXPECT_TRUE(t, memblock_is_memory(12 * MiB - 1));
	KT_EXPECT_FALSE(t, memblock_is_memory(12 * MiB));
	memblock_reserve(11 * MiB, 4096);
	KT_EXPECT_FALSE(t, memblock_is_reserved(11 * MiB - 1));
	KT_EXPECT_TRUE(t, memblock_is_reserved(11 * MiB));
	KT_EXPECT_TRUE(t, memblock_is_reserved(11 * MiB + 4095));
	KT_EXPECT_FALSE(t, memblock_is_reserved(11 * MiB + 4096));
	/* Leave one free gap of exactly 64 KiB at the bottom. */
	memblock_reserve(10 * MiB + 64 * 1024, 1 * MiB - 64 * 1024);
	memblock_reserve(11 * MiB + 4096, 1 * MiB - 4096);
	KT_EXPECT_UEQ(t, memblock_phys_alloc(64 * 1024 + 8, 8), 0);
	KT_EXPECT_UEQ(t, memblock_phys_alloc(64 * 1024, 4096), 10 * MiB);
	KT_EXPECT_UEQ(t, memblock_phys_alloc(8, 8), 0);
	restore_memblock();
}

/* Physical address 0 is never handed out, even when it is free RAM. */
static void alloc_never_returns_zero(struct ktest *t)
{
	use_private_memblock();
	memblock_add(0, 64 * 1024);
	KT_EXPECT_UEQ(t, memblock_phys_alloc(32 * 1024, 4096), 32 * 1024);
	KT_EXPECT_UEQ(t, memblock_phys_alloc(4096, 4096), 28 * 1024);
	/* What is left starts at 0: only part of it can be given. */
	KT_EXPECT_UEQ(t, memblock_phys_alloc(28 * 1024, 4096), 0);
	KT_EXPECT_UEQ(t, memblock_phys_alloc(4096, 4096), 24 * 1024);
	restore_memblock();
}

KTEST_SUITE(memmap, NULL, NULL, KTEST_CASE(add_merges_remove_splits),
	    KTEST_CASE(alloc_top_down), KTEST_CASE(free_ranges),
	    KTEST_CASE(memory_limit_counts_ram),
	    KTEST_CASE(trim_memory_whole_pages),
	    KTEST_CASE(memory_limit_whole_pages), KTEST_CASE(table_full),
	    KTEST_CASE(boot_reservations), KTEST_CASE(mem_param_validation),
	    KTEST_CASE(region_edges_exact),
	    KTEST_CASE(alloc_never_returns_zero));
