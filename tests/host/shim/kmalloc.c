/*
 * tests/host/shim/kmalloc.c: kmalloc for the host build, standing in for
 * mm/kmalloc_stub.c until the real slab allocator (mm/slab.c,
 * mm/kmalloc.c) joins the host build.
 *
 * The kernel's stub takes whole buddy blocks; here every object is its own
 * malloc() block instead, so AddressSanitizer watches each one (a use
 * after kfree() of a vmap_area struct is caught at once, not when its page
 * is reused) and the buddy allocator, which the page model of
 * model_pages.c watches page by page, is not touched. failslab still
 * applies, as in the stub. host_kmalloc_live counts objects not yet
 * freed, for the tests' leak checks.
 */
#include <stdlib.h>

#include <host.h>
#include <kernel/fault_inject.h>
#include <lib/string.h>
#include <mm/gfp.h>
#include <mm/slab.h>

unsigned long host_kmalloc_live;

void *kmalloc(size_t size, gfp_t gfp)
{
	void *p;

	if (!size)
		return ZERO_SIZE_PTR;
	if (size > (PAGE_SIZE << MAX_PAGE_ORDER))
		return NULL;
	if (unlikely(failslab.enabled) && should_fail(&failslab, size))
		return NULL;
	p = malloc(size);
	if (!p)
		return NULL;
	if (gfp & __GFP_ZERO)
		memset(p, 0, size);
	else
		memset(p, 0x6b, size);	/* as if freshly poisoned: no lucky zeroes */
	host_kmalloc_live++;
	return p;
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return kmalloc(n * size, gfp);
}

void kfree(const void *p)
{
	if (ZERO_OR_NULL_PTR(p))
		return;
	host_kmalloc_live--;
	free((void *)p);
}
