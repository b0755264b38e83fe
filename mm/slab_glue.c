/*
 * mm/slab_glue.c: what the kernel around the slab allocator needs from it,
 * kept out of mm/slab.c, mm/slab_debug.c and mm/kmalloc.c (which hold the
 * allocator and its checker, and build for the host tests as well):
 *
 *   - the slub_debug= command-line parameter (its parser is slab_debug's);
 *   - the test checker: after every test case, as many live objects and
 *     caches as before, and every cache validates;
 *   - the boot line;
 *   - slabinfo and the slab statistics, in /proc's formats;
 *   - the monitor commands slabinfo, slabstat, kmalloc and kfree.
 *
 * Kernel only: the host build links the allocator without this file.
 */
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/printf.h>
#include <lib/string.h>

#include "slab.h"

KPARAM("slub_debug", slub_debug_parse,
       "slab debugging: letters F Z P U, optionally ,cache[,cache...] (Linux "
       "syntax)");

/* ---- the test checker ------------------------------------------------------- */

/*
 * After every test case, with every CPU slab given up and every empty
 * slab freed (the settle hook): as many live objects and caches as
 * before, and every cache validates.
 */
struct slab_snapshot {
	unsigned long live, caches;
};

static unsigned long nr_caches(void)
{
	return list_count(&slab_caches);
}

static void slab_checker_snapshot(void *buf)
{
	struct slab_snapshot *snap = buf;

	snap->live = slab_live_objects();
	snap->caches = nr_caches();
}

static void slab_checker_check(struct ktest *t, const void *before)
{
	const struct slab_snapshot *was = before;
	struct kmem_cache *s;
	unsigned int errs = 0;
	unsigned long live = slab_live_objects();

	if (live != was->live)
		ktest_fail(t, __FILE__, __LINE__,
			   "slab objects: %lu live before the case, %lu after "
			   "(%ld leaked)",
			   was->live, live, (long)(live - was->live));
	if (nr_caches() != was->caches)
		ktest_fail(t, __FILE__, __LINE__,
			   "slab caches: %lu before the case, %lu after",
			   was->caches, nr_caches());
	list_for_each_entry (s, &slab_caches, list)
		errs += kmem_cache_validate(s);
	if (errs)
		ktest_fail(t, __FILE__, __LINE__,
			   "kmem_cache_validate() found %u problem(s)", errs);
}

static const struct ktest_checker slab_checker = {
	.name = "slab",
	.snapshot = slab_checker_snapshot,
	.check = slab_checker_check,
	.settle = kmem_cache_shrink_all,
};

_Static_assert(sizeof(struct slab_snapshot) <= KTEST_SNAPSHOT_BYTES, "snapshot "
								     "fits");

void kmem_cache_init_late(void)
{
	ktest_register_checker(&slab_checker);
	pr_info("slab: SLUB-style caches, %u-byte struct kmem_cache, slabs of "
		"order 0-%u%s\n",
		(unsigned int)sizeof(struct kmem_cache), SLAB_MAX_ORDER,
		slab_debug_state());
}

/* ---- reports: /proc/slabinfo ------------------------------------------------ */

void show_slabinfo(void)
{
	struct kmem_cache *s;

	printk(KERN_INFO "slabinfo - version: 2.1\n");
	printk(KERN_INFO "# name            <active_objs> <num_objs> <objsize> "
			 "<objperslab> <pagesperslab> : tunables <limit> "
			 "<batchcount> <sharedfactor> : slabdata "
			 "<active_slabs> <num_slabs> <sharedavail>\n");
	list_for_each_entry (s, &slab_caches, list)
		printk(KERN_INFO "%-17s %6lu %6lu %6lu %4u %4u : tunables %4u "
				 "%4u %4u : slabdata %6lu %6lu %6u\n",
		       s->name, kmem_cache_active_objects(s),
		       kmem_cache_total_objects(s), s->size, s->objects,
		       1U << s->order, 0U, 0U, 0U, s->nr_slabs, s->nr_slabs,
		       0U);
}

void show_slab_stats(const char *name)
{
	const struct kmem_cache *s;

	list_for_each_entry (s, &slab_caches, list)
		if (!name || !strcmp(s->name, name))
			printk(KERN_INFO "slab: %-17s order %u (%u objects) "
					 "min_order %u (%u objects) slabs %lu "
					 "pages %lu order_fallback %lu "
					 "empty_freed %lu\n",
			       s->name, s->order, s->objects, s->min_order,
			       s->min_objects, s->nr_slabs, s->nr_slab_pages,
			       s->nr_order_fallback, s->nr_empty_freed);
}

/* ---- monitor commands: slabinfo, slabstat, kmalloc, kfree ------------------ */

static int cmd_slabinfo(int argc, char **argv)
{
	show_slabinfo();
	return 0;
}
MONITOR_CMD("slabinfo", cmd_slabinfo, 0, 0, "slabinfo",
	    "every slab cache, as /proc/slabinfo (version 2.1)");

static int cmd_slabstat(int argc, char **argv)
{
	if (argc > 1 && !kmem_cache_find(argv[1])) {
		console_print("slabstat: no cache '%s' (slabinfo lists them)\n",
			      argv[1]);
		return MON_USAGE;
	}
	show_slab_stats(argc > 1 ? argv[1] : NULL);
	return 0;
}
MONITOR_CMD("slabstat", cmd_slabstat, 0, 1, "slabstat [CACHE]",
	    "slab orders (preferred, fallback), pages and order fallbacks of "
	    "every cache, or of CACHE");

static int cmd_kmalloc(int argc, char **argv)
{
	struct kmem_cache *s;
	unsigned long size;
	void *p;

	if (mon_arg_size(argv[1], "size", &size))
		return MON_USAGE;
	p = kmalloc(size, GFP_KERNEL | __GFP_NOWARN);
	if (p == ZERO_SIZE_PTR) {
		console_print("kmalloc: 0 bytes gives ZERO_SIZE_PTR (%p), "
			      "which faults if used\n",
			      p);
		return 0;
	}
	if (!p) {
		console_print("kmalloc: no memory for %lu bytes (at most "
			      "%lu)\n",
			      size, KMALLOC_MAX_SIZE);
		return MON_FAILED;
	}
	s = virt_to_cache(p);
	if (s)
		console_print("kmalloc: %lu bytes at %p from %s (objects of %u "
			      "bytes); free it with: kfree %p\n",
			      size, p, s->name, s->object_size, p);
	else
		console_print("kmalloc: %lu bytes at %p from the buddy "
			      "allocator (a compound block of order %u); free "
			      "it with: kfree %p\n",
			      size, p, get_order(size), p);
	return 0;
}
MONITOR_CMD("kmalloc", cmd_kmalloc, 1, 1, "kmalloc SIZE",
	    "allocate SIZE bytes (suffix K/M allowed) and say which cache "
	    "served them");

static int cmd_kfree(int argc, char **argv)
{
	unsigned long addr, before = report_count();
	char what[24];

	if (mon_arg_addr(argv[1], "address", &addr))
		return MON_USAGE;
	kfree((void *)addr);
	snprintf(what, sizeof(what), "%#lx", addr);
	return mon_freed("kfree", what, before);
}
MONITOR_CMD("kfree", cmd_kfree, 1, 1, "kfree ADDR",
	    "free memory from kmalloc (misuse is reported, not fatal)");
