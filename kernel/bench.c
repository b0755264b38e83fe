/*
 * kernel/bench.c: the benchmark runner (see include/kernel/bench.h). The
 * benchmarks themselves are in tests/bench_*.c, registered with BENCH().
 *
 * Method, as the Linux reference harness (docs/linux-method.md):
 * a loop of n operations is timed with a serialised TSC read (lfence;
 * rdtsc) before and after, 5 times; the median total is kept and divided
 * by n. Under QEMU's -icount shift=0 the guest TSC advances once per guest
 * instruction, so cycles_per_op is then an exact instruction count;
 * without it the numbers are TCG emulation times and noisy.
 *
 * bench= selects: quick (the default; a short version for make run), all
 * (make bench), none, or a comma list of groups.
 */
#include <kernel/apic.h>
#include <kernel/bench.h>
#include <kernel/cmdline.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/tsc.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>

#define MAX_RESULTS   256
#define QUICK_DIVISOR 20

extern const struct bench __start_benches[], __stop_benches[];

bool bench_icount;
static char bench_filter[CMDLINE_VALUE_MAX] = "quick";
static struct bench_result results[MAX_RESULTS];
static unsigned int nr_results;

static int set_bench(const char *val, char *why, size_t why_size)
{
	if (!val || !val[0]) {
		snprintf(why, why_size,
			 "expected all, quick, none or a list of groups");
		return -EINVAL;
	}
	strscpy(bench_filter, val, sizeof(bench_filter));
	return 0;
}
KPARAM("bench", set_bench,
       "benchmarks to run: quick (default), all, none, or groups,...");

static int set_icount(const char *val, char *why, size_t why_size)
{
	return kparam_bool(val, &bench_icount, why, why_size);
}
KPARAM("icount", set_icount,
       "say QEMU runs with -icount (TSC = guest instructions) in benchmark "
       "tables");

u64 bench_scale(const struct bench_run *r, u64 n)
{
	if (!r->quick)
		return n;
	return n / QUICK_DIVISOR ? n / QUICK_DIVISOR : 1;
}

/* a * b / c without overflow for the sizes used here (see kernel/tsc.c). */
static u64 mul_div(u64 a, u64 b, u64 c)
{
	return (a / c) * b + (a % c) * b / c;
}

u64 bench_cycles_x100(const struct bench_result *r)
{
	return mul_div(r->cycles, 100, r->n);
}

u64 bench_ns_x100(const struct bench_result *r)
{
	if (!tsc_khz)
		return 0;
	/* ns = cycles * 10^6 / kHz; times 100, divided by n */
	return mul_div(mul_div(r->cycles, 1000000, tsc_khz), 100, r->n);
}

static void sort_u64(u64 *v, unsigned int n)
{
	unsigned int i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			u64 tmp = v[j];

			v[j] = v[j - 1];
			v[j - 1] = tmp;
		}
}

static void print_result(const struct bench_result *r)
{
	u64 c = bench_cycles_x100(r), ns = bench_ns_x100(r);

	if (r->pages) {
		u64 cp = c / r->pages, np = ns / r->pages;

		console_print("bench: %s %s n=%lu cycles_per_op=%lu.%02lu "
			      "ns_per_op=%lu.%02lu cycles_per_page=%lu.%02lu "
			      "ns_per_page=%lu.%02lu\n",
			      r->test, r->params, r->n, c / 100, c % 100,
			      ns / 100, ns % 100, cp / 100, cp % 100, np / 100,
			      np % 100);
		return;
	}
	console_print("bench: %s %s n=%lu cycles_per_op=%lu.%02lu "
		      "ns_per_op=%lu.%02lu\n",
		      r->test, r->params, r->n, c / 100, c % 100, ns / 100,
		      ns % 100);
}

struct bench_result *bench_measure(const char *test, const char *params, u64 n,
				   u64 pages_per_op, bench_loop_fn loop,
				   void *arg, bench_loop_fn setup,
				   bench_loop_fn teardown)
{
	u64 totals[BENCH_REPS], t0, t1;
	struct bench_result *r;
	unsigned int rep;

	for (rep = 0; rep < BENCH_REPS; rep++) {
		if (setup && setup(arg, n))
			return NULL;
		t0 = tsc_read();
		if (loop(arg, n))
			return NULL;
		t1 = tsc_read();
		totals[rep] = t1 - t0;
		if (teardown)
			teardown(arg, n);
	}
	sort_u64(totals, BENCH_REPS);
	r = nr_results < MAX_RESULTS ? &results[nr_results++]
				     : &results[MAX_RESULTS - 1];
	strscpy(r->test, test, sizeof(r->test));
	strscpy(r->params, params, sizeof(r->params));
	r->n = n;
	r->cycles = totals[BENCH_REPS / 2];
	r->pages = pages_per_op;
	r->note[0] = '\0';
	print_result(r);
	return r;
}

const struct bench_result *bench_find(const char *test, const char *params)
{
	unsigned int i;

	/* The newest result wins (the monitor may re-run a benchmark). */
	for (i = nr_results; i-- > 0;)
		if (!strcmp(results[i].test, test) &&
		    !strcmp(results[i].params, params))
			return &results[i];
	return NULL;
}

/* The clock line's debugging facts: slub_debug and vmalloc's TLB purge. */
const char *bench_debug_state(void)
{
	static char buf[160];

	snprintf(buf, sizeof(buf), "%s, vmalloc lazy purge %s",
		 slab_debug_state(), vmalloc_lazy_enabled() ? "on" : "off");
	return buf;
}

void bench_print_clock(void)
{
	console_print("clock: TSC %llu.%03llu MHz, %s%s\n",
		      (unsigned long long)(tsc_khz / 1000),
		      (unsigned long long)(tsc_khz % 1000),
		      bench_icount ? "QEMU -icount (cycles = guest "
				     "instructions, exact)"
				   : "plain TCG (cycles and ns are emulation "
				     "figures, noisy)",
		      bench_debug_state());
}

static bool group_selected(const char *filter, const char *group)
{
	const char *p = filter, *end;
	size_t len = strlen(group);

	if (!strcmp(filter, "all") || !strcmp(filter, "quick"))
		return true;
	while (*p) {
		end = strchr(p, ',');
		if ((size_t)((end ? end : p + strlen(p)) - p) == len &&
		    !strncmp(p, group, len))
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

/*
 * The APIC timer is stopped while benchmarks run: a tick in a timed loop
 * would add its handler's instructions to that one repetition, and under
 * -icount the figures must repeat exactly. Interrupts stay on (so the
 * loops' GFP_KERNEL allocations are not "with interrupts off").
 */
void bench_run_filter(const char *filter, bool quick)
{
	const struct bench *b;
	struct bench_run run = { .quick = quick };
	unsigned int nr = 0;

	apic_timer_stop();
	for (b = __start_benches; b < __stop_benches; b++) {
		if (b->flags & BENCH_TABLES)
			continue;
		if (!group_selected(filter, b->group))
			continue;
		if (quick && !(b->flags & BENCH_QUICK))
			continue;
		if (!nr++) {
			console_print("\n== kvlab benchmarks (%s) ==\n",
				      quick ? "quick set: loop counts / 20"
					    : "full set");
			bench_print_clock();
		}
		run.index = nr;
		b->run(&run);
	}
	if (!nr) {
		console_print("bench: nothing matches '%s'\n", filter);
		goto out;
	}
	for (b = __start_benches; b < __stop_benches; b++)
		if (b->flags & BENCH_TABLES)
			b->run(&run);
out:
	apic_timer_start();
}

void bench_run_selected(void)
{
	if (!strcmp(bench_filter, "none"))
		return;
	bench_run_filter(bench_filter, !strcmp(bench_filter, "quick"));
}

static int cmd_bench(int argc, char **argv)
{
	const struct bench *b, *seen;

	if (argc == 1) {
		console_print("bench groups:");
		for (b = __start_benches; b < __stop_benches; b++) {
			if (b->flags & BENCH_TABLES)
				continue;
			/* a group may be spread over several files: name it once */
			for (seen = __start_benches; seen < b; seen++)
				if (!strcmp(seen->group, b->group))
					break;
			if (seen == b)
				console_print(" %s", b->group);
		}
		console_print("\nusage: bench all | quick | "
			      "GROUP[,GROUP...]\n");
		return 0;
	}
	if (!strcmp(argv[1], "quick")) {
		bench_run_filter("quick", true);
		return 0;
	}
	for (b = __start_benches; b < __stop_benches; b++)
		if (!(b->flags & BENCH_TABLES) &&
		    group_selected(argv[1], b->group))
			break;
	if (b == __stop_benches) {
		console_print("bench: no group '%s' (type bench for the "
			      "list)\n",
			      argv[1]);
		return MON_FAILED;
	}
	bench_run_filter(argv[1], false);
	return 0;
}
MONITOR_CMD("bench", cmd_bench, 0, 1, "bench [all|quick|GROUP,...]",
	    "run benchmarks (no argument: list the groups)");
