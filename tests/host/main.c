/*
 * tests/host/main.c: run the host test suites (`make host-test`).
 *
 *   kvtest [--seed=N] [--scale=PCT] [--only=SUITE[.CASE],...] [--list]
 *
 * Prints "ok N suite.case" or "not ok N suite.case" with the failed checks
 * under it, and ends with the line "N passed, N failed" counting cases.
 * Exits 1 if any case failed. The default seed is fixed so that `make
 * test` is repeatable; pass another to explore (every failure prints the
 * command line that replays it). A watchdog ends a case that hangs.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include <lib/string.h>

#define DEFAULT_SEED 1
#define WATCHDOG_S   120 /* per case; a generous bound, not a timing */
#define MAX_REPORTED 10	 /* failed checks printed per case */

static const struct host_suite *const suites[] = {
	&suite_shim,	  &suite_vsprintf, &suite_strutil, &suite_prng,
	&suite_cmdline,	  &suite_bootinfo, &suite_buddy,   &suite_rbtree,
	&suite_vmap_area, &suite_vmalloc,  &suite_slab,	   &suite_acpi,
	&suite_percpu,
};

static struct host_test *current;

void host_fail(struct host_test *t, const char *file, int line,
	       const char *cond, const char *fmt, ...)
{
	va_list ap;

	if (++t->nr_failed > MAX_REPORTED)
		return;
	printf("    # %s:%d: CHECK(%s) failed: ", file, line, cond);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (t->nr_failed == MAX_REPORTED)
		printf("    # (further failures of this case not shown)\n");
	fflush(stdout);
}

void host_log(struct host_test *t, const char *fmt, ...)
{
	va_list ap;

	(void)t;
	printf("    # ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

unsigned long host_iters(const struct host_test *t, unsigned long n)
{
	unsigned long v = n * t->scale_pct / 100;

	return v ? v : 1;
}

/* SIGALRM: the current case has run WATCHDOG_S seconds; end the run. */
static void watchdog(int sig)
{
	static const char msg1[] = "kvtest: watchdog: ";
	static const char msg2[] = " still running, a hang? giving up\n";
	const char *name = current ? current->name : "?";
	ssize_t err = 0;

	(void)sig;
	err |= write(STDOUT_FILENO, msg1, sizeof(msg1) - 1);
	err |= write(STDOUT_FILENO, name, strlen(name));
	err |= write(STDOUT_FILENO, msg2, sizeof(msg2) - 1);
	_exit(err < 0 ? 2 : 1);
}

/* Does "suite.case" match one of the comma-separated names in @only? */
static bool selected(const char *only, const char *suite, const char *name)
{
	char full[128];
	const char *p = only;
	size_t slen = strlen(suite);

	if (!only)
		return true;
	snprintf(full, sizeof(full), "%s.%s", suite, name);
	while (*p) {
		size_t n = strcspn(p, ",");

		if ((n == slen && !strncmp(p, suite, n)) ||
		    (n == strlen(full) && !strncmp(p, full, n)))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

static bool run_case(const struct host_suite *s, const struct host_case *c,
		     unsigned int nr, u64 seed, unsigned int scale_pct)
{
	struct host_test t = { .suite = s->name,
			       .name = c->name,
			       .seed = seed,
			       .scale_pct = scale_pct };

	prng_seed(&t.rng, hash64_str(hash64_str(seed, s->name), c->name));
	current = &t;
	alarm(WATCHDOG_S);
	c->run(&t);
	alarm(0);
	current = NULL;
	if (t.nr_failed) {
		printf("not ok %u %s.%s\n", nr, s->name, c->name);
		printf("    # %u of %lu checks failed; replay: --seed=%llu "
		       "--only=%s.%s\n",
		       t.nr_failed, t.nr_checks, (unsigned long long)seed,
		       s->name, c->name);
	} else {
		printf("ok %u %s.%s (%lu checks)\n", nr, s->name, c->name,
		       t.nr_checks);
	}
	fflush(stdout);
	return t.nr_failed == 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: kvtest [--seed=N] [--scale=PCT] "
			"[--only=SUITE[.CASE],...] [--list]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long seed = DEFAULT_SEED;
	unsigned int scale_pct = 100, nr = 0, passed = 0, failed = 0;
	const char *only = NULL;
	bool list = false;
	size_t i, j;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strncmp(argv[a], "--seed=", 7))
			seed = strtoull(argv[a] + 7, NULL, 0);
		else if (!strncmp(argv[a], "--scale=", 8))
			scale_pct = (unsigned int)strtoul(argv[a] + 8, NULL, 0);
		else if (!strncmp(argv[a], "--only=", 7))
			only = argv[a] + 7;
		else if (!strcmp(argv[a], "--list"))
			list = true;
		else
			usage();
	}
	signal(SIGALRM, watchdog);
	if (!list)
		printf("kvtest: seed %llu, scale %u%%\n", seed, scale_pct);
	for (i = 0; i < ARRAY_SIZE(suites); i++) {
		for (j = 0; j < suites[i]->nr_cases; j++) {
			const struct host_case *c = &suites[i]->cases[j];

			if (!selected(only, suites[i]->name, c->name))
				continue;
			if (list) {
				printf("%s.%s\n", suites[i]->name, c->name);
				continue;
			}
			if (run_case(suites[i], c, ++nr, seed, scale_pct))
				passed++;
			else
				failed++;
		}
	}
	if (list)
		return 0;
	if (nr == 0) {
		printf("kvtest: no case matches --only=%s\n", only);
		failed++;
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
