/*
 * include/mm/slab.h: object caches (kmem_cache_*) and kmalloc, with
 * Linux's names and semantics (include/linux/slab.h, 6.x).
 *
 *   struct kmem_cache *c = kmem_cache_create("inode", sizeof(struct inode),
 *                                            0, SLAB_HWCACHE_ALIGN, NULL);
 *   struct inode *i = kmem_cache_alloc(c, GFP_KERNEL);
 *   kmem_cache_free(c, i);
 *
 *   char *buf = kmalloc(100, GFP_KERNEL);     from kmalloc-128
 *   kfree(buf);
 *
 * The allocation and free fast paths are inline below (the size-class
 * table lookup, then a pop from or push onto the CPU's freelist); every
 * other case calls into mm/slab.c. How the allocator works is explained at
 * the top of mm/slab.c and in docs/3-slab-and-kmalloc.md.
 */
#ifndef KVLAB_MM_SLAB_H
#define KVLAB_MM_SLAB_H

#include <kernel/fault_inject.h>
#include <kernel/preempt.h>
#include <lib/bitops.h>
#include <lib/compiler.h>
#include <lib/list.h>
#include <lib/overflow.h>
#include <lib/string.h>
#include <lib/types.h>
#include <mm/gfp.h>
#include <mm/mmzone.h>
#include <mm/page.h>
#include <mm/poison.h>

/* ---- cache flags (Linux's values) ----------------------------------------- */

#define SLAB_CONSISTENCY_CHECKS	0x00000100UL	/* F: check every operation */
#define SLAB_RED_ZONE		0x00000400UL	/* Z: red zones around objects */
#define SLAB_POISON		0x00000800UL	/* P: poison free objects */
#define SLAB_KMALLOC		0x00001000UL	/* a kmalloc-N cache */
#define SLAB_HWCACHE_ALIGN	0x00002000UL	/* align objects to cache lines */
#define SLAB_CACHE_DMA		0x00004000UL	/* slabs from ZONE_DMA */
#define SLAB_CACHE_DMA32	0x00008000UL	/* slabs from ZONE_DMA32 */
#define SLAB_STORE_USER		0x00010000UL	/* U: record alloc/free callers */
#define SLAB_PANIC		0x00040000UL	/* panic if creation fails */
#define SLAB_NO_USER_FLAGS	0x10000000UL	/* slub_debug= does not apply */

#define SLAB_DEBUG_FLAGS	(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
				 SLAB_POISON | SLAB_STORE_USER)
#define SLAB_FLAGS_PERMITTED	(SLAB_DEBUG_FLAGS | SLAB_KMALLOC |        \
				 SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA |      \
				 SLAB_CACHE_DMA32 | SLAB_PANIC |            \
				 SLAB_NO_USER_FLAGS)

/* ---- tuning --------------------------------------------------------------- */

#define SLAB_MAX_ORDER		3	/* Linux's slub_max_order default */
#define SLAB_MIN_OBJECTS	16	/* what the order search aims for */
#define SLAB_MIN_ALIGN		8	/* ARCH_SLAB_MINALIGN, sizeof(void *) */
#define SLAB_CACHE_LINE		64	/* cache_line_size() */
#define SLAB_NAME_LEN		32

#define KMALLOC_SHIFT_LOW	3
#define KMALLOC_SHIFT_HIGH	13
#define KMALLOC_MIN_SIZE	(1UL << KMALLOC_SHIFT_LOW)	/* 8 */
#define KMALLOC_MAX_CACHE_SIZE	(1UL << KMALLOC_SHIFT_HIGH)	/* 8 KiB */
#define KMALLOC_MAX_SIZE	(PAGE_SIZE << MAX_PAGE_ORDER)	/* 4 MiB */
/* kmalloc_caches[] index: 1 = kmalloc-96, 2 = kmalloc-192, i = 2^i bytes. */
#define NR_KMALLOC_INDEX	(KMALLOC_SHIFT_HIGH + 1)

/* ---- the cache ------------------------------------------------------------ */

/*
 * One CPU's view of a cache: the slab it allocates from and that slab's
 * free objects, linked through their (encoded) free pointers. Frees of
 * objects of this slab go straight back onto this list.
 */
struct kmem_cache_cpu {
	void *freelist;		/* first free object of @page, or NULL */
	struct page *page;	/* the CPU slab, or NULL */
};

struct kmem_cache {
	/* Read by the inline fast paths: keep them together, first. */
	struct kmem_cache_cpu cpu_slab[NR_CPUS];
	unsigned long random;		/* freelist pointer hardening key */
	unsigned long offset;		/* free pointer, bytes from the object */
	unsigned long size;		/* bytes per object slot (stride) */
	/*
	 * start_magic: x is a multiple of @size (for x < 2^32) exactly when
	 * x * start_magic < start_magic (mod 2^64), Lemire's divisibility
	 * test with start_magic = 2^64 / size rounded up. 0 for caches whose
	 * objects do not start at slot boundaries (red zones): their frees
	 * all take the checked path.
	 */
	u64 start_magic;

	/* Layout (see the diagram in mm/slab.c). */
	unsigned long flags;		/* SLAB_* */
	unsigned int object_size;	/* bytes the user asked for */
	unsigned int inuse;		/* object + right red zone, bytes */
	unsigned int red_left_pad;	/* left red zone, bytes */
	unsigned int align;		/* object alignment, bytes */
	unsigned int track_offset;	/* U: struct slab_track[2], from the object */
	unsigned int orig_size_offset;	/* kmalloc + Z: requested size, from the object */
	/*
	 * Two slab sizes, as Linux's s->oo and s->min: a new slab is tried
	 * at @order (quietly, without retrying or the reserves) and, when
	 * memory is too fragmented for that, made at @min_order, which
	 * holds one object. Each slab's own order is its head page's
	 * @order field and its object count page->objects.
	 */
	unsigned int order;		/* preferred slab: 2^order pages */
	unsigned int objects;		/* objects in a slab of @order */
	unsigned int min_order;		/* fallback slab: get_order(size) */
	unsigned int min_objects;	/* objects in a slab of @min_order */
	unsigned int min_partial;	/* empty slabs kept before freeing them */
	void (*ctor)(void *obj);

	/* Slabs not owned by the CPU. */
	struct list_head partial;	/* some objects free */
	struct list_head full;		/* no object free */
	unsigned long nr_partial;	/* slabs on @partial */
	unsigned long nr_slabs;		/* every slab of the cache */
	unsigned long nr_slab_pages;	/* pages of all those slabs */
	unsigned long nr_objects;	/* objects of all those slabs, free or not */
	unsigned long nr_order_fallback; /* slabs made at @min_order (Linux's order_fallback) */
	unsigned long nr_empty_freed;	/* empty slabs given back to the buddy */

	/* Debugging. */
	unsigned long nr_debug_reports;	/* problems found (and repaired) */

	struct list_head list;		/* on slab_caches */
	char name[SLAB_NAME_LEN];
	bool destroy_failed;		/* kmem_cache_destroy() found live objects */
};

/* ---- caches --------------------------------------------------------------- */

/*
 * kmem_cache_create - a cache of @size-byte objects.
 * @align: minimum alignment (0: none beyond SLAB_MIN_ALIGN); a power of 2.
 * @flags: SLAB_HWCACHE_ALIGN, debug flags (SLAB_POISON...), SLAB_PANIC.
 * @ctor: run once on every object when its slab is created (not on every
 *        allocation): objects go back to the cache in their constructed state.
 * Context: may sleep. Return: the cache, or NULL (with a warning) for a
 * bad argument or no memory; SLAB_PANIC panics instead.
 */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned long flags,
				     void (*ctor)(void *));

/*
 * kmem_cache_destroy - free @s and its slabs. Objects still allocated are
 * a leak: reported with the count, and their memory (and the cache) kept.
 * NULL does nothing.
 */
void kmem_cache_destroy(struct kmem_cache *s);

/*
 * kmem_cache_shrink - give every empty slab back to the buddy allocator
 * (the CPU slab included, when empty). Return: 0.
 */
int kmem_cache_shrink(struct kmem_cache *s);

/* kmem_cache_shrink_all - every cache; the test checkers' settle hook. */
void kmem_cache_shrink_all(void);

/*
 * kmem_cache_validate - walk every slab of @s: freelists, counts, and
 * with red zones or poisoning every object's bytes. Problems are reported
 * and repaired. Return: the number of problems found.
 */
unsigned int kmem_cache_validate(struct kmem_cache *s);

/* Boot: the cache of caches, then the kmalloc caches. */
void kmem_cache_init(void);
void kmalloc_init(void);
bool slab_is_available(void);

/* show_slabinfo - every cache, in /proc/slabinfo version 2.1 format. */
void show_slabinfo(void);
/*
 * show_slab_stats - one "slab: <cache> ..." line per cache (@name's only,
 * unless NULL): the preferred and fallback orders, pages, and the
 * order_fallback count.
 */
void show_slab_stats(const char *name);

/* Counters for tests and slabinfo. */
unsigned long kmem_cache_active_objects(struct kmem_cache *s);
unsigned long kmem_cache_total_objects(const struct kmem_cache *s);
unsigned long slab_pages(void);
unsigned long slab_live_objects(void);
struct kmem_cache *kmem_cache_find(const char *name);

/* slub_debug=: the flags it gives @name's cache (0 if none). */
unsigned long slub_debug_flags_for(const char *name);
/* ", slub_debug=FZPU" or ", slub_debug off": for logs and benchmark tables. */
const char *slab_debug_state(void);

/* ---- the fast paths ------------------------------------------------------- */

/*
 * Hardened free pointer: what is stored at object + offset is
 *
 *   next ^ s->random ^ swab64(address where it is stored)
 *
 * so a value overwritten by a buffer overrun or a use after free decodes
 * to garbage rather than an address the attacker chose, and a freelist
 * copied between slots or caches does not decode at all (Linux's
 * CONFIG_SLAB_FREELIST_HARDENED).
 */
static __always_inline void *slab_get_freepointer(const struct kmem_cache *s,
						  const void *obj)
{
	unsigned long addr = (unsigned long)obj + s->offset;

	return (void *)(*(const unsigned long *)addr ^ s->random ^ swab64(addr));
}

static __always_inline void slab_set_freepointer(const struct kmem_cache *s,
						 void *obj, const void *next)
{
	unsigned long addr = (unsigned long)obj + s->offset;

	*(unsigned long *)addr = (unsigned long)next ^ s->random ^ swab64(addr);
}

/*
 * Flags a slab allocation must not carry (Linux's GFP_SLAB_BUG_MASK):
 * slabs are not highmem, and there are no DMA32 kmalloc caches. They are
 * reported and stripped.
 */
#define GFP_SLAB_BUG_MASK	(__GFP_DMA32 | __GFP_HIGHMEM | ~__GFP_BITS_MASK)

/* The address of this instruction: the caller, for reports. */
#define SLAB_THIS_IP                                                          \
	({                                                                    \
		unsigned long __ip;                                           \
		__asm__("leaq 1f(%%rip), %0\n1:" : "=r"(__ip));               \
		__ip;                                                         \
	})

/* The slow paths, in mm/slab.c. */
void *__slab_alloc(struct kmem_cache *s, gfp_t gfp, size_t orig_size,
		   unsigned long ip);
void __slab_free(struct kmem_cache *s, struct page *page, void *obj,
		 unsigned long ip);
void __kfree_checked(const void *obj, const struct kmem_cache *expect,
		     unsigned long ip);

/*
 * Allocate from the CPU slab's freelist, or take the slow path: no free
 * object there (debug caches never have one), failure injection armed,
 * or a sleeping allocation in atomic context (to be reported).
 * SLAB_THIS_IP is only computed on the slow path, where it is needed.
 */
static __always_inline void *slab_alloc(struct kmem_cache *s, gfp_t gfp,
					size_t orig_size)
{
	struct kmem_cache_cpu *c = &s->cpu_slab[0];
	void *obj = c->freelist;
	int odd = failslab.enabled;

	if (gfpflags_allow_blocking(gfp))
		odd |= preempt_count;
	if (gfp & GFP_SLAB_BUG_MASK)
		odd = 1;		/* to be reported and fixed up */
	if (unlikely(!obj || odd))
		return __slab_alloc(s, gfp, orig_size, SLAB_THIS_IP);
	c->freelist = slab_get_freepointer(s, obj);
	if (unlikely(gfp & __GFP_ZERO))
		memset(obj, 0, s->object_size);
	return obj;
}

/*
 * The naive double-free check: an object freed while it is its freelist's
 * head. `make BREAK=slab_double_free` plants the bug of leaving it out, so
 * the tests can show they catch it (scripts/runtests.py: broken-slab).
 */
#ifdef KVLAB_BREAK_SLAB_DOUBLE_FREE
#define slab_freelist_head_is(obj, head)	((void)(obj), (void)(head), false)
#else
#define slab_freelist_head_is(obj, head)	((obj) == (head))
#endif

/*
 * Free @obj. The fast path: a direct-map address of a slab object start
 * (one multiply checks it). If its slab is the CPU slab, push it onto the
 * CPU freelist after the naive double-free check (is it already the
 * head?); otherwise push it onto its own slab's freelist, unless that
 * slab changes list (it was full, or becomes empty) or its cache
 * debugs: __slab_free() handles those. Anything else (NULL,
 * ZERO_SIZE_PTR, large kmalloc, a foreign or misaligned pointer, a wrong
 * cache) goes to the checked path, which reports misuse.
 * @expect: the cache the caller named (kmem_cache_free), or NULL (kfree).
 */
static __always_inline void slab_free(const void *obj, struct kmem_cache *expect)
{
	unsigned long pfn = ((unsigned long)obj - PAGE_OFFSET) >> PAGE_SHIFT;
	struct kmem_cache_cpu *c;
	struct kmem_cache *s;
	struct page *page, *head;
	unsigned __int128 prod;
	void *prior;

	if (unlikely(pfn >= max_pfn))
		goto checked;
	page = mem_map + pfn;
	s = page->slab_cache;
	if (unlikely((unsigned long)s & 1)) {
		/* A tail page: compound_head, if it is within a block's reach. */
		head = (struct page *)((unsigned long)s - 1);
		if (unlikely((unsigned long)page - (unsigned long)head >=
			     sizeof(struct page) << MAX_PAGE_ORDER))
			goto checked;
		page = head;
		s = page->slab_cache;
	}
	if (unlikely(!(page->flags & (1UL << PG_slab))))
		goto checked;
	if (expect && unlikely(s != expect))
		goto checked;
	/*
	 * An object start: the offset in the slab (the slab's own mask: slabs
	 * of one cache differ in order) is a multiple of the slot size, and
	 * the quotient, the high half of the same product, is below the
	 * slab's object count, so the unused tail is refused too.
	 */
	prod = (unsigned __int128)((unsigned long)obj & page->slab_mask) * s->start_magic;
	if (unlikely((u64)prod >= s->start_magic || (u32)(prod >> 64) >= page->objects))
		goto checked;
	c = &s->cpu_slab[0];
	if (likely(page == c->page)) {
		prior = c->freelist;
		if (unlikely(slab_freelist_head_is(obj, prior)))
			goto checked;
		slab_set_freepointer(s, (void *)obj, prior);
		c->freelist = (void *)obj;
		return;
	}
	prior = page->freelist;
	if (unlikely((s->flags & SLAB_DEBUG_FLAGS) || !prior || slab_freelist_head_is(obj, prior) ||
		     page->inuse <= 1)) {
		__slab_free(s, page, (void *)obj, SLAB_THIS_IP);
		return;
	}
	slab_set_freepointer(s, (void *)obj, prior);
	page->freelist = (void *)obj;
	page->inuse--;
	return;
checked:
	__kfree_checked(obj, expect, SLAB_THIS_IP);
}

static __always_inline void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc(s, gfp, 0);
}

static __always_inline void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc(s, gfp | __GFP_ZERO, 0);
}

/*
 * kmem_cache_free - give @obj back to @s. Context: any. An object of
 * another cache, a pointer inside an object, a double free: reported,
 * and the object left alone.
 */
static __always_inline void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	slab_free(obj, s);
}

/* ---- kmalloc -------------------------------------------------------------- */

extern struct kmem_cache *kmalloc_caches[NR_KMALLOC_INDEX];
/* dma-kmalloc-N: the same classes with slabs from ZONE_DMA (GFP_DMA). */
extern struct kmem_cache *kmalloc_dma_caches[NR_KMALLOC_INDEX];
/* kmalloc_size_index[(size - 1) / 8]: the kmalloc_caches[] index of size. */
extern u8 kmalloc_size_index[KMALLOC_MAX_CACHE_SIZE / 8];

/*
 * kmalloc_index - Linux's size-to-cache mapping: 0 for 0 bytes, 1 for
 * 65..96 (kmalloc-96), 2 for 129..192 (kmalloc-192), else the smallest i
 * with size <= 2^i, from 3 (kmalloc-8) to 13 (kmalloc-8k); -1 above.
 * The reference the table is built from (and tested against).
 */
static inline int kmalloc_index(size_t size)
{
	if (!size)
		return 0;
	if (size <= KMALLOC_MIN_SIZE)
		return KMALLOC_SHIFT_LOW;
	if (size > 64 && size <= 96)
		return 1;
	if (size > 128 && size <= 192)
		return 2;
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return -1;
	return fls64(size - 1);
}

/* kmalloc_slab - the cache serving kmalloc(@size), or NULL (0 or large). */
static inline struct kmem_cache *kmalloc_slab(size_t size)
{
	if (size - 1 >= KMALLOC_MAX_CACHE_SIZE)
		return NULL;
	return kmalloc_caches[kmalloc_size_index[(size - 1) >> 3]];
}

void *__kmalloc_large(size_t size, gfp_t gfp, unsigned long ip);

/*
 * kmalloc - @size bytes, aligned to the largest power of two dividing the
 * size class (at least 8); with GFP_DMA from the dma-kmalloc caches,
 * below 16 MiB. Context: may sleep unless @gfp forbids it.
 * Return: the memory; ZERO_SIZE_PTR for 0 bytes; NULL on failure. Above
 * 8 KiB the memory is a compound buddy block.
 */
static __always_inline void *kmalloc(size_t size, gfp_t gfp)
{
	if (unlikely(gfp & __GFP_DMA) && size - 1 < KMALLOC_MAX_CACHE_SIZE)
		return slab_alloc(kmalloc_dma_caches[kmalloc_size_index[(size - 1) >> 3]],
				  gfp, size);
	if (likely(size - 1 < KMALLOC_MAX_CACHE_SIZE)) {
		struct kmem_cache *s =
			kmalloc_caches[kmalloc_size_index[(size - 1) >> 3]];

		return slab_alloc(s, gfp, size);
	}
	if (!size)
		return ZERO_SIZE_PTR;
	return __kmalloc_large(size, gfp, SLAB_THIS_IP);
}

static __always_inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

/*
 * kfree - free memory from kmalloc (or any slab object, as Linux allows).
 * NULL and ZERO_SIZE_PTR do nothing; a pointer that is not the start of a
 * kmalloc object is reported and left alone.
 */
static __always_inline void kfree(const void *obj)
{
	slab_free(obj, NULL);
}

/* kmalloc_array/kcalloc: NULL if @n * @size overflows. */
static inline void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return kmalloc(bytes, gfp);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kmalloc_array(n, size, gfp | __GFP_ZERO);
}

/*
 * ksize - the bytes usable at @obj (its size class, or its large block):
 * a caller may use all of them. 0 for NULL and ZERO_SIZE_PTR.
 */
size_t ksize(const void *obj);

/*
 * krealloc - resize @p to @new_size, keeping its contents up to the
 * smaller size. Stays in place when @new_size fits the object (shrinking
 * re-red-zones the tail under slub_debug Z); otherwise moves. @p NULL:
 * kmalloc. @new_size 0: kfree, return ZERO_SIZE_PTR. Return: the object,
 * or NULL on failure (then @p is untouched).
 */
void *krealloc(const void *p, size_t new_size, gfp_t gfp);

static inline void *krealloc_array(void *p, size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return krealloc(p, bytes, gfp);
}

void *kmemdup(const void *src, size_t len, gfp_t gfp);
char *kstrdup(const char *s, gfp_t gfp);

/* The object containing @p, and its cache (NULL if @p is in no slab). */
struct kmem_cache *virt_to_cache(const void *p);

#endif
