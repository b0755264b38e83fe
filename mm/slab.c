/*
 * mm/slab.c: object caches on top of the buddy allocator, in the SLUB
 * manner (Bonwick 1994 for the idea of object caches; Lameter's SLUB,
 * Linux mm/slub.c, for the layout kvlab follows).
 *
 * A cache hands out objects of one size. It gets memory from the buddy
 * allocator one *slab* at a time: a block of 2^order pages cut into
 * equal slots. The order is the smallest that keeps the unused tail under
 * 1/16 of the slab while holding about 16 objects (calculate_order()).
 * That block may not exist when free memory is fragmented, so, as in
 * Linux's allocate_slab(), the preferred order is only tried quietly and
 * a slab of the smallest order that holds one object (min_order) is the
 * fallback: a cache's slabs can differ in order and object count, and
 * each slab's own are its head page's order and slab->objects.
 * A free object holds the pointer to the next free object of its slab,
 * so a slab needs no other bookkeeping than its struct page:
 *
 *   slab (kmalloc-64, order 0: 64 objects of 64 bytes)
 *   +--------+--------+--------+--------+-- ... --+--------+
 *   | obj 0  | obj 1  | obj 2  | obj 3  |         | obj 63 |
 *   | in use |  free  | in use |  free  |         |  free  |
 *   +--------+---|----+--------+--^-|---+-- ... --+----^---+
 *                |                | |                  |
 *  slab->freelist+                | +------------------+
 *                +----------------+
 *   The free pointer lives in the middle of the free object (offset
 *   ALIGN_DOWN(size / 2, 8)), where a small overrun of the object before
 *   it does not reach it; it moves behind the object when poisoning, a
 *   constructor or red zones need the object's bytes (diagram in
 *   mm/slab_debug.c).
 *
 * The per-CPU fast path. Each cache has, per CPU, one slab it allocates
 * from (the CPU slab) whose whole freelist it owns: allocation pops the
 * head, and a free of an object *of that slab* pushes it back. Both are a
 * few instructions with no list manipulation and no counting (the CPU
 * slab's inuse is "all of them" while it is owned; the true count is
 * computed when it is given up). kvlab chose a per-CPU freelist over a
 * per-CPU object array (Bonwick's magazines, Linux's sheaves) because the
 * freelist needs no refill or flush copying, no array size to tune, and
 * lets the LIFO reuse of an object cost nothing. Its weakness is a free
 * to another slab; that path (__slab_free) is kept short: push onto that
 * slab's own freelist and decrement its inuse; only a slab that changes
 * list (full -> partial, partial -> empty) goes further.
 *
 * Slabs not owned by a CPU are on one of two lists per cache: partial
 * (some objects free) and full (none free; kept so destroy and validate
 * can find them). When the CPU slab runs out, it moves to the full list
 * and the first partial slab (or a new one) takes its place. A slab whose
 * last object is freed stays on the partial list while the cache has at
 * most min_partial partial slabs (Linux: ilog2(size) / 2, between 5 and
 * 10), and otherwise goes back to the buddy allocator, as all empty slabs
 * do on kmem_cache_shrink().
 *
 * Free pointers are hardened (see slab_set_freepointer() in
 * include/mm/slab.h), and a free of the object at the head of the
 * freelist is reported as a double free, debug flags or not.
 *
 * Caches are themselves objects of the cache "kmem_cache", which is the
 * one static cache (the cache of caches bootstraps the rest).
 *
 * Invariants (kmem_cache_validate() and the test checker verify them):
 *   1. every slab has PG_slab, slab_cache = its cache, an order of
 *      s->order or s->min_order, and objects = what that order holds;
 *   2. a slab on the partial list has 0 <= inuse < objects and a
 *      non-NULL freelist; one on the full list has inuse = objects and a
 *      NULL freelist; the CPU slab is on no list;
 *   3. every freelist (page's, or the CPU's for the CPU slab) holds
 *      object starts of its own slab, each once, and objects - inuse of them;
 *   4. nr_partial is the length of the partial list, nr_slabs the number
 *      of slabs on both lists plus the CPU slab, nr_slab_pages and
 *      nr_objects the sums of their pages and objects (checked where the
 *      full list is kept: debug caches).
 *
 * Locking: none. kvlab runs on one CPU with interrupts off; the per-CPU
 * structures are per CPU in shape only, and would need Linux's
 * this_cpu_cmpxchg (or a local lock) on a real SMP kernel.
 */
#include <arch/x86.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/prng.h>
#include <mm/buddy.h>
#include <mm/debug_page.h>

#include "slab.h"

LIST_HEAD(slab_caches);			  /* newest first, as Linux */
static struct kmem_cache kmem_cache_boot; /* "kmem_cache": the cache of caches */
static struct prng slab_rng;
static bool slab_ready;

bool slab_is_available(void)
{
	return slab_ready;
}

const char *kmem_cache_name(const struct kmem_cache *s)
{
	return s ? s->name : "(none)";
}

/* ---- layout ------------------------------------------------------------- */

/* The slab lab: your own helpers for the functions below, if any. */
/* BEGIN LAB slab */
/* END LAB */

/* Linux's calculate_alignment(): cache lines halved while two objects fit. */
static unsigned int calculate_alignment(unsigned long flags, unsigned int align,
					unsigned int size)
{
	/* BEGIN LAB slab */
	unsigned int ralign;

	if (flags & SLAB_HWCACHE_ALIGN) {
		ralign = SLAB_CACHE_LINE;
		while (size <= ralign / 2)
			ralign /= 2;
		align = MAX(align, ralign);
	}
	align = MAX(align, SLAB_MIN_ALIGN);
	return ALIGN_UP(align, (unsigned int)sizeof(void *));
	/* END LAB */
}

/*
 * The smallest order whose slab holds about SLAB_MIN_OBJECTS objects
 * while wasting at most 1/16 of itself (then 1/8, then 1/4), as Linux's
 * calculate_order() does; objects too big for SLAB_MAX_ORDER get the
 * order that holds one.
 */
static unsigned int calculate_order(unsigned long size)
{
	unsigned long max_objs = (PAGE_SIZE << SLAB_MAX_ORDER) / size;
	unsigned long want = MIN((unsigned long)SLAB_MIN_OBJECTS, max_objs);
	unsigned int order, fraction;

	if (!max_objs)
		return get_order(size);
	for (fraction = 16; fraction >= 4; fraction /= 2) {
		for (order = get_order(size); order <= SLAB_MAX_ORDER;
		     order++) {
			unsigned long bytes = PAGE_SIZE << order;

			if (bytes / size >= want &&
			    (bytes % size) * fraction <= bytes)
				return order;
		}
	}
	return get_order(size * want);
}

/* Lemire's divisibility constant for @d: ceil(2^64 / d). */
static u64 divisibility_magic(u64 d)
{
	return ~0ULL / d + 1;
}

/*
 * Lay out one slot (see mm/slab_debug.c for the debug diagram) and pick
 * the order. Return: false if the object cannot fit any slab.
 */
static bool calculate_sizes(struct kmem_cache *s)
{
	/* BEGIN LAB slab */
	unsigned long size =
		ALIGN_UP((unsigned long)s->object_size, sizeof(void *));
	unsigned long flags = s->flags;

	if ((flags & SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *); /* a right red zone, always */
	s->inuse = (unsigned int)size;
	if (flags & (SLAB_POISON | SLAB_RED_ZONE) || s->ctor) {
		s->offset = size; /* the object's bytes are taken */
		size += sizeof(void *);
	} else {
		s->offset = ALIGN_DOWN(s->object_size / 2, sizeof(void *));
	}
	if (flags & SLAB_STORE_USER) {
		s->track_offset = (unsigned int)size;
		size += 2 * sizeof(struct slab_track);
	}
	if ((flags & SLAB_KMALLOC) && (flags & SLAB_RED_ZONE)) {
		s->orig_size_offset = (unsigned int)size;
		size += sizeof(unsigned long);
	}
	if (flags & SLAB_RED_ZONE) {
		s->red_left_pad =
			ALIGN_UP((unsigned int)sizeof(void *), s->align);
		size += s->red_left_pad;
	}
	size = ALIGN_UP(size, (unsigned long)s->align);
	if (size > (PAGE_SIZE << MAX_PAGE_ORDER))
		return false;
	s->size = size;
	s->order = calculate_order(size);
	s->objects = (unsigned int)((PAGE_SIZE << s->order) / size);
	s->min_order = get_order(size);
	s->min_objects = (unsigned int)((PAGE_SIZE << s->min_order) / size);
	/* Debug caches free through the checked path: no inline start test passes. */
	s->start_magic = flags & SLAB_DEBUG_FLAGS ? 0
						  : divisibility_magic(size);
	return true;
	/* END LAB */
}

int slab_object_index(const struct kmem_cache *s, const struct slab *slab,
		      const void *p)
{
	unsigned long off =
		(unsigned long)p - (unsigned long)slab_address(slab);

	/*
	 * No separate end test: past the slab's end (or below its start,
	 * where off wraps) the index is >= slab->objects anyway. Debug
	 * checks call this for every object of a freelist.
	 */
	if (off < s->red_left_pad)
		return -1;
	off -= s->red_left_pad;
	if (off % s->size || off / s->size >= slab->objects)
		return -1;
	return (int)(off / s->size);
}

bool slab_valid_pointer(const struct kmem_cache *s, const struct slab *slab,
			const void *p)
{
	return !p || slab_object_index(s, slab, p) >= 0;
}

/* ---- lists -------------------------------------------------------------- */

/* ---- slabs from and to the buddy allocator ------------------------------ */

static gfp_t slab_gfp(const struct kmem_cache *s, gfp_t gfp)
{
	gfp &= ~(__GFP_ZERO | __GFP_DMA | __GFP_DMA32);
	if (s->flags & SLAB_CACHE_DMA)
		gfp |= __GFP_DMA;
	else if (s->flags & SLAB_CACHE_DMA32)
		gfp |= __GFP_DMA32;
	return gfp | __GFP_COMP;
}

/*
 * Link @nr objects from @first in address order, the last to NULL.
 * Return: @first. Two slots a turn: this loop is most of what a new slab
 * costs per object.
 */
static void *build_freelist(const struct kmem_cache *s, char *first,
			    unsigned int nr)
{
	/* BEGIN LAB slab */
	unsigned long random = s->random, size = s->size, offset = s->offset;
	unsigned long addr = (unsigned long)first + offset;
	unsigned long last = addr + (nr - 1) * size;

	for (; addr + size < last; addr += 2 * size) {
		*(unsigned long *)addr = (addr + size - offset) ^ random ^
					 swab64(addr);
		*(unsigned long *)(addr + size) = (addr + 2 * size - offset) ^
						  random ^ swab64(addr + size);
	}
	for (; addr < last; addr += size)
		*(unsigned long *)addr = (addr + size - offset) ^ random ^
					 swab64(addr);
	*(unsigned long *)last = random ^ swab64(last);
	return first;
	/* END LAB */
}

/*
 * The pages of a new slab, as Linux's allocate_slab(): the preferred
 * order first, but without draining the per-CPU pages or touching the
 * reserves (a big slab is a luxury), then the order that holds one
 * object, with the caller's flags. Return: the slab, or NULL.
 */
static struct slab *allocate_slab(struct kmem_cache *s, gfp_t gfp)
{
	struct page *page;

	gfp = slab_gfp(s, gfp);
	if (s->order == s->min_order)
		return page_slab(alloc_pages(gfp, s->order));
	/* The preferred order quietly; the caller's own flags (and warning) for the smallest. */
	page = alloc_pages((gfp | __GFP_NOWARN | __GFP_NORETRY |
			    __GFP_NOMEMALLOC) &
				   ~__GFP_NOFAIL,
			   s->order);
	if (likely(page))
		return page_slab(page);
	page = alloc_pages(gfp, s->min_order);
	if (page)
		s->nr_order_fallback++;
	return page_slab(page);
}

/* A new slab with every object free, constructed and (debug) patterned. */
static struct slab *new_slab(struct kmem_cache *s, gfp_t gfp)
{
	/* BEGIN LAB slab */
	struct slab *slab = allocate_slab(s, gfp);
	char *first;
	unsigned int i;

	if (unlikely(!slab))
		return NULL;
	__SetPageSlab(slab_page(slab));
	slab->slab_cache = s;
	slab->objects = (unsigned int)(slab_bytes(slab) / s->size);
	slab->mask = (u32)(slab_bytes(slab) - 1);
	slab->list_id = SLAB_ON_NONE;
	INIT_LIST_HEAD(&slab->slab_list);
	first = (char *)slab_address(slab) + s->red_left_pad;
	if (unlikely(s->flags & SLAB_DEBUG_FLAGS))
		debug_init_slab(s, slab);
	if (unlikely(s->ctor != NULL))
		for (i = 0; i < slab->objects; i++)
			s->ctor(first + (unsigned long)i * s->size);
	slab->freelist = build_freelist(s, first, slab->objects);
	slab->inuse = 0;
	s->nr_slabs++;
	s->nr_slab_pages += 1UL << slab_order(slab);
	s->nr_objects += slab->objects;
	return slab;
	/* END LAB */
}

/* Give an empty slab, already off every list, back to the buddy allocator. */
static void discard_slab(struct kmem_cache *s, struct slab *slab)
{
	unsigned int order = slab_order(slab);

	VM_BUG_ON_PAGE(slab_on(slab) != SLAB_ON_NONE || slab->inuse,
		       slab_page(slab));
	VM_BUG_ON_PAGE(slab == this_cpu_ptr(s->cpu_slab)->slab,
		       slab_page(slab));
	s->nr_slabs--;
	s->nr_slab_pages -= 1UL << order;
	s->nr_objects -= slab->objects;
	s->nr_empty_freed++;
	__ClearPageSlab(slab_page(slab));
	slab->slab_cache = NULL;
	slab->freelist = NULL;
	slab->inuse = slab->objects = 0;
	slab->list_id = 0;
	slab->mask = 0;
	__free_pages(slab_page(slab), order);
}

/* A slab with no object in use: keep a few for reuse, free the rest. */
static void slab_became_empty(struct kmem_cache *s, struct slab *slab)
{
	if (s->nr_partial > s->min_partial) {
		slab_set_list(s, slab, SLAB_ON_NONE);
		discard_slab(s, slab);
	}
}

/* ---- the CPU slab -------------------------------------------------------- */

static unsigned int freelist_length(const struct kmem_cache *s, void *p,
				    unsigned int max)
{
	unsigned int n = 0;

	while (p && n <= max) {
		n++;
		p = slab_get_freepointer(s, p);
	}
	return n;
}

/*
 * Give up the CPU slab: its remaining free objects (the CPU's freelist,
 * already linked) become the slab's freelist again, and the slab goes to
 * the list its count says.
 */
static void deactivate_cpu_slab(struct kmem_cache *s)
{
	struct kmem_cache_cpu *c = this_cpu_ptr(s->cpu_slab);
	struct slab *slab = c->slab;
	unsigned int nr_free;

	if (!slab)
		return;
	nr_free = freelist_length(s, c->freelist, slab->objects);
	c->slab = NULL;
	slab->freelist = c->freelist;
	c->freelist = NULL;
	if (WARN(nr_free > slab->objects,
		 "slab %s: CPU freelist longer than its slab", s->name)) {
		slab_rebuild_freelist(s, slab);
		slab_set_list(s, slab,
			      slab->freelist ? SLAB_ON_PARTIAL : SLAB_ON_FULL);
		return;
	}
	slab->inuse = slab->objects - nr_free;
	if (!nr_free) {
		slab_set_list(s, slab, SLAB_ON_FULL);
		return;
	}
	slab_set_list(s, slab, SLAB_ON_PARTIAL);
	if (!slab->inuse)
		slab_became_empty(s, slab);
}

/*
 * A slab with free objects for @s, the first partial one or a new one,
 * moved to list @to (the partial list for a debug cache's allocation,
 * no list for a new CPU slab).
 */
static struct slab *get_slab(struct kmem_cache *s, gfp_t gfp,
			     enum slab_list_id to)
{
	struct slab *slab;

	if (s->nr_partial)
		slab = list_first_entry(&s->partial, struct slab, slab_list);
	else
		slab = new_slab(s, gfp);
	if (slab)
		slab_set_list(s, slab, to);
	return slab;
}

/*
 * The CPU's freelist is empty: the CPU slab, if any, is full (and goes on
 * no list unless the cache debugs); take a slab with free objects
 * (get_slab()) off its list instead. Return: its first free object, or
 * NULL.
 */
static void *refill_cpu_slab(struct kmem_cache *s, gfp_t gfp)
{
	/* BEGIN LAB slab */
	struct kmem_cache_cpu *c = this_cpu_ptr(s->cpu_slab);
	struct slab *slab = c->slab;

	VM_BUG_ON(c->freelist);
	if (slab) {
		c->slab = NULL;
		slab_set_list(s, slab, SLAB_ON_FULL);
	}
	slab = get_slab(s, gfp, SLAB_ON_NONE);
	if (!slab)
		return NULL;
	c->slab = slab;
	c->freelist = slab->freelist;
	slab->freelist = NULL;
	slab->inuse = slab->objects;
	return c->freelist;
	/* END LAB */
}

/* ---- allocation ---------------------------------------------------------- */

/* Linux's should_failslab(): __GFP_NOFAIL and the cache of caches never fail. */
static bool should_failslab(struct kmem_cache *s, gfp_t gfp)
{
	if (s == &kmem_cache_boot || (gfp & __GFP_NOFAIL))
		return false;
	if (failslab.ignore_gfp_reclaim && (gfp & __GFP_DIRECT_RECLAIM))
		return false;
	return should_fail(&failslab, s->object_size);
}

/* Debug caches have no CPU slab: every object comes from a listed slab. */
static void *slab_alloc_debug(struct kmem_cache *s, gfp_t gfp, size_t orig_size,
			      unsigned long ip)
{
	struct slab *slab;
	void *obj;
	int tries;

	for (tries = 0; tries < 8; tries++) {
		slab = get_slab(s, gfp, SLAB_ON_PARTIAL);
		if (!slab)
			return NULL;
		if (!debug_alloc_checks(s, slab, slab->freelist))
			continue; /* repaired: the slab's freelist changed */
		obj = slab_freelist_pop(s, &slab->freelist);
		slab->inuse++;
		if (!slab->freelist)
			slab_set_list(s, slab, SLAB_ON_FULL);
		debug_alloc_prepare(s, obj, orig_size, ip);
		if (gfp & __GFP_ZERO)
			memset(obj, 0, slab_orig_size(s, obj));
		return obj;
	}
	return NULL;
}

gfp_t kmalloc_fix_flags(gfp_t gfp, const struct kmem_cache *s, unsigned long ip)
{
	WARN(gfp & GFP_SLAB_BUG_MASK,
	     "Unexpected gfp: %#x. Fixing up to gfp: %#x (%s%s, caller %pS)",
	     gfp, gfp & ~GFP_SLAB_BUG_MASK, s ? "cache " : "",
	     s ? s->name : "large kmalloc", (void *)ip);
	return gfp & ~GFP_SLAB_BUG_MASK;
}

void *__slab_alloc(struct kmem_cache *s, gfp_t gfp, size_t orig_size,
		   unsigned long ip)
{
	struct kmem_cache_cpu *c = this_cpu_ptr(s->cpu_slab);
	void *obj;

	if (unlikely(gfp & GFP_SLAB_BUG_MASK))
		gfp = kmalloc_fix_flags(gfp, s, ip);
	if (unlikely(preempt_count) && gfpflags_allow_blocking(gfp)) {
		__might_sleep("kmem_cache_alloc", ip);
		gfp &= ~__GFP_DIRECT_RECLAIM; /* reported once, not again by the page allocator */
	}
	if (unlikely(failslab.enabled) && should_failslab(s, gfp))
		return NULL;
	if (unlikely(s->flags & SLAB_DEBUG_FLAGS))
		return slab_alloc_debug(
			s, gfp, orig_size ? orig_size : s->object_size, ip);
	if (!c->freelist && unlikely(!refill_cpu_slab(s, gfp)))
		return NULL;
	obj = slab_freelist_pop(s, &c->freelist);
	if (unlikely(gfp & __GFP_ZERO))
		memset(obj, 0, s->object_size);
	return obj;
}

/* ---- freeing ------------------------------------------------------------- */

static void report_double_free(struct kmem_cache *s, struct slab *slab,
			       void *obj, unsigned long ip)
{
	slab_bug(s, "Object already free");
	printk(KERN_ERR "INFO: Object %p freed again by %pS (it is the head of "
			"the freelist)\n",
	       obj, (void *)ip);
	slab_print_object(s, slab, obj);
	slab_report_end(s);
}

/*
 * Push @obj onto @slab's freelist (a slab the CPU does not own) and move
 * the slab if it changes list: it was full (onto the partial list), or it
 * is now empty (maybe back to the buddy allocator).
 */
static void free_to_slab(struct kmem_cache *s, struct slab *slab, void *obj)
{
	/* BEGIN LAB slab */
	bool was_full = !slab->freelist;

	VM_BUG_ON_PAGE(!slab->inuse || slab == this_cpu_ptr(s->cpu_slab)->slab,
		       slab_page(slab));
	slab_freelist_push(s, &slab->freelist, obj);
	slab->inuse--;
	if (was_full)
		slab_set_list(s, slab, SLAB_ON_PARTIAL);
	if (!slab->inuse && slab_on(slab) == SLAB_ON_PARTIAL)
		slab_became_empty(s, slab);
	/* END LAB */
}

/* A free into a non-CPU slab that the naive checks refuse. */
static __noinline void report_free_misuse(struct kmem_cache *s,
					  struct slab *slab, void *obj,
					  unsigned long ip)
{
	if (obj == slab->freelist) {
		report_double_free(s, slab, obj, ip);
		return;
	}
	slab_bug(s, "Object freed into a slab with no object in use");
	printk(KERN_ERR "INFO: Object %p freed by %pS: a double free\n", obj,
	       (void *)ip);
	slab_report_end(s);
}

static void slab_free_debug(struct kmem_cache *s, struct slab *slab, void *obj,
			    unsigned long ip)
{
	if (!(s->flags & SLAB_CONSISTENCY_CHECKS) &&
	    slab_freelist_head_is(obj, slab->freelist)) {
		report_double_free(s, slab, obj, ip);
		return;
	}
	if (!debug_free_checks(s, slab, obj, ip))
		return;
	debug_free_prepare(s, obj, ip);
	free_to_slab(s, slab, obj);
}

/*
 * A free into a slab that is not the CPU's: a debug cache, misuse, or a
 * slab changing list (it was full: onto the partial list; it is now
 * empty: maybe back to the buddy allocator).
 */
static void slab_free_slow(struct kmem_cache *s, struct slab *slab, void *obj,
			   unsigned long ip)
{
	/* BEGIN LAB slab */
	if (unlikely(s->flags & SLAB_DEBUG_FLAGS)) {
		slab_free_debug(s, slab, obj, ip);
		return;
	}
	if (unlikely(slab_freelist_head_is(obj, slab->freelist) ||
		     !slab->inuse)) {
		report_free_misuse(s, slab, obj, ip);
		return;
	}
	free_to_slab(s, slab, obj);
	/* END LAB */
}

void __slab_free(struct kmem_cache *s, struct page *page, void *obj,
		 unsigned long ip)
{
	VM_BUG_ON_PAGE(!PageSlab(page) || page->slab_cache != s, page);
	slab_free_slow(s, page_slab(page), obj, ip);
}

/* A free of something that is no slab object: say what it is instead. */
static void report_bad_free(const char *what, const void *obj,
			    const struct kmem_cache *expect, struct page *page,
			    unsigned long ip)
{
	if (expect)
		report_begin("BUG %s: kmem_cache_free(%p): %s", expect->name,
			     obj, what);
	else
		report_begin("BUG: kfree(%p): %s", obj, what);
	printk(KERN_ERR "caller: %pS\n", (void *)ip);
	if (page)
		dump_page(page, "the page of the pointer freed");
	report_end();
}

static void free_large_kmalloc(struct page *page, const void *obj,
			       unsigned long ip)
{
	if (obj != page_address(page)) {
		report_bad_free("not the start of a large kmalloc block", obj,
				NULL, NULL, ip);
		return;
	}
	__ClearPageLargeKmalloc(page);
	__free_pages(page, compound_order(page));
}

/* @obj lies in a slab of @s: free it if it is an object start and not free. */
static void free_checked_object(struct kmem_cache *s, struct slab *slab,
				void *obj, unsigned long ip)
{
	struct kmem_cache_cpu *c = this_cpu_ptr(s->cpu_slab);

	if (slab_object_index(s, slab, obj) < 0) {
		slab_bug(s, "Invalid object pointer %p", obj);
		printk(KERN_ERR "INFO: %p is %lu bytes into the slab at %p, "
				"not the start of a %u-byte object; freed by "
				"%pS\n",
		       obj,
		       (unsigned long)obj - (unsigned long)slab_address(slab),
		       slab_address(slab), s->object_size, (void *)ip);
		slab_report_end(s);
		return;
	}
	if (slab != c->slab) {
		slab_free_slow(s, slab, obj, ip);
		return;
	}
	if (slab_freelist_head_is(obj, c->freelist)) {
		report_double_free(s, slab, obj, ip);
		return;
	}
	slab_freelist_push(s, &c->freelist, obj);
}

/*
 * Every free the inline path does not finish: NULL and ZERO_SIZE_PTR
 * (nothing to do), large kmalloc blocks, debug caches, and misuse, which
 * is reported and refused.
 */
void __kfree_checked(const void *obj, const struct kmem_cache *expect,
		     unsigned long ip)
{
	struct kmem_cache *s;
	struct page *page;

	if (ZERO_OR_NULL_PTR(obj))
		return;
	if (!virt_to_head_slab(obj, &page, &s)) {
		report_bad_free("not a direct-map address of RAM", obj, expect,
				NULL, ip);
		return;
	}
	if (PageLargeKmalloc(page) && !expect) {
		free_large_kmalloc(page, obj, ip);
		return;
	}
	if (!PageSlab(page)) {
		report_bad_free("not a slab object", obj, expect, page, ip);
		return;
	}
	if (expect && s != expect) {
		report_begin("BUG %s: kmem_cache_free: Wrong slab cache. %s "
			     "but object is from %s",
			     expect->name, expect->name, s->name);
		printk(KERN_ERR "object %p, caller %pS\n", obj, (void *)ip);
		report_end();
		return;
	}
	free_checked_object(s, page_slab(page), (void *)obj, ip);
}

struct kmem_cache *virt_to_cache(const void *p)
{
	struct kmem_cache *s;
	struct page *page;

	if (!virt_to_head_slab(p, &page, &s) || !PageSlab(page))
		return NULL;
	return s;
}

/* ---- caches --------------------------------------------------------------- */

static unsigned int ulog2(unsigned long x)
{
	return x ? (unsigned int)ilog2(x) : 0;
}

static bool init_cache(struct kmem_cache *s, const char *name,
		       unsigned int size, unsigned int align,
		       unsigned long flags, void (*ctor)(void *))
{
	memset(s, 0, sizeof(*s));
	strscpy(s->name, name, sizeof(s->name));
	s->object_size = size;
	s->ctor = ctor;
	if (ctor)
		flags &=
			~SLAB_POISON; /* constructed objects keep their state */
	s->flags = flags;
	s->align = calculate_alignment(flags, align, size);
	if (!calculate_sizes(s))
		return false;
	s->random = prng_next(&slab_rng) | 1;
	s->min_partial = MIN(10U, MAX(5U, ulog2(s->size) / 2));
	s->cpu_slab = alloc_percpu(struct kmem_cache_cpu);
	if (!s->cpu_slab)
		return false;
	INIT_LIST_HEAD(&s->partial);
	INIT_LIST_HEAD(&s->full);
	list_add(&s->list, &slab_caches);
	return true;
}

static const char *create_error(const char *name, unsigned int size,
				unsigned int align, unsigned long flags)
{
	if (!name || !name[0])
		return "no name";
	if (!size)
		return "size 0";
	if (align & (align - 1))
		return "alignment not a power of two";
	if (align > PAGE_SIZE && !(flags & SLAB_KMALLOC))
		return "alignment above PAGE_SIZE";
	if (flags & ~SLAB_FLAGS_PERMITTED)
		return "unknown flags";
	if (!slab_ready)
		return "called before kmem_cache_init()";
	return NULL;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned long flags,
				     void (*ctor)(void *))
{
	const char *err = create_error(name, size, align, flags);
	struct kmem_cache *s = NULL;

	might_sleep();
	if (!err && !(flags & SLAB_NO_USER_FLAGS))
		flags |= slub_debug_flags_for(name);
	if (!err) {
		s = kmem_cache_zalloc(&kmem_cache_boot, GFP_KERNEL);
		if (!s)
			err = "out of memory";
	}
	if (!err && !init_cache(s, name, size, align, flags, ctor))
		err = s->size ? "out of per-CPU memory"
			      : "object too large for a slab";
	if (!err)
		return s;
	if (s)
		kmem_cache_free(&kmem_cache_boot, s);
	if (flags & SLAB_PANIC)
		panic("kmem_cache_create(%s, %u) failed: %s",
		      name ? name : "(null)", size, err);
	pr_warn("kmem_cache_create(%s, size %u, align %u, flags %#lx) failed: "
		"%s\n",
		name ? name : "(null)", size, align, flags, err);
	return NULL;
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	/* BEGIN LAB slab */
	struct slab *slab, *next;

	deactivate_cpu_slab(s);
	list_for_each_entry_safe (slab, next, &s->partial, slab_list) {
		if (!slab->inuse) {
			slab_set_list(s, slab, SLAB_ON_NONE);
			discard_slab(s, slab);
		}
	}
	return 0;
	/* END LAB */
}

void kmem_cache_shrink_all(void)
{
	struct kmem_cache *s;

	list_for_each_entry (s, &slab_caches, list)
		kmem_cache_shrink(s);
}

/* The cache of caches and the kmalloc caches live for ever. */
static bool is_boot_cache(const struct kmem_cache *s)
{
	int i = kmalloc_index(s->object_size);

	return s == &kmem_cache_boot || (i > 0 && (kmalloc_caches[i] == s ||
						   kmalloc_dma_caches[i] == s));
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	/* BEGIN LAB slab */
	unsigned long live;

	if (!s)
		return;
	if (is_boot_cache(s)) {
		WARN(1,
		     "kmem_cache_destroy(%s): a boot cache cannot be destroyed",
		     s->name);
		return;
	}
	kmem_cache_shrink(s);
	live = kmem_cache_active_objects(s);
	if (live || s->nr_slabs) {
		slab_bug(s,
			 "Objects remaining in %s on __kmem_cache_shutdown()",
			 s->name);
		printk(KERN_ERR "kmem_cache_destroy %s: Slab cache still has "
				"objects: %lu live in %lu slab(s); the cache "
				"and its slabs are kept\n",
		       s->name, live, s->nr_slabs);
		slab_report_end(s);
		s->destroy_failed = true;
		return;
	}
	list_del(&s->list);
	free_percpu(s->cpu_slab);
	kmem_cache_free(&kmem_cache_boot, s);
	/* END LAB */
}

/* ---- counting ------------------------------------------------------------- */

unsigned long kmem_cache_active_objects(struct kmem_cache *s)
{
	unsigned long n = s->nr_objects;
	struct slab *slab;
	unsigned int cpu;

	/* Every object of every slab, less the free ones (full slabs have none). */
	list_for_each_entry (slab, &s->partial, slab_list)
		n -= slab->objects - slab->inuse;
	for_each_possible_cpu(cpu)
	{
		struct kmem_cache_cpu *c = per_cpu_ptr(s->cpu_slab, cpu);

		if (c->slab)
			n -= freelist_length(s, c->freelist, c->slab->objects);
	}
	return n;
}

unsigned long kmem_cache_total_objects(const struct kmem_cache *s)
{
	return s->nr_objects;
}

unsigned long slab_pages(void)
{
	const struct kmem_cache *s;
	unsigned long n = 0;

	if (!slab_ready)
		return 0;
	list_for_each_entry (s, &slab_caches, list)
		n += s->nr_slab_pages;
	return n;
}

unsigned long slab_live_objects(void)
{
	struct kmem_cache *s;
	unsigned long n = 0;

	list_for_each_entry (s, &slab_caches, list)
		n += kmem_cache_active_objects(s);
	return n;
}

struct kmem_cache *kmem_cache_find(const char *name)
{
	struct kmem_cache *s;

	list_for_each_entry (s, &slab_caches, list)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

/* ---- validation ----------------------------------------------------------- */

/* Invariant 1: @slab has one of @s's two orders and the objects it holds. */
static bool slab_order_ok(const struct kmem_cache *s, const struct slab *slab)
{
	unsigned int order = slab_order(slab);

	if (order == s->order)
		return slab->objects == s->objects;
	return order == s->min_order && slab->objects == s->min_objects;
}

/* The CPU whose slab @slab is, or NULL. */
static struct kmem_cache_cpu *slab_owner(struct kmem_cache *s,
					 const struct slab *slab)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) if (per_cpu_ptr(s->cpu_slab, cpu)->slab ==
				       slab) return per_cpu_ptr(s->cpu_slab,
								cpu);
	return NULL;
}

static unsigned int validate_slab(struct kmem_cache *s, struct slab *slab)
{
	struct kmem_cache_cpu *c = slab_owner(s, slab);
	bool cpu = c != NULL;
	void **fl = cpu ? &c->freelist : &slab->freelist;
	unsigned int nr_free, errs;
	enum slab_list_id want;

	errs = debug_validate_slab(s, slab, fl, &nr_free);
	want = cpu		? SLAB_ON_NONE
	       : slab->freelist ? SLAB_ON_PARTIAL
				: SLAB_ON_FULL;
	if (!PageSlab(slab_page(slab)) || slab->slab_cache != s ||
	    !slab_order_ok(s, slab) || slab_on(slab) != want) {
		slab_bug(s, "Invalid slab (invariant 1/2)");
		printk(KERN_ERR "INFO: slab %p flags %#lx cache %p order %u "
				"objects %u (cache: order %u/%u, objects "
				"%u/%u) list %u (want %u)\n",
		       (void *)slab, slab->__page_flags,
		       (void *)slab->slab_cache, slab_order(slab),
		       slab->objects, s->order, s->min_order, s->objects,
		       s->min_objects, (unsigned int)slab_on(slab),
		       (unsigned int)want);
		slab_report_end(s);
		errs++;
	}
	if (!cpu && nr_free != slab->objects - slab->inuse) {
		slab_bug(s, "Wrong object count (invariant 3)");
		printk(KERN_ERR "INFO: slab %p: %u objects on the freelist, "
				"but inuse %u of %u\n",
		       slab_address(slab), nr_free, slab->inuse, slab->objects);
		slab_report_end(s);
		slab->inuse = slab->objects - nr_free;
		errs++;
	}
	return errs;
}

/* Count @slab into @sum[]: slabs, pages, objects. */
static void add_slab_counts(unsigned long sum[3], const struct slab *slab)
{
	sum[0]++;
	sum[1] += 1UL << slab_order(slab);
	sum[2] += slab->objects;
}

/*
 * Invariant 4's sums, where every slab can be found: debug caches list
 * their full slabs too. Return: 1 if they were wrong (and repaired).
 */
static unsigned int validate_counts(struct kmem_cache *s)
{
	unsigned long sum[3] = { 0, 0, 0 };
	const struct slab *slab;
	unsigned int cpu;

	if (!lists_full(s))
		return 0;
	for_each_possible_cpu(cpu) if (per_cpu_ptr(s->cpu_slab, cpu)->slab)
		add_slab_counts(sum, per_cpu_ptr(s->cpu_slab, cpu)->slab);
	list_for_each_entry (slab, &s->partial, slab_list)
		add_slab_counts(sum, slab);
	list_for_each_entry (slab, &s->full, slab_list)
		add_slab_counts(sum, slab);
	if (sum[0] == s->nr_slabs && sum[1] == s->nr_slab_pages &&
	    sum[2] == s->nr_objects)
		return 0;
	slab_bug(s, "Wrong slab counts (invariant 4)");
	printk(KERN_ERR "INFO: counted %lu slabs, %lu pages, %lu objects; the "
			"cache says %lu, %lu, %lu\n",
	       sum[0], sum[1], sum[2], s->nr_slabs, s->nr_slab_pages,
	       s->nr_objects);
	slab_report_end(s);
	s->nr_slabs = sum[0];
	s->nr_slab_pages = sum[1];
	s->nr_objects = sum[2];
	return 1;
}

unsigned int kmem_cache_validate(struct kmem_cache *s)
{
	struct slab *slab, *next;
	unsigned int errs = 0, cpu;
	unsigned long n = 0;

	for_each_possible_cpu(cpu) if (per_cpu_ptr(s->cpu_slab, cpu)->slab)
		errs += validate_slab(s, per_cpu_ptr(s->cpu_slab, cpu)->slab);
	list_for_each_entry_safe (slab, next, &s->partial, slab_list)
		errs += validate_slab(s, slab);
	list_for_each_entry_safe (slab, next, &s->full, slab_list)
		errs += validate_slab(s, slab);
	n = list_count(&s->partial);
	if (n != s->nr_partial) {
		slab_bug(s,
			 "nr_partial %lu but %lu slabs on the list (invariant "
			 "4)",
			 s->nr_partial, n);
		slab_report_end(s);
		s->nr_partial = n;
		errs++;
	}
	return errs + validate_counts(s);
}

/* ---- boot ------------------------------------------------------------------ */

void kmem_cache_init(void)
{
	/* From scratch: the host tests boot slab again on each new arena. */
	INIT_LIST_HEAD(&slab_caches);
	prng_seed(&slab_rng, rdtsc() ^ 0x736c6162ULL);
	slab_ready = true;
	if (!init_cache(&kmem_cache_boot, "kmem_cache",
			sizeof(struct kmem_cache), 0,
			SLAB_HWCACHE_ALIGN | slub_debug_flags_for("kmem_cache"),
			NULL))
		panic("kmem_cache_init: cannot lay out the cache of caches");
}
