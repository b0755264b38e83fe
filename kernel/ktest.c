/*
 * kernel/ktest.c: run the registered test suites and print KTAP version 1,
 * in the layout KUnit uses so that Linux's `kunit.py parse` reads it:
 *
 *   KTAP version 1
 *   1..2
 *       KTAP version 1
 *       # Subtest: lib
 *       1..3
 *       ok 1 string_basics
 *       # vsnprintf_formats: EXPECTATION FAILED at tests/test_lib.c:40
 *       # ...
 *       not ok 2 vsnprintf_formats
 *       ok 3 prng_repeats # SKIP reason
 *   # lib: pass:1 fail:1 skip:1 total:3
 *   # Totals: pass:1 fail:1 skip:1 total:3
 *   not ok 1 lib
 *
 * Suites are found in the .ktest_suites section (KTEST_SUITE), in link
 * order, and selected by tests= (all, none, or a comma list of suite names
 * or suite.case names, '*' matching any run of characters).
 */
#include <arch/x86.h>
#include <kernel/cmdline.h>
#include <kernel/fault_inject.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>

#define MAX_CHECKERS 8
#define INDENT	     "    "

extern const struct ktest_suite __start_ktest_suites[], __stop_ktest_suites[];

u64 ktest_boot_seed = 1;
static char tests_filter[CMDLINE_VALUE_MAX] = "all";
static const struct ktest_checker *checkers[MAX_CHECKERS];
static unsigned int nr_checkers;

static int set_tests(const char *val, char *why, size_t why_size)
{
	if (!val || !val[0]) {
		snprintf(why, why_size,
			 "expected all, none or a list of suites");
		return -EINVAL;
	}
	strscpy(tests_filter, val, sizeof(tests_filter));
	return 0;
}
KPARAM("tests", set_tests,
       "test suites to run: all, none, or suite[.case],...");

static int set_seed(const char *val, char *why, size_t why_size)
{
	unsigned long v;

	if (kparam_ulong(val, 0, ~0UL, &v, why, why_size))
		return -EINVAL;
	ktest_boot_seed = v;
	return 0;
}
KPARAM("seed", set_seed, "seed for the tests' random numbers (default 1)");

void ktest_register_checker(const struct ktest_checker *c)
{
	if (nr_checkers == MAX_CHECKERS) {
		pr_warn("ktest: no room for checker %s\n", c->name);
		return;
	}
	checkers[nr_checkers++] = c;
}

/* Glob match with '*' only. */
static bool glob_match(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

/*
 * The filter's items, one at a time: "suite" or "suite.case", each part a
 * glob. @fn is called with the item's suite and case patterns (case NULL
 * when the item has no dot); an item too long to hold gets suite NULL, and
 * an empty item (as in "tests=,,") an empty suite pattern, which matches
 * nothing. Stops early when @fn returns true; returns whether it did.
 */
static bool for_each_item(const char *filter,
			  bool (*fn)(const char *item, const char *spat,
				     const char *cpat, void *arg),
			  void *arg)
{
	char item[96], *dot;
	const char *p = filter, *end;
	size_t len;

	for (;;) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len < sizeof(item)) {
			memcpy(item, p, len);
			item[len] = '\0';
			dot = strchr(item, '.');
			if (dot)
				*dot++ = '\0';
			if (fn(p, item, dot, arg))
				return true;
		} else if (fn(p, NULL, NULL, arg)) {
			return true;
		}
		if (!end)
			return false;
		p = end + 1;
	}
}

struct select_query {
	const char *suite, *tcase;
};

static bool item_selects(const char *item, const char *spat, const char *cpat,
			 void *arg)
{
	const struct select_query *q = arg;

	(void)item;
	return spat && spat[0] && glob_match(spat, q->suite) &&
	       (!cpat || glob_match(cpat, q->tcase));
}

/* Does the filter select case @tcase of suite @suite? */
static bool filter_selects(const char *filter, const char *suite,
			   const char *tcase)
{
	struct select_query q = { suite, tcase };

	if (!strcmp(filter, "all"))
		return true;
	if (!strcmp(filter, "none"))
		return false;
	return for_each_item(filter, item_selects, &q);
}

/* How many of @s's cases the filter selects. */
static unsigned int nr_selected_cases(const char *filter,
				      const struct ktest_suite *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->nr_cases; i++)
		n += filter_selects(filter, s->name, s->cases[i].name);
	return n;
}

/*
 * A suite is run only when the filter selects at least one of its cases,
 * as Linux's kunit filter drops a suite left with no case: an empty suite
 * has nothing to report as ok.
 */
static bool suite_selected(const char *filter, const struct ktest_suite *s)
{
	return nr_selected_cases(filter, s) > 0;
}

static struct ktest *current_test;

u64 ktest_log_mark(void)
{
	return log_head;
}

/* Copy of the log since the mark, NUL-terminated, for searching. */
static char log_copy[LOG_BUF_SIZE + 1];

const char *ktest_log_find(u64 mark, const char *needle)
{
	u64 n = log_head - mark, i;
	size_t len = strlen(needle), j;

	if (n > LOG_BUF_SIZE)
		n = LOG_BUF_SIZE;
	for (i = 0; i < n; i++)
		log_copy[i] = log_buf[(log_head - n + i) & (LOG_BUF_SIZE - 1)];
	log_copy[n] = '\0';
	for (i = 0; i + len <= n; i++) {
		for (j = 0; j < len && log_copy[i + j] == needle[j]; j++)
			;
		if (j == len)
			return &log_copy[i];
	}
	return NULL;
}

void ktest_log(struct ktest *t, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	(void)t;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	console_print(INDENT "# %s\n", msg);
}

/*
 * A failure line of @t. A case's own failures go to the console; those
 * of a scratch struct ktest (the meta suite fails one on purpose to test
 * the macros) only to the log, and to the console at loglevel=8.
 */
static __printf(2, 3) void fail_print(const struct ktest *t, const char *fmt,
				      ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (t == current_test)
		console_print("%s", msg);
	else
		printk(KERN_DEBUG "%s", msg);
}

void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt,
		...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	t->failed = true;
	fail_print(t, INDENT "# %s: %s at %s:%d\n", t->name, msg, file, line);
}

void ktest_fail_int(struct ktest *t, const char *file, int line,
		    const char *kind, const char *left_s, const char *op,
		    const char *right_s, long long left, long long right)
{
	t->failed = true;
	fail_print(t, INDENT "# %s: %s FAILED at %s:%d\n", t->name, kind, file,
		   line);
	fail_print(t, INDENT "# Expected %s %s %s, but\n", left_s, op, right_s);
	fail_print(t, INDENT "#     %s == %lld (%#llx)\n", left_s, left,
		   (unsigned long long)left);
	fail_print(t, INDENT "#     %s == %lld (%#llx)\n", right_s, right,
		   (unsigned long long)right);
}

void ktest_fail_uint(struct ktest *t, const char *file, int line,
		     const char *kind, const char *left_s, const char *op,
		     const char *right_s, unsigned long long left,
		     unsigned long long right)
{
	t->failed = true;
	fail_print(t, INDENT "# %s: %s FAILED at %s:%d\n", t->name, kind, file,
		   line);
	fail_print(t, INDENT "# Expected %s %s %s, but\n", left_s, op, right_s);
	fail_print(t, INDENT "#     %s == %llu (%#llx)\n", left_s, left, left);
	fail_print(t, INDENT "#     %s == %llu (%#llx)\n", right_s, right,
		   right);
}

void ktest_skip(struct ktest *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->skip_reason, sizeof(t->skip_reason), fmt, ap);
	va_end(ap);
	t->skipped = true;
}

/*
 * Every checker's settle hook (see include/kernel/ktest.h), newest first:
 * checkers register in init order (buddy, slab, vmalloc), and a later
 * subsystem's settling frees memory into an earlier one (vmalloc's purge
 * kfree()s area structs into the slab caches), which that one's settle
 * must then see.
 */
static void settle_all(void)
{
	unsigned int i;

	for (i = nr_checkers; i-- > 0;)
		if (checkers[i]->settle)
			checkers[i]->settle();
}

/*
 * A case that uses fault injection itself must leave the settings as it
 * found them (the command line's failslab=, say): fault_inject_save() and
 * fault_inject_restore(). One that does not fails, and the setting is put
 * back so the cases after it still run under it.
 */
static void check_fault_settings(struct ktest *t, struct fault_attr *attr,
				 const struct fault_attr *before)
{
	char was[96], now[96];

	if (fault_inject_same_setting(attr, before))
		return;
	fault_inject_describe(before, was, sizeof(was));
	fault_inject_describe(attr, now, sizeof(now));
	ktest_fail(t, __FILE__, __LINE__,
		   "fault injection left changed (use "
		   "fault_inject_save/restore): was '%s', now '%s'",
		   was, now);
	*attr = *before;
}

static void run_case(const struct ktest_suite *s, const struct ktest_case *c,
		     unsigned int index, struct ktest_totals *tot)
{
	static u8 snaps[MAX_CHECKERS][KTEST_SNAPSHOT_BYTES] __aligned(8);
	static struct fault_attr page_before, slab_before;
	struct ktest t = { .suite = s->name, .name = c->name };
	unsigned long unexpected;
	unsigned int i;

	t.seed = hash64_str(hash64_str(ktest_boot_seed, s->name), c->name);
	prng_seed(&t.rng, t.seed);
	if ((c->flags & KTEST_NO_FAULTS) && fault_inject_active()) {
		console_print(INDENT "ok %u %s # SKIP " KTEST_SKIP_ENV
				     "assumes no injected allocation failures "
				     "(%s%s%s armed)\n",
			      index, c->name,
			      fail_page_alloc.enabled ? "fail_page_alloc" : "",
			      fail_page_alloc.enabled && failslab.enabled ? ", "
									  : "",
			      failslab.enabled ? "failslab" : "");
		tot->skipped++;
		return;
	}
	page_before = fail_page_alloc;
	slab_before = failslab;
	fault_inject_reseed(t.seed);
	settle_all();
	for (i = 0; i < nr_checkers; i++)
		checkers[i]->snapshot(snaps[i]);
	t.reports_at_start = report_count();
	current_test =
		&t; /* until its result line: the checkers' failures too */
	c->run(&t);
	check_fault_settings(&t, &fail_page_alloc, &page_before);
	check_fault_settings(&t, &failslab, &slab_before);
	settle_all(); /* before counting: a report it raises is the case's */

	unexpected = report_count() - t.reports_at_start - t.reports_expected;
	if (unexpected) {
		ktest_fail(&t, __FILE__, __LINE__,
			   "%lu unexpected report(s) or warning(s), see the "
			   "log above",
			   unexpected);
	}
	if (!t.skipped && !t.leak_check_off)
		for (i = 0; i < nr_checkers; i++)
			checkers[i]->check(&t, snaps[i]);
	if (t.failed) {
		console_print(INDENT "# %s: seed=%#llx (replay with seed=%llu "
				     "tests=%s.%s)\n",
			      c->name, (unsigned long long)t.seed,
			      (unsigned long long)ktest_boot_seed, s->name,
			      c->name);
		console_print(INDENT "not ok %u %s\n", index, c->name);
		tot->failed++;
	} else if (t.skipped) {
		console_print(INDENT "ok %u %s # SKIP %s\n", index, c->name,
			      t.skip_reason);
		tot->skipped++;
	} else {
		console_print(INDENT "ok %u %s\n", index, c->name);
		tot->passed++;
	}
	current_test = NULL;
}

static void run_suite(const struct ktest_suite *s, const char *filter,
		      unsigned int index, struct ktest_totals *all)
{
	struct ktest_totals tot = { 0 };
	unsigned int i, n = 0, nr_selected = nr_selected_cases(filter, s);

	console_print(INDENT "KTAP version 1\n");
	console_print(INDENT "# Subtest: %s\n", s->name);
	if (s->init && s->init()) {
		console_print(INDENT "1..0\n");
		console_print("ok %u %s # SKIP suite init failed\n", index,
			      s->name);
		all->suites++;
		all->skipped++;
		return;
	}
	console_print(INDENT "1..%u\n", nr_selected);
	for (i = 0; i < s->nr_cases; i++)
		if (filter_selects(filter, s->name, s->cases[i].name))
			run_case(s, &s->cases[i], ++n, &tot);
	if (s->exit)
		s->exit();
	console_print("# %s: pass:%u fail:%u skip:%u total:%u\n", s->name,
		      tot.passed, tot.failed, tot.skipped, nr_selected);
	console_print("# Totals: pass:%u fail:%u skip:%u total:%u\n",
		      tot.passed, tot.failed, tot.skipped, nr_selected);
	if (tot.failed)
		console_print("not ok %u %s\n", index, s->name);
	else if (nr_selected && tot.skipped == nr_selected)
		console_print("ok %u %s # SKIP all cases skipped\n", index,
			      s->name);
	else
		console_print("ok %u %s\n", index, s->name);
	all->suites++;
	all->passed += tot.passed;
	all->failed += tot.failed;
	all->skipped += tot.skipped;
}

static bool item_matches_any(const char *spat, const char *cpat)
{
	const struct ktest_suite *s;
	unsigned int i;

	for (s = __start_ktest_suites; s < __stop_ktest_suites; s++) {
		if (!glob_match(spat, s->name))
			continue;
		if (!cpat && s->nr_cases)
			return true;
		for (i = 0; cpat && i < s->nr_cases; i++)
			if (glob_match(cpat, s->cases[i].name))
				return true;
	}
	return false;
}

static bool warn_unmatched(const char *item, const char *spat, const char *cpat,
			   void *arg)
{
	const char *filter = arg;
	const char *end = strchr(item, ',');
	int len = end ? (int)(end - item) : (int)strlen(item);

	if (!spat)
		pr_warn("ktest: tests=%s: selector '%.*s...' too long, matches "
			"nothing\n",
			filter, 40, item);
	else if (!spat[0])
		pr_warn("ktest: tests=%s: empty selector matches nothing\n",
			filter);
	else if (!item_matches_any(spat, cpat))
		pr_warn("ktest: tests=%s: no test case matches '%.*s'\n",
			filter, len, item);
	return false;
}

/* Warn about each item of the list that selects no case (a typo). */
static void check_filter_names(const char *filter)
{
	if (!strcmp(filter, "all") || !strcmp(filter, "none"))
		return;
	for_each_item(filter, warn_unmatched, (void *)filter);
}

void ktest_run_filter(const char *filter, struct ktest_totals *totals)
{
	const struct ktest_suite *s;
	unsigned int nr = 0, index = 0;
	bool counting;

	memset(totals, 0, sizeof(*totals));
	check_filter_names(filter);
	for (s = __start_ktest_suites; s < __stop_ktest_suites; s++)
		nr += suite_selected(filter, s);
	counting = report_set_counting(true);
	console_print("KTAP version 1\n");
	console_print("1..%u\n", nr);
	for (s = __start_ktest_suites; s < __stop_ktest_suites; s++)
		if (suite_selected(filter, s))
			run_suite(s, filter, ++index, totals);
	report_set_counting(counting);
}

bool ktest_enabled(void)
{
	return strcmp(tests_filter, "none") != 0;
}

void ktest_run_all(struct ktest_totals *totals)
{
	ktest_run_filter(tests_filter, totals);
	fault_inject_report("during the tests");
}

/* The monitor's test command: run suites again, after boot. */
static int cmd_test(int argc, char **argv)
{
	const char *filter = argc == 2 ? argv[1] : "all";
	const struct ktest_suite *s;
	struct ktest_totals tot;
	unsigned int nr = 0;

	for (s = __start_ktest_suites; s < __stop_ktest_suites; s++)
		nr += suite_selected(filter, s);
	if (!nr) {
		console_print("test: no suite matches '%s'; the suites are:",
			      filter);
		for (s = __start_ktest_suites; s < __stop_ktest_suites; s++)
			console_print(" %s", s->name);
		console_print("\n");
		return MON_USAGE;
	}
	ktest_run_filter(filter, &tot);
	console_print("test: %u passed, %u failed, %u skipped\n", tot.passed,
		      tot.failed, tot.skipped);
	return tot.failed ? MON_FAILED : 0;
}
MONITOR_CMD("test", cmd_test, 0, 1, "test [SUITE[.CASE],...]",
	    "run the self-tests again: all, or the listed suites");

/* ---- running on every CPU at once ------------------------------------- */

struct all_cpus_run {
	void (*fn)(void *arg);
	void *arg;
	unsigned int arrived, total;
};

/* Each CPU waits until all have arrived, so the calls overlap in time. */
static void all_cpus_rendezvous(void *p)
{
	struct all_cpus_run *r = p;

	__atomic_add_fetch(&r->arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&r->arrived, __ATOMIC_ACQUIRE) < r->total)
		cpu_relax();
	r->fn(r->arg);
}

void ktest_run_on_all_cpus(void (*fn)(void *arg), void *arg)
{
	struct all_cpus_run r = { fn, arg, 0, num_online_cpus() };

	if (schedule_on_each_cpu(all_cpus_rendezvous, &r))
		panic("ktest_run_on_all_cpus: called from a function it runs");
}
