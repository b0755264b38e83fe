/*
 * tests/bench_where.c: "Where does the memory come from?" (group `where`,
 * part of the quick set), the classic kernel-module demo answered with
 * addresses rather than cycles. For __get_free_page, kmalloc of several
 * sizes and vmalloc, print the virtual address, the region it lies in, the
 * physical pages behind it condensed into runs, and whether those are
 * physically contiguous:
 *
 *   kmalloc(8 KiB)     0xffff888001dc0000  direct map      2 pages in    1 run:  contiguous     0x1dc0000+2
 *   vmalloc(1000000)   0xffffc90000418000  vmalloc       245 pages in  245 runs: NOT contiguous 0x1260000+1, ...
 */
#include <kernel/bench.h>
#include <kernel/printk.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/gfp.h>
#include <mm/layout.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>

#define SHOW_RUNS 3 /* physical runs printed before "..." */

/* The physical address behind @va, whichever mapping it is in. */
static unsigned long where_phys(const void *va)
{
	if (is_vmalloc_addr(va))
		return (vmalloc_to_pfn(va) << PAGE_SHIFT) |
		       ((unsigned long)va & (PAGE_SIZE - 1));
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
		r->len += snprintf(r->text + r->len,
				   sizeof(r->text) - (size_t)r->len,
				   "%s%#lx+%lu", r->count > 1 ? ", " : "",
				   start, pages);
	else if (r->count == SHOW_RUNS + 1)
		r->len += snprintf(r->text + r->len,
				   sizeof(r->text) - (size_t)r->len, ", ...");
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

	console_print("%-18s %#018lx  %-10s  %5lu page%s in %4lu run%s %-14s "
		      "%s\n",
		      what, (unsigned long)va,
		      is_vmalloc_addr(va) ? "vmalloc" : "direct map", pages,
		      pages == 1 ? " " : "s", runs.count,
		      runs.count == 1 ? ": " : "s:",
		      runs.count == 1 ? "contiguous" : "NOT contiguous",
		      runs.text);
}

static void bench_where(struct bench_run *r)
{
	static const struct {
		const char *what;
		unsigned long size;
		bool vm;
	} rows[] = {
		{ "kmalloc(100)", 100, false },
		{ "kmalloc(128)", 128, false },
		{ "kmalloc(8 KiB)", 8192, false },
		{ "kmalloc(4 MiB)", 4UL << 20, false },
		{ "vmalloc(1000000)", 1000000, true },
		{ "vmalloc(4 MiB)", 4UL << 20, true },
	};
	void *held[ARRAY_SIZE(rows)];
	unsigned long page;
	unsigned int i;

	(void)r;
	console_print("\n-- Where does the memory come from? --\n");
	console_print("%-18s %-18s  %-10s  %s\n", "allocation",
		      "virtual address", "region",
		      "physical pages behind it, in runs (pa+pages)");
	/* Everything stays allocated until the table is done, so no row reuses another's memory. */
	page = __get_free_page(GFP_KERNEL);
	if (page)
		where_row("__get_free_page()", (void *)page, PAGE_SIZE);
	else
		console_print("%-18s failed: out of memory\n", "__get_free_"
							       "page()");
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		held[i] = rows[i].vm ? vmalloc(rows[i].size)
				     : kmalloc(rows[i].size,
					       GFP_KERNEL | __GFP_NOWARN);
		if (held[i])
			where_row(rows[i].what, held[i], rows[i].size);
		else
			console_print("%-18s failed: out of memory\n",
				      rows[i].what);
	}
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		if (rows[i].vm)
			vfree(held[i]);
		else
			kfree(held[i]);
	}
	if (page)
		free_page(page);
	console_print("kmalloc and __get_free_page hand out direct-map "
		      "addresses of physically\n"
		      "contiguous memory; vmalloc maps pages taken one at a "
		      "time, wherever they are.\n");
}
BENCH(where, bench_where, BENCH_QUICK);
