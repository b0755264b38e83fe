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
 * From tests: fault_inject_nth() and fault_inject_random().
 */
#ifndef KVLAB_KERNEL_FAULT_INJECT_H
#define KVLAB_KERNEL_FAULT_INJECT_H

#include <lib/compiler.h>
#include <lib/prng.h>
#include <lib/types.h>

struct fault_attr {
	const char *name;
	bool enabled;			/* the fast check: false = never fail */
	unsigned long probability;	/* percent, 0-100 */
	unsigned long interval;		/* only every interval-th call may fail */
	unsigned long space;		/* bytes to let through before failing */
	long times;			/* failures left; -1 = no limit */
	unsigned long nth;		/* fail only at this call (1-based), 0 = off */
	unsigned long calls;		/* calls seen since configured */
	unsigned long nr_failed;	/* failures injected since configured */
	bool ignore_gfp_reclaim;	/* fail only GFP_ATOMIC-style requests */
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
void fault_inject_random(struct fault_attr *attr, unsigned long percent, u64 seed);

/* fault_inject_off - stop failing; the counters stay readable. */
void fault_inject_off(struct fault_attr *attr);

#endif
