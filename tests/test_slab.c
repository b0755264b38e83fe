/*
 * tests/test_slab.c: the slab suite: object caches (mm/slab.c).
 *
 * Each case makes its own caches and destroys them; the slab checker
 * (mm/slab.c) verifies after every case that as many objects and caches
 * are live as before and that every cache validates, and the buddy
 * checker that every page came back. Under slub_debug= the same cases run
 * with debugging on the caches they create (unless they ask otherwise).
 */
#include <kernel/fault_inject.h>
#include <kernel/ktest.h>
#include <kernel/preempt.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/gfp.h>
#include <mm/slab.h>
#include <tests/fragment.h>
#include <tests/slab_helpers.h>

#include "../mm/slab.h"

/* An object of @s is aligned to @align and lies inside a slab of @s. */
static void check_object_home(struct ktest *t, struct kmem_cache *s, void *p,
			      unsigned int align)
{
	KT_EXPECT_UEQ(t, (unsigned long)p & (align - 1), 0);
	KT_EXPECT_PTR_EQ(t, virt_to_cache(p), s);
}

/* Linux's alignment rules: HWCACHE_ALIGN halves the line while two objects fit. */
static void alignment_rules(struct ktest *t)
{
	static const struct {
		unsigned int size, align;
		unsigned long flags;
		unsigned int want;
	} cases[] = {
		{ 20, 0, 0, 8 },
		{ 1, 0, 0, 8 },
		{ 20, 16, 0, 16 },
		{ 20, 0, SLAB_HWCACHE_ALIGN,
		  32 }, /* 20 > 16: a 32-byte half line */
		{ 10, 0, SLAB_HWCACHE_ALIGN, 16 },
		{ 4, 0, SLAB_HWCACHE_ALIGN, 8 },
		{ 100, 0, SLAB_HWCACHE_ALIGN, 64 },
		{ 100, 128, SLAB_HWCACHE_ALIGN, 128 },
		{ 24, 4, 0, 8 }, /* never below 8 */
		{ 3000, 4096, 0, 4096 },
	};
	struct kmem_cache *s;
	void *p[3];
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		s = kmem_cache_create("test-align", cases[i].size,
				      cases[i].align, cases[i].flags, NULL);
		KT_ASSERT_NOT_NULL(t, s);
		KT_EXPECT_EQ(t, s->align, cases[i].want);
		KT_EXPECT_UGE(t, s->size, cases[i].size);
		for (j = 0; j < ARRAY_SIZE(p); j++) {
			p[j] = kmem_cache_alloc(s, GFP_KERNEL);
			KT_ASSERT_NOT_NULL(t, p[j]);
			check_object_home(t, s, p[j], cases[i].want);
			memset(p[j], 0x5c, cases[i].size);
		}
		for (j = 0; j < ARRAY_SIZE(p); j++)
			kmem_cache_free(s, p[j]);
		kmem_cache_destroy(s);
	}
}

/* The order keeps waste low (1/16 where it can, 1/8 here) and the free pointer sits mid-object. */
static void layout_and_order(struct ktest *t)
{
	static const unsigned int sizes[] = { 8,   24,	 96,   200,
					      700, 1500, 3000, 5000 };
	struct kmem_cache *s;
	unsigned long bytes;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		s = kmem_cache_create("test-layout", sizes[i], 0,
				      SLAB_NO_USER_FLAGS, NULL);
		KT_ASSERT_NOT_NULL(t, s);
		bytes = PAGE_SIZE << s->order;
		KT_EXPECT_LE(t, s->order, SLAB_MAX_ORDER);
		KT_EXPECT_UEQ(t, s->objects, bytes / s->size);
		KT_EXPECT_ULE(t, (bytes % s->size) * 8, bytes);
		KT_EXPECT_UEQ(t, s->offset, ALIGN_DOWN(sizes[i] / 2, 8U));
		kmem_cache_destroy(s);
	}
}

static unsigned int nr_ctor_calls;

static void count_ctor(void *obj)
{
	nr_ctor_calls++;
	memset(obj, 0xc7, 48);
}

/* The constructor runs once per object when its slab is made, not per alloc. */
static void ctor_once_per_object(struct ktest *t)
{
	struct kmem_cache *s =
		kmem_cache_create("test-ctor", 48, 0, 0, count_ctor);
	u8 *p, *q;

	KT_ASSERT_NOT_NULL(t, s);
	nr_ctor_calls = 0;
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_EQ(t, nr_ctor_calls, s->objects); /* the whole slab */
	KT_EXPECT_EQ(t, p[0], 0xc7);
	KT_EXPECT_EQ(t, p[47], 0xc7);
	p[0] = 0x11; /* the caller's state */
	kmem_cache_free(s, p);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, q);
	KT_EXPECT_EQ(t, nr_ctor_calls, s->objects); /* no new call */
	if (q == p)
		KT_EXPECT_EQ(t, q[0], 0x11); /* left as freed */
	kmem_cache_free(s, q);
	kmem_cache_destroy(s);
}

/* kmem_cache_zalloc zeroes an object that was dirty when freed. */
static void zalloc_zeroes(struct ktest *t)
{
	struct kmem_cache *s =
		kmem_cache_create("test-zalloc", 200, 0, 0, NULL);
	unsigned int i, nonzero = 0;
	u8 *p;

	KT_ASSERT_NOT_NULL(t, s);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	memset(p, 0xff, 200);
	kmem_cache_free(s, p);
	p = kmem_cache_zalloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	for (i = 0; i < 200; i++)
		nonzero += p[i] != 0;
	KT_EXPECT_EQ(t, nonzero, 0);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

/* Freeing objects in LIFO order hands the same object back first. */
static void lifo_reuse(struct ktest *t)
{
	struct kmem_cache *s = kmem_cache_create("test-lifo", 64, 0, 0, NULL);
	void *p, *q;

	KT_ASSERT_NOT_NULL(t, s);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	kmem_cache_free(s, p);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	KT_EXPECT_PTR_EQ(t, q, p);
	kmem_cache_free(s, q);
	kmem_cache_destroy(s);
}

/* The stored free pointer is encoded, not the raw address of the next object. */
static void freelist_pointer_hardened(struct ktest *t)
{
	struct kmem_cache *s = kmem_cache_create("test-hardened", 64, 0,
						 SLAB_NO_USER_FLAGS, NULL);
	unsigned long addr, stored;
	void *p, *q;

	KT_ASSERT_NOT_NULL(t, s);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	KT_ASSERT_NOT_NULL(t, q);
	kmem_cache_free(s, q);
	kmem_cache_free(s, p); /* p's free pointer now leads to q */
	addr = (unsigned long)p + s->offset;
	stored = *(unsigned long *)addr;
	KT_EXPECT_UNE(t, stored, (unsigned long)q);
	KT_EXPECT_UEQ(t, stored, (unsigned long)q ^ s->random ^ swab64(addr));
	KT_EXPECT_PTR_EQ(t, slab_get_freepointer(s, p), q);
	kmem_cache_destroy(s);
}

/* Objects over many slabs, all freed, then shrink: every page goes back. */
static void shrink_returns_pages(struct ktest *t)
{
	struct kmem_cache *s =
		kmem_cache_create("test-shrink", 500, 0, 0, NULL);
	unsigned long before, i, n;
	void **objs;

	KT_ASSERT_NOT_NULL(t, s);
	n = s->objects * 12UL;
	objs = kmalloc_array(n, sizeof(void *), GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, objs);
	kmem_cache_shrink_all();
	before = nr_free_pages();
	for (i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KT_ASSERT_NOT_NULL(t, objs[i]);
	}
	KT_EXPECT_UGE(t, s->nr_slabs, 12);
	KT_EXPECT_UEQ(t, kmem_cache_active_objects(s), n);
	for (i = 0; i < n; i++)
		kmem_cache_free(s, objs[i]);
	/* Beyond min_partial, empty slabs went back as they emptied. */
	KT_EXPECT_ULE(t, s->nr_slabs, s->min_partial + 1);
	KT_EXPECT_UEQ(t, kmem_cache_active_objects(s), 0);
	kmem_cache_shrink(s);
	KT_EXPECT_UEQ(t, s->nr_slabs, 0);
	KT_EXPECT_UEQ(t, nr_free_pages(), before);
	kfree(objs);
	kmem_cache_destroy(s);
}

/* Freeing into partial slabs in random order keeps every count right. */
static void partial_lists_random_order(struct ktest *t)
{
	struct kmem_cache *s =
		kmem_cache_create("test-partial", 96, 0, 0, NULL);
	static void *objs[600];
	void *tmp;
	unsigned int i, j;

	KT_ASSERT_NOT_NULL(t, s);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KT_ASSERT_NOT_NULL(t, objs[i]);
	}
	for (i = ARRAY_SIZE(objs) - 1; i > 0; i--) {
		j = (unsigned int)prng_below(&t->rng, i + 1);
		tmp = objs[i];
		objs[i] = objs[j];
		objs[j] = tmp;
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		kmem_cache_free(s, objs[i]);
		if (i % 97 == 0)
			KT_EXPECT_EQ(t, kmem_cache_validate(s), 0);
	}
	KT_EXPECT_UEQ(t, kmem_cache_active_objects(s), 0);
	KT_EXPECT_EQ(t, kmem_cache_validate(s), 0);
	kmem_cache_destroy(s);
}

/* Bad arguments give NULL and a warning, never a cache. */
static void create_bad_arguments(struct ktest *t)
{
	KT_EXPECT_NULL(t, kmem_cache_create(NULL, 32, 0, 0, NULL));
	KT_EXPECT_NULL(t, kmem_cache_create("", 32, 0, 0, NULL));
	KT_EXPECT_NULL(t, kmem_cache_create("test-bad", 0, 0, 0, NULL));
	KT_EXPECT_NULL(t, kmem_cache_create("test-bad", 32, 3, 0, NULL));
	/* Above a page only for kmalloc caches (kmalloc-8k: 8 KiB). */
	KT_EXPECT_NULL(t, kmem_cache_create("test-bad", 32, 2 * PAGE_SIZE, 0,
					    NULL));
	KT_EXPECT_NULL(t,
		       kmem_cache_create("test-bad", 32, 0, 1UL << 40, NULL));
	KT_EXPECT_NULL(t, kmem_cache_create("test-bad", 64U << 20, 0, 0, NULL));
	kmem_cache_destroy(NULL); /* does nothing */
}

/* Allocating until memory runs out returns NULL cleanly; all of it comes back. */
static void exhaustion(struct ktest *t)
{
	struct kmem_cache *s = kmem_cache_create("test-exhaust", 256U << 10, 0,
						 SLAB_NO_USER_FLAGS, NULL);
	struct fragmented held;
	void *head = NULL, *p;
	unsigned long n = 0;

	KT_ASSERT_NOT_NULL(t, s);
	/*
	 * Run out of a fixed 32 MiB, not of all RAM: the rest is held in
	 * 4 MiB blocks first, so the case does the same work at any size.
	 */
	limit_free_memory(&held, 8192);
	while ((p = kmem_cache_alloc(s, GFP_KERNEL | __GFP_NOWARN)) != NULL) {
		*(void **)p = head; /* chain the objects through themselves */
		head = p;
		n++;
	}
	KT_EXPECT_UGT(t, n, 0);
	ktest_log(t,
		  "%lu objects of 256 KiB before NULL, with %lu pages left "
		  "free",
		  n, held.returned);
	while (head) {
		p = *(void **)head;
		kmem_cache_free(s, head);
		head = p;
	}
	unfragment_memory(&held);
	kmem_cache_destroy(s);
	p = kmalloc(64, GFP_KERNEL); /* memory is usable again */
	KT_EXPECT_NOT_NULL(t, p);
	kfree(p);
}

/* failslab: an injected failure gives NULL, leaks nothing, and passes. */
static void failslab_injection(struct ktest *t)
{
	struct fault_inject_state saved;
	struct kmem_cache *s;
	void *objs[200];
	unsigned int i, nr_null = 0;
	unsigned long nr_failed;

	fault_inject_save(&saved); /* the command line's setting, if any */
	s = kmem_cache_create("test-failslab", 128, 0, 0, NULL);
	if (!s)
		fault_inject_restore(&saved);
	KT_ASSERT_NOT_NULL(t, s);
	fault_inject_nth(&failslab, 1);
	KT_EXPECT_NULL(t, kmem_cache_alloc(s, GFP_KERNEL));
	objs[0] = kmem_cache_alloc(s, GFP_KERNEL); /* once only */
	KT_EXPECT_NOT_NULL(t, objs[0]);
	kmem_cache_free(s, objs[0]);
	fault_inject_random(&failslab, 30, t->seed);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		nr_null += !(objs[i] = kmem_cache_alloc(s, GFP_KERNEL));
	nr_failed = failslab.nr_failed;
	fault_inject_restore(&saved);
	KT_EXPECT_UEQ(t, nr_null, nr_failed);
	KT_EXPECT_GT(t, nr_null, 0);
	KT_EXPECT_LT(t, nr_null, ARRAY_SIZE(objs));
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(s, objs[i]); /* NULL ones are ignored */
	kmem_cache_destroy(s);
}

/* GFP_KERNEL in atomic context is reported (might_sleep); GFP_ATOMIC is not. */
static void sleeping_alloc_in_atomic(struct ktest *t)
{
	struct kmem_cache *s = kmem_cache_create("test-atomic", 32, 0, 0, NULL);
	void *p = NULL, *q = NULL;

	KT_ASSERT_NOT_NULL(t, s);
	preempt_disable();
	KT_EXPECT_REPORTS(t, 1, p = kmem_cache_alloc(s, GFP_KERNEL));
	KT_EXPECT_REPORTS(t, 0, q = kmem_cache_alloc(s, GFP_ATOMIC));
	preempt_enable();
	KT_EXPECT_NOT_NULL(t, p);
	KT_EXPECT_NOT_NULL(t, q);
	kmem_cache_free(s, p);
	kmem_cache_free(s, q);
	kmem_cache_destroy(s);
}

/* kmem_cache_free with the wrong cache is reported; the object stays allocated. */
static void free_to_wrong_cache(struct ktest *t)
{
	struct kmem_cache *a =
		kmem_cache_create("test-cache-a", 64, 0, 0, NULL);
	struct kmem_cache *b =
		kmem_cache_create("test-cache-b", 64, 0, 0, NULL);
	u64 mark = ktest_log_mark();
	void *p;

	KT_ASSERT_NOT_NULL(t, a);
	KT_ASSERT_NOT_NULL(t, b);
	p = kmem_cache_alloc(a, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_REPORTS(t, 1, kmem_cache_free(b, p));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "Wrong slab cache. "
						   "test-cache-b but object is "
						   "from test-cache-a"));
	KT_EXPECT_UEQ(t, kmem_cache_active_objects(a), 1);
	kmem_cache_free(a, p);
	cache_still_works(t, a);
	cache_still_works(t, b);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

/* A double free is caught by the naive check (no debug flags at all). */
static void double_free_naive(struct ktest *t)
{
	struct kmem_cache *s = kmem_cache_create("test-dfree", 64, 0,
						 SLAB_NO_USER_FLAGS, NULL);
	u64 mark = ktest_log_mark();
	void *p, *q;

	KT_ASSERT_NOT_NULL(t, s);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	q = kmem_cache_alloc(s, GFP_KERNEL); /* keep the slab in use */
	KT_ASSERT_NOT_NULL(t, p);
	kmem_cache_free(s, p);
	KT_EXPECT_REPORTS(t, 1, kmem_cache_free(s, p));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "BUG test-dfree: Object "
						   "already free"));
	/* The freelist is intact: p comes back once, then other objects. */
	KT_EXPECT_PTR_EQ(t, kmem_cache_alloc(s, GFP_KERNEL), p);
	cache_still_works(t, s);
	kmem_cache_free(s, p);
	kmem_cache_free(s, q);
	kmem_cache_destroy(s);
}

/* A free into a slab that is not the CPU's takes the short path, counts right. */
static void free_to_other_slab(struct ktest *t)
{
	struct kmem_cache *s =
		kmem_cache_create("test-other", 1024, 0, 0, NULL);
	void *first[4], *more[64];
	unsigned int i;

	KT_ASSERT_NOT_NULL(t, s);
	for (i = 0; i < 4; i++)
		first[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < ARRAY_SIZE(more); i++) /* the CPU slab moves on */
		more[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < 4; i++) {
		KT_ASSERT_NOT_NULL(t, first[i]);
		kmem_cache_free(s, first[i]);
	}
	KT_EXPECT_UEQ(t, kmem_cache_active_objects(s), ARRAY_SIZE(more));
	KT_EXPECT_EQ(t, kmem_cache_validate(s), 0);
	KT_EXPECT_REPORTS(t, 1,
			  kmem_cache_free(s, first[3])); /* double: the head */
	for (i = 0; i < ARRAY_SIZE(more); i++)
		kmem_cache_free(s, more[i]);
	KT_EXPECT_UEQ(t, kmem_cache_active_objects(s), 0);
	kmem_cache_destroy(s);
}

/* ---- fragmented memory: the fallback to min_order ---------------------- */

/* The order of the slab holding @obj (order-0 slabs are not compound). */
static unsigned int obj_slab_order(const void *obj)
{
	return compound_head(virt_to_page(obj))->order;
}

/* Up to @n kmalloc(2048)s, stopping at the first failure. Return: how many. */
static unsigned int kmalloc_2k_objects(void **objs, unsigned long n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		objs[i] = kmalloc(2048, GFP_KERNEL);
		if (!objs[i])
			break;
	}
	return i;
}

/*
 * With only single pages free, kmalloc(2048) and a cache whose preferred
 * order is above 0 still get a slab, of their min_order, counted as an
 * order fallback (unless slub_debug's red zones and tracks make the
 * kmalloc-2k slot need more than a page: then kmalloc fails, quietly); a pointer that would pass as an object start in a slab
 * of the preferred order is refused in the smaller one; and every page
 * comes back once everything is freed and the caches shrunk.
 */
static void fallback_to_min_order(struct ktest *t)
{
	struct kmem_cache *s =
		kmem_cache_create("test-minorder", 1000, 0, 0, NULL);
	struct kmem_cache *k2 = kmalloc_slab(2048);
	unsigned long before, fb_s, fb_k2, slab, mask, off, k2_free;
	struct fragmented frag;
	static void *kobjs[512];
	unsigned int nk = 0, i;
	void *p = NULL, *q = NULL, *kp;

	KT_ASSERT_NOT_NULL(t, s);
	KT_ASSERT_UNE(t, s->order, s->min_order);
	KT_ASSERT_UNE(t, k2->order, k2->min_order);
	KT_EXPECT_UEQ(t, k2->min_order, get_order(k2->size));
	kmem_cache_shrink_all();
	before = nr_free_pages();
	fb_s = s->nr_order_fallback;
	fb_k2 = k2->nr_order_fallback;
	/* kmalloc-2k's free objects, then one more: that one needs a new slab. */
	k2_free = kmem_cache_total_objects(k2) - kmem_cache_active_objects(k2);
	KT_ASSERT_TRUE(t, k2_free < ARRAY_SIZE(kobjs));
	fragment_memory(&frag);
	ktest_log(t, "fragmented: %lu single pages free, none paired",
		  frag.returned);
	KT_EXPECT_UGT(t, frag.returned, 64);

	nk = kmalloc_2k_objects(kobjs, k2_free + 1);
	if (!k2->min_order) {
		KT_EXPECT_UEQ(t, nk, k2_free + 1);
		KT_EXPECT_UEQ(t, k2->nr_order_fallback, fb_k2 + 1);
	} else {
		ktest_log(t,
			  "%s: a %lu-byte slot needs order %u, and no such "
			  "block is free",
			  k2->name, k2->size, k2->min_order);
		KT_EXPECT_UEQ(t, nk, k2_free);
		KT_EXPECT_UEQ(t, k2->nr_order_fallback, fb_k2);
	}
	kp = nk > k2_free ? kobjs[k2_free] : NULL;
	if (kp) {
		KT_EXPECT_UEQ(t, obj_slab_order(kp), k2->min_order);
		memset(kp, 0x6b, 2048);
	}
	p = kmem_cache_alloc(s, GFP_KERNEL);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	KT_EXPECT_NOT_NULL(t, p);
	KT_EXPECT_NOT_NULL(t, q);
	KT_EXPECT_UEQ(t, s->nr_order_fallback, fb_s + 1);
	KT_EXPECT_UEQ(t, s->nr_slabs, 1);
	KT_EXPECT_UEQ(t, s->nr_slab_pages, 1UL << s->min_order);
	KT_EXPECT_UEQ(t, kmem_cache_total_objects(s), s->min_objects);
	KT_EXPECT_UEQ(t, kmem_cache_active_objects(s), 2);
	if (p && q) {
		KT_EXPECT_UEQ(t, obj_slab_order(p), s->min_order);
		memset(p, 0x5a, 1000);
		memset(q, 0x5b, 1000);
		/*
		 * An address in p's page that a slab of s->order (aligned
		 * to its size) would take for an object start: a free of
		 * it must be refused.
		 */
		slab = (unsigned long)p & ~(PAGE_SIZE - 1);
		mask = (PAGE_SIZE << s->order) - 1;
		off = (s->size - (slab & mask) % s->size) % s->size;
		if (off != s->red_left_pad)
			KT_EXPECT_REPORTS(
				t, 1, kmem_cache_free(s, (void *)(slab + off)));
		KT_EXPECT_EQ(t, kmem_cache_validate(s), 0);
	}
	kmem_cache_free(s, q);
	kmem_cache_free(s, p);
	for (i = 0; i < nk; i++)
		kfree(kobjs[i]);
	unfragment_memory(&frag);
	kmem_cache_destroy(s);
	kmem_cache_shrink(k2);
	kmem_cache_shrink_all();
	KT_EXPECT_UEQ(t, nr_free_pages(), before);
}

/*
 * When even the smallest slab cannot be had, the failure is the caller's
 * to hear about, as in Linux: the quiet preferred-order attempt is not
 * reported, the min-order one warns "page allocation failure" unless the
 * caller passed __GFP_NOWARN.
 */
static void min_order_failure_warns(struct ktest *t)
{
	struct kmem_cache *s =
		kmem_cache_create("test-minorder-fail", 5000, 0, 0, NULL);
	struct fragmented frag;
	char want[48], quiet[48];
	u64 mark;
	void *p;

	KT_ASSERT_NOT_NULL(t, s);
	KT_ASSERT_UNE(t, s->min_order, 0);
	KT_ASSERT_UNE(t, s->order, s->min_order);
	snprintf(want, sizeof(want), "page allocation failure: order:%u,",
		 s->min_order);
	snprintf(quiet, sizeof(quiet), "page allocation failure: order:%u,",
		 s->order);
	fragment_memory(&frag);
	mark = ktest_log_mark();
	p = kmem_cache_alloc(s, GFP_KERNEL | __GFP_NOWARN);
	KT_EXPECT_NULL(t, p);
	KT_EXPECT_NULL(t, ktest_log_find(mark, "page allocation failure"));
	kmem_cache_free(s, p);
	mark = ktest_log_mark();
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KT_EXPECT_NULL(t, p);
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, want));
	KT_EXPECT_NULL(t, ktest_log_find(mark, quiet));
	kmem_cache_free(s, p);
	unfragment_memory(&frag);
	kmem_cache_destroy(s);
}

KTEST_SUITE(slab, NULL, NULL, KTEST_CASE_NO_FAULTS(alignment_rules),
	    KTEST_CASE(layout_and_order),
	    KTEST_CASE_NO_FAULTS(ctor_once_per_object),
	    KTEST_CASE_NO_FAULTS(zalloc_zeroes),
	    KTEST_CASE_NO_FAULTS(lifo_reuse),
	    KTEST_CASE_NO_FAULTS(freelist_pointer_hardened),
	    KTEST_CASE_NO_FAULTS(shrink_returns_pages),
	    KTEST_CASE_NO_FAULTS(partial_lists_random_order),
	    KTEST_CASE(create_bad_arguments), KTEST_CASE_NO_FAULTS(exhaustion),
	    KTEST_CASE(failslab_injection),
	    KTEST_CASE_NO_FAULTS(sleeping_alloc_in_atomic),
	    KTEST_CASE_NO_FAULTS(free_to_wrong_cache),
	    KTEST_CASE_NO_FAULTS(double_free_naive),
	    KTEST_CASE_NO_FAULTS(free_to_other_slab),
	    KTEST_CASE_NO_FAULTS(fallback_to_min_order),
	    KTEST_CASE_NO_FAULTS(min_order_failure_warns));
