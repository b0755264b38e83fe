/*
 * tests/test_kmalloc.c: the kmalloc suite (mm/kmalloc.c and the inline
 * paths in include/mm/slab.h): size classes, alignment, zeroing, krealloc,
 * overflow, large blocks, misuse, and a random workload checked against a
 * shadow model.
 */
#include <kernel/fault_inject.h>
#include <kernel/ktest.h>
#include <lib/overflow.h>
#include <lib/string.h>
#include <mm/gfp.h>
#include <mm/mmzone.h>
#include <mm/slab.h>
#include <mm/stats.h>
#include <tests/slab_helpers.h>

#include "../mm/slab.h"

/* The size classes, smallest first, as Linux has them. */
static const unsigned int classes[] = { 8,   16,  32,	64,   96,   128, 192,
					256, 512, 1024, 2048, 4096, 8192 };

static unsigned int reference_class(size_t size)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(classes); i++)
		if (size <= classes[i])
			return classes[i];
	return 0;
}

/* Every size 1..8192 maps to the smallest class that holds it, table and formula alike. */
static void size_class_mapping(struct ktest *t)
{
	struct kmem_cache *s;
	unsigned int bad = 0;
	size_t size;

	for (size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		s = kmalloc_slab(size);
		if (!s || s != kmalloc_caches[kmalloc_index(size)] ||
		    s->object_size != reference_class(size)) {
			if (!bad++)
				ktest_log(t,
					  "size %zu: cache %s, want kmalloc-%u",
					  size, s ? s->name : "none",
					  reference_class(size));
		}
	}
	KT_EXPECT_EQ(t, bad, 0);
	KT_EXPECT_EQ(t, kmalloc_index(0), 0);
	KT_EXPECT_EQ(t, kmalloc_index(96), 1);
	KT_EXPECT_EQ(t, kmalloc_index(97), 7);
	KT_EXPECT_EQ(t, kmalloc_index(192), 2);
	KT_EXPECT_EQ(t, kmalloc_index(8192), 13);
	KT_EXPECT_EQ(t, kmalloc_index(8193), -1);
	KT_EXPECT_NULL(t, kmalloc_slab(0));
	KT_EXPECT_NULL(t, kmalloc_slab(8193));
	KT_EXPECT_STREQ(t, kmalloc_slab(1000)->name, "kmalloc-1k");
	KT_EXPECT_STREQ(t, kmalloc_slab(150)->name, "kmalloc-192");
}

/* kmalloc(size) really comes from the class's cache, for every size. */
static void every_size_round_trip(struct ktest *t)
{
	unsigned int bad = 0;
	size_t size;
	u8 *p;

	for (size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		p = kmalloc(size, GFP_KERNEL);
		KT_ASSERT_NOT_NULL(t, p);
		p[0] = 1;
		p[size - 1] = 2;
		if (virt_to_cache(p) != kmalloc_slab(size) ||
		    ksize(p) != reference_class(size))
			bad++;
		kfree(p);
	}
	KT_EXPECT_EQ(t, bad, 0);
}

/*
 * Each kmalloc cache (and dma-kmalloc cache) aligns to the largest power
 * of two dividing its size, kmalloc-8k to 8 KiB, whatever slub_debug
 * adds around its objects.
 */
static void kmalloc_alignment(struct ktest *t)
{
	unsigned int i, j, dma, align;
	void *p[4];

	for (dma = 0; dma < 2; dma++) {
		for (i = 0; i < ARRAY_SIZE(classes); i++) {
			align = classes[i] & -classes[i];
			for (j = 0; j < ARRAY_SIZE(p); j++) {
				p[j] = kmalloc(classes[i],
					       GFP_KERNEL |
						       (dma ? GFP_DMA : 0));
				KT_ASSERT_NOT_NULL(t, p[j]);
				KT_EXPECT_UEQ(t,
					      (unsigned long)p[j] & (align - 1),
					      0);
			}
			for (j = 0; j < ARRAY_SIZE(p); j++)
				kfree(p[j]);
		}
	}
}

/* kmalloc(0) is ZERO_SIZE_PTR; kfree of it and of NULL does nothing. */
static void zero_size_and_null(struct ktest *t)
{
	void *p = kmalloc(0, GFP_KERNEL);

	KT_EXPECT_PTR_EQ(t, p, ZERO_SIZE_PTR);
	KT_EXPECT_UEQ(t, ksize(p), 0);
	KT_EXPECT_REPORTS(t, 0, kfree(p));
	KT_EXPECT_REPORTS(t, 0, kfree(NULL));
	KT_EXPECT_PTR_EQ(t, kzalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	KT_EXPECT_PTR_EQ(t, kcalloc(0, 8, GFP_KERNEL), ZERO_SIZE_PTR);
}

static unsigned int count_nonzero(const u8 *p, size_t n)
{
	unsigned int c = 0;

	while (n--)
		c += *p++ != 0;
	return c;
}

/* kzalloc, __GFP_ZERO and kcalloc zero memory that was dirty (test_meminit's method). */
static void zeroing_is_real(struct ktest *t)
{
	static const size_t sizes[] = {
		8, 40, 96, 100, 1000, 4096, 8192, 20000
	};
	unsigned int i, nz;
	u8 *p;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = kmalloc(sizes[i], GFP_KERNEL);
		KT_ASSERT_NOT_NULL(t, p);
		memset(p, 0xff, sizes[i]);
		kfree(p);
		p = kzalloc(sizes[i], GFP_KERNEL);
		KT_ASSERT_NOT_NULL(t, p);
		nz = count_nonzero(p, sizes[i]);
		KT_EXPECT_EQ(t, nz, 0);
		memset(p, 0xff, sizes[i]);
		kfree(p);
		p = kmalloc(sizes[i], GFP_KERNEL | __GFP_ZERO);
		KT_ASSERT_NOT_NULL(t, p);
		KT_EXPECT_EQ(t, count_nonzero(p, sizes[i]), 0);
		memset(p, 0xff, sizes[i]);
		kfree(p);
		p = kcalloc(sizes[i] / 4, 4, GFP_KERNEL);
		KT_ASSERT_NOT_NULL(t, p);
		KT_EXPECT_EQ(t, count_nonzero(p, sizes[i] / 4 * 4), 0);
		kfree(p);
	}
}

static bool filled(const u8 *p, u8 v, size_t n)
{
	return !memchr_inv(p, v, n);
}

/* krealloc: NULL allocates, in place when it fits, moves (keeping data) when not, 0 frees. */
static void krealloc_semantics(struct ktest *t)
{
	struct fault_inject_state saved;
	u8 *p, *q;

	p = krealloc(NULL, 20, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_UEQ(t, ksize(p), 32);
	memset(p, 0x61, 20);
	q = krealloc(p, 30, GFP_KERNEL); /* grows within kmalloc-32 */
	KT_EXPECT_PTR_EQ(t, q, p);
	KT_EXPECT_TRUE(t, filled(q, 0x61, 20));
	memset(q, 0x62, 30);
	q = krealloc(p, 10, GFP_KERNEL); /* shrinks in place */
	KT_EXPECT_PTR_EQ(t, q, p);
	KT_EXPECT_TRUE(t, filled(q, 0x62, 10));
	q = krealloc(p, 300, GFP_KERNEL); /* moves to kmalloc-512 */
	KT_ASSERT_NOT_NULL(t, q);
	KT_EXPECT_PTR_NE(t, q, p);
	KT_EXPECT_TRUE(t, filled(q, 0x62, 10));
	KT_EXPECT_PTR_EQ(t, virt_to_cache(q), kmalloc_slab(300));
	p = krealloc(q, 20000, GFP_KERNEL); /* to a large block */
	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_TRUE(t, filled(p, 0x62, 10));
	KT_EXPECT_UEQ(t, ksize(p), 32768);
	q = krealloc(p, 100, GFP_KERNEL); /* fits: stays large */
	KT_EXPECT_PTR_EQ(t, q, p);
	q = krealloc(p, 0, GFP_KERNEL); /* frees */
	KT_EXPECT_PTR_EQ(t, q, ZERO_SIZE_PTR);
	p = krealloc(ZERO_SIZE_PTR, 8, GFP_KERNEL); /* like NULL */
	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_PTR_NE(t, p, ZERO_SIZE_PTR);
	/* A failed move leaves the object as it was. */
	memset(p, 0x63, 8);
	fault_inject_save(&saved);
	fault_inject_nth(&failslab, 1);
	q = krealloc(p, 500, GFP_KERNEL);
	fault_inject_restore(&saved);
	KT_EXPECT_NULL(t, q);
	KT_EXPECT_TRUE(t, filled(p, 0x63, 8));
	kfree(p);
}

/*
 * krealloc with __GFP_ZERO on every call, as Linux asks: a shrink, then a
 * regrow in place, shows zeros where the old bytes were, in a kmalloc
 * object and in a large block, whether or not slub_debug (Z) records the
 * requested size.
 */
static void krealloc_zero_regrow(struct ktest *t)
{
	static const size_t sizes[][2] = { { 100, 40 }, { 20000, 9000 } };
	unsigned int i;
	u8 *p, *q;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t big = sizes[i][0], small = sizes[i][1];

		p = kzalloc(big, GFP_KERNEL);
		KT_ASSERT_NOT_NULL(t, p);
		memset(p, 0x5a, big);
		q = krealloc(p, small, GFP_KERNEL | __GFP_ZERO);
		KT_ASSERT_TRUE(t, q == p); /* in place */
		q = krealloc(p, big, GFP_KERNEL | __GFP_ZERO);
		KT_ASSERT_TRUE(t, q == p);
		KT_EXPECT_TRUE(t, filled(p, 0x5a, small));
		KT_EXPECT_UEQ(t, count_nonzero(p + small, big - small), 0);
		kfree(p);
	}
}

/* Multiplication overflow gives NULL from the array helpers and SIZE_MAX from the size helpers. */
static void overflow_helpers(struct ktest *t)
{
	struct flex {
		u64 hdr;
		u32 items[];
	} *f = NULL;
	size_t r;
	void *p;

	KT_EXPECT_NULL(t, kmalloc_array(SIZE_MAX / 2 + 1, 2, GFP_KERNEL));
	KT_EXPECT_NULL(t, kcalloc(SIZE_MAX / 8 + 1, 8, GFP_KERNEL));
	p = kmalloc(8, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_NULL(t, krealloc_array(p, SIZE_MAX / 4, 8, GFP_KERNEL));
	kfree(p);
	KT_EXPECT_UEQ(t, array_size(SIZE_MAX / 2 + 1, 2), SIZE_MAX);
	KT_EXPECT_UEQ(t, array_size(1000, 1000), 1000000);
	KT_EXPECT_UEQ(t, array3_size(1UL << 30, 1UL << 30, 1UL << 10),
		      SIZE_MAX);
	KT_EXPECT_UEQ(t, array3_size(2, 3, 4), 24);
	KT_EXPECT_UEQ(t, struct_size(f, items, 10), 8 + 40);
	KT_EXPECT_UEQ(t, struct_size(f, items, SIZE_MAX / 2), SIZE_MAX);
	KT_EXPECT_TRUE(t, check_mul_overflow((size_t)1 << 40, (size_t)1 << 40,
					     &r));
	KT_EXPECT_FALSE(t, check_mul_overflow((size_t)3, (size_t)5, &r));
	KT_EXPECT_UEQ(t, r, 15);
	/* A saturated size fails the allocation. */
	KT_EXPECT_NULL(t, kmalloc(array_size(SIZE_MAX / 2 + 1, 2),
				  GFP_KERNEL | __GFP_NOWARN));
	KT_EXPECT_NULL(t, kmalloc(KMALLOC_MAX_SIZE + 1,
				  GFP_KERNEL | __GFP_NOWARN));
}

/* Above 8 KiB: a compound buddy block marked PG_large_kmalloc, freed by kfree. */
static void large_kmalloc_round_trip(struct ktest *t)
{
	static const size_t sizes[] = { 8193, 16384, 100000, 1UL << 20 };
	unsigned long before;
	struct page *page;
	unsigned int i;
	u8 *p;

	kmem_cache_shrink_all();
	before = nr_free_pages();
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = kmalloc(sizes[i], GFP_KERNEL | __GFP_NOWARN);
		if (!p) {
			ktest_log(t, "no free block for %zu bytes", sizes[i]);
			continue;
		}
		page = virt_to_page(p);
		KT_EXPECT_TRUE(t, PageLargeKmalloc(page));
		KT_EXPECT_TRUE(t, PageHead(page));
		KT_EXPECT_EQ(t, compound_order(page), get_order(sizes[i]));
		KT_EXPECT_UEQ(t, ksize(p), PAGE_SIZE << get_order(sizes[i]));
		KT_EXPECT_NULL(t, virt_to_cache(p));
		memset(p, 0x44, sizes[i]);
		KT_EXPECT_REPORTS(t, 1,
				  kfree(p + PAGE_SIZE)); /* not its start */
		kfree(p);
		KT_EXPECT_UEQ(t, nr_free_pages(), before);
	}
}

/*
 * kfree() of pointers into @s's slots at which no object starts, where
 * the layout has them: the unused tail of a slab, where one more slot
 * would start (kmalloc-192 without debugging: 21 slots of 192 bytes in a
 * page, 64 bytes left), the bytes behind an object (slub_debug P, U: the
 * free pointer, the callers) and the left red zone in front of it (Z).
 * Slots are s->size bytes and objects start red_left_pad into them, both
 * of which slub_debug changes. Return: how many pointers were tried.
 */
static unsigned int kfree_inside_slots(struct ktest *t, struct kmem_cache *s)
{
	u8 *obj = kmalloc(s->object_size, GFP_KERNEL), *base, *tail;
	unsigned int tried = 0;
	struct slab *slab;

	KT_EXPECT_NOT_NULL(t, obj);
	if (!obj)
		return 0;
	slab = page_slab(virt_to_head_page(obj));
	base = slab_address(slab);
	tail = base + (unsigned long)slab->objects * s->size + s->red_left_pad;
	if (tail < base + slab_bytes(slab)) {
		KT_EXPECT_REPORTS(t, 1, kfree(tail));
		tried++;
	}
	if (s->red_left_pad + s->object_size < s->size) {
		KT_EXPECT_REPORTS(t, 1, kfree(obj + s->object_size));
		tried++;
	}
	if (s->red_left_pad) {
		KT_EXPECT_REPORTS(t, 1, kfree(obj - s->red_left_pad));
		tried++;
	}
	KT_EXPECT_REPORTS(t, 0, kfree(obj));
	cache_still_works(t, s);
	return tried;
}

/*
 * Every kmalloc cache, on the inline fast path where the cache does not
 * debug: each layout has such pointers in some cache (slub_debug=P alone
 * leaves no slab a tail, but puts the free pointer behind every object).
 */
static void kfree_inside_every_cache(struct ktest *t)
{
	unsigned int i, tried = 0;

	for (i = 0; i < ARRAY_SIZE(classes); i++)
		tried += kfree_inside_slots(t, kmalloc_slab(classes[i]));
	KT_EXPECT_UGT(t, tried, 0);
}

/* kfree of anything but a kmalloc object start is reported and refused. */
static void kfree_misuse(struct ktest *t)
{
	static u8 image_buf[64];
	u64 mark = ktest_log_mark();
	struct page *page;
	u8 *p = kmalloc(64, GFP_KERNEL);
	u8 *q = kmalloc(96, GFP_KERNEL);

	KT_ASSERT_NOT_NULL(t, p);
	KT_ASSERT_NOT_NULL(t, q);
	KT_EXPECT_REPORTS(t, 1, kfree(p + 8));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "BUG kmalloc-"));
	KT_EXPECT_REPORTS(t, 1,
			  kfree(q + 32)); /* 32-aligned, not a 96-byte start */
	KT_EXPECT_REPORTS(t, 1, kfree(image_buf));
	KT_EXPECT_REPORTS(t, 1, kfree((void *)0xffffc90000001000UL));
	page = alloc_page(GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, page);
	KT_EXPECT_REPORTS(t, 1, kfree(page_address(page)));
	__free_page(page);
	KT_EXPECT_UEQ(t, ksize(p), 64); /* still allocated and usable */
	memset(p, 0x1, 64);
	kfree(p);
	kfree(q);
	cache_still_works(t, kmalloc_caches[6]);
	kfree_inside_every_cache(t);
}

/* kmemdup and kstrdup copy; kstrdup(NULL) is NULL. */
static void kmemdup_kstrdup(struct ktest *t)
{
	static const u8 src[] = { 1, 2, 3, 4, 5, 6, 7 };
	char *s;
	u8 *p;

	p = kmemdup(src, sizeof(src), GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_EQ(t, memcmp(p, src, sizeof(src)), 0);
	kfree(p);
	s = kstrdup("slab allocator", GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, s);
	KT_EXPECT_STREQ(t, s, "slab allocator");
	KT_EXPECT_UEQ(t, ksize(s), 16);
	kfree(s);
	KT_EXPECT_NULL(t, kstrdup(NULL, GFP_KERNEL));
}

/* ksize: the whole size class is usable, even under slub_debug's tail red zone. */
static void ksize_whole_class(struct ktest *t)
{
	u8 *p = kmalloc(18, GFP_KERNEL);
	size_t n;

	KT_ASSERT_NOT_NULL(t, p);
	n = ksize(p);
	KT_EXPECT_UEQ(t, n, 32);
	memset(p, 0x7e, n);
	KT_EXPECT_REPORTS(t, 0, kfree(p));
}

/* failslab covers kmalloc: NULL, nothing leaked, the next call succeeds. */
static void kmalloc_failslab(struct ktest *t)
{
	struct fault_inject_state saved;
	void *p;

	fault_inject_save(&saved);
	fault_inject_nth(&failslab, 1);
	KT_EXPECT_NULL(t, kmalloc(64, GFP_KERNEL));
	p = kmalloc(64, GFP_KERNEL);
	KT_EXPECT_NOT_NULL(t, p);
	kfree(p);
	fault_inject_nth(&failslab, 1);
	KT_EXPECT_NULL(t, kzalloc(2000, GFP_KERNEL));
	fault_inject_restore(&saved);
}

/*
 * Above 8 KiB as below: GFP_DMA32 and __GFP_HIGHMEM are reported and
 * dropped, so the block comes from the zone a plain GFP_KERNEL one just
 * freed came from (ZONE_NORMAL where there is RAM above 4 GiB, not
 * ZONE_DMA32). kmalloc and krealloc both.
 */
static void large_kmalloc_bad_flags(struct ktest *t)
{
	struct zone *plain;
	void *p, *q = NULL;

	p = kmalloc(20000, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	plain = page_zone(virt_to_page(p));
	kfree(p);
	KT_EXPECT_REPORTS(t, 1, q = kmalloc(20000, GFP_KERNEL | GFP_DMA32));
	KT_ASSERT_NOT_NULL(t, q);
	KT_EXPECT_STREQ(t, page_zone(virt_to_page(q))->name, plain->name);
	kfree(q);
	KT_EXPECT_REPORTS(
		t, 1, q = krealloc(NULL, 20000, GFP_KERNEL | __GFP_HIGHMEM));
	KT_EXPECT_NOT_NULL(t, q);
	kfree(q);
}

/* GFP_DMA comes from dma-kmalloc-N, below 16 MiB; GFP_DMA32 is reported and ignored. */
static void dma_flags(struct ktest *t)
{
	void *p = kmalloc(100, GFP_KERNEL | GFP_DMA), *q = NULL;

	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_STREQ(t, virt_to_cache(p)->name, "dma-kmalloc-128");
	KT_EXPECT_ULT(t, virt_to_phys(p), ZONE_DMA_END);
	kfree(p);
	p = kmalloc(20000, GFP_KERNEL | GFP_DMA | __GFP_NOWARN);
	if (p) {
		KT_EXPECT_ULT(t, virt_to_phys(p), ZONE_DMA_END);
		kfree(p);
	}
	KT_EXPECT_REPORTS(t, 1, q = kmalloc(64, GFP_KERNEL | GFP_DMA32));
	KT_EXPECT_NOT_NULL(t, q);
	kfree(q);
	large_kmalloc_bad_flags(t);
}

/* meminfo's Slab line: the pages every cache holds. */
static void slab_pages_counted(struct ktest *t)
{
	unsigned long before = slab_pages();
	void *p = kmalloc(4096, GFP_KERNEL); /* may need a new 8-page slab */

	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_UGT(t, slab_pages(), 0);
	KT_EXPECT_UGE(t, slab_pages(), before);
	kfree(p);
}

#define STRESS_SLOTS 256
#define STRESS_OPS   4000

struct shadow {
	u8 *p;
	size_t size;
	u8 fill;
};

static size_t stress_size(struct prng *rng)
{
	switch (prng_below(rng, 8)) {
	case 0:
		return (size_t)prng_range(rng, 8193, 40000); /* large */
	case 1:
	case 2:
		return (size_t)prng_range(rng, 257, 8192);
	default:
		return (size_t)prng_range(rng, 1, 256);
	}
}

/* Is the object still what the shadow model says? */
static bool shadow_intact(const struct shadow *sh)
{
	return !memchr_inv(sh->p, sh->fill, sh->size);
}

/* Seeded random kmalloc/krealloc/kfree over all sizes, checked against a shadow model. */
static void random_stress_shadow(struct ktest *t)
{
	static struct shadow slots[STRESS_SLOTS];
	unsigned int op, i, bad = 0;
	struct shadow *sh;
	u8 *q;

	memset(slots, 0, sizeof(slots));
	for (op = 0; op < STRESS_OPS; op++) {
		sh = &slots[prng_below(&t->rng, STRESS_SLOTS)];
		if (sh->p && !shadow_intact(sh))
			bad++;
		if (sh->p && prng_below(&t->rng, 4) == 0) {
			size_t size = stress_size(&t->rng);

			q = krealloc(sh->p, size, GFP_KERNEL | __GFP_NOWARN);
			if (!q)
				continue;
			sh->p = q;
			if (size > sh->size)
				memset(q + sh->size, sh->fill, size - sh->size);
			sh->size = size;
		} else if (sh->p) {
			kfree(sh->p);
			sh->p = NULL;
		} else {
			sh->size = stress_size(&t->rng);
			sh->fill = (u8)prng_next(&t->rng);
			sh->p = kmalloc(sh->size, GFP_KERNEL | __GFP_NOWARN);
			if (sh->p)
				memset(sh->p, sh->fill, sh->size);
		}
		if (op % 1000 == 999)
			for (i = 0; i < ARRAY_SIZE(classes); i++)
				KT_EXPECT_EQ(
					t,
					kmem_cache_validate(
						kmalloc_caches[kmalloc_index(
							classes[i])]),
					0);
	}
	for (i = 0; i < STRESS_SLOTS; i++) {
		if (slots[i].p && !shadow_intact(&slots[i]))
			bad++;
		kfree(slots[i].p);
	}
	KT_EXPECT_EQ(t, bad, 0);
}

KTEST_SUITE(kmalloc, NULL, NULL, KTEST_CASE(size_class_mapping),
	    KTEST_CASE_NO_FAULTS(every_size_round_trip),
	    KTEST_CASE_NO_FAULTS(kmalloc_alignment),
	    KTEST_CASE(zero_size_and_null),
	    KTEST_CASE_NO_FAULTS(zeroing_is_real),
	    KTEST_CASE_NO_FAULTS(krealloc_semantics),
	    KTEST_CASE_NO_FAULTS(krealloc_zero_regrow),
	    KTEST_CASE_NO_FAULTS(overflow_helpers),
	    KTEST_CASE(large_kmalloc_round_trip),
	    KTEST_CASE_NO_FAULTS(kfree_misuse),
	    KTEST_CASE_NO_FAULTS(kmemdup_kstrdup),
	    KTEST_CASE_NO_FAULTS(ksize_whole_class),
	    KTEST_CASE(kmalloc_failslab), KTEST_CASE_NO_FAULTS(dma_flags),
	    KTEST_CASE_NO_FAULTS(slab_pages_counted),
	    KTEST_CASE(random_stress_shadow));
