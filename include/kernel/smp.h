/*
 * include/kernel/smp.h: the CPUs: how many, which one is this, and
 * running a function on others (kernel/smp.c).
 *
 * CPU numbers are dense, 0 .. nr_cpu_ids - 1; CPU 0 is the boot CPU (the
 * BSP), the others the application processors (APs) in the MADT's order.
 * The local APIC ID of each is cpu_apic_id(cpu).
 */
#ifndef KVLAB_KERNEL_SMP_H
#define KVLAB_KERNEL_SMP_H

#include <kernel/threads.h>
#include <lib/types.h>

/* Where the AP trampoline runs (kernel/trampoline.asm): page 8 of the first MiB. */
#define TRAMPOLINE_PA	 0x8000UL
#define TRAMPOLINE_PAGES 4 /* code and parameters, then its PML4, PDPT, PD */

/* A set of CPUs: one bit each (CONFIG_NR_CPUS is 64). */
struct cpumask {
	u64 bits;
};

static inline bool cpumask_test_cpu(unsigned int cpu, const struct cpumask *m)
{
	return cpu < CONFIG_NR_CPUS && (m->bits >> cpu) & 1;
}

static inline unsigned int cpumask_weight(const struct cpumask *m)
{
	u64 b = m->bits;
	unsigned int n = 0;

	for (; b; b &= b - 1) /* no popcnt without libgcc */
		n++;
	return n;
}

#define for_each_cpu(cpu, mask)                          \
	for ((cpu) = 0; (cpu) < CONFIG_NR_CPUS; (cpu)++) \
		if (cpumask_test_cpu((cpu), (mask)))

typedef void (*smp_call_func_t)(void *info);

#ifdef KVLAB_HOST
#include <kernel/percpu.h>

/*
 * The host (tests/host/shim/cpu.c): a CPU is a thread (host_cpu), the
 * possible CPUs are all online, and a call on another CPU runs in the
 * caller's thread, as that CPU, once that CPU has interrupts on (it takes
 * the CPU's interrupt lock, which local_irq_save() holds there).
 */
static inline unsigned int smp_processor_id(void)
{
	return host_cpu;
}
static inline bool cpu_online(unsigned int cpu)
{
	return cpu < percpu_nr_areas();
}
static inline unsigned int num_online_cpus(void)
{
	return percpu_nr_areas();
}
#define for_each_online_cpu(cpu) for_each_possible_cpu(cpu)
int smp_call_function_single(unsigned int cpu, smp_call_func_t func, void *info,
			     bool wait);
void smp_call_function_many(const struct cpumask *mask, smp_call_func_t func,
			    void *info, bool wait);
void on_each_cpu(smp_call_func_t func, void *info, bool wait);
#else
#include <kernel/percpu.h>

DECLARE_PER_CPU(unsigned int, cpu_number);

/* smp_processor_id - the calling CPU's number: one %gs-relative load. */
#define smp_processor_id()	 this_cpu_read(cpu_number)

/* The CPUs that have come up and run (set by each AP itself). */
extern struct cpumask cpu_online_mask;
#define for_each_online_cpu(cpu) for_each_cpu(cpu, &cpu_online_mask)

static inline bool cpu_online(unsigned int cpu)
{
	return cpumask_test_cpu(cpu, &cpu_online_mask);
}

static inline unsigned int num_online_cpus(void)
{
	return cpumask_weight(&cpu_online_mask);
}

/* nr_cpu_ids - the CPUs kvlab knows of and would start (maxcpus= aside). */
extern unsigned int nr_cpu_ids;

/* cpu_apic_id - the local APIC ID of @cpu. */
u32 cpu_apic_id(unsigned int cpu);

/*
 * smp_possible_cpus - the CPUs that may come up: those the MADT lists
 * (at least the boot CPU), less nosmp and maxcpus=, at most
 * CONFIG_NR_CPUS. Each gets a per-CPU area at boot (Linux's possible
 * mask). Context: boot, after acpi_init() and cmdline_init().
 */
unsigned int smp_possible_cpus(void);

/*
 * smp_init - bring up the application processors: per-CPU areas, stacks,
 * GDT/TSS, then INIT-SIPI-SIPI through the trampoline, one at a time,
 * each given a timeout. Prints Linux's "smp: Bringing up secondary CPUs
 * ..." and "smp: Brought up 1 node, N CPUs". Honours nosmp and maxcpus=.
 * Context: boot, after apic_init(), on the boot CPU.
 */
void smp_init(void);

/*
 * smp_call_function_single - run @func(@info) on @cpu, in hard interrupt
 * context there (an IPI), or directly with interrupts off if @cpu is the
 * caller. @wait: return only after @func has returned.
 * Context: interrupts on (a CPU that waits with interrupts off can
 * deadlock against one that calls it), not in an interrupt handler.
 * Return: 0, or -ENXIO if @cpu is not online.
 */
int smp_call_function_single(unsigned int cpu, smp_call_func_t func, void *info,
			     bool wait);

/*
 * smp_call_function_many - run @func(@info) on every online CPU in @mask
 * but the caller; @wait: until all have returned.
 */
void smp_call_function_many(const struct cpumask *mask, smp_call_func_t func,
			    void *info, bool wait);

/* on_each_cpu - the same on every online CPU, the caller's included. */
void on_each_cpu(smp_call_func_t func, void *info, bool wait);

/*
 * schedule_on_each_cpu - run @func(@info) on every online CPU in task
 * context, with interrupts on, and wait for all (Linux's, which uses a
 * workqueue): the caller runs its own, the others theirs from their idle
 * loop, queued there by an IPI. A CPU that is running other work gets to
 * it when that work returns. Unlike a function from on_each_cpu(), @func
 * may allocate with GFP_KERNEL, take locks with interrupts on, and send
 * IPIs itself. Context: task context, interrupts on.
 * Return: 0, or -EBUSY when called from a function it runs (nothing is).
 */
int schedule_on_each_cpu(smp_call_func_t func, void *info);

/*
 * smp_send_stop - stop every other CPU (panic, oops): a stop IPI; each
 * halts with interrupts off. Waits at most 10 ms for them.
 */
void smp_send_stop(void);

/* smp_stopping - has smp_send_stop() begun? */
bool smp_stopping(void);

/* smp_stop_this_cpu - leave the online mask and halt, interrupts off. */
void __noreturn smp_stop_this_cpu(void);

/* smp_ipis_handled - call-function IPIs handled on @cpu. */
unsigned long smp_ipis_handled(unsigned int cpu);

#endif /* KVLAB_HOST */

#endif
