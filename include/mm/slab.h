/* TEMPORARY STUB: replaced by the real slab allocator at merge */
#ifndef KVLAB_MM_SLAB_H
#define KVLAB_MM_SLAB_H

#include <lib/types.h>
#include <mm/gfp.h>

#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void *kmalloc_array(size_t n, size_t size, gfp_t gfp);
void kfree(const void *p);

#endif
