/*
 * tests/bench_tables.c: the human-readable comparison tables.
 *
 * The benchmark files measure and print one `bench:` line per result; the
 * results are kept (kernel/bench.c). Once the selected groups have run,
 * bench_print_tables() arranges them into one table per question:
 *
 *   What does one allocation and free cost?     kmalloc vs alloc_pages vs vmalloc
 *   What does a batch cost?                     kmalloc_batch beside kmalloc_pair
 *   How does vmalloc's cost grow with size?     per page
 *   Lazy vs eager TLB purge                     vfree with and without batching
 *   kmem_cache vs kmalloc                       a named cache, kmalloc, kzalloc
 *   Access through the direct map vs vmalloc    bandwidth and a pointer chase
 *
 * A table is printed only if at least one of its cells was measured, and a
 * cell that was not measured prints "-": the tables never show a number
 * that is not in a `bench:` line above them. Each table starts with the
 * clock line, which says how the figures were produced.
 */
#include <kernel/bench.h>
#include <kernel/printk.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/gfp.h>

#define CELL 16 /* room for "12345678.90" and its padding */

/* A result's figure per operation (or per page), in hundredths. */
enum figure { CYCLES, NS, CYCLES_PER_PAGE, NS_PER_PAGE };

static const struct bench_result *find(const char *test, const char *fmt,
				       unsigned long v)
{
	char params[48];

	snprintf(params, sizeof(params), fmt, v);
	return bench_find(test, params);
}

static u64 figure(const struct bench_result *r, enum figure f)
{
	switch (f) {
	case CYCLES:
		return bench_cycles_x100(r);
	case NS:
		return bench_ns_x100(r);
	case CYCLES_PER_PAGE:
		return r->pages ? bench_cycles_x100(r) / r->pages
				: bench_cycles_x100(r);
	case NS_PER_PAGE:
		return r->pages ? bench_ns_x100(r) / r->pages
				: bench_ns_x100(r);
	}
	return 0;
}

/* "1234.56", or "-" when @r was not measured, right-aligned in @width. */
static void print_cell(const struct bench_result *r, enum figure f, int width)
{
	char text[CELL];
	u64 v;

	if (!r) {
		console_print("%*s", width, "-");
		return;
	}
	v = figure(r, f);
	snprintf(text, sizeof(text), "%lu.%02lu", v / 100, v % 100);
	console_print("%*s", width, text);
}

/* @a / @b as "12.3x", or "-". */
static void print_ratio(const struct bench_result *a,
			const struct bench_result *b, int width)
{
	char text[CELL];
	u64 x, y, q;

	if (!a || !b || !(y = bench_cycles_x100(b))) {
		console_print("%*s", width, "-");
		return;
	}
	x = bench_cycles_x100(a);
	q = x * 10 / y; /* tenths; x is far below 2^60 */
	snprintf(text, sizeof(text), "%lu.%lux", q / 10, q % 10);
	console_print("%*s", width, text);
}

/* "8", "4K", "1M": a size as the tables show it. */
static void size_text(char *buf, size_t len, unsigned long size)
{
	if (size >= (1UL << 20) && !(size & ((1UL << 20) - 1)))
		snprintf(buf, len, "%luM", size >> 20);
	else if (size >= 1024 && !(size & 1023))
		snprintf(buf, len, "%luK", size >> 10);
	else
		snprintf(buf, len, "%lu", size);
}

static void table_head(const char *question, const char *how)
{
	console_print("\n-- %s --\n", question);
	console_print("   %s\n", how);
	console_print("   ");
	bench_print_clock();
}

/* ---- what does one allocation and free cost? --------------------------- */

static const unsigned long pair_sizes[] = {
	8,    16,   32,	  64,	96,    128,   192,    256,     512,
	1024, 2048, 4096, 8192, 16384, 65536, 262144, 1048576, 4194304,
};

static const struct bench_result *kmalloc_pair(unsigned long size)
{
	return find("kmalloc_pair", "size=%lu", size);
}

/* vmalloc results are named by KiB ("size=4K"), as in the Linux reference. */
static const struct bench_result *vmalloc_pair(unsigned long size)
{
	if (size < 4096)
		return NULL;
	return find("vmalloc_pair", "size=%luK", size >> 10);
}

static const struct bench_result *pages_pair(unsigned long size)
{
	return find("pages_pair", "order=%lu", get_order(size));
}

static void table_pair(void)
{
	unsigned int i;
	bool any = false;

	for (i = 0; i < ARRAY_SIZE(pair_sizes); i++)
		any |= kmalloc_pair(pair_sizes[i]) ||
		       vmalloc_pair(pair_sizes[i]) || pages_pair(pair_sizes[i]);
	if (!any)
		return;
	table_head("What does one allocation and free cost?", "kfree(kmalloc(S)"
							      "), "
							      "__free_pages("
							      "alloc_pages("
							      "order)), "
							      "vfree(vmalloc(S)"
							      "); per pair");
	console_print("   %7s %12s %12s %5s %12s %12s %12s %12s %9s\n", "size",
		      "kmalloc cyc", "ns", "order", "pages cyc", "ns",
		      "vmalloc cyc", "ns", "vm/km");
	for (i = 0; i < ARRAY_SIZE(pair_sizes); i++) {
		unsigned long s = pair_sizes[i];
		const struct bench_result *k = kmalloc_pair(s),
					  *p = pages_pair(s),
					  *v = vmalloc_pair(s);
		char sz[16];

		size_text(sz, sizeof(sz), s);
		console_print("   %7s", sz);
		print_cell(k, CYCLES, 13);
		print_cell(k, NS, 13);
		console_print(" %5u", get_order(s));
		print_cell(p, CYCLES, 13);
		print_cell(p, NS, 13);
		print_cell(v, CYCLES, 13);
		print_cell(v, NS, 13);
		print_ratio(v, k, 10);
		console_print("\n");
	}
	console_print("   kmalloc above 8K is a compound block from the buddy "
		      "allocator; alloc_pages hands out\n"
		      "   whole pages (order 0 = 4 KiB, even for 8 bytes); "
		      "vmalloc maps each page on its own.\n");
}

/* ---- what does a batch cost? -------------------------------------------- */

static void table_batch(void)
{
	const struct bench_result *pb = find("pages_batch", "order=%lu", 0);
	unsigned int i;
	bool any = pb;

	for (i = 0; i < ARRAY_SIZE(pair_sizes) && pair_sizes[i] <= 8192; i++)
		any |= !!find("kmalloc_batch", "size=%lu", pair_sizes[i]);
	if (!any)
		return;
	table_head("What does a batch cost?", "10000 allocations, then 10000 "
					      "frees; per allocation+free, "
					      "beside one pair at a time");
	console_print("   %-22s %12s %12s %12s %9s\n", "test", "batch cyc",
		      "ns", "pair cyc", "batch/pair");
	for (i = 0; i < ARRAY_SIZE(pair_sizes) && pair_sizes[i] <= 8192; i++) {
		const struct bench_result *b = find("kmalloc_batch", "size=%lu",
						    pair_sizes[i]),
					  *p = kmalloc_pair(pair_sizes[i]);
		char name[32];

		if (!b)
			continue;
		snprintf(name, sizeof(name), "kmalloc size=%lu", pair_sizes[i]);
		console_print("   %-22s", name);
		print_cell(b, CYCLES, 13);
		print_cell(b, NS, 13);
		print_cell(p, CYCLES, 13);
		print_ratio(b, p, 10);
		console_print("\n");
	}
	if (pb) {
		console_print("   %-22s", "alloc_pages order=0");
		print_cell(pb, CYCLES, 13);
		print_cell(pb, NS, 13);
		print_cell(pages_pair(4096), CYCLES, 13);
		print_ratio(pb, pages_pair(4096), 10);
		console_print("\n");
	}
	console_print("   A batch empties the per-CPU caches and refills them "
		      "from the shared lists: the slow\n"
		      "   paths show here, while a pair at a time always hits "
		      "the fast path.\n");
}

/* ---- how does vmalloc's cost grow with size? ------------------------------ */

static const unsigned long vmalloc_sizes[] = {
	4096, 16384, 65536, 262144, 1048576, 4194304,
};

static void table_vmalloc_growth(void)
{
	unsigned int i;
	bool any = false;

	for (i = 0; i < ARRAY_SIZE(vmalloc_sizes); i++)
		any |= !!vmalloc_pair(vmalloc_sizes[i]);
	if (!any)
		return;
	table_head("How does vmalloc's cost grow with size?", "vfree(vmalloc(S)"
							      "): a fixed cost "
							      "(find and free "
							      "an area, flush) "
							      "plus a cost per "
							      "page");
	console_print("   %7s %7s %14s %12s %12s\n", "size", "pages", "cyc/op",
		      "cyc/page", "ns/page");
	for (i = 0; i < ARRAY_SIZE(vmalloc_sizes); i++) {
		const struct bench_result *v = vmalloc_pair(vmalloc_sizes[i]);
		char sz[16];

		if (!v)
			continue;
		size_text(sz, sizeof(sz), vmalloc_sizes[i]);
		console_print("   %7s %7lu", sz, vmalloc_sizes[i] / 4096);
		print_cell(v, CYCLES, 15);
		print_cell(v, CYCLES_PER_PAGE, 13);
		print_cell(v, NS_PER_PAGE, 13);
		console_print("\n");
	}
}

/* ---- lazy vs eager TLB purge ----------------------------------------------- */

static void table_purge(void)
{
	unsigned int i;
	bool any = false;

	for (i = 0; i < ARRAY_SIZE(vmalloc_sizes); i++)
		any |= find("vfree_lazy", "size=%luK",
			    vmalloc_sizes[i] >> 10) ||
		       find("vfree_eager", "size=%luK", vmalloc_sizes[i] >> 10);
	if (!any)
		return;
	table_head("Lazy vs eager TLB purge", "vfree(vmalloc(S)) with lazy "
					      "purge (batched, one full flush) "
					      "and eager (invlpg per page)");
	console_print("   %7s %14s %14s %14s %10s %16s %16s\n", "size",
		      "lazy cyc/op", "eager cyc/op", "eager cyc/page",
		      "eager/lazy", "lazy invlpg+full", "eager invlpg+full");
	for (i = 0; i < ARRAY_SIZE(vmalloc_sizes); i++) {
		const struct bench_result *l = find("vfree_lazy", "size=%luK",
						    vmalloc_sizes[i] >> 10),
					  *e = find("vfree_eager", "size=%luK",
						    vmalloc_sizes[i] >> 10);
		char sz[16];

		if (!l && !e)
			continue;
		size_text(sz, sizeof(sz), vmalloc_sizes[i]);
		console_print("   %7s", sz);
		print_cell(l, CYCLES, 15);
		print_cell(e, CYCLES, 15);
		print_cell(e, CYCLES_PER_PAGE, 15);
		print_ratio(e, l, 11);
		console_print(" %16s %16s\n", l && l->note[0] ? l->note : "-",
			      e && e->note[0] ? e->note : "-");
	}
	console_print("   invlpg+full: the single-page and whole-TLB flushes "
		      "all repetitions caused.\n");
	console_print("   Under TCG a TLB flush costs emulation work, not the "
		      "refills real hardware pays for:\n"
		      "   read these as instruction counts, not as TLB "
		      "behaviour.\n");
}

/* ---- kmem_cache vs kmalloc ------------------------------------------------ */

static void table_cache(void)
{
	unsigned int i;
	bool any = false;

	for (i = 0; i < ARRAY_SIZE(pair_sizes) && pair_sizes[i] <= 8192; i++)
		any |= find("kmem_cache_pair", "size=%lu", pair_sizes[i]) ||
		       find("kzalloc_pair", "size=%lu", pair_sizes[i]);
	if (!any)
		return;
	table_head("kmem_cache vs kmalloc", "a pair from a cache made for the "
					    "size, from kmalloc, and from "
					    "kzalloc (zeroed)");
	console_print("   %7s %14s %14s %14s\n", "size", "kmem_cache cyc",
		      "kmalloc cyc", "kzalloc cyc");
	for (i = 0; i < ARRAY_SIZE(pair_sizes) && pair_sizes[i] <= 8192; i++) {
		unsigned long s = pair_sizes[i];
		const struct bench_result *c = find("kmem_cache_pair",
						    "size=%lu", s),
					  *z = find("kzalloc_pair", "size=%lu",
						    s);

		if (!c && !z)
			continue;
		console_print("   %7lu", s);
		print_cell(c, CYCLES, 15);
		print_cell(kmalloc_pair(s), CYCLES, 15);
		print_cell(z, CYCLES, 15);
		console_print("\n");
	}
	if (find("kmem_cache_pair", "size=%lu debug=FZPU", 64)) {
		console_print("   %7s", "64 FZPU");
		print_cell(find("kmem_cache_pair", "size=%lu debug=FZPU", 64),
			   CYCLES, 15);
		console_print("%15s%15s   (slub_debug=FZPU on this cache)\n",
			      "-", "-");
	}
	console_print("   kzalloc pays for the zeroing: about one instruction "
		      "per byte under -icount, where\n"
		      "   each pass of rep stosb counts as one.\n");
}

/* ---- access through the direct map vs a vmalloc mapping -------------------- */

static void table_access(void)
{
	static const struct {
		const char *buf;
		unsigned long kib;
	} bufs[] = {
		{ "direct", 4096 },
		{ "vmalloc", 4096 },
		{ "direct16x4M", 65536 },
		{ "vmalloc", 65536 },
	};
	unsigned int i;
	bool any = false;
	char params[48];

	for (i = 0; i < ARRAY_SIZE(bufs); i++) {
		snprintf(params, sizeof(params), "buf=%s size=%luK",
			 bufs[i].buf, bufs[i].kib);
		any |= !!bench_find("access_seqwrite", params);
	}
	if (!any)
		return;
	table_head("What does access cost through the direct map vs a vmalloc "
		   "mapping?",
		   "sequential 4 KiB writes, and a dependent random 8-byte "
		   "pointer chase");
	console_print("   %-24s %8s %14s %12s %14s\n", "buffer", "mapping",
		      "write cyc/page", "MB/s", "chase cyc/read");
	for (i = 0; i < ARRAY_SIZE(bufs); i++) {
		const struct bench_result *w, *c;
		char name[40];
		u64 ns;

		snprintf(params, sizeof(params), "buf=%s size=%luK",
			 bufs[i].buf, bufs[i].kib);
		w = bench_find("access_seqwrite", params);
		c = bench_find("access_randread", params);
		if (!w && !c)
			continue;
		snprintf(name, sizeof(name), "%s %luK", bufs[i].buf,
			 bufs[i].kib);
		console_print("   %-24s %8s", name,
			      w && w->note[0] ? w->note : "?");
		print_cell(w, CYCLES, 15);
		ns = w ? bench_ns_x100(w) : 0;
		/* 4096 bytes per write op: MB/s = 4096 * 1000 / ns */
		if (ns)
			console_print("%13lu", 409600000UL / ns);
		else
			console_print("%13s", "-");
		print_cell(c, CYCLES, 15);
		console_print("\n");
	}
	console_print("   Neither TCG nor -icount models TLB misses or caches, "
		      "so both mappings cost the same\n"
		      "   here; on hardware, vmalloc's 4 KiB mappings miss the "
		      "TLB where 2 MiB/1 GiB ones do not.\n");
}

/* Registered as BENCH_TABLES: the runner calls it after the groups. */
static void bench_print_tables(struct bench_run *r)
{
	table_pair();
	table_batch();
	table_vmalloc_growth();
	table_purge();
	table_cache();
	table_access();
}
BENCH(tables, bench_print_tables, BENCH_QUICK | BENCH_TABLES);
