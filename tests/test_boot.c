/*
 * tests/test_boot.c: the boot suite: the multiboot parsers and memory-map
 * sanitizing on hand-made information blocks, the command-line parser on
 * good and garbage input, and what this boot actually received.
 */
#include <kernel/bootinfo.h>
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <kernel/tsc.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/layout.h>

/* A fake physical memory: pa is an offset into buf. */
struct fake_phys {
	u8 *buf;
	size_t size;
};

static const void *fake_map(void *ctx, phys_addr_t pa, size_t len)
{
	struct fake_phys *fp = ctx;

	if (pa > fp->size || len > fp->size - pa)
		return NULL;
	return fp->buf + pa;
}

static u8 blk[4096] __aligned(8);
static struct boot_info bi;

static void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}
static void put64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

/* Append a multiboot2 tag; returns the offset after it (8-aligned). */
static u32 mb2_tag(u32 off, u32 type, const void *payload, u32 len)
{
	put32(blk + off, type);
	put32(blk + off + 4, 8 + len);
	memcpy(blk + off + 8, payload, len);
	return ALIGN_UP(off + 8 + len, 8u);
}

static u32 mb2_mmap(u32 off, const struct mem_region *r, size_t n)
{
	u8 payload[8 + 24 * 16];
	size_t i;

	put32(payload, 24);    /* entry size */
	put32(payload + 4, 0); /* entry version */
	for (i = 0; i < n; i++) {
		put64(payload + 8 + i * 24, r[i].start);
		put64(payload + 8 + i * 24 + 8, r[i].end - r[i].start);
		put32(payload + 8 + i * 24 + 16, r[i].type);
		put32(payload + 8 + i * 24 + 20, 0);
	}
	return mb2_tag(off, 6, payload, (u32)(8 + n * 24));
}

static int parse_blk(u32 magic, phys_addr_t pa)
{
	static struct fake_phys fp = { blk, sizeof(blk) };
	static const struct phys_reader rd = { fake_map, &fp };

	return bootinfo_parse(magic, pa, &rd, NULL, &bi);
}

/* A well-formed multiboot2 block: cmdline, loader name and map come out. */
static void mb2_well_formed(struct ktest *t)
{
	static const struct mem_region map[] = {
		{ 0, 0x9fc00, MEM_USABLE },
		{ 0x9fc00, 0xa0000, MEM_RESERVED },
		{ 0x100000, 0x7fe0000, MEM_USABLE },
		{ 0x7fe0000, 0x8000000, MEM_ACPI },
	};
	u32 off = 8;

	memset(blk, 0, sizeof(blk));
	off = mb2_tag(off, 1, "tests=all seed=3", 17);
	off = mb2_tag(off, 2, "GRUB 2.06", 10);
	off = mb2_mmap(off, map, ARRAY_SIZE(map));
	off = mb2_tag(off, 0, "", 0);
	put32(blk, off);
	KT_ASSERT_EQ(t, parse_blk(MB2_BOOTLOADER_MAGIC, 0), 0);
	KT_EXPECT_EQ(t, bi.protocol, BOOT_MB2);
	KT_EXPECT_STREQ(t, bi.cmdline, "tests=all seed=3");
	KT_EXPECT_STREQ(t, bi.loader_name, "GRUB 2.06");
	KT_EXPECT_EQ(t, bi.nr_raw, 4);
	KT_EXPECT_EQ(t, bi.nr_map, 4);
	KT_EXPECT_EQ(t, bi.nr_warnings, 0);
	KT_EXPECT_UEQ(t, bi.map[2].start, 0x100000);
	KT_EXPECT_UEQ(t, bi.map[2].end, 0x7fe0000);
	KT_EXPECT_EQ(t, bi.map[3].type, MEM_ACPI);
	KT_EXPECT_UEQ(t, bi.info_end - bi.info_start, off);
}

/* A multiboot1 block with a memory map, as `qemu -kernel` makes one. */
static void mb1_well_formed(struct ktest *t)
{
	u8 *e;

	memset(blk, 0, sizeof(blk));
	put32(blk + 0, (1u << 0) | (1u << 2) | (1u << 6) | (1u << 9));
	put32(blk + 4, 639);	/* mem_lower, KiB */
	put32(blk + 8, 130048); /* mem_upper, KiB */
	put32(blk + 16, 1024);	/* cmdline at pa 1024 */
	memcpy(blk + 1024, "/kvlab.elf tests=boot", 22);
	put32(blk + 64, 1100); /* loader name */
	memcpy(blk + 1100, "qemu", 5);
	put32(blk + 44, 2 * 24); /* mmap_length */
	put32(blk + 48, 2048);	 /* mmap_addr */
	e = blk + 2048;
	put32(e, 20);
	put64(e + 4, 0);
	put64(e + 12, 0x9fc00);
	put32(e + 20, 1);
	e += 24;
	put32(e, 20);
	put64(e + 4, 0x100000);
	put64(e + 12, 0x7f00000);
	put32(e + 20, 1);
	KT_ASSERT_EQ(t, parse_blk(MB1_BOOTLOADER_MAGIC, 0), 0);
	KT_EXPECT_EQ(t, bi.protocol, BOOT_MB1);
	KT_EXPECT_STREQ(t, bi.cmdline, "/kvlab.elf tests=boot");
	KT_EXPECT_STREQ(t, bi.loader_name, "qemu");
	KT_EXPECT_EQ(t, bi.nr_map, 2);
	KT_EXPECT_UEQ(t, bi.map[1].end, 0x8000000);
}

/* multiboot1 without a map falls back to mem_lower/mem_upper, with a warning. */
static void mb1_meminfo_fallback(struct ktest *t)
{
	memset(blk, 0, sizeof(blk));
	put32(blk + 0, 1u << 0);
	put32(blk + 4, 640);
	put32(blk + 8, 31 * 1024);
	KT_ASSERT_EQ(t, parse_blk(MB1_BOOTLOADER_MAGIC, 0), 0);
	KT_EXPECT_EQ(t, bi.nr_map, 2);
	KT_EXPECT_UEQ(t, bi.map[1].start, 0x100000);
	KT_EXPECT_UEQ(t, bi.map[1].end, 32ULL << 20);
	KT_EXPECT_GE(t, bi.nr_warnings, 1);
}

/* Garbage blocks are refused or cut short, never read out of bounds. */
static void garbage_blocks(struct ktest *t)
{
	memset(blk, 0xff, sizeof(blk));
	KT_EXPECT_EQ(t, parse_blk(0x12345678, 0), -EINVAL); /* bad magic */
	KT_EXPECT_EQ(t, parse_blk(MB2_BOOTLOADER_MAGIC, 0),
		     -EINVAL); /* huge size */
	KT_EXPECT_EQ(t, parse_blk(MB2_BOOTLOADER_MAGIC, sizeof(blk) - 4),
		     -EINVAL);
	/* A tag whose size runs past the block. */
	memset(blk, 0, sizeof(blk));
	put32(blk, 64);
	put32(blk + 8, 6);
	put32(blk + 12, 4000);
	KT_EXPECT_EQ(t, parse_blk(MB2_BOOTLOADER_MAGIC, 0), 0);
	KT_EXPECT_EQ(t, bi.nr_map, 0);
	KT_EXPECT_GE(t, bi.nr_warnings, 1);
	/* multiboot1 whose map pointer is outside memory. */
	memset(blk, 0, sizeof(blk));
	put32(blk, 1u << 6);
	put32(blk + 44, 240);
	put32(blk + 48, 0xfffffff0);
	KT_EXPECT_EQ(t, parse_blk(MB1_BOOTLOADER_MAGIC, 0), 0);
	KT_EXPECT_EQ(t, bi.nr_map, 0);
	KT_EXPECT_GE(t, bi.nr_warnings, 1);
}

/* Overlaps, disorder, zero lengths, unknown types and huge entries are sanitized. */
static void sanitize_odd_maps(struct ktest *t)
{
	static const struct mem_region in[] = {
		{ 0x100000, 0x800000, MEM_USABLE },
		{ 0, 0x9f000, MEM_USABLE },	      /* out of order */
		{ 0x400000, 0x500000, MEM_RESERVED }, /* inside usable */
		{ 0x700000, 0x900000, MEM_NVS },      /* overlaps the end */
		{ 0x900000, 0x900000, MEM_USABLE },   /* zero length */
		{ 0xa00000, 0xb00000, 99 },	      /* unknown type */
		{ 0xb00000, 0xc00000, MEM_USABLE },
		{ 0xc00000, 0xd00000, MEM_USABLE }, /* merges with previous */
		{ 1ULL << 53, (1ULL << 53) + 4096,
		  MEM_USABLE },				    /* above 2^52 */
		{ 0xfffff000, 0xfffff000 - 1, MEM_USABLE }, /* wraps */
	};
	static struct mem_region out[MAX_MEM_REGIONS];
	unsigned int warnings = 0;
	size_t n = memmap_sanitize(in, ARRAY_SIZE(in), out, NULL, &warnings);

	KT_ASSERT_EQ(t, n, 7);
	KT_EXPECT_UEQ(t, out[0].start, 0);
	KT_EXPECT_UEQ(t, out[0].end, 0x9f000);
	KT_EXPECT_UEQ(t, out[1].start, 0x100000);
	KT_EXPECT_UEQ(t, out[1].end, 0x400000);
	KT_EXPECT_EQ(t, out[2].type, MEM_RESERVED);
	KT_EXPECT_EQ(t, out[3].type, MEM_USABLE);
	KT_EXPECT_UEQ(t, out[3].end, 0x700000);
	KT_EXPECT_EQ(t, out[4].type, MEM_NVS);
	KT_EXPECT_UEQ(t, out[4].end, 0x900000);
	KT_EXPECT_EQ(t, out[5].type, MEM_RESERVED); /* unknown type 99 */
	KT_EXPECT_UEQ(t, out[6].start, 0xb00000);
	KT_EXPECT_UEQ(t, out[6].end, 0xd00000);
	/* zero-length, unknown, above 2^52, wrap (cut), unsorted, overlap */
	KT_EXPECT_EQ(t, warnings, 6);
}

/* This boot's own map: sorted, disjoint, with RAM above 1 MiB. */
static void this_boot_map(struct ktest *t)
{
	phys_addr_t usable_above_1m = 0;
	size_t i;

	KT_ASSERT_GT(t, boot_info.nr_map, 0);
	for (i = 0; i < boot_info.nr_map; i++) {
		const struct mem_region *r = &boot_info.map[i];

		KT_EXPECT_ULT(t, r->start, r->end);
		if (i)
			KT_EXPECT_ULE(t, boot_info.map[i - 1].end, r->start);
		KT_EXPECT_TRUE(t, r->type >= MEM_USABLE &&
					  r->type <= MEM_UNUSABLE);
		if (r->type == MEM_USABLE && r->end > LOW_RESERVED_END)
			usable_above_1m +=
				r->end - MAX(r->start, LOW_RESERVED_END);
	}
	/* kvlab refuses to boot with less (mm/memblock_glue.c: MIN_USABLE_RAM). */
	KT_EXPECT_UGE(t, usable_above_1m, 12ULL << 20);
}

/* ---- command line -------------------------------------------------- */

static unsigned long test_num;
static bool test_flag;
static char test_str[32];

static int set_num(const char *val, char *why, size_t n)
{
	return kparam_ulong(val, 1, 100, &test_num, why, n);
}

static int set_flag(const char *val, char *why, size_t n)
{
	return kparam_bool(val, &test_flag, why, n);
}

static int set_str(const char *val, char *why, size_t n)
{
	if (!val)
		return -EINVAL;
	strscpy(test_str, val, sizeof(test_str));
	return 0;
}

static const struct kparam test_params[] = {
	{ "num", set_num, "" },
	{ "flag", set_flag, "" },
	{ "str", set_str, "" },
};

static unsigned int nr_warned;
static void count_warning(const char *msg)
{
	nr_warned++;
}

static void parse(const char *line, size_t len, struct cmdline_result *r)
{
	test_num = 0;
	test_flag = false;
	test_str[0] = '\0';
	nr_warned = 0;
	cmdline_parse(line, len, test_params, ARRAY_SIZE(test_params),
		      count_warning, r);
}

/* Good words are applied; the image path in front is skipped. */
static void cmdline_good_words(struct ktest *t)
{
	struct cmdline_result r;

	parse("/boot/kvlab.elf num=42 flag str=\"two words\"", 200, &r);
	KT_EXPECT_EQ(t, r.nr_words, 3);
	KT_EXPECT_EQ(t, r.nr_applied, 3);
	KT_EXPECT_EQ(t, r.nr_warnings, 0);
	KT_EXPECT_UEQ(t, test_num, 42);
	KT_EXPECT_TRUE(t, test_flag);
	KT_EXPECT_STREQ(t, test_str, "two words");
	parse("  \t num=0x10\tflag=0  ", 200, &r);
	KT_EXPECT_UEQ(t, test_num, 16);
	KT_EXPECT_FALSE(t, test_flag);
	KT_EXPECT_EQ(t, r.nr_warnings, 0);
}

/* Unknown keys and bad values are warned about and ignored, never fatal. */
static void cmdline_garbage(struct ktest *t)
{
	static char longword[600];
	struct cmdline_result r;

	parse("bogus=1 num=abc num=101 num= flag=maybe =5 str=\"open", 200, &r);
	KT_EXPECT_EQ(t, r.nr_words, 7);
	KT_EXPECT_EQ(t, r.nr_applied, 0);
	KT_EXPECT_EQ(t, r.nr_warnings, 7);
	KT_EXPECT_EQ(t, nr_warned, 7);
	KT_EXPECT_UEQ(t, test_num, 0);
	KT_EXPECT_STREQ(t, test_str, "");

	parse("num=99999999999999999999999 num=-1", 200, &r);
	KT_EXPECT_EQ(t, r.nr_warnings, 2);

	memset(longword, 'a', sizeof(longword) - 1);
	memcpy(longword, "str=", 4);
	parse(longword, sizeof(longword), &r);
	KT_EXPECT_EQ(t, r.nr_warnings, 1);
	KT_EXPECT_STREQ(t, test_str, "");

	parse("num=5\x01\x02 flag", 200, &r); /* unprintable */
	KT_EXPECT_EQ(t, r.nr_warnings, 1);
	KT_EXPECT_EQ(t, r.nr_applied, 1);
}

/* The parser stops at the length it is given: no NUL needed. */
static void cmdline_unterminated(struct ktest *t)
{
	static const char line[8] = { 'n', 'u', 'm', '=', '7', ' ', 'f', 'l' };
	struct cmdline_result r;

	parse(line, sizeof(line), &r);
	KT_EXPECT_UEQ(t, test_num, 7);
	KT_EXPECT_EQ(t, r.nr_words, 2);
	KT_EXPECT_EQ(t, r.nr_warnings, 1); /* "fl" is no key */
}

/* The TSC was calibrated to a plausible rate (100 MHz to 10 GHz). */
static void tsc_calibrated(struct ktest *t)
{
	KT_EXPECT_UGE(t, tsc_khz, 100000);
	KT_EXPECT_ULE(t, tsc_khz, 10000000);
	KT_EXPECT_UEQ(t, cycles_to_ns(tsc_khz * 1000), 1000000000ULL);
}

KTEST_SUITE(boot, NULL, NULL, KTEST_CASE(mb2_well_formed),
	    KTEST_CASE(mb1_well_formed), KTEST_CASE(mb1_meminfo_fallback),
	    KTEST_CASE(garbage_blocks), KTEST_CASE(sanitize_odd_maps),
	    KTEST_CASE(this_boot_map), KTEST_CASE(cmdline_good_words),
	    KTEST_CASE(cmdline_garbage), KTEST_CASE(cmdline_unterminated),
	    KTEST_CASE(tsc_calibrated));
