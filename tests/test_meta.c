/*
 * tests/test_meta.c: the meta suite: the test framework itself. Its
 * expectations must be able to fail: with meta_fail=1 on the command line,
 * deliberate_failure fails, and the runner checks that the run then fails
 * with exactly that case (scripts/runtests.py, deliberate-test-failure).
 */
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <lib/errno.h>
#include <lib/string.h>

static bool meta_fail;

static int set_meta_fail(const char *val, char *why, size_t why_size)
{
	return kparam_bool(val, &meta_fail, why, why_size);
}
KPARAM("meta_fail", set_meta_fail,
       "make the meta suite's deliberate_failure case fail (tests the runner)");

/* EXPECT macros mark a case failed when, and only when, they fail. */
static void expectations_record_failure(struct ktest *t)
{
	struct ktest scratch = { .suite = "meta",
				 .name = "scratch (failing on purpose)" };

	KT_EXPECT_EQ(&scratch, 2, 1 + 1);
	KT_EXPECT_TRUE(&scratch, true);
	KT_EXPECT_STREQ(&scratch, "a", "a");
	KT_EXPECT_FALSE(t, scratch.failed);
	KT_EXPECT_UEQ(&scratch, 3, 4);
	KT_EXPECT_TRUE(t, scratch.failed);
	scratch.failed = false;
	KT_EXPECT_STREQ(&scratch, "a", "b");
	KT_EXPECT_TRUE(t, scratch.failed);
}

static void assert_helper(struct ktest *scratch, int *reached)
{
	KT_ASSERT_EQ(scratch, 1, 2);
	*reached = 1;
}

/* ASSERT macros return from the function they are in. */
static void assertions_return(struct ktest *t)
{
	struct ktest scratch = { .suite = "meta",
				 .name = "scratch (failing on purpose)" };
	int reached = 0;

	assert_helper(&scratch, &reached);
	KT_EXPECT_TRUE(t, scratch.failed);
	KT_EXPECT_EQ(t, reached, 0);
}

/* Each case gets its own seed, derived from seed= and its name. */
static void per_case_seed(struct ktest *t)
{
	struct prng r;

	KT_EXPECT_UEQ(t, t->seed,
		      hash64_str(hash64_str(ktest_boot_seed, "meta"), "per_"
								      "case_"
								      "seed"));
	prng_seed(&r, t->seed);
	KT_EXPECT_UEQ(t, prng_next(&r), prng_next(&t->rng));
}

/* Fails only when asked to (meta_fail=1): proves a failure fails the run. */
static void deliberate_failure(struct ktest *t)
{
	KT_EXPECT_FALSE(t, meta_fail);
}

KTEST_SUITE(meta, NULL, NULL, KTEST_CASE(expectations_record_failure),
	    KTEST_CASE(assertions_return), KTEST_CASE(per_case_seed),
	    KTEST_CASE(deliberate_failure));
