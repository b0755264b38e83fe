/* TEMPORARY STUB: replaced by the real slab allocator at merge */
#include <kernel/fault_inject.h>
#include <lib/string.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/slab.h>

void *kmalloc(size_t size, gfp_t gfp)
{
	struct page *page;
	unsigned int order;

	if (!size)
		return ZERO_SIZE_PTR;
	order = get_order(size);
	if (order > MAX_PAGE_ORDER)
		return NULL;
	if (unlikely(failslab.enabled) && should_fail(&failslab, size))
		return NULL;
	page = alloc_pages(gfp, order);
	if (!page)
		return NULL;
	page->owner_data2 = order;
	return page_address(page);
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
	struct page *page;

	if (ZERO_OR_NULL_PTR(p))
		return;
	page = virt_to_page(p);
	__free_pages(page, page->owner_data2);
}
