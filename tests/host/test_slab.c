/*
 * tests/host/test_slab.c: the slab allocator and kmalloc (mm/slab.c,
 * mm/slab_debug.c, mm/kmalloc.c) booted on the arena, against a shadow
 * model of the live objects.
 *
 * Seeded sequences of kmalloc/kzalloc/kfree/krealloc over every size up
 * to KMALLOC_MAX_SIZE and kmem_cache_alloc/free on caches of several
 * sizes, alignments and debug flags. The shadow keeps each live object's
 * address, requested size and the pattern written into it; after every
 * step the new object must not overlap a live one, be aligned as
 * documented, have ksize() >= its size, be zeroed when asked, and every
 * freed or moved object must still hold its pattern (so a freelist
 * pointer or a second owner writing into a live object is caught). Now
 * and then every cache is validated. At the end, with everything freed,
 * kmem_cache_shrink() / kmem_cache_destroy() must give every page back.
 */
#include "harness.h"
#include <host.h>
#include <kernel/fault_inject.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/page.h>
#include <mm/slab.h>

#include "../../mm/slab.h"

#define SLAB_RAM_BYTES (64UL << 20) /* room for a few 4 MiB kmallocs */
#define MAX_OBJS       600
#define VALIDATE_EVERY 500 /* steps between kmem_cache_validate() */

/* The test's own caches: every layout path of calculate_sizes(). */
struct cache_spec {
	const char *name;
	unsigned int size, align;
	unsigned long flags;
	bool ctor;
};

static const struct cache_spec specs[] = {
	{ "t-8", 8, 0, 0, false },
	{ "t-24-a8", 24, 8, 0, false },
	{ "t-100-hw", 100, 0, SLAB_HWCACHE_ALIGN, false },
	{ "t-200-pz", 200, 0, SLAB_POISON | SLAB_RED_ZONE, false },
	{ "t-1000-ctor", 1000, 0, 0, true },
	{ "t-3000-fu", 3000, 64, SLAB_CONSISTENCY_CHECKS | SLAB_STORE_USER,
	  false },
	{ "t-4096-a4k", 4096, 4096, 0, false },
	{ "t-all-debug", 72, 16, SLAB_DEBUG_FLAGS, false },
};

#define CTOR_BYTE 0xc7

static void test_ctor(void *obj)
{
	memset(obj, CTOR_BYTE, 1000);
}

/* One live object as the shadow sees it. */
struct shadow_obj {
	u8 *p;
	size_t size; /* requested */
	size_t room; /* ksize() at allocation */
	int cache;   /* index into specs[], -1 for kmalloc */
	u8 tag;
};

struct slab_run {
	struct kmem_cache *caches[ARRAY_SIZE(specs)];
	struct shadow_obj objs[MAX_OBJS];
	size_t nr;
	unsigned long free_before, live_before;
	bool may_fail; /* failures injected: NULL is an answer */
	unsigned long nr_failed;
};

/*
 * The alignment kmalloc(@size) documents: the largest power of two
 * dividing its class (8 KiB for kmalloc-8k); a page above 8 KiB.
 */
static unsigned long kmalloc_align(size_t size)
{
	int i = kmalloc_index(size);
	unsigned long class;

	if (i < 0)
		return PAGE_SIZE;
	class = i == 1 ? 96 : i == 2 ? 192 : 1UL << i;
	return class & -class;
}

static unsigned long cache_align(const struct cache_spec *c)
{
	unsigned long a = MAX(c->align, (unsigned int)SLAB_MIN_ALIGN);

	if ((c->flags & SLAB_HWCACHE_ALIGN) && c->size > SLAB_CACHE_LINE / 2)
		a = MAX(a, (unsigned long)SLAB_CACHE_LINE);
	return a;
}

static u8 pattern_byte(u8 tag, size_t i)
{
	return (u8)(tag + i * 31);
}

static void fill(struct shadow_obj *o)
{
	size_t i;

	for (i = 0; i < o->size; i++)
		o->p[i] = pattern_byte(o->tag, i);
}

/* Does @o still hold its pattern (its first @n bytes)? */
static bool intact(struct host_test *t, const struct shadow_obj *o, size_t n,
		   const char *when)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (o->p[i] != pattern_byte(o->tag, i))
			return CHECK(t, false,
				     "%s: object %p (%zu bytes, cache %d) byte "
				     "%zu is %#x, wrote %#x",
				     when, (void *)o->p, o->size, o->cache, i,
				     o->p[i], pattern_byte(o->tag, i));
	return true;
}

/*
 * Judge a new object: not NULL, aligned, room for its size, clear of
 * every live object; zeroed or constructed when it should be. Then
 * record it and write its pattern. @in_place: krealloc kept the object,
 * aligned for the size class it was allocated in (checked then).
 */
/*
 * May kmalloc(@size) fail without injected failures? Only above 8 KiB,
 * when no zone has a free block of the order it needs (the test keeps
 * large objects to a quarter of its RAM, but slabs may split the rest).
 */
static bool no_block_for(size_t size)
{
	unsigned int z, o;

	if (size <= KMALLOC_MAX_CACHE_SIZE)
		return false;
	for (z = 0; z < MAX_NR_ZONES; z++)
		for (o = get_order(size); o <= MAX_PAGE_ORDER; o++)
			if (zones[z].free_area[o].nr_free)
				return false;
	return true;
}

static bool take_obj(struct host_test *t, struct slab_run *r, u8 *p,
		     size_t size, int cache, bool zeroed, bool in_place)
{
	unsigned long align = cache < 0 ? kmalloc_align(size)
					: cache_align(&specs[cache]);
	struct shadow_obj *o = &r->objs[r->nr];
	size_t room = cache < 0 ? ksize(p) : specs[cache].size, i;

	if (!p && (r->may_fail || (cache < 0 && no_block_for(size)))) {
		r->nr_failed++;
		return true;
	}
	if (!CHECK(t, p && !ZERO_OR_NULL_PTR(p),
		   "allocation of %zu bytes (cache %d) failed", size, cache) ||
	    !CHECK(t, in_place || (unsigned long)p % align == 0,
		   "%p (%zu bytes, cache %d) not aligned to %lu (ksize %zu, in "
		   "%s)",
		   (void *)p, size, cache, align, ksize(p),
		   virt_to_cache(p) ? virt_to_cache(p)->name : "no cache") ||
	    !CHECK(t, room >= size, "ksize(%p) = %zu < %zu", (void *)p, room,
		   size))
		return false;
	for (i = 0; i < r->nr; i++) {
		const struct shadow_obj *q = &r->objs[i];

		if (!CHECK(t, p + room <= q->p || q->p + q->room <= p,
			   "new %p+%zu overlaps live %p+%zu (cache %d)",
			   (void *)p, room, (void *)q->p, q->room, q->cache))
			return false;
	}
	if (zeroed && !CHECK(t, !memchr_inv(p, 0, size),
			     "zeroed allocation %p not zero", (void *)p))
		return false;
	if (cache >= 0 && specs[cache].ctor &&
	    !CHECK(t, !memchr_inv(p, CTOR_BYTE, size),
		   "%p not in its constructed state", (void *)p))
		return false;
	*o = (struct shadow_obj){ p, size, room, cache,
				  (u8)prng_next(&t->rng) };
	fill(o);
	r->nr++;
	return true;
}

static bool take(struct host_test *t, struct slab_run *r, u8 *p, size_t size,
		 int cache, bool zeroed)
{
	return take_obj(t, r, p, size, cache, zeroed, false);
}

/* Check and free live object @k. */
static bool give_back(struct host_test *t, struct slab_run *r, size_t k)
{
	struct shadow_obj *o = &r->objs[k];

	if (!intact(t, o, o->size, "before free"))
		return false;
	if (o->cache < 0) {
		kfree(o->p);
	} else {
		if (specs[o->cache].ctor) /* back in its constructed state */
			memset(o->p, CTOR_BYTE, o->size);
		kmem_cache_free(r->caches[o->cache], o->p);
	}
	r->objs[k] = r->objs[--r->nr];
	return true;
}

/* Live bytes in large kmallocs, kept under a quarter of the RAM. */
static size_t large_bytes(const struct slab_run *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nr; i++)
		if (r->objs[i].cache < 0 &&
		    r->objs[i].size > KMALLOC_MAX_CACHE_SIZE)
			n += r->objs[i].room;
	return n;
}

/* A kmalloc size: every class boundary often, up to 4 MiB now and then. */
static size_t pick_size_any(struct prng *rng)
{
	u64 c = prng_below(rng, 100);

	if (c < 40)
		return prng_range(rng, 1, 256);
	if (c < 75)
		return prng_range(rng, 257, KMALLOC_MAX_CACHE_SIZE);
	if (c < 85) { /* exactly a class size, or one past it */
		size_t s = 1UL << prng_range(rng, 3, 13);

		return s + prng_below(rng, 2);
	}
	if (c < 98)
		return prng_range(rng, KMALLOC_MAX_CACHE_SIZE + 1, 64 << 10);
	return prng_range(rng, 64 << 10, KMALLOC_MAX_SIZE);
}

static size_t pick_size(struct prng *rng, const struct slab_run *r)
{
	size_t size = pick_size_any(rng);

	if (size > KMALLOC_MAX_CACHE_SIZE &&
	    large_bytes(r) + size > SLAB_RAM_BYTES / 4)
		return prng_range(rng, 1, KMALLOC_MAX_CACHE_SIZE);
	return size;
}

/* krealloc live kmalloc object @k to a new size. */
static bool resize(struct host_test *t, struct slab_run *r, size_t k)
{
	struct shadow_obj o = r->objs[k];
	size_t new_size = pick_size(&t->rng, r), keep = MIN(o.size, new_size),
	       i;
	u8 *p;

	if (!intact(t, &o, o.size, "before krealloc"))
		return false;
	r->objs[k] = r->objs[--r->nr]; /* out of the overlap check */
	p = krealloc(o.p, new_size, GFP_KERNEL | __GFP_NOWARN);
	if (!p && (r->may_fail ||
		   no_block_for(new_size))) { /* the old object stays */
		r->objs[r->nr++] = o;
		r->nr_failed++;
		return intact(t, &o, o.size, "after a failed krealloc");
	}
	if (!CHECK(t, p && (new_size > o.room || p == o.p),
		   "krealloc(%p, %zu -> %zu, room %zu) = %p", (void *)o.p,
		   o.size, new_size, o.room, (void *)p))
		return false;
	for (i = 0; i < keep; i++)
		if (!CHECK(t, p[i] == pattern_byte(o.tag, i),
			   "krealloc %zu -> %zu: byte %zu lost", o.size,
			   new_size, i))
			return false;
	return take_obj(t, r, p, new_size, -1, false, p == o.p);
}

static bool validate_all(struct host_test *t, struct slab_run *r)
{
	unsigned int i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(specs); i++)
		bad += kmem_cache_validate(r->caches[i]);
	for (i = 0; i < NR_KMALLOC_INDEX; i++)
		if (kmalloc_caches[i])
			bad += kmem_cache_validate(kmalloc_caches[i]);
	return CHECK(t, bad == 0, "kmem_cache_validate: %u problem(s)", bad);
}

static bool slab_boot(struct host_test *t, struct slab_run *r)
{
	unsigned int i;
	int err = host_mm_boot(SLAB_RAM_BYTES);

	if (!CHECK(t, !err, "host_mm_boot: %d", err))
		return false;
	host_slab_boot();
	kmem_cache_shrink_all();
	drain_all_pages();
	r->free_before = nr_free_pages();
	r->live_before = slab_live_objects();
	r->nr = 0;
	r->may_fail = false;
	r->nr_failed = 0;
	for (i = 0; i < ARRAY_SIZE(specs); i++) {
		r->caches[i] = kmem_cache_create(
			specs[i].name, specs[i].size, specs[i].align,
			specs[i].flags, specs[i].ctor ? test_ctor : NULL);
		if (!CHECK(t, r->caches[i], "kmem_cache_create(%s)",
			   specs[i].name))
			return false;
	}
	return true;
}

/*
 * Free what is left, shrink every cache, destroy the test's: every page
 * and object back. @destroy false: shrink only, and check the free pages
 * before destroying.
 */
static void slab_teardown(struct host_test *t, struct slab_run *r, bool destroy)
{
	unsigned int i;

	while (r->nr)
		if (!give_back(t, r, prng_below(&t->rng, r->nr)))
			goto out;
	validate_all(t, r);
	/* The test's caches are objects of the cache of caches. */
	CHECK(t, slab_live_objects() == r->live_before + ARRAY_SIZE(specs),
	      "%lu objects live, %lu at boot + %zu caches", slab_live_objects(),
	      r->live_before, ARRAY_SIZE(specs));
	if (!destroy) {
		for (i = 0; i < ARRAY_SIZE(specs); i++)
			kmem_cache_shrink(r->caches[i]);
		kmem_cache_shrink_all();
		for (i = 0; i < ARRAY_SIZE(specs); i++)
			CHECK(t, r->caches[i]->nr_slabs == 0,
			      "%s: %lu slabs after shrink", specs[i].name,
			      r->caches[i]->nr_slabs);
	}
	for (i = 0; i < ARRAY_SIZE(specs); i++)
		kmem_cache_destroy(r->caches[i]);
	kmem_cache_shrink_all();
	drain_all_pages();
	CHECK(t, slab_live_objects() == r->live_before,
	      "%lu objects live after destroy, %lu at boot",
	      slab_live_objects(), r->live_before);
	CHECK(t, nr_free_pages() == r->free_before,
	      "%lu free pages, %lu at boot", nr_free_pages(), r->free_before);
out:
	host_mm_teardown();
}

static void random_run(struct host_test *t, unsigned long steps, bool destroy,
		       unsigned int fail_pct)
{
	static struct slab_run r;
	int old_level = console_loglevel;
	unsigned long i;

	if (!slab_boot(t, &r))
		goto out;
	if (fail_pct) {
		r.may_fail = true;
		console_loglevel = 0; /* allocation failure warnings */
		fault_inject_random(&fail_page_alloc, fail_pct,
				    prng_next(&t->rng));
		fault_inject_random(&failslab, fail_pct, prng_next(&t->rng));
	}
	for (i = 0; i < steps; i++) {
		u64 c = prng_below(&t->rng, 100);
		bool ok;

		if (r.nr < MAX_OBJS && (c < 45 || !r.nr)) {
			if (c < 20) {
				int k = (int)prng_below(&t->rng,
							ARRAY_SIZE(specs));
				bool z = !specs[k].ctor &&
					 prng_below(&t->rng, 4) == 0;
				gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
				void *p =
					z ? kmem_cache_zalloc(r.caches[k], gfp)
					  : kmem_cache_alloc(r.caches[k], gfp);

				ok = take(t, &r, p, specs[k].size, k, z);
			} else {
				size_t size = pick_size(&t->rng, &r);
				bool z = c & 1;

				gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;

				ok = take(t, &r,
					  z ? kzalloc(size, gfp)
					    : kmalloc(size, gfp),
					  size, -1, z);
			}
		} else if (c < 60) {
			size_t k = prng_below(&t->rng, r.nr);

			ok = r.objs[k].cache >= 0 || resize(t, &r, k);
		} else {
			ok = give_back(t, &r, prng_below(&t->rng, r.nr));
		}
		if (ok && i % VALIDATE_EVERY == VALIDATE_EVERY - 1)
			ok = validate_all(t, &r);
		if (!ok) {
			host_log(t, "at step %lu, %zu live objects", i, r.nr);
			goto out;
		}
	}
	fault_inject_off(&fail_page_alloc);
	fault_inject_off(&failslab);
	console_loglevel = old_level;
	if (fail_pct)
		CHECK(t, r.nr_failed > 0,
		      "no allocation failed at %u%% injected failures",
		      fail_pct);
	slab_teardown(t, &r, destroy);
	return;
out:
	fault_inject_off(&fail_page_alloc);
	fault_inject_off(&failslab);
	console_loglevel = old_level;
	host_mm_teardown();
}

/* Random kmalloc/krealloc/kfree and cache allocations; shrink, then destroy. */
static void random_shrink(struct host_test *t)
{
	random_run(t, host_iters(t, 6000), false, 0);
}

/* The same ending in kmem_cache_destroy() of caches that still have slabs. */
static void random_destroy(struct host_test *t)
{
	random_run(t, host_iters(t, 3000), true, 0);
}

/*
 * With page and slab allocations failing at random (fail_page_alloc,
 * failslab): a failure is NULL, a failed krealloc leaves the object as
 * it was, and in the end every object and page is back all the same.
 */
static void random_injected_failures(struct host_test *t)
{
	random_run(t, host_iters(t, 3000), false, 15);
}

/* kmalloc(0) and the edges of every class: ZERO_SIZE_PTR, ksize, classes. */
static void sizes_and_edges(struct host_test *t)
{
	static struct slab_run r;
	size_t size;
	void *p;

	if (!slab_boot(t, &r))
		goto out;
	p = kmalloc(0, GFP_KERNEL);
	CHECK(t, p == ZERO_SIZE_PTR && ksize(p) == 0, "kmalloc(0) = %p", p);
	kfree(p);
	CHECK(t, kmalloc_array(SIZE_MAX / 2, 3, GFP_KERNEL) == NULL,
	      "overflowing kmalloc_array");
	for (size = 1; size <= KMALLOC_MAX_CACHE_SIZE;
	     size += size < 256 ? 1 : 61) {
		p = kmalloc(size, GFP_KERNEL);
		if (!take(t, &r, p, size, -1, false) ||
		    !CHECK(t,
			   ksize(p) == (size_t)(kmalloc_index(size) == 1 ? 96
						: kmalloc_index(size) == 2
							? 192
							: 1UL << kmalloc_index(
								  size)),
			   "ksize(kmalloc(%zu)) = %zu", size, ksize(p)) ||
		    !give_back(t, &r, r.nr - 1))
			goto out;
	}
	slab_teardown(t, &r, false);
	return;
out:
	host_mm_teardown();
}

/*
 * Double kfree, kmem_cache_free to the wrong cache and kfree of a
 * pointer inside an object: one report each, nothing freed, the caches
 * still valid.
 */
static void misuse_reported(struct host_test *t)
{
	static struct slab_run r;
	int old_level = console_loglevel;
	unsigned long before;
	bool was;
	u8 *a, *b;

	if (!slab_boot(t, &r))
		goto out;
	a = kmalloc(64, GFP_KERNEL);
	b = kmem_cache_alloc(r.caches[0], GFP_KERNEL);
	if (!take(t, &r, a, 64, -1, false) ||
	    !take(t, &r, b, specs[0].size, 0, false))
		goto out;
	was = report_set_counting(true);
	console_loglevel = 0;
	before = report_count();
	kfree(a + 8);
	CHECK(t, report_count() == before + 1,
	      "kfree inside an object: %lu reports", report_count() - before);
	kmem_cache_free(r.caches[1], b);
	CHECK(t, report_count() == before + 2,
	      "kmem_cache_free to the wrong cache: %lu reports",
	      report_count() - before);
	intact(t, &r.objs[0], 64, "after the bad frees");
	intact(t, &r.objs[1], specs[0].size, "after the bad frees");
	if (!give_back(t, &r, 0))
		goto quiet;
	kfree(a);
	CHECK(t, report_count() == before + 3, "double kfree: %lu reports",
	      report_count() - before);
quiet:
	console_loglevel = old_level;
	report_set_counting(was);
	slab_teardown(t, &r, false);
	return;
out:
	host_mm_teardown();
}

/* How many of @slab's objects the inline kfree would take as object starts. */
static unsigned int fast_starts(struct kmem_cache *s, struct slab *slab)
{
	unsigned int i, n = 0;

	for (i = 0; i < slab->objects; i++)
		n += slab_fast_object_start(kmem_cache_fast(s), slab_page(slab),
					    slab_object(s, slab, i));
	return n;
}

/*
 * The arena lies as the kernel's direct map does, at a multiple of 1 GiB,
 * so the inline kfree's object-start test (va & slab_mask) sees offsets
 * in the slab: every object of a kmalloc-8k slab (order 3) passes it and
 * takes the fast path, no pointer inside an object passes, and kfree of
 * one is reported and leaves the object allocated and intact.
 */
static void kmalloc_8k_fast_path(struct host_test *t)
{
	static struct slab_run r;
	int old_level = console_loglevel;
	unsigned long before, off;
	unsigned int inside = 0;
	struct kmem_cache *s;
	struct slab *slab;
	bool was;
	u8 *p;

	if (!slab_boot(t, &r))
		goto out;
	CHECK(t, !(PAGE_OFFSET & (PUD_SIZE - 1)),
	      "the arena (PAGE_OFFSET %#lx) is not 1 GiB-aligned",
	      (unsigned long)PAGE_OFFSET);
	p = kmalloc(8192, GFP_KERNEL);
	if (!take(t, &r, p, 8192, -1, false))
		goto out;
	s = kmalloc_slab(8192);
	slab = page_slab(virt_to_head_page(p));
	CHECK(t, fast_starts(s, slab) == slab->objects,
	      "%u of %u kmalloc-8k objects pass the inline start test",
	      fast_starts(s, slab), slab->objects);
	for (off = 8; off < s->size; off += 8)
		inside += slab_fast_object_start(kmem_cache_fast(s),
						 slab_page(slab), p + off);
	CHECK(t, !inside, "%u pointers inside a kmalloc-8k object pass it",
	      inside);
	was = report_set_counting(true);
	console_loglevel = 0;
	before = report_count();
	kfree(p + PAGE_SIZE);
	CHECK(t, report_count() == before + 1,
	      "kfree 4 KiB inside a kmalloc-8k object: %lu reports",
	      report_count() - before);
	console_loglevel = old_level;
	report_set_counting(was);
	intact(t, &r.objs[r.nr - 1], 8192, "after kfree inside it");
	slab_teardown(t, &r, false);
	return;
out:
	host_mm_teardown();
}

const struct host_suite suite_slab = HOST_SUITE(
	"slab", HOST_CASE(random_shrink), HOST_CASE(random_destroy),
	HOST_CASE(random_injected_failures), HOST_CASE(sizes_and_edges),
	HOST_CASE(misuse_reported), HOST_CASE(kmalloc_8k_fast_path));
