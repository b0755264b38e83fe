/*
 * kernel/percpu.c: each CPU's copy of the per-CPU template, and its GS
 * base (see include/kernel/percpu.h).
 */
#include <arch/x86.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/gfp.h>

#define MSR_GS_BASE 0xc0000101

extern char __per_cpu_start[], __per_cpu_end[], __per_cpu_boot[];

unsigned long __per_cpu_offset[CONFIG_NR_CPUS];
DEFINE_PER_CPU(unsigned long, this_cpu_off);
DEFINE_PER_CPU(unsigned int, cpu_number);

static unsigned int nr_areas = 1;

unsigned long percpu_area_size(void)
{
	return (unsigned long)(__per_cpu_end - __per_cpu_start);
}

unsigned int percpu_nr_areas(void)
{
	return nr_areas;
}

void percpu_load_gs(unsigned int cpu)
{
	wrmsr(MSR_GS_BASE, __per_cpu_offset[cpu]);
}

static void init_area(unsigned int cpu, char *area)
{
	memcpy(area, __per_cpu_start, percpu_area_size());
	__per_cpu_offset[cpu] =
		(unsigned long)area - (unsigned long)__per_cpu_start;
	per_cpu(this_cpu_off, cpu) = __per_cpu_offset[cpu];
	per_cpu(cpu_number, cpu) = cpu;
}

void percpu_init_boot_cpu(void)
{
	init_area(0, __per_cpu_boot);
	percpu_load_gs(0);
}

int setup_per_cpu_areas(unsigned int nr_cpus)
{
	unsigned long size = percpu_area_size();
	unsigned int order = 0, cpu;

	while ((PAGE_SIZE << order) < size)
		order++;
	for (cpu = nr_areas; cpu < nr_cpus && cpu < CONFIG_NR_CPUS; cpu++) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);

		if (!page) {
			pr_err("percpu: no memory for CPU %u's area (%lu "
			       "bytes)\n",
			       cpu, size);
			return -ENOMEM;
		}
		init_area(cpu, page_address(page));
		nr_areas = cpu + 1;
	}
	if (nr_cpus > 1)
		pr_info("percpu: %u areas of %lu bytes (GS base = the area - "
			"%#lx)\n",
			nr_areas, size, (unsigned long)__per_cpu_start);
	return 0;
}
