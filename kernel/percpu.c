/*
 * kernel/percpu.c: each CPU's per-CPU area (its copy of the template,
 * then the first chunk of dynamic per-CPU memory, mm/percpu.c), and its
 * GS base (see include/kernel/percpu.h).
 */
#include <arch/x86.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/memblock.h>
#include <mm/mm.h>

#define MSR_GS_BASE 0xc0000101

extern char __per_cpu_start[], __per_cpu_end[], __per_cpu_boot[],
	__per_cpu_boot_end[];

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

/* A copy of the template and the first chunk after it. */
static unsigned long area_bytes(void)
{
	return ALIGN_UP(percpu_area_size(), 64UL) + PERCPU_DYNAMIC_SIZE;
}

int setup_per_cpu_areas(unsigned int nr_cpus)
{
	unsigned long size = area_bytes();
	unsigned int cpu;
	int err = 0;

	/* The boot CPU's area is in the bss (boot/linker.ld): big enough? */
	BUG_ON_MSG((unsigned long)(__per_cpu_boot_end - __per_cpu_boot) < size,
		   "the boot CPU's per-CPU area has %lu bytes, %lu needed",
		   (unsigned long)(__per_cpu_boot_end - __per_cpu_boot), size);
	for (cpu = nr_areas; cpu < nr_cpus && cpu < CONFIG_NR_CPUS; cpu++) {
		char *area = memblock_alloc(size, PAGE_SIZE);

		if (!area) {
			pr_err("percpu: no memory for CPU %u's area (%lu "
			       "bytes)\n",
			       cpu, size);
			err = -ENOMEM;
			break;
		}
		init_area(cpu, area);
		nr_areas = cpu + 1;
	}
	pcpu_setup_first_chunk(__per_cpu_start +
				       ALIGN_UP(percpu_area_size(), 64UL),
			       PERCPU_DYNAMIC_SIZE);
	pr_info("percpu: %u area%s of %lu bytes: %lu static, %lu dynamic "
		"(GS base = the area - %#lx)\n",
		nr_areas, nr_areas > 1 ? "s" : "", size,
		ALIGN_UP(percpu_area_size(), 64UL), PERCPU_DYNAMIC_SIZE,
		(unsigned long)__per_cpu_start);
	return err;
}
