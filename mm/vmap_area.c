/*
 * mm/vmap_area.c: managing the vmalloc address space as vmap areas.
 *
 * [VMALLOC_START, VMALLOC_END) is cut into page-aligned ranges, each in
 * exactly one of three states (Linux's mm/vmalloc.c keeps the same three):
 *
 *   free   in the free tree: an rb-tree sorted by address, every node also
 *          holding the largest free size in its subtree, so the lowest
 *          block that fits is found in O(log n) by going left whenever
 *          the left subtree has a big enough block; plus free_list, the
 *          same blocks in address order
 *   busy   in the busy tree (sorted by address, for lookup by address on
 *          vfree and faults) and on vmap_area_list (for vmallocinfo)
 *   lazy   freed, its pages unmapped but the TLB not yet flushed: on the
 *          purge list, not reusable until purge_vmap_area_lazy() flushes
 *          once and returns them all to the free tree
 *
 * Allocating [start, start + size) from a free block takes one of four
 * shapes (Linux calls them FL, LE, RE, NE fit types):
 *
 *   full fit   |<------- block ------->|    the node leaves the free tree
 *              |<------- taken ------->|    (and becomes the busy node)
 *
 *   left edge  |<------- block ------->|    block start moves right
 *              |<- taken ->|
 *
 *   right edge |<------- block ------->|    block end moves left
 *                          |<- taken ->|
 *
 *   middle     |<------- block ------->|    the block keeps the left part;
 *                  |<-taken->|              a new node takes the right part
 *
 * Freeing merges with both neighbours when they touch:
 *
 *   |prev free| freed |next free|   ->   |       one free block      |
 *
 * Invariants (vmap_area_check() verifies them):
 *   1. free blocks are page-aligned, non-empty, sorted, and never touch
 *      (touching blocks would have merged); free_list has them in order;
 *   2. each free node's subtree_max_size is the largest block size in its
 *      subtree;
 *   3. both trees keep the red-black rules;
 *   4. free, busy and lazy ranges never overlap and together cover the
 *      whole vmalloc range exactly;
 *   5. the counters match the lists.
 *
 * Area structs come from kmalloc() through a small stash: a freed area
 * that merges puts its struct there, and the next allocation takes it
 * back without a trip through kmalloc (Linux keeps a kmem_cache and a
 * per-CPU preloaded node for the same reason). A full fit reuses the free
 * node itself. vmap_area_drain() empties the stash (the tests' settle
 * hook, so cached structs never look like leaked slab objects).
 *
 * Locking: none; kvlab runs on one CPU with interrupts off.
 */
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/compiler.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/mmdebug.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>

#include "internal.h"

LIST_HEAD(vmap_area_list);
LIST_HEAD(vmap_purge_list);

static struct {
	struct rb_root free_root;
	struct list_head free_list;
	struct rb_root busy_root;
	unsigned long nr_free, nr_busy, nr_lazy;
	unsigned long lazy_pages; /* pages (guards included) on the purge list */
} vs = {
	.free_list = LIST_HEAD_INIT(vs.free_list),
};

#define VA_STASH_MAX 32 /* spare area structs kept */

static struct vmap_area *va_stash[VA_STASH_MAX];
static unsigned int nr_stashed;

static struct vmap_area *va_get(gfp_t gfp)
{
	if (likely(nr_stashed))
		return va_stash[--nr_stashed];
	return kmalloc(sizeof(struct vmap_area), gfp);
}

static void va_put(struct vmap_area *va)
{
	if (likely(nr_stashed < VA_STASH_MAX))
		va_stash[nr_stashed++] = va;
	else
		kfree(va);
}

void vmap_area_drain(void)
{
	while (nr_stashed)
		kfree(va_stash[--nr_stashed]);
}

static inline struct vmap_area *va_of(const struct rb_node *n)
{
	return rb_entry((struct rb_node *)n, struct vmap_area, rb_node);
}

static inline unsigned long va_size(const struct vmap_area *va)
{
	return va->va_end - va->va_start;
}

static inline unsigned long subtree_max(const struct rb_node *n)
{
	return n ? va_of(n)->subtree_max_size : 0;
}

/* ---- the augmented free tree -------------------------------------------- */

/* The vmalloc lab: your own helpers for the functions below, if any. */
/* BEGIN LAB vmalloc */
/* END LAB */

static bool free_compute(struct rb_node *n)
{
	/* BEGIN LAB vmalloc */
	struct vmap_area *va = va_of(n);
	unsigned long m = va_size(va);

	m = MAX(m, subtree_max(n->rb_left));
	m = MAX(m, subtree_max(n->rb_right));
	if (va->subtree_max_size == m)
		return false;
	va->subtree_max_size = m;
	return true;
	/* END LAB */
}

static void free_copy(struct rb_node *old, struct rb_node *new_top)
{
	va_of(new_top)->subtree_max_size = va_of(old)->subtree_max_size;
}

static const struct rb_augment_callbacks free_aug = {
	.compute = free_compute,
	.copy = free_copy,
};

/*
 * Where a block starting at @start goes in the free tree: the link and
 * its parent, and the neighbours it would have (largest start below,
 * smallest start above).
 */
static struct rb_node **free_slot(unsigned long start, struct rb_node **parent,
				  struct vmap_area **prev,
				  struct vmap_area **next)
{
	struct rb_node **link = &vs.free_root.rb_node;

	*parent = NULL;
	*prev = *next = NULL;
	while (*link) {
		*parent = *link;
		if (start < va_of(*link)->va_start) {
			*next = va_of(*link);
			link = &(*link)->rb_left;
		} else {
			*prev = va_of(*link);
			link = &(*link)->rb_right;
		}
	}
	return link;
}

static void free_insert(struct vmap_area *va, struct rb_node *parent,
			struct rb_node **link, struct vmap_area *prev)
{
	VM_BUG_ON_MSG(va->va_start >= va->va_end ||
			      (va->va_start | va->va_end) & ~PAGE_MASK,
		      "free block %#lx-%#lx empty or unaligned", va->va_start,
		      va->va_end);
	VM_BUG_ON_MSG(prev && prev->va_end >= va->va_start,
		      "free block %#lx-%#lx touches or overlaps %#lx-%#lx",
		      va->va_start, va->va_end, prev->va_start, prev->va_end);
	va->subtree_max_size = 0;
	rb_link_node(&va->rb_node, parent, link);
	rb_insert(&va->rb_node, &vs.free_root, &free_aug);
	list_add(&va->list, prev ? &prev->list : &vs.free_list);
	vs.nr_free++;
}

static void free_remove(struct vmap_area *va)
{
	rb_erase(&va->rb_node, &vs.free_root, &free_aug);
	list_del(&va->list);
	vs.nr_free--;
}

/* Report a range that overlaps free space: the metadata is corrupt. */
static void report_overlap(const struct vmap_area *va,
			   const struct vmap_area *other)
{
	report_begin("BUG: vmap area %#lx-%#lx overlaps free block %#lx-%#lx",
		     va->va_start, va->va_end, other->va_start, other->va_end);
	printk(KERN_ERR "the range is leaked rather than handed out twice "
			"(caller %pS)\n",
	       (void *)va->caller);
	report_end();
}

/*
 * Return @va's range to the free tree, merging with the neighbours it
 * touches; @va's struct is reused or freed.
 */
static void merge_free(struct vmap_area *va)
{
	/* BEGIN LAB vmalloc */
	struct vmap_area *prev, *next;
	struct rb_node *parent, **link;
	bool with_prev, with_next;

	link = free_slot(va->va_start, &parent, &prev, &next);
	if (unlikely(prev && prev->va_end > va->va_start)) {
		report_overlap(va, prev);
		va_put(va);
		return;
	}
	if (unlikely(next && next->va_start < va->va_end)) {
		report_overlap(va, next);
		va_put(va);
		return;
	}
	with_prev = prev && prev->va_end == va->va_start;
	with_next = next && next->va_start == va->va_end;
	if (with_prev && with_next) {
		unsigned long end = next->va_end;

		free_remove(next);
		va_put(next);
		prev->va_end = end;
		rb_propagate(&prev->rb_node, &free_aug);
		va_put(va);
	} else if (with_prev) {
		prev->va_end = va->va_end;
		rb_propagate(&prev->rb_node, &free_aug);
		va_put(va);
	} else if (with_next) {
		next->va_start = va->va_start;
		rb_propagate(&next->rb_node, &free_aug);
		va_put(va);
	} else {
		free_insert(va, parent, link, prev);
	}
	/* END LAB */
}

/* ---- finding the lowest fit --------------------------------------------- */

/* Does [start, start + size) aligned fit in @va clipped to [vstart, vend)? */
static bool va_fits(const struct vmap_area *va, unsigned long size,
		    unsigned long align, unsigned long vstart,
		    unsigned long vend, unsigned long *out)
{
	unsigned long s = MAX(va->va_start, vstart), e = MIN(va->va_end, vend);
	unsigned long a = ALIGN_UP(s, align);

	if (a < s || a >= e || e - a < size)
		return false;
	*out = a;
	return true;
}

/*
 * The lowest free block holding an aligned fit inside [vstart, vend).
 * Subtrees whose largest block is smaller than @size are skipped, and
 * blocks wholly outside the window are passed by; with page alignment and
 * no window every block big enough fits, so this is one descent, O(log n).
 * Larger alignments may look at more blocks before one fits.
 */
static struct vmap_area *lowest_fit(struct rb_node *n, unsigned long size,
				    unsigned long align, unsigned long vstart,
				    unsigned long vend, unsigned long *start)
{
	/* BEGIN LAB vmalloc */
	struct vmap_area *va, *found;

	while (n && subtree_max(n) >= size) {
		va = va_of(n);
		if (va->va_start > vstart && n->rb_left) {
			found = lowest_fit(n->rb_left, size, align, vstart,
					   vend, start);
			if (found)
				return found;
		}
		if (va->va_start >= vend)
			return NULL;
		if (va_fits(va, size, align, vstart, vend, start))
			return va;
		n = n->rb_right;
	}
	return NULL;
	/* END LAB */
}

/* ---- busy areas ----------------------------------------------------------- */

static void busy_insert(struct vmap_area *va)
{
	struct rb_node **link = &vs.busy_root.rb_node, *parent = NULL;
	struct vmap_area *prev = NULL;

	while (*link) {
		parent = *link;
		if (va->va_start < va_of(parent)->va_start) {
			link = &parent->rb_left;
		} else {
			prev = va_of(parent);
			link = &parent->rb_right;
		}
	}
	rb_link_node(&va->rb_node, parent, link);
	rb_insert(&va->rb_node, &vs.busy_root, NULL);
	list_add(&va->list, prev ? &prev->list : &vmap_area_list);
	vs.nr_busy++;
}

struct vmap_area *find_vmap_area(unsigned long addr)
{
	struct rb_node *n = vs.busy_root.rb_node;

	while (n) {
		struct vmap_area *va = va_of(n);

		if (addr < va->va_start)
			n = n->rb_left;
		else if (addr >= va->va_end)
			n = n->rb_right;
		else
			return va;
	}
	return NULL;
}

struct vmap_area *find_lazy_vmap_area(unsigned long addr)
{
	struct vmap_area *va;

	list_for_each_entry (va, &vmap_purge_list, list)
		if (addr >= va->va_start && addr < va->va_end)
			return va;
	return NULL;
}

static void busy_remove(struct vmap_area *va)
{
	rb_erase(&va->rb_node, &vs.busy_root, NULL);
	list_del(&va->list);
	vs.nr_busy--;
}

/* ---- allocating and freeing ------------------------------------------------ */

/* Carve [start, start + size) out of free block @va; @spare: see the caller. */
static struct vmap_area *carve(struct vmap_area *va, unsigned long start,
			       unsigned long size, struct vmap_area *busy,
			       struct vmap_area *spare)
{
	/* BEGIN LAB vmalloc */
	unsigned long end = start + size;
	struct rb_node *parent, **link;
	struct vmap_area *prev, *next;

	VM_BUG_ON_MSG(!size || (start | size) & ~PAGE_MASK || end < start,
		      "carving %#lx bytes at %#lx: empty or unaligned", size,
		      start);
	VM_BUG_ON_MSG(start < va->va_start || end > va->va_end,
		      "carving %#lx-%#lx out of free block %#lx-%#lx", start,
		      end, va->va_start, va->va_end);
	if (start == va->va_start && end == va->va_end) {
		free_remove(va); /* full fit: reuse the node */
		return va;
	}
	if (start == va->va_start) {
		va->va_start = end;
	} else if (end == va->va_end) {
		va->va_end = start;
	} else {
		VM_BUG_ON(!spare);
		spare->va_start = end; /* middle: the right part */
		spare->va_end = va->va_end;
		va->va_end = start;
		rb_propagate(&va->rb_node, &free_aug);
		link = free_slot(spare->va_start, &parent, &prev, &next);
		free_insert(spare, parent, link, prev);
	}
	rb_propagate(&va->rb_node, &free_aug);
	VM_BUG_ON(!busy);
	busy->va_start = start;
	busy->va_end = end;
	return busy;
	/* END LAB */
}

static struct vmap_area *try_alloc(unsigned long size, unsigned long align,
				   unsigned long vstart, unsigned long vend,
				   gfp_t gfp, bool *no_memory)
{
	struct vmap_area *va, *busy = NULL, *spare = NULL;
	unsigned long start;

	va = lowest_fit(vs.free_root.rb_node, size, align, vstart, vend,
			&start);
	if (!va)
		return NULL;
	VM_BUG_ON_MSG(start & (align - 1) || start < vstart ||
			      start + size > vend,
		      "fit at %#lx for %#lx bytes aligned to %#lx outside "
		      "%#lx-%#lx",
		      start, size, align, vstart, vend);
	if (start != va->va_start || start + size != va->va_end) {
		busy = va_get(gfp);
		if (!busy)
			goto nomem;
	}
	if (start != va->va_start && start + size != va->va_end) {
		spare = va_get(gfp);
		if (!spare)
			goto nomem;
	}
	return carve(va, start, size, busy, spare);
nomem:
	if (busy)
		va_put(busy);
	*no_memory = true;
	return NULL;
}

struct vmap_area *alloc_vmap_area(unsigned long size, unsigned long align,
				  unsigned long vstart, unsigned long vend,
				  gfp_t gfp, unsigned long caller)
{
	struct vmap_area *va;
	bool no_memory = false;

	if (unlikely(!size || size & ~PAGE_MASK || align < PAGE_SIZE ||
		     (align & (align - 1)) || vstart & ~PAGE_MASK ||
		     vstart >= vend || vend - vstart < size))
		return NULL;
	gfp &= GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY;
	va = try_alloc(size, align, vstart, vend, gfp, &no_memory);
	if (unlikely(!va) && !no_memory && vs.nr_lazy) {
		/* No room: what lazily freed areas hold may be enough. */
		purge_vmap_area_lazy();
		va = try_alloc(size, align, vstart, vend, gfp, &no_memory);
	}
	if (unlikely(!va))
		return NULL;
	va->vm = NULL;
	va->caller = caller;
	busy_insert(va);
	return va;
}

void free_vmap_area(struct vmap_area *va)
{
	busy_remove(va);
	merge_free(va);
}

void free_vmap_area_noflush(struct vmap_area *va)
{
	busy_remove(va);
	va->vm = NULL;
	list_add_tail(&va->list, &vmap_purge_list);
	vs.nr_lazy++;
	vs.lazy_pages += va_size(va) >> PAGE_SHIFT;
	if (unlikely(vs.lazy_pages > VMALLOC_LAZY_MAX_PAGES))
		purge_vmap_area_lazy();
}

void purge_vmap_area_lazy(void)
{
	/* BEGIN LAB vmalloc */
	struct vmap_area *va, *tmp;

	if (list_empty(&vmap_purge_list))
		return;
	/* One flush covers every lazily freed area: that is the saving. */
	flush_tlb_all();
	list_for_each_entry_safe (va, tmp, &vmap_purge_list, list) {
		list_del(&va->list);
		merge_free(va);
		vmalloc_stats.nr_purged_areas++;
	}
	vs.nr_lazy = 0;
	vs.lazy_pages = 0;
	vmalloc_stats.nr_purges++;
	/* END LAB */
}

void vmap_area_counts(struct vmap_counts *c)
{
	struct vmap_area *va;

	memset(c, 0, sizeof(*c));
	c->nr_free = vs.nr_free;
	c->nr_busy = vs.nr_busy;
	c->nr_lazy = vs.nr_lazy;
	c->lazy_pages = vs.lazy_pages;
	list_for_each_entry (va, &vs.free_list, list)
		c->free_bytes += va_size(va);
	list_for_each_entry (va, &vmap_area_list, list)
		c->busy_bytes += va_size(va);
	list_for_each_entry (va, &vmap_purge_list, list)
		c->lazy_bytes += va_size(va);
}

/* ---- boot and checking ------------------------------------------------------- */

void vmap_area_init(void)
{
	struct vmap_area *va = kmalloc(sizeof(*va), GFP_KERNEL);
	struct rb_node *parent, **link;
	struct vmap_area *prev, *next;

	BUG_ON_MSG(!va, "vmalloc: no memory for the first vmap area");
	/* From scratch: the host tests set up the space again and again. */
	vs.free_root = vs.busy_root = RB_ROOT;
	INIT_LIST_HEAD(&vs.free_list);
	INIT_LIST_HEAD(&vmap_area_list);
	INIT_LIST_HEAD(&vmap_purge_list);
	vs.nr_free = vs.nr_busy = vs.nr_lazy = vs.lazy_pages = 0;
	nr_stashed = 0;
	va->va_start = VMALLOC_START;
	va->va_end = VMALLOC_END;
	va->caller = 0;
	link = free_slot(va->va_start, &parent, &prev, &next);
	free_insert(va, parent, link, prev);
}

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			printk(KERN_ERR "vmap_area_check: " __VA_ARGS__); \
			bad++;                                            \
		}                                                         \
	} while (0)

/* Invariants 1, 2 and 5 for the free tree. */
static unsigned int check_free(unsigned long *free_bytes)
{
	struct vmap_area *va, *last = NULL;
	struct rb_node *n;
	unsigned long nr = 0, m;
	unsigned int bad = 0;

	for (n = rb_first(&vs.free_root); n; n = rb_next(n)) {
		va = va_of(n);
		CHECK(va->va_start < va->va_end &&
			      !(va->va_start & ~PAGE_MASK) &&
			      !(va->va_end & ~PAGE_MASK),
		      "invariant 1: free block %#lx-%#lx empty or unaligned\n",
		      va->va_start, va->va_end);
		CHECK(!last || last->va_end < va->va_start,
		      "invariant 1: free block %#lx-%#lx touches or overlaps "
		      "%#lx-%#lx\n",
		      va->va_start, va->va_end, last->va_start, last->va_end);
		CHECK(list_entry(last ? last->list.next : vs.free_list.next,
				 struct vmap_area, list) == va,
		      "invariant 1: free_list out of order at %#lx\n",
		      va->va_start);
		m = MAX(va_size(va),
			MAX(subtree_max(n->rb_left), subtree_max(n->rb_right)));
		CHECK(va->subtree_max_size == m,
		      "invariant 2: block %#lx-%#lx has subtree_max_size %#lx, "
		      "expected %#lx\n",
		      va->va_start, va->va_end, va->subtree_max_size, m);
		*free_bytes += va_size(va);
		last = va;
		nr++;
	}
	CHECK(nr == vs.nr_free,
	      "invariant 5: %lu free blocks, counter says %lu\n", nr,
	      vs.nr_free);
	return bad;
}

unsigned int vmap_area_check(void)
{
	struct vmap_area *va, *last = NULL;
	unsigned long free_bytes = 0, other = 0, nr = 0;
	unsigned int bad = check_free(&free_bytes);

	CHECK(rb_check(&vs.free_root) > 0, "invariant 3: the free tree is "
					   "broken\n");
	CHECK(rb_check(&vs.busy_root) > 0, "invariant 3: the busy tree is "
					   "broken\n");
	list_for_each_entry (va, &vmap_area_list, list) {
		CHECK(!last || last->va_end <= va->va_start,
		      "invariant 4: busy areas %#lx-%#lx and %#lx-%#lx out of "
		      "order or overlapping\n",
		      last->va_start, last->va_end, va->va_start, va->va_end);
		CHECK(find_vmap_area(va->va_start) == va,
		      "invariant 4: busy area %#lx-%#lx not found in the busy "
		      "tree\n",
		      va->va_start, va->va_end);
		other += va_size(va);
		last = va;
		nr++;
	}
	CHECK(nr == vs.nr_busy,
	      "invariant 5: %lu busy areas, counter says %lu\n", nr,
	      vs.nr_busy);
	nr = 0;
	list_for_each_entry (va, &vmap_purge_list, list) {
		other += va_size(va);
		nr++;
	}
	CHECK(nr == vs.nr_lazy,
	      "invariant 5: %lu lazy areas, counter says %lu\n", nr,
	      vs.nr_lazy);
	CHECK(free_bytes + other == VMALLOC_SIZE,
	      "invariant 4: free %#lx + busy and lazy %#lx != the range %#lx\n",
	      free_bytes, other, VMALLOC_SIZE);
	return bad;
}
