/*
 * mm/stats.c: buddyinfo, meminfo and the fragmentation index, printed in
 * Linux's formats (mm/vmstat.c, fs/proc/meminfo.c).
 */
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/printf.h>
#include <lib/compiler.h>
#include <mm/buddy.h>
#include <mm/memblock.h>
#include <mm/paging.h>
#include <mm/stats.h>

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
			n += snprintf(line + n, sizeof(line) - (size_t)n, "%6lu ",
				      z->free_area[o].nr_free);
		printk(KERN_INFO "%s\n", line);
	}
}

int fragmentation_index(const struct zone *z, unsigned int order)
{
	unsigned long blocks = 0, free_pages = 0, suitable = 0;
	unsigned int o;

	if (order > MAX_PAGE_ORDER)
		return 0;
	for (o = 0; o <= MAX_PAGE_ORDER; o++) {
		unsigned long n = z->free_area[o].nr_free;

		blocks += n;
		free_pages += n << o;
		if (o >= order)
			suitable += n << (o - order);
	}
	if (!blocks)
		return 0;
	if (suitable)
		return -1000;
	return 1000 - (int)((1000 + free_pages * 1000 / (1UL << order)) / blocks);
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
			n += snprintf(line + n, sizeof(line) - (size_t)n, "%s%d.%03d ",
				      idx < 0 && idx > -1000 ? "-" : "",
				      idx / 1000, (idx < 0 ? -idx : idx) % 1000);
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
	unsigned long managed = 0;
	unsigned int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		managed += zones[i].managed_pages;
	meminfo_line("MemTotal:", managed);
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
#ifndef KVLAB_HOST
#include <kernel/monitor.h>

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
MONITOR_CMD("meminfo", cmd_meminfo, 0, 0, "meminfo", "memory totals, as /proc/meminfo");

static int cmd_alloc_pages(int argc, char **argv)
{
	unsigned long order;
	struct page *page;

	if (mon_arg_number(argv[1], "order", 0, MAX_PAGE_ORDER, &order))
		return MON_USAGE;
	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, (unsigned int)order);
	if (!page) {
		console_print("alloc_pages: no free block of order %lu\n", order);
		return MON_FAILED;
	}
	console_print("alloc_pages: order %lu (%lu KiB) at pfn %#lx pa %#llx va %p (zone %s); free it with: free_pages %p %lu\n",
		      order, (PAGE_SIZE << order) >> 10, page_to_pfn(page),
		      (unsigned long long)page_to_phys(page), page_address(page),
		      page_zone(page)->name, page_address(page), order);
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
	snprintf(what, sizeof(what), "%lu KiB at %#lx", (PAGE_SIZE << order) >> 10, addr);
	return mon_freed("free_pages", what, before);
}
MONITOR_CMD("free_pages", cmd_free_pages, 2, 2, "free_pages ADDR ORDER",
	    "free a block from alloc_pages (misuse is reported, not fatal)");
#endif
