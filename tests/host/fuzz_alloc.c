/*
 * tests/host/fuzz_alloc.c: libFuzzer target for the allocators of mm/.
 *
 * The input is a program: a sequence of operations, each one selector
 * byte (modulo the number of rows of alloc_ops[]) followed by the row's
 * argument bytes; it ends where the input does (a row whose arguments are
 * cut short is not run) or after MAX_OPS operations. Every answer of the
 * kernel is judged by a reference model (model_pages.c for the buddy
 * allocator, model_vmap.c for the vmalloc address space, a shadow of the
 * live kmalloc objects and their contents here) and each model compared
 * with its allocator after every operation; a disagreement aborts with
 * the explanation. At the end of the input everything still allocated is
 * freed and the allocators must be exactly as booted (same free blocks
 * per order, the vmalloc space one free block), so inputs do not disturb
 * each other.
 *
 * mm/ and slab are booted once, on the small machine of pm_boot_small()
 * (DMA and DMA32, 40 MiB); each input gets a fresh vmalloc space
 * (vmalloc_reset()). Misuse reports are counted instead of aborting and
 * the console is quiet. The slabs the kmalloc caches take from the buddy
 * allocator (for vmap area structs...) are listed to the page model as
 * foreign blocks (pm_set_foreign) before every comparison.
 *
 * Seeds: tests/host/corpus/fuzz_alloc/ (tests/host/corpus/mkcorpus.py).
 */
#include <stdio.h>
#include <stdlib.h>

#include "models.h"
#include <host.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/page.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>

#include "../../mm/internal.h"
#include "../../mm/slab.h"

#define MAX_OPS	  256  /* per input: bounds the time one input takes */
#define MAX_SLABS 1024 /* slabs the page model can be told about */
#define MAX_KOBJS 256  /* live kmalloc objects an input can have */

/* A live kmalloc object and the pattern the input wrote into it. */
struct kobj {
	u8 *p;
	size_t size, room; /* requested; ksize() */
	u8 tag;
	bool large; /* a buddy block, not a slab object */
};
#define FULL_CHECK_OPS 64 /* operations between two full comparisons */

static struct fuzz_state {
	struct page_model pages;
	struct vmap_model areas;      /* mm/vmap_area.c's space */
	struct kobj kobjs[MAX_KOBJS]; /* live kmalloc objects */
	size_t nr_kobjs;
	bool large_changed; /* a large kmalloc came or went: walk mem_map */
	unsigned long booted[MAX_NR_ZONES][NR_PAGE_ORDERS]; /* free blocks */
	u64 nr_ops;	     /* over the whole run: tags the page contents */
	u64 last_full_check; /* nr_ops at the last op_full_check() walk */
	bool ready;
} st;

/* The gfp masks an argument byte selects from (modulo). */
static const gfp_t fuzz_gfps[] = {
	GFP_KERNEL,
	GFP_KERNEL | __GFP_ZERO,
	GFP_KERNEL | __GFP_COMP,
	GFP_ATOMIC,
	GFP_NOWAIT,
	GFP_DMA32,
	GFP_KERNEL | __GFP_DMA32 | __GFP_ZERO,
	GFP_DMA,
	GFP_KERNEL | __GFP_DMA | __GFP_COMP,
	GFP_KERNEL | __GFP_HIGH,
};

/* ---- page rows -------------------------------------------------------- */

/* alloc_pages(gfp, order): a[0] the order (0..MAX_PAGE_ORDER), a[1] the gfp. */
static bool op_alloc_pages(const u8 *a, char *why)
{
	unsigned int order = a[0] % (MAX_PAGE_ORDER + 1);
	gfp_t gfp = fuzz_gfps[a[1] % ARRAY_SIZE(fuzz_gfps)] | __GFP_NOWARN;

	return pm_alloc_check(&st.pages, gfp, order, alloc_pages(gfp, order),
			      st.nr_ops, why);
}

/* __free_pages() of live block a[0] (modulo the number live). */
static bool op_free_pages(const u8 *a, char *why)
{
	if (!st.pages.nr_live)
		return true;
	return pm_free_check(&st.pages, a[0] % st.pages.nr_live, why);
}

/*
 * A misuse on live block a[0]: a[1] picks freeing it twice, with the
 * wrong order, or by a tail page. Exactly one report must follow, and the
 * allocator must not change (the model compares after the row).
 */
static bool op_bad_free(const u8 *a, char *why)
{
	static const char *const what[] = { "double free", "wrong order",
					    "tail page" };
	unsigned long before = report_count(), pfn;
	unsigned int kind = a[1] % ARRAY_SIZE(what), order;
	size_t idx;

	if (!st.pages.nr_live)
		return true;
	idx = a[0] % st.pages.nr_live;
	pfn = st.pages.live[idx].pfn;
	order = st.pages.live[idx].order;
	if (kind == 0) {
		if (!pm_free_check(&st.pages, idx, why))
			return false;
		before = report_count();
		__free_pages(pfn_to_page(pfn), order);
	} else if (kind == 1) {
		__free_pages(pfn_to_page(pfn),
			     order == MAX_PAGE_ORDER ? 0 : order + 1);
	} else {
		if (!order)
			return true;
		__free_pages(pfn_to_page(pfn + 1 + a[0] % ((1UL << order) - 1)),
			     0);
	}
	if (report_count() == before + 1)
		return true;
	snprintf(why, WHY_SIZE,
		 "%s of pfn %#lx order %u: %lu reports, expected 1", what[kind],
		 pfn, order, report_count() - before);
	return false;
}

/* drain_all_pages(): the pcp lists back to the free lists. */
static bool op_drain(const u8 *a, char *why)
{
	(void)a;
	(void)why;
	drain_all_pages();
	return true;
}

/*
 * Every frame's state and buddy_check(true), not only the counts; at
 * most once per FULL_CHECK_OPS operations, as it costs a walk of all
 * frames (without the limit it would be most of the fuzzer's time).
 */
static bool op_full_check(const u8 *a, char *why)
{
	(void)a;
	if (st.nr_ops - st.last_full_check < FULL_CHECK_OPS)
		return true;
	st.last_full_check = st.nr_ops;
	return pm_compare_full(&st.pages, why);
}

/* ---- vmap area rows ----------------------------------------------------- */

/*
 * alloc_vmap_area() of any size, alignment and window:
 *   a[0] bits 0-1 the size kind, bits 2-7 a shift or high bits; a[1] the
 *   size's low bits: 1-16 pages, up to 16K pages, (a[1] + 1) << shift
 *   pages (to far beyond the range), or a[1] bytes (refused unless whole
 *   pages);
 *   a[2] the alignment: bit 7 clear a page, else 2^(12 + a[2] % 40) bytes;
 *   0x7f half a page (refused);
 *   a[3] the window: bits 0-1 whole range (0, 1), 64 pages at a[3] >> 2
 *   times 16 pages in (2), or a[3] >> 2 pages in with an unaligned end (3).
 */
static bool op_vmap_alloc(const u8 *a, char *why)
{
	unsigned long pages, size, align = PAGE_SIZE, vstart = VMALLOC_START;
	unsigned long vend = VMALLOC_END, hi = a[0] >> 2, off = a[3] >> 2;
	struct vmap_area *va;

	switch (a[0] & 3) {
	case 0:
		pages = 1 + a[1] % 16;
		break;
	case 1:
		pages = 1 + (a[1] | (hi & 0x3f) << 8);
		break;
	case 2:
		pages = (a[1] + 1UL) << (hi % 40);
		break;
	default:
		pages = 0;
		break;
	}
	size = (a[0] & 3) == 3 ? a[1] : pages << PAGE_SHIFT;
	if (a[2] == 0x7f)
		align = PAGE_SIZE / 2;
	else if (a[2] & 0x80)
		align = 1UL << (PAGE_SHIFT + a[2] % 40);
	if ((a[3] & 3) == 2) {
		vstart += off * 16 * PAGE_SIZE;
		vend = vstart + 64 * PAGE_SIZE;
	} else if ((a[3] & 3) == 3) {
		vstart += off * PAGE_SIZE;
		vend = vstart + (off + 1) * PAGE_SIZE - 1;
	}
	return vmm_alloc_check(&st.areas, size, align, vstart, vend, &va, why);
}

/* Free busy area a[0] (modulo the number busy): a[1] odd lazily. */
static bool op_vmap_free(const u8 *a, char *why)
{
	if (!st.areas.nr_busy)
		return true;
	return vmm_free_check(&st.areas, a[0] % st.areas.nr_busy, a[1] & 1,
			      why);
}

static bool op_vmap_purge(const u8 *a, char *why)
{
	(void)a;
	return vmm_purge_check(&st.areas, why);
}

/* find_vmap_area() in interval a[0] (modulo), at its start, end or inside. */
static bool op_vmap_find(const u8 *a, char *why)
{
	const struct vmm_interval *v = &st.areas.iv[a[0] % st.areas.nr];
	unsigned long len = v->end - v->start;
	unsigned long addr = a[1] == 0	    ? v->start
			     : a[1] == 0xff ? v->end - 1
					    : v->start + len / 256 * a[1];

	return vmm_find_check(&st.areas, addr, why);
}

/* ---- kmalloc rows ------------------------------------------------------- */

static const gfp_t kmalloc_gfps[] = {
	GFP_KERNEL, GFP_KERNEL | __GFP_ZERO, GFP_ATOMIC,
	GFP_NOWAIT, GFP_KERNEL | __GFP_DMA,  GFP_ATOMIC | __GFP_ZERO,
};

/*
 * The size a[0], a[1] select: a[1]'s top three bits set, a large one
 * (1 + a[0..1] << 9 bytes, to 4 MiB); else up to 8 KiB, 0 included.
 */
static size_t kmalloc_size(const u8 *a)
{
	size_t v = a[0] | (size_t)(a[1] & 0x1f) << 8;

	if ((a[1] & 0xe0) == 0xe0)
		return 1 + (v << 9);
	return v % (KMALLOC_MAX_CACHE_SIZE + 1);
}

/*
 * The bytes of an object the pattern covers: all of a small one; the
 * first and last KPATTERN_EDGE of a large one (the fuzzer's time is
 * better spent on more programs than on 4 MiB of bytes each).
 */
#define KPATTERN_EDGE 512

static bool kpattern_covers(size_t size, size_t i)
{
	return size <= 2 * KPATTERN_EDGE || i < KPATTERN_EDGE ||
	       i >= size - KPATTERN_EDGE;
}

static u8 kpattern(u8 tag, size_t i)
{
	return (u8)(tag + i * 29);
}

/* Is live object @o's pattern intact (its first @n bytes)? */
static bool kobj_intact(const struct kobj *o, size_t n, char *why)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i == KPATTERN_EDGE && o->size > 2 * KPATTERN_EDGE)
			i = MAX(i, o->size - KPATTERN_EDGE);
		if (i >= n || !kpattern_covers(o->size, i) ||
		    o->p[i] == kpattern(o->tag, i))
			continue;
		snprintf(why, WHY_SIZE,
			 "kmalloc object %p (%zu bytes): byte %zu is %#x, "
			 "wrote %#x",
			 (void *)o->p, o->size, i, o->p[i],
			 kpattern(o->tag, i));
		return false;
	}
	return true;
}

/*
 * Judge kmalloc(@size, @gfp)'s answer @p: NULL only if no block of the
 * order a slab or the large block needs could be had; else aligned,
 * ksize() >= size, clear of every live object, zeroed if asked. Record
 * it (from byte @keep on, the pattern is written; below, it is kept).
 * @in_place: krealloc kept the object, aligned for its old size class.
 */
static bool kobj_take(u8 *p, size_t size, gfp_t gfp, size_t keep, u8 tag,
		      bool in_place, char *why)
{
	struct kmem_cache *s = kmalloc_slab(size);
	gfp_t zone_gfp = (gfp & ~(__GFP_ZERO | __GFP_COMP)) | __GFP_NOWARN;
	unsigned int order = s ? s->order : get_order(size);
	unsigned long align =
		s ? MIN(s->object_size & -s->object_size, PAGE_SIZE)
		  : PAGE_SIZE;
	struct kobj *o;
	size_t i;

	if (!size) {
		if (p == ZERO_SIZE_PTR)
			return true;
		snprintf(why, WHY_SIZE, "kmalloc(0) = %p", (void *)p);
		return false;
	}
	if (!p) {
		if (!pm_alloc_possible(&st.pages, zone_gfp, order))
			return true;
		snprintf(why, WHY_SIZE,
			 "kmalloc(%zu, %#x) failed; an order-%u block was free",
			 size, gfp, order);
		return false;
	}
	if ((!in_place && (unsigned long)p % align) || ksize(p) < size) {
		snprintf(why, WHY_SIZE,
			 "kmalloc(%zu) = %p: alignment %lu wanted, ksize %zu",
			 size, (void *)p, align, ksize(p));
		return false;
	}
	for (i = 0; i < st.nr_kobjs; i++) {
		const struct kobj *q = &st.kobjs[i];

		if (p + ksize(p) > q->p && q->p + q->room > p) {
			snprintf(why, WHY_SIZE,
				 "kmalloc(%zu) = %p+%zu overlaps live %p+%zu",
				 size, (void *)p, ksize(p), (void *)q->p,
				 q->room);
			return false;
		}
	}
	if ((gfp & __GFP_ZERO) &&
	    memchr_inv(p + keep, 0, MIN(size - keep, 2 * PAGE_SIZE))) {
		snprintf(why, WHY_SIZE,
			 "kmalloc(%zu, __GFP_ZERO) = %p not zeroed", size,
			 (void *)p);
		return false;
	}
	o = &st.kobjs[st.nr_kobjs++];
	*o = (struct kobj){ p, size, ksize(p), tag, !virt_to_cache(p) };
	st.large_changed |= o->large;
	for (i = keep; i < size; i++) {
		if (i == KPATTERN_EDGE && size > 2 * KPATTERN_EDGE)
			i = MAX(i, size - KPATTERN_EDGE);
		if (i < size)
			p[i] = kpattern(tag, i);
	}
	return true;
}

/* kmalloc(): a[0..1] the size (kmalloc_size), a[2] the gfp. */
static bool op_kmalloc(const u8 *a, char *why)
{
	size_t size = kmalloc_size(a);
	gfp_t gfp = kmalloc_gfps[a[2] % ARRAY_SIZE(kmalloc_gfps)] |
		    __GFP_NOWARN;

	if (st.nr_kobjs == MAX_KOBJS)
		return true;
	return kobj_take(kmalloc(size, gfp), size, gfp, 0, a[2], false, why);
}

/* Forget live object @k (after it was freed or moved). */
static void kobj_drop(size_t k)
{
	st.large_changed |= st.kobjs[k].large;
	st.kobjs[k] = st.kobjs[--st.nr_kobjs];
}

/* kfree() of live object a[0] (modulo), its contents checked first. */
static bool op_kfree(const u8 *a, char *why)
{
	size_t k;

	if (!st.nr_kobjs)
		return true;
	k = a[0] % st.nr_kobjs;
	if (!kobj_intact(&st.kobjs[k], st.kobjs[k].size, why))
		return false;
	kfree(st.kobjs[k].p);
	kobj_drop(k);
	return true;
}

/*
 * krealloc() of live object a[0] (modulo) to size a[1..2]: in place
 * when it fits ksize(), the contents kept up to the smaller size; on
 * failure the old object stays as it was.
 */
static bool op_krealloc(const u8 *a, char *why)
{
	size_t k, size = kmalloc_size(a + 1), keep;
	struct kobj o;
	u8 *p;

	if (!st.nr_kobjs)
		return true;
	k = a[0] % st.nr_kobjs;
	o = st.kobjs[k];
	if (!kobj_intact(&o, o.size, why))
		return false;
	kobj_drop(k);
	p = krealloc(o.p, size, GFP_KERNEL | __GFP_NOWARN);
	if (!size)
		return kobj_take(p, 0, GFP_KERNEL, 0, o.tag, false, why);
	if (!p) { /* the old object stays */
		st.kobjs[st.nr_kobjs++] = o;
		return kobj_take(NULL, size, GFP_KERNEL, 0, o.tag, false,
				 why) &&
		       kobj_intact(&o, o.size, why);
	}
	if (size <= o.room && p != o.p) {
		snprintf(why, WHY_SIZE,
			 "krealloc(%p, %zu) moved to %p though ksize is %zu",
			 (void *)o.p, size, (void *)p, o.room);
		return false;
	}
	keep = MIN(size, o.size);
	o.p = p;
	if (!kobj_intact(&o, keep, why))
		return false;
	/* Of a large object only the edges were known: write the rest anew. */
	if (o.size > 2 * KPATTERN_EDGE)
		keep = MIN(keep, KPATTERN_EDGE);
	return kobj_take(p, size, GFP_KERNEL, keep, o.tag, p == o.p, why);
}

/*
 * A kmalloc misuse on live object a[0] (modulo): a[1] even, kfree() it
 * twice; odd, kfree() a pointer a[1] / 2 + 1 bytes inside it (modulo its
 * size). Exactly one report must follow, and nothing else change.
 */
static bool op_kbad_free(const u8 *a, char *why)
{
	unsigned long before;
	struct kobj o;
	size_t k;

	if (!st.nr_kobjs)
		return true;
	k = a[0] % st.nr_kobjs;
	o = st.kobjs[k];
	if (o.room < 2 && (a[1] & 1))
		return true;
	if (!(a[1] & 1)) {
		if (!kobj_intact(&o, o.size, why))
			return false;
		kfree(o.p);
		kobj_drop(k);
		before = report_count();
		kfree(o.p);
	} else {
		before = report_count();
		kfree(o.p + 1 + (a[1] / 2) % (o.room - 1));
	}
	if (report_count() == before + 1)
		return (a[1] & 1) ? kobj_intact(&o, o.size, why) : true;
	snprintf(why, WHY_SIZE,
		 "%s of kmalloc object %p (%zu bytes): %lu reports, expected 1",
		 a[1] & 1 ? "kfree inside" : "double kfree", (void *)o.p,
		 o.size, report_count() - before);
	return false;
}

/*
 * The operations. A row is its name, how many argument bytes follow the
 * selector, and the function that runs it and judges the answer.
 */
struct alloc_op {
	const char *name;
	unsigned int nr_arg_bytes;
	bool (*run)(const u8 *arg, char *why);
};

static const struct alloc_op alloc_ops[] = {
	{ "alloc_pages", 2, op_alloc_pages },
	{ "alloc_pages", 2,
	  op_alloc_pages }, /* twice: allocations fill memory */
	{ "free_pages", 1, op_free_pages },
	{ "bad_free", 2, op_bad_free },
	{ "drain_all_pages", 0, op_drain },
	{ "full_check", 0, op_full_check },
	/*
	 * Rows are only ever appended: the seed corpus names rows by their
	 * index (tests/host/corpus/mkcorpus.py), and a selector below the
	 * number of rows decodes to the same row whatever is appended.
	 */
	{ "vmap_alloc", 4, op_vmap_alloc }, /* 6 */
	{ "vmap_free", 2, op_vmap_free },
	{ "vmap_purge", 0, op_vmap_purge },
	{ "vmap_find", 2, op_vmap_find },
	{ "kmalloc", 3, op_kmalloc }, /* 10 */
	{ "kmalloc", 3, op_kmalloc },
	{ "kfree", 1, op_kfree },
	{ "krealloc", 3, op_krealloc },
	{ "kbad_free", 2, op_kbad_free }, /* 14 */
					  /*
	 * vmalloc/vmap rows (pages mapped) would need the page model to know
	 * the pages and page tables they take from the buddy allocator:
	 * tests/host/test_vmalloc.c covers them instead.
	 */
};

/* ---- the driver --------------------------------------------------------- */

/* Report @why with the end of the kernel log (buddy_check's lines). */
static __noreturn void fail(const char *op, const char *why)
{
	static char text[2048];
	size_t n = log_read(text, sizeof(text) - 1);

	text[n] = '\0';
	fprintf(stderr, "fuzz_alloc: the kernel log ends:\n%s\n", text);
	fprintf(stderr, "fuzz_alloc: after %s: %s\n", op, why);
	abort();
}

/*
 * Tell the page model which blocks the slab allocator holds now; the
 * walk of mem_map only when a kmalloc cache took or gave back a slab
 * since the last one (or @force).
 */
static void sync_foreign(const char *op, bool force)
{
	static struct pm_block blocks[MAX_SLABS];
	static u64 last_gen = ~0ULL;
	char why[WHY_SIZE];
	u64 gen = pm_slab_generation();
	size_t n;

	if (gen == last_gen && !force)
		return;
	last_gen = gen;
	n = pm_foreign_blocks(blocks, MAX_SLABS);
	if (n == (size_t)-1)
		fail(op, "pm_foreign_blocks: more than MAX_SLABS blocks");
	if (!pm_set_foreign(&st.pages, blocks, n, why))
		fail(op, why);
}

/* After every row: each model against its allocator. */
static void check_all(const char *op)
{
	char why[WHY_SIZE];

	sync_foreign(op, st.large_changed);
	st.large_changed = false;
	if (!pm_compare(&st.pages, why))
		fail(op, why);
	if (!vmm_compare(&st.areas, why))
		fail(op, why);
}

/* Free what the input left; the allocator must be exactly as booted. */
static void end_of_input(void)
{
	char why[WHY_SIZE];
	unsigned int z, o;

	while (st.pages.nr_live)
		if (!pm_free_check(&st.pages, st.pages.nr_live - 1, why))
			fail("end of input", why);
	while (st.areas.nr_busy)
		if (!vmm_free_check(&st.areas, st.areas.nr_busy - 1, false,
				    why))
			fail("end of input", why);
	while (st.nr_kobjs) {
		const u8 last = (u8)(st.nr_kobjs - 1);

		if (!op_kfree(&last, why))
			fail("end of input", why);
	}
	vmm_purge_check(&st.areas, why);
	if (st.areas.nr != 1)
		fail("end of input", "the vmalloc space is not one free block");
	check_all("end of input");
	if (!vmm_release_space(why))
		fail("end of input", why);
	vmm_destroy(&st.areas);
	kmem_cache_shrink_all();
	drain_all_pages();
	sync_foreign("end of input", false);
	if (!pm_compare(&st.pages, why))
		fail("end of input", why);
	for (z = 0; z < MAX_NR_ZONES; z++) {
		for (o = 0; o <= MAX_PAGE_ORDER; o++) {
			if (zones[z].free_area[o].nr_free == st.booted[z][o])
				continue;
			snprintf(why, WHY_SIZE,
				 "zone %s order %u: %lu free blocks, %lu at "
				 "boot",
				 zones[z].name, o,
				 zones[z].free_area[o].nr_free,
				 st.booted[z][o]);
			fail("end of input", why);
		}
	}
}

static void boot_once(void)
{
	char why[WHY_SIZE];
	unsigned int z, o;

	if (st.ready)
		return;
	console_loglevel = 0; /* misuse reports are expected */
	report_set_counting(true);
	if (!pm_boot_small(&st.pages, why))
		fail("boot", why);
	host_slab_boot();
	/* What stays: the cache of caches' slabs. */
	kmem_cache_shrink_all();
	drain_all_pages();
	sync_foreign("boot", true);
	if (!pm_compare_full(&st.pages, why))
		fail("boot", why);
	for (z = 0; z < MAX_NR_ZONES; z++)
		for (o = 0; o <= MAX_PAGE_ORDER; o++)
			st.booted[z][o] = zones[z].free_area[o].nr_free;
	st.ready = true;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	size_t pos = 0, n;
	char why[WHY_SIZE];

	boot_once();
	vmalloc_reset();
	vmm_init(&st.areas);
	sync_foreign("vmalloc_reset", false);
	for (n = 0; n < MAX_OPS && pos < size; n++) {
		const struct alloc_op *op =
			&alloc_ops[data[pos] % ARRAY_SIZE(alloc_ops)];

		if (size - pos - 1 < op->nr_arg_bytes)
			break;
		st.nr_ops++;
		if (!op->run(data + pos + 1, why))
			fail(op->name, why);
		check_all(op->name);
		pos += 1 + op->nr_arg_bytes;
	}
	end_of_input();
	return 0;
}
