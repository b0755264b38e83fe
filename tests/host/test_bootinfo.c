/*
 * tests/host/test_bootinfo.c: bootinfo_parse and memmap_sanitize
 * (kernel/bootinfo.c) against their models (model_bootinfo.c): random
 * memory maps, random multiboot1 and multiboot2 blocks with malformed
 * parts, and regressions for blocks that once fooled the parser.
 */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "models.h"
#include <host.h>
#include <lib/compiler.h>
#include <lib/string.h>
#include <mm/layout.h>

#define BLOCK_MAX (24u << 10) /* bytes of a generated block */

/* ---- random memory maps ------------------------------------------------ */

struct entry {
	u64 base, len;
	u32 type;
};

/* A type: mostly 1-5, now and then one the kernel does not know. */
static u32 gen_type(struct prng *r)
{
	static const u32 odd[] = { 0, 6, 7, 12, 0x80000000u, 0xffffffffu };

	if (prng_below(r, 8))
		return (u32)prng_range(r, MEM_USABLE, MEM_UNUSABLE);
	return odd[prng_below(r, ARRAY_SIZE(odd))];
}

/* One entry in one of several styles; see gen_map. */
static struct entry gen_entry(struct prng *r, unsigned int style)
{
	struct entry e = { 0, 0, gen_type(r) };

	switch (style) {
	case 0: /* a few boundaries only: overlaps, adjacency, duplicates */
		e.base = prng_below(r, 16) << 12;
		e.len = prng_below(r, 8) << 12;
		break;
	case 1: /* byte-granular, small */
		e.base = prng_below(r, 5000);
		e.len = prng_below(r, 3000);
		break;
	case 2: /* the edges: 2^52, 2^64, zero, huge */
		e.base = prng_below(r, 2)
				 ? MAX_PHYS_ADDR - prng_below(r, 3) * 4096
				 : ~0ULL - prng_below(r, 8192);
		e.len = prng_below(r, 2) ? prng_below(r, 3) * 8192
					 : ~0ULL - prng_below(r, 4);
		if (prng_below(r, 3) == 0)
			e.base = prng_below(r, 1 << 20);
		break;
	default: /* anywhere below 2^40 */
		e.base = prng_next(r) >> 24;
		e.len = prng_next(r) >> prng_range(r, 24, 63);
		break;
	}
	return e;
}

/* A realistic PC map (QEMU's), shuffled now and then. */
static size_t gen_pc_map(struct prng *r, struct entry *e, size_t max)
{
	u64 ram = (u64)prng_range(r, 2, 8192) << 20;
	u64 low = MIN(ram, 3ULL << 30);
	size_t n = 0, i;

	e[n++] = (struct entry){ 0, 0x9fc00, MEM_USABLE };
	e[n++] = (struct entry){ 0x9fc00, 0x400, MEM_RESERVED };
	e[n++] = (struct entry){ 0xf0000, 0x10000, MEM_RESERVED };
	e[n++] = (struct entry){ 0x100000, low - 0x100000 - 0x20000,
				 MEM_USABLE };
	e[n++] = (struct entry){ low - 0x20000, 0x20000, MEM_RESERVED };
	e[n++] = (struct entry){ 0xfeffc000, 0x4000, MEM_RESERVED };
	e[n++] = (struct entry){ 0xfffc0000, 0x40000, MEM_RESERVED };
	if (ram > low)
		e[n++] = (struct entry){ 4ULL << 30, ram - low, MEM_USABLE };
	if (prng_below(r, 2)) /* ACPI tables carved out of RAM, overlapping */
		e[n++] = (struct entry){ low - 0x100000, 0x10000, MEM_ACPI };
	for (i = n - 1; i > 0 && prng_below(r, 3) == 0; i--) {
		size_t j = prng_below(r, i + 1);
		struct entry tmp = e[i];

		e[i] = e[j];
		e[j] = tmp;
	}
	return MIN(n, max);
}

/* A random map of up to @max entries, in one style or a mix. */
static size_t gen_map(struct prng *r, struct entry *e, size_t max)
{
	size_t n, i;
	unsigned int style = (unsigned int)prng_below(r, 6);

	if (style == 5)
		return gen_pc_map(r, e, max);
	n = prng_below(r, 4) ? prng_below(r, MIN(max, (size_t)24) + 1)
			     : prng_below(r, max + 1);
	for (i = 0; i < n; i++)
		e[i] = gen_entry(r, style == 4 ? (unsigned int)prng_below(r, 4)
					       : style);
	return n;
}

static void to_raw(const struct entry *e, size_t n, struct mem_region *raw)
{
	size_t i;

	for (i = 0; i < n; i++)
		raw[i] = (struct mem_region){ e[i].base, e[i].base + e[i].len,
					      e[i].type };
}

/* Random raw maps sanitize to what the definition says. */
static void random_maps(struct host_test *t)
{
	static struct entry e[MAX_MEM_REGIONS];
	static struct mem_region raw[MAX_MEM_REGIONS];
	unsigned long i, iters = host_iters(t, 20000);
	char why[WHY_SIZE];

	for (i = 0; i < iters; i++) {
		size_t n = gen_map(&t->rng, e, MAX_MEM_REGIONS);

		to_raw(e, n, raw);
		if (!CHECK(t, memmap_check(raw, n, why, NULL, NULL),
			   "map %lu of %zu entries: %s", i, n, why))
			return;
	}
}

/* QEMU's 1 GiB pc map, unsorted and with an overlap, sanitized by hand. */
static void known_map(struct host_test *t)
{
	static const struct mem_region raw[] = {
		{ 0x100000, 0x3ffe0000, MEM_USABLE },
		{ 0, 0x9fc00, MEM_USABLE },
		{ 0x9fc00, 0xa0000, MEM_RESERVED },
		{ 0xf0000, 0x100000, MEM_RESERVED },
		{ 0x3ffe0000, 0x40000000, MEM_RESERVED },
		{ 0x3ff00000, 0x3ff10000, MEM_ACPI },	/* inside RAM */
		{ 0xfffc0000, 0x100000000, 9 },		/* unknown type */
		{ 0x40000000, 0x40000000, MEM_USABLE }, /* empty */
	};
	static const struct mem_region want[] = {
		{ 0, 0x9fc00, MEM_USABLE },
		{ 0x9fc00, 0xa0000, MEM_RESERVED },
		{ 0xf0000, 0x100000, MEM_RESERVED },
		{ 0x100000, 0x3ff00000, MEM_USABLE },
		{ 0x3ff00000, 0x3ff10000, MEM_ACPI },
		{ 0x3ff10000, 0x3ffe0000, MEM_USABLE },
		{ 0x3ffe0000, 0x40000000, MEM_RESERVED },
		{ 0xfffc0000, 0x100000000, MEM_RESERVED },
	};
	static struct mem_region out[MAX_MEM_REGIONS];
	unsigned int nr_warnings = 0;
	size_t n, i;
	char why[WHY_SIZE];

	n = memmap_sanitize(raw, ARRAY_SIZE(raw), out, NULL, &nr_warnings);
	CHECK(t, n == ARRAY_SIZE(want), "%zu entries, want %zu", n,
	      ARRAY_SIZE(want));
	for (i = 0; i < n && i < ARRAY_SIZE(want); i++)
		CHECK(t,
		      out[i].start == want[i].start &&
			      out[i].end == want[i].end &&
			      out[i].type == want[i].type,
		      "entry %zu: [%#llx, %#llx) type %u", i,
		      (unsigned long long)out[i].start,
		      (unsigned long long)out[i].end, out[i].type);
	CHECK(t, nr_warnings >= 4,
	      "%u warnings for an unsorted map with an overlap, an unknown "
	      "type and an empty entry",
	      nr_warnings);
	CHECK(t, memmap_check(raw, ARRAY_SIZE(raw), why, NULL, NULL), "%s",
	      why);
}

static char overflow_warning[256];

static void catch_overflow_warning(const char *msg)
{
	if (strstr(msg, "0x8001000"))
		snprintf(overflow_warning, sizeof(overflow_warning), "%s", msg);
}

/*
 * More regions after sanitizing than the map holds: RAM with 255 holes
 * punched in it makes 511. The map keeps the first 256, and a warning
 * says where it was cut: at 128 MiB + 4 KiB, the RAM after the 128th hole.
 */
static void sanitized_map_overflow(struct host_test *t)
{
	static struct mem_region raw[MAX_MEM_REGIONS], out[MAX_MEM_REGIONS];
	unsigned int nr_warnings = 0;
	char why[WHY_SIZE];
	size_t i, n;

	raw[0] = (struct mem_region){ 0, 1ULL << 40, MEM_USABLE };
	for (i = 1; i < MAX_MEM_REGIONS; i++)
		raw[i] = (struct mem_region){ i << 20, (i << 20) + 4096,
					      MEM_RESERVED };
	CHECK(t, memmap_check(raw, MAX_MEM_REGIONS, why, NULL, NULL), "%s",
	      why);
	overflow_warning[0] = '\0';
	n = memmap_sanitize(raw, MAX_MEM_REGIONS, out, catch_overflow_warning,
			    &nr_warnings);
	CHECK(t, n == MAX_MEM_REGIONS && out[n - 1].end == 0x8001000,
	      "%zu entries, the last ending at %#llx", n,
	      (unsigned long long)out[n - 1].end);
	CHECK(t, overflow_warning[0],
	      "no warning names the address where the map was cut");
}

/* ---- random multiboot blocks ------------------------------------------- */

struct block {
	u8 b[BLOCK_MAX];
	size_t len;
};

static void put(struct block *k, size_t off, u64 v, unsigned int bytes)
{
	while (bytes--) {
		if (off < BLOCK_MAX)
			k->b[off] = (u8)v;
		off++;
		v >>= 8;
	}
}

static void put_bytes(struct block *k, size_t off, const void *p, size_t n)
{
	if (off < BLOCK_MAX)
		memcpy(k->b + off, p, MIN(n, BLOCK_MAX - off));
}

/* A string of @n bytes: printable, now and then with a NUL or a high byte. */
static void gen_chars(struct prng *r, char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		s[i] = (char)prng_range(r, 0x20, 0x7e);
		if (prng_below(r, 500) == 0)
			s[i] = (char)(prng_below(r, 2) ? 0 : 0xe9);
	}
}

static size_t gen_string_len(struct prng *r)
{
	switch (prng_below(r, 4)) {
	case 0:
		return prng_below(r, 4);
	case 1:
		return CMDLINE_MAX - 3 + prng_below(r, 6);
	case 2:
		return 60 + prng_below(r, 8); /* around the loader name's 64 */
	default:
		return prng_below(r, 300);
	}
}

/* A tag holding a string; returns its size. */
static u32 mb2_string_tag(struct prng *r, struct block *k, size_t off, u32 type)
{
	static char s[CMDLINE_MAX + 8];
	size_t n = gen_string_len(r);
	bool nul = prng_below(r, 6) != 0;

	gen_chars(r, s, n);
	put_bytes(k, off + 8, s, n);
	if (nul)
		put(k, off + 8 + n, 0, 1);
	return (u32)(8 + n + nul);
}

static u32 mb2_entry_size(struct prng *r)
{
	static const u32 odd[] = { 0,  8,	    20,		 25,
				   28, 0x80000000u, 0xfffffff0u, 0xfffffff8u };

	switch (prng_below(r, 10)) {
	case 0:
		return odd[prng_below(r, ARRAY_SIZE(odd))];
	case 1:
		return 32;
	case 2:
		return 48;
	default:
		return 24;
	}
}

/* A memory map tag; returns its size. */
static u32 mb2_mmap_tag(struct prng *r, struct block *k, size_t off)
{
	static struct entry e[MAX_MEM_REGIONS + 40];
	u32 es = mb2_entry_size(r), stride = es >= 24 && es <= 64 ? es : 24;
	size_t n = gen_map(r, e, prng_below(r, 8) ? 40 : ARRAY_SIZE(e)), i;
	u32 size = (u32)(16 + n * stride);

	put(k, off + 8, es, 4);
	put(k, off + 12, 0, 4); /* entry_version */
	for (i = 0; i < n; i++) {
		size_t at = off + 16 + i * stride;

		put(k, at, e[i].base, 8);
		put(k, at + 8, e[i].len, 8);
		put(k, at + 16, e[i].type, 4);
		put(k, at + 20, prng_next(r), 4);
	}
	if (prng_below(r, 6) == 0)
		size -= (u32)prng_below(r,
					MIN((u64)size, 30)); /* a cut entry */
	return size;
}

/* A multiboot2 block with random tags, some of them malformed. */
static void gen_mb2(struct prng *r, struct block *k)
{
	size_t off = 8, tags = prng_below(r, 8), i;

	memset(k->b, 0, sizeof(k->b));
	for (i = 0; i < tags && off + 8 < BLOCK_MAX - 4096; i++) {
		u32 type, size;

		switch (prng_below(r, 8)) {
		case 0:
			type = 1;
			size = mb2_string_tag(r, k, off, type);
			break;
		case 1:
			type = 2;
			size = mb2_string_tag(r, k, off, type);
			break;
		case 2:
			type = 4;
			size = prng_below(r, 4) ? 16 : (u32)prng_below(r, 16);
			put(k, off + 8, prng_below(r, 640), 4);
			put(k, off + 12, prng_next(r) >> 40, 4);
			break;
		case 3:
		case 4:
			type = 6;
			size = mb2_mmap_tag(r, k, off);
			break;
		case 5: /* malformed size */
			type = (u32)prng_range(r, 1, 30);
			size = prng_below(r, 2)
				       ? (u32)prng_below(r, 8)
				       : (u32)prng_range(r, 8, 1u << 21);
			break;
		default: /* a tag kvlab does not use */
			type = (u32)prng_range(r, 3, 40);
			size = (u32)prng_range(r, 8, 64);
			if (type == 4 || type == 6)
				type = 0x1234;
			break;
		}
		put(k, off, type, 4);
		put(k, off + 4, size, 4);
		off = ALIGN_UP(off + (size >= 8 && size < 8192 ? size : 8),
			       (size_t)8);
	}
	if (prng_below(r, 5)) { /* the end tag */
		put(k, off, 0, 4);
		put(k, off + 4, 8, 4);
		off += 8;
	}
	k->len = MIN(off, (size_t)BLOCK_MAX);
	switch (prng_below(r, 8)) {
	case 0:
		put(k, 0,
		    prng_below(r, 2) ? prng_below(r, 20) : prng_next(r) >> 40,
		    4);
		break;
	case 1:
		put(k, 0, off - prng_below(r, MIN((u64)off, 64)), 4);
		break;
	default:
		put(k, 0, off, 4);
		break;
	}
	put(k, 4, 0, 4);
}

/* A multiboot1 block: the info at the start, what it points to after it. */
static void gen_mb1(struct prng *r, struct block *k, phys_addr_t base)
{
	static struct entry e[MAX_MEM_REGIONS + 40];
	static char s[CMDLINE_MAX + 8];
	u32 flags = (u32)prng_next(r) & 0x3ff;
	size_t off = 128, n, i, len;

	memset(k->b, 0, sizeof(k->b));
	if (prng_below(r, 2))
		flags |= (1u << 6);
	put(k, 4, prng_below(r, 640), 4);
	put(k, 8, prng_next(r) >> 40, 4);
	len = gen_string_len(r); /* the command line */
	gen_chars(r, s, len);
	put_bytes(k, off, s, len);
	put(k, 16, prng_below(r, 10) ? base + off : prng_next(r), 4);
	off += len + 1;
	len = gen_string_len(r) % 80; /* the loader's name */
	gen_chars(r, s, len);
	put_bytes(k, off, s, len);
	put(k, 64, prng_below(r, 10) ? base + off : prng_next(r), 4);
	off = ALIGN_UP(off + len + 1, (size_t)8);
	n = gen_map(r, e, prng_below(r, 8) ? 40 : ARRAY_SIZE(e));
	put(k, 48, prng_below(r, 10) ? base + off : prng_next(r), 4);
	len = 0;
	for (i = 0; i < n && off + len + 32 < BLOCK_MAX; i++) {
		u32 size = prng_below(r, 10) ? 20 : (u32)prng_below(r, 40);

		put(k, off + len, size, 4);
		put(k, off + len + 4, e[i].base, 8);
		put(k, off + len + 12, e[i].len, 8);
		put(k, off + len + 20, e[i].type, 4);
		len += (size >= 20 ? size : 20) + 4;
	}
	if (prng_below(r, 6) == 0)
		len = prng_below(r, 2)
			      ? len - MIN(len, (size_t)prng_below(r, 30))
			      : prng_next(r) >> 32;
	put(k, 44, len, 4);
	put(k, 0, flags, 4);
	k->len = MIN(off + (len < BLOCK_MAX ? len : 0), (size_t)BLOCK_MAX);
	if (k->len < 68)
		k->len = 68;
}

/* Where the block lies: mostly low memory, sometimes right below 4 GiB. */
static phys_addr_t gen_base(struct prng *r)
{
	if (prng_below(r, 8) == 0)
		return (4ULL << 30) - prng_range(r, 1, 64) * 4096;
	return prng_range(r, 1, 1 << 20) << 3;
}

/* Random multiboot2 blocks parse as the model says. */
static void random_mb2_blocks(struct host_test *t)
{
	static struct block k;
	unsigned long i, iters = host_iters(t, 10000);
	char why[WHY_SIZE];

	for (i = 0; i < iters; i++) {
		struct physmem m;
		phys_addr_t info_pa;

		gen_mb2(&t->rng, &k);
		m = (struct physmem){ k.b, k.len, gen_base(&t->rng) };
		info_pa = prng_below(&t->rng, 20)
				  ? m.base
				  : m.base + prng_below(&t->rng, 64);
		if (!CHECK(t,
			   bootinfo_check(MB2_BOOTLOADER_MAGIC, &m, info_pa,
					  why),
			   "block %lu (%zu bytes at %#llx): %s", i, k.len,
			   (unsigned long long)m.base, why))
			return;
	}
}

/* Random multiboot1 blocks parse as the model says. */
static void random_mb1_blocks(struct host_test *t)
{
	static struct block k;
	unsigned long i, iters = host_iters(t, 10000);
	char why[WHY_SIZE];

	for (i = 0; i < iters; i++) {
		phys_addr_t base = gen_base(&t->rng);
		struct physmem m;

		gen_mb1(&t->rng, &k, base);
		m = (struct physmem){ k.b, k.len, base };
		if (!CHECK(t,
			   bootinfo_check(MB1_BOOTLOADER_MAGIC, &m, base, why),
			   "block %lu (%zu bytes at %#llx): %s", i, k.len,
			   (unsigned long long)base, why))
			return;
	}
	{ /* and an unknown magic parses nothing */
		struct physmem m = { k.b, k.len, 0x10000 };

		CHECK(t, bootinfo_check(0x12345678, &m, 0x10000, why), "%s",
		      why);
	}
}

/*
 * A multiboot2 memory map tag whose entry_size is near 2^32: the offset of
 * the next entry must not wrap around to the tag's header and read it as
 * entries. The tag holds one whole entry.
 */
static void mb2_huge_entry_size(struct host_test *t)
{
	static struct block k;
	char why[WHY_SIZE];
	u32 es;

	for (es = 0xfffffff0u; es >= 0xffffffe0u; es -= 8) {
		struct physmem m = { k.b, 0, 0x10000 };

		memset(k.b, 0, sizeof(k.b));
		put(&k, 8, 6, 4);   /* tag: memory map */
		put(&k, 12, 48, 4); /* 16 + one entry + 8 spare */
		put(&k, 16, es, 4);
		put(&k, 24, 0x100000, 8); /* the entry */
		put(&k, 32, 0x100000, 8);
		put(&k, 40, MEM_USABLE, 4);
		put(&k, 56, 0, 4); /* end tag */
		put(&k, 60, 8, 4);
		put(&k, 0, 64, 4);
		m.len = 64;
		CHECK(t, bootinfo_check(MB2_BOOTLOADER_MAGIC, &m, 0x10000, why),
		      "entry_size %#x: %s", es, why);
	}
}

/* The kernel's early map: everything below the arena's end, RAM or not. */
static const void *early_map(void *ctx, phys_addr_t pa, size_t len)
{
	(void)ctx;
	if (pa > host_arena_end() || len > host_arena_end() - pa)
		return NULL;
	return (const void *)(pa + PAGE_OFFSET);
}

/*
 * A multiboot1 memory map whose entry sizes add up to 2^32 - 8: two
 * entries 2 GiB apart whose "next" offsets lead to each other once the
 * offset wraps. The parser must read each once and stop. The block lives
 * in an arena with RAM only where the parser should read.
 */
static void mb1_entry_cycle(struct host_test *t)
{
	static struct boot_info bi;
	const phys_addr_t info = 0x10000, map = 0x100000,
			  far = map + 0x80000000ULL;
	const struct mem_region ram[] = {
		{ 0, 0x9fc00, MEM_USABLE },
		{ map, map + 4096, MEM_USABLE },
		{ far, far + 4096, MEM_USABLE },
	};
	const struct phys_reader rd = { early_map, NULL };
	const u32 flags = 1u << 6, size = 0x7ffffffc, length = 0x80000018;
	const u32 map32 = (u32)map;
	u8 *p;
	u64 at;
	int err;

	if (!CHECK(t, host_arena_create(ram, ARRAY_SIZE(ram)) == 0, "no arena"))
		return;
	p = (u8 *)(info + PAGE_OFFSET);
	memset(p, 0, 68);
	memcpy(p, &flags, 4);	    /* a memory map only */
	memcpy(p + 44, &length, 4); /* mmap_length */
	memcpy(p + 48, &map32, 4);  /* mmap_addr */
	for (at = map; at <= far; at += far - map) {
		struct {
			u32 size;
			u64 base, len;
			u32 type;
		} __packed e = { size, at, 4096, MEM_USABLE };

		memcpy((void *)(at + PAGE_OFFSET), &e, sizeof(e));
	}
	err = bootinfo_parse(MB1_BOOTLOADER_MAGIC, info, &rd, NULL, &bi);
	CHECK(t,
	      err == 0 && bi.nr_raw == 2 && bi.nr_raw_dropped == 0 &&
		      bi.raw[1].start == far,
	      "err %d, %zu raw entries, %zu dropped", err, bi.nr_raw,
	      bi.nr_raw_dropped);
	host_arena_destroy();
}

/* Append a multiboot2 module tag for [start, end) named @name at @p + *off. */
static void mb2_module(u8 *p, u32 *off, u32 start, u32 end, const char *name)
{
	u32 type = 3, size = 16 + (u32)strlen(name) + 1;

	memcpy(p + *off, &type, 4);
	memcpy(p + *off + 4, &size, 4);
	memcpy(p + *off + 8, &start, 4);
	memcpy(p + *off + 12, &end, 4);
	memcpy(p + *off + 16, name, strlen(name) + 1);
	*off = ALIGN_UP(*off + size, 8u);
}

/*
 * Modules (make replay-kernel's records come as one): multiboot2 module
 * tags and the multiboot1 module list are read in the loader's order,
 * with their names; an inverted one and those beyond MAX_BOOT_MODULES are
 * warned about and left out.
 */
static void modules(struct host_test *t)
{
	static struct boot_info bi;
	const phys_addr_t info = 0x10000, list = 0x11000;
	const struct mem_region ram[] = { { 0, 0x9fc00, MEM_USABLE } };
	const struct phys_reader rd = { early_map, NULL };
	u8 *p;
	u32 off = 8, zero = 0, eight = 8, i;
	int err;

	if (!CHECK(t, host_arena_create(ram, ARRAY_SIZE(ram)) == 0, "no arena"))
		return;
	p = (u8 *)(info + PAGE_OFFSET);
	memset(p, 0, 0x2000);
	mb2_module(p, &off, 0x200000, 0x300000, "trace.bin replay");
	mb2_module(p, &off, 0x400000, 0x3ff000, "inverted");
	for (i = 0; i < MAX_BOOT_MODULES; i++)
		mb2_module(p, &off, 0x500000 + i * 0x1000,
			   0x500800 + i * 0x1000, "m");
	memcpy(p + off, &zero, 4);
	memcpy(p + off + 4, &eight, 4);
	off += 8;
	memcpy(p, &off, 4);
	err = bootinfo_parse(MB2_BOOTLOADER_MAGIC, info, &rd, NULL, &bi);
	CHECK(t,
	      err == 0 && bi.nr_modules == MAX_BOOT_MODULES &&
		      bi.modules[0].start == 0x200000 &&
		      bi.modules[0].end == 0x300000 &&
		      !strcmp(bi.modules[0].name, "trace.bin replay") &&
		      bi.modules[1].start == 0x500000 && bi.nr_warnings == 2,
	      "multiboot2: err %d, %zu modules, first [%#llx, %#llx) '%s', %u "
	      "warnings",
	      err, bi.nr_modules, (unsigned long long)bi.modules[0].start,
	      (unsigned long long)bi.modules[0].end, bi.modules[0].name,
	      bi.nr_warnings);

	/* multiboot1: flags bit 3, mods_count and mods_addr at 20 and 24. */
	memset(p, 0, 0x2000);
	{
		u32 flags = 1u << 3, count = 2, addr = (u32)list;
		u32 mods[8] = { 0x200000, 0x280000, (u32)list + 64,
				0,	  0x300000, 0x300000,
				0,	  0 };

		memcpy(p, &flags, 4);
		memcpy(p + 20, &count, 4);
		memcpy(p + 24, &addr, 4);
		memcpy(p + (list - info), mods, sizeof(mods));
		memcpy(p + (list - info) + 64, "records", 8);
	}
	err = bootinfo_parse(MB1_BOOTLOADER_MAGIC, info, &rd, NULL, &bi);
	CHECK(t,
	      err == 0 && bi.nr_modules == 1 && bi.modules[0].end == 0x280000 &&
		      !strcmp(bi.modules[0].name, "records") &&
		      bi.nr_warnings >= 1,
	      "multiboot1: err %d, %zu modules, '%s', %u warnings", err,
	      bi.nr_modules, bi.modules[0].name, bi.nr_warnings);
	host_arena_destroy();
}

const struct host_suite suite_bootinfo = HOST_SUITE(
	"bootinfo", HOST_CASE(random_maps), HOST_CASE(known_map),
	HOST_CASE(sanitized_map_overflow), HOST_CASE(random_mb2_blocks),
	HOST_CASE(random_mb1_blocks), HOST_CASE(mb2_huge_entry_size),
	HOST_CASE(mb1_entry_cycle), HOST_CASE(modules));
