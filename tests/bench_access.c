/*
 * tests/bench_access.c: sequential-write and pointer-chase benchmarks over
 * a chunked buffer (see tests/bench_access.h).
 *
 * Neither QEMU's TCG nor its -icount mode models TLB misses or caches, so
 * under QEMU these show no difference between 2 MiB direct-map mappings
 * and 4 KiB vmalloc mappings (the Linux reference saw the same); on real
 * hardware the random chase over 64 MiB is where 4 KiB mappings cost TLB
 * misses. The tables say so.
 */
#include <kernel/printk.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/prng.h>
#include <lib/string.h>
#include <mm/gfp.h>
#include <mm/paging.h>
#include <tests/bench_access.h>

#define SEQ_PAGES   16384UL   /* 4 KiB writes per repetition */
#define CHASE_READS 1000000UL /* dependent reads per repetition */
#define SLOT_BYTES  64UL      /* one chase slot per cache line */

struct access_arg {
	struct access_buf *b;
	unsigned long nr_pages; /* pages in the buffer */
	void *start;		/* first chase slot */
};

static void *buf_page(const struct access_buf *b, unsigned long i)
{
	unsigned long per_chunk = b->chunk_bytes / PAGE_SIZE;

	return (char *)b->chunk[i / per_chunk] + (i % per_chunk) * PAGE_SIZE;
}

static void *buf_slot(const struct access_buf *b, unsigned long k)
{
	unsigned long per_chunk = b->chunk_bytes / SLOT_BYTES;

	return (char *)b->chunk[k / per_chunk] + (k % per_chunk) * SLOT_BYTES;
}

static int seqwrite_loop(void *arg, u64 n)
{
	const struct access_arg *a = arg;
	unsigned long page = 0;
	u64 *p, *end, v = n;

	while (n--) {
		p = buf_page(a->b, page);
		for (end = p + PAGE_SIZE / sizeof(u64); p < end; p++)
			*(volatile u64 *)p = v;
		if (++page == a->nr_pages)
			page = 0;
	}
	return 0;
}

static int chase_loop(void *arg, u64 n)
{
	const struct access_arg *a = arg;
	void *volatile *p = a->start;

	while (n--)
		p = *p;
	return p == NULL; /* keeps the chase from being optimised out */
}

/*
 * Link the slots into one random cycle (Sattolo's algorithm: a uniformly
 * random permutation that is a single cycle), so every read depends on the
 * one before and touches an unpredictable cache line.
 */
static int build_chase(struct access_arg *a, u64 seed)
{
	unsigned long nr = a->b->nr_chunks * (a->b->chunk_bytes / SLOT_BYTES),
		      i, j;
	unsigned int order = get_order(nr * sizeof(u32));
	struct page *idx_pages;
	struct prng rng;
	u32 *idx, tmp;

	if (order > MAX_PAGE_ORDER)
		return -EINVAL;
	idx_pages = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);
	if (!idx_pages)
		return -ENOMEM;
	idx = page_address(idx_pages);
	for (i = 0; i < nr; i++)
		idx[i] = (u32)i;
	prng_seed(&rng, seed);
	for (i = nr - 1; i > 0; i--) {
		j = prng_below(&rng, i);
		tmp = idx[i];
		idx[i] = idx[j];
		idx[j] = tmp;
	}
	for (i = 0; i < nr; i++)
		*(void **)buf_slot(a->b, i) = buf_slot(a->b, idx[i]);
	a->start = buf_slot(a->b, 0);
	__free_pages(idx_pages, order);
	return 0;
}

static const char *mapping_size(const void *va)
{
	enum pg_level level;

	if (!lookup_address((unsigned long)va, &level))
		return "unmapped?";
	return level == PG_LEVEL_1G ? "1G" : level == PG_LEVEL_2M ? "2M" : "4K";
}

void access_bench_run(struct bench_run *r, struct access_buf *b,
		      const char *name, unsigned long size)
{
	struct access_arg a = { .b = b, .nr_pages = size / PAGE_SIZE };
	struct bench_result *w;
	char params[48];

	snprintf(params, sizeof(params), "buf=%s size=%luK", name, size >> 10);
	console_print("access: buf=%s size=%luK: %lu chunk(s) of %lu KiB, "
		      "mapped with %s pages (read from the page tables)\n",
		      name, size >> 10, b->nr_chunks, b->chunk_bytes >> 10,
		      mapping_size(b->chunk[0]));
	w = bench_measure("access_seqwrite", params, bench_scale(r, SEQ_PAGES),
			  0, seqwrite_loop, &a, NULL, NULL);
	if (w)
		strscpy(w->note, mapping_size(b->chunk[0]), sizeof(w->note));
	if (build_chase(&a, 0x5eed0000 ^ size)) {
		console_print("bench: access_randread %s skipped: no memory "
			      "for the permutation\n",
			      params);
		return;
	}
	bench_measure("access_randread", params, bench_scale(r, CHASE_READS), 0,
		      chase_loop, &a, NULL, NULL);
}
