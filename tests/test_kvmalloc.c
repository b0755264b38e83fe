/*
 * tests/test_kvmalloc.c: the kvmalloc suite: Linux's rule for choosing
 * between kmalloc and vmalloc, seen from outside (where the memory lies).
 */
#include <kernel/fault_inject.h>
#include <kernel/ktest.h>
#include <lib/prng.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>
#include <tests/fragment.h>

/* Requests up to a page, and bigger ones while contiguous memory is easy, use kmalloc. */
static void small_and_easy_use_kmalloc(struct ktest *t)
{
	static const size_t sizes[] = { 8, 100, 2048, 4096, 8192, 65536 };
	unsigned int i;
	void *p;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = kvmalloc(sizes[i], GFP_KERNEL);
		KT_ASSERT_NOT_NULL(t, p);
		KT_EXPECT_FALSE(t, is_vmalloc_addr(p));
		KT_EXPECT_TRUE(t, is_direct_map_addr(p));
		memset(p, 0x11, sizes[i]);
		kvfree(p);
	}
}

/* Above the largest buddy block kmalloc cannot help: vmalloc does it. */
static void huge_uses_vmalloc(struct ktest *t)
{
	size_t size = (PAGE_SIZE << MAX_PAGE_ORDER) + PAGE_SIZE;
	u8 *p;

	if (nr_free_pages() < 2 * (size / PAGE_SIZE))
		KT_SKIP(t, "not enough free memory for %zu bytes", size);
	p = kvmalloc(size, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_TRUE(t, is_vmalloc_addr(p));
	p[0] = 1;
	p[size - 1] = 2;
	kvfree(p);
	/* Without the right to sleep there is no vmalloc fallback. */
	KT_EXPECT_NULL(t, kvmalloc(size, GFP_ATOMIC | __GFP_NOWARN));
}

/*
 * With free memory fragmented into single pages (every page taken, then
 * one frame in two given back), a 16 KiB kmalloc fails quietly and
 * kvmalloc falls back to vmalloc over those single pages.
 */
static void fragmented_uses_vmalloc(struct ktest *t)
{
	struct fragmented frag;
	u64 mark;
	void *p;

	fragment_memory(&frag);
	ktest_log(t, "took %lu pages, gave back %lu odd frames", frag.taken,
		  frag.returned);
	mark = ktest_log_mark();
	p = kvmalloc(4 * PAGE_SIZE, GFP_KERNEL);
	KT_EXPECT_NOT_NULL(t, p);
	KT_EXPECT_TRUE(t, is_vmalloc_addr(p));
	KT_EXPECT_NULL(t, ktest_log_find(mark, "page allocation failure"));
	if (p)
		memset(p, 0x22, 4 * PAGE_SIZE);
	kvfree(p);
	unfragment_memory(&frag);
}

/* Overflowing array sizes fail; kvzalloc and kvcalloc zero on both paths. */
static void arrays_and_zeroing(struct ktest *t)
{
	static const size_t sizes[] = { 64, 3 * PAGE_SIZE };
	unsigned long i, nonzero;
	unsigned int s;
	u8 *p;

	KT_EXPECT_NULL(t, kvmalloc_array((size_t)1 << 62, 8, GFP_KERNEL));
	KT_EXPECT_NULL(t, kvcalloc(~(size_t)0, 2, GFP_KERNEL));
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		p = kvmalloc(sizes[s], GFP_KERNEL);
		KT_ASSERT_NOT_NULL(t, p);
		memset(p, 0xee, sizes[s]);
		kvfree(p);
		p = kvzalloc(sizes[s], GFP_KERNEL);
		KT_ASSERT_NOT_NULL(t, p);
		for (i = nonzero = 0; i < sizes[s]; i++)
			nonzero += p[i] != 0;
		KT_EXPECT_UEQ(t, nonzero, 0);
		kvfree(p);
	}
	p = __vmalloc(3 * PAGE_SIZE,
		      GFP_KERNEL); /* kvfree takes vmalloc memory too */
	KT_ASSERT_NOT_NULL(t, p);
	kvfree(p);
	kvfree(NULL);
}

/*
 * Under injected failure kvmalloc gives NULL or usable memory, never half
 * of something: the first slab allocation failing makes a small request
 * fail (no vmalloc below a page, as in Linux); the first page allocation
 * failing makes a 64 KiB request fall back to vmalloc; then a run of
 * random sizes with one page allocation in five failing. The suite's
 * checkers compare free pages, slab objects and areas afterwards.
 */
static void injected_failures(struct ktest *t)
{
	struct fault_inject_state saved;
	struct prng rng;
	void *p[32];
	unsigned int i, got = 0, failed = 0;
	unsigned long nr_failed;

	fault_inject_save(&saved); /* the command line's setting, if any */
	fault_inject_nth(&failslab, 1);
	p[0] = kvmalloc(2048, GFP_KERNEL);
	fault_inject_off(&failslab);
	KT_EXPECT_UEQ(t, failslab.nr_failed, 1);
	KT_EXPECT_NULL(t, p[0]);
	kvfree(p[0]);

	fault_inject_nth(&fail_page_alloc, 1);
	p[0] = kvmalloc(65536, GFP_KERNEL);
	fault_inject_off(&fail_page_alloc);
	KT_EXPECT_UEQ(t, fail_page_alloc.nr_failed, 1);
	if (p[0]) {
		KT_EXPECT_TRUE(t, is_vmalloc_addr(p[0]));
		memset(p[0], 0x5a, 65536);
		kvfree(p[0]);
	} else {
		KT_EXPECT_NOT_NULL(t, p[0]);
	}

	prng_seed(&rng, t->seed);
	fault_inject_random(&fail_page_alloc, 20, t->seed);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		size_t size = 1 + (size_t)prng_below(&rng, 256 * 1024);

		p[i] = kvmalloc(size, GFP_KERNEL | __GFP_NOWARN);
		if (p[i]) {
			memset(p[i], 0x33, size);
			got++;
		} else {
			failed++;
		}
	}
	nr_failed = fail_page_alloc.nr_failed;
	fault_inject_restore(&saved);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		kvfree(p[i]);
	KT_EXPECT_TRUE(t, nr_failed > 0);
	KT_EXPECT_UEQ(t, got + failed, ARRAY_SIZE(p));
	ktest_log(t,
		  "%u of %zu random kvmallocs succeeded, %lu page allocations "
		  "failed on purpose",
		  got, ARRAY_SIZE(p), nr_failed);
}

KTEST_SUITE(kvmalloc, NULL, NULL,
	    KTEST_CASE_NO_FAULTS(small_and_easy_use_kmalloc),
	    KTEST_CASE_NO_FAULTS(huge_uses_vmalloc),
	    KTEST_CASE_NO_FAULTS(fragmented_uses_vmalloc),
	    KTEST_CASE_NO_FAULTS(arrays_and_zeroing),
	    KTEST_CASE(injected_failures));
