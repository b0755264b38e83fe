/*
 * tests/fragment.h: fragmenting physical memory on purpose, for the tests
 * and benchmarks that show what happens when no block above one page is
 * free (kvmalloc's fallback, slab's min-order fallback, the frag table).
 */
#ifndef KVLAB_TESTS_FRAGMENT_H
#define KVLAB_TESTS_FRAGMENT_H

#include <lib/list.h>
#include <lib/types.h>

struct fragmented {
	struct list_head held;	/* blocks still taken, on page->lru */
	unsigned long taken;	/* pages taken in all */
	unsigned long returned; /* single pages given back */
};

/*
 * fragment_memory - take every block the buddy allocator gives, below
 * the watermarks too, largest first, in every zone; trade twice 16 MiB
 * (plus the watermarks) of it for single pages and give back those with
 * an odd frame number: free memory is a few thousand single pages, no two
 * of them buddies, so no block above order 0 is free. The work is the same at any RAM size
 * (one call per 4 MiB block, then a fixed number of pages). @f is
 * initialised here.
 */
void fragment_memory(struct fragmented *f);

/*
 * limit_free_memory - hold all free memory but about @pages (plus the
 * watermarks), in the largest blocks: a test that runs memory out then
 * does so in a fixed amount of work, whatever the RAM. @f->returned is
 * what was left free. Undo with unfragment_memory().
 */
void limit_free_memory(struct fragmented *f, unsigned long pages);

/* unfragment_memory - give back everything fragment_memory() or limit_free_memory() holds. */
void unfragment_memory(struct fragmented *f);

#endif
