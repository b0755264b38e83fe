/*
 * include/kernel/ktest.h: kvlab's in-kernel test framework, in KUnit's
 * manner, printing KTAP version 1 (Linux Documentation/dev-tools/ktap.rst).
 *
 * A test file lists its cases and registers a suite; adding the file to
 * TEST_SRCS in the Makefile is all it takes:
 *
 *   // Allocating then freeing one page restores the free count.
 *   static void one_page_round_trip(struct ktest *t)
 *   {
 *           ...
 *           KT_EXPECT_EQ(t, nr_free_pages(), before);
 *   }
 *
 *   KTEST_SUITE(buddy, NULL, NULL,
 *               KTEST_CASE(one_page_round_trip),
 *               ...);
 *
 * EXPECT macros record a failure and go on; ASSERT macros record it and
 * return from the case function (so use them only in the case function
 * itself). Every case gets its own PRNG seeded from the boot seed (seed=)
 * and its name, printed when it fails so the failure can be replayed.
 *
 * Misuse reports (include/kernel/panic.h) are counted while tests run. A
 * case that expects one says so with KT_EXPECT_REPORTS(); any report it
 * did not announce fails the case. After every case, the registered
 * checkers (free pages, slab objects, vmap areas...) verify the case left
 * memory as it found it.
 */
#ifndef KVLAB_KERNEL_KTEST_H
#define KVLAB_KERNEL_KTEST_H

#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/compiler.h>
#include <lib/prng.h>
#include <lib/types.h>

struct ktest {
	const char *suite;
	const char *name;
	u64 seed;
	struct prng rng; /* seeded with seed: use it for randomness */
	bool failed;
	bool skipped;
	char skip_reason[96];
	unsigned long reports_at_start;
	unsigned long reports_expected; /* announced by KT_EXPECT_REPORTS */
	bool leak_check_off;		/* see ktest_no_leak_check() */
};

struct ktest_case {
	const char *name;
	void (*run)(struct ktest *t);
	unsigned int flags; /* KTEST_* below */
};

/*
 * KTEST_NO_FAULTS: the case assumes no injected allocation failures (it
 * fills memory and expects every allocation to succeed, or counts exact
 * free pages across allocations). While failslab= or fail_page_alloc= is
 * armed it is skipped, with the reason, instead of failing. Every other
 * case must pass at any injection rate.
 */
#define KTEST_NO_FAULTS (1u << 0)

struct ktest_suite {
	const char *name;
	/* init - runs before the cases; nonzero skips the suite. */
	int (*init)(void);
	void (*exit)(void);
	const struct ktest_case *cases;
	size_t nr_cases;
};

#define KTEST_CASE(fn)     \
	{                  \
#fn, fn, 0 \
	}
/* KTEST_CASE_NO_FAULTS - a case that assumes no injected failures (above). */
#define KTEST_CASE_NO_FAULTS(fn)         \
	{                                \
#fn, fn, KTEST_NO_FAULTS \
	}

#define KTEST_SUITE(sname, init_fn, exit_fn, ...)                               \
	static const struct ktest_case sname##_ktest_cases[] = { __VA_ARGS__ }; \
	static const struct ktest_suite sname##_ktest_suite __section(".ktest"  \
								      "_suite"  \
								      "s")      \
		__used __aligned(8) = { #sname, init_fn, exit_fn,               \
					sname##_ktest_cases,                    \
					ARRAY_SIZE(sname##_ktest_cases) }

/*
 * A checker snapshots some global state before each case and verifies it
 * after (see the header comment). @check prints what differs with
 * ktest_fail() and may run an invariant walker.
 *
 * @settle (optional) returns memory a subsystem merely caches (a CPU's
 * half-used slab, empty slabs kept for reuse) to its owner. Every
 * checker's settle runs before any snapshot is taken, and again after
 * the case before any check, so all checkers compare like with like: the
 * buddy checker's free page count does not depend on what the slab
 * allocator happened to keep. Settling must never free live memory.
 */
#define KTEST_SNAPSHOT_BYTES 64

struct ktest_checker {
	const char *name;
	void (*snapshot)(void *buf); /* KTEST_SNAPSHOT_BYTES of room */
	void (*check)(struct ktest *t, const void *before);
	void (*settle)(void);
};

void ktest_register_checker(const struct ktest_checker *c);

/* ktest_no_leak_check - this case changes global state on purpose. */
static inline void ktest_no_leak_check(struct ktest *t)
{
	t->leak_check_off = true;
}

/*
 * Run the suites selected by tests= (all, none, or a comma list). A suite
 * runs only if at least one of its cases is selected; suites == 0 after
 * the run means the selection matched no case (kernel_main() then exits
 * with EXIT_NOTESTS).
 */
struct ktest_totals {
	unsigned int suites, passed, failed, skipped;
};
void ktest_run_all(struct ktest_totals *totals);

/* ktest_run_one - run the suites matching @filter (monitor: test SUITE). */
void ktest_run_filter(const char *filter, struct ktest_totals *totals);

/* The boot seed (seed= on the command line). */
extern u64 ktest_boot_seed;

/* Is anything selected by tests=? */
bool ktest_enabled(void);

/*
 * Capturing printed output: take a mark, run code that prints, then ask
 * whether the log since the mark contains a string (a report's title, a
 * pgwalk line). Return of ktest_log_find: where it starts, or NULL.
 */
u64 ktest_log_mark(void);
const char *ktest_log_find(u64 mark, const char *needle);

/* ---- reporting, used by the macros --------------------------------- */

void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt,
		...) __printf(4, 5);
void ktest_fail_int(struct ktest *t, const char *file, int line,
		    const char *kind, const char *left_s, const char *op,
		    const char *right_s, long long left, long long right);
void ktest_fail_uint(struct ktest *t, const char *file, int line,
		     const char *kind, const char *left_s, const char *op,
		     const char *right_s, unsigned long long left,
		     unsigned long long right);
void ktest_skip(struct ktest *t, const char *fmt, ...) __printf(2, 3);
/* Print a "    # ..." diagnostic line inside the current case. */
void ktest_log(struct ktest *t, const char *fmt, ...) __printf(2, 3);

#define KT_FAIL_RETURN_expect
#define KT_FAIL_RETURN_assert return

#define KT_BOOL_(t, kind, cond, want, ...)                                   \
	do {                                                                 \
		if ((bool)(cond) != (bool)(want)) {                          \
			ktest_fail(t, __FILE__, __LINE__,                    \
				   "%s FAILED: %s is %s, expected %s", kind, \
				   #cond, (want) ? "false" : "true",         \
				   (want) ? "true" : "false");               \
			__VA_ARGS__;                                         \
		}                                                            \
	} while (0)

/* Compare two integers as signed (both fit in long long). */
#define KT_CMP_(t, kind, a, op, b, ...)                                      \
	do {                                                                 \
		long long __kt_l = (long long)(a), __kt_r = (long long)(b);  \
		if (!(__kt_l op __kt_r)) {                                   \
			ktest_fail_int(t, __FILE__, __LINE__, kind, #a, #op, \
				       #b, __kt_l, __kt_r);                  \
			__VA_ARGS__;                                         \
		}                                                            \
	} while (0)

/* Compare two unsigned integers (sizes, addresses, counts). */
#define KT_UCMP_(t, kind, a, op, b, ...)                                      \
	do {                                                                  \
		unsigned long long __kt_ul = (unsigned long long)(a);         \
		unsigned long long __kt_ur = (unsigned long long)(b);         \
		if (!(__kt_ul op __kt_ur)) {                                  \
			ktest_fail_uint(t, __FILE__, __LINE__, kind, #a, #op, \
					#b, __kt_ul, __kt_ur);                \
			__VA_ARGS__;                                          \
		}                                                             \
	} while (0)

#define KT_EXPECT_TRUE(t, c)  KT_BOOL_(t, "EXPECTATION", c, true)
#define KT_EXPECT_FALSE(t, c) KT_BOOL_(t, "EXPECTATION", c, false)
#define KT_ASSERT_TRUE(t, c)  KT_BOOL_(t, "ASSERTION", c, true, return )
#define KT_ASSERT_FALSE(t, c) KT_BOOL_(t, "ASSERTION", c, false, return )

#define KT_EXPECT_EQ(t, a, b) KT_CMP_(t, "EXPECTATION", a, ==, b)
#define KT_EXPECT_NE(t, a, b) KT_CMP_(t, "EXPECTATION", a, !=, b)
#define KT_EXPECT_LT(t, a, b) KT_CMP_(t, "EXPECTATION", a, <, b)
#define KT_EXPECT_LE(t, a, b) KT_CMP_(t, "EXPECTATION", a, <=, b)
#define KT_EXPECT_GT(t, a, b) KT_CMP_(t, "EXPECTATION", a, >, b)
#define KT_EXPECT_GE(t, a, b) KT_CMP_(t, "EXPECTATION", a, >=, b)
#define KT_ASSERT_EQ(t, a, b) KT_CMP_(t, "ASSERTION", a, ==, b, return )
#define KT_ASSERT_NE(t, a, b) KT_CMP_(t, "ASSERTION", a, !=, b, return )
#define KT_ASSERT_LT(t, a, b) KT_CMP_(t, "ASSERTION", a, <, b, return )
#define KT_ASSERT_LE(t, a, b) KT_CMP_(t, "ASSERTION", a, <=, b, return )
#define KT_ASSERT_GT(t, a, b) KT_CMP_(t, "ASSERTION", a, >, b, return )
#define KT_ASSERT_GE(t, a, b) KT_CMP_(t, "ASSERTION", a, >=, b, return )

#define KT_EXPECT_UEQ(t, a, b) KT_UCMP_(t, "EXPECTATION", a, ==, b)
#define KT_EXPECT_UNE(t, a, b) KT_UCMP_(t, "EXPECTATION", a, !=, b)
#define KT_EXPECT_ULT(t, a, b) KT_UCMP_(t, "EXPECTATION", a, <, b)
#define KT_EXPECT_ULE(t, a, b) KT_UCMP_(t, "EXPECTATION", a, <=, b)
#define KT_EXPECT_UGE(t, a, b) KT_UCMP_(t, "EXPECTATION", a, >=, b)
#define KT_EXPECT_UGT(t, a, b) KT_UCMP_(t, "EXPECTATION", a, >, b)
#define KT_ASSERT_UEQ(t, a, b) KT_UCMP_(t, "ASSERTION", a, ==, b, return )
#define KT_ASSERT_UNE(t, a, b) KT_UCMP_(t, "ASSERTION", a, !=, b, return )

#define KT_EXPECT_PTR_EQ(t, a, b) \
	KT_UCMP_(t, "EXPECTATION", (unsigned long)(a), ==, (unsigned long)(b))
#define KT_EXPECT_PTR_NE(t, a, b) \
	KT_UCMP_(t, "EXPECTATION", (unsigned long)(a), !=, (unsigned long)(b))
#define KT_EXPECT_NULL(t, p)	 KT_EXPECT_PTR_EQ(t, p, NULL)
#define KT_EXPECT_NOT_NULL(t, p) KT_EXPECT_PTR_NE(t, p, NULL)
#define KT_ASSERT_NOT_NULL(t, p) \
	KT_UCMP_(t, "ASSERTION", (unsigned long)(p), !=, 0UL, return )
#define KT_ASSERT_NULL(t, p) \
	KT_UCMP_(t, "ASSERTION", (unsigned long)(p), ==, 0UL, return )

#define KT_EXPECT_STREQ(t, a, b)                                               \
	do {                                                                   \
		const char *__kt_sl = (a), *__kt_sr = (b);                     \
		if (strcmp(__kt_sl, __kt_sr))                                  \
			ktest_fail(t, __FILE__, __LINE__,                      \
				   "EXPECTATION FAILED: %s == %s, but \"%s\" " \
				   "!= \"%s\"",                                \
				   #a, #b, __kt_sl, __kt_sr);                  \
	} while (0)

/*
 * KT_EXPECT_REPORTS - run @stmt and expect it to raise exactly @n misuse
 * reports (a double free caught, say). The reports are then announced, so
 * they do not fail the case. While @stmt runs, the console shows only a
 * one-line "# expected report" per report (console_hide_begin()); the
 * whole report is in the log (dmesg) and on the console at loglevel=8.
 */
#define KT_EXPECT_REPORTS(t, n, stmt)                                    \
	do {                                                             \
		unsigned long __kt_r0 = report_count();                  \
		console_hide_begin();                                    \
		stmt;                                                    \
		console_hide_end();                                      \
		unsigned long __kt_got = report_count() - __kt_r0;       \
		(t)->reports_expected += __kt_got;                       \
		if (__kt_got != (unsigned long)(n))                      \
			ktest_fail(t, __FILE__, __LINE__,                \
				   "EXPECTATION FAILED: %s raised %lu "  \
				   "report(s), expected %lu",            \
				   #stmt, __kt_got, (unsigned long)(n)); \
	} while (0)

#define KT_SKIP(t, ...)                     \
	do {                                \
		ktest_skip(t, __VA_ARGS__); \
		return;                     \
	} while (0)

/*
 * KT_SKIP_ENV - skip because of the environment, not the code under test:
 * the reason starts with "env: " (KTAP: "ok 3 nx # SKIP env: ..."). Only
 * for causes no allocator bug can produce: a CPU feature the case needs
 * is missing, fault injection asked for on the command line, or a boot
 * option the case checks (slub_debug=) absent from it. make
 * grade scores every other skip as a failure (scripts/grade.py), since
 * "no free order-10 block" may well be a broken allocator's doing.
 */
#define KTEST_SKIP_ENV		 "env: "
#define KT_SKIP_ENV(t, fmt, ...) KT_SKIP(t, KTEST_SKIP_ENV fmt, ##__VA_ARGS__)

/*
 * ktest_run_on_all_cpus - run @fn(@arg) on every online CPU at the same
 * time (each starts once all have arrived) and return when all are done.
 * Task context on every CPU, interrupts on (schedule_on_each_cpu(): the
 * other CPUs run it from their idle loops): @fn may allocate with
 * GFP_KERNEL, take locks and send IPIs, and timer interrupts keep coming.
 */
void ktest_run_on_all_cpus(void (*fn)(void *arg), void *arg);

#endif
