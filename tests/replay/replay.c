/*
 * tests/replay/replay.c: replay a Linux kmem trace through kvlab (replay.h).
 *
 * The live allocations of the trace sit in one open-addressing table
 * keyed by what the trace names them by: an object's address (even: every
 * slab object is at least 8-byte aligned) or a page block's pfn, stored as
 * pfn * 2 + 1 so the two kinds never collide. Key 0 marks an empty slot;
 * deletion shifts the following run back (no tombstones), so a lookup
 * stops at the first empty slot.
 */
#include <stdarg.h>

#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <kernel/printk.h>
#include <mm/buddy.h>
#include <mm/mmzone.h>
#include <mm/page.h>
#include <mm/slab.h>

#include "replay.h"

static u64 page_key(u64 pfn)
{
	return pfn * 2 + 1;
}

static u64 slot_of(const struct replay *r, u64 key)
{
	return (key * 0x9e3779b97f4a7c15ULL >> 17) & r->table_mask;
}

static struct replay_obj *table_find(struct replay *r, u64 key)
{
	u64 i = slot_of(r, key);

	while (r->table[i].key) {
		if (r->table[i].key == key)
			return &r->table[i];
		i = (i + 1) & r->table_mask;
	}
	return NULL;
}

static struct replay_obj *table_insert(struct replay *r, u64 key)
{
	u64 i = slot_of(r, key);

	/* Keep a quarter free, so probes stay short. */
	if (r->live >= r->table_mask - r->table_mask / 4) {
		r->st.table_full++;
		return NULL;
	}
	while (r->table[i].key)
		i = (i + 1) & r->table_mask;
	memset(&r->table[i], 0, sizeof(r->table[i]));
	r->table[i].key = key;
	r->live++;
	return &r->table[i];
}

/* Remove @o, moving back each later entry of the run that may fill the hole. */
static void table_delete(struct replay *r, struct replay_obj *o)
{
	u64 hole = o - r->table, i = hole;

	for (;;) {
		u64 home;

		i = (i + 1) & r->table_mask;
		if (!r->table[i].key)
			break;
		home = slot_of(r, r->table[i].key);
		/* Can the entry at i move to the hole (is home not in (hole, i])? */
		if ((i > hole && (home <= hole || home > i)) ||
		    (i < hole && home <= hole && home > i)) {
			r->table[hole] = r->table[i];
			hole = i;
		}
	}
	r->table[hole].key = 0;
	r->live--;
}

int replay_init(struct replay *r, struct replay_obj *table, u64 slots)
{
	if (slots < 16 || (slots & (slots - 1)))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	memset(table, 0, slots * sizeof(*table));
	r->table = table;
	r->table_mask = slots - 1;
	r->slab_base = slab_pages();
	return 0;
}

static u64 pages_of_bytes(u64 bytes)
{
	return (bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

static u64 total_kv(const struct replay_held *h)
{
	return h->kv_slab + h->kv_large + h->kv_pages;
}

static u64 total_linux(const struct replay_held *h)
{
	return h->linux_objects + h->linux_pages;
}

/* The stand-in for a Linux cache of @size-byte objects: created on first sight. */
static int cache_for(struct replay *r, u32 size)
{
	unsigned int i;

	for (i = 0; i < r->st.nr_caches; i++)
		if (r->cache_size[i] == size)
			return i;
	if (i == REPLAY_MAX_CACHES) {
		r->st.too_many_caches++;
		return -1;
	}
	snprintf(r->cache_name[i], sizeof(r->cache_name[i]), "replay-%u", size);
	r->caches[i] = kmem_cache_create(r->cache_name[i], size, 0, 0, NULL);
	if (!r->caches[i])
		return -1;
	r->cache_size[i] = size;
	r->st.nr_caches++;
	return i;
}

/* timed - the clock now, or 0 without one. */
static u64 timed(const struct replay *r)
{
	return r->clock ? r->clock() : 0;
}

static void charge(struct replay *r, enum trace_kind kind, u64 t0)
{
	if (r->clock) {
		r->cost[kind] += r->clock() - t0;
		r->cost_ops[kind]++;
	}
}

static void free_obj(struct replay *r, struct replay_obj *o)
{
	struct replay_held *h = &r->st.now;

	if (o->flags & REPLAY_OBJ_PAGE) {
		if (o->flags & REPLAY_OBJ_LINUX_SLAB) {
			h->linux_slab -= 1UL << o->order;
		} else {
			h->linux_pages -= 1UL << o->order;
			if (!(o->flags & REPLAY_OBJ_FAILED)) {
				u64 t0 = timed(r);

				__free_pages(o->kv, o->order);
				charge(r, TRACE_PAGE_FREE, t0);
				h->kv_pages -= 1UL << o->order;
			}
		}
	} else {
		r->st.live_linux_bytes -= o->linux_bytes;
		if (o->flags & REPLAY_OBJ_LARGE)
			h->kv_large -= 1UL << o->order;
		if (o->flags & REPLAY_OBJ_FAILED) {
			; /* nothing was allocated */
		} else if (o->cache) {
			u64 t0 = timed(r);

			kmem_cache_free(r->caches[o->cache - 1], o->kv);
			charge(r, TRACE_CACHE_FREE, t0);
		} else {
			u64 t0 = timed(r);

			kfree(o->kv);
			charge(r, TRACE_KFREE, t0);
		}
	}
	table_delete(r, o);
}

/* gfp for the slab paths: the zone comes from the cache, never DMA32. */
static gfp_t slab_gfp(gfp_t gfp, bool is_cache)
{
	gfp &= ~(__GFP_DMA32 | __GFP_HIGHMEM | __GFP_COMP);
	if (is_cache)
		gfp &= ~__GFP_DMA;
	return gfp;
}

static void alloc_object(struct replay *r, const struct replay_rec *ev)
{
	bool is_cache = ev->kind == TRACE_CACHE_ALLOC;
	gfp_t gfp = slab_gfp(ev->gfp, is_cache);
	struct replay_obj *o;
	int c = 0;
	void *kv;
	u64 t0;

	if (ev->addr <= 16 || ev->bytes_req == 0)
		return; /* kmalloc(0) or a failed allocation */
	o = table_find(r, ev->addr);
	if (o) {
		r->st.reused++; /* its free was lost */
		free_obj(r, o);
	}
	if (is_cache) {
		c = cache_for(r, ev->bytes_req);
		if (c < 0)
			return;
	}
	o = table_insert(r, ev->addr);
	if (!o)
		return;
	t0 = timed(r);
	kv = is_cache ? kmem_cache_alloc(r->caches[c], gfp)
		      : kmalloc(ev->bytes_req, gfp);
	charge(r, ev->kind, t0);
	o->kv = kv;
	o->cache = is_cache ? c + 1 : 0;
	o->linux_bytes = ev->bytes_alloc;
	r->st.bytes_req += ev->bytes_req;
	r->st.linux_bytes_alloc += ev->bytes_alloc;
	r->st.live_linux_bytes += ev->bytes_alloc;
	if (!kv) {
		o->flags |= REPLAY_OBJ_FAILED;
		r->st.could_not_allocate++;
		return;
	}
	r->st.kv_bytes_alloc += ksize(kv);
	if (!is_cache && ev->bytes_req > KMALLOC_MAX_CACHE_SIZE) {
		o->flags |= REPLAY_OBJ_LARGE;
		o->order = get_order(ksize(kv));
		r->st.now.kv_large += 1UL << o->order;
	}
}

static void alloc_page_block(struct replay *r, const struct replay_rec *ev)
{
	bool linux_slab = ev->flags & REPLAY_REC_LINUX_SLAB;
	u64 key = page_key(ev->addr);
	struct replay_obj *o = table_find(r, key);
	struct page *page;
	u64 t0;

	if (o) {
		r->st.reused++;
		free_obj(r, o);
	}
	o = table_insert(r, key);
	if (!o)
		return;
	o->flags = REPLAY_OBJ_PAGE;
	o->order = ev->order;
	if (linux_slab) {
		o->flags |= REPLAY_OBJ_LINUX_SLAB;
		r->st.linux_slab_events++;
		r->st.now.linux_slab += 1UL << ev->order;
		return;
	}
	r->st.now.linux_pages += 1UL << ev->order;
	t0 = timed(r);
	page = alloc_pages(ev->gfp & ~__GFP_HIGHMEM, ev->order);
	charge(r, TRACE_PAGE_ALLOC, t0);
	if (!page) {
		o->flags |= REPLAY_OBJ_FAILED;
		r->st.could_not_allocate++;
		return;
	}
	o->kv = page;
	r->st.now.kv_pages += 1UL << ev->order;
}

static void free_event(struct replay *r, const struct replay_rec *ev)
{
	bool page = ev->kind == TRACE_PAGE_FREE;
	struct replay_obj *o;

	if (!page && ev->addr <= 16)
		return; /* kfree(NULL), kfree(ZERO_SIZE_PTR) */
	o = table_find(r, page ? page_key(ev->addr) : ev->addr);
	if (!o) {
		r->st.unmatched[ev->kind]++; /* allocated before the trace began */
		return;
	}
	free_obj(r, o);
}

/* Linux's unusable free space index (mm/vmstat.c), over all zones. */
static void unusable_index(unsigned int out[NR_PAGE_ORDERS])
{
	u64 free = 0, blocks[NR_PAGE_ORDERS] = { 0 };
	unsigned int z, o;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		if (!populated_zone(&zones[z]))
			continue;
		for (o = 0; o < NR_PAGE_ORDERS; o++)
			blocks[o] += zones[z].free_area[o].nr_free;
	}
	for (o = 0; o < NR_PAGE_ORDERS; o++)
		free += blocks[o] << o;
	for (o = 0; o < NR_PAGE_ORDERS; o++) {
		u64 suitable = 0;
		unsigned int k;

		for (k = o; k < NR_PAGE_ORDERS; k++)
			suitable += blocks[k] << k;
		out[o] = free ? (unsigned int)((free - suitable) * 1000 / free)
			      : 1000;
	}
}

static void take_sample(struct replay *r, u64 event)
{
	struct replay_sample s;
	unsigned int o;

	s.event = event;
	s.held = r->st.now;
	unusable_index(s.unusable);
	for (o = 0; o < NR_PAGE_ORDERS; o++) {
		r->unusable_sum[o] += s.unusable[o];
		if (s.unusable[o] > r->unusable_max[o])
			r->unusable_max[o] = s.unusable[o];
	}
	r->nr_samples++;
	if (r->sample)
		r->sample(r->sample_arg, &s);
}

/* After each event: what is held now, the peaks, and maybe a sample. */
static void account(struct replay *r)
{
	struct replay_stats *st = &r->st;
	u64 slab = slab_pages(), events = 0;
	unsigned int k;

	st->now.kv_slab = slab > r->slab_base ? slab - r->slab_base : 0;
	st->now.linux_objects = pages_of_bytes(st->live_linux_bytes);
	for (k = 0; k < NR_TRACE_KINDS; k++)
		events += st->events[k];
	if (total_kv(&st->now) > total_kv(&st->peak_kv)) {
		st->peak_kv = st->now;
		st->peak_kv_event = events;
	}
	if (total_linux(&st->now) > total_linux(&st->peak_linux)) {
		st->peak_linux = st->now;
		st->peak_linux_event = events;
	}
	if (r->sample_every && events % r->sample_every == 0)
		take_sample(r, events);
}

void replay_rec_from_event(struct replay_rec *rec, const struct trace_event *ev)
{
	bool page = ev->kind == TRACE_PAGE_ALLOC || ev->kind == TRACE_PAGE_FREE;

	memset(rec, 0, sizeof(*rec));
	rec->addr = page ? ev->pfn : ev->ptr;
	rec->bytes_req = ev->bytes_req;
	rec->bytes_alloc = ev->bytes_alloc;
	rec->gfp = ev->gfp;
	rec->kind = ev->kind;
	rec->order = ev->order;
	if (ev->nr_unknown_gfp)
		rec->flags |= REPLAY_REC_UNKNOWN_GFP;
}

void replay_rec(struct replay *r, const struct replay_rec *rec)
{
	if (rec->kind >= NR_TRACE_KINDS || rec->order > MAX_PAGE_ORDER)
		return; /* not from replay_rec_from_event() */
	r->st.events[rec->kind]++;
	if (rec->flags & REPLAY_REC_UNKNOWN_GFP)
		r->st.unknown_gfp++;
	switch (rec->kind) {
	case TRACE_KMALLOC:
	case TRACE_CACHE_ALLOC:
		alloc_object(r, rec);
		break;
	case TRACE_PAGE_ALLOC:
		alloc_page_block(r, rec);
		break;
	default:
		free_event(r, rec);
	}
	account(r);
}

unsigned int replay_finish(struct replay *r)
{
	unsigned int errs = 0, i;
	u64 slot;

	r->st.final = r->st.now;
	if (r->sample_every)
		take_sample(r, ~0ULL); /* the final state */
	for (slot = 0; slot <= r->table_mask; slot++) {
		/* free_obj() may shift a later entry into this slot: look again. */
		while (r->table[slot].key)
			free_obj(r, &r->table[slot]);
	}
	for (i = 0; i < r->st.nr_caches; i++) {
		errs += kmem_cache_validate(r->caches[i]);
		kmem_cache_destroy(r->caches[i]);
	}
	kmem_cache_shrink_all();
	errs += buddy_check(true);
	return errs;
}

static void line(const struct replay *r, const char *fmt, ...) __printf(2, 3);
static void line(const struct replay *r, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	r->print(buf);
}

/* waste_bp - (got - want) / got, in hundredths of a percent. */
static u64 waste_bp(u64 want, u64 got)
{
	return got ? (got - want) * 10000 / got : 0;
}

static void print_lines(const struct replay *r)
{
	const struct replay_stats *st = &r->st;
	u64 lw = waste_bp(st->bytes_req, st->linux_bytes_alloc);
	u64 kw = waste_bp(st->bytes_req, st->kv_bytes_alloc);
	unsigned int o;

	line(r,
	     "replay: events kmalloc=%lu kfree=%lu kmem_cache_alloc=%lu "
	     "kmem_cache_free=%lu mm_page_alloc=%lu mm_page_free=%lu",
	     st->events[TRACE_KMALLOC], st->events[TRACE_KFREE],
	     st->events[TRACE_CACHE_ALLOC], st->events[TRACE_CACHE_FREE],
	     st->events[TRACE_PAGE_ALLOC], st->events[TRACE_PAGE_FREE]);
	line(r,
	     "replay: lines total=%lu event=%lu comment=%lu "
	     "other_kmem_event=%lu unknown_event=%lu malformed_line=%lu "
	     "missing_field=%lu hashed_pointer=%lu out_of_range=%lu",
	     st->lines, st->skips[TRACE_SKIP_NONE],
	     st->skips[TRACE_SKIP_COMMENT], st->skips[TRACE_SKIP_OTHER_EVENT],
	     st->skips[TRACE_SKIP_UNKNOWN], st->skips[TRACE_SKIP_MALFORMED],
	     st->skips[TRACE_SKIP_MISSING], st->skips[TRACE_SKIP_HASHED],
	     st->skips[TRACE_SKIP_RANGE]);
	line(r,
	     "replay: unmatched kfree=%lu kmem_cache_free=%lu mm_page_free=%lu "
	     "reused=%lu could_not_allocate=%lu table_full=%lu "
	     "too_many_caches=%lu unknown_gfp=%lu",
	     st->unmatched[TRACE_KFREE], st->unmatched[TRACE_CACHE_FREE],
	     st->unmatched[TRACE_PAGE_FREE], st->reused, st->could_not_allocate,
	     st->table_full, st->too_many_caches, st->unknown_gfp);
	line(r,
	     "replay: internal_frag bytes_req=%lu linux_bytes_alloc=%lu "
	     "kvlab_bytes_alloc=%lu linux_waste_pct=%lu.%02lu "
	     "kvlab_waste_pct=%lu.%02lu",
	     st->bytes_req, st->linux_bytes_alloc, st->kv_bytes_alloc, lw / 100,
	     lw % 100, kw / 100, kw % 100);
	line(r,
	     "replay: peak_kvlab event=%lu pages=%lu slab=%lu large=%lu "
	     "page_allocs=%lu",
	     st->peak_kv_event, total_kv(&st->peak_kv), st->peak_kv.kv_slab,
	     st->peak_kv.kv_large, st->peak_kv.kv_pages);
	line(r,
	     "replay: peak_linux event=%lu pages=%lu objects=%lu "
	     "page_allocs=%lu slab_pages_seen=%lu",
	     st->peak_linux_event, total_linux(&st->peak_linux),
	     st->peak_linux.linux_objects, st->peak_linux.linux_pages,
	     st->peak_linux.linux_slab);
	line(r,
	     "replay: final kvlab_pages=%lu slab=%lu large=%lu page_allocs=%lu "
	     "linux_pages=%lu objects=%lu slab_pages_seen=%lu",
	     total_kv(&st->final), st->final.kv_slab, st->final.kv_large,
	     st->final.kv_pages, total_linux(&st->final),
	     st->final.linux_objects, st->final.linux_slab);
	line(r, "replay: caches stand_in=%u linux_slab_page_events=%lu",
	     st->nr_caches, st->linux_slab_events);
	for (o = 0; r->clock && o < NR_TRACE_KINDS; o++) {
		u64 n = r->cost_ops[o];

		if (n)
			line(r,
			     "replay: cost op=%s ops=%lu "
			     "cycles_per_op=%lu.%02lu",
			     trace_kind_names[o], n, r->cost[o] / n,
			     r->cost[o] % n * 100 / n);
	}
	for (o = 0; r->nr_samples && o < NR_PAGE_ORDERS; o++) {
		u64 mean = r->unusable_sum[o] / r->nr_samples;

		line(r,
		     "replay: unusable_index order=%u mean=0.%03lu max=0.%03u "
		     "samples=%lu",
		     o, mean, r->unusable_max[o], r->nr_samples);
	}
}

static void print_table(const struct replay *r)
{
	const struct replay_stats *st = &r->st;

	line(r, "%s", "");
	line(r, "Replay: pages held (4 KiB)       kvlab     Linux (what "
		"bytes_alloc implies)");
	line(r, "  at kvlab's peak          %10lu", total_kv(&st->peak_kv));
	line(r, "  at Linux's peak                    %10lu",
	     total_linux(&st->peak_linux));
	line(r, "    slab objects           %10lu %10lu", st->peak_kv.kv_slab,
	     st->peak_linux.linux_objects);
	line(r, "    large kmalloc          %10lu %10s", st->peak_kv.kv_large,
	     "(in objects)");
	line(r, "    page allocations       %10lu %10lu", st->peak_kv.kv_pages,
	     st->peak_linux.linux_pages);
	line(r, "  when the trace ended     %10lu %10lu", total_kv(&st->final),
	     total_linux(&st->final));
	line(r,
	     "  Linux's own slab pages seen in the trace: %lu at Linux's peak, "
	     "%lu at the end",
	     st->peak_linux.linux_slab, st->final.linux_slab);
}

void replay_print(const struct replay *r)
{
	print_lines(r);
	print_table(r);
}
