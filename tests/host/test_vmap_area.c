/*
 * tests/host/test_vmap_area.c: the vmalloc address-space allocator
 * (mm/vmap_area.c) against the interval model of model_vmap.c.
 *
 * Seeded sequences of alloc_vmap_area() with every size, alignment and
 * window, free_vmap_area(), free_vmap_area_noflush(), purges and lookups;
 * after every step the busy and purge lists, the counts, the number of
 * TLB flushes and vmap_area_check() are compared with the model. Each
 * case ends with everything freed: the space must be one free block
 * again and every area struct kfree()d. The area structs come from the
 * real kmalloc, so each case boots mm/ and slab on a small arena.
 */
#include "harness.h"
#include "models.h"
#include <host.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>

#include "../../mm/internal.h"

#define AREA_RAM_BYTES (24UL << 20) /* only for the area structs */

/* Set up a fresh space and its model. */
static bool setup(struct host_test *t, struct vmap_model *m,
		  unsigned long *live)
{
	char why[WHY_SIZE] = "";
	int err = host_mm_boot(AREA_RAM_BYTES);

	if (!CHECK(t, !err, "host_mm_boot: %d", err))
		return false;
	host_slab_boot();
	*live = slab_live_objects();
	vmalloc_reset();
	vmm_init(m);
	return CHECK(t, vmm_compare(m, why), "after vmalloc_reset: %s", why);
}

/*
 * Free every busy area (some lazily), purge: the space must be one free
 * block. Then take that block as one area and kfree() its struct, the
 * last one, so no struct outlives the case (the next vmalloc_reset()
 * forgets the dangling busy tree).
 */
static void teardown(struct host_test *t, struct vmap_model *m,
		     unsigned long live)
{
	char why[WHY_SIZE] = "";

	while (m->nr_busy)
		if (!CHECK(t,
			   vmm_free_check(m, prng_below(&t->rng, m->nr_busy),
					  prng_below(&t->rng, 2), why),
			   "%s", why) ||
		    !CHECK(t, vmm_compare(m, why), "freeing all: %s", why))
			goto out;
	vmm_purge_check(m, why);
	if (!CHECK(t, vmm_compare(m, why), "after the last purge: %s", why) ||
	    !CHECK(t, m->nr == 1, "%zu intervals after freeing everything",
		   m->nr))
		goto out;
	if (!CHECK(t, vmm_release_space(why), "%s", why))
		goto out;
	CHECK(t, slab_live_objects() == live, "%lu area structs leaked",
	      slab_live_objects() - live);
out:
	vmm_destroy(m);
	host_mm_teardown();
}

/* A size in bytes: mostly a few pages, sometimes GiBs, rarely the whole range. */
static unsigned long pick_size(struct prng *rng)
{
	u64 r = prng_below(rng, 100);

	if (r < 70)
		return prng_range(rng, 1, 16) * PAGE_SIZE;
	if (r < 90)
		return prng_range(rng, 17, 1024) * PAGE_SIZE;
	if (r < 98)
		return prng_range(rng, 1025, 1UL << 20) * PAGE_SIZE;
	if (r < 99)
		return (prng_next(rng) % VMALLOC_SIZE + 1) & PAGE_MASK;
	return prng_below(rng, 2)
		       ? 0
		       : prng_range(rng, 1, 3 * PAGE_SIZE); /* refused */
}

static unsigned long pick_align(struct prng *rng)
{
	u64 r = prng_below(rng, 100);

	if (r < 75)
		return PAGE_SIZE;
	if (r < 99)
		return 1UL << prng_range(rng, PAGE_SHIFT + 1, 42);
	return prng_below(rng, 2) ? PAGE_SIZE / 2 : 3 * PAGE_SIZE; /* refused */
}

/*
 * A window [vstart, vend): usually the whole range; else a few thousand
 * pages where the areas are (lowest fit keeps them near the start), its
 * end page-aligned or not.
 */
static void pick_window(struct prng *rng, unsigned long *vstart,
			unsigned long *vend)
{
	u64 r = prng_below(rng, 100);

	*vstart = VMALLOC_START;
	*vend = VMALLOC_END;
	if (r < 65)
		return;
	*vstart += prng_below(rng, 1UL << 14) * PAGE_SIZE;
	*vend = *vstart + prng_range(rng, 1, 1UL << 12) * PAGE_SIZE;
	if (r >= 95)
		*vend -= prng_range(rng, 1, PAGE_SIZE - 1);
}

/* What a random run did, for its closing diagnostic. */
static struct {
	unsigned long nr_alloc, nr_failed, max_busy;
} run_stats;

/* One random step; false after a failed CHECK. */
static bool random_step(struct host_test *t, struct vmap_model *m,
			unsigned int alloc_pct)
{
	unsigned long size, align, vstart, vend, addr;
	struct vmap_area *va;
	char why[WHY_SIZE] = "";
	u64 r = prng_below(&t->rng, 100);

	if (r < alloc_pct || !m->nr_busy) {
		size = pick_size(&t->rng);
		align = pick_align(&t->rng);
		pick_window(&t->rng, &vstart, &vend);
		if (!CHECK(t,
			   vmm_alloc_check(m, size, align, vstart, vend, &va,
					   why),
			   "%s", why))
			return false;
		run_stats.nr_alloc++;
		run_stats.nr_failed += !va;
		run_stats.max_busy = MAX(run_stats.max_busy, m->nr_busy);
	} else if (r < alloc_pct + 36) {
		if (!CHECK(t,
			   vmm_free_check(m, prng_below(&t->rng, m->nr_busy),
					  r & 1, why),
			   "%s", why))
			return false;
	} else if (r < alloc_pct + 38) {
		vmm_purge_check(m, why);
	} else if (r < alloc_pct + 40) {
		vmap_area_drain();
	} else {
		/* Somewhere in an interval the model has: its edges, or inside. */
		const struct vmm_interval *v =
			&m->iv[prng_below(&t->rng, m->nr)];

		addr = prng_below(&t->rng, 3)
			       ? v->start +
					 prng_below(&t->rng, v->end - v->start)
		       : prng_below(&t->rng, 2) ? v->start
						: v->end - 1;
		return CHECK(t, vmm_find_check(m, addr, why), "%s", why);
	}
	return CHECK(t, vmm_compare(m, why), "%s", why);
}

static void random_run(struct host_test *t, unsigned long steps)
{
	struct vmap_model m;
	unsigned long live, i;
	unsigned int alloc_pct = 50;

	memset(&run_stats, 0, sizeof(run_stats));
	if (!setup(t, &m, &live))
		return;
	for (i = 0; i < steps; i++) {
		if (i % 500 == 0) /* phases: filling up, emptying out */
			alloc_pct = (unsigned int)prng_range(&t->rng, 30, 58);
		if (!random_step(t, &m, alloc_pct)) {
			host_log(t,
				 "at step %lu: %zu busy, %zu lazy, %zu "
				 "intervals",
				 i, m.nr_busy, m.nr_lazy, m.nr);
			vmm_destroy(&m);
			host_mm_teardown();
			return;
		}
	}
	host_log(t,
		 "%lu allocations (%lu refused or no room), %lu purges, up to "
		 "%lu busy areas",
		 run_stats.nr_alloc, run_stats.nr_failed, m.nr_purges,
		 run_stats.max_busy);
	teardown(t, &m, live);
}

/* Long random sequences of every kind of request, checked after each step. */
static void random_sequences(struct host_test *t)
{
	random_run(t, host_iters(t, 6000));
}

/*
 * The four shapes of taking from a free block (full fit, left edge,
 * right edge, middle) and the four of giving back (no neighbour, prev,
 * next, both), each checked against the model.
 */
static void carve_and_merge_shapes(struct host_test *t)
{
	const unsigned long P = PAGE_SIZE, S = VMALLOC_START;
	struct vmap_area *va;
	struct vmap_model m;
	char why[WHY_SIZE] = "";
	unsigned long live;

#define STEP(expr)                                                         \
	do {                                                               \
		if (!CHECK(t, (expr), "%s", why) ||                        \
		    !CHECK(t, vmm_compare(&m, why), "after %s: %s", #expr, \
			   why))                                           \
			goto out;                                          \
	} while (0)

	if (!setup(t, &m, &live))
		return;
	/* A = [0, 4): the left edge of the whole range. */
	STEP(vmm_alloc_check(&m, 4 * P, P, S, VMALLOC_END, &va, why));
	/* B = [8, 10): the middle of [4, end), through a window. */
	STEP(vmm_alloc_check(&m, 2 * P, P, S + 8 * P, S + 10 * P, &va, why));
	/* C = [7, 8): the right edge of [4, 8). */
	STEP(vmm_alloc_check(&m, 1 * P, P, S + 7 * P, S + 8 * P, &va, why));
	/* D = [4, 7): exactly the hole left, a full fit. */
	STEP(vmm_alloc_check(&m, 3 * P, P, S, VMALLOC_END, &va, why));
	STEP(va && va->va_start == S + 4 * P);
	/* Busy in address order: A D C B. Give them back in each shape. */
	STEP(vmm_free_check(&m, 1, false, why)); /* D: no free neighbour */
	STEP(vmm_free_check(&m, 0, false, why)); /* A: merges with next */
	STEP(vmm_free_check(&m, 0, false, why)); /* C: merges with prev */
	STEP(vmm_free_check(&m, 0, true, why));	 /* B: lazy, not free yet */
	STEP(m.nr == 3 && m.nr_lazy == 1);
	STEP(vmm_purge_check(&m, why)); /* B: merges both sides */
	STEP(m.nr == 1);
	teardown(t, &m, live);
	return;
out:
	vmm_destroy(&m);
	host_mm_teardown();
#undef STEP
}

/* Lazy frees purge by themselves once more than the threshold waits. */
static void lazy_threshold(struct host_test *t)
{
	const unsigned long chunk = 1024 * PAGE_SIZE;
	struct vmap_model m;
	struct vmap_area *va;
	char why[WHY_SIZE] = "";
	unsigned long live, i, n = VMALLOC_LAZY_MAX_PAGES / 1024 + 2;

	if (!setup(t, &m, &live))
		return;
	for (i = 0; i < n; i++)
		if (!CHECK(t,
			   vmm_alloc_check(&m, chunk, PAGE_SIZE, VMALLOC_START,
					   VMALLOC_END, &va, why),
			   "%s", why))
			goto out;
	for (i = 0; i < n; i++) {
		if (!CHECK(t, vmm_free_check(&m, 0, true, why), "%s", why) ||
		    !CHECK(t, vmm_compare(&m, why), "lazy free %lu: %s", i,
			   why))
			goto out;
	}
	CHECK(t, m.nr_purges == 1, "%lu purges for %lu lazy pages", m.nr_purges,
	      n * 1024);
	teardown(t, &m, live);
	return;
out:
	vmm_destroy(&m);
	host_mm_teardown();
}

/*
 * A full window: the next allocation in it purges the lazily freed area
 * and reuses its range (one flush), and fails when nothing is lazy.
 */
static void full_window_purges(struct host_test *t)
{
	const unsigned long P = PAGE_SIZE, S = VMALLOC_START;
	struct vmap_model m;
	struct vmap_area *va;
	char why[WHY_SIZE] = "";
	unsigned long live, i;

	if (!setup(t, &m, &live))
		return;
	for (i = 0; i < 8; i++)
		if (!CHECK(t,
			   vmm_alloc_check(&m, 2 * P, P, S, S + 16 * P, &va,
					   why) &&
				   va,
			   "filling: %s", why))
			goto out;
	if (!CHECK(t,
		   vmm_alloc_check(&m, 2 * P, P, S, S + 16 * P, &va, why) &&
			   !va,
		   "the full window gave an area: %s", why) ||
	    !CHECK(t, vmm_free_check(&m, 3, true, why), "%s", why) ||
	    !CHECK(t, vmm_alloc_check(&m, 2 * P, P, S, S + 16 * P, &va, why),
		   "%s", why) ||
	    !CHECK(t, va && va->va_start == S + 6 * P && m.nr_purges == 1,
		   "after the purge: %p, %lu purges", (void *)va,
		   m.nr_purges) ||
	    !CHECK(t, vmm_compare(&m, why), "%s", why))
		goto out;
	teardown(t, &m, live);
	return;
out:
	vmm_destroy(&m);
	host_mm_teardown();
}

const struct host_suite suite_vmap_area =
	HOST_SUITE("vmap_area", HOST_CASE(random_sequences),
		   HOST_CASE(carve_and_merge_shapes), HOST_CASE(lazy_threshold),
		   HOST_CASE(full_window_purges));
