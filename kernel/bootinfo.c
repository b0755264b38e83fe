/*
 * kernel/bootinfo.c: parse multiboot1/multiboot2 information and sanitize
 * the memory map (see include/kernel/bootinfo.h).
 *
 * Pure code: physical memory is read only through the phys_reader, so
 * tests/host can feed it arbitrary bytes (fuzz_memmap).
 */
#include <kernel/bootinfo.h>
#include <lib/compiler.h>
#include <lib/errno.h>
#include <mm/layout.h>
#include <lib/printf.h>
#include <lib/string.h>

/* multiboot2 tag types (Multiboot2 specification, section 3.6). */
#define MB2_TAG_END	      0
#define MB2_TAG_CMDLINE	      1
#define MB2_TAG_LOADER_NAME   2
#define MB2_TAG_MODULE	      3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP	      6
#define MB2_TAG_ACPI_OLD      14	 /* a copy of the ACPI 1.0 RSDP */
#define MB2_TAG_ACPI_NEW      15	 /* a copy of the ACPI 2.0+ RSDP */
#define MB2_INFO_MAX	      (1u << 20) /* refuse larger blocks */

/* multiboot1 flags (Multiboot specification 0.6.96, section 3.3). */
#define MB1_FLAG_MEM	     (1u << 0)
#define MB1_FLAG_CMDLINE     (1u << 2)
#define MB1_FLAG_MODS	     (1u << 3)
#define MB1_FLAG_MMAP	     (1u << 6)
#define MB1_FLAG_LOADER_NAME (1u << 9)

struct mb1_info {
	u32 flags;
	u32 mem_lower, mem_upper; /* KiB below 1 MiB, KiB above 1 MiB */
	u32 boot_device;
	u32 cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr;
	u32 config_table;
	u32 boot_loader_name;
} __packed;

struct mb1_mmap_entry {
	u32 size; /* of the rest of the entry */
	u64 base, len;
	u32 type;
} __packed;

struct mb1_module {
	u32 mod_start, mod_end;
	u32 string;
	u32 reserved;
} __packed;

struct mb2_tag {
	u32 type, size;
};

struct mb2_mmap_entry {
	u64 base, len;
	u32 type, reserved;
};

static void warnf(struct boot_info *bi, void (*warn)(const char *),
		  const char *fmt, ...) __printf(3, 4);
static void warnf(struct boot_info *bi, void (*warn)(const char *),
		  const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	bi->nr_warnings++;
	if (!warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(msg);
}

const char *mem_type_name(u32 type)
{
	switch (type) {
	case MEM_USABLE:
		return "usable";
	case MEM_RESERVED:
		return "reserved";
	case MEM_ACPI:
		return "ACPI data";
	case MEM_NVS:
		return "ACPI NVS";
	case MEM_UNUSABLE:
		return "unusable";
	default:
		return "unknown";
	}
}

static void add_raw(struct boot_info *bi, u64 base, u64 len, u32 type)
{
	if (bi->nr_raw == MAX_MEM_REGIONS) {
		bi->nr_raw_dropped++;
		return;
	}
	bi->raw[bi->nr_raw].start = base;
	/* Kept as given; sanitizing deals with wrap-around and huge ends. */
	bi->raw[bi->nr_raw].end = base + len;
	bi->raw[bi->nr_raw].type = type;
	bi->nr_raw++;
}

/*
 * Copy the string at @pa (at most @avail bytes are readable there) into
 * @dst. Return: false when it had to be cut to fit @size.
 */
static bool copy_string(const struct phys_reader *rd, phys_addr_t pa,
			size_t avail, char *dst, size_t size)
{
	const char *s;
	size_t n, limit = avail < size ? avail : size;

	s = rd->map(rd->ctx, pa, limit);
	if (!s) {
		dst[0] = '\0';
		return true;
	}
	n = strnlen(s, limit);
	if (n >= size) { /* no NUL within the buffer: cut */
		memcpy(dst, s, size - 1);
		dst[size - 1] = '\0';
		return false;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

static void parse_mb2_mmap(struct boot_info *bi, const u8 *tag, u32 size,
			   void (*warn)(const char *))
{
	u32 entry_size;
	u64 off; /* 64 bits: off + entry_size must not wrap back into the tag */

	if (size < 16) {
		warnf(bi, warn,
		      "multiboot2: memory map tag too short (%u bytes)", size);
		return;
	}
	memcpy(&entry_size, tag + 8, 4);
	if (entry_size < sizeof(struct mb2_mmap_entry) || entry_size % 8) {
		warnf(bi, warn, "multiboot2: bad memory map entry size %u",
		      entry_size);
		return;
	}
	for (off = 16; off + sizeof(struct mb2_mmap_entry) <= size;
	     off += entry_size) {
		struct mb2_mmap_entry e;

		memcpy(&e, tag + off, sizeof(e));
		add_raw(bi, e.base, e.len, e.type);
	}
}

/* add_module - keep [start, end) as a module, if it makes sense. */
static void add_module(struct boot_info *bi, void (*warn)(const char *),
		       u32 start, u32 end, const struct phys_reader *rd,
		       phys_addr_t name_pa, u32 name_max)
{
	struct boot_module *m;

	if (end <= start) {
		warnf(bi, warn,
		      "module [%#x, %#x) is empty or inverted; ignored", start,
		      end);
		return;
	}
	if (bi->nr_modules == MAX_BOOT_MODULES) {
		warnf(bi, warn, "more than %d modules; [%#x, %#x) ignored",
		      MAX_BOOT_MODULES, start, end);
		return;
	}
	m = &bi->modules[bi->nr_modules++];
	m->start = start;
	m->end = end;
	if (name_pa && name_max)
		copy_string(rd, name_pa, name_max, m->name, sizeof(m->name));
}

static void parse_mb1_mods(struct boot_info *bi, const struct mb1_info *mi,
			   const struct phys_reader *rd,
			   void (*warn)(const char *))
{
	u32 i, count = mi->mods_count;
	const struct mb1_module *mods;

	if (count > MAX_BOOT_MODULES + 1)
		count = MAX_BOOT_MODULES +
			1; /* enough to warn about the rest */
	mods = rd->map(rd->ctx, mi->mods_addr, count * sizeof(*mods));
	if (!mods) {
		if (count)
			warnf(bi, warn,
			      "multiboot1: module list at %#x unreadable",
			      mi->mods_addr);
		return;
	}
	for (i = 0; i < count; i++) {
		struct mb1_module m;

		memcpy(&m, &mods[i], sizeof(m));
		add_module(bi, warn, m.mod_start, m.mod_end, rd, m.string,
			   m.string ? sizeof(bi->modules[0].name) + 1 : 0);
	}
}

static int parse_mb2(phys_addr_t info_pa, const struct phys_reader *rd,
		     void (*warn)(const char *), struct boot_info *bi)
{
	const u8 *info, *tag;
	u32 total, off, type, size, lower = 0, upper = 0;
	bool have_mmap = false, have_meminfo = false;

	info = rd->map(rd->ctx, info_pa, 8);
	if (!info)
		return -EINVAL;
	memcpy(&total, info, 4);
	if (total < 16 || total > MB2_INFO_MAX) {
		warnf(bi, warn, "multiboot2: implausible information size %u",
		      total);
		return -EINVAL;
	}
	info = rd->map(rd->ctx, info_pa, total);
	if (!info)
		return -EINVAL;
	bi->info_end = info_pa + total;
	for (off = 8; off + 8 <= total; off = ALIGN_UP(off + size, 8u)) {
		tag = info + off;
		memcpy(&type, tag, 4);
		memcpy(&size, tag + 4, 4);
		if (type == MB2_TAG_END)
			break;
		if (size < 8 || size > total - off) {
			warnf(bi, warn,
			      "multiboot2: tag %u at offset %u has bad size %u",
			      type, off, size);
			break;
		}
		switch (type) {
		case MB2_TAG_CMDLINE:
			bi->cmdline_truncated =
				!copy_string(rd, info_pa + off + 8, size - 8,
					     bi->cmdline, sizeof(bi->cmdline));
			break;
		case MB2_TAG_LOADER_NAME:
			copy_string(rd, info_pa + off + 8, size - 8,
				    bi->loader_name, sizeof(bi->loader_name));
			break;
		case MB2_TAG_MODULE:
			if (size >= 16) {
				u32 start, end;

				memcpy(&start, tag + 8, 4);
				memcpy(&end, tag + 12, 4);
				add_module(bi, warn, start, end, rd,
					   info_pa + off + 16, size - 16);
			}
			break;
		case MB2_TAG_BASIC_MEMINFO:
			if (size >= 16) {
				memcpy(&lower, tag + 8, 4);
				memcpy(&upper, tag + 12, 4);
				have_meminfo = true;
			}
			break;
		case MB2_TAG_MMAP:
			parse_mb2_mmap(bi, tag, size, warn);
			have_mmap = true;
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			/* The new tag wins; kernel/acpi.c checks the bytes. */
			if (type == MB2_TAG_ACPI_OLD && bi->rsdp_len &&
			    bi->rsdp_new)
				break;
			bi->rsdp_len = MIN(size - 8, (u32)sizeof(bi->rsdp));
			memcpy(bi->rsdp, tag + 8, bi->rsdp_len);
			bi->rsdp_new = type == MB2_TAG_ACPI_NEW;
			break;
		default:
			break;
		}
		if (off + size + 7 < off)
			break;
	}
	if (!have_mmap && have_meminfo) {
		warnf(bi, warn,
		      "multiboot2: no memory map tag; using basic meminfo");
		add_raw(bi, 0, (u64)lower << 10, MEM_USABLE);
		add_raw(bi, 1ULL << 20, (u64)upper << 10, MEM_USABLE);
	}
	return 0;
}

static void parse_mb1_mmap(struct boot_info *bi, const struct mb1_info *mi,
			   const struct phys_reader *rd,
			   void (*warn)(const char *))
{
	const u8 *map = rd->map(rd->ctx, mi->mmap_addr, mi->mmap_length);
	u64 off = 0; /* 64 bits: entry sizes near 2^32 must not wrap it */

	if (!map) {
		warnf(bi, warn,
		      "multiboot1: memory map at %#x (+%u) unreadable",
		      mi->mmap_addr, mi->mmap_length);
		return;
	}
	while (off + sizeof(struct mb1_mmap_entry) <= mi->mmap_length) {
		struct mb1_mmap_entry e;

		memcpy(&e, map + off, sizeof(e));
		if (e.size < 20) {
			warnf(bi, warn,
			      "multiboot1: memory map entry with size %u",
			      e.size);
			break;
		}
		add_raw(bi, e.base, e.len, e.type);
		if (e.size > mi->mmap_length)
			break;
		off += (u64)e.size + 4;
	}
}

static int parse_mb1(phys_addr_t info_pa, const struct phys_reader *rd,
		     void (*warn)(const char *), struct boot_info *bi)
{
	const struct mb1_info *mi = rd->map(rd->ctx, info_pa, sizeof(*mi));

	if (!mi)
		return -EINVAL;
	bi->info_end = info_pa + sizeof(*mi);
	if (mi->flags & MB1_FLAG_CMDLINE)
		bi->cmdline_truncated =
			!copy_string(rd, mi->cmdline, CMDLINE_MAX + 1,
				     bi->cmdline, sizeof(bi->cmdline));
	if (mi->flags & MB1_FLAG_LOADER_NAME)
		copy_string(rd, mi->boot_loader_name, sizeof(bi->loader_name),
			    bi->loader_name, sizeof(bi->loader_name));
	if (mi->flags & MB1_FLAG_MODS)
		parse_mb1_mods(bi, mi, rd, warn);
	if (mi->flags & MB1_FLAG_MMAP) {
		parse_mb1_mmap(bi, mi, rd, warn);
	} else if (mi->flags & MB1_FLAG_MEM) {
		warnf(bi, warn,
		      "multiboot1: no memory map; using mem_lower/mem_upper");
		add_raw(bi, 0, (u64)mi->mem_lower << 10, MEM_USABLE);
		add_raw(bi, 1ULL << 20, (u64)mi->mem_upper << 10, MEM_USABLE);
	}
	return 0;
}

int bootinfo_parse(u32 magic, phys_addr_t info_pa, const struct phys_reader *rd,
		   void (*warn)(const char *msg), struct boot_info *bi)
{
	int err;

	memset(bi, 0, sizeof(*bi));
	bi->info_start = info_pa;
	bi->info_end = info_pa;
	if (magic == MB2_BOOTLOADER_MAGIC) {
		bi->protocol = BOOT_MB2;
		err = parse_mb2(info_pa, rd, warn, bi);
	} else if (magic == MB1_BOOTLOADER_MAGIC) {
		bi->protocol = BOOT_MB1;
		err = parse_mb1(info_pa, rd, warn, bi);
	} else {
		warnf(bi, warn, "unknown boot loader magic %#x", magic);
		return -EINVAL;
	}
	if (err)
		warnf(bi, warn, "boot information at %#llx unreadable",
		      (unsigned long long)info_pa);
	if (bi->cmdline_truncated)
		warnf(bi, warn, "command line longer than %d bytes, cut",
		      CMDLINE_MAX - 1);
	if (bi->nr_raw_dropped)
		warnf(bi, warn,
		      "memory map: %zu entries beyond the first %d ignored",
		      bi->nr_raw_dropped, MAX_MEM_REGIONS);
	bi->nr_map = memmap_sanitize(bi->raw, bi->nr_raw, bi->map, warn,
				     &bi->nr_warnings);
	return err;
}

/* ---- memory map sanitizing ------------------------------------------- */

/* Insertion sort: the maps are short, and this keeps the code obvious. */
static void sort_points(phys_addr_t *p, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		phys_addr_t v = p[i];

		for (j = i; j > 0 && p[j - 1] > v; j--)
			p[j] = p[j - 1];
		p[j] = v;
	}
}

static u32 normal_type(u32 type)
{
	return (type >= MEM_USABLE && type <= MEM_UNUSABLE) ? type
							    : MEM_RESERVED;
}

struct sanitize_ctx {
	void (*warn)(const char *);
	unsigned int *nr_warnings;
};

static void sanitize_warn(const struct sanitize_ctx *c, const char *fmt, ...)
	__printf(2, 3);
static void sanitize_warn(const struct sanitize_ctx *c, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	(*c->nr_warnings)++;
	if (!c->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->warn(msg);
}

/*
 * Clean one raw entry into [*s, *e) with a known type.
 * Return: false to drop it.
 */
static bool clean_entry(const struct sanitize_ctx *c,
			const struct mem_region *r, phys_addr_t *s,
			phys_addr_t *e, u32 *type)
{
	phys_addr_t start = r->start, end = r->end;

	if (end == start) {
		sanitize_warn(c,
			      "memory map: ignoring zero-length entry at %#llx",
			      (unsigned long long)start);
		return false;
	}
	if (end < start) {
		/* base + length wrapped past 2^64: nothing in it can be trusted. */
		sanitize_warn(c,
			      "memory map: ignoring entry at %#llx whose "
			      "length wraps around",
			      (unsigned long long)start);
		return false;
	}
	if (end > MAX_PHYS_ADDR) {
		/* Beyond what 4-level paging can address. */
		if (start >= MAX_PHYS_ADDR) {
			sanitize_warn(c,
				      "memory map: ignoring entry at %#llx "
				      "above 2^%d",
				      (unsigned long long)start, MAX_PHYS_BITS);
			return false;
		}
		sanitize_warn(c,
			      "memory map: entry at %#llx ends beyond 2^%d, "
			      "cut",
			      (unsigned long long)start, MAX_PHYS_BITS);
		end = MAX_PHYS_ADDR;
	}
	*type = normal_type(r->type);
	if (*type != r->type)
		sanitize_warn(c,
			      "memory map: [mem %#018llx-%#018llx] has unknown "
			      "type %u, treated as reserved",
			      (unsigned long long)start,
			      (unsigned long long)end - 1, r->type);
	*s = start;
	*e = end;
	return true;
}

/*
 * Add [s, e) to the @*n entries of @out, merged with its neighbour when
 * they touch and share a type. Return: false when @out is full.
 */
static bool append_region(struct mem_region *out, size_t *n, phys_addr_t s,
			  phys_addr_t e, u32 type)
{
	if (*n && out[*n - 1].end == s && out[*n - 1].type == type) {
		out[*n - 1].end = e; /* merge with the neighbour */
		return true;
	}
	if (*n == MAX_MEM_REGIONS)
		return false;
	out[*n].start = s;
	out[*n].end = e;
	out[*n].type = type;
	(*n)++;
	return true;
}

size_t memmap_sanitize(const struct mem_region *in, size_t nr_in,
		       struct mem_region *out, void (*warn)(const char *msg),
		       unsigned int *nr_warnings)
{
	static struct mem_region clean[MAX_MEM_REGIONS];
	static phys_addr_t points[2 * MAX_MEM_REGIONS];
	struct sanitize_ctx c = { warn, nr_warnings };
	size_t i, j, nr_clean = 0, nr_points = 0, n = 0;
	bool unsorted = false, overlap = false, full = false;
	phys_addr_t cut = 0; /* where a full map dropped the rest */

	if (nr_in > MAX_MEM_REGIONS)
		nr_in = MAX_MEM_REGIONS;
	for (i = 0; i < nr_in; i++) {
		struct mem_region *r = &clean[nr_clean];

		if (!clean_entry(&c, &in[i], &r->start, &r->end, &r->type))
			continue;
		if (nr_clean && r->start < clean[nr_clean - 1].start)
			unsorted = true;
		points[nr_points++] = r->start;
		points[nr_points++] = r->end;
		nr_clean++;
	}
	if (unsorted)
		sanitize_warn(&c, "memory map: entries not sorted; sorted");
	sort_points(points, nr_points);

	/*
	 * Sweep the elementary intervals between consecutive boundaries. Each
	 * takes the highest type of the entries covering it (Linux: "the
	 * larger type wins"); an interval covered by none is a hole.
	 */
	for (i = 0; i + 1 < nr_points; i++) {
		phys_addr_t s = points[i], e = points[i + 1];
		u32 type = 0, covers = 0;

		if (s == e)
			continue;
		for (j = 0; j < nr_clean; j++) {
			if (clean[j].start <= s && clean[j].end >= e) {
				covers++;
				if (clean[j].type > type)
					type = clean[j].type;
			}
		}
		if (covers > 1)
			overlap = true;
		if (type && !full && !append_region(out, &n, s, e, type)) {
			/* Nothing after a dropped region can touch the last one. */
			full = true;
			cut = s;
		}
	}
	if (overlap)
		sanitize_warn(&c, "memory map: overlapping entries; the more "
				  "restrictive type wins");
	if (full)
		sanitize_warn(&c,
			      "memory map: more than %d regions; everything "
			      "from %#llx up ignored",
			      MAX_MEM_REGIONS, (unsigned long long)cut);
	return n;
}

/* ---- the kernel's side ------------------------------------------------ */
#ifndef KVLAB_HOST
#include <kernel/printk.h>

struct boot_info boot_info;

/* boot/boot.asm maps the first 4 GiB at PAGE_OFFSET until paging_init(). */
static const void *early_phys_map(void *ctx, phys_addr_t pa, size_t len)
{
	const phys_addr_t limit = 4ULL << 30;

	(void)ctx;
	if (pa >= limit || len > limit - pa)
		return NULL;
	return (const void *)(uintptr_t)(pa + PAGE_OFFSET);
}

/*
 * bootinfo_init() runs before the banner can be printed (the banner names
 * the loader and the command line, which it copies), so its warnings are
 * kept here and printed by bootinfo_print_warnings() after the banner.
 */
#define MAX_HELD_WARNINGS 8
static char held[MAX_HELD_WARNINGS][160];
static unsigned int nr_held, nr_dropped;

static void bootinfo_warn(const char *msg)
{
	if (nr_held < MAX_HELD_WARNINGS)
		strscpy(held[nr_held++], msg, sizeof(held[0]));
	else
		nr_dropped++;
}

int bootinfo_init(u32 magic, phys_addr_t info_pa)
{
	static const struct phys_reader rd = { early_phys_map, NULL };

	return bootinfo_parse(magic, info_pa, &rd, bootinfo_warn, &boot_info);
}

void bootinfo_print_warnings(void)
{
	unsigned int i;

	for (i = 0; i < nr_held; i++)
		pr_warn("bootinfo: %s\n", held[i]);
	if (nr_dropped)
		pr_warn("bootinfo: %u more warning(s) not shown\n", nr_dropped);
	nr_held = nr_dropped = 0;
}

static void print_regions(const char *prefix, const struct mem_region *r,
			  size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (r[i].type >= MEM_USABLE && r[i].type <= MEM_UNUSABLE)
			pr_info("%s: [mem %#018llx-%#018llx] %s\n", prefix,
				(unsigned long long)r[i].start,
				(unsigned long long)r[i].end - 1,
				mem_type_name(r[i].type));
		else
			pr_info("%s: [mem %#018llx-%#018llx] type %u\n", prefix,
				(unsigned long long)r[i].start,
				(unsigned long long)r[i].end - 1, r[i].type);
	}
}

void memmap_print(void)
{
	pr_info("%s-provided physical RAM map:\n",
		boot_info.protocol == BOOT_MB2 ? "multiboot2" : "multiboot1");
	print_regions("BIOS-e820", boot_info.raw, boot_info.nr_raw);
	if (boot_info.nr_warnings) {
		pr_info("sanitized physical RAM map:\n");
		print_regions("e820", boot_info.map, boot_info.nr_map);
	}
}
#endif
