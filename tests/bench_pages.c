/*
 * tests/bench_pages.c: the page allocator's benchmarks, and the memory
 * access benchmarks over direct-map buffers (the vmalloc ones are in
 * tests/bench_vmalloc.c).
 *
 *   pages_pair order=O    __free_pages(alloc_pages(GFP_KERNEL, O), O), 20000
 *                         times, fewer for big orders (at most 2 GiB per
 *                         repetition), as the Linux reference
 *   pages_batch order=0   10000 allocations, then 10000 frees
 *   access_seqwrite       write 4 KiB with 8-byte stores, page after page
 *   access_randread       a dependent chase through random 64-byte slots
 */
#include <kernel/bench.h>
#include <kernel/printk.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/prng.h>
#include <lib/string.h>
#include <mm/gfp.h>
#include <mm/paging.h>
#include <tests/bench_access.h>

#define PAIR_LOOPS    20000UL
#define BATCH_LOOPS   10000UL
#define BYTES_PER_REP (2UL << 30) /* cap for big orders */

struct pages_arg {
	unsigned int order;
	struct page **pages;
};

static int pages_pair_loop(void *arg, u64 n)
{
	const struct pages_arg *a = arg;
	struct page *p;

	while (n--) {
		p = alloc_pages(GFP_KERNEL, a->order);
		if (unlikely(!p))
			return -ENOMEM;
		__free_pages(p, a->order);
	}
	return 0;
}

static int pages_batch_loop(void *arg, u64 n)
{
	const struct pages_arg *a = arg;
	u64 i;

	for (i = 0; i < n; i++) {
		a->pages[i] = alloc_pages(GFP_KERNEL, a->order);
		if (unlikely(!a->pages[i])) {
			while (i--)
				__free_pages(a->pages[i], a->order);
			return -ENOMEM;
		}
	}
	for (i = 0; i < n; i++)
		__free_pages(a->pages[i], a->order);
	return 0;
}

static void bench_pages_pair(struct bench_run *r)
{
	struct pages_arg a;
	char params[32];
	u64 n;

	for (a.order = 0; a.order <= MAX_PAGE_ORDER; a.order++) {
		n = MIN(PAIR_LOOPS, BYTES_PER_REP / (PAGE_SIZE << a.order));
		snprintf(params, sizeof(params), "order=%u", a.order);
		bench_measure("pages_pair", params, bench_scale(r, n), 0,
			      pages_pair_loop, &a, NULL, NULL);
	}
}
BENCH(pages, bench_pages_pair, BENCH_QUICK);

static void bench_pages_batch(struct bench_run *r)
{
	static struct page *pages[BATCH_LOOPS];
	struct pages_arg a = { .order = 0, .pages = pages };

	bench_measure("pages_batch", "order=0", bench_scale(r, BATCH_LOOPS), 0,
		      pages_batch_loop, &a, NULL, NULL);
}
BENCH(pages, bench_pages_batch, BENCH_QUICK);

/* ---- access through the direct map --------------------------------------- */

/*
 * A buffer of `nr_blocks` order-10 blocks from the buddy allocator: each is
 * physically contiguous and direct-mapped with 2 MiB (or 1 GiB) leaves.
 */
static int direct_buffer_get(struct access_buf *b, unsigned long size)
{
	unsigned long i, block = PAGE_SIZE << MAX_PAGE_ORDER;

	b->nr_chunks = size / block;
	b->chunk_bytes = block;
	if (b->nr_chunks > ACCESS_MAX_CHUNKS)
		return -EINVAL;
	for (i = 0; i < b->nr_chunks; i++) {
		struct page *p =
			alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_PAGE_ORDER);

		if (!p) {
			while (i--)
				__free_pages(virt_to_page(b->chunk[i]),
					     MAX_PAGE_ORDER);
			return -ENOMEM;
		}
		b->chunk[i] = page_address(p);
	}
	return 0;
}

static void direct_buffer_put(struct access_buf *b)
{
	unsigned long i;

	for (i = 0; i < b->nr_chunks; i++)
		__free_pages(virt_to_page(b->chunk[i]), MAX_PAGE_ORDER);
}

static void bench_access_direct(struct bench_run *r)
{
	static const struct {
		unsigned long size;
		const char *name;
	} bufs[] = {
		{ 4UL << 20, "direct" },
		{ 64UL << 20, "direct16x4M" },
	};
	struct access_buf b;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bufs); i++) {
		memset(&b, 0, sizeof(b));
		if (direct_buffer_get(&b, bufs[i].size)) {
			console_print("bench: access buf=%s size=%luK skipped: "
				      "not enough memory\n",
				      bufs[i].name, bufs[i].size >> 10);
			continue;
		}
		access_bench_run(r, &b, bufs[i].name, bufs[i].size);
		direct_buffer_put(&b);
	}
}
BENCH(access, bench_access_direct, BENCH_QUICK);
