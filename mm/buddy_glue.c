/*
 * mm/buddy_glue.c: what the kernel around the buddy allocator needs (the
 * algorithm is mm/buddy.c): buddy_init() with its boot lines and its ktest
 * checker, the /proc-style reports (buddyinfo, meminfo, extfrag_index, in
 * Linux's formats: mm/vmstat.c, fs/proc/meminfo.c) and the monitor
 * commands buddyinfo, meminfo, alloc_pages, free_pages and page. Kernel
 * only; the host tests call buddy_setup() themselves.
 */
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/compiler.h>
#include <lib/printf.h>
#include <mm/buddy.h>
#include <mm/debug_page.h>
#include <mm/memblock.h>
#include <mm/paging.h>
#include <mm/stats.h>
#include "internal.h"

/* ---- the ktest checker ---------------------------------------------------- */

/*
 * After every test case: the free page count is what it was, and the
 * invariants hold (lists only; the buddy suite runs the full scan itself).
 * Page-table pages are counted as free: kernel page tables, once made,
 * stay (as in Linux), so a case that maps something for the first time
 * legitimately keeps a few.
 */
static unsigned long free_and_table_pages(void)
{
	return nr_free_pages() + nr_pagetable_pages;
}

static void buddy_snapshot(void *buf)
{
	*(unsigned long *)buf = free_and_table_pages();
}

static void buddy_verify(struct ktest *t, const void *before)
{
	unsigned long was = *(const unsigned long *)before;
	unsigned long now = free_and_table_pages();

	if (now != was)
		ktest_fail(t, __FILE__, __LINE__,
			   "free pages %lu before the case, %lu after (%ld "
			   "leaked)",
			   was, now, (long)(was - now));
	if (buddy_check(false))
		ktest_fail(t, __FILE__, __LINE__,
			   "buddy_check() found violations");
}

static const struct ktest_checker buddy_checker = {
	.name = "buddy",
	.snapshot = buddy_snapshot,
	.check = buddy_verify,
};

/* ---- boot ------------------------------------------------------------------- */

static void print_zones(void)
{
	unsigned int i;

	pr_info("Zone ranges:\n");
	for (i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &zones[i];

		if (!z->present_pages) {
			pr_info("  %-8s empty\n", z->name);
			continue;
		}
		pr_info("  %-8s [mem %#018llx-%#018llx] present %lu managed "
			"%lu pages, watermarks min %lu low %lu high %lu, pcp "
			"batch %d high %d\n",
			z->name,
			(unsigned long long)PFN_PHYS(z->zone_start_pfn),
			(unsigned long long)PFN_PHYS(zone_end_pfn(z)) - 1,
			z->present_pages, z->managed_pages, min_wmark_pages(z),
			low_wmark_pages(z), high_wmark_pages(z),
			per_cpu_ptr(z->per_cpu_pageset, 0)->batch,
			per_cpu_ptr(z->per_cpu_pageset, 0)->high);
	}
}

void buddy_init(void)
{
	unsigned long mem_map_bytes;

	buddy_setup();
	ktest_register_checker(&buddy_checker);
	print_zones();
	mem_map_bytes = max_pfn * sizeof(struct page);
	pr_info("Memory: %luK/%lluK available (struct pages: %lu KiB for %lu "
		"frames, flat mem_map at %p), min_free_kbytes %lu\n",
		totalram_pages() << (PAGE_SHIFT - 10),
		(unsigned long long)memblock_phys_mem_size() >> 10,
		mem_map_bytes >> 10, max_pfn, (void *)mem_map, min_free_kbytes);
}

/* ---- /proc-style reports ------------------------------------------------- */

/* Linux: "Node %d, zone %8s " then "%6lu " per order, then newline. */
void show_buddyinfo(void)
{
	char line[160];
	unsigned int i, o;
	int n;

	for (i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &zones[i];

		if (!z->managed_pages)
			continue;
		n = snprintf(line, sizeof(line), "Node 0, zone %8s ", z->name);
		for (o = 0; o <= MAX_PAGE_ORDER; o++)
			n += snprintf(line + n, sizeof(line) - (size_t)n,
				      "%6lu ", z->free_area[o].nr_free);
		printk(KERN_INFO "%s\n", line);
	}
}

/* Linux: "Node %d, zone %8s " then "%2d.%03d " per order. */
void show_extfrag_index(void)
{
	char line[200];
	unsigned int i, o;
	int n, idx;

	for (i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &zones[i];

		if (!z->managed_pages)
			continue;
		n = snprintf(line, sizeof(line), "Node 0, zone %8s ", z->name);
		for (o = 0; o <= MAX_PAGE_ORDER; o++) {
			idx = fragmentation_index(z, o);
			n += snprintf(line + n, sizeof(line) - (size_t)n,
				      "%s%d.%03d ",
				      idx < 0 && idx > -1000 ? "-" : "",
				      idx / 1000,
				      (idx < 0 ? -idx : idx) % 1000);
		}
		printk(KERN_INFO "%s\n", line);
	}
}

static void meminfo_line(const char *name, unsigned long pages)
{
	printk(KERN_INFO "%-16s%8lu kB\n", name, pages << (PAGE_SHIFT - 10));
}

static void meminfo_kb(const char *name, unsigned long kb)
{
	printk(KERN_INFO "%-16s%8lu kB\n", name, kb);
}

void show_meminfo(void)
{
	meminfo_line("MemTotal:", totalram_pages());
	meminfo_line("MemFree:", nr_free_pages());
	meminfo_line("Slab:", slab_pages());
	meminfo_line("PageTables:", nr_pagetable_pages);
	meminfo_kb("VmallocTotal:", VMALLOC_SIZE >> 10);
	meminfo_line("VmallocUsed:", vmalloc_used_pages());
	meminfo_kb("DirectMap4k:", direct_pages_count[PG_LEVEL_4K] * 4);
	meminfo_kb("DirectMap2M:", direct_pages_count[PG_LEVEL_2M] * 2048);
	meminfo_kb("DirectMap1G:", direct_pages_count[PG_LEVEL_1G] * 1048576);
}

/* ---- monitor commands ---------------------------------------------------- */

static int cmd_buddyinfo(int argc, char **argv)
{
	show_buddyinfo();
	return 0;
}
MONITOR_CMD("buddyinfo", cmd_buddyinfo, 0, 0, "buddyinfo",
	    "free blocks per order and zone, as /proc/buddyinfo");

static int cmd_meminfo(int argc, char **argv)
{
	show_meminfo();
	return 0;
}
MONITOR_CMD("meminfo", cmd_meminfo, 0, 0, "meminfo",
	    "memory totals, as /proc/meminfo");

static int cmd_alloc_pages(int argc, char **argv)
{
	unsigned long order;
	struct page *page;

	if (mon_arg_number(argv[1], "order", 0, MAX_PAGE_ORDER, &order))
		return MON_USAGE;
	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, (unsigned int)order);
	if (!page) {
		console_print("alloc_pages: no free block of order %lu\n",
			      order);
		return MON_FAILED;
	}
	console_print("alloc_pages: order %lu (%lu KiB) at pfn %#lx pa %#llx "
		      "va %p (zone %s); free it with: free_pages %p %lu\n",
		      order, (PAGE_SIZE << order) >> 10, page_to_pfn(page),
		      (unsigned long long)page_to_phys(page),
		      page_address(page), page_zone(page)->name,
		      page_address(page), order);
	return 0;
}
MONITOR_CMD("alloc_pages", cmd_alloc_pages, 1, 1, "alloc_pages ORDER",
	    "allocate 2^ORDER contiguous pages (ORDER 0-10) and print where");

static int cmd_free_pages(int argc, char **argv)
{
	unsigned long addr, order, before = report_count();
	char what[48];

	if (mon_arg_addr(argv[1], "address", &addr) ||
	    mon_arg_number(argv[2], "order", 0, MAX_PAGE_ORDER, &order))
		return MON_USAGE;
	free_pages(addr, (unsigned int)order);
	snprintf(what, sizeof(what), "%lu KiB at %#lx",
		 (PAGE_SIZE << order) >> 10, addr);
	return mon_freed("free_pages", what, before);
}
MONITOR_CMD("free_pages", cmd_free_pages, 2, 2, "free_pages ADDR ORDER",
	    "free a block from alloc_pages (misuse is reported, not fatal)");

static int cmd_page(int argc, char **argv)
{
	unsigned long pfn;

	if (mon_arg_number(argv[1], "pfn", 0, ~0UL, &pfn))
		return MON_USAGE;
	if (!pfn_valid(pfn)) {
		console_print("page: pfn %#lx is beyond the last RAM frame "
			      "(max_pfn %#lx)\n",
			      pfn, max_pfn);
		return MON_FAILED;
	}
	dump_page(pfn_to_page(pfn), NULL);
	return 0;
}
MONITOR_CMD("page", cmd_page, 1, 1, "page PFN",
	    "the struct page of frame PFN: zone, order, flags, owner");
