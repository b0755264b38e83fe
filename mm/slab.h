/*
 * mm/slab.h: the slab allocator's private half, as Linux's mm/slab.h:
 * struct kmem_cache, struct slab (the view of a slab's struct page), and
 * the inline internals that mm/slab.c, mm/slab_debug.c, mm/kmalloc.c and
 * mm/slab_glue.c share. Nothing outside mm/ includes it, except the
 * white-box tests (tests/test_slab*.c, tests/test_kmalloc.c and the host
 * suites), which look at the counters and the layout.
 *
 * The API callers use is include/mm/slab.h.
 */
#ifndef KVLAB_MM_SLAB_PRIVATE_H
#define KVLAB_MM_SLAB_PRIVATE_H

#include <kernel/fault_inject.h>
#include <kernel/preempt.h>
#include <lib/bitops.h>
#include <lib/compiler.h>
#include <lib/list.h>
#include <lib/string.h>
#include <lib/types.h>
#include <mm/gfp.h>
#include <mm/mmdebug.h>
#include <mm/mmzone.h>
#include <mm/page.h>
#include <mm/slab.h>

/* ---- tuning --------------------------------------------------------------- */

#define SLAB_MAX_ORDER	 3  /* Linux's slub_max_order default */
#define SLAB_MIN_OBJECTS 16 /* what the order search aims for */
#define SLAB_MIN_ALIGN	 8  /* ARCH_SLAB_MINALIGN, sizeof(void *) */
#define SLAB_CACHE_LINE	 64 /* cache_line_size() */
#define SLAB_NAME_LEN	 32

/* ---- struct slab: a slab's head struct page, seen as a slab -------------- */

/* Which list a slab is on. */
enum slab_list_id {
	SLAB_ON_NONE, /* the CPU slab, or being built/freed */
	SLAB_ON_PARTIAL,
	SLAB_ON_FULL,
};

/*
 * A slab is a buddy block; its head struct page describes it. struct slab
 * gives those bytes the slab's names, as Linux 6.1's struct slab does: it
 * is never allocated, only converted to and from the head page
 * (page_slab(), slab_page()). Each field sits where struct page keeps it,
 * which the assertions below check, so the buddy allocator's view (flags,
 * order, zone) and the slab's never disagree.
 */
struct slab {
	unsigned long __page_flags;    /* page->flags: PG_slab, PG_head */
	struct kmem_cache *slab_cache; /* the cache; even (tails hold head | 1) */
	void *freelist;		       /* first free object, or NULL */
	struct list_head slab_list;    /* on the cache's partial or full list */
	unsigned int inuse;	       /* objects allocated */
	unsigned int objects;	       /* objects in the slab */
	u8 __order;		  /* page->order: the slab is 2^order pages */
	u8 __zone_id;		  /* page->zone_id */
	u16 list_id;		  /* enum slab_list_id */
	u32 mask;		  /* bytes in the slab - 1 */
	unsigned long __alloc_ip; /* page->alloc_ip */
};

#define SLAB_MATCH(pg, sl)                                                     \
	_Static_assert(offsetof(struct page, pg) == offsetof(struct slab, sl), \
		       "struct slab: " #sl " is struct page's " #pg)
SLAB_MATCH(flags, __page_flags);
SLAB_MATCH(slab_cache, slab_cache);
SLAB_MATCH(compound_head, slab_cache); /* so a slab's head is never a tail */
SLAB_MATCH(freelist, freelist);
SLAB_MATCH(slab_list, slab_list);
SLAB_MATCH(inuse, inuse);
SLAB_MATCH(objects, objects);
SLAB_MATCH(order, __order);
SLAB_MATCH(zone_id, __zone_id);
SLAB_MATCH(owner_data, list_id);
SLAB_MATCH(slab_mask, mask);
SLAB_MATCH(alloc_ip, __alloc_ip);
#undef SLAB_MATCH
_Static_assert(sizeof(struct slab) == sizeof(struct page), "struct slab is a "
							   "struct page");

/* page_slab - the slab whose head page is @page (PG_slab set). */
static __always_inline struct slab *page_slab(const struct page *page)
{
	return (struct slab *)page;
}

/* slab_page - the head struct page of @slab. */
static __always_inline struct page *slab_page(const struct slab *slab)
{
	return (struct page *)slab;
}

static inline enum slab_list_id slab_on(const struct slab *slab)
{
	return (enum slab_list_id)slab->list_id;
}

static inline void *slab_address(const struct slab *slab)
{
	return page_address(slab_page(slab));
}

/*
 * A slab's own order: the cache's preferred s->order or its fallback
 * s->min_order. The buddy allocator keeps it in the head page.
 */
static inline unsigned int slab_order(const struct slab *slab)
{
	return slab->__order;
}

static inline unsigned long slab_bytes(const struct slab *slab)
{
	return PAGE_SIZE << slab_order(slab);
}

/* ---- the cache ------------------------------------------------------------ */

struct kmem_cache {
	/*
	 * What the inline fast paths of include/mm/slab.h read, first: the
	 * same fields under two names, struct kmem_cache_fast for them and
	 * plain ones (s->random...) for mm/.
	 */
	union {
		struct kmem_cache_fast fast;
		struct {
			KMEM_CACHE_FAST_FIELDS
		};
	};
	unsigned long size; /* bytes per object slot (stride) */

	/* Layout (see the diagram in mm/slab.c). */
	unsigned long flags;	   /* SLAB_* */
	unsigned int inuse;	   /* object + right red zone, bytes */
	unsigned int red_left_pad; /* left red zone, bytes */
	unsigned int align;	   /* object alignment, bytes */
	unsigned int track_offset; /* U: struct slab_track[2], from the object */
	unsigned int
		orig_size_offset; /* kmalloc + Z: requested size, from the object */
	/*
	 * Two slab sizes, as Linux's s->oo and s->min: a new slab is tried
	 * at @order (quietly, without retrying or the reserves) and, when
	 * memory is too fragmented for that, made at @min_order, which
	 * holds one object. Each slab's own order is slab_order() and its
	 * object count slab->objects.
	 */
	unsigned int order;	  /* preferred slab: 2^order pages */
	unsigned int objects;	  /* objects in a slab of @order */
	unsigned int min_order;	  /* fallback slab: get_order(size) */
	unsigned int min_objects; /* objects in a slab of @min_order */
	unsigned int min_partial; /* empty slabs kept before freeing them */
	void (*ctor)(void *obj);

	/* Slabs not owned by the CPU. */
	struct list_head partial;    /* some objects free */
	struct list_head full;	     /* no object free */
	unsigned long nr_partial;    /* slabs on @partial */
	unsigned long nr_slabs;	     /* every slab of the cache */
	unsigned long nr_slab_pages; /* pages of all those slabs */
	unsigned long nr_objects; /* objects of all those slabs, free or not */
	unsigned long
		nr_order_fallback; /* slabs made at @min_order (Linux's order_fallback) */
	unsigned long nr_empty_freed; /* empty slabs given back to the buddy */

	/* Debugging. */
	unsigned long nr_debug_reports; /* problems found (and repaired) */

	struct list_head list; /* on slab_caches */
	char name[SLAB_NAME_LEN];
	bool destroy_failed; /* kmem_cache_destroy() found live objects */
};

/* Every cache, newest first (as Linux's slab_caches). */
extern struct list_head slab_caches;

/* ---- kmalloc's caches ----------------------------------------------------- */

/* kmalloc_slab - the cache serving kmalloc(@size), or NULL (0 or large). */
static inline struct kmem_cache *kmalloc_slab(size_t size)
{
	if (size - 1 >= KMALLOC_MAX_CACHE_SIZE)
		return NULL;
	return kmalloc_caches[kmalloc_size_index[(size - 1) >> 3]];
}

/*
 * kmalloc_fix_flags - Linux's: GFP_SLAB_BUG_MASK flags (__GFP_DMA32,
 * __GFP_HIGHMEM, bits above __GFP_BITS_MASK) mean nothing to a slab or a
 * kmalloc block: warn, naming cache @s (NULL: a large kmalloc) and the
 * caller @ip. Return: @gfp without them.
 */
gfp_t kmalloc_fix_flags(gfp_t gfp, const struct kmem_cache *s,
			unsigned long ip);

/* The object containing @p, and its cache (NULL if @p is in no slab). */
struct kmem_cache *virt_to_cache(const void *p);

/* ---- slabs and objects ------------------------------------------------------ */

/* Object @i of @slab (slot start + left red zone). */
static inline void *slab_object(const struct kmem_cache *s,
				const struct slab *slab, unsigned int i)
{
	return (char *)slab_address(slab) + (unsigned long)i * s->size +
	       s->red_left_pad;
}

/*
 * slab_object_index - the index of the object starting at @p in @slab, or
 * -1 if @p is not an object start of that slab.
 */
int slab_object_index(const struct kmem_cache *s, const struct slab *slab,
		      const void *p);

/* Is @p a valid free pointer value for @slab (NULL or an object start)? */
bool slab_valid_pointer(const struct kmem_cache *s, const struct slab *slab,
			const void *p);

/*
 * Full slabs are listed only for debug caches, whose validation walks
 * every object; others, as in Linux, are on no list until an object is
 * freed (so a slab filling up or draining costs no list operation).
 */
static inline bool lists_full(const struct kmem_cache *s)
{
	return s->flags & SLAB_DEBUG_FLAGS;
}

/*
 * slab_set_list - move @slab to list @to from the list it is on: the one
 * place a slab changes list. Preconditions (invariant 2 of mm/slab.c,
 * checked here so that a wrong move stops where it is made): the slab is
 * @s's, and linked where it says it is; a partial slab has a free object
 * and a full one none; the CPU slab goes on no list.
 */
static inline void slab_set_list(struct kmem_cache *s, struct slab *slab,
				 enum slab_list_id to)
{
	enum slab_list_id from = slab_on(slab);

	VM_BUG_ON_PAGE(slab->slab_cache != s, slab_page(slab));
	VM_BUG_ON_PAGE(from == SLAB_ON_PARTIAL &&
			       (list_empty(&slab->slab_list) || !s->nr_partial),
		       slab_page(slab));
	VM_BUG_ON_PAGE(to == SLAB_ON_PARTIAL && !slab->freelist,
		       slab_page(slab));
	VM_BUG_ON_PAGE(to == SLAB_ON_FULL && slab->freelist, slab_page(slab));
	VM_BUG_ON_PAGE(to != SLAB_ON_NONE &&
			       slab == this_cpu_ptr(s->cpu_slab)->slab,
		       slab_page(slab));
	if (from == to)
		return;
	if (from == SLAB_ON_PARTIAL) {
		list_del_init(&slab->slab_list);
		s->nr_partial--;
	} else if (from == SLAB_ON_FULL && lists_full(s)) {
		list_del_init(&slab->slab_list);
	}
	if (to == SLAB_ON_PARTIAL) {
		list_add_tail(&slab->slab_list, &s->partial);
		s->nr_partial++;
	} else if (to == SLAB_ON_FULL && lists_full(s)) {
		list_add(&slab->slab_list, &s->full);
	}
	slab->list_id = (u16)to;
}

/* ---- the fast paths (mm/slab.c, mm/kmalloc.c) ------------------------------ */

/* ---- mm/slab_debug.c ------------------------------------------------------ */

/* U: the last allocation and free of an object. */
struct slab_track {
	unsigned long addr; /* caller */
	unsigned long seq;  /* operation number, for "age" */
};
enum track_item { TRACK_ALLOC, TRACK_FREE };

extern unsigned long slab_op_seq;

/*
 * slub_debug_parse - take a slub_debug= value (Linux's syntax,
 * <letters>[,<cache>...][;<letters>,<cache>...]); the glue registers it as
 * the command-line parameter. Return: 0, or -EINVAL with @why filled in.
 */
int slub_debug_parse(const char *val, char *why, size_t why_size);

/* New slab: red zones, poison and padding patterns of every object. */
void debug_init_slab(struct kmem_cache *s, struct slab *slab);
/*
 * debug_alloc_checks - @obj is about to be handed out from @slab: check it
 * (F: it belongs there; P: its poison; Z: its inactive red zones), report
 * and repair. Return: false if it must not be handed out (the freelist
 * was rebuilt; the caller starts again).
 */
bool debug_alloc_checks(struct kmem_cache *s, struct slab *slab, void *obj);
/* Mark @obj allocated: active red zones, kmalloc tail, alloc track. */
void debug_alloc_prepare(struct kmem_cache *s, void *obj, size_t orig_size,
			 unsigned long ip);
/*
 * debug_free_checks - F: @obj is an object of @slab and not already free;
 * Z: its red zones (and kmalloc tail) intact. Return: false if the free
 * must be refused (after a report).
 */
bool debug_free_checks(struct kmem_cache *s, struct slab *slab, void *obj,
		       unsigned long ip);
/* Mark @obj free: free track, poison, inactive red zones. */
void debug_free_prepare(struct kmem_cache *s, void *obj, unsigned long ip);
/*
 * debug_validate_slab - walk @slab's freelist (@freelist: its first free
 * object, the CPU's list for the CPU slab) and, with debugging, every
 * object. Return: problems found. @nr_free gets the number of free objects.
 */
unsigned int debug_validate_slab(struct kmem_cache *s, struct slab *slab,
				 void **freelist, unsigned int *nr_free);
/*
 * slab_rebuild_freelist - after a corrupt free pointer: with red zones,
 * relink every object whose red zone says free; without, mark all
 * objects used (Linux's repair). The slab is moved to the right list.
 */
void slab_rebuild_freelist(struct kmem_cache *s, struct slab *slab);

/* A report about @s: "BUG <cache>: <what>", in Linux's shape. */
void slab_bug(struct kmem_cache *s, const char *fmt, ...) __printf(2, 3);
void slab_report_end(struct kmem_cache *s);
void slab_print_object(struct kmem_cache *s, struct slab *slab, void *obj);

/* kmalloc + Z: the requested size of @obj (object_size if not recorded). */
size_t slab_orig_size(const struct kmem_cache *s, const void *obj);
void slab_set_orig_size(const struct kmem_cache *s, void *obj, size_t size);

#endif
