/*
 * tests/bench_where.c: two experiments that answer questions with
 * addresses rather than cycles.
 *
 * "Where does the memory come from?" (group `where`, part of the quick
 * set): the classic kernel-module demo. For __get_free_page, kmalloc of
 * several sizes and vmalloc, print the virtual address, the region it lies
 * in, the physical pages behind it condensed into runs, and whether those
 * are physically contiguous:
 *
 *   kmalloc(8192)      0xffff888002a14000  direct map  0x2a14000-0x2a15fff (2 pages)   yes
 *   vmalloc(1000000)   0xffffc90000009000  vmalloc     245 pages in 12 runs: ...      no
 *
 * "What happens under fragmentation?" (group `frag`, full set only): take
 * every page the allocator will give one at a time, give back every other
 * one, and try kmalloc/alloc_pages and vmalloc of the same sizes. Half of
 * memory is free, but in single pages: the buddy allocator cannot build a
 * two-page block out of them, while vmalloc maps single pages side by side.
 * buddyinfo before and after shows why. Everything is given back at the
 * end, and a last buddyinfo shows the blocks merge again.
 */
#include <kernel/bench.h>
#include <kernel/printk.h>
#include <lib/list.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/gfp.h>
#include <mm/layout.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <mm/stats.h>
#include <mm/vmalloc.h>

#define SHOW_RUNS	3	/* physical runs printed before "..." */

/* The physical address behind @va, whichever mapping it is in. */
static unsigned long where_phys(const void *va)
{
	if (is_vmalloc_addr(va))
		return (vmalloc_to_pfn(va) << PAGE_SHIFT) | ((unsigned long)va & (PAGE_SIZE - 1));
	return virt_to_phys(va);
}

/* Text of the first SHOW_RUNS runs of physical pages, then "...". */
struct runs {
	char text[160];
	int len;
	unsigned long count;
};

static void runs_add(struct runs *r, unsigned long start, unsigned long pages)
{
	r->count++;
	if (r->len >= (int)sizeof(r->text))
		return;
	if (r->count <= SHOW_RUNS)
		r->len += snprintf(r->text + r->len, sizeof(r->text) - (size_t)r->len,
				   "%s%#lx+%lu", r->count > 1 ? ", " : "", start, pages);
	else if (r->count == SHOW_RUNS + 1)
		r->len += snprintf(r->text + r->len, sizeof(r->text) - (size_t)r->len, ", ...");
}

/*
 * Print one row: @size bytes at @va. The pages are walked one by one and
 * consecutive frames are joined into runs (written pa+pages), so a kmalloc
 * block shows as one run and a vmalloc area as many, or by chance a few.
 */
static void where_row(const char *what, const void *va, unsigned long size)
{
	unsigned long addr = (unsigned long)va & PAGE_MASK;
	unsigned long end = (unsigned long)va + size;
	unsigned long pa, run_start = 0, run_pages = 0, pages = 0;
	struct runs runs = { .len = 0 };

	for (; addr < end; addr += PAGE_SIZE, pages++) {
		pa = where_phys((const void *)addr) & PAGE_MASK;
		if (run_pages && pa == run_start + run_pages * PAGE_SIZE) {
			run_pages++;
			continue;
		}
		if (run_pages)
			runs_add(&runs, run_start, run_pages);
		run_start = pa;
		run_pages = 1;
	}
	runs_add(&runs, run_start, run_pages);

	console_print("%-18s %#018lx  %-10s  %5lu page%s in %4lu run%s %-14s %s\n",
		      what, (unsigned long)va,
		      is_vmalloc_addr(va) ? "vmalloc" : "direct map",
		      pages, pages == 1 ? " " : "s", runs.count,
		      runs.count == 1 ? ": " : "s:",
		      runs.count == 1 ? "contiguous" : "NOT contiguous", runs.text);
}

static void bench_where(struct bench_run *r)
{
	static const struct { const char *what; unsigned long size; bool vm; } rows[] = {
		{ "kmalloc(100)", 100, false },
		{ "kmalloc(128)", 128, false },
		{ "kmalloc(8 KiB)", 8192, false },
		{ "kmalloc(4 MiB)", 4UL << 20, false },
		{ "vmalloc(1000000)", 1000000, true },
		{ "vmalloc(4 MiB)", 4UL << 20, true },
	};
	unsigned long page;
	unsigned int i;
	void *p;

	(void)r;
	console_print("\n-- where does the memory come from? --\n");
	console_print("%-18s %-18s  %-10s  %s\n", "allocation", "virtual address",
		      "region", "physical pages behind it, in runs (pa+pages)");
	page = __get_free_page(GFP_KERNEL);
	if (page) {
		where_row("__get_free_page()", (void *)page, PAGE_SIZE);
		free_page(page);
	} else {
		console_print("%-18s failed: out of memory\n", "__get_free_page()");
	}
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		p = rows[i].vm ? vmalloc(rows[i].size) : kmalloc(rows[i].size, GFP_KERNEL | __GFP_NOWARN);
		if (!p) {
			console_print("%-18s failed: out of memory\n", rows[i].what);
			continue;
		}
		where_row(rows[i].what, p, rows[i].size);
		if (rows[i].vm)
			vfree(p);
		else
			kfree(p);
	}
	console_print("kmalloc and __get_free_page hand out direct-map addresses of physically\n"
		      "contiguous memory; vmalloc maps pages taken one at a time, wherever they are.\n");
}
BENCH(where, bench_where, BENCH_QUICK);

/* ---- fragmentation ---------------------------------------------------------- */

static LIST_HEAD(frag_held);	/* blocks held during the experiment, on page->lru */

static void frag_release(void)
{
	struct page *p, *tmp;

	list_for_each_entry_safe(p, tmp, &frag_held, lru) {
		list_del(&p->lru);
		__free_pages(p, p->order);
	}
}

static void frag_try(unsigned long size)
{
	unsigned int order = get_order(size);
	struct page *pages = NULL;
	void *k = NULL, *v;
	char kres[48], vres[48];

	if (size <= KMALLOC_MAX_SIZE)
		k = kmalloc(size, GFP_KERNEL | __GFP_NOWARN);
	else
		pages = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);
	v = vmalloc(size);
	snprintf(kres, sizeof(kres), "%s", (k || pages) ? "ok" : "FAILED");
	snprintf(vres, sizeof(vres), "%s", v ? "ok" : "FAILED");
	console_print("%8lu KiB  %-9s order %-2u  %-10s  %s\n", size >> 10,
		      size <= KMALLOC_MAX_SIZE ? "kmalloc" : "alloc_pages", order,
		      kres, vres);
	kfree(k);
	if (pages)
		__free_pages(pages, order);
	vfree(v);
}

static void bench_frag(struct bench_run *r)
{
	static const unsigned long sizes[] = { 8UL << 10, 64UL << 10, 1UL << 20, 4UL << 20 };
	/* the reserves below the watermarks too, in every zone */
	static const gfp_t zone_gfp[] = { GFP_KERNEL, GFP_KERNEL | GFP_DMA };
	unsigned long held = 0, returned = 0;
	unsigned int s, z, order;
	struct page *p, *tmp;

	(void)r;
	console_print("\n-- what happens under fragmentation? --\n");
	console_print("buddyinfo before (free blocks of 2^order pages, order 0..%u):\n",
		      MAX_PAGE_ORDER);
	show_buddyinfo();
	/* Every single page the allocator will give, then every larger block left. */
	while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0))) {
		list_add_tail(&p->lru, &frag_held);
		held++;
	}
	for (z = 0; z < ARRAY_SIZE(zone_gfp); z++)
		for (order = MAX_PAGE_ORDER; order > 0; order--)
			while ((p = alloc_pages(zone_gfp[z] | __GFP_MEMALLOC | __GFP_NOWARN, order))) {
				list_add_tail(&p->lru, &frag_held);
				held += 1UL << order;
			}
	/* Give back the single pages with an odd frame number: no two are buddies. */
	list_for_each_entry_safe(p, tmp, &frag_held, lru) {
		if (p->order || !(page_to_pfn(p) & 1))
			continue;
		list_del(&p->lru);
		__free_page(p);
		returned++;
	}
	console_print("took all %lu pages the allocator would give (single pages, then any larger"
		      " block left) and gave back the odd-numbered single pages: %lu MiB free, in"
		      " single pages\n",
		      held, (returned << PAGE_SHIFT) >> 20);
	console_print("buddyinfo fragmented:\n");
	show_buddyinfo();
	console_print("    size  allocator  order    result      vmalloc\n");
	for (s = 0; s < ARRAY_SIZE(sizes); s++)
		frag_try(sizes[s]);
	frag_release();
	console_print("buddyinfo after giving everything back (the buddies merge again):\n");
	show_buddyinfo();
}
BENCH(frag, bench_frag, 0);
