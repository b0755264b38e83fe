/*
 * tests/host/fuzz_alloc.c: libFuzzer target for the allocators of mm/.
 *
 * The input is a program: a sequence of operations, each one selector
 * byte (modulo the number of rows of alloc_ops[]) followed by the row's
 * argument bytes; it ends where the input does (a row whose arguments are
 * cut short is not run) or after MAX_OPS operations. Every answer of the
 * kernel is judged by a reference model (model_pages.c for the buddy
 * allocator) and the model compared with the allocator after every
 * operation; a disagreement aborts with the explanation. At the end of the
 * input everything still allocated is freed and the allocator must be
 * exactly as booted (same free blocks per order), so inputs do not
 * disturb each other.
 *
 * mm/ is booted once, on the small machine of pm_boot_small() (DMA and
 * DMA32, 40 MiB), misuse reports are counted instead of aborting and the
 * console is quiet.
 *
 * Seeds: tests/host/corpus/fuzz_alloc/ (tests/host/corpus/mkcorpus.py).
 */
#include <stdio.h>
#include <stdlib.h>

#include "models.h"
#include <host.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/page.h>

#define MAX_OPS		256	/* per input: bounds the time one input takes */
#define FULL_CHECK_OPS	64	/* operations between two full comparisons */

static struct fuzz_state {
	struct page_model pages;
	unsigned long booted[MAX_NR_ZONES][NR_PAGE_ORDERS];	/* free blocks */
	u64 nr_ops;		/* over the whole run: tags the page contents */
	u64 last_full_check;	/* nr_ops at the last op_full_check() walk */
	bool ready;
} st;

/* The gfp masks an argument byte selects from (modulo). */
static const gfp_t fuzz_gfps[] = {
	GFP_KERNEL, GFP_KERNEL | __GFP_ZERO, GFP_KERNEL | __GFP_COMP,
	GFP_ATOMIC, GFP_NOWAIT, GFP_DMA32, GFP_KERNEL | __GFP_DMA32 | __GFP_ZERO,
	GFP_DMA, GFP_KERNEL | __GFP_DMA | __GFP_COMP, GFP_KERNEL | __GFP_HIGH,
};

/* ---- page rows -------------------------------------------------------- */

/* alloc_pages(gfp, order): a[0] the order (0..MAX_PAGE_ORDER), a[1] the gfp. */
static bool op_alloc_pages(const u8 *a, char *why)
{
	unsigned int order = a[0] % (MAX_PAGE_ORDER + 1);
	gfp_t gfp = fuzz_gfps[a[1] % ARRAY_SIZE(fuzz_gfps)] | __GFP_NOWARN;

	return pm_alloc_check(&st.pages, gfp, order, alloc_pages(gfp, order),
			      st.nr_ops, why);
}

/* __free_pages() of live block a[0] (modulo the number live). */
static bool op_free_pages(const u8 *a, char *why)
{
	if (!st.pages.nr_live)
		return true;
	return pm_free_check(&st.pages, a[0] % st.pages.nr_live, why);
}

/*
 * A misuse on live block a[0]: a[1] picks freeing it twice, with the
 * wrong order, or by a tail page. Exactly one report must follow, and the
 * allocator must not change (the model compares after the row).
 */
static bool op_bad_free(const u8 *a, char *why)
{
	static const char *const what[] = { "double free", "wrong order", "tail page" };
	unsigned long before = report_count(), pfn;
	unsigned int kind = a[1] % ARRAY_SIZE(what), order;
	size_t idx;

	if (!st.pages.nr_live)
		return true;
	idx = a[0] % st.pages.nr_live;
	pfn = st.pages.live[idx].pfn;
	order = st.pages.live[idx].order;
	if (kind == 0) {
		if (!pm_free_check(&st.pages, idx, why))
			return false;
		before = report_count();
		__free_pages(pfn_to_page(pfn), order);
	} else if (kind == 1) {
		__free_pages(pfn_to_page(pfn), order == MAX_PAGE_ORDER ? 0 : order + 1);
	} else {
		if (!order)
			return true;
		__free_pages(pfn_to_page(pfn + 1 + a[0] % ((1UL << order) - 1)), 0);
	}
	if (report_count() == before + 1)
		return true;
	snprintf(why, WHY_SIZE, "%s of pfn %#lx order %u: %lu reports, expected 1",
		 what[kind], pfn, order, report_count() - before);
	return false;
}

/* drain_all_pages(): the pcp lists back to the free lists. */
static bool op_drain(const u8 *a, char *why)
{
	(void)a;
	(void)why;
	drain_all_pages();
	return true;
}

/*
 * Every frame's state and buddy_check(true), not only the counts; at
 * most once per FULL_CHECK_OPS operations, as it costs a walk of all
 * frames (without the limit it would be most of the fuzzer's time).
 */
static bool op_full_check(const u8 *a, char *why)
{
	(void)a;
	if (st.nr_ops - st.last_full_check < FULL_CHECK_OPS)
		return true;
	st.last_full_check = st.nr_ops;
	return pm_compare_full(&st.pages, why);
}

/*
 * The operations. A row is its name, how many argument bytes follow the
 * selector, and the function that runs it and judges the answer.
 */
struct alloc_op {
	const char *name;
	unsigned int nr_arg_bytes;
	bool (*run)(const u8 *arg, char *why);
};

static const struct alloc_op alloc_ops[] = {
	{ "alloc_pages", 2, op_alloc_pages },
	{ "alloc_pages", 2, op_alloc_pages },	/* twice: allocations fill memory */
	{ "free_pages", 1, op_free_pages },
	{ "bad_free", 2, op_bad_free },
	{ "drain_all_pages", 0, op_drain },
	{ "full_check", 0, op_full_check },
	/*
	 * kmalloc and vmalloc rows go here once mm/slab.c, mm/kmalloc.c and
	 * mm/vmalloc.c join HOST_KV_SRCS (Makefile). Each is a row like
	 *
	 *   { "kmalloc", 3, op_kmalloc },     a[0..1] the size, a[2] the gfp
	 *   { "kfree", 1, op_kfree },         a[0] which live object
	 *   { "krealloc", 3, op_krealloc },   a[0] which object, a[1..2] new size
	 *   { "vmalloc", 2, op_vmalloc },     a[0..1] the size in pages
	 *   { "vfree", 1, op_vfree },
	 *   { "vmap", 2, op_vmap },           pages from live page blocks
	 *
	 * judged by a model of its own (objects and their contents, areas
	 * and their mappings: model_kmalloc.c, model_vmalloc.c), compared in
	 * check_all() below and emptied in end_of_input(). Appending rows
	 * keeps the seed corpus meaningful: selectors are taken modulo the
	 * number of rows, so existing seeds just decode differently.
	 */
};

/* ---- the driver --------------------------------------------------------- */

/* Report @why with the end of the kernel log (buddy_check's lines). */
static __noreturn void fail(const char *op, const char *why)
{
	static char text[2048];
	size_t n = log_read(text, sizeof(text) - 1);

	text[n] = '\0';
	fprintf(stderr, "fuzz_alloc: the kernel log ends:\n%s\n", text);
	fprintf(stderr, "fuzz_alloc: after %s: %s\n", op, why);
	abort();
}

/* After every row: each model against its allocator. */
static void check_all(const char *op)
{
	char why[WHY_SIZE];

	if (!pm_compare(&st.pages, why))
		fail(op, why);
}

/* Free what the input left; the allocator must be exactly as booted. */
static void end_of_input(void)
{
	char why[WHY_SIZE];
	unsigned int z, o;

	while (st.pages.nr_live)
		if (!pm_free_check(&st.pages, st.pages.nr_live - 1, why))
			fail("end of input", why);
	drain_all_pages();
	check_all("end of input");
	for (z = 0; z < MAX_NR_ZONES; z++) {
		for (o = 0; o <= MAX_PAGE_ORDER; o++) {
			if (zones[z].free_area[o].nr_free == st.booted[z][o])
				continue;
			snprintf(why, WHY_SIZE, "zone %s order %u: %lu free blocks, %lu at boot",
				 zones[z].name, o, zones[z].free_area[o].nr_free,
				 st.booted[z][o]);
			fail("end of input", why);
		}
	}
}

static void boot_once(void)
{
	char why[WHY_SIZE];
	unsigned int z, o;

	if (st.ready)
		return;
	console_loglevel = 0;		/* misuse reports are expected */
	report_set_counting(true);
	if (!pm_boot_small(&st.pages, why) || !pm_compare_full(&st.pages, why))
		fail("boot", why);
	for (z = 0; z < MAX_NR_ZONES; z++)
		for (o = 0; o <= MAX_PAGE_ORDER; o++)
			st.booted[z][o] = zones[z].free_area[o].nr_free;
	st.ready = true;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	size_t pos = 0, n;
	char why[WHY_SIZE];

	boot_once();
	for (n = 0; n < MAX_OPS && pos < size; n++) {
		const struct alloc_op *op = &alloc_ops[data[pos] % ARRAY_SIZE(alloc_ops)];

		if (size - pos - 1 < op->nr_arg_bytes)
			break;
		st.nr_ops++;
		if (!op->run(data + pos + 1, why))
			fail(op->name, why);
		check_all(op->name);
		pos += 1 + op->nr_arg_bytes;
	}
	end_of_input();
	return 0;
}
