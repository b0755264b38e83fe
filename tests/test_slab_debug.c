/*
 * tests/test_slab_debug.c: the slab_debug suite: slub_debug's checks,
 * after Linux's lib/slub_kunit.c. Each case makes a cache with exactly
 * the debug flags it tests (SLAB_NO_USER_FLAGS keeps slub_debug= from
 * adding more), does one thing wrong, and asserts the exact number of
 * reports, the report's title, and that the cache still works afterwards.
 */
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <lib/string.h>
#include <mm/gfp.h>
#include <mm/poison.h>
#include <mm/slab.h>
#include <tests/slab_helpers.h>

#include "../mm/slab.h"

#define F SLAB_CONSISTENCY_CHECKS
#define Z SLAB_RED_ZONE
#define P SLAB_POISON
#define U SLAB_STORE_USER

static struct kmem_cache *debug_cache(struct ktest *t, const char *name,
				      unsigned int size, unsigned long flags)
{
	struct kmem_cache *s = kmem_cache_create(
		name, size, 0, flags | SLAB_NO_USER_FLAGS, NULL);

	if (!s)
		ktest_fail(t, __FILE__, __LINE__, "cannot create cache %s",
			   name);
	return s;
}

/* Writing one byte past the object is a Right Redzone report at free. */
static void right_redzone_clobbered(struct ktest *t)
{
	struct kmem_cache *s = debug_cache(t, "TestSlub_RZ_right", 64, Z);
	u64 mark = ktest_log_mark();
	u8 *p;

	if (!s)
		return;
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	p[64] = 0x12;
	KT_EXPECT_REPORTS(t, 1, kmem_cache_free(s, p));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "BUG TestSlub_RZ_right: "
						   "Right Redzone "
						   "overwritten"));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "First byte 0x12 instead of "
						   "0xcc"));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "FIX TestSlub_RZ_right: "
						   "Restoring Right Redzone"));
	KT_EXPECT_UEQ(t, s->nr_debug_reports, 1);
	cache_still_works(t, s);
	kmem_cache_destroy(s);
}

/* Writing before the object is a Left Redzone report, found by validate too. */
static void left_redzone_clobbered(struct ktest *t)
{
	struct kmem_cache *s = debug_cache(t, "TestSlub_RZ_left", 64, F | Z);
	u64 mark = ktest_log_mark();
	u8 *p;

	if (!s)
		return;
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	p[-1] = 0x34;
	KT_EXPECT_REPORTS(t, 1, KT_EXPECT_EQ(t, kmem_cache_validate(s), 1));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "BUG TestSlub_RZ_left: Left "
						   "Redzone overwritten"));
	KT_EXPECT_EQ(t, p[-1], SLUB_RED_ACTIVE); /* repaired */
	KT_EXPECT_REPORTS(t, 0, kmem_cache_free(s, p));
	cache_still_works(t, s);
	kmem_cache_destroy(s);
}

/* A write after free breaks the poison; the next allocation reports it. */
static void write_after_free(struct ktest *t)
{
	struct kmem_cache *s = debug_cache(t, "TestSlub_UAF", 64, P);
	u64 mark = ktest_log_mark();
	u8 *p, *q;

	if (!s)
		return;
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	kmem_cache_free(s, p);
	KT_EXPECT_EQ(t, p[0], POISON_FREE);
	KT_EXPECT_EQ(t, p[63], POISON_END);
	p[16] = 0x78; /* use after free */
	KT_EXPECT_REPORTS(t, 1, q = kmem_cache_alloc(s, GFP_KERNEL));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "BUG TestSlub_UAF: Poison "
						   "overwritten"));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "First byte 0x78 instead of "
						   "0x6b"));
	KT_EXPECT_PTR_EQ(t, q, p);
	kmem_cache_free(s, q);
	cache_still_works(t, s);
	kmem_cache_destroy(s);
}

/* Validate finds a write after free as well, and repairs the poison. */
static void write_after_free_validate(struct ktest *t)
{
	struct kmem_cache *s = debug_cache(t, "TestSlub_UAF_v", 100, F | Z | P);
	u8 *p;

	if (!s)
		return;
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	kmem_cache_free(s, p);
	p[50] = 0;
	KT_EXPECT_REPORTS(t, 1, KT_EXPECT_EQ(t, kmem_cache_validate(s), 1));
	KT_EXPECT_REPORTS(t, 0, KT_EXPECT_EQ(t, kmem_cache_validate(s), 0));
	cache_still_works(t, s);
	kmem_cache_destroy(s);
}

/* A corrupted free pointer is found by validate, and the freelist rebuilt. */
static void freepointer_corrupted(struct ktest *t)
{
	struct kmem_cache *s = debug_cache(t, "TestSlub_FP", 64, F | Z);
	u64 mark = ktest_log_mark();
	unsigned long *fp;
	u8 *p, *q, *r;

	if (!s)
		return;
	p = kmem_cache_alloc(s, GFP_KERNEL);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	KT_ASSERT_NOT_NULL(t, q);
	kmem_cache_free(s, p);
	fp = (unsigned long *)(p + s->offset);
	*fp ^= 0x10000; /* a wild next pointer */
	KT_EXPECT_REPORTS(t, 1, kmem_cache_validate(s));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "BUG TestSlub_FP: "
						   "Freepointer corrupt"));
	KT_EXPECT_REPORTS(t, 0, KT_EXPECT_EQ(t, kmem_cache_validate(s), 0));
	/* Again, found this time by the allocation that would follow it. */
	r = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, r);
	kmem_cache_free(s, r);
	*(unsigned long *)(r + s->offset) ^= 0x10000;
	KT_EXPECT_REPORTS(t, 1, r = kmem_cache_alloc(s, GFP_KERNEL));
	KT_EXPECT_NOT_NULL(t, r);
	kmem_cache_free(s, r);
	kmem_cache_free(s, q);
	cache_still_works(t, s);
	kmem_cache_destroy(s);
}

/* Double free with F: found on the slab's freelist even when not its head. */
static void double_free_with_F(struct ktest *t)
{
	struct kmem_cache *s = debug_cache(t, "TestSlub_DF_F", 64, F);
	u64 mark = ktest_log_mark();
	void *p, *q;

	if (!s)
		return;
	p = kmem_cache_alloc(s, GFP_KERNEL);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	KT_ASSERT_NOT_NULL(t, q);
	kmem_cache_free(s, p);
	kmem_cache_free(s, q); /* p is not the head now */
	KT_EXPECT_REPORTS(t, 1, kmem_cache_free(s, p));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "BUG TestSlub_DF_F: Object "
						   "already free"));
	cache_still_works(t, s);
	kmem_cache_destroy(s);
}

/* Double free without F: the naive head check, and with Z the red zone's state. */
static void double_free_without_F(struct ktest *t)
{
	struct kmem_cache *s = debug_cache(t, "TestSlub_DF", 64, 0);
	struct kmem_cache *z = debug_cache(t, "TestSlub_DF_Z", 64, Z);
	void *p, *q;

	if (!s || !z)
		return;
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	kmem_cache_free(s, p);
	KT_EXPECT_REPORTS(t, 1, kmem_cache_free(s, p));
	cache_still_works(t, s);
	p = kmem_cache_alloc(z, GFP_KERNEL);
	q = kmem_cache_alloc(z, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	KT_ASSERT_NOT_NULL(t, q);
	kmem_cache_free(z, p);
	kmem_cache_free(z, q);
	KT_EXPECT_REPORTS(t, 1, kmem_cache_free(z, p));
	cache_still_works(t, z);
	kmem_cache_destroy(s);
	kmem_cache_destroy(z);
}

/*
 * kmalloc(18) from a 32-byte kmalloc-style cache: bytes 18..31 are red
 * zone; a write at 18 or at 19 is a "kmalloc Redzone" report.
 */
static void kmalloc_tail_redzone(struct ktest *t)
{
	struct kmem_cache *s =
		debug_cache(t, "TestSlub_RZ_kmalloc", 32, SLAB_KMALLOC | Z | U);
	static const unsigned int offs[] = { 18, 19, 31 };
	u64 mark;
	unsigned int i;
	u8 *p;

	if (!s)
		return;
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		mark = ktest_log_mark();
		p = slab_alloc(s, GFP_KERNEL, 18);
		KT_ASSERT_NOT_NULL(t, p);
		memset(p, 0x21, 18); /* all 18 bytes are fine */
		p[offs[i]] = 0xab;
		KT_EXPECT_REPORTS(t, 1, kmem_cache_free(s, p));
		KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "BUG "
							   "TestSlub_RZ_"
							   "kmalloc: kmalloc "
							   "Redzone "
							   "overwritten"));
		KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "First byte 0xab "
							   "instead of 0xcc"));
		KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "Allocated in "
							   "kmalloc_tail_"
							   "redzone"));
	}
	/* The whole 18 bytes, and no more, is not a report. */
	p = slab_alloc(s, GFP_KERNEL, 18);
	KT_ASSERT_NOT_NULL(t, p);
	memset(p, 0x22, 18);
	KT_EXPECT_REPORTS(t, 0, kmem_cache_free(s, p));
	cache_still_works(t, s);
	kmem_cache_destroy(s);
}

/* krealloc shrinking in place red-zones the freed tail again. */
static void krealloc_shrink_redzones_tail(struct ktest *t)
{
	struct kmem_cache *s =
		debug_cache(t, "TestSlub_krealloc", 64, SLAB_KMALLOC | Z);
	u8 *p, *q;

	if (!s)
		return;
	p = slab_alloc(s, GFP_KERNEL, 60);
	KT_ASSERT_NOT_NULL(t, p);
	memset(p, 0x31, 60);
	q = krealloc(p, 20, GFP_KERNEL);
	KT_EXPECT_PTR_EQ(t, q, p);
	KT_EXPECT_EQ(t, p[20], SLUB_RED_ACTIVE);
	KT_EXPECT_EQ(t, p[59], SLUB_RED_ACTIVE);
	p[25] = 0; /* now beyond the object */
	KT_EXPECT_REPORTS(t, 1, kfree(p));
	cache_still_works(t, s);
	kmem_cache_destroy(s);
}

/* Destroying a cache with a live object reports the leak and keeps the cache. */
static void destroy_with_live_object(struct ktest *t)
{
	struct kmem_cache *s = debug_cache(t, "TestSlub_leak", 128, 0);
	u64 mark = ktest_log_mark();
	void *p;

	if (!s)
		return;
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_REPORTS(t, 1, kmem_cache_destroy(s));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "Objects remaining in "
						   "TestSlub_leak on "
						   "__kmem_cache_shutdown()"));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "1 live in 1 slab"));
	KT_EXPECT_PTR_EQ(t, kmem_cache_find("TestSlub_leak"), s);
	memset(p, 0x5, 128); /* the object's memory is still ours */
	cache_still_works(t, s);
	kmem_cache_free(s, p);
	KT_EXPECT_REPORTS(t, 0, kmem_cache_destroy(s));
	KT_EXPECT_NULL(t, kmem_cache_find("TestSlub_leak"));
}

/* U: a report names who allocated and who freed the object. */
static void store_user_callers(struct ktest *t)
{
	struct kmem_cache *s = debug_cache(t, "TestSlub_U", 48, F | Z | U);
	u64 mark = ktest_log_mark();
	u8 *p, *q;

	if (!s)
		return;
	p = kmem_cache_alloc(s, GFP_KERNEL);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	KT_ASSERT_NOT_NULL(t, q);
	kmem_cache_free(s, p);
	kmem_cache_free(s, q);
	KT_EXPECT_REPORTS(t, 1, kmem_cache_free(s, p));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "Allocated in "
						   "store_user_callers+0x"));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "Freed in "
						   "store_user_callers+0x"));
	KT_EXPECT_NOT_NULL(t, ktest_log_find(mark, "Object 0x"));
	cache_still_works(t, s);
	kmem_cache_destroy(s);
}

/* A debug cache never takes the per-CPU fast path, and its layout moves the free pointer out. */
static void debug_layout(struct ktest *t)
{
	struct kmem_cache *s =
		debug_cache(t, "TestSlub_layout", 64, F | Z | P | U);
	void *p;

	if (!s)
		return;
	KT_EXPECT_UGE(t, s->offset, s->inuse); /* outside the object */
	KT_EXPECT_UEQ(t, s->red_left_pad, 8);
	KT_EXPECT_UEQ(t, s->start_magic, 0);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_NULL(t, this_cpu_ptr(s->cpu_slab)->slab);
	KT_EXPECT_NULL(t, this_cpu_ptr(s->cpu_slab)->freelist);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

/* Does a word of the boot command line start with slub_debug? */
static bool slub_debug_given(void)
{
	const char *line = cmdline_get(), *p = line;

	while ((p = strstr(p, "slub_debug")) != NULL) {
		if (p == line || p[-1] == ' ' || p[-1] == '\t')
			return true;
		p++;
	}
	return false;
}

/*
 * slub_debug= gave each kmalloc cache exactly the debug flags it names
 * for it (all of them, or none for a cache it does not list). Without
 * slub_debug= on the command line there is nothing to check: skipped.
 */
static void cmdline_flags_applied(struct ktest *t)
{
	unsigned int i;

	if (!slub_debug_given())
		KT_SKIP_ENV(t, "no slub_debug= on the command line");
	for (i = 1; i < NR_KMALLOC_INDEX; i++) {
		struct kmem_cache *s = kmalloc_caches[i];

		KT_EXPECT_UEQ(t, s->flags & SLAB_DEBUG_FLAGS,
			      slub_debug_flags_for(s->name));
		KT_EXPECT_UEQ(
			t, kmalloc_dma_caches[i]->flags & SLAB_DEBUG_FLAGS,
			slub_debug_flags_for(kmalloc_dma_caches[i]->name));
	}
}

KTEST_SUITE(slab_debug, NULL, NULL,
	    KTEST_CASE_NO_FAULTS(right_redzone_clobbered),
	    KTEST_CASE_NO_FAULTS(left_redzone_clobbered),
	    KTEST_CASE_NO_FAULTS(write_after_free),
	    KTEST_CASE_NO_FAULTS(write_after_free_validate),
	    KTEST_CASE_NO_FAULTS(freepointer_corrupted),
	    KTEST_CASE_NO_FAULTS(double_free_with_F),
	    KTEST_CASE_NO_FAULTS(double_free_without_F),
	    KTEST_CASE_NO_FAULTS(kmalloc_tail_redzone),
	    KTEST_CASE_NO_FAULTS(krealloc_shrink_redzones_tail),
	    KTEST_CASE_NO_FAULTS(destroy_with_live_object),
	    KTEST_CASE_NO_FAULTS(store_user_callers),
	    KTEST_CASE_NO_FAULTS(debug_layout),
	    KTEST_CASE(cmdline_flags_applied));
