/*
 * tests/bench_frag.c: "What happens under fragmentation?" (group `frag`,
 * full set only).
 *
 * Take every page the allocator will give, one at a time, then every
 * larger block still left (reserves included), and give back the
 * odd-numbered single pages. Half of memory is free, but in single pages
 * no two of which are buddies: the buddy allocator cannot build a two-page
 * block out of them, while vmalloc maps single pages side by side.
 * buddyinfo before and after shows why. Everything is given back at the
 * end, and a last buddyinfo shows the blocks merge again.
 */
#include <kernel/bench.h>
#include <kernel/printk.h>
#include <lib/list.h>
#include <lib/printf.h>
#include <mm/gfp.h>
#include <mm/page.h>
#include <mm/slab.h>
#include <mm/stats.h>
#include <mm/vmalloc.h>
#include <tests/fragment.h>

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
	console_print("%8lu KiB  %-11s  %5u  %-8s  %s\n", size >> 10,
		      size <= KMALLOC_MAX_SIZE ? "kmalloc" : "alloc_pages",
		      order, kres, vres);
	kfree(k);
	if (pages)
		__free_pages(pages, order);
	vfree(v);
}

static void bench_frag(struct bench_run *r)
{
	static const unsigned long sizes[] = { 8UL << 10, 64UL << 10, 1UL << 20,
					       4UL << 20 };
	struct fragmented frag;
	unsigned int s;

	(void)r;
	console_print("\n-- What happens under fragmentation? --\n");
	/* Empty slabs back first: no cache may answer from objects freed earlier. */
	kmem_cache_shrink_all();
	console_print("slab caches shrunk; buddyinfo before (free blocks of "
		      "2^order pages, order 0..%u):\n",
		      MAX_PAGE_ORDER);
	show_buddyinfo();
	fragment_memory(&frag);
	console_print("took all %lu pages the allocator would give (largest "
		      "blocks first, then"
		      " a fixed amount as single pages) and gave back the "
		      "odd-numbered single pages:"
		      " %lu MiB free, in single pages\n",
		      frag.taken, (frag.returned << PAGE_SHIFT) >> 20);
	console_print("buddyinfo fragmented:\n");
	show_buddyinfo();
	console_print("%12s  %-11s  %5s  %-8s  %s\n", "size", "allocator",
		      "order", "result", "vmalloc of the same size");
	for (s = 0; s < ARRAY_SIZE(sizes); s++)
		frag_try(sizes[s]);
	/* vmalloc's page-pointer array (2 KiB for 1 MiB) came from a min-order slab. */
	console_print("kmalloc-2k's slabs (order_fallback: made at "
		      "min_order):\n");
	show_slab_stats("kmalloc-2k");
	unfragment_memory(&frag);
	console_print("buddyinfo after giving everything back (the buddies "
		      "merge again):\n");
	show_buddyinfo();
}
BENCH(frag, bench_frag, 0);
