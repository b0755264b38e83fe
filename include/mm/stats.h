/*
 * include/mm/stats.h: the /proc-style reports, in Linux's formats so they
 * can be read side by side with a Linux machine's:
 *
 *   show_buddyinfo()   /proc/buddyinfo
 *   show_slabinfo()    /proc/slabinfo, version 2.1          (mm/slab.c)
 *   show_vmallocinfo() /proc/vmallocinfo                    (mm/vmalloc.c)
 *   show_meminfo()     a /proc/meminfo subset
 *   show_extfrag_index() /sys/kernel/debug/extfrag/extfrag_index
 */
#ifndef KVLAB_MM_STATS_H
#define KVLAB_MM_STATS_H

#include <mm/mmzone.h>

void show_buddyinfo(void);
void show_meminfo(void);
void show_extfrag_index(void);
void show_vmallocinfo(void);

/*
 * fragmentation_index - Linux's __fragmentation_index() for a request of
 * @order in @z, in thousandths: -1000 when the request would succeed; near
 * 0 when it would fail for lack of memory; near 1000 when it would fail
 * because the free memory is fragmented.
 */
int fragmentation_index(const struct zone *z, unsigned int order);

/*
 * meminfo lines other subsystems fill: each returns pages. Defined by
 * mm/slab.c and mm/vmalloc.c.
 */
unsigned long slab_pages(void);
unsigned long vmalloc_used_pages(void);

#endif
