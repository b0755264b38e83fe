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
 * This header is the API: struct kmem_cache is opaque here, except for the
 * few fields the inline fast paths read (struct kmem_cache_fast, its
 * first member); everything else is in mm/slab.h, private to mm/. How
 * the allocator works is explained at the top of mm/slab.c and in
 * docs/3-slab-and-kmalloc.md.
 */
#ifndef KVLAB_MM_SLAB_H
#define KVLAB_MM_SLAB_H

#include <kernel/fault_inject.h>
#include <kernel/preempt.h>
#include <lib/bitops.h>
#include <lib/compiler.h>
#include <lib/overflow.h>
#include <lib/string.h>
#include <lib/types.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/mmdebug.h>
#include <mm/mmzone.h>
#include <mm/page.h>
#include <mm/poison.h>

struct kmem_cache;
struct slab;

/* ---- cache flags (Linux's values) ----------------------------------------- */

#define SLAB_CONSISTENCY_CHECKS 0x00000100UL /* F: check every operation */
#define SLAB_RED_ZONE		0x00000400UL /* Z: red zones around objects */
#define SLAB_POISON		0x00000800UL /* P: poison free objects */
#define SLAB_KMALLOC		0x00001000UL /* a kmalloc-N cache */
#define SLAB_HWCACHE_ALIGN	0x00002000UL /* align objects to cache lines */
#define SLAB_CACHE_DMA		0x00004000UL /* slabs from ZONE_DMA */
#define SLAB_CACHE_DMA32	0x00008000UL /* slabs from ZONE_DMA32 */
#define SLAB_STORE_USER		0x00010000UL /* U: record alloc/free callers */
#define SLAB_PANIC		0x00040000UL /* panic if creation fails */
#define SLAB_NO_USER_FLAGS	0x10000000UL /* slub_debug= does not apply */

#define SLAB_DEBUG_FLAGS                                         \
	(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | \
	 SLAB_STORE_USER)
#define SLAB_FLAGS_PERMITTED                                    \
	(SLAB_DEBUG_FLAGS | SLAB_KMALLOC | SLAB_HWCACHE_ALIGN | \
	 SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | SLAB_PANIC | SLAB_NO_USER_FLAGS)

/* ---- kmalloc sizes -------------------------------------------------------- */

#define KMALLOC_SHIFT_LOW      3
#define KMALLOC_SHIFT_HIGH     13
#define KMALLOC_MIN_SIZE       (1UL << KMALLOC_SHIFT_LOW)    /* 8 */
#define KMALLOC_MAX_CACHE_SIZE (1UL << KMALLOC_SHIFT_HIGH)   /* 8 KiB */
#define KMALLOC_MAX_SIZE       (PAGE_SIZE << MAX_PAGE_ORDER) /* 4 MiB */

/* ---- caches --------------------------------------------------------------- */

/**
 * kmem_cache_create - create a cache of objects of one size
 * @name: the cache's name, for slabinfo and reports (copied, at most 31
 *        characters kept)
 * @size: bytes per object, at least 1
 * @align: minimum alignment, a power of two up to PAGE_SIZE (0: none
 *         beyond 8 bytes); a kmalloc cache (SLAB_KMALLOC) may ask for
 *         more, its power-of-two size
 * @flags: SLAB_HWCACHE_ALIGN, SLAB_CACHE_DMA(32), debug flags
 *         (SLAB_POISON...), SLAB_PANIC, SLAB_NO_USER_FLAGS
 * @ctor: run once on every object when its slab is created (not on every
 *        allocation): objects go back to the cache in their constructed
 *        state; NULL for none
 *
 * slub_debug= on the command line may add debug flags, unless @flags has
 * SLAB_NO_USER_FLAGS.
 *
 * Context: may sleep; after kmem_cache_init().
 * Return: the cache, or NULL (with a warning naming the reason) for a bad
 * argument or no memory; with SLAB_PANIC it panics instead.
 */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned long flags,
				     void (*ctor)(void *));

/**
 * kmem_cache_destroy - free a cache and its slabs
 * @s: the cache, or NULL (nothing to do)
 *
 * Objects still allocated are a leak: reported with their count, and
 * their memory (and the cache) kept. The boot caches (kmalloc-N and the
 * cache of caches) cannot be destroyed: a warning.
 *
 * Context: may sleep.
 */
void kmem_cache_destroy(struct kmem_cache *s);

/**
 * kmem_cache_shrink - give every empty slab of a cache back to the buddy allocator
 * @s: the cache
 *
 * The CPU slab is given up first, so it is freed too when empty.
 *
 * Context: any.
 * Return: 0.
 */
int kmem_cache_shrink(struct kmem_cache *s);

/**
 * kmem_cache_shrink_all - kmem_cache_shrink() every cache
 *
 * The test checkers' settle hook: afterwards the counts are exact.
 *
 * Context: any.
 */
void kmem_cache_shrink_all(void);

/**
 * kmem_cache_validate - check every slab of a cache
 * @s: the cache
 *
 * Walks the freelists and counts (the invariants of mm/slab.c) and, with
 * red zones or poisoning, every object's bytes. Problems are reported and
 * repaired.
 *
 * Context: any.
 * Return: the number of problems found.
 */
unsigned int kmem_cache_validate(struct kmem_cache *s);

/**
 * kmem_cache_init - set up the cache of caches
 *
 * Context: boot, once the buddy allocator runs; the host tests call it
 * again on each new arena.
 */
void kmem_cache_init(void);

/**
 * kmalloc_init - create the kmalloc-N and dma-kmalloc-N caches
 *
 * Context: boot, after kmem_cache_init().
 */
void kmalloc_init(void);

/**
 * kmem_cache_init_late - what the kernel adds around the allocator
 *
 * Registers the slab checker with the test runner and prints the boot
 * line (mm/slab_glue.c).
 *
 * Context: boot, after kmalloc_init(); not in the host build.
 */
void kmem_cache_init_late(void);

/**
 * slab_is_available - may kmem_cache_create() and kmalloc() be called yet?
 *
 * Context: any.
 * Return: true once kmem_cache_init() has run.
 */
bool slab_is_available(void);

/**
 * show_slabinfo - print every cache in /proc/slabinfo version 2.1 format
 *
 * Context: any (prints to the console).
 */
void show_slabinfo(void);

/**
 * show_slab_stats - print what slabinfo has no column for
 * @name: only this cache; NULL for every cache
 *
 * One "slab: <cache> ..." line per cache: its preferred and fallback
 * orders, its slabs and pages, and how often a slab was made at the
 * fallback order (Linux's order_fallback) or given back empty.
 *
 * Context: any (prints to the console).
 */
void show_slab_stats(const char *name);

/**
 * kmem_cache_active_objects - objects of a cache in use
 * @s: the cache
 *
 * Context: any.
 * Return: the objects allocated and not freed.
 */
unsigned long kmem_cache_active_objects(struct kmem_cache *s);

/**
 * kmem_cache_total_objects - objects of all the slabs of a cache
 * @s: the cache
 *
 * Context: any.
 * Return: the objects the cache's slabs hold, free or not.
 */
unsigned long kmem_cache_total_objects(const struct kmem_cache *s);

/**
 * kmem_cache_name - a cache's name
 * @s: the cache, or NULL
 *
 * Context: any.
 * Return: the name given to kmem_cache_create(); "(none)" for NULL.
 */
const char *kmem_cache_name(const struct kmem_cache *s);

/**
 * kmem_cache_find - look a cache up by name
 * @name: the name, as slabinfo prints it
 *
 * Context: any.
 * Return: the newest cache of that name, or NULL.
 */
struct kmem_cache *kmem_cache_find(const char *name);

/**
 * slab_pages - pages held by all slab caches (meminfo's Slab:)
 *
 * Context: any.
 * Return: the number of pages; 0 before kmem_cache_init().
 */
unsigned long slab_pages(void);

/**
 * slab_live_objects - objects in use in all caches
 *
 * Context: any.
 * Return: the sum of kmem_cache_active_objects() over every cache.
 */
unsigned long slab_live_objects(void);

/**
 * slub_debug_flags_for - the debug flags slub_debug= gives a cache
 * @name: the cache's name
 *
 * Context: any.
 * Return: SLAB_* debug flags, 0 if slub_debug= names none for @name.
 */
unsigned long slub_debug_flags_for(const char *name);

/**
 * slab_debug_state - slub_debug= in words, for logs and benchmark tables
 *
 * Context: any; the string is static and changes with the next call.
 * Return: ", slub_debug=FZPU" (letters and cache list as given) or
 * ", slub_debug off".
 */
const char *slab_debug_state(void);

/* ---- the inline fast paths ------------------------------------------------ */

/*
 * kmalloc(), kfree(), kmem_cache_alloc() and kmem_cache_free() are inline:
 * their common case is a few instructions, and a call would cost as much
 * again (measured: kmalloc_pair 52 -> 86 guest instructions). What they
 * read of a cache is the struct kmem_cache_fast below, the first member of
 * struct kmem_cache; the rest of the cache is private to mm/ (mm/slab.h),
 * and so is every path these functions do not finish: those are calls.
 */

/*
 * One CPU's view of a cache: the slab it allocates from (opaque here) and
 * that slab's free objects, linked through their encoded free pointers.
 * Frees of objects of that slab go straight back onto this list.
 */
struct kmem_cache_cpu {
	void *freelist;	   /* first free object of @slab, or NULL */
	struct slab *slab; /* the CPU slab, or NULL */
};

/*
 * start_magic: x is a multiple of the slot size (for x < 2^32) exactly
 * when x * start_magic < start_magic (mod 2^64), Lemire's divisibility
 * test with start_magic = 2^64 / size rounded up. 0 for debug caches,
 * whose frees all take the checked path.
 */
#define KMEM_CACHE_FAST_FIELDS                                              \
	struct kmem_cache_cpu __percpu *cpu_slab; /* this_cpu_seg() */      \
	unsigned long random;	  /* freelist pointer hardening key */      \
	unsigned long offset;	  /* free pointer, bytes from the object */ \
	u64 start_magic;	  /* see above */                           \
	unsigned int object_size; /* bytes the user asked for */

/* The fields of struct kmem_cache that the inline paths read. */
struct kmem_cache_fast {
	KMEM_CACHE_FAST_FIELDS
};

/**
 * kmem_cache_fast - the inline paths' view of a cache
 * @s: the cache
 *
 * Context: any.
 * Return: @s's first member, struct kmem_cache_fast.
 */
static __always_inline struct kmem_cache_fast *
kmem_cache_fast(const struct kmem_cache *s)
{
	return (struct kmem_cache_fast *)s;
}

/* kmalloc_caches[] index: 1 = kmalloc-96, 2 = kmalloc-192, i = 2^i bytes. */
#define NR_KMALLOC_INDEX (KMALLOC_SHIFT_HIGH + 1)

extern struct kmem_cache *kmalloc_caches[NR_KMALLOC_INDEX];
/* dma-kmalloc-N: the same classes with slabs from ZONE_DMA (GFP_DMA). */
extern struct kmem_cache *kmalloc_dma_caches[NR_KMALLOC_INDEX];
/* kmalloc_size_index[(size - 1) / 8]: the kmalloc_caches[] index of size. */
extern u8 kmalloc_size_index[KMALLOC_MAX_CACHE_SIZE / 8];

/**
 * slab_get_freepointer - the next free object after a free object
 * @s: the object's cache
 * @obj: a free object
 *
 * Free pointers are hardened: what is stored at @obj + offset is
 * next ^ random ^ swab64(address where it is stored), so a value
 * overwritten by a buffer overrun or a use after free decodes to garbage
 * rather than an address the attacker chose, and a freelist copied
 * between slots or caches does not decode at all (Linux's
 * CONFIG_SLAB_FREELIST_HARDENED).
 *
 * Context: any.
 * Return: the next free object, or NULL at the end of the list.
 */
static __always_inline void *slab_get_freepointer(const struct kmem_cache *s,
						  const void *obj)
{
	const struct kmem_cache_fast *f = kmem_cache_fast(s);
	unsigned long addr = (unsigned long)obj + f->offset;

	return (void *)(*(const unsigned long *)addr ^ f->random ^
			swab64(addr));
}

/**
 * slab_set_freepointer - store a free object's next pointer
 * @s: the object's cache
 * @obj: a free object
 * @next: the next free object, or NULL
 *
 * Context: any.
 */
static __always_inline void slab_set_freepointer(const struct kmem_cache *s,
						 void *obj, const void *next)
{
	const struct kmem_cache_fast *f = kmem_cache_fast(s);
	unsigned long addr = (unsigned long)obj + f->offset;

	*(unsigned long *)addr = (unsigned long)next ^ f->random ^ swab64(addr);
}

/**
 * slab_freelist_push - put an object on the front of a freelist
 * @s: the object's cache
 * @head: the freelist (a slab's, or a CPU's)
 * @obj: the object
 *
 * The one place an object goes onto a freelist.
 *
 * Context: any.
 */
static __always_inline void slab_freelist_push(const struct kmem_cache *s,
					       void **head, void *obj)
{
	VM_BUG_ON(!obj);
	slab_set_freepointer(s, obj, *head);
	*head = obj;
}

/**
 * slab_freelist_pop - take the first object off a non-empty freelist
 * @s: the cache
 * @head: the freelist
 *
 * Context: any.
 * Return: that object.
 */
static __always_inline void *slab_freelist_pop(const struct kmem_cache *s,
					       void **head)
{
	void *obj = *head;

	VM_BUG_ON(!obj);
	*head = slab_get_freepointer(s, obj);
	return obj;
}

/*
 * The naive double-free check: an object freed while it is its freelist's
 * head. `make BREAK=slab_double_free` plants the bug of leaving it out, so
 * the tests can show they catch it (scripts/runtests.py: broken-slab).
 */
#ifdef KVLAB_BREAK_SLAB_DOUBLE_FREE
#define slab_freelist_head_is(obj, head) ((void)(obj), (void)(head), false)
#else
#define slab_freelist_head_is(obj, head) ((obj) == (head))
#endif

/*
 * Flags a slab allocation must not carry (Linux's GFP_SLAB_BUG_MASK):
 * slabs are not highmem, and there are no DMA32 kmalloc caches. They are
 * reported and stripped.
 */
#define GFP_SLAB_BUG_MASK (__GFP_DMA32 | __GFP_HIGHMEM | ~__GFP_BITS_MASK)

/* The address of this instruction: the caller, for reports. */
#define SLAB_THIS_IP                                            \
	({                                                      \
		unsigned long __ip;                             \
		__asm__("leaq 1f(%%rip), %0\n1:" : "=r"(__ip)); \
		__ip;                                           \
	})

/**
 * virt_to_head_slab - the head page of the block holding an address
 * @p: an address
 * @pagep: where to put the head page
 * @sp: where to put the head page's slab_cache (meaningful if PG_slab)
 *
 * A tail page links to its head (compound_head = head | 1, in the word
 * where a slab's head page keeps slab_cache, an even pointer). A link
 * that does not point back within one block's reach is no link, and the
 * page itself is taken, for the caller to find that it is neither a slab
 * nor a large kmalloc. The one pfn-to-head-page lookup of the slab
 * allocator: the free fast path, the checked free path, virt_to_cache(),
 * ksize() and krealloc(). It hands back the word it read, so the fast
 * path does not read it twice.
 *
 * Context: any.
 * Return: false (and nothing stored) if @p is not a direct-map address
 * of RAM.
 */
static __always_inline bool
virt_to_head_slab(const void *p, struct page **pagep, struct kmem_cache **sp)
{
	unsigned long pfn = ((unsigned long)p - PAGE_OFFSET) >> PAGE_SHIFT;
	struct kmem_cache *s;
	struct page *page;

	if (unlikely(pfn >= max_pfn))
		return false;
	page = mem_map + pfn;
	s = page->slab_cache;
	if (unlikely((unsigned long)s & 1) &&
	    likely((unsigned long)page - ((unsigned long)s - 1) <
		   sizeof(struct page) << MAX_PAGE_ORDER)) {
		page = (struct page *)((unsigned long)s - 1);
		s = page->slab_cache;
	}
	*pagep = page;
	*sp = s;
	return true;
}

/**
 * __slab_alloc - the allocation slow path (mm/slab.c)
 * @s: the cache
 * @gfp: the caller's flags
 * @orig_size: bytes requested (kmalloc), 0 for the whole object
 * @ip: the caller, for reports
 *
 * Context: may sleep unless @gfp forbids it.
 * Return: the object, or NULL.
 */
void *__slab_alloc(struct kmem_cache *s, gfp_t gfp, size_t orig_size,
		   unsigned long ip);

/**
 * __slab_free - the free slow path for a slab the CPU does not own (mm/slab.c)
 * @s: the cache
 * @page: the slab's head page
 * @obj: an object start of that slab
 * @ip: the caller, for reports
 *
 * Context: any.
 */
void __slab_free(struct kmem_cache *s, struct page *page, void *obj,
		 unsigned long ip);

/**
 * __kfree_checked - every free the inline path does not finish (mm/slab.c)
 * @obj: the pointer freed
 * @expect: the cache named by kmem_cache_free(), or NULL for kfree()
 * @ip: the caller, for reports
 *
 * NULL, ZERO_SIZE_PTR, large kmalloc blocks, and misuse (reported).
 *
 * Context: any.
 */
void __kfree_checked(const void *obj, const struct kmem_cache *expect,
		     unsigned long ip);

/**
 * slab_alloc - allocate from the CPU slab's freelist, or take the slow path
 * @s: the cache
 * @gfp: the caller's flags
 * @orig_size: bytes requested (kmalloc), 0 for the whole object
 *
 * The slow path: no free object there (debug caches never have one),
 * failure injection armed, a sleeping allocation in atomic context, or
 * GFP_SLAB_BUG_MASK flags (all to be reported). SLAB_THIS_IP is only
 * computed there, where it is needed.
 *
 * Context: may sleep unless @gfp forbids it.
 * Return: the object, or NULL.
 */
static __always_inline void *slab_alloc(struct kmem_cache *s, gfp_t gfp,
					size_t orig_size)
{
	struct kmem_cache_fast *f = kmem_cache_fast(s);
	struct kmem_cache_cpu __pcpu_seg *c = this_cpu_seg(f->cpu_slab);
	int odd = failslab.enabled;
	void *obj;

	if (gfpflags_allow_blocking(gfp))
		odd |= preempt_count;
	if (gfp & GFP_SLAB_BUG_MASK)
		odd = 1; /* to be reported and fixed up */
	if (unlikely(!c->freelist || odd))
		return __slab_alloc(s, gfp, orig_size, SLAB_THIS_IP);
	obj = c->freelist;
	c->freelist = slab_get_freepointer(s, obj);
	if (unlikely(gfp & __GFP_ZERO))
		memset(obj, 0, f->object_size);
	return obj;
}

/**
 * slab_fast_object_start - the inline free path's object-start test
 * @f: the cache's fast fields
 * @page: the head page of the slab @obj lies in
 * @obj: the pointer freed
 *
 * An object start: its offset in the slab (va & the slab's own mask,
 * which is the offset because the direct map keeps a buddy block's
 * alignment; slabs of one cache differ in order) is a multiple of the
 * slot size, and the quotient, the high half of the same product, is
 * below the slab's object count, so the unused tail is refused too. A
 * debug cache's start_magic is 0, which no offset passes.
 *
 * Context: any.
 * Return: true if @obj is an object start the inline path may free;
 * false sends it to the checked path.
 */
static __always_inline bool
slab_fast_object_start(const struct kmem_cache_fast *f, const struct page *page,
		       const void *obj)
{
	unsigned __int128 prod =
		(unsigned __int128)((unsigned long)obj & page->slab_mask) *
		f->start_magic;

	/* The hint here, not at the caller, keeps the checked call out of line. */
	return !unlikely((u64)prod >= f->start_magic ||
			 (u32)(prod >> 64) >= page->objects);
}

/**
 * slab_free - free a slab object, or take the checked path
 * @obj: the pointer freed
 * @expect: the cache the caller named (kmem_cache_free), or NULL (kfree)
 *
 * The fast path: a direct-map address of a slab object start (one
 * multiply checks it). If its slab is the CPU slab, push it onto the CPU
 * freelist after the naive double-free check (is it already the head?);
 * otherwise push it onto its own slab's freelist, unless that slab
 * changes list (it was full, or becomes empty): __slab_free() handles
 * those. Anything else (NULL, ZERO_SIZE_PTR, large kmalloc, a foreign or
 * misaligned pointer, a wrong cache, a debug cache) goes to the checked
 * path, which reports misuse.
 *
 * Context: any.
 */
static __always_inline void slab_free(const void *obj,
				      struct kmem_cache *expect)
{
	struct kmem_cache_fast *f;
	struct kmem_cache_cpu __pcpu_seg *c;
	struct kmem_cache *s;
	struct page *page;

	if (unlikely(!virt_to_head_slab(obj, &page, &s) || !PageSlab(page)))
		goto checked;
	if (expect && unlikely(s != expect))
		goto checked;
	f = kmem_cache_fast(s);
	if (!slab_fast_object_start(f, page, obj))
		goto checked;
	c = this_cpu_seg(f->cpu_slab);
	if (likely((void *)page == (void *)c->slab)) {
		if (unlikely(slab_freelist_head_is(obj, c->freelist)))
			goto checked;
		slab_set_freepointer(s, (void *)obj, c->freelist);
		c->freelist = (void *)obj;
		return;
	}
	if (unlikely(!page->freelist ||
		     slab_freelist_head_is(obj, page->freelist) ||
		     page->inuse <= 1)) {
		__slab_free(s, page, (void *)obj, SLAB_THIS_IP);
		return;
	}
	slab_freelist_push(s, &page->freelist, (void *)obj);
	page->inuse--;
	return;
checked:
	__kfree_checked(obj, expect, SLAB_THIS_IP);
}

/* ---- objects -------------------------------------------------------------- */

/**
 * kmem_cache_alloc - allocate an object from a cache
 * @s: the cache
 * @gfp: how to allocate the slab, if one is needed (GFP_KERNEL...);
 *       __GFP_ZERO zeroes the object
 *
 * __GFP_DMA32 and __GFP_HIGHMEM are reported and ignored.
 *
 * Context: may sleep unless @gfp forbids it.
 * Return: the object, or NULL when no slab could be had.
 */
static __always_inline void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc(s, gfp, 0);
}

/**
 * kmem_cache_zalloc - allocate a zeroed object from a cache
 * @s: the cache
 * @gfp: as kmem_cache_alloc()
 *
 * Context: may sleep unless @gfp forbids it.
 * Return: the object, all bytes 0, or NULL.
 */
static __always_inline void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc(s, gfp | __GFP_ZERO, 0);
}

/**
 * kmem_cache_free - give an object back to its cache
 * @s: the cache it came from
 * @obj: the object (NULL does nothing)
 *
 * An object of another cache, a pointer inside an object, a double free:
 * reported, and the object left alone.
 *
 * Context: any.
 */
static __always_inline void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	slab_free(obj, s);
}

/* ---- kmalloc -------------------------------------------------------------- */

/**
 * kmalloc_index - Linux's size-to-cache mapping
 * @size: bytes requested
 *
 * The reference the kmalloc size table is built from (and tested
 * against).
 *
 * Context: any.
 * Return: 0 for 0 bytes, 1 for 65..96 (kmalloc-96), 2 for 129..192
 * (kmalloc-192), else the smallest i with @size <= 2^i, from 3
 * (kmalloc-8) to 13 (kmalloc-8k); -1 above 8 KiB.
 */
static __always_inline int kmalloc_index(size_t size)
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

/**
 * __kmalloc_large - kmalloc() above 8 KiB: a compound buddy block (mm/kmalloc.c)
 * @size: bytes, above KMALLOC_MAX_CACHE_SIZE
 * @gfp: as kmalloc()
 * @ip: the caller, for reports
 *
 * Context: may sleep unless @gfp forbids it.
 * Return: the block's address, or NULL (with a warning above
 * KMALLOC_MAX_SIZE unless __GFP_NOWARN).
 */
void *__kmalloc_large(size_t size, gfp_t gfp, unsigned long ip);

/**
 * kmalloc - allocate memory
 * @size: bytes
 * @gfp: GFP_KERNEL, GFP_ATOMIC...; __GFP_ZERO zeroes it; GFP_DMA serves
 *       it from the dma-kmalloc caches, below 16 MiB; __GFP_DMA32 and
 *       __GFP_HIGHMEM are reported and ignored, at every size
 *
 * Up to 8 KiB from the kmalloc-N cache of @size's class, aligned to the
 * largest power of two dividing the class size (at least 8), the class
 * found with one table load; above, a compound buddy block.
 *
 * Context: may sleep unless @gfp forbids it.
 * Return: the memory; ZERO_SIZE_PTR for 0 bytes; NULL on failure.
 */
static __always_inline void *kmalloc(size_t size, gfp_t gfp)
{
	if (unlikely(gfp & __GFP_DMA) && size - 1 < KMALLOC_MAX_CACHE_SIZE)
		return slab_alloc(
			kmalloc_dma_caches[kmalloc_size_index[(size - 1) >> 3]],
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

/**
 * kzalloc - allocate zeroed memory
 * @size: bytes
 * @gfp: as kmalloc()
 *
 * Context: may sleep unless @gfp forbids it.
 * Return: as kmalloc(), every byte 0.
 */
static __always_inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

/**
 * kfree - free memory from kmalloc() (or any slab object, as Linux allows)
 * @obj: what kmalloc() returned; NULL and ZERO_SIZE_PTR do nothing
 *
 * A pointer that is not the start of a kmalloc object or block is
 * reported and left alone.
 *
 * Context: any.
 */
static __always_inline void kfree(const void *obj)
{
	slab_free(obj, NULL);
}

/**
 * kmalloc_array - allocate an array
 * @n: elements
 * @size: bytes per element
 * @gfp: as kmalloc()
 *
 * Context: may sleep unless @gfp forbids it.
 * Return: as kmalloc(); NULL if @n * @size overflows.
 */
static inline void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return kmalloc(bytes, gfp);
}

/**
 * kcalloc - allocate a zeroed array
 * @n: elements
 * @size: bytes per element
 * @gfp: as kmalloc()
 *
 * Context: may sleep unless @gfp forbids it.
 * Return: as kmalloc_array(), every byte 0.
 */
static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kmalloc_array(n, size, gfp | __GFP_ZERO);
}

/**
 * ksize - the bytes usable at a kmalloc() pointer
 * @obj: what kmalloc() returned
 *
 * The caller may use all of them (its size class, or its large block);
 * under slub_debug Z the object's tail stops being a red zone.
 *
 * Context: any.
 * Return: the bytes; 0 for NULL and ZERO_SIZE_PTR, and 0 after a warning
 * if @obj is not the start of a kmalloc object.
 */
size_t ksize(const void *obj);

/**
 * krealloc - resize memory from kmalloc()
 * @p: what kmalloc() returned; NULL: as kmalloc()
 * @new_size: bytes wanted; 0: kfree(@p)
 * @gfp: as kmalloc()
 *
 * The contents are kept up to the smaller size. Stays in place when
 * @new_size fits the object (shrinking re-red-zones the tail under
 * slub_debug Z); otherwise moves. With __GFP_ZERO the bytes beyond the
 * old size come back zeroed, provided every call for the object (its
 * allocation included) passed __GFP_ZERO, as Linux asks: a shrink zeroes
 * what lies past @new_size.
 *
 * Context: may sleep unless @gfp forbids it.
 * Return: the object; ZERO_SIZE_PTR for @new_size 0; NULL on failure
 * (then @p is untouched).
 */
void *krealloc(const void *p, size_t new_size, gfp_t gfp);

/**
 * krealloc_array - resize an array from kmalloc()
 * @p: as krealloc()
 * @n: elements
 * @size: bytes per element
 * @gfp: as kmalloc()
 *
 * Context: may sleep unless @gfp forbids it.
 * Return: as krealloc(); NULL if @n * @size overflows.
 */
static inline void *krealloc_array(void *p, size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return krealloc(p, bytes, gfp);
}

/**
 * kmemdup - copy memory into a new kmalloc() block
 * @src: the bytes
 * @len: how many
 * @gfp: as kmalloc()
 *
 * Context: may sleep unless @gfp forbids it.
 * Return: the copy, or NULL (ZERO_SIZE_PTR for @len 0).
 */
void *kmemdup(const void *src, size_t len, gfp_t gfp);

/**
 * kstrdup - copy a string into a new kmalloc() block
 * @s: the string, or NULL
 * @gfp: as kmalloc()
 *
 * Context: may sleep unless @gfp forbids it.
 * Return: the copy, or NULL (for NULL @s too).
 */
char *kstrdup(const char *s, gfp_t gfp);

#endif
