/*
 * mm/kmalloc.c: kmalloc and friends on top of the slab caches.
 *
 * Requests up to 8 KiB go to one of thirteen caches, with Linux's size
 * classes: the powers of two from 8 to 8192 plus 96 and 192, which catch
 * the common sizes just above 64 and 128 that would otherwise waste a
 * third of a 128- or 256-byte object:
 *
 *   size    1..8  9..16  17..32  33..64  65..96  97..128  129..192  193..256 ... 4097..8192
 *   cache   8     16     32      64      96      128      192       256      ... 8k
 *   index   3     4      5       6       1       7        2         8        ... 13
 *
 * The lookup is one table load: kmalloc_size_index[(size - 1) / 8] (all
 * class boundaries are multiples of 8), built at boot from
 * kmalloc_index(), the reference formula the kmalloc suite checks it
 * against. Larger requests are compound buddy blocks marked
 * PG_large_kmalloc, which is how kfree() tells them apart.
 *
 * Each kmalloc cache aligns its objects to the largest power of two that
 * divides the size (kmalloc-96: 32, kmalloc-192: 64, kmalloc-N: N, 8 KiB
 * included), as Linux guarantees since 5.4 whatever slub_debug adds
 * around the object: the alignment is the cache's, so a left red zone is
 * a whole multiple of it (kmalloc-8k under Z: 8 KiB of red zone, 8 KiB of
 * object, metadata, padding to 24 KiB). GFP_DMA requests use a second
 * set, dma-kmalloc-N, whose slabs come from ZONE_DMA; GFP_DMA32 has no
 * kmalloc caches (as in Linux) and is reported and ignored, above 8 KiB
 * too (kmalloc_fix_flags()).
 */
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/printf.h>
#include <mm/slab.h>

#include "slab.h"

struct kmem_cache *kmalloc_caches[NR_KMALLOC_INDEX];
struct kmem_cache *kmalloc_dma_caches[NR_KMALLOC_INDEX];
u8 kmalloc_size_index[KMALLOC_MAX_CACHE_SIZE / 8];

static const char *const kmalloc_names[NR_KMALLOC_INDEX] = {
	[1] = "kmalloc-96",  [2] = "kmalloc-192", [3] = "kmalloc-8",
	[4] = "kmalloc-16",  [5] = "kmalloc-32",  [6] = "kmalloc-64",
	[7] = "kmalloc-128", [8] = "kmalloc-256", [9] = "kmalloc-512",
	[10] = "kmalloc-1k", [11] = "kmalloc-2k", [12] = "kmalloc-4k",
	[13] = "kmalloc-8k",
};

static const char *const kmalloc_dma_names[NR_KMALLOC_INDEX] = {
	[1] = "dma-kmalloc-96",	 [2] = "dma-kmalloc-192",
	[3] = "dma-kmalloc-8",	 [4] = "dma-kmalloc-16",
	[5] = "dma-kmalloc-32",	 [6] = "dma-kmalloc-64",
	[7] = "dma-kmalloc-128", [8] = "dma-kmalloc-256",
	[9] = "dma-kmalloc-512", [10] = "dma-kmalloc-1k",
	[11] = "dma-kmalloc-2k", [12] = "dma-kmalloc-4k",
	[13] = "dma-kmalloc-8k",
};

static unsigned int kmalloc_index_size(unsigned int i)
{
	return i == 1 ? 96 : i == 2 ? 192 : 1U << i;
}

void kmalloc_init(void)
{
	unsigned int i, size, align;

	for (i = 1; i < NR_KMALLOC_INDEX; i++) {
		size = kmalloc_index_size(i);
		align = size & -size;
		kmalloc_dma_caches[i] = kmem_cache_create(
			kmalloc_dma_names[i], size, align,
			SLAB_KMALLOC | SLAB_CACHE_DMA | SLAB_PANIC, NULL);
		kmalloc_caches[i] =
			kmem_cache_create(kmalloc_names[i], size, align,
					  SLAB_KMALLOC | SLAB_PANIC, NULL);
	}
	for (i = 0; i < ARRAY_SIZE(kmalloc_size_index); i++)
		kmalloc_size_index[i] = (u8)kmalloc_index((i + 1) * 8);
}

void *__kmalloc_large(size_t size, gfp_t gfp, unsigned long ip)
{
	struct page *page;

	if (size > KMALLOC_MAX_SIZE) {
		if (!(gfp & __GFP_NOWARN))
			pr_warn("kmalloc: %zu bytes is more than "
				"KMALLOC_MAX_SIZE (%lu); caller %pS\n",
				size, KMALLOC_MAX_SIZE, (void *)ip);
		return NULL;
	}
	if (unlikely(gfp & GFP_SLAB_BUG_MASK))
		gfp = kmalloc_fix_flags(gfp, NULL, ip);
	page = alloc_pages(gfp | __GFP_COMP, get_order(size));
	if (!page)
		return NULL;
	__SetPageLargeKmalloc(page);
	page->alloc_ip = ip;
	return page_address(page);
}

/*
 * The bytes usable at @obj, and its cache (NULL for a large kmalloc).
 * Return: 0 after a report if @obj is not the start of a kmalloc object.
 */
static size_t object_room(const void *obj, struct kmem_cache **sp)
{
	struct kmem_cache *s;
	struct page *page;

	*sp = NULL;
	if (!virt_to_head_slab(obj, &page, &s))
		goto bad;
	if (PageLargeKmalloc(page) && obj == page_address(page))
		return PAGE_SIZE << compound_order(page);
	if (PageSlab(page) && slab_object_index(s, page_slab(page), obj) >= 0) {
		*sp = s;
		return s->object_size;
	}
bad:
	WARN(1, "ksize/krealloc(%p): not the start of a kmalloc object", obj);
	return 0;
}

size_t ksize(const void *obj)
{
	struct kmem_cache *s;
	size_t room;

	if (ZERO_OR_NULL_PTR(obj))
		return 0;
	room = object_room(obj, &s);
	/* The caller may now use all of it: the tail is no red zone any more. */
	if (s)
		slab_set_orig_size(s, (void *)obj, room);
	return room;
}

/*
 * krealloc within the @room bytes at @p (a slab object of @s, or a large
 * block: @s NULL), as current Linux's __do_krealloc(). With __GFP_ZERO
 * the bytes the caller did not have are zeroed: [old size, @new_size)
 * when the old requested size is known (kmalloc + Z records it), else
 * everything past @new_size, so that a shrink and a later regrow, both
 * with __GFP_ZERO, show zeros whatever slub_debug records. Under Z the
 * tail past @new_size is kmalloc red zone again.
 */
static void *realloc_in_place(void *p, struct kmem_cache *s, size_t room,
			      size_t new_size, gfp_t gfp)
{
	bool known = s && s->orig_size_offset;
	size_t old = known ? slab_orig_size(s, p) : room;
	char *c = p;

	if ((gfp & __GFP_ZERO) && old < new_size)
		memset(c + old, 0, new_size - old);
	else if (gfp & __GFP_ZERO)
		memset(c + new_size, 0, room - new_size);
	if (!known)
		return p;
	slab_set_orig_size(s, p, new_size);
	if (s->flags & SLAB_RED_ZONE)
		memset(c + new_size, SLUB_RED_ACTIVE, room - new_size);
	return p;
}

void *krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	struct kmem_cache *s = NULL;
	size_t room = 0, used;
	void *ret;

	if (!new_size) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	if (!ZERO_OR_NULL_PTR(p)) {
		room = object_room(p, &s);
		if (!room)
			return NULL;
		if (new_size <= room)
			return realloc_in_place((void *)p, s, room, new_size,
						gfp);
	}
	ret = kmalloc(new_size, gfp);
	if (!ret || !room)
		return ret;
	used = s ? slab_orig_size(s, p) : room;
	memcpy(ret, p, MIN(used, new_size));
	kfree(p);
	return ret;
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p && len)
		memcpy(p, src, len);
	return p;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kmemdup(s, strlen(s) + 1, gfp) : NULL;
}
