/*
 * include/mm/stats.h: the /proc-style reports, in Linux's formats so they
 * can be read side by side with a Linux machine's:
 *
 *   show_buddyinfo()   /proc/buddyinfo                      (mm/buddy_glue.c)
 *   show_slabinfo()    /proc/slabinfo, version 2.1          (mm/slab.c)
 *   show_vmallocinfo() /proc/vmallocinfo                    (mm/vmalloc.c)
 *   show_meminfo()     a /proc/meminfo subset               (mm/buddy_glue.c)
 *   show_extfrag_index() /sys/kernel/debug/extfrag/extfrag_index (mm/buddy_glue.c)
 */
#ifndef KVLAB_MM_STATS_H
#define KVLAB_MM_STATS_H

#include <mm/mmzone.h>

/**
 * show_buddyinfo - print the free blocks per zone and order
 *
 * One line per populated zone, as /proc/buddyinfo.
 *
 * Context: any, after buddy_init().
 */
void show_buddyinfo(void);

/**
 * show_meminfo - print the memory totals, as a /proc/meminfo subset
 *
 * Context: any, after buddy_init().
 */
void show_meminfo(void);

/**
 * show_extfrag_index - print fragmentation_index() per zone and order
 *
 * As /sys/kernel/debug/extfrag/extfrag_index.
 *
 * Context: any, after buddy_init().
 */
void show_extfrag_index(void);

/**
 * show_vmallocinfo - print every vmalloc and vmap area, as /proc/vmallocinfo
 *
 * Context: any, after vmalloc_init().
 */
void show_vmallocinfo(void);

/**
 * slab_pages - pages held by slabs of every cache (mm/slab.c)
 *
 * Context: any.
 * Return: the pages, for meminfo's Slab: line.
 */
unsigned long slab_pages(void);

/**
 * vmalloc_used_pages - pages mapped by live vmalloc areas (mm/vmalloc.c)
 *
 * Context: any.
 * Return: the pages, for meminfo's VmallocUsed: line.
 */
unsigned long vmalloc_used_pages(void);

#endif
