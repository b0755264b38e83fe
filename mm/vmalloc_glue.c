/*
 * mm/vmalloc_glue.c: what the kernel around mm/vmalloc.c needs: the
 * vmalloc_lazy= parameter, the page-fault note for the vmalloc range
 * (guard pages, freed areas, holes), the test checker (busy areas and
 * mapped pages before and after each case, vmap_area_check()), the boot
 * line, /proc/vmallocinfo, and the monitor's vmallocinfo, vmalloc and
 * vfree commands. Kernel only: the host tests build mm/vmalloc.c and
 * mm/vmap_area.c without it.
 */
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/traps.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/vmalloc.h>

#include "internal.h"

static int set_vmalloc_lazy(const char *val, char *why, size_t why_size)
{
	bool lazy = vmalloc_lazy_enabled();
	int err = kparam_bool(val, &lazy, why, why_size);

	if (!err)
		vmalloc_set_lazy(lazy);
	return err;
}
KPARAM("vmalloc_lazy", set_vmalloc_lazy,
       "vfree's TLB flush: 1 lazy purge (default, as Linux), 0 invlpg at once");

/* What a page fault at @addr in the vmalloc range hit. */
static bool vmalloc_fault_note(unsigned long addr, char *buf, size_t size)
{
	const struct vmap_area *va;
	const struct vmalloc_recent_free *r;
	unsigned long mapped_end;

	if (!is_vmalloc_addr((void *)addr))
		return false;
	va = find_vmap_area(addr);
	if (va && va->vm) {
		mapped_end = va->va_start +
			     ((unsigned long)va->vm->nr_pages << PAGE_SHIFT);
		snprintf(buf, size,
			 "%s at %#lx: area %#lx-%#lx, %u pages, allocated by "
			 "%pS",
			 addr >= mapped_end ? "vmalloc guard page hit"
					    : "vmalloc protection fault",
			 addr, va->va_start, va->va_end, va->vm->nr_pages,
			 (void *)va->caller);
		return true;
	}
	va = find_lazy_vmap_area(addr);
	r = vmalloc_find_recent(addr);
	if (va || r) {
		snprintf(buf, size,
			 "vmalloc freed area hit at %#lx: area %#lx-%#lx, "
			 "allocated by %pS%s",
			 addr, va ? va->va_start : r->start,
			 va ? va->va_end : r->end,
			 (void *)(va ? va->caller : r->caller),
			 va ? " (waiting for the lazy purge)" : "");
		return true;
	}
	snprintf(buf, size, "vmalloc unmapped hole hit at %#lx: no area there",
		 addr);
	return true;
}

/*
 * After every test case: the busy areas and the pages they map are what
 * they were, and the invariants hold. Settling purges the lazy areas, so
 * a purge list that happens to hold a case's areas is not a leak.
 */
struct vmalloc_snapshot {
	unsigned long nr_busy, busy_bytes, used_pages;
};

static void vmalloc_snapshot(void *buf)
{
	struct vmalloc_snapshot *s = buf;
	struct vmap_counts c;

	vmap_area_counts(&c);
	s->nr_busy = c.nr_busy;
	s->busy_bytes = c.busy_bytes;
	s->used_pages = vmalloc_stats.nr_used_pages;
}

static void vmalloc_verify(struct ktest *t, const void *before)
{
	const struct vmalloc_snapshot *was = before;
	struct vmalloc_snapshot now;

	vmalloc_snapshot(&now);
	if (now.nr_busy != was->nr_busy || now.busy_bytes != was->busy_bytes ||
	    now.used_pages != was->used_pages)
		ktest_fail(t, __FILE__, __LINE__,
			   "vmap areas: %lu busy (%lu bytes, %lu pages) before "
			   "the case, %lu (%lu bytes, %lu pages) after",
			   was->nr_busy, was->busy_bytes, was->used_pages,
			   now.nr_busy, now.busy_bytes, now.used_pages);
	if (vmap_area_check())
		ktest_fail(t, __FILE__, __LINE__,
			   "vmap_area_check() found violations");
}

/* Lazy areas back to the free tree, spare structs back to kmalloc. */
static void vmalloc_settle(void)
{
	purge_vmap_area_lazy();
	vmap_area_drain();
}

static const struct ktest_checker vmalloc_checker = {
	.name = "vmalloc",
	.snapshot = vmalloc_snapshot,
	.check = vmalloc_verify,
	.settle = vmalloc_settle,
};

_Static_assert(sizeof(struct vmalloc_snapshot) <= KTEST_SNAPSHOT_BYTES, "the "
									"vmallo"
									"c "
									"snapsh"
									"ot "
									"fits");

void vmalloc_init(void)
{
	vmalloc_reset();
	traps_add_fault_note(vmalloc_fault_note);
	ktest_register_checker(&vmalloc_checker);
	pr_info("vmalloc: %#lx-%#lx (%lu GiB), TLB purge %s (lazy threshold "
		"%lu pages)\n",
		VMALLOC_START, VMALLOC_END - 1, VMALLOC_SIZE >> 30,
		vmalloc_lazy_enabled() ? "lazy" : "eager",
		VMALLOC_LAZY_MAX_PAGES);
}

/*
 * Linux's /proc/vmallocinfo line: range (the guard page included), size
 * in bytes, caller, pages=N, then the kind. Lazily freed areas follow as
 * "unpurged vm_area", as Linux 6.x prints them.
 */
void show_vmallocinfo(void)
{
	const struct vmap_area *va;
	const struct vm_struct *vm;
	char line[192];
	int n;

	list_for_each_entry (va, &vmap_area_list, list) {
		vm = va->vm;
		if (!vm)
			continue;
		n = snprintf(line, sizeof(line), "0x%016lx-0x%016lx %7lu",
			     va->va_start, va->va_end, vm->size);
		if (vm->caller)
			n += snprintf(line + n, sizeof(line) - (size_t)n,
				      " %pS", (void *)vm->caller);
		if (vm->nr_pages)
			n += snprintf(line + n, sizeof(line) - (size_t)n,
				      " pages=%u", vm->nr_pages);
		snprintf(line + n, sizeof(line) - (size_t)n, "%s%s%s",
			 vm->flags & VM_ALLOC ? " vmalloc" : "",
			 vm->flags & VM_MAP ? " vmap" : "",
			 vm->pages && is_vmalloc_addr(vm->pages) ? " vpages"
								 : "");
		printk(KERN_INFO "%s\n", line);
	}
	list_for_each_entry (va, &vmap_purge_list, list)
		printk(KERN_INFO "0x%016lx-0x%016lx %7lu unpurged vm_area\n",
		       va->va_start, va->va_end, va->va_end - va->va_start);
}

static int cmd_vmallocinfo(int argc, char **argv)
{
	show_vmallocinfo();
	return 0;
}
MONITOR_CMD("vmallocinfo", cmd_vmallocinfo, 0, 0, "vmallocinfo",
	    "vmalloc and vmap areas, as /proc/vmallocinfo");

static int cmd_vmalloc(int argc, char **argv)
{
	unsigned long size;
	void *p;

	if (mon_arg_size(argv[1], "size", &size))
		return MON_USAGE;
	if (!size || size > VMALLOC_SIZE) {
		console_print("vmalloc: bad size '%s': must be 1 byte to %lu "
			      "GiB\n",
			      argv[1], VMALLOC_SIZE >> 30);
		return MON_USAGE;
	}
	p = __vmalloc_node_range(size, PAGE_SIZE, VMALLOC_START, VMALLOC_END,
				 GFP_KERNEL | __GFP_NOWARN, PAGE_KERNEL, 0,
				 (unsigned long)cmd_vmalloc);
	if (!p) {
		console_print("vmalloc: %lu bytes: failed (no memory or no "
			      "room)\n",
			      size);
		return MON_FAILED;
	}
	console_print("vmalloc: %lu pages at %p; free it with: vfree %p\n",
		      PAGE_ALIGN(size) >> PAGE_SHIFT, p, p);
	return 0;
}
MONITOR_CMD("vmalloc", cmd_vmalloc, 1, 1, "vmalloc SIZE",
	    "vmalloc SIZE bytes (K/M/G suffixes) and print the address");

static int cmd_vfree(int argc, char **argv)
{
	unsigned long addr, before = report_count();
	char what[24];

	if (mon_arg_addr(argv[1], "address", &addr))
		return MON_USAGE;
	vfree_caller((void *)addr, (unsigned long)cmd_vfree);
	snprintf(what, sizeof(what), "%#lx", addr);
	return mon_freed("vfree", what, before);
}
MONITOR_CMD("vfree", cmd_vfree, 1, 1, "vfree ADDR",
	    "free a vmalloc area (misuse is reported, not fatal)");
