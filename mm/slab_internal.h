/*
 * mm/slab_internal.h: what mm/slab.c, mm/slab_debug.c and mm/kmalloc.c
 * share and nobody else needs.
 */
#ifndef KVLAB_MM_SLAB_INTERNAL_H
#define KVLAB_MM_SLAB_INTERNAL_H

#include <mm/slab.h>

/* Which list a slab is on, kept in page->owner_data. */
enum slab_list_id {
	SLAB_ON_NONE,		/* the CPU slab, or being built/freed */
	SLAB_ON_PARTIAL,
	SLAB_ON_FULL,
};

static inline enum slab_list_id slab_on(const struct page *page)
{
	return (enum slab_list_id)page->owner_data;
}

/* U: the last allocation and free of an object. */
struct slab_track {
	unsigned long addr;	/* caller */
	unsigned long seq;	/* operation number, for "age" */
};
enum track_item { TRACK_ALLOC, TRACK_FREE };

static inline void *slab_address(const struct page *page)
{
	return page_address(page);
}

/*
 * A slab's own order: the cache's preferred s->order or its fallback
 * s->min_order. The buddy allocator keeps it in the head page.
 */
static inline unsigned int slab_order(const struct page *page)
{
	return page->order;
}

static inline unsigned long slab_bytes(const struct page *page)
{
	return PAGE_SIZE << slab_order(page);
}

/* Object @i of @page (slot start + left red zone). */
static inline void *slab_object(const struct kmem_cache *s,
				const struct page *page, unsigned int i)
{
	return (char *)slab_address(page) + (unsigned long)i * s->size +
	       s->red_left_pad;
}

/*
 * slab_object_index - the index of the object starting at @p in @page, or
 * -1 if @p is not an object start of that slab.
 */
int slab_object_index(const struct kmem_cache *s, const struct page *page,
		      const void *p);

/* Move @page to list @to (from wherever it is). */
void slab_set_list(struct kmem_cache *s, struct page *page, enum slab_list_id to);

/* ---- mm/slab_debug.c ------------------------------------------------------ */

extern unsigned long slab_op_seq;

/* New slab: red zones, poison and padding patterns of every object. */
void debug_init_slab(struct kmem_cache *s, struct page *page);
/*
 * debug_alloc_checks - @obj is about to be handed out from @page: check it
 * (F: it belongs there; P: its poison; Z: its inactive red zones), report
 * and repair. Return: false if it must not be handed out (the freelist
 * was rebuilt; the caller starts again).
 */
bool debug_alloc_checks(struct kmem_cache *s, struct page *page, void *obj);
/* Mark @obj allocated: active red zones, kmalloc tail, alloc track. */
void debug_alloc_prepare(struct kmem_cache *s, void *obj, size_t orig_size,
			 unsigned long ip);
/*
 * debug_free_checks - F: @obj is an object of @page and not already free;
 * Z: its red zones (and kmalloc tail) intact. Return: false if the free
 * must be refused (after a report).
 */
bool debug_free_checks(struct kmem_cache *s, struct page *page, void *obj,
		       unsigned long ip);
/* Mark @obj free: free track, poison, inactive red zones. */
void debug_free_prepare(struct kmem_cache *s, void *obj, unsigned long ip);
/*
 * debug_validate_slab - walk @page's freelist (@freelist: its first free
 * object, the CPU's list for the CPU slab) and, with debugging, every
 * object. Return: problems found. @nr_free gets the number of free objects.
 */
unsigned int debug_validate_slab(struct kmem_cache *s, struct page *page,
				 void **freelist, unsigned int *nr_free);
/*
 * slab_rebuild_freelist - after a corrupt free pointer: with red zones,
 * relink every object whose red zone says free; without, mark all
 * objects used (Linux's repair). The slab is moved to the right list.
 */
void slab_rebuild_freelist(struct kmem_cache *s, struct page *page);

/* A report about @s: "BUG <cache>: <what>", in Linux's shape. */
void slab_bug(struct kmem_cache *s, const char *fmt, ...) __printf(2, 3);
void slab_report_end(struct kmem_cache *s);
void slab_print_object(struct kmem_cache *s, struct page *page, void *obj);

/* kmalloc + Z: the requested size of @obj (object_size if not recorded). */
size_t slab_orig_size(const struct kmem_cache *s, const void *obj);
void slab_set_orig_size(const struct kmem_cache *s, void *obj, size_t size);

/* Is @p a valid free pointer value for @page (NULL or an object start)? */
bool slab_valid_pointer(const struct kmem_cache *s, const struct page *page,
			const void *p);


#endif
