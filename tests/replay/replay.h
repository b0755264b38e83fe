/*
 * tests/replay/replay.h: replay a Linux kmem trace through kvlab.
 *
 * Every allocation event of the trace is issued to kvlab's allocators in
 * order, every free is matched to its allocation by the traced pointer (or
 * pfn), and what each side holds is measured as the trace goes:
 *
 *   trace event                 kvlab call
 *   kmalloc(bytes_req, gfp)     kmalloc(bytes_req, gfp)
 *   kmem_cache_alloc(size)      kmem_cache_alloc() from a stand-in cache of
 *                               that object size, created on first sight
 *   mm_page_alloc(order, gfp)   alloc_pages(gfp, order), unless the pages
 *                               were Linux's own slab pages (see below)
 *   kfree / kmem_cache_free /   the matching kfree / kmem_cache_free /
 *   mm_page_free                __free_pages
 *
 * Linux's slab allocator takes its slabs from the page allocator, so a
 * trace shows those pages as mm_page_alloc events too, and kvlab's slab
 * allocator takes its own: replaying both would count the memory twice.
 * The caller marks each page allocation that was Linux's slab (or large
 * kmalloc) memory (the host tool finds them in a first pass: the object
 * addresses that fall inside the pages); those are not replayed but
 * counted as what Linux's slabs held.
 *
 * The engine is pure mm/ API: the host tool and the kernel replay share it.
 */
#ifndef KVLAB_TESTS_REPLAY_REPLAY_H
#define KVLAB_TESTS_REPLAY_REPLAY_H

#include <lib/types.h>
#include <mm/gfp.h>

#include "trace.h"

struct kmem_cache;

/* One live allocation of the trace, in the engine's table. */
struct replay_obj {
	u64 key;	 /* traced ptr, or pfn for pages; 0: empty slot */
	void *kv;	 /* kvlab's object, or its struct page * */
	u32 linux_bytes; /* bytes_alloc, or pages << order for pages */
	u16 cache;	 /* stand-in cache index + 1, 0 for kmalloc */
	u8 order;	 /* page events */
	u8 flags;	 /* REPLAY_OBJ_* */
};

#define REPLAY_OBJ_PAGE	      0x01u /* a page allocation */
#define REPLAY_OBJ_LINUX_SLAB 0x02u /* Linux's slab pages: not replayed */
#define REPLAY_OBJ_LARGE      0x04u /* a kmalloc above the largest cache */
#define REPLAY_OBJ_FAILED     0x08u /* kvlab said no: nothing to free */

#define REPLAY_MAX_CACHES 256

/* Pages, as the trace goes: kvlab's (replayed) and what Linux's imply. */
struct replay_held {
	u64 kv_slab;	   /* kvlab: slab pages (all caches) */
	u64 kv_large;	   /* kvlab: large kmalloc pages */
	u64 kv_pages;	   /* kvlab: replayed page allocations */
	u64 linux_objects; /* Linux: live bytes_alloc, in pages (rounded up) */
	u64 linux_pages;   /* Linux: page allocations that were not slab */
	u64 linux_slab;	   /* Linux: its slab pages the trace shows */
};

struct replay_stats {
	u64 lines;
	u64 skips[NR_TRACE_SKIPS]; /* why lines were not events */
	u64 events[NR_TRACE_KINDS];
	u64 unmatched[NR_TRACE_KINDS]; /* frees of unknown pointers */
	u64 reused;		/* an allocation at a still-live address */
	u64 could_not_allocate; /* kvlab returned NULL */
	u64 table_full;		/* more live objects than the table holds */
	u64 too_many_caches;	/* object sizes beyond REPLAY_MAX_CACHES */
	u64 unknown_gfp;	/* events with gfp names kvlab lacks */
	u64 linux_slab_events;	/* page events that were Linux's slabs */
	u64 bytes_req;		/* every replayed kmalloc/cache allocation */
	u64 linux_bytes_alloc;
	u64 kv_bytes_alloc;   /* ksize() of kvlab's answers */
	u64 live_linux_bytes; /* bytes_alloc of the live objects */
	struct replay_held now, peak_kv, peak_linux;
	struct replay_held final; /* when the trace ended, before cleanup */
	u64 peak_kv_event, peak_linux_event;
	unsigned int nr_caches;
};

/* A fragmentation sample, every so many events. */
struct replay_sample {
	u64 event;
	struct replay_held held;
	/* Linux's unusable free space index per order, in thousandths. */
	unsigned int unusable[NR_PAGE_ORDERS];
};

struct replay {
	struct replay_obj *table; /* open addressing, linear probing */
	u64 table_mask;		  /* slots - 1; slots a power of two */
	u64 live;
	struct kmem_cache *caches[REPLAY_MAX_CACHES];
	u32 cache_size[REPLAY_MAX_CACHES];
	char cache_name[REPLAY_MAX_CACHES][16]; /* kmem_cache keeps the pointer */
	u64 slab_base;	  /* slab_pages() when the replay began */
	u64 sample_every; /* events between samples; 0: none */
	void (*sample)(void *arg, const struct replay_sample *s);
	void *sample_arg;
	void (*print)(const char *line); /* replay_print's output */
	/*
	 * clock, if set, is read around each kvlab call (the kernel replay
	 * sets rdtsc: under -icount, guest instructions) and the cost is
	 * summed per kind of event.
	 */
	u64 (*clock)(void);
	u64 cost[NR_TRACE_KINDS];
	u64 cost_ops[NR_TRACE_KINDS];
	u64 unusable_sum[NR_PAGE_ORDERS]; /* for the mean */
	unsigned int unusable_max[NR_PAGE_ORDERS];
	u64 nr_samples;
	struct replay_stats st;
};

/*
 * replay_init - start a replay.
 * @r: the replay, zeroed by this call.
 * @table: memory for the table of live allocations, @slots entries.
 * @slots: a power of two.
 * Context: process context; kvlab's allocators must be up.
 * Return: 0, or -EINVAL when @slots is not a power of two.
 */
int replay_init(struct replay *r, struct replay_obj *table, u64 slots);

/*
 * struct replay_rec - one event, as the replay needs it: 24 bytes, so a
 * whole trace fits in memory (the first pass needs to look ahead) and the
 * kernel replay can take it as a boot module, an array of these after a
 * struct replay_file_header.
 */
struct replay_rec {
	u64 addr; /* object address, or pfn for page events */
	u32 bytes_req;
	u32 bytes_alloc;
	u32 gfp; /* kvlab's bits */
	u8 kind; /* enum trace_kind */
	u8 order;
	u8 flags; /* REPLAY_REC_* */
	u8 pad;
};

#define REPLAY_REC_LINUX_SLAB  0x01u /* page allocation of Linux's slab memory */
#define REPLAY_REC_UNKNOWN_GFP 0x02u /* gfp names kvlab has no bit for */

#define REPLAY_FILE_MAGIC 0x3179616c7065726bULL /* "kreplay1" */

struct replay_file_header {
	u64 magic;    /* REPLAY_FILE_MAGIC */
	u64 nr_recs;  /* records after the header */
	u64 max_live; /* the most allocations live at once */
	u64 lines;    /* the trace's lines, and why some were not events */
	u64 skips[NR_TRACE_SKIPS];
};

/*
 * replay_rec_from_event - the record of a parsed event.
 * @rec: filled in.
 * @ev: from trace_parse_line().
 * Context: any.
 */
void replay_rec_from_event(struct replay_rec *rec,
			   const struct trace_event *ev);

/*
 * replay_rec - issue one record to kvlab.
 * @r: the replay.
 * @rec: the event.
 * Context: process context.
 */
void replay_rec(struct replay *r, const struct replay_rec *rec);

/*
 * replay_finish - free everything the trace left allocated, destroy the
 * stand-in caches and run the allocators' checkers.
 * @r: the replay.
 * Context: process context.
 * Return: the number of checker errors (0 when all is well).
 */
unsigned int replay_finish(struct replay *r);

/*
 * replay_print - the replay: lines and the table, through @r->print.
 * @r: the replay, after replay_finish().
 * Context: any.
 */
void replay_print(const struct replay *r);

#endif
