/*
 * tests/host/model_bootinfo.c: models of bootinfo_parse() and
 * memmap_sanitize() (include/kernel/bootinfo.h), and the checks that
 * compare them with kvlab's.
 *
 * The parser model reads the block byte by byte from a struct physmem
 * (never through pointers into it) with 64-bit offsets, following the
 * Multiboot specifications and kvlab's documented choices:
 *
 *   multiboot2  total_size must be 16 bytes to 1 MiB and readable; tags
 *               from offset 8, 8-byte aligned, until the end tag, a tag
 *               with size < 8 or one running past total_size. Tag 1 is the
 *               command line, 2 the loader name, 4 basic meminfo (if 16
 *               bytes or more), 6 the memory map: entry_size >= 24 and a
 *               multiple of 8, entries from offset 16 while a whole entry
 *               fits in the tag. The last tag of a kind wins; without a
 *               map tag, basic meminfo gives [0, lower KiB) and
 *               [1 MiB, 1 MiB + upper KiB) as RAM.
 *   multiboot1  the 68-byte information block; flags bit 2 the command
 *               line, bit 9 the loader name, bit 6 the memory map (entries
 *               of size + 4 bytes, size >= 20, while 24 bytes fit in
 *               mmap_length), else bit 0 mem_lower/mem_upper as above.
 *   strings     the bytes before the first NUL among the first
 *               min(room in the tag, buffer size) bytes; when they fill the
 *               buffer they are cut to buffer size - 1 and flagged; an
 *               unreadable string is empty.
 *
 * The sanitized map is not recomputed but checked against its definition,
 * address by address (memmap_check).
 */
#include <stdio.h>
#include <stdlib.h>

#include "models.h"
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/layout.h>

#define FOUR_GIB       (4ULL << 30)
#define MB1_INFO_BYTES 68
#define MB2_MAX_TOTAL  (1u << 20)

/* ---- physical memory for the parser ---------------------------------- */

bool physmem_readable(const struct physmem *m, phys_addr_t pa, u64 len)
{
	(void)m;
	return pa <= FOUR_GIB && len <= FOUR_GIB - pa && len <= PHYSMEM_MAX_MAP;
}

static u8 physmem_byte(const struct physmem *m, phys_addr_t pa)
{
	if (pa < m->base || pa - m->base >= m->len)
		return 0;
	return m->data[pa - m->base];
}

/* Little-endian, as x86 stores them. */
static u64 physmem_le(const struct physmem *m, phys_addr_t pa, unsigned int n)
{
	u64 v = 0;

	while (n--)
		v = (v << 8) | physmem_byte(m, pa + n);
	return v;
}

/* The reader kvlab's parser gets: a fresh exact-size copy per request. */
struct copy_reader {
	const struct physmem *m;
	void **copies;
	size_t nr_copies, cap;
};

static const void *copy_map(void *ctx, phys_addr_t pa, size_t len)
{
	struct copy_reader *r = ctx;
	const struct physmem *m = r->m;
	u8 *p;

	if (!physmem_readable(m, pa, len))
		return NULL;
	if (r->nr_copies == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->copies = realloc(r->copies, r->cap * sizeof(*r->copies));
		if (!r->copies)
			abort();
	}
	p = calloc(1, len ? len : 1);
	if (!p)
		abort();
	/* The part of [pa, pa + len) that overlaps the data; zeros elsewhere. */
	if (pa < m->base + m->len && pa + len > m->base) {
		phys_addr_t s = MAX(pa, m->base),
			    e = MIN(pa + len, m->base + m->len);

		memcpy(p + (s - pa), m->data + (s - m->base), e - s);
	}
	r->copies[r->nr_copies++] = p;
	return p;
}

static void copy_reader_free(struct copy_reader *r)
{
	while (r->nr_copies)
		free(r->copies[--r->nr_copies]);
	free(r->copies);
}

/* ---- the parser model ------------------------------------------------- */

struct model_boot {
	int ret;
	phys_addr_t info_end;
	char cmdline[CMDLINE_MAX];
	bool cmdline_truncated;
	char loader_name[64];
	struct mem_region raw[MAX_MEM_REGIONS];
	size_t nr_raw, nr_dropped;
};

static void model_add(struct model_boot *b, u64 base, u64 len, u32 type)
{
	if (b->nr_raw == MAX_MEM_REGIONS) {
		b->nr_dropped++;
		return;
	}
	b->raw[b->nr_raw++] = (struct mem_region){ base, base + len, type };
}

/* Returns true when the string was cut to fit. */
static bool model_string(const struct physmem *m, phys_addr_t pa, u64 room,
			 char *dst, size_t size)
{
	u64 limit = MIN(room, (u64)size), n, i;
	bool cut;

	dst[0] = '\0';
	if (!physmem_readable(m, pa, limit))
		return false;
	for (n = 0; n < limit && physmem_byte(m, pa + n); n++)
		;
	cut = n == size;
	if (cut)
		n = size - 1;
	for (i = 0; i < n; i++)
		dst[i] = (char)physmem_byte(m, pa + i);
	dst[n] = '\0';
	return cut;
}

static void model_mb2_mmap(const struct physmem *m, phys_addr_t tag, u64 size,
			   struct model_boot *b)
{
	u64 entry_size, e;

	if (size < 16)
		return;
	entry_size = physmem_le(m, tag + 8, 4);
	if (entry_size < 24 || entry_size % 8)
		return;
	for (e = 16; e + 24 <= size; e += entry_size)
		model_add(b, physmem_le(m, tag + e, 8),
			  physmem_le(m, tag + e + 8, 8),
			  (u32)physmem_le(m, tag + e + 16, 4));
}

static void model_mb2(const struct physmem *m, phys_addr_t pa,
		      struct model_boot *b)
{
	u64 total, off, type, size, lower = 0, upper = 0;
	bool have_mmap = false, have_meminfo = false;

	total = physmem_readable(m, pa, 8) ? physmem_le(m, pa, 4) : 0;
	if (total < 16 || total > MB2_MAX_TOTAL ||
	    !physmem_readable(m, pa, total)) {
		b->ret = -EINVAL;
		return;
	}
	b->info_end = pa + total;
	for (off = 8; off + 8 <= total; off = ALIGN_UP(off + size, 8ULL)) {
		type = physmem_le(m, pa + off, 4);
		size = physmem_le(m, pa + off + 4, 4);
		if (type == 0 || size < 8 || off + size > total)
			break;
		if (type == 1)
			b->cmdline_truncated =
				model_string(m, pa + off + 8, size - 8,
					     b->cmdline, sizeof(b->cmdline));
		if (type == 2)
			model_string(m, pa + off + 8, size - 8, b->loader_name,
				     sizeof(b->loader_name));
		if (type == 4 && size >= 16) {
			lower = physmem_le(m, pa + off + 8, 4);
			upper = physmem_le(m, pa + off + 12, 4);
			have_meminfo = true;
		}
		if (type == 6) {
			model_mb2_mmap(m, pa + off, size, b);
			have_mmap = true;
		}
	}
	if (!have_mmap && have_meminfo) {
		model_add(b, 0, lower << 10, MEM_USABLE);
		model_add(b, 1ULL << 20, upper << 10, MEM_USABLE);
	}
}

static void model_mb1(const struct physmem *m, phys_addr_t pa,
		      struct model_boot *b)
{
	u64 flags, len, addr, off, size;

	if (!physmem_readable(m, pa, MB1_INFO_BYTES)) {
		b->ret = -EINVAL;
		return;
	}
	b->info_end = pa + MB1_INFO_BYTES;
	flags = physmem_le(m, pa, 4);
	if (flags & (1u << 2))
		b->cmdline_truncated = model_string(m,
						    physmem_le(m, pa + 16, 4),
						    CMDLINE_MAX + 1, b->cmdline,
						    sizeof(b->cmdline));
	if (flags & (1u << 9))
		model_string(m, physmem_le(m, pa + 64, 4),
			     sizeof(b->loader_name), b->loader_name,
			     sizeof(b->loader_name));
	if (flags & (1u << 6)) {
		len = physmem_le(m, pa + 44, 4);
		addr = physmem_le(m, pa + 48, 4);
		if (!physmem_readable(m, addr, len))
			return;
		for (off = 0; off + 24 <= len; off += size + 4) {
			size = physmem_le(m, addr + off, 4);
			if (size < 20)
				break;
			model_add(b, physmem_le(m, addr + off + 4, 8),
				  physmem_le(m, addr + off + 12, 8),
				  (u32)physmem_le(m, addr + off + 20, 4));
		}
	} else if (flags & 1) {
		model_add(b, 0, physmem_le(m, pa + 4, 4) << 10, MEM_USABLE);
		model_add(b, 1ULL << 20, physmem_le(m, pa + 8, 4) << 10,
			  MEM_USABLE);
	}
}

/* ---- bootinfo_check ---------------------------------------------------- */

static bool compare_boot(const struct boot_info *bi, const struct model_boot *b,
			 int ret, char *why)
{
	size_t i;

	if (ret != b->ret) {
		snprintf(why, WHY_SIZE, "returned %d, model %d", ret, b->ret);
		return false;
	}
	if (bi->info_end != b->info_end) {
		snprintf(why, WHY_SIZE, "info_end %#llx, model %#llx",
			 (unsigned long long)bi->info_end,
			 (unsigned long long)b->info_end);
		return false;
	}
	if (strcmp(bi->cmdline, b->cmdline) ||
	    bi->cmdline_truncated != b->cmdline_truncated) {
		snprintf(why, WHY_SIZE,
			 "command line '%.80s'%s, model '%.80s'%s", bi->cmdline,
			 bi->cmdline_truncated ? " (cut)" : "", b->cmdline,
			 b->cmdline_truncated ? " (cut)" : "");
		return false;
	}
	if (strcmp(bi->loader_name, b->loader_name)) {
		snprintf(why, WHY_SIZE, "loader name '%s', model '%s'",
			 bi->loader_name, b->loader_name);
		return false;
	}
	if (bi->nr_raw != b->nr_raw || bi->nr_raw_dropped != b->nr_dropped) {
		snprintf(why, WHY_SIZE,
			 "%zu raw entries (%zu dropped), model %zu (%zu)",
			 bi->nr_raw, bi->nr_raw_dropped, b->nr_raw,
			 b->nr_dropped);
		return false;
	}
	for (i = 0; i < b->nr_raw; i++) {
		const struct mem_region *k = &bi->raw[i], *r = &b->raw[i];

		if (k->start != r->start || k->end != r->end ||
		    k->type != r->type) {
			snprintf(why, WHY_SIZE,
				 "raw entry %zu: [%#llx, %#llx) type %u, model "
				 "[%#llx, %#llx) type %u",
				 i, (unsigned long long)k->start,
				 (unsigned long long)k->end, k->type,
				 (unsigned long long)r->start,
				 (unsigned long long)r->end, r->type);
			return false;
		}
	}
	return true;
}

bool bootinfo_check(u32 magic, const struct physmem *m, phys_addr_t info_pa,
		    char *why)
{
	static struct boot_info bi;
	static struct model_boot b;
	static struct mem_region map[MAX_MEM_REGIONS];
	struct copy_reader cr = { m, NULL, 0, 0 };
	struct phys_reader rd = { copy_map, &cr };
	size_t nr_map, i;
	bool ok;
	int ret;

	ret = bootinfo_parse(magic, info_pa, &rd, NULL, &bi);
	copy_reader_free(&cr);
	memset(&b, 0, sizeof(b));
	b.info_end = info_pa;
	if (magic == MB2_BOOTLOADER_MAGIC)
		model_mb2(m, info_pa, &b);
	else if (magic == MB1_BOOTLOADER_MAGIC)
		model_mb1(m, info_pa, &b);
	else
		b.ret = -EINVAL;
	if (!compare_boot(&bi, &b, ret, why))
		return false;
	if (magic != MB1_BOOTLOADER_MAGIC && magic != MB2_BOOTLOADER_MAGIC) {
		if (bi.nr_raw || bi.nr_map)
			snprintf(why, WHY_SIZE, "unknown magic, yet a map");
		return !bi.nr_raw && !bi.nr_map;
	}
	ok = memmap_check(bi.raw, bi.nr_raw, why, map, &nr_map);
	if (ok && (nr_map != bi.nr_map ||
		   memcmp(map, bi.map, nr_map * sizeof(map[0])))) {
		for (i = 0; i < nr_map && i < bi.nr_map; i++)
			if (memcmp(&map[i], &bi.map[i], sizeof(map[i])))
				break;
		snprintf(why, WHY_SIZE,
			 "boot_info.map differs from memmap_sanitize(raw) at "
			 "entry %zu",
			 i);
		ok = false;
	}
	return ok;
}

/* ---- memmap_check ------------------------------------------------------ */

struct clean {
	struct mem_region r[MAX_MEM_REGIONS];
	size_t n;
	bool odd; /* a warning is due */
};

/* The documented cleaning of each raw entry. */
static void model_clean(const struct mem_region *in, size_t nr_in,
			struct clean *c)
{
	size_t i;

	c->n = 0;
	c->odd = false;
	for (i = 0; i < nr_in && i < MAX_MEM_REGIONS; i++) {
		struct mem_region r = in[i];

		if (r.end <= r.start || r.start >= MAX_PHYS_ADDR) {
			c->odd = true; /* empty, wrapped or unaddressable */
			continue;
		}
		if (r.end > MAX_PHYS_ADDR) {
			r.end = MAX_PHYS_ADDR;
			c->odd = true;
		}
		if (r.type < MEM_USABLE || r.type > MEM_UNUSABLE) {
			r.type = MEM_RESERVED;
			c->odd = true;
		}
		if (c->n && r.start < c->r[c->n - 1].start)
			c->odd = true; /* not sorted */
		c->r[c->n++] = r;
	}
}

static int cmp_addr(const void *a, const void *b)
{
	phys_addr_t x = *(const phys_addr_t *)a, y = *(const phys_addr_t *)b;

	return x < y ? -1 : x > y;
}

/* The type the sanitized map @out gives address @pa (0: a hole). */
static u32 map_type_at(const struct mem_region *out, size_t n, phys_addr_t pa)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (out[i].start <= pa && pa < out[i].end)
			return out[i].type;
	return 0;
}

static bool check_shape(const struct mem_region *out, size_t n, char *why)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct mem_region *r = &out[i];

		if (r->start >= r->end || r->end > MAX_PHYS_ADDR ||
		    r->type < MEM_USABLE || r->type > MEM_UNUSABLE) {
			snprintf(why, WHY_SIZE,
				 "sanitized entry %zu [%#llx, %#llx) type %u "
				 "is malformed",
				 i, (unsigned long long)r->start,
				 (unsigned long long)r->end, r->type);
			return false;
		}
		if (i && (out[i - 1].end > r->start ||
			  (out[i - 1].end == r->start &&
			   out[i - 1].type == r->type))) {
			snprintf(why, WHY_SIZE,
				 "sanitized entries %zu and %zu are unsorted, "
				 "overlap or should merge: end %#llx type %u, "
				 "start %#llx type %u",
				 i - 1, i, (unsigned long long)out[i - 1].end,
				 out[i - 1].type, (unsigned long long)r->start,
				 r->type);
			return false;
		}
	}
	return true;
}

static unsigned int nr_warn_calls;

static void count_warn(const char *msg)
{
	(void)msg;
	nr_warn_calls++;
}

bool memmap_check(const struct mem_region *in, size_t nr_in, char *why,
		  struct mem_region *out_copy, size_t *nr_out_copy)
{
	static struct mem_region out[MAX_MEM_REGIONS];
	static phys_addr_t pts[4 * MAX_MEM_REGIONS];
	static struct clean c;
	unsigned int nr_warnings = 0;
	size_t n, nr_pts = 0, i, j, runs = 0;
	phys_addr_t checked_end;
	u32 prev = 0;

	nr_warn_calls = 0;
	n = memmap_sanitize(in, nr_in, out, count_warn, &nr_warnings);
	if (out_copy) {
		memcpy(out_copy, out, n * sizeof(out[0]));
		*nr_out_copy = n;
	}
	if (n > MAX_MEM_REGIONS) {
		snprintf(why, WHY_SIZE, "memmap_sanitize returned %zu entries",
			 n);
		return false;
	}
	if (!check_shape(out, n, why))
		return false;
	model_clean(in, nr_in, &c);
	for (i = 0; i < c.n; i++) {
		pts[nr_pts++] = c.r[i].start;
		pts[nr_pts++] = c.r[i].end;
	}
	for (i = 0; i < n; i++) {
		pts[nr_pts++] = out[i].start;
		pts[nr_pts++] = out[i].end;
	}
	qsort(pts, nr_pts, sizeof(pts[0]), cmp_addr);
	/* A full map may lose what lies past its last entry (and says so). */
	checked_end = n == MAX_MEM_REGIONS ? out[n - 1].end : ~0ULL;
	for (i = 0; i + 1 < nr_pts; i++) {
		u32 want = 0, got, covers = 0;

		if (pts[i] == pts[i + 1])
			continue;
		for (j = 0; j < c.n; j++) {
			if (c.r[j].start <= pts[i] &&
			    pts[i + 1] <= c.r[j].end) {
				covers++;
				want = MAX(want, c.r[j].type);
			}
		}
		if (covers > 1)
			c.odd = true; /* overlap */
		if (want && want != prev)
			runs++;
		prev = want;
		if (pts[i] >= checked_end)
			continue;
		got = map_type_at(out, n, pts[i]);
		if (got != want) {
			snprintf(why, WHY_SIZE,
				 "[%#llx, %#llx) is type %u in the sanitized "
				 "map, but the highest type covering it is %u",
				 (unsigned long long)pts[i],
				 (unsigned long long)pts[i + 1], got, want);
			return false;
		}
	}
	if (runs > MAX_MEM_REGIONS)
		c.odd = true; /* the sanitized map overflowed */
	if (runs != n && !(runs > MAX_MEM_REGIONS && n == MAX_MEM_REGIONS)) {
		snprintf(why, WHY_SIZE, "%zu sanitized entries, expected %zu",
			 n, runs);
		return false;
	}
	if (c.odd != (nr_warnings > 0) || nr_warn_calls != nr_warnings) {
		snprintf(why, WHY_SIZE,
			 "%u warnings (%u warn calls), but the map is %s",
			 nr_warnings, nr_warn_calls, c.odd ? "odd" : "clean");
		return false;
	}
	return true;
}
