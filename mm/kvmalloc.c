/*
 * mm/kvmalloc.c: kvmalloc and kvfree, Linux's rule (mm/util.c,
 * kvmalloc_node):
 *
 *   1. try kmalloc(); for more than a page, without trying hard
 *      (__GFP_NORETRY, unless the caller asked for __GFP_RETRY_MAYFAIL)
 *      and without a warning (__GFP_NOWARN): physically contiguous memory
 *      is nicer to have but not needed, and a high-order allocation that
 *      fails should not drain or fragment memory further;
 *   2. a request of a page or less stops there: vmalloc would need a page
 *      anyway, and it cannot do better than kmalloc did;
 *   3. otherwise vmalloc(), if the flags allow sleeping (vmalloc's page
 *      tables are allocated with GFP_KERNEL);
 *   4. kvfree() looks at the address: vmalloc range -> vfree, else kfree.
 */
#include <kernel/panic.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>

#define KVMALLOC_MAX 0x7fffffffUL /* Linux: INT_MAX, "crazy sizes" refused */

static void *kvmalloc_caller(size_t size, gfp_t gfp, unsigned long caller)
{
	/* BEGIN LAB vmalloc */
	gfp_t kmalloc_gfp = gfp;
	void *p;

	if (size > PAGE_SIZE) {
		kmalloc_gfp |= __GFP_NOWARN;
		if (!(kmalloc_gfp & __GFP_RETRY_MAYFAIL))
			kmalloc_gfp |= __GFP_NORETRY;
		kmalloc_gfp &= ~__GFP_NOFAIL;
	}
	p = kmalloc(size, kmalloc_gfp);
	if (p || size <= PAGE_SIZE)
		return p;
	if (!gfpflags_allow_blocking(gfp))
		return NULL;
	if (unlikely(size > KVMALLOC_MAX)) {
		WARN(!(gfp & __GFP_NOWARN), "kvmalloc: size %zu is too big",
		     size);
		return NULL;
	}
	return __vmalloc_node_range(size, PAGE_SIZE, VMALLOC_START, VMALLOC_END,
				    gfp, PAGE_KERNEL, 0, caller);
	/* END LAB */
}

void *kvmalloc(size_t size, gfp_t gfp)
{
	return kvmalloc_caller(size, gfp, _RET_IP_);
}

void *kvzalloc(size_t size, gfp_t gfp)
{
	return kvmalloc_caller(size, gfp | __GFP_ZERO, _RET_IP_);
}

void *kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return kvmalloc_caller(n * size, gfp, _RET_IP_);
}

void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return kvmalloc_caller(n * size, gfp | __GFP_ZERO, _RET_IP_);
}

void kvfree(const void *addr)
{
	if (is_vmalloc_addr(addr))
		vfree(addr);
	else
		kfree(addr);
}
