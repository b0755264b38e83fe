/*
 * tests/bench_vmalloc.c: vmalloc, vmap and kvmalloc benchmarks, and the
 * access benchmarks over a vmalloc buffer (names as the Linux reference,
 * docs/linux-method.md, where it has them):
 *
 *   vmalloc_pair size=S      vfree(vmalloc(S)), 2000 times (fewer for big
 *                            sizes: at most 256 MiB per repetition), with
 *                            the cost per page
 *   vfree_lazy size=S        the same pair with the lazy TLB purge, and
 *   vfree_eager size=S       with an invlpg per page at every vfree
 *   vmap_pair pages=N        vunmap(vmap(N pages already allocated))
 *   kvmalloc_pair size=S     kvfree(kvmalloc(S)), either side of a page
 *   access_* buf=vmalloc     tests/bench_access.c over one vmalloc area
 *
 * The vmalloc loops include the amortised lazy purges, as Linux's do.
 */
#include <kernel/bench.h>
#include <kernel/printk.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/gfp.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>
#include <tests/bench_access.h>

#define VMALLOC_LOOPS  2000UL
#define BYTES_PER_REP  (256UL << 20)
#define VMAP_LOOPS     2000UL
#define KVMALLOC_LOOPS 20000UL

static int vmalloc_pair_loop(void *arg, u64 n)
{
	unsigned long size = *(unsigned long *)arg;
	void *p;

	while (n--) {
		p = vmalloc(size);
		if (unlikely(!p))
			return -ENOMEM;
		vfree(p);
	}
	return 0;
}

static u64 pair_count(const struct bench_run *r, unsigned long size)
{
	return bench_scale(r, MIN(VMALLOC_LOOPS, BYTES_PER_REP / size));
}

static void bench_vmalloc_pair(struct bench_run *r)
{
	static const unsigned long kib[] = { 4, 16, 64, 256, 1024, 4096 };
	const struct bench_result *res;
	unsigned long size;
	char params[32];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kib); i++) {
		size = kib[i] << 10;
		snprintf(params, sizeof(params), "size=%luK", kib[i]);
		res = bench_measure("vmalloc_pair", params, pair_count(r, size),
				    size / PAGE_SIZE, vmalloc_pair_loop, &size,
				    NULL, NULL);
		if (!res)
			console_print("bench: vmalloc_pair %s skipped: not "
				      "enough memory\n",
				      params);
	}
}
BENCH(vmalloc, bench_vmalloc_pair, BENCH_QUICK);

/* The same pair in each TLB mode, with the flushes it caused. */
static void bench_vfree_modes(struct bench_run *r)
{
	static const unsigned long kib[] = { 4, 16, 64, 256, 1024, 4096 };
	bool was = vmalloc_lazy_enabled();
	unsigned long size, invlpg0, full0;
	struct bench_result *res;
	unsigned int i, m;
	char params[32];

	console_print("vmalloc: TLB flushes per mode (lazy: one full flush per "
		      "%lu freed pages)\n",
		      VMALLOC_LAZY_MAX_PAGES);
	for (m = 0; m < 2; m++) {
		vmalloc_set_lazy(m == 0);
		for (i = 0; i < ARRAY_SIZE(kib); i++) {
			size = kib[i] << 10;
			snprintf(params, sizeof(params), "size=%luK", kib[i]);
			invlpg0 = tlb_stats.nr_invlpg;
			full0 = tlb_stats.nr_full_flush;
			res = bench_measure(
				m == 0 ? "vfree_lazy" : "vfree_eager", params,
				pair_count(r, size), size / PAGE_SIZE,
				vmalloc_pair_loop, &size, NULL, NULL);
			if (!res)
				continue;
			/* for the lazy vs eager table: invlpg+full flushes, all repetitions */
			snprintf(res->note, sizeof(res->note), "%lu+%lu",
				 tlb_stats.nr_invlpg - invlpg0,
				 tlb_stats.nr_full_flush - full0);
			console_print("  %s %s: %lu invlpg, %lu full flushes "
				      "in %lu pairs\n",
				      m == 0 ? "lazy " : "eager", params,
				      tlb_stats.nr_invlpg - invlpg0,
				      tlb_stats.nr_full_flush - full0,
				      (unsigned long)pair_count(r, size) *
					      BENCH_REPS);
		}
	}
	vmalloc_set_lazy(was);
}
BENCH(vmalloc, bench_vfree_modes, BENCH_QUICK);

struct vmap_arg {
	struct page *pages[16];
	unsigned int count;
};

static int vmap_pair_loop(void *arg, u64 n)
{
	struct vmap_arg *a = arg;
	void *v;

	while (n--) {
		v = vmap(a->pages, a->count, VM_MAP, PAGE_KERNEL);
		if (unlikely(!v))
			return -ENOMEM;
		vunmap(v);
	}
	return 0;
}

static void bench_vmap_pair(struct bench_run *r)
{
	static const unsigned int counts[] = { 1, 16 };
	struct vmap_arg a;
	unsigned int i, c;
	char params[32];

	for (i = 0; i < ARRAY_SIZE(a.pages); i++) {
		a.pages[i] = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!a.pages[i]) {
			while (i--)
				__free_page(a.pages[i]);
			console_print("bench: vmap_pair skipped: no pages\n");
			return;
		}
	}
	for (c = 0; c < ARRAY_SIZE(counts); c++) {
		a.count = counts[c];
		snprintf(params, sizeof(params), "pages=%u", counts[c]);
		bench_measure("vmap_pair", params, bench_scale(r, VMAP_LOOPS),
			      counts[c], vmap_pair_loop, &a, NULL, NULL);
	}
	for (i = 0; i < ARRAY_SIZE(a.pages); i++)
		__free_page(a.pages[i]);
}
BENCH(vmalloc, bench_vmap_pair, BENCH_QUICK);

static int kvmalloc_pair_loop(void *arg, u64 n)
{
	size_t size = *(size_t *)arg;
	void *p;

	while (n--) {
		p = kvmalloc(size, GFP_KERNEL);
		if (unlikely(!p))
			return -ENOMEM;
		kvfree(p);
	}
	return 0;
}

static void bench_kvmalloc_pair(struct bench_run *r)
{
	static const size_t sizes[] = { 2048, 4096, 8192, 65536 };
	char params[32];
	unsigned int i;
	size_t size;
	void *p;

	console_print("kvmalloc: either side of a page (kmalloc first, vmalloc "
		      "if that fails)\n");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size = sizes[i];
		p = kvmalloc(size, GFP_KERNEL);
		console_print("  kvmalloc(%zu) -> %s\n", size,
			      !p		   ? "NULL"
			      : is_vmalloc_addr(p) ? "vmalloc"
						   : "kmalloc");
		kvfree(p);
		snprintf(params, sizeof(params), "size=%zu", size);
		bench_measure("kvmalloc_pair", params,
			      bench_scale(r, KVMALLOC_LOOPS), 0,
			      kvmalloc_pair_loop, &size, NULL, NULL);
	}
}
BENCH(vmalloc, bench_kvmalloc_pair, BENCH_QUICK);

/* ---- access through a vmalloc mapping ----------------------------------- */

static void bench_access_vmalloc(struct bench_run *r)
{
	static const unsigned long sizes[] = { 4UL << 20, 64UL << 20 };
	struct access_buf b;
	unsigned int i;
	void *p;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = __vmalloc(sizes[i], GFP_KERNEL | __GFP_NOWARN);
		if (!p) {
			console_print("bench: access buf=vmalloc size=%luK "
				      "skipped: not enough memory\n",
				      sizes[i] >> 10);
			continue;
		}
		memset(&b, 0, sizeof(b));
		b.chunk[0] = p;
		b.nr_chunks = 1;
		b.chunk_bytes = sizes[i];
		access_bench_run(r, &b, "vmalloc", sizes[i]);
		vfree(p);
	}
}
BENCH(access, bench_access_vmalloc, BENCH_QUICK);
