/*
 * kernel/monitor_mem.c: monitor commands that look at memory without any
 * allocator: memmap (the physical map; once the buddy allocator runs, its
 * bars show what buddy_free_bytes() says is free) and peek (a read that
 * survives a fault). pgwalk is in mm/paging_glue.c, beside the walk it
 * prints; the slab allocator's slabinfo, slabstat, kmalloc and kfree are
 * in mm/slab_glue.c.
 */
#include <arch/x86.h>
#include <kernel/bootinfo.h>
#include <kernel/fixup.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/traps.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/layout.h>

#define MEMMAP_BAR_CELLS 32

/* ---- memmap ------------------------------------------------------------ */

/*
 * "639 KiB", "1 KiB", "1022 MiB": a bigger unit while the number stays
 * exact or would have five digits (so inexact sizes round down).
 */
static void format_bytes(char *buf, size_t size, u64 bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while (bytes >= 1024 && (bytes % 1024 == 0 || bytes >= 10240) &&
	       u + 1 < ARRAY_SIZE(units)) {
		bytes >>= 10;
		u++;
	}
	snprintf(buf, size, "%llu %s", (unsigned long long)bytes, units[u]);
}

/*
 * One character per cell of the region: '.' free, '#' used, ':' both,
 * '?' RAM nobody tracks yet, '-' not usable RAM.
 */
static void memmap_bar(const struct mem_region *r, char *bar, u64 *free_bytes)
{
	u64 len = r->end - r->start, cs, ce, f;
	unsigned int i;

	*free_bytes = 0;
	for (i = 0; i < MEMMAP_BAR_CELLS; i++) {
		cs = r->start + len * i / MEMMAP_BAR_CELLS;
		ce = r->start + len * (i + 1) / MEMMAP_BAR_CELLS;
		if (r->type != MEM_USABLE) {
			bar[i] = '-';
		} else if (!buddy_ready()) {
			bar[i] = '?';
		} else {
			f = cs < ce ? buddy_free_bytes(cs, ce) : 0;
			*free_bytes += f;
			bar[i] = f == ce - cs ? '.' : f == 0 ? '#' : ':';
		}
	}
	bar[MEMMAP_BAR_CELLS] = '\0';
}

static int cmd_memmap(int argc, char **argv)
{
	char bar[MEMMAP_BAR_CELLS + 1], size[24], free_s[24];
	u64 usable = 0, nr_free = 0, f;
	size_t i;

	console_print("memmap: %zu regions; bar: '.' free, '#' used, ':' both, "
		      "'?' not tracked (no page allocator yet), '-' not usable "
		      "RAM\n",
		      boot_info.nr_map);
	for (i = 0; i < boot_info.nr_map; i++) {
		const struct mem_region *r = &boot_info.map[i];

		memmap_bar(r, bar, &f);
		format_bytes(size, sizeof(size), r->end - r->start);
		console_print("  [mem 0x%016llx-0x%016llx] %-10s %9s |%s|\n",
			      (unsigned long long)r->start,
			      (unsigned long long)r->end - 1,
			      mem_type_name(r->type), size, bar);
		if (r->type == MEM_USABLE)
			usable += r->end - r->start;
		nr_free += f;
	}
	format_bytes(size, sizeof(size), usable);
	format_bytes(free_s, sizeof(free_s), nr_free);
	if (buddy_ready())
		console_print("memmap: usable RAM %s, free %s\n", size, free_s);
	else
		console_print("memmap: usable RAM %s\n", size);
	return 0;
}
MONITOR_CMD("memmap", cmd_memmap, 0, 0, "memmap",
	    "the physical memory map, with a free/used bar per region");

/* ---- peek ----------------------------------------------------------------- */

#define PEEK_MAX_WORDS 64

/* "page fault, not present": what last_fault says in a few words. */
static void describe_fault(char *buf, size_t size)
{
	unsigned long ec = last_fault.error_code;
	const char *why = "";

	if (last_fault.vector == X86_TRAP_PF)
		why = !(ec & X86_PF_PROT)  ? ", not present"
		      : (ec & X86_PF_RSVD) ? ", reserved bit set"
					   : ", protection violation";
	else if (last_fault.vector == X86_TRAP_GP)
		why = ", non-canonical address?";
	snprintf(buf, size, "%s%s", trap_name((unsigned int)last_fault.vector),
		 why);
}

static int cmd_peek(int argc, char **argv)
{
	unsigned long addr, count = 1, i;
	char what[64];
	u64 v;

	if (mon_arg_addr(argv[1], "address", &addr))
		return MON_USAGE;
	if (argc == 3 &&
	    mon_arg_number(argv[2], "count", 1, PEEK_MAX_WORDS, &count))
		return MON_USAGE;
	for (i = 0; i < count; i++, addr += 8) {
		if (probe_read_u64((const void *)addr, &v)) {
			describe_fault(what, sizeof(what));
			console_print("peek: 0x%016lx faulted (%s)\n", addr,
				      what);
			if (last_fault.note[0])
				console_print("peek: %s\n", last_fault.note);
			return MON_FAILED;
		}
		console_print("0x%016lx: 0x%016llx\n", addr,
			      (unsigned long long)v);
	}
	return 0;
}
MONITOR_CMD("peek", cmd_peek, 1, 2, "peek ADDR [COUNT]",
	    "read COUNT 64-bit words (default 1, at most 64); a fault is "
	    "reported, not fatal");
