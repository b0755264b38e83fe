/*
 * tests/slab_helpers.h: checks the slab, kmalloc and slab_debug suites
 * share.
 */
#ifndef KVLAB_TESTS_SLAB_HELPERS_H
#define KVLAB_TESTS_SLAB_HELPERS_H

#include <kernel/ktest.h>
#include <lib/string.h>
#include <mm/slab.h>

#include "../mm/slab.h"

/* Allocate, write and free three objects. Return: how many were allocated. */
static inline unsigned int use_cache(struct kmem_cache *s)
{
	unsigned int i, n = 0;
	void *p[3];

	for (i = 0; i < 3; i++) {
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
		if (p[i]) {
			memset(p[i], 0x3c, s->object_size);
			n++;
		}
	}
	for (i = 0; i < 3; i++)
		kmem_cache_free(s, p[i]);
	return n;
}

/* Three objects allocated, written, freed, with no report: the cache works. */
static inline void cache_still_works(struct ktest *t, struct kmem_cache *s)
{
	unsigned int n = 0;

	KT_EXPECT_REPORTS(t, 0, n = use_cache(s));
	KT_EXPECT_EQ(t, n, 3);
	KT_EXPECT_EQ(t, kmem_cache_validate(s), 0);
}

#endif
