/*
 * include/kernel/bench.h: kvlab's benchmarks (make bench, and a quick set
 * at the end of make run).
 *
 * A benchmark file registers groups of measurements:
 *
 *   static void pages_pair(struct bench_run *r) { ... bench_measure(...) ... }
 *   BENCH(pages, pages_pair, BENCH_QUICK);
 *
 * bench_measure() times a loop the way the Linux reference harness does
 * (docs/linux-method.md): a serialised TSC read before and after
 * the whole loop, 5 repetitions, the median kept. Each result prints one
 * machine-readable line
 *
 *   bench: kmalloc_pair size=64 n=100000 cycles_per_op=41.23 ns_per_op=19.67
 *
 * and is stored so the human-readable tables that compare allocators can
 * be printed from the results afterwards. A benchmark prints only what it
 * measured.
 */
#ifndef KVLAB_KERNEL_BENCH_H
#define KVLAB_KERNEL_BENCH_H

#include <lib/compiler.h>
#include <lib/types.h>

#define BENCH_REPS 5 /* repetitions; the median is reported */

enum bench_flags {
	BENCH_QUICK = 1 << 0,  /* part of the quick set (make run) */
	BENCH_TABLES = 1 << 1, /* not a measurement: prints tables from the
				 * results, after the selected groups ran */
};

struct bench_run {
	bool quick; /* scale loop counts down */
	unsigned int index;
};

struct bench {
	const char *group; /* bench= selects by group name */
	const char *name;
	void (*run)(struct bench_run *r);
	unsigned int flags;
};

#define BENCH(grp, fn, fl)                                           \
	static const struct bench __bench_##fn __section(".benches") \
		__used __aligned(8) = { #grp, #fn, fn, fl }

/* One measured result. */
struct bench_result {
	char test[32];	 /* "kmalloc_pair" */
	char params[48]; /* "size=64" */
	u64 n;		 /* operations per repetition */
	u64 cycles;	 /* median total cycles of one repetition */
	u64 pages;     /* pages per operation, for per-page figures (0: none) */
	char note[24]; /* a fact for the tables ("2M" mappings), or "" */
};

/*
 * A loop to time: run @n operations. @arg is the benchmark's own state.
 * Return: 0, or -ENOMEM when the loop could not run (then nothing is
 * reported for it).
 */
typedef int (*bench_loop_fn)(void *arg, u64 n);

/*
 * bench_measure - time @loop(@arg, @n) BENCH_REPS times; print and store
 * the median as test @test with parameters @params (e.g. "size=64").
 * @setup/@teardown, if not NULL, run before/after each repetition, outside
 * the timed region. Return: the stored result, or NULL if the loop failed.
 */
struct bench_result *bench_measure(const char *test, const char *params, u64 n,
				   u64 pages_per_op, bench_loop_fn loop,
				   void *arg, bench_loop_fn setup,
				   bench_loop_fn teardown);

/* bench_find - a stored result, or NULL. */
const struct bench_result *bench_find(const char *test, const char *params);

/* Per-operation figures in hundredths: 1234 means 12.34. */
u64 bench_cycles_x100(const struct bench_result *r);
u64 bench_ns_x100(const struct bench_result *r);

/* bench_scale - a loop count, divided for the quick set. */
u64 bench_scale(const struct bench_run *r, u64 n);

/*
 * bench_debug_state - ", slub_debug ..., vmalloc lazy purge ..." for the
 * clock line: which debugging was on while measuring.
 */
const char *bench_debug_state(void);

/* The clock line every table starts with (TSC rate, -icount or not, debug). */
void bench_print_clock(void);

/* Run the groups selected by bench= (all, none, quick, or a list). */
void bench_run_selected(void);
void bench_run_filter(const char *filter, bool quick);

/* Was QEMU started with -icount (icount=1 on the command line)? */
extern bool bench_icount;

#endif
