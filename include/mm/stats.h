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

void show_buddyinfo(void);
void show_meminfo(void);
void show_extfrag_index(void);
void show_vmallocinfo(void);

/*
 * meminfo lines other subsystems fill: each returns pages. Defined by
 * mm/slab.c and mm/vmalloc.c.
 */
unsigned long slab_pages(void);
unsigned long vmalloc_used_pages(void);

#endif
