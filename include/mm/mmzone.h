/*
 * include/mm/mmzone.h: zones, their free lists, watermarks and per-CPU
 * page lists.
 *
 * Physical memory is split by address into zones, because some callers can
 * only use low memory (ISA DMA below 16 MiB, 32-bit devices below 4 GiB):
 *
 *   0        16 MiB                    4 GiB                    max_pfn
 *   |  DMA   |          DMA32           |         NORMAL          |
 *
 * Each zone is a buddy allocator of its own (mm/buddy.c), with one free
 * list per order and, in front of it, an order-0 per-CPU list.
 */
#ifndef KVLAB_MM_MMZONE_H
#define KVLAB_MM_MMZONE_H

#include <kernel/percpu.h>
#include <kernel/spinlock.h>
#include <lib/list.h>
#include <lib/types.h>
#include <mm/gfp.h>

enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, MAX_NR_ZONES };

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

struct free_area {
	struct list_head free_list; /* heads of free blocks, PG_buddy */
	unsigned long nr_free;	    /* blocks on the list */
};

/*
 * An order-0 cache in front of the zone, as Linux's pcp lists: frees push
 * here and allocations pop, so the common single-page case touches no
 * free_area. When it holds `high` pages, `batch` go back to the buddy
 * lists; when empty, `batch` are taken from them in one go.
 */
struct per_cpu_pages {
	int count;	       /* pages on the list */
	int high;	       /* drain when count reaches this */
	int batch;	       /* pages moved at a time */
	struct list_head list; /* PG_pcp pages */
	/* This CPU's share of the zone's counters (Linux's per_cpu_zonestat). */
	unsigned long nr_alloc[NR_PAGE_ORDERS]; /* successful allocations */
	unsigned long nr_free[NR_PAGE_ORDERS];	/* frees */
	unsigned long nr_fail; /* refused (counted in the highest zone asked) */
};

/* A zone's counters, summed over the CPUs by zone_stat(). */
struct zone_counters {
	unsigned long nr_alloc[NR_PAGE_ORDERS]; /* successful allocations */
	unsigned long nr_free[NR_PAGE_ORDERS];	/* frees */
	unsigned long nr_fail;			/* refused by the watermarks */
	unsigned long nr_split;			/* blocks split in two */
	unsigned long nr_merge;			/* buddies merged */
};

struct zone {
	const char *name; /* "DMA", "DMA32", "Normal" */
	unsigned long zone_start_pfn;
	unsigned long spanned_pages; /* [start, start + spanned): holes too */
	unsigned long present_pages; /* RAM frames in the span */
	unsigned long managed_pages; /* frames handed to the allocator */
	spinlock_t
		lock; /* free_area, nr_free_pages, nr_split/merge (mm/buddy.c) */
	unsigned long nr_free_pages; /* on the free_area lists (not pcp) */
	unsigned long _watermark[NR_WMARK];
	struct free_area free_area[NR_PAGE_ORDERS];
	/* One per CPU (alloc_percpu); NULL for a private zone: no pcp lists. */
	struct per_cpu_pages __percpu *per_cpu_pageset;
	unsigned long nr_split; /* blocks split in two */
	unsigned long nr_merge; /* buddies merged */
};

extern struct zone zones[MAX_NR_ZONES];

/**
 * zone_stat - a zone's counters, summed over the CPUs
 * @z: the zone
 *
 * A snapshot: exact when no other CPU allocates from @z meanwhile.
 *
 * Context: any.
 * Return: the counters.
 */
struct zone_counters zone_stat(const struct zone *z);

/**
 * page_zone - the zone a page belongs to
 * @page: the page
 *
 * Context: any.
 * Return: its zone in zones[].
 */
static inline struct zone *page_zone(const struct page *page)
{
	return &zones[page->zone_id];
}

/**
 * populated_zone - does a zone have pages to give?
 * @z: the zone
 *
 * Context: any.
 * Return: true if the allocator manages pages of @z.
 */
static inline bool populated_zone(const struct zone *z)
{
	return z->managed_pages != 0;
}

/**
 * zone_end_pfn - the end of a zone's span
 * @z: the zone
 *
 * Context: any.
 * Return: one past the last frame of @z's span.
 */
static inline unsigned long zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}

/**
 * min_wmark_pages - a zone's min watermark
 * @z: the zone
 *
 * Context: any.
 * Return: the min watermark in pages; __GFP_HIGH allocations check against
 * it, less a half (GFP_ATOMIC: less a further quarter).
 */
static inline unsigned long min_wmark_pages(const struct zone *z)
{
	return z->_watermark[WMARK_MIN];
}

/**
 * low_wmark_pages - a zone's low watermark
 * @z: the zone
 *
 * Context: any.
 * Return: the free pages an ordinary allocation must leave.
 */
static inline unsigned long low_wmark_pages(const struct zone *z)
{
	return z->_watermark[WMARK_LOW];
}

/**
 * high_wmark_pages - a zone's high watermark
 * @z: the zone
 *
 * Context: any.
 * Return: the high watermark in pages (printed; kvlab has no kswapd to use it).
 */
static inline unsigned long high_wmark_pages(const struct zone *z)
{
	return z->_watermark[WMARK_HIGH];
}

extern unsigned long min_free_kbytes;

#endif
