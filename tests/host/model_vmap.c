/*
 * tests/host/model_vmap.c: a model of mm/vmap_area.c (see models.h).
 *
 * The kernel keeps free blocks in an augmented rb-tree and finds the
 * lowest fit by pruned descent; the model keeps the whole range as one
 * sorted array of intervals and finds the lowest fit by scanning it from
 * the left, so the two share nothing but the documented rules:
 *
 *   - an allocation is the lowest address a, aligned to @align, with
 *     [a, a + size) inside one free interval and inside [vstart, vend);
 *   - when nothing fits and areas wait for the lazy purge, they are purged
 *     (one full TLB flush) and the search runs once more;
 *   - a freed area merges with free neighbours; a lazily freed one is not
 *     free until the purge, which happens at once when more than
 *     VMALLOC_LAZY_MAX_PAGES pages wait.
 */
#include <stdio.h>
#include <stdlib.h>

#include "models.h"
#include <host.h>
#include <lib/list.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>

#include "../../mm/internal.h"

#define CALLER_TAG 0xca11e7UL /* the caller recorded with each area */

static void vmm_reserve(struct vmap_model *m, size_t n)
{
	if (m->nr + n <= m->cap)
		return;
	m->cap = (m->nr + n) * 2;
	m->iv = realloc(m->iv, m->cap * sizeof(m->iv[0]));
	if (!m->iv)
		abort();
}

void vmm_init(struct vmap_model *m)
{
	memset(m, 0, sizeof(*m));
	vmm_reserve(m, 16);
	m->iv[0] = (struct vmm_interval){ VMALLOC_START, VMALLOC_END, VMM_FREE,
					  NULL };
	m->nr = 1;
	m->flush_base = host_arch.nr_flush_all;
}

void vmm_destroy(struct vmap_model *m)
{
	free(m->iv);
	memset(m, 0, sizeof(*m));
}

/* Merge free interval @i with free neighbours; return its new index. */
static size_t merge_at(struct vmap_model *m, size_t i)
{
	if (i + 1 < m->nr && m->iv[i + 1].state == VMM_FREE) {
		m->iv[i].end = m->iv[i + 1].end;
		memmove(&m->iv[i + 1], &m->iv[i + 2],
			(m->nr - i - 2) * sizeof(m->iv[0]));
		m->nr--;
	}
	if (i > 0 && m->iv[i - 1].state == VMM_FREE) {
		m->iv[i - 1].end = m->iv[i].end;
		memmove(&m->iv[i], &m->iv[i + 1],
			(m->nr - i - 1) * sizeof(m->iv[0]));
		m->nr--;
		i--;
	}
	return i;
}

static void make_free(struct vmap_model *m, size_t i)
{
	m->iv[i].state = VMM_FREE;
	m->iv[i].va = NULL;
	merge_at(m, i);
}

static void model_purge(struct vmap_model *m)
{
	size_t i;

	if (!m->nr_lazy)
		return;
	for (i = 0; i < m->nr; i++)
		if (m->iv[i].state == VMM_LAZY)
			m->iv[i].state = VMM_FREE;
	/* Then merge every run of free intervals. */
	for (i = 0; i + 1 < m->nr;) {
		if (m->iv[i].state == VMM_FREE &&
		    m->iv[i + 1].state == VMM_FREE) {
			m->iv[i].end = m->iv[i + 1].end;
			memmove(&m->iv[i + 1], &m->iv[i + 2],
				(m->nr - i - 2) * sizeof(m->iv[0]));
			m->nr--;
		} else {
			i++;
		}
	}
	m->nr_lazy = 0;
	m->lazy_pages = 0;
	m->nr_purges++;
}

/* The lowest aligned fit: index of its free interval and the address. */
static bool model_fit(const struct vmap_model *m, unsigned long size,
		      unsigned long align, unsigned long vstart,
		      unsigned long vend, size_t *idx, unsigned long *addr)
{
	size_t i;

	for (i = 0; i < m->nr; i++) {
		const struct vmm_interval *v = &m->iv[i];
		unsigned long s = MAX(v->start, vstart), e = MIN(v->end, vend);
		unsigned long a = (s + align - 1) & ~(align - 1);

		if (v->state != VMM_FREE || s >= e || a < s || a >= e ||
		    e - a < size)
			continue;
		*idx = i;
		*addr = a;
		return true;
	}
	return false;
}

/* Carve [a, a + size) out of free interval @i as busy @va. */
static void model_take(struct vmap_model *m, size_t i, unsigned long a,
		       unsigned long size, struct vmap_area *va)
{
	struct vmm_interval f = m->iv[i];
	struct vmm_interval parts[3];
	size_t n = 0;

	if (f.start < a)
		parts[n++] =
			(struct vmm_interval){ f.start, a, VMM_FREE, NULL };
	parts[n++] = (struct vmm_interval){ a, a + size, VMM_BUSY, va };
	if (a + size < f.end)
		parts[n++] = (struct vmm_interval){ a + size, f.end, VMM_FREE,
						    NULL };
	vmm_reserve(m, n);
	memmove(&m->iv[i + n], &m->iv[i + 1],
		(m->nr - i - 1) * sizeof(m->iv[0]));
	memcpy(&m->iv[i], parts, n * sizeof(parts[0]));
	m->nr += n - 1;
	m->nr_busy++;
}

/* The arguments alloc_vmap_area() refuses without looking. */
static bool args_valid(unsigned long size, unsigned long align,
		       unsigned long vstart, unsigned long vend)
{
	return size && !(size % PAGE_SIZE) && align >= PAGE_SIZE &&
	       !(align & (align - 1)) && !(vstart % PAGE_SIZE) &&
	       vstart < vend && vend - vstart >= size;
}

bool vmm_alloc_check(struct vmap_model *m, unsigned long size,
		     unsigned long align, unsigned long vstart,
		     unsigned long vend, struct vmap_area **out, char *why)
{
	struct vmap_area *va;
	unsigned long a = 0;
	bool fits = false;
	size_t i = 0;

	if (args_valid(size, align, vstart, vend)) {
		fits = model_fit(m, size, align, vstart, vend, &i, &a);
		if (!fits && m->nr_lazy) {
			model_purge(m);
			fits = model_fit(m, size, align, vstart, vend, &i, &a);
		}
	}
	va = alloc_vmap_area(size, align, vstart, vend, GFP_KERNEL, CALLER_TAG);
	*out = va;
	if (!fits) {
		if (!va)
			return true;
		snprintf(why, WHY_SIZE,
			 "alloc_vmap_area(%#lx, align %#lx, %#lx-%#lx) gave "
			 "%#lx-%#lx; the model finds no fit",
			 size, align, vstart, vend, va->va_start, va->va_end);
		return false;
	}
	if (!va) {
		snprintf(why, WHY_SIZE,
			 "alloc_vmap_area(%#lx, align %#lx, %#lx-%#lx) failed; "
			 "the model's lowest fit is %#lx",
			 size, align, vstart, vend, a);
		return false;
	}
	if (va->va_start != a || va->va_end != a + size ||
	    va->caller != CALLER_TAG || va->vm) {
		snprintf(why, WHY_SIZE,
			 "alloc_vmap_area(%#lx, align %#lx, %#lx-%#lx) gave "
			 "%#lx-%#lx (caller %#lx, vm %p); the model's lowest "
			 "fit is %#lx-%#lx",
			 size, align, vstart, vend, va->va_start, va->va_end,
			 va->caller, (void *)va->vm, a, a + size);
		return false;
	}
	model_take(m, i, a, size, va);
	return true;
}

const struct vmm_interval *vmm_busy(const struct vmap_model *m, size_t nth)
{
	size_t i;

	for (i = 0; i < m->nr; i++)
		if (m->iv[i].state == VMM_BUSY && nth-- == 0)
			return &m->iv[i];
	return NULL;
}

bool vmm_free_check(struct vmap_model *m, size_t nth, bool lazy, char *why)
{
	struct vmm_interval *v = (struct vmm_interval *)vmm_busy(m, nth);
	size_t i;

	if (!v) {
		snprintf(why, WHY_SIZE,
			 "vmm_free_check: no busy area %zu of %zu", nth,
			 m->nr_busy);
		return false;
	}
	i = (size_t)(v - m->iv);
	m->nr_busy--;
	if (!lazy) {
		free_vmap_area(v->va);
		make_free(m, i);
		return true;
	}
	free_vmap_area_noflush(v->va);
	v->state = VMM_LAZY;
	m->nr_lazy++;
	m->lazy_pages += (v->end - v->start) / PAGE_SIZE;
	if (m->lazy_pages > VMALLOC_LAZY_MAX_PAGES)
		model_purge(m);
	return true;
}

bool vmm_purge_check(struct vmap_model *m, char *why)
{
	(void)why;
	purge_vmap_area_lazy();
	model_purge(m);
	return true;
}

/* The model's interval holding @addr, or NULL outside the range. */
static const struct vmm_interval *model_at(const struct vmap_model *m,
					   unsigned long addr)
{
	size_t lo = 0, hi = m->nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (addr < m->iv[mid].start)
			hi = mid;
		else if (addr >= m->iv[mid].end)
			lo = mid + 1;
		else
			return &m->iv[mid];
	}
	return NULL;
}

bool vmm_find_check(const struct vmap_model *m, unsigned long addr, char *why)
{
	const struct vmm_interval *v = model_at(m, addr);
	struct vmap_area *busy = v && v->state == VMM_BUSY ? v->va : NULL;
	struct vmap_area *lazy = v && v->state == VMM_LAZY ? v->va : NULL;
	struct vmap_area *got = find_vmap_area(addr);
	struct vmap_area *got_lazy = find_lazy_vmap_area(addr);

	if (got == busy && got_lazy == lazy)
		return true;
	snprintf(why, WHY_SIZE,
		 "find at %#lx: busy %p lazy %p, the model %p %p (interval "
		 "%#lx-%#lx state %d)",
		 addr, (void *)got, (void *)got_lazy, (void *)busy,
		 (void *)lazy, v ? v->start : 0, v ? v->end : 0,
		 v ? (int)v->state : -1);
	return false;
}

/* The model's own rules: sorted, touching, covering, free never adjacent. */
static bool model_sane(const struct vmap_model *m, char *why)
{
	size_t i;

	for (i = 0; i < m->nr; i++) {
		const struct vmm_interval *v = &m->iv[i];
		unsigned long want = i ? m->iv[i - 1].end : VMALLOC_START;

		if (v->start != want || v->end <= v->start ||
		    (i && v->state == VMM_FREE &&
		     m->iv[i - 1].state == VMM_FREE)) {
			snprintf(why, WHY_SIZE,
				 "model broken at interval %zu %#lx-%#lx", i,
				 v->start, v->end);
			return false;
		}
	}
	if (m->iv[m->nr - 1].end != VMALLOC_END) {
		snprintf(why, WHY_SIZE, "model ends at %#lx",
			 m->iv[m->nr - 1].end);
		return false;
	}
	return true;
}

/* vmap_area_list against the busy intervals, in order. */
static bool compare_busy(const struct vmap_model *m, char *why)
{
	const struct vmap_area *va;
	size_t i = 0;

	list_for_each_entry (va, &vmap_area_list, list) {
		while (i < m->nr && m->iv[i].state != VMM_BUSY)
			i++;
		if (i == m->nr || m->iv[i].va != va ||
		    m->iv[i].start != va->va_start ||
		    m->iv[i].end != va->va_end) {
			snprintf(why, WHY_SIZE,
				 "busy list has %p %#lx-%#lx; the model %s",
				 (const void *)va, va->va_start, va->va_end,
				 i == m->nr ? "has no more busy areas"
					    : "another area next");
			return false;
		}
		i++;
	}
	while (i < m->nr && m->iv[i].state != VMM_BUSY)
		i++;
	if (i != m->nr) {
		snprintf(why, WHY_SIZE,
			 "busy area %#lx-%#lx missing from vmap_area_list",
			 m->iv[i].start, m->iv[i].end);
		return false;
	}
	return true;
}

/* vmap_purge_list: exactly the lazy intervals, each with its struct. */
static bool compare_lazy(const struct vmap_model *m, char *why)
{
	const struct vmap_area *va;
	size_t n = 0;

	list_for_each_entry (va, &vmap_purge_list, list) {
		const struct vmm_interval *v = model_at(m, va->va_start);

		if (!v || v->state != VMM_LAZY || v->va != va ||
		    v->end != va->va_end || v->start != va->va_start ||
		    ++n > m->nr_lazy) {
			snprintf(why, WHY_SIZE,
				 "purge list has %#lx-%#lx; the model says "
				 "otherwise (%zu lazy)",
				 va->va_start, va->va_end, m->nr_lazy);
			return false;
		}
	}
	if (n != m->nr_lazy) {
		snprintf(why, WHY_SIZE, "purge list: %zu areas, the model %zu",
			 n, m->nr_lazy);
		return false;
	}
	return true;
}

bool vmm_compare(const struct vmap_model *m, char *why)
{
	struct vmap_counts want = { 0 }, got;
	unsigned int bad;
	size_t i;

	if (!model_sane(m, why) || !compare_busy(m, why) ||
	    !compare_lazy(m, why))
		return false;
	for (i = 0; i < m->nr; i++) {
		unsigned long len = m->iv[i].end - m->iv[i].start;

		if (m->iv[i].state == VMM_FREE) {
			want.nr_free++;
			want.free_bytes += len;
		} else if (m->iv[i].state == VMM_BUSY) {
			want.nr_busy++;
			want.busy_bytes += len;
		} else {
			want.nr_lazy++;
			want.lazy_bytes += len;
		}
	}
	want.lazy_pages = m->lazy_pages;
	vmap_area_counts(&got);
	if (memcmp(&want, &got, sizeof(want))) {
		snprintf(why, WHY_SIZE,
			 "vmap_area_counts: free %lu (%#lx bytes) busy %lu "
			 "(%#lx) lazy %lu (%#lx, %lu pages); the model: free "
			 "%lu (%#lx) busy %lu (%#lx) lazy %lu (%#lx, %lu "
			 "pages)",
			 got.nr_free, got.free_bytes, got.nr_busy,
			 got.busy_bytes, got.nr_lazy, got.lazy_bytes,
			 got.lazy_pages, want.nr_free, want.free_bytes,
			 want.nr_busy, want.busy_bytes, want.nr_lazy,
			 want.lazy_bytes, want.lazy_pages);
		return false;
	}
	if (host_arch.nr_flush_all - m->flush_base != m->nr_purges) {
		snprintf(why, WHY_SIZE,
			 "%lu full TLB flushes; the model expects %lu purges",
			 host_arch.nr_flush_all - m->flush_base, m->nr_purges);
		return false;
	}
	bad = vmap_area_check();
	if (bad) {
		snprintf(why, WHY_SIZE,
			 "vmap_area_check(): %u violation(s) (see the log)",
			 bad);
		return false;
	}
	return true;
}

bool vmm_release_space(char *why)
{
	struct vmap_area *va;

	purge_vmap_area_lazy();
	vmap_area_drain();
	va = alloc_vmap_area(VMALLOC_SIZE, PAGE_SIZE, VMALLOC_START,
			     VMALLOC_END, GFP_KERNEL, 0);
	if (!va || va->va_start != VMALLOC_START || va->va_end != VMALLOC_END) {
		snprintf(why, WHY_SIZE,
			 "the whole range does not come back as one area "
			 "(%#lx-%#lx)",
			 va ? va->va_start : 0, va ? va->va_end : 0);
		return false;
	}
	kfree(va);
	return true;
}
