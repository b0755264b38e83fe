/*
 * tests/host/harness.h: the host test harness (tests/host/main.c).
 *
 * A suite is a list of cases; a case is a function that gets a struct
 * host_test with its own PRNG, seeded from the run's seed (--seed) and
 * the case's name, so a failure can be replayed alone:
 *
 *   // Parsing what was printed gives back the value.
 *   static void round_trip(struct host_test *t)
 *   {
 *           unsigned long i;
 *
 *           for (i = 0; i < host_iters(t, 10000); i++) {
 *                   u64 v = prng_next(&t->rng);
 *                   ...
 *                   if (!CHECK(t, got == v, "v=%llu got=%llu", v, got))
 *                           return;
 *           }
 *   }
 *
 *   const struct host_suite suite_example = HOST_SUITE("example",
 *           HOST_CASE(round_trip));
 *
 * CHECK() records a failure with file, line, the condition and the
 * message, and evaluates to false so the case can stop; a case passes when
 * nothing failed. host_iters() scales a loop count by --scale (percent), so
 * `--scale=1000` runs ten times longer and the valgrind run uses less.
 *
 * A new test file declares its suite below, lists it in suites[] in
 * main.c and in HOST_TEST_SRCS in the Makefile; the kvlab sources it
 * tests go in HOST_KV_SRCS.
 */
#ifndef KVLAB_HOST_HARNESS_H
#define KVLAB_HOST_HARNESS_H

#include <lib/compiler.h>
#include <lib/prng.h>
#include <lib/types.h>

struct host_test {
	const char *suite, *name;
	u64 seed;	 /* the run's seed, as given on the command line */
	struct prng rng; /* seeded from seed and suite.name */
	unsigned int nr_failed; /* CHECKs that failed */
	unsigned long nr_checks;
	unsigned int scale_pct; /* host_iters() multiplier, percent */
};

struct host_case {
	const char *name;
	void (*run)(struct host_test *t);
};

struct host_suite {
	const char *name;
	const struct host_case *cases;
	size_t nr_cases;
};

#define HOST_CASE(fn)   \
	{               \
#fn, fn \
	}
#define HOST_SUITE(sname, ...)                                              \
	{                                                                   \
		sname, (const struct host_case[]){ __VA_ARGS__ },           \
			sizeof((const struct host_case[]){ __VA_ARGS__ }) / \
				sizeof(struct host_case)                    \
	}

void host_fail(struct host_test *t, const char *file, int line,
	       const char *cond, const char *fmt, ...) __printf(5, 6);

/* CHECK - true if @cond holds; otherwise records the failure and is false. */
#define CHECK(t, cond, ...)                                                    \
	((t)->nr_checks++,                                                     \
	 likely(cond) ? true                                                   \
		      : (host_fail(t, __FILE__, __LINE__, #cond, __VA_ARGS__), \
			 false))

/* host_iters - @n scaled by --scale, at least 1. */
unsigned long host_iters(const struct host_test *t, unsigned long n);

/* host_log - a "# " diagnostic line under the current case. */
void host_log(struct host_test *t, const char *fmt, ...) __printf(2, 3);

/* The suites, one per test_*.c file, listed in main.c. */
extern const struct host_suite suite_shim, suite_vsprintf, suite_strutil,
	suite_prng, suite_cmdline, suite_bootinfo, suite_buddy, suite_rbtree,
	suite_vmap_area, suite_vmalloc, suite_slab, suite_acpi, suite_percpu;

#endif
