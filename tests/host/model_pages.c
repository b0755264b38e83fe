/*
 * tests/host/model_pages.c: a reference model of the page allocator
 * (mm/buddy.c), for test_buddy.c and fuzz_alloc.c (see models.h).
 *
 * The model knows nothing of free lists, orders on free blocks, pcp lists
 * or merging. It keeps one state byte per frame (not RAM, free, head or
 * tail of an allocated block) and a list of the live blocks, and judges
 * each of the kernel's answers from the documented contract alone:
 *
 *   - a block of order k is 2^k frames aligned to 2^k, all free before,
 *     all in one zone that the gfp flags allow (DMA < 16 MiB, DMA32 <
 *     4 GiB, Normal above; highest allowed zone first, falling back);
 *   - an allocation fails only if no allowed zone could give it: the
 *     zone's free frames would fall to its watermark (the kernel's
 *     configured thresholds, the model's own free count) or no aligned
 *     run of 2^k free frames exists in it;
 *   - the kernel's free page counts per zone equal the model's, and
 *     buddy_free_bytes() agrees frame range by frame range;
 *   - what a test wrote into a block is still there when it is freed;
 *     __GFP_ZERO blocks arrive zeroed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "models.h"
#include <host.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/gfp.h>
#include <mm/layout.h>
#include <mm/mm.h>
#include <mm/page.h>
#include <mm/slab.h>
#include "../../mm/internal.h"

#include "../../mm/slab.h"

enum { PM_NONE, PM_FREE, PM_HEAD, PM_TAIL };

static int zone_of_pfn(unsigned long pfn)
{
	phys_addr_t pa = PFN_PHYS(pfn);

	if (pa < ZONE_DMA_END)
		return ZONE_DMA;
	if (pa < ZONE_DMA32_END)
		return ZONE_DMA32;
	return ZONE_NORMAL;
}

static int gfp_highest_zone(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return ZONE_DMA;
	if (gfp & __GFP_DMA32)
		return ZONE_DMA32;
	return ZONE_NORMAL;
}

bool pm_init(struct page_model *m, const struct pm_range *used, size_t nr_used,
	     char *why)
{
	unsigned long pfn, i;

	memset(m, 0, sizeof(*m));
	m->nr_pfns = max_pfn;
	m->state = calloc(m->nr_pfns ? m->nr_pfns : 1, 1);
	if (!m->state) {
		snprintf(why, WHY_SIZE, "no memory for the model");
		return false;
	}
	/* Free: whole usable pages of the map that nothing else holds. */
	for (i = 0; i < boot_info.nr_map; i++) {
		const struct mem_region *r = &boot_info.map[i];

		if (r->type != MEM_USABLE)
			continue;
		for (pfn = PFN_UP(r->start);
		     pfn < PFN_DOWN(r->end) && pfn < m->nr_pfns; pfn++)
			m->state[pfn] = PM_FREE;
	}
	for (i = 0; i < nr_used; i++)
		for (pfn = PFN_DOWN(used[i].start);
		     pfn < PFN_UP(used[i].end) && pfn < m->nr_pfns; pfn++)
			m->state[pfn] = PM_NONE;
	for (pfn = 0; pfn < m->nr_pfns; pfn++) {
		if (m->state[pfn] == PM_FREE) {
			m->managed[zone_of_pfn(pfn)]++;
			m->free[zone_of_pfn(pfn)]++;
		}
	}
	for (i = 0; i < MAX_NR_ZONES; i++) {
		if (zones[i].managed_pages != m->managed[i]) {
			snprintf(why, WHY_SIZE,
				 "zone %lu: kernel manages %lu pages, the "
				 "model %lu",
				 i, zones[i].managed_pages, m->managed[i]);
			return false;
		}
	}
	return true;
}

void pm_destroy(struct page_model *m)
{
	free(m->state);
	free(m->live);
	free(m->foreign);
	memset(m, 0, sizeof(*m));
}

/* Mark @b's frames as held (@held) or free again, with the zone counts. */
static void mark_foreign(struct page_model *m, const struct pm_block *b,
			 bool held)
{
	unsigned long i, n = 1UL << b->order;

	for (i = 0; i < n; i++)
		m->state[b->pfn + i] = !held ? PM_FREE : i ? PM_TAIL : PM_HEAD;
	if (held)
		m->free[zone_of_pfn(b->pfn)] -= n;
	else
		m->free[zone_of_pfn(b->pfn)] += n;
}

bool pm_set_foreign(struct page_model *m, const struct pm_block *blocks,
		    size_t n, char *why)
{
	unsigned long i;
	size_t k;

	for (k = 0; k < m->nr_foreign; k++)
		mark_foreign(m, &m->foreign[k], false);
	m->nr_foreign = 0;
	if (n > m->cap_foreign) {
		m->cap_foreign = n * 2;
		m->foreign =
			realloc(m->foreign, m->cap_foreign * sizeof(*blocks));
		if (!m->foreign)
			abort();
	}
	for (k = 0; k < n; k++) {
		const struct pm_block *b = &blocks[k];

		for (i = 0; i < (1UL << b->order); i++) {
			if (b->pfn + i < m->nr_pfns &&
			    m->state[b->pfn + i] == PM_FREE)
				continue;
			snprintf(why, WHY_SIZE,
				 "another allocator holds pfn %#lx (block %#lx "
				 "order %u), which the model has %s",
				 b->pfn + i, b->pfn, b->order,
				 b->pfn + i >= m->nr_pfns ? "not at all"
							  : "live or reserved");
			return false;
		}
		mark_foreign(m, b, true);
		m->foreign[m->nr_foreign++] = *b;
	}
	return true;
}

size_t pm_foreign_blocks(struct pm_block *out, size_t cap)
{
	unsigned long pfn;
	unsigned int order;
	size_t n = 0;

	for (pfn = 0; pfn < max_pfn; pfn += 1UL << order) {
		const struct page *page = &mem_map[pfn];

		order = 0;
		if (PageSlab(page) || PageLargeKmalloc(page)) {
			/* The head keeps the block's own order (slabs differ). */
			order = page->order;
		} else {
			/* Free or allocated buddy blocks: skip them whole. */
			if ((PageBuddy(page) || PageAllocated(page)) &&
			    page->order <= MAX_PAGE_ORDER &&
			    !(pfn & ((1UL << page->order) - 1)))
				order = page->order;
			continue;
		}
		if (n == cap)
			return (size_t)-1;
		out[n++] = (struct pm_block){ .pfn = pfn, .order = order };
	}
	return n;
}

/* One cache's part of pm_slab_generation(). */
static void cache_generation(const struct kmem_cache *s, u64 *created,
			     u64 *freed)
{
	if (!s)
		return;
	*created += s->nr_slabs + s->nr_empty_freed;
	*freed += s->nr_empty_freed;
}

u64 pm_slab_generation(void)
{
	u64 created = 0, freed = 0;
	unsigned int i;

	cache_generation(kmem_cache_find("kmem_cache"), &created, &freed);
	for (i = 0; i < NR_KMALLOC_INDEX; i++) {
		cache_generation(kmalloc_caches[i], &created, &freed);
		cache_generation(kmalloc_dma_caches[i], &created, &freed);
	}
	return created << 32 ^ freed;
}

/* Is there an aligned run of 2^order free frames in zone @zi? */
static bool zone_has_run(const struct page_model *m, int zi, unsigned int order)
{
	static const unsigned long zone_end[MAX_NR_ZONES] = {
		PFN_DOWN(ZONE_DMA_END),
		PFN_DOWN(ZONE_DMA32_END),
		~0UL,
	};
	unsigned long n = 1UL << order, pfn, i, end = zone_end[zi];

	pfn = zi ? zone_end[zi - 1] : 0;
	end = MIN(end, m->nr_pfns);
	for (pfn = ALIGN_UP(pfn, n); pfn + n <= end; pfn += n) {
		for (i = 0; i < n && m->state[pfn + i] == PM_FREE; i++)
			;
		if (i == n)
			return true;
	}
	return false;
}

/* Linux's watermark rule (include/mm/gfp.h) on the model's free count. */
static bool zone_above_mark(const struct page_model *m, int zi, gfp_t gfp,
			    unsigned int order)
{
	const struct zone *z = &zones[zi];
	long min =
		(long)z->_watermark[(gfp & __GFP_HIGH) ? WMARK_MIN : WMARK_LOW];
	long free = (long)m->free[zi] - ((1L << order) - 1);

	if (gfp & __GFP_HIGH)
		min -= min / 2;
	if ((gfp & __GFP_ATOMIC) && !(gfp & __GFP_NOMEMALLOC))
		min -= min / 4;
	return free > min + (long)lowmem_reserve[zi][gfp_highest_zone(gfp)];
}

static bool zone_could_give(const struct page_model *m, int zi, gfp_t gfp,
			    unsigned int order)
{
	return m->managed[zi] && zone_above_mark(m, zi, gfp, order) &&
	       zone_has_run(m, zi, order);
}

bool pm_alloc_possible(const struct page_model *m, gfp_t gfp,
		       unsigned int order)
{
	int zi;

	if (order > MAX_PAGE_ORDER)
		return false;
	for (zi = gfp_highest_zone(gfp); zi >= 0; zi--)
		if (zone_could_give(m, zi, gfp, order))
			return true;
	return false;
}

static u64 pattern(u64 tag, unsigned long pfn)
{
	return (tag ^ (pfn * 0x9e3779b97f4a7c15ULL)) | 1;
}

/* Words 0 and 511 of each page of @b carry pattern(tag, pfn). */
static void fill(const struct pm_block *b)
{
	unsigned long i;

	for (i = 0; i < 1UL << b->order; i++) {
		u64 *w = page_address(pfn_to_page(b->pfn + i));

		w[0] = pattern(b->tag, b->pfn + i);
		w[PAGE_SIZE / 8 - 1] = ~pattern(b->tag, b->pfn + i);
	}
}

/* Page by page with memcmp: a loop here would dominate the fuzzer's time. */
static bool all_zero(const struct pm_block *b)
{
	static const u8 zero_page[PAGE_SIZE];
	unsigned long i;

	for (i = 0; i < 1UL << b->order; i++)
		if (memcmp(page_address(pfn_to_page(b->pfn + i)), zero_page,
			   PAGE_SIZE))
			return false;
	return true;
}

/* Is @page an acceptable answer to alloc_pages(@gfp, @order) now? */
static bool judge_block(const struct page_model *m, gfp_t gfp,
			unsigned int order, const struct page *page, char *why)
{
	unsigned long pfn = page_to_pfn(page), n = 1UL << order, i;
	int zi;

#define BAD(fmt, ...)                                                          \
	(snprintf(why, WHY_SIZE, "alloc_pages(%#x, %u) = pfn %#lx: " fmt, gfp, \
		  order, pfn, __VA_ARGS__),                                    \
	 false)
	if (pfn >= m->nr_pfns || pfn % n || pfn + n > m->nr_pfns)
		return BAD("misaligned or beyond max_pfn %#lx", m->nr_pfns);
	zi = zone_of_pfn(pfn);
	if (zi > gfp_highest_zone(gfp) || zone_of_pfn(pfn + n - 1) != zi)
		return BAD("zone %d not allowed", zi);
	if (!zone_above_mark(m, zi, gfp, order))
		return BAD("zone %d below its watermark (model free %lu)", zi,
			   m->free[zi]);
	for (i = 0; i < n; i++)
		if (m->state[pfn + i] != PM_FREE)
			return BAD("pfn %#lx is %s", pfn + i,
				   m->state[pfn + i] == PM_NONE ? "not free RAM"
								: "already "
								  "allocated");
	if (!PageAllocated(page) || page->order != order ||
	    ((gfp & __GFP_COMP) && order && !PageHead(page)))
		return BAD("flags %#lx order %u", page->flags, page->order);
#undef BAD
	return true;
}

bool pm_alloc_check(struct page_model *m, gfp_t gfp, unsigned int order,
		    struct page *page, u64 tag, char *why)
{
	unsigned long n = 1UL << order, i;
	struct pm_block b;

	if (!page) {
		bool possible = pm_alloc_possible(m, gfp, order);

		if (possible)
			snprintf(why, WHY_SIZE,
				 "alloc_pages(%#x, %u) failed though the model "
				 "has room",
				 gfp, order);
		return !possible;
	}
	if (!judge_block(m, gfp, order, page, why))
		return false;
	b = (struct pm_block){ page_to_pfn(page), order, gfp, tag };
	if ((gfp & __GFP_ZERO) && !all_zero(&b)) {
		snprintf(why, WHY_SIZE,
			 "alloc_pages(%#x, %u) = pfn %#lx: not zeroed", gfp,
			 order, b.pfn);
		return false;
	}
	if (m->nr_live == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 256;
		struct pm_block *live = realloc(m->live, cap * sizeof(*live));

		if (!live) {
			snprintf(why, WHY_SIZE, "no memory for the model");
			return false;
		}
		m->live = live;
		m->cap = cap;
	}
	m->live[m->nr_live++] = b;
	m->state[b.pfn] = PM_HEAD;
	for (i = 1; i < n; i++)
		m->state[b.pfn + i] = PM_TAIL;
	m->free[zone_of_pfn(b.pfn)] -= n;
	fill(&b);
	return true;
}

bool pm_free_check(struct page_model *m, size_t idx, char *why)
{
	struct pm_block b = m->live[idx];
	unsigned long i, n = 1UL << b.order;

	for (i = 0; i < n; i++) {
		const u64 *w = page_address(pfn_to_page(b.pfn + i));

		if (w[0] != pattern(b.tag, b.pfn + i) ||
		    w[PAGE_SIZE / 8 - 1] != ~pattern(b.tag, b.pfn + i)) {
			snprintf(why, WHY_SIZE,
				 "block pfn %#lx order %u: page %lu lost its "
				 "contents (%#llx)",
				 b.pfn, b.order, i, (unsigned long long)w[0]);
			return false;
		}
	}
	m->live[idx] = m->live[--m->nr_live];
	for (i = 0; i < n; i++)
		m->state[b.pfn + i] = PM_FREE;
	m->free[zone_of_pfn(b.pfn)] += n;
	__free_pages(pfn_to_page(b.pfn), b.order);
	return true;
}

bool pm_compare(const struct page_model *m, char *why)
{
	unsigned int bad;
	int zi;

	for (zi = 0; zi < MAX_NR_ZONES; zi++) {
		if (zone_free_pages(&zones[zi]) != m->free[zi]) {
			snprintf(why, WHY_SIZE,
				 "zone %s: kernel has %lu free pages, the "
				 "model %lu",
				 zones[zi].name, zone_free_pages(&zones[zi]),
				 m->free[zi]);
			return false;
		}
	}
	bad = buddy_check(false);
	if (bad) {
		snprintf(why, WHY_SIZE,
			 "buddy_check(false): %u violation(s) (see the log)",
			 bad);
		return false;
	}
	return true;
}

/* buddy_free_bytes() over [start, end) of frames must be @want pages. */
static bool free_bytes_is(unsigned long start, unsigned long end,
			  unsigned long want, char *why)
{
	u64 got = buddy_free_bytes(PFN_PHYS(start), PFN_PHYS(end));

	if (got == (u64)want << PAGE_SHIFT)
		return true;
	snprintf(why, WHY_SIZE,
		 "pfns [%#lx, %#lx): kernel says %llu bytes free, the model "
		 "%lu pages",
		 start, end, (unsigned long long)got, want);
	return false;
}

bool pm_compare_full(const struct page_model *m, char *why)
{
	unsigned long pfn = 0, end;
	unsigned int bad;

	if (!pm_compare(m, why))
		return false;
	bad = buddy_check(true);
	if (bad) {
		snprintf(why, WHY_SIZE,
			 "buddy_check(true): %u violation(s) (see the log)",
			 bad);
		return false;
	}
	/* Runs of free frames are wholly free, everything else not at all. */
	while (pfn < m->nr_pfns) {
		u8 s = m->state[pfn] == PM_FREE;

		for (end = pfn;
		     end < m->nr_pfns && (m->state[end] == PM_FREE) == s; end++)
			;
		if (!free_bytes_is(pfn, end, s ? end - pfn : 0, why))
			return false;
		pfn = end;
	}
	return true;
}

/*
 * The machine the mm/ tests and fuzz_alloc boot: a pc's low memory, RAM
 * to 48 MiB with a small ACPI table inside, and 320 MiB above 4 GiB, so
 * all three zones exist while the arena's accessible part stays small
 * (valgrind). mem_map (64 bytes per frame up to 4.3 GiB) lands top-down
 * in the high RAM; the Normal zone keeps some 250 MiB, enough for a pcp
 * batch above one.
 */
static const struct mem_region pm_sparse_map[] = {
	{ 0, 0x9fc00, MEM_USABLE },
	{ 0x9fc00, 0xa0000, MEM_RESERVED },
	{ 0xf0000, 0x100000, MEM_RESERVED },
	{ 0x100000, 48 << 20, MEM_USABLE },
	{ 0x2345000, 0x2347000, MEM_ACPI },
	{ 4ULL << 30, (4ULL << 30) + (320 << 20), MEM_USABLE },
};

/*
 * The fuzzer's machine: low memory and RAM to 40 MiB, DMA and DMA32 only,
 * so that a full comparison (every frame) stays cheap. The Normal zone
 * (and its fallback to DMA32) is the random tests' part.
 */
static const struct mem_region pm_small_map[] = {
	{ 0, 0x9fc00, MEM_USABLE },	     { 0x9fc00, 0xa0000, MEM_RESERVED },
	{ 0xf0000, 0x100000, MEM_RESERVED }, { 0x100000, 40 << 20, MEM_USABLE },
	{ 0x1345000, 0x1347000, MEM_ACPI },
};

/* pm_init() for what host_mm_boot*() has just booted. */
static bool pm_init_booted(struct page_model *m, int err, char *why)
{
	struct pm_range used[3];

	if (err) {
		snprintf(why, WHY_SIZE, "host_mm_boot: error %d", err);
		return false;
	}
	used[0] = (struct pm_range){ 0, LOW_RESERVED_END };
	used[1] = (struct pm_range){ KERNEL_PHYS,
				     KERNEL_PHYS + HOST_MM_IMAGE_BYTES };
	used[2] = (struct pm_range){
		__pa(mem_map), __pa(mem_map) + max_pfn * sizeof(struct page)
	};
	return pm_init(m, used, ARRAY_SIZE(used), why);
}

bool pm_boot_sparse(struct page_model *m, char *why)
{
	return pm_init_booted(
		m, host_mm_boot_map(pm_sparse_map, ARRAY_SIZE(pm_sparse_map)),
		why);
}

bool pm_boot_small(struct page_model *m, char *why)
{
	return pm_init_booted(
		m, host_mm_boot_map(pm_small_map, ARRAY_SIZE(pm_small_map)),
		why);
}

bool pm_boot_pc(struct page_model *m, u64 ram_bytes, char *why)
{
	return pm_init_booted(m, host_mm_boot(ram_bytes), why);
}
