/*
 * tests/host/test_buddy.c: the real buddy allocator (mm/buddy.c, booted by
 * memblock and buddy_setup() on the arena, shim/mm.c) against the model of
 * model_pages.c: long seeded sequences of alloc_pages()/__free_pages() of
 * every order and zone, each answer judged by the model, the free counts
 * and buddy_check() compared after every step, every frame's state and
 * buddy_check(true) now and then.
 */
#include <pthread.h>
#include <stdlib.h>

#include "harness.h"
#include "models.h"
#include <host.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/page.h>

#define FULL_CHECK_EVERY 1000 /* steps between pm_compare_full() */

/* The gfp masks the sequences draw from: every zone class, both watermarks. */
static const gfp_t test_gfps[] = {
	GFP_KERNEL,
	GFP_KERNEL | __GFP_ZERO,
	GFP_KERNEL | __GFP_COMP,
	GFP_ATOMIC,
	GFP_ATOMIC | __GFP_NOMEMALLOC,
	GFP_NOWAIT,
	GFP_KERNEL | __GFP_DMA32,
	GFP_DMA32,
	GFP_KERNEL | __GFP_DMA,
	GFP_DMA | __GFP_ZERO,
	GFP_KERNEL | __GFP_HIGH,
};

/* Mostly small orders, as real callers ask; every order now and then. */
static unsigned int pick_order(struct prng *rng)
{
	u64 r = prng_below(rng, 100);

	if (r < 50)
		return 0;
	if (r < 80)
		return (unsigned int)prng_range(rng, 1, 3);
	return (unsigned int)prng_range(rng, 4, MAX_PAGE_ORDER);
}

/* Boot; false (with the reason as a failed check) if the model disagrees. */
static bool boot(struct host_test *t, struct page_model *m)
{
	char why[WHY_SIZE];

	return CHECK(t, pm_boot_sparse(m, why), "%s", why) &&
	       CHECK(t, pm_compare_full(m, why), "after boot: %s", why);
}

/* Free every live block in random order; then the allocator is as booted. */
static bool free_all(struct host_test *t, struct page_model *m,
		     const unsigned long booted[MAX_NR_ZONES][NR_PAGE_ORDERS])
{
	char why[WHY_SIZE];
	unsigned int z, o;

	while (m->nr_live)
		if (!CHECK(t,
			   pm_free_check(m, prng_below(&t->rng, m->nr_live),
					 why),
			   "%s", why))
			return false;
	drain_all_pages();
	if (!CHECK(t, pm_compare_full(m, why), "all freed: %s", why))
		return false;
	/* Fully merged: a free set has one decomposition into buddy blocks. */
	for (z = 0; z < MAX_NR_ZONES; z++)
		for (o = 0; o <= MAX_PAGE_ORDER; o++)
			if (!CHECK(t,
				   zones[z].free_area[o].nr_free ==
					   booted[z][o],
				   "zone %s order %u: %lu free blocks, %lu at "
				   "boot",
				   zones[z].name, o,
				   zones[z].free_area[o].nr_free, booted[z][o]))
				return false;
	return true;
}

static void snapshot_blocks(unsigned long booted[MAX_NR_ZONES][NR_PAGE_ORDERS])
{
	unsigned int z, o;

	for (z = 0; z < MAX_NR_ZONES; z++)
		for (o = 0; o <= MAX_PAGE_ORDER; o++)
			booted[z][o] = zones[z].free_area[o].nr_free;
}

/* One allocation, judged by the model. */
static bool step_alloc(struct host_test *t, struct page_model *m, gfp_t gfp,
		       unsigned int order)
{
	char why[WHY_SIZE];
	struct page *page = alloc_pages(gfp | __GFP_NOWARN, order);

	return CHECK(t,
		     pm_alloc_check(m, gfp | __GFP_NOWARN, order, page,
				    prng_next(&t->rng), why),
		     "%s", why);
}

/* buddy_setup() leaves exactly the model's free frames, fully merged. */
static void boot_matches_model(struct host_test *t)
{
	struct page_model m;

	if (boot(t, &m)) {
		CHECK(t, buddy_check(true) == 0,
		      "buddy_check(true) after boot");
		CHECK(t, nr_free_pages() == m.free[0] + m.free[1] + m.free[2],
		      "nr_free_pages %lu", nr_free_pages());
		for (unsigned int z = 0; z < MAX_NR_ZONES; z++)
			host_log(
				t,
				"zone %-6s managed %lu pages, pcp batch %d "
				"high %d",
				zones[z].name, zones[z].managed_pages,
				per_cpu_ptr(zones[z].per_cpu_pageset, 0)->batch,
				per_cpu_ptr(zones[z].per_cpu_pageset, 0)->high);
	}
	pm_destroy(&m);
	host_mm_teardown();
}

/*
 * @n random steps, allocations and frees of every order and gfp class,
 * the model consulted after every one; then everything freed.
 */
static void run_random(struct host_test *t, struct page_model *m,
		       unsigned long n)
{
	unsigned long booted[MAX_NR_ZONES][NR_PAGE_ORDERS], i;
	char why[WHY_SIZE];

	snapshot_blocks(booted);
	for (i = 0; i < n; i++) {
		u64 r = prng_below(&t->rng, 100);
		bool ok;

		if (r < 55 || !m->nr_live)
			ok = step_alloc(
				t, m,
				test_gfps[prng_below(&t->rng,
						     ARRAY_SIZE(test_gfps))],
				pick_order(&t->rng));
		else
			ok = CHECK(t,
				   pm_free_check(
					   m, prng_below(&t->rng, m->nr_live),
					   why),
				   "%s", why);
		if (r == 99)
			drain_all_pages();
		if (!ok ||
		    !CHECK(t, pm_compare(m, why), "step %lu: %s", i, why))
			return;
		if (i % FULL_CHECK_EVERY == 0 &&
		    !CHECK(t, pm_compare_full(m, why), "step %lu: %s", i, why))
			return;
	}
	free_all(t, m, booted);
}

/* A long random sequence on a machine with all three zones. */
static void random_sequence(struct host_test *t)
{
	struct page_model m;

	if (boot(t, &m))
		run_random(t, &m, host_iters(t, 60000));
	pm_destroy(&m);
	host_mm_teardown();
}

/*
 * host_mm_boot() shaped as QEMU's pc machine, as the kernel boots on it:
 * small (DMA and a little DMA32) and mid-sized; shorter sequences.
 */
static void pc_machines(struct host_test *t)
{
	static const u64 ram_mib[] = { 20, 64, 200 };
	struct page_model m;
	char why[WHY_SIZE];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ram_mib); i++) {
		if (CHECK(t, pm_boot_pc(&m, ram_mib[i] << 20, why),
			  "%llu MiB: %s", (unsigned long long)ram_mib[i],
			  why) &&
		    CHECK(t, pm_compare_full(&m, why),
			  "%llu MiB: after boot: %s",
			  (unsigned long long)ram_mib[i], why))
			run_random(t, &m, host_iters(t, 3000));
		pm_destroy(&m);
		host_mm_teardown();
	}
}

/*
 * Allocate until every zone refuses (big blocks first, then small ones
 * into the gaps), each failure judged legitimate by the model; then free
 * it all and find the free lists exactly as booted.
 */
static void exhaust_and_refill(struct host_test *t)
{
	unsigned long booted[MAX_NR_ZONES][NR_PAGE_ORDERS];
	/* Each level of the reserves in turn (__GFP_NOMEMALLOC: no deeper than __GFP_HIGH). */
	static const gfp_t gfps[] = {
		GFP_KERNEL,
		__GFP_HIGH | __GFP_KSWAPD_RECLAIM,
		GFP_ATOMIC | __GFP_NOMEMALLOC,
		GFP_ATOMIC,
		GFP_DMA32,
		GFP_DMA,
	};
	struct page_model m;
	char why[WHY_SIZE];
	int order;

	if (!boot(t, &m))
		goto out;
	snapshot_blocks(booted);
	for (order = MAX_PAGE_ORDER; order >= 0; order--) {
		size_t g;

		for (g = 0; g < ARRAY_SIZE(gfps); g++) {
			size_t before;

			do {
				before = m.nr_live;
				if (!step_alloc(t, &m, gfps[g],
						(unsigned int)order) ||
				    !CHECK(t, pm_compare(&m, why), "%s", why))
					goto out;
			} while (m.nr_live > before);
		}
		if (!CHECK(t, pm_compare_full(&m, why), "order %d: %s", order,
			   why))
			goto out;
	}
	CHECK(t,
	      (m.free[0] + m.free[1] + m.free[2]) * 10 <
		      m.managed[0] + m.managed[1] + m.managed[2],
	      "exhausted yet %lu pages free",
	      m.free[0] + m.free[1] + m.free[2]);
	free_all(t, &m, booted);
out:
	pm_destroy(&m);
	host_mm_teardown();
}

/* Double frees, wrong orders and foreign pages are reported and refused. */
static void misuse_reported(struct host_test *t)
{
	int saved = console_loglevel;
	struct page_model m;
	struct page *page, *big;
	unsigned long before;
	char why[WHY_SIZE];
	bool old;

	if (!boot(t, &m))
		goto out;
	page = alloc_pages(GFP_KERNEL, 0);
	big = alloc_pages(GFP_KERNEL, 3);
	if (!CHECK(t, page && big, "allocation failed"))
		goto out;
	console_loglevel = 0;
	old = report_set_counting(true);
	before = report_count();
	__free_pages(page, 0);
	__free_pages(page, 0);		 /* double free */
	__free_pages(big, 2);		 /* wrong order */
	__free_pages(big + 1, 0);	 /* a tail page */
	__free_pages(pfn_to_page(0), 0); /* reserved: the first MiB */
	CHECK(t, report_count() == before + 4, "%lu reports, expected 4",
	      report_count() - before);
	report_set_counting(old);
	console_loglevel = saved;
	__free_pages(big, 3);
	drain_all_pages();
	CHECK(t, pm_compare_full(&m, why), "%s", why);
out:
	console_loglevel = saved;
	pm_destroy(&m);
	host_mm_teardown();
}

/* ---- CPUs as threads (tests/host/shim/cpu.c) ------------------------------ */

#define THREAD_CPUS  4
#define THREAD_SLOTS 32

struct churn_thread {
	pthread_t tid;
	unsigned int cpu;
	unsigned long ops;
	u64 seed;
	unsigned long bad;
};

/* One host CPU: random orders 0-3, patterned, checked, freed. */
static void *churn_thread(void *arg)
{
	struct churn_thread *c = arg;
	struct page *held[THREAD_SLOTS] = { NULL };
	unsigned int order[THREAD_SLOTS], k;
	struct prng rng;
	unsigned long i;

	host_set_cpu(c->cpu);
	prng_seed(&rng, c->seed);
	for (i = 0; i < c->ops; i++) {
		k = (unsigned int)prng_below(&rng, THREAD_SLOTS);
		if (held[k]) {
			u64 *w = page_address(held[k]);

			c->bad += w[0] != ((u64)c->cpu << 32 | k) ||
				  w[(PAGE_SIZE << order[k]) / 8 - 1] != ~w[0];
			__free_pages(held[k], order[k]);
			held[k] = NULL;
			if (prng_below(&rng, 64) == 0)
				drain_all_pages(); /* a "cross-CPU call" */
			continue;
		}
		order[k] = (unsigned int)prng_below(&rng, 4);
		held[k] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order[k]);
		if (held[k]) {
			u64 *w = page_address(held[k]);

			w[0] = (u64)c->cpu << 32 | k;
			w[(PAGE_SIZE << order[k]) / 8 - 1] = ~w[0];
		}
	}
	for (k = 0; k < THREAD_SLOTS; k++)
		if (held[k])
			__free_pages(held[k], order[k]);
	return NULL;
}

/*
 * Four threads as four CPUs allocate and free at once, and drain each
 * other's pcp lists now and then: no block is handed out twice, and
 * afterwards every page is free and merged again.
 */
static void threads_alloc_free(struct host_test *t)
{
	struct churn_thread c[THREAD_CPUS];
	unsigned long before;
	unsigned int i;

	host_set_nr_cpus(THREAD_CPUS);
	if (!CHECK(t, host_mm_boot(64UL << 20) == 0, "boot"))
		goto out;
	before = nr_free_pages();
	for (i = 0; i < THREAD_CPUS; i++) {
		c[i] = (struct churn_thread){ .cpu = i,
					      .ops = host_iters(t, 20000),
					      .seed = prng_next(&t->rng) };
		pthread_create(&c[i].tid, NULL, churn_thread, &c[i]);
	}
	for (i = 0; i < THREAD_CPUS; i++) {
		pthread_join(c[i].tid, NULL);
		CHECK(t, c[i].bad == 0, "cpu %u: %lu blocks overwritten", i,
		      c[i].bad);
	}
	drain_all_pages();
	CHECK(t, nr_free_pages() == before, "free pages %lu, were %lu",
	      nr_free_pages(), before);
	CHECK(t, buddy_check(true) == 0, "buddy_check(true)");
out:
	host_mm_teardown();
	host_set_nr_cpus(1);
}

const struct host_suite suite_buddy = HOST_SUITE(
	"buddy", HOST_CASE(boot_matches_model), HOST_CASE(random_sequence),
	HOST_CASE(pc_machines), HOST_CASE(exhaust_and_refill),
	HOST_CASE(misuse_reported), HOST_CASE(threads_alloc_free));
