/*
 * tests/host/shim/mm.c: boot mm/ on the arena (see host.h), and the few
 * kernel services mm/'s boot code calls that have no host counterpart.
 *
 * host_mm_boot_map() is kernel_main()'s memblock_init(), paging_init(),
 * buddy_init() sequence cut down to what the host has: memblock_init()
 * (kernel only: it reads the CPU and the linker's _end) adds the usable
 * ranges and calls memblock_setup(), as host_memblock_init() does here;
 * paging_init() has nothing to do, the arena being the direct map, except
 * lift memblock's limit; buddy_setup() is the kernel's own (buddy_init()
 * is buddy_setup() plus the kernel's boot lines and ktest checker).
 */
#include <stdarg.h>
#include <stdio.h>

#include <host.h>
#include <kernel/ktest.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/layout.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include <mm/page.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include "../../../mm/internal.h"

#include "../../../mm/slab.h"

const struct ktest_checker *host_mm_checker;

/* ---- what kmem_cache_init() registers ------------------------------------ */

void ktest_register_checker(const struct ktest_checker *c)
{
	host_mm_checker = c;
}

/* A checker's verdict, when a host test runs host_mm_checker->check(). */
void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt,
		...)
{
	va_list ap;

	t->failed = true;
	fprintf(stderr, "kvlab host shim: ktest_fail at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- boot and teardown ------------------------------------------------ */

/* memblock_init() for the arena's sanitized map, with the stand-in image. */
static void host_memblock_init(void)
{
	size_t i;

	memblock_reset();
	for (i = 0; i < boot_info.nr_map; i++)
		if (boot_info.map[i].type == MEM_USABLE)
			memblock_add(boot_info.map[i].start,
				     boot_info.map[i].end -
					     boot_info.map[i].start);
	memblock_setup(KERNEL_PHYS + HOST_MM_IMAGE_BYTES, 0);
	/* paging_init() maps all RAM, then lifts the early 4 GiB limit. */
	memblock.current_limit = ~(phys_addr_t)0;
}

int host_mm_boot_map(const struct mem_region *map, size_t nr)
{
	int err;

	host_mm_teardown();
	err = host_arena_create(map, nr);
	if (err)
		return err;
	host_memblock_init();
	host_percpu_reset();
	buddy_setup();
	return 0;
}

int host_mm_boot(u64 ram_bytes)
{
	int err;

	host_mm_teardown();
	err = host_arena_create_pc(ram_bytes);
	if (err)
		return err;
	host_memblock_init();
	host_percpu_reset();
	buddy_setup();
	return 0;
}

void host_slab_boot(void)
{
	kmem_cache_init();
	kmalloc_init();
}

void host_mm_teardown(void)
{
	memset(kmalloc_caches, 0, sizeof(kmalloc_caches));
	memset(kmalloc_dma_caches, 0, sizeof(kmalloc_dma_caches));
	memset(zones, 0, sizeof(zones));
	memset(lowmem_reserve, 0, sizeof(lowmem_reserve));
	mem_map = NULL;
	max_pfn = 0;
	min_free_kbytes = 0;
	nr_pagetable_pages = 0;
	host_mm_checker = NULL;
	memblock_reset();
	host_arena_destroy();
}
