/*
 * include/kernel/fault_inject.h: making allocations fail on purpose, after
 * Linux's fault-injection framework (Documentation/fault-injection/).
 *
 * Two switches, as in Linux: fail_page_alloc (the buddy allocator) and
 * failslab (kmem_cache_alloc and kmalloc). Each fails allocations either
 * at the Nth call from now, or at random with a probability under a seed.
 * The allocators ask should_fail_alloc_page() / should_failslab() on their
 * slow-but-not-fast path: one load of `enabled` when injection is off.
 *
 * From the command line, Linux's format:
 *   fail_page_alloc=<interval>,<probability>,<space>,<times>
 *   failslab=<interval>,<probability>,<space>,<times>
 * e.g. failslab=1,10,0,-1 fails 10% of slab allocations, for ever.
 * As in Linux, boot-time allocations are never injected: the command line's
 * settings wait until init is done, and fault_inject_arm() applies them
 * just before the self-tests (the console says "fault_inject: ... armed").
 * Which calls fail at random then depends on seed= as well.
 *
 * From tests: fault_inject_nth() and fault_inject_random(). Either replaces
 * whatever setting was there, the command line's included, so a test that
 * uses them saves both settings first (which also turns both off: from
 * then on the test alone decides which call fails) and restores them when
 * done:
 *
 *   struct fault_inject_state saved;
 *
 *   fault_inject_save(&saved);
 *   fault_inject_nth(&failslab, 1);
 *   ... the one allocation that must fail ...
 *   fault_inject_restore(&saved);
 *
 * The test framework checks after every case that the settings are what
 * they were before it (kernel/ktest.c).
 */
#ifndef KVLAB_KERNEL_FAULT_INJECT_H
#define KVLAB_KERNEL_FAULT_INJECT_H

#include <lib/compiler.h>
#include <lib/prng.h>
#include <lib/types.h>

struct fault_attr {
	const char *name;
	bool enabled;		   /* the fast check: false = never fail */
	unsigned long probability; /* percent, 0-100 */
	unsigned long interval;	   /* only every interval-th call may fail */
	unsigned long space;	   /* bytes to let through before failing */
	long times;		   /* failures left; -1 = no limit */
	unsigned long nth;	 /* fail only at this call (1-based), 0 = off */
	unsigned long calls;	 /* calls seen since configured */
	unsigned long nr_failed; /* failures injected since configured */
	bool ignore_gfp_reclaim; /* fail only GFP_ATOMIC-style requests */
	struct prng rng;
};

extern struct fault_attr fail_page_alloc;
extern struct fault_attr failslab;

/*
 * should_fail - count one call of @size bytes; true if it must fail.
 * Context: any.
 */
bool should_fail(struct fault_attr *attr, size_t size);

/* fault_inject_nth - fail exactly the @n-th call from now (n >= 1), once. */
void fault_inject_nth(struct fault_attr *attr, unsigned long n);

/* fault_inject_random - fail each call with @percent probability under @seed. */
void fault_inject_random(struct fault_attr *attr, unsigned long percent,
			 u64 seed);

/* fault_inject_off - stop failing; the counters stay readable. */
void fault_inject_off(struct fault_attr *attr);

/* Both switches, settings, counters and PRNGs, as fault_inject_save() found them. */
struct fault_inject_state {
	struct fault_attr page_alloc, slab;
};

/*
 * fault_inject_save - copy both switches to @st and turn both off, so
 * that only the failures the caller asks for happen until
 * fault_inject_restore(@st) puts the copies back.
 */
void fault_inject_save(struct fault_inject_state *st);
void fault_inject_restore(const struct fault_inject_state *st);

/*
 * fault_inject_same_setting - do @a and @b fail the same calls (on/off,
 * probability, interval, nth)? The budgets (space, times) and counters
 * are left out: using a setting consumes them.
 */
bool fault_inject_same_setting(const struct fault_attr *a,
			       const struct fault_attr *b);

/* fault_inject_active - is either switch on now? */
bool fault_inject_active(void);

/* fault_inject_describe - "failslab=1,10,0,-1: 3 failure(s) in 40 call(s)". */
int fault_inject_describe(const struct fault_attr *attr, char *buf,
			  size_t size);

/*
 * fault_inject_arm - apply the command line's failslab= and
 * fail_page_alloc= (kernel_main(), once init is done); @seed (seed=)
 * seeds their random failures. Prints one line per switch armed.
 */
void fault_inject_arm(u64 seed);

/*
 * fault_inject_reseed - restart the random failures of whatever is armed
 * from @seed. The test framework does it before each case with the case's
 * seed, so that the failures a case sees do not depend on the cases run
 * before it, and "replay with seed=N tests=SUITE.CASE" replays them.
 */
void fault_inject_reseed(u64 seed);

/*
 * fault_inject_report - for each switch the command line set, one line:
 * its setting and the failures it injected, or "off" if something turned
 * it off; @when ends the line ("after the tests").
 */
void fault_inject_report(const char *when);

#endif
