/*
 * tests/host/test_vmalloc.c: mm/vmalloc.c on the arena, with real page
 * tables.
 *
 * mm/ is booted on a small arena (shim/mm.c), a zeroed page becomes
 * kernel_pgd, and vmalloc()/vzalloc()/vfree()/vmap()/vunmap() then build
 * and clear real 4-level tables inside the arena. The host cannot
 * dereference a vmalloc address, so every check goes through the tables:
 * vmalloc_to_page() and kernel_pte_offset() for each page of an area, the
 * page's contents through the direct map. After each case, with
 * everything freed and purged, the free page count is back to what it
 * was less the page-table pages (kernel page tables are kept), and no
 * vmap area or kmalloc()ed struct is left. Not testable here: areas above
 * 512 pages, whose page array is itself vmalloc()ed and written through
 * its vmalloc address.
 */
#include <stdlib.h>

#include "harness.h"
#include "models.h"
#include <host.h>
#include <kernel/fault_inject.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/page.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>

#include "../../mm/internal.h"

#define VM_RAM_BYTES (48UL << 20) /* small: valgrind runs this too */
#define MAX_LIVE     48

struct vm_env {
	unsigned long free_before; /* nr_free_pages() after boot */
	unsigned long pt_before;   /* nr_pagetable_pages after boot */
	unsigned long live_before; /* slab_live_objects() after boot */
	u8 *mapped;		   /* per pfn: mapped by a live area */
};

/* One live vmalloc() area and what the test wrote into it. */
struct vm_live {
	void *addr;
	unsigned int nr_pages;
	u64 tag;
};

static bool vm_boot(struct host_test *t, struct vm_env *e, bool lazy)
{
	struct page *pgd;
	int err = host_mm_boot(VM_RAM_BYTES);

	if (!CHECK(t, !err, "host_mm_boot: %d", err))
		return false;
	host_slab_boot();
	host_arch_reset();
	pgd = alloc_pages(GFP_KERNEL | __GFP_ZERO, 0);
	if (!CHECK(t, pgd, "no page for the PML4"))
		return false;
	kernel_pgd = page_address(pgd);
	kernel_pgd_pa = page_to_phys(pgd);
	e->live_before = slab_live_objects();
	drain_all_pages();
	e->free_before = nr_free_pages();
	e->pt_before = nr_pagetable_pages;
	vmalloc_reset();
	vmalloc_set_lazy(lazy);
	e->mapped = calloc(max_pfn, 1);
	return CHECK(t, e->mapped, "calloc");
}

/* Everything must be freed by now; check that nothing is left, and unboot. */
static void vm_teardown(struct host_test *t, struct vm_env *e)
{
	unsigned long tables;
	struct vmap_counts c;
	char why[WHY_SIZE] = "";

	purge_vmap_area_lazy();
	vmap_area_counts(&c);
	CHECK(t, c.nr_busy == 0 && c.nr_lazy == 0 && c.nr_free == 1,
	      "left: %lu busy, %lu lazy, %lu free blocks", c.nr_busy, c.nr_lazy,
	      c.nr_free);
	CHECK(t, vmalloc_stats.nr_used_pages == 0,
	      "%lu pages still counted used", vmalloc_stats.nr_used_pages);
	CHECK(t, vmap_area_check() == 0, "vmap_area_check() found violations");
	if (CHECK(t, vmm_release_space(why), "%s", why))
		CHECK(t, slab_live_objects() == e->live_before,
		      "%lu kmalloc()ed objects leaked",
		      slab_live_objects() - e->live_before);
	/* Empty slabs back to the buddy allocator, then count. */
	kmem_cache_shrink_all();
	drain_all_pages();
	tables = nr_pagetable_pages - e->pt_before;
	CHECK(t, nr_free_pages() + tables == e->free_before,
	      "%lu free pages + %lu new page tables, %lu before",
	      nr_free_pages(), tables, e->free_before);
	free(e->mapped);
	kernel_pgd = NULL;
	kernel_pgd_pa = 0;
	host_mm_teardown();
}

/* The word the test writes at both ends of page @i of an area tagged @tag. */
static u64 pattern(u64 tag, unsigned int i)
{
	return tag * 0x9e3779b97f4a7c15ULL ^ i;
}

/*
 * Every page of @l mapped once, RW + NX, to a PG_vmalloc page no other
 * area has; the guard page unmapped. With @fill, write the pattern (and
 * check zeroes first if @zeroed); else check the pattern survived.
 */
static bool check_area(struct host_test *t, struct vm_env *e,
		       const struct vm_live *l, bool fill, bool zeroed)
{
	const struct vm_struct *vm = find_vm_area(l->addr);
	unsigned long a = (unsigned long)l->addr;
	unsigned int i;

	if (!CHECK(t,
		   vm && vm->nr_pages == l->nr_pages &&
			   (vm->flags & VM_ALLOC) &&
			   vm->size ==
				   ((unsigned long)l->nr_pages + 1) * PAGE_SIZE,
		   "find_vm_area(%p): %p", l->addr, (const void *)vm))
		return false;
	for (i = 0; i < l->nr_pages; i++) {
		unsigned long va = a + (unsigned long)i * PAGE_SIZE;
		struct page *page =
			vmalloc_to_page((void *)(va + (i * 8u) % PAGE_SIZE));
		pteval_t *pte = kernel_pte_offset(va);
		u64 *w;

		if (!CHECK(t, page && page == vm->pages[i] && PageVmalloc(page),
			   "page %u of %p: vmalloc_to_page %p, pages[] %p", i,
			   l->addr, (void *)page, (void *)vm->pages[i]) ||
		    !CHECK(t,
			   pte && (*pte & PTE_FLAGS_MASK) ==
					   (PAGE_KERNEL | _PAGE_PRESENT),
			   "page %u of %p: pte %#llx", i, l->addr,
			   pte ? (unsigned long long)*pte : 0ULL))
			return false;
		w = page_address(page);
		if (fill) {
			if (!CHECK(t, !e->mapped[page_to_pfn(page)],
				   "pfn %#lx mapped by two areas",
				   page_to_pfn(page)) ||
			    !CHECK(t,
				   !zeroed || (!w[0] && !w[PAGE_SIZE / 8 - 1] &&
					       !memchr_inv(w, 0, PAGE_SIZE)),
				   "vzalloc page %u of %p not zero", i,
				   l->addr))
				return false;
			e->mapped[page_to_pfn(page)] = 1;
			w[0] = w[PAGE_SIZE / 8 - 1] = pattern(l->tag, i);
		} else if (!CHECK(t,
				  w[0] == pattern(l->tag, i) &&
					  w[PAGE_SIZE / 8 - 1] ==
						  pattern(l->tag, i),
				  "page %u of %p: contents changed", i,
				  l->addr)) {
			return false;
		}
	}
	return CHECK(t,
		     !vmalloc_to_page((void *)(a + (unsigned long)l->nr_pages *
							   PAGE_SIZE)),
		     "the guard page after %p is mapped", l->addr);
}

/* vfree() @l: pages unmapped, flushed now (eager) or on the purge list (lazy). */
static bool free_area(struct host_test *t, struct vm_env *e,
		      const struct vm_live *l, bool lazy)
{
	unsigned long a = (unsigned long)l->addr, invl = host_arch.nr_invlpg;
	unsigned long flushes = host_arch.nr_flush_all;
	unsigned int i;

	if (!check_area(t, e, l, false, false))
		return false;
	for (i = 0; i < l->nr_pages; i++)
		e->mapped[page_to_pfn(vmalloc_to_page(
			(void *)(a + (unsigned long)i * PAGE_SIZE)))] = 0;
	vfree(l->addr);
	if (!CHECK(t, !find_vm_area(l->addr), "%p still an area after vfree",
		   l->addr))
		return false;
	for (i = 0; i < l->nr_pages; i++)
		if (!CHECK(t,
			   !vmalloc_to_page(
				   (void *)(a + (unsigned long)i * PAGE_SIZE)),
			   "page %u of %p still mapped after vfree", i,
			   l->addr))
			return false;
	if (!lazy)
		return CHECK(t,
			     host_arch.nr_invlpg - invl == l->nr_pages &&
				     host_arch.last_invlpg_va ==
					     a + (l->nr_pages - 1UL) *
							     PAGE_SIZE,
			     "eager vfree of %u pages: %lu invlpg, the last at "
			     "%#lx",
			     l->nr_pages, host_arch.nr_invlpg - invl,
			     host_arch.last_invlpg_va);
	return CHECK(t,
		     host_arch.nr_invlpg == invl &&
			     (find_lazy_vmap_area(a) ||
			      host_arch.nr_flush_all == flushes + 1),
		     "lazy vfree of %p: %lu invlpg, lazy area %p, %lu flushes",
		     l->addr, host_arch.nr_invlpg - invl,
		     (void *)find_lazy_vmap_area(a),
		     host_arch.nr_flush_all - flushes);
}

/*
 * A size in bytes: any byte count up to 512 pages. Above that vmalloc()
 * vmalloc()s the page array itself and fills it through its vmalloc
 * address, which the host cannot dereference: not testable here.
 */
static unsigned long pick_bytes(struct prng *rng)
{
	u64 r = prng_below(rng, 100);

	if (r < 55)
		return prng_range(rng, 1, 8 * PAGE_SIZE);
	if (r < 85)
		return prng_range(rng, 8 * PAGE_SIZE, 40 * PAGE_SIZE);
	return prng_range(rng, 40 * PAGE_SIZE, 512 * PAGE_SIZE);
}

static void random_run(struct host_test *t, bool lazy)
{
	static struct vm_live live[MAX_LIVE];
	unsigned long i, steps = host_iters(t, 400);
	struct vm_env e;
	size_t nr = 0, k;

	if (!vm_boot(t, &e, lazy))
		return;
	for (i = 0; i < steps; i++) {
		bool zero = prng_below(&t->rng, 4) == 0;

		if (nr < MAX_LIVE &&
		    (nr == 0 || prng_below(&t->rng, 100) < 55)) {
			unsigned long bytes = pick_bytes(&t->rng);
			void *p = zero ? vzalloc(bytes) : vmalloc(bytes);

			if (!CHECK(t,
				   p && is_vmalloc_addr(p) &&
					   !((unsigned long)p % PAGE_SIZE),
				   "vmalloc(%lu) = %p", bytes, p))
				break;
			live[nr] = (struct vm_live){
				p,
				(unsigned int)(PAGE_ALIGN(bytes) / PAGE_SIZE),
				prng_next(&t->rng)
			};
			if (!check_area(t, &e, &live[nr++], true, zero))
				break;
		} else {
			k = prng_below(&t->rng, nr);
			if (!free_area(t, &e, &live[k], lazy))
				break;
			live[k] = live[--nr];
		}
		if (!CHECK(t, vmap_area_check() == 0,
			   "vmap_area_check() at step %lu", i))
			break;
	}
	while (nr)
		if (!free_area(t, &e, &live[--nr], lazy))
			nr = 0;
	vm_teardown(t, &e);
}

/* Random vmalloc/vzalloc/vfree, lazy TLB purge (the default). */
static void random_lazy(struct host_test *t)
{
	random_run(t, true);
}

/* The same with eager vfree: one invlpg per page, at once. */
static void random_eager(struct host_test *t)
{
	random_run(t, false);
}

/*
 * vmap() maps the caller's pages in the caller's order; vunmap() unmaps
 * them and leaves them the caller's.
 */
static void vmap_caller_pages(struct host_test *t)
{
	struct page *pages[37];
	unsigned int i, n = ARRAY_SIZE(pages);
	struct vm_env e;
	void *p;

	if (!vm_boot(t, &e, true))
		return;
	for (i = 0; i < n; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, 0);
		if (!CHECK(t, pages[i], "alloc_pages"))
			goto out;
	}
	for (i = 0; i < n; i++) { /* scramble: any frames, any order */
		unsigned int j = (unsigned int)prng_below(&t->rng, n);
		struct page *tmp = pages[i];

		pages[i] = pages[j];
		pages[j] = tmp;
	}
	p = vmap(pages, n, VM_MAP, PAGE_KERNEL);
	if (!CHECK(t, p && is_vmalloc_addr(p), "vmap: %p", p))
		goto out;
	for (i = 0; i < n; i++)
		CHECK(t,
		      vmalloc_to_page((char *)p +
				      (unsigned long)i * PAGE_SIZE) == pages[i],
		      "vmap page %u maps the wrong frame", i);
	CHECK(t, !vmalloc_to_page((char *)p + (unsigned long)n * PAGE_SIZE),
	      "vmap guard page mapped");
	vunmap(p);
	CHECK(t, !vmalloc_to_page(p), "mapped after vunmap");
	for (i = 0; i < n; i++)
		CHECK(t, PageAllocated(pages[i]), "page %u freed by vunmap", i);
out:
	for (i = 0; i < n; i++)
		if (pages[i])
			__free_pages(pages[i], 0);
	vm_teardown(t, &e);
}

/*
 * A NULL entry in vmap()'s page array: one warning, NULL, and no PTE left
 * in the range the attempt took (the page before the NULL was mapped,
 * then unmapped again).
 */
static void vmap_null_page(struct host_test *t)
{
	struct page *pages[3] = { NULL, NULL, NULL }, *held;
	int old_level = console_loglevel;
	unsigned long addr, before, i;
	struct vm_env e;
	pteval_t *pte;
	bool was;
	void *p;

	if (!vm_boot(t, &e, true))
		return;
	for (i = 0; i < 3; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, 0);
		if (!CHECK(t, pages[i], "alloc_pages"))
			goto out;
	}
	/* Where three pages land: the lowest fit, free again after the purge. */
	p = vmap(pages, 3, VM_MAP, PAGE_KERNEL);
	if (!CHECK(t, p, "vmap"))
		goto out;
	addr = (unsigned long)p;
	vunmap(p);
	purge_vmap_area_lazy();
	held = pages[1];
	pages[1] = NULL;
	was = report_set_counting(true);
	console_loglevel = 0;
	before = report_count();
	p = vmap(pages, 3, VM_MAP, PAGE_KERNEL);
	CHECK(t, report_count() == before + 1,
	      "vmap with a NULL page: %lu reports", report_count() - before);
	console_loglevel = old_level;
	report_set_counting(was);
	pages[1] = held;
	CHECK(t, !p, "vmap with a NULL page gave %p", p);
	for (i = 0; i < 3; i++) {
		pte = kernel_pte_offset(addr + i * PAGE_SIZE);
		CHECK(t, !pte || !*pte, "pte %#llx left at %#lx",
		      pte ? (unsigned long long)*pte : 0ULL,
		      addr + i * PAGE_SIZE);
	}
	CHECK(t, vmalloc_stats.nr_vmap == 1 && vmap_area_check() == 0,
	      "the failed vmap left state behind");
out:
	for (i = 0; i < 3; i++)
		if (pages[i])
			__free_pages(pages[i], 0);
	vm_teardown(t, &e);
}

/*
 * vfree of an address inside an area, a second vfree, vunmap of a
 * vmalloc() area and vfree of a non-vmalloc address: one report each,
 * and nothing freed.
 */
static void misuse_reported(struct host_test *t)
{
	struct vm_live l = { NULL, 3, 77 };
	int old_level = console_loglevel;
	struct vm_env e;
	unsigned long before;
	bool was;

	if (!vm_boot(t, &e, true))
		return;
	l.addr = vmalloc(3 * PAGE_SIZE);
	if (!CHECK(t, l.addr, "vmalloc") || !check_area(t, &e, &l, true, false))
		goto out;
	was = report_set_counting(true);
	console_loglevel = 0;
	before = report_count();
	vfree((char *)l.addr + PAGE_SIZE);
	CHECK(t, report_count() == before + 1,
	      "vfree inside an area: %lu reports", report_count() - before);
	vunmap(l.addr);
	CHECK(t, report_count() == before + 2,
	      "vunmap of a vmalloc area: %lu reports", report_count() - before);
	vfree(kernel_pgd);
	CHECK(t, report_count() == before + 3,
	      "vfree of a direct-map address: %lu reports",
	      report_count() - before);
	check_area(t, &e, &l, false, false); /* untouched by all that */
	free_area(t, &e, &l, true);
	vfree(l.addr);
	CHECK(t, report_count() == before + 4, "double vfree: %lu reports",
	      report_count() - before);
	console_loglevel = old_level;
	report_set_counting(was);
out:
	vm_teardown(t, &e);
}

/*
 * A page allocation failing part-way through vmalloc(): NULL, and
 * every page, area and struct taken so far given back.
 */
static void fail_part_way(struct host_test *t)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	unsigned long nth, free_now;
	struct vm_env e;
	void *p = NULL;

	if (!vm_boot(t, &e, true))
		return;
	/*
	 * A slab page for the vm_struct, 12 pages, then 3 page tables the
	 * first time; failures at the tables leave them behind (kept, as
	 * kernel tables are), so vmalloc succeeds before 17.
	 */
	for (nth = 1; nth <= 17 && !p; nth++) {
		kmem_cache_shrink_all();
		drain_all_pages();
		free_now = nr_free_pages() + nr_pagetable_pages;
		fault_inject_nth(&fail_page_alloc, nth);
		p = __vmalloc(12 * PAGE_SIZE, gfp);
		fault_inject_off(&fail_page_alloc);
		if (p)
			break;
		purge_vmap_area_lazy();
		kmem_cache_shrink_all();
		drain_all_pages();
		CHECK(t, nr_free_pages() + nr_pagetable_pages == free_now,
		      "failure at allocation %lu: %lu pages not given back",
		      nth, free_now - nr_free_pages() - nr_pagetable_pages);
		CHECK(t,
		      vmalloc_stats.nr_used_pages == 0 &&
			      vmap_area_check() == 0,
		      "failure at allocation %lu left state behind", nth);
	}
	CHECK(t, p && nth > 13 && nr_pagetable_pages - e.pt_before == 3,
	      "vmalloc succeeded first with allocation %lu failing (%lu "
	      "tables)",
	      nth, nr_pagetable_pages - e.pt_before);
	vfree(p);
	vm_teardown(t, &e);
}

const struct host_suite suite_vmalloc =
	HOST_SUITE("vmalloc", HOST_CASE(random_lazy), HOST_CASE(random_eager),
		   HOST_CASE(vmap_caller_pages), HOST_CASE(vmap_null_page),
		   HOST_CASE(misuse_reported), HOST_CASE(fail_part_way));
