/*
 * tests/bench_slab.c: the slab allocator's benchmarks (bench=slab).
 *
 *   kmalloc_pair size=S      kfree(kmalloc(S)) 100000 times, S = 8..8192,
 *                            as the Linux reference harness
 *   kmalloc_batch size=S     10000 kmallocs, then 10000 kfrees; cost per
 *                            alloc+free
 *   kzalloc_pair size=S      kfree(kzalloc(S)), S = 64 and 4096: what
 *                            zeroing adds
 *   kmem_cache_pair size=S   kmem_cache_free(kmem_cache_alloc()) on a
 *                            private cache of S = 64 and 4096 bytes, and
 *                            of 64 bytes with debug=FZPU (the cost of
 *                            slub_debug)
 *   kmem_cache_batch size=S  the same as a batch
 *
 * The size is read from the benchmark's argument at run time, as the
 * Linux harness passes it, so the size-class lookup is measured too.
 */
#include <kernel/bench.h>
#include <kernel/printk.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <mm/slab.h>

#define PAIR_LOOPS  100000UL
#define BATCH_LOOPS 10000UL
#define LARGE_LOOPS 20000UL /* kmalloc above 8 KiB: a buddy block each time */

struct slab_arg {
	size_t size;
	struct kmem_cache *cache;
	void **objs;
};

static void *batch_objs[BATCH_LOOPS];

static int kmalloc_pair_loop(void *arg, u64 n)
{
	size_t size = ((const struct slab_arg *)arg)->size;
	void *p;

	while (n--) {
		p = kmalloc(size, GFP_KERNEL);
		if (unlikely(!p))
			return -ENOMEM;
		kfree(p);
	}
	return 0;
}

static int kzalloc_pair_loop(void *arg, u64 n)
{
	size_t size = ((const struct slab_arg *)arg)->size;
	void *p;

	while (n--) {
		p = kzalloc(size, GFP_KERNEL);
		if (unlikely(!p))
			return -ENOMEM;
		kfree(p);
	}
	return 0;
}

static int kmalloc_batch_loop(void *arg, u64 n)
{
	const struct slab_arg *a = arg;
	size_t size = a->size;
	void **objs = a->objs;
	u64 i;

	for (i = 0; i < n; i++) {
		objs[i] = kmalloc(size, GFP_KERNEL);
		if (unlikely(!objs[i])) {
			while (i--)
				kfree(objs[i]);
			return -ENOMEM;
		}
	}
	for (i = 0; i < n; i++)
		kfree(objs[i]);
	return 0;
}

static int cache_pair_loop(void *arg, u64 n)
{
	struct kmem_cache *s = ((const struct slab_arg *)arg)->cache;
	void *p;

	while (n--) {
		p = kmem_cache_alloc(s, GFP_KERNEL);
		if (unlikely(!p))
			return -ENOMEM;
		kmem_cache_free(s, p);
	}
	return 0;
}

static int cache_batch_loop(void *arg, u64 n)
{
	const struct slab_arg *a = arg;
	struct kmem_cache *s = a->cache;
	void **objs = a->objs;
	u64 i;

	for (i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		if (unlikely(!objs[i])) {
			while (i--)
				kmem_cache_free(s, objs[i]);
			return -ENOMEM;
		}
	}
	for (i = 0; i < n; i++)
		kmem_cache_free(s, objs[i]);
	return 0;
}

static void bench_kmalloc_pair(struct bench_run *r)
{
	struct slab_arg a = { 0 };
	char params[32];

	for (a.size = 8; a.size <= KMALLOC_MAX_CACHE_SIZE; a.size <<= 1) {
		snprintf(params, sizeof(params), "size=%zu", a.size);
		bench_measure("kmalloc_pair", params,
			      bench_scale(r, PAIR_LOOPS), 0, kmalloc_pair_loop,
			      &a, NULL, NULL);
	}
}
BENCH(slab, bench_kmalloc_pair, BENCH_QUICK);

/*
 * Above 8 KiB kmalloc takes a compound block from the buddy allocator
 * (kvlab's own rows: the Linux reference stops at 8192). Fewer loops, as
 * for pages_pair.
 */
static void bench_kmalloc_large(struct bench_run *r)
{
	struct slab_arg a = { 0 };
	char params[32];

	for (a.size = 16384; a.size <= (4UL << 20); a.size <<= 2) {
		snprintf(params, sizeof(params), "size=%zu", a.size);
		bench_measure("kmalloc_pair", params,
			      bench_scale(r, LARGE_LOOPS), 0, kmalloc_pair_loop,
			      &a, NULL, NULL);
	}
}
BENCH(slab, bench_kmalloc_large, BENCH_QUICK);

static void bench_kmalloc_batch(struct bench_run *r)
{
	struct slab_arg a = { .objs = batch_objs };
	char params[32];

	for (a.size = 8; a.size <= KMALLOC_MAX_CACHE_SIZE; a.size <<= 1) {
		snprintf(params, sizeof(params), "size=%zu", a.size);
		bench_measure("kmalloc_batch", params,
			      bench_scale(r, BATCH_LOOPS), 0,
			      kmalloc_batch_loop, &a, NULL, NULL);
	}
}
BENCH(slab, bench_kmalloc_batch, BENCH_QUICK);

static void bench_kzalloc_pair(struct bench_run *r)
{
	static const size_t sizes[] = { 64, 4096 };
	struct slab_arg a = { 0 };
	char params[32];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		a.size = sizes[i];
		snprintf(params, sizeof(params), "size=%zu", a.size);
		bench_measure("kzalloc_pair", params,
			      bench_scale(r, PAIR_LOOPS), 0, kzalloc_pair_loop,
			      &a, NULL, NULL);
	}
}
BENCH(slab, bench_kzalloc_pair, BENCH_QUICK);

/* Private caches, plain (64 and 4096 bytes) and with every debug flag. */
static void bench_kmem_cache(struct bench_run *r)
{
	static const struct {
		const char *params;
		unsigned int size;
		unsigned long flags;
	} kinds[] = {
		{ "size=64", 64, 0 },
		{ "size=4096", 4096, 0 },
		{ "size=64 debug=FZPU", 64, SLAB_DEBUG_FLAGS },
	};
	struct slab_arg a = { .objs = batch_objs };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		a.size = kinds[i].size;
		a.cache = kmem_cache_create("bench-cache", kinds[i].size, 0,
					    kinds[i].flags | SLAB_NO_USER_FLAGS,
					    NULL);
		if (!a.cache) {
			console_print("bench: kmem_cache %s skipped: cannot "
				      "create the cache\n",
				      kinds[i].params);
			continue;
		}
		bench_measure("kmem_cache_pair", kinds[i].params,
			      bench_scale(r, PAIR_LOOPS), 0, cache_pair_loop,
			      &a, NULL, NULL);
		bench_measure("kmem_cache_batch", kinds[i].params,
			      bench_scale(r, BATCH_LOOPS), 0, cache_batch_loop,
			      &a, NULL, NULL);
		kmem_cache_destroy(a.cache);
	}
}
BENCH(slab, bench_kmem_cache, BENCH_QUICK);
