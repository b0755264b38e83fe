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
	struct list_head held;		/* blocks still taken, on page->lru */
	unsigned long taken;		/* pages taken in all */
	unsigned long returned;		/* single pages given back */
};

/*
 * fragment_memory - take every block the buddy allocator gives: single
 * pages first (so most memory is held as single pages), then, below the
 * watermarks too, every block left, largest first, in every zone. Then
 * give back the single pages with an odd frame number: free memory is
 * many single pages, no two of them buddies, so no block above order 0
 * is free. @f is initialised here.
 */
void fragment_memory(struct fragmented *f);

/* unfragment_memory - give back everything fragment_memory() still holds. */
void unfragment_memory(struct fragmented *f);

#endif
