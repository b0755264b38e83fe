/*
 * tests/test_smp.c: the smp suite: the CPUs came up and each ran,
 * per-CPU variables are per CPU, and the function-call IPIs reach each
 * CPU exactly once and wait when asked. Cases that need two CPUs skip,
 * saying so, on a one-CPU boot (-smp 1, nosmp, maxcpus=1).
 */
#include <arch/x86.h>
#include <kernel/acpi.h>
#include <kernel/apic.h>
#include <kernel/irqflags.h>
#include <kernel/ktest.h>
#include <kernel/percpu.h>
#include <kernel/preempt.h>
#include <kernel/smp.h>
#include <kernel/tsc.h>
#include <lib/errno.h>

static DEFINE_PER_CPU(unsigned long, smp_test_var);
static DEFINE_PER_CPU(u32, smp_test_counter);

static unsigned long hits[CONFIG_NR_CPUS];
static bool hit_in_irq[CONFIG_NR_CPUS];
static u32 hit_apic[CONFIG_NR_CPUS];
static void *hit_ptr[CONFIG_NR_CPUS];

static void clear_hits(void)
{
	unsigned int i;

	for (i = 0; i < CONFIG_NR_CPUS; i++) {
		hits[i] = 0;
		hit_in_irq[i] = false;
		hit_apic[i] = ~0u;
		hit_ptr[i] = NULL;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Runs on each target: who am I, and was I called from an interrupt? */
static void record_hit(void *info)
{
	unsigned int cpu = smp_processor_id();

	(void)info;
	__atomic_add_fetch(&hits[cpu], 1, __ATOMIC_SEQ_CST);
	hit_in_irq[cpu] = in_interrupt();
	hit_apic[cpu] = apic_id();
}

static bool need_two_cpus(struct ktest *t)
{
	if (num_online_cpus() >= 2)
		return true;
	ktest_skip(t,
		   "needs at least 2 online CPUs (this boot has %u: -smp 1, "
		   "nosmp or maxcpus=1)",
		   num_online_cpus());
	return false;
}

/* The CPUs the MADT lists, less maxcpus=/nosmp, all came up. */
static void cpus_came_up(struct ktest *t)
{
	unsigned int cpu;

	KT_EXPECT_UGE(t, num_online_cpus(), 1);
	KT_EXPECT_ULE(t, num_online_cpus(), nr_cpu_ids);
	KT_EXPECT_TRUE(t, cpu_online(0));
	KT_EXPECT_UEQ(t, smp_processor_id(), 0); /* tests run on the BSP */
	KT_EXPECT_UEQ(t, cpu_apic_id(0), apic_id());
	if (acpi_info.madt_pa)
		KT_EXPECT_UEQ(t, nr_cpu_ids, acpi_info.nr_cpus);
	for_each_online_cpu(cpu) KT_EXPECT_ULT(t, cpu, nr_cpu_ids);
}

/* ktest_run_on_all_cpus: every online CPU ran the function, once. */
static void every_cpu_ran(struct ktest *t)
{
	unsigned int cpu, total = 0;

	clear_hits();
	ktest_run_on_all_cpus(record_hit, NULL);
	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++) {
		if (cpu_online(cpu)) {
			KT_EXPECT_UEQ(t, hits[cpu], 1);
			KT_EXPECT_UEQ(t, hit_apic[cpu], cpu_apic_id(cpu));
		} else {
			KT_EXPECT_UEQ(t, hits[cpu], 0);
		}
		total += (unsigned int)hits[cpu];
	}
	KT_EXPECT_UEQ(t, total, num_online_cpus());
}

/* smp_call_function_single: only the target runs it, in an IPI handler. */
static void ipi_single_reaches_only_its_cpu(struct ktest *t)
{
	unsigned int target, cpu;

	if (!need_two_cpus(t))
		return;
	for_each_online_cpu(target)
	{
		unsigned long before = smp_ipis_handled(target);

		if (target == 0)
			continue;
		clear_hits();
		KT_EXPECT_EQ(t,
			     smp_call_function_single(target, record_hit, NULL,
						      true),
			     0);
		for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++)
			KT_EXPECT_UEQ(t, hits[cpu], cpu == target ? 1 : 0);
		KT_EXPECT_TRUE(t, hit_in_irq[target]);
		KT_EXPECT_UEQ(t, hit_apic[target], cpu_apic_id(target));
		KT_EXPECT_UGE(t, smp_ipis_handled(target), before + 1);
	}
}

/* smp_call_function_many: each other CPU once; the caller not at all. */
static void ipi_many_reaches_each_other_cpu_once(struct ktest *t)
{
	unsigned int cpu, round;

	if (!need_two_cpus(t))
		return;
	for (round = 0; round < 20; round++) {
		clear_hits();
		smp_call_function_many(&cpu_online_mask, record_hit, NULL,
				       true);
		for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++)
			KT_EXPECT_UEQ(t, hits[cpu],
				      cpu_online(cpu) && cpu != 0 ? 1 : 0);
		if (t->failed) {
			ktest_log(t, "round %u", round);
			return;
		}
	}
}

/* A call to oneself runs at once, interrupts off; to an absent CPU fails. */
static void call_self_and_offline(struct ktest *t)
{
	clear_hits();
	KT_EXPECT_EQ(t, smp_call_function_single(0, record_hit, NULL, true), 0);
	KT_EXPECT_UEQ(t, hits[0], 1);
	KT_EXPECT_FALSE(t, hit_in_irq[0]);
	KT_EXPECT_EQ(t,
		     smp_call_function_single(CONFIG_NR_CPUS - 1, record_hit,
					      NULL, true),
		     cpu_online(CONFIG_NR_CPUS - 1) ? 0 : -ENXIO);
	KT_EXPECT_EQ(
		t, smp_call_function_single(nr_cpu_ids, record_hit, NULL, true),
		-ENXIO);
}

static volatile int slow_done[CONFIG_NR_CPUS];

/* Takes a while, then says it is done: a caller that waits sees it done. */
static void slow_mark(void *info)
{
	u64 end = tsc_read() + ns_to_cycles(200 * 1000); /* 200 us */

	(void)info;
	while (tsc_read() < end)
		cpu_relax();
	slow_done[smp_processor_id()] = 1;
}

static void on_each_cpu_waits(struct ktest *t)
{
	unsigned int cpu;
	u64 end;

	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++)
		slow_done[cpu] = 0;
	on_each_cpu(slow_mark, NULL, true);
	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++)
		KT_EXPECT_EQ(t, slow_done[cpu], cpu_online(cpu) ? 1 : 0);

	/* Without wait, the others finish later; they do finish. */
	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++)
		slow_done[cpu] = 0;
	on_each_cpu(slow_mark, NULL, false);
	KT_EXPECT_EQ(t, slow_done[0], 1); /* the caller's own, at once */
	end = tsc_read() + ns_to_cycles(2000ULL * 1000 * 1000);
	for_each_online_cpu(cpu) while (!slow_done[cpu] && tsc_read() < end)
		cpu_relax();
	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++)
		KT_EXPECT_EQ(t, slow_done[cpu], cpu_online(cpu) ? 1 : 0);
}

static void write_own_var(void *info)
{
	unsigned int cpu = smp_processor_id();

	(void)info;
	this_cpu_write(smp_test_var, 1000 + cpu);
	hit_ptr[cpu] = this_cpu_ptr(&smp_test_var);
}

/* Each CPU's copy is its own: per_cpu_ptr differs, values do not mix. */
static void per_cpu_vars_distinct(struct ktest *t)
{
	unsigned int cpu, other;

	clear_hits();
	on_each_cpu(write_own_var, NULL, true);
	for_each_online_cpu(cpu)
	{
		KT_EXPECT_UEQ(t, per_cpu(smp_test_var, cpu), 1000 + cpu);
		KT_EXPECT_PTR_EQ(t, hit_ptr[cpu],
				 per_cpu_ptr(&smp_test_var, cpu));
		for_each_online_cpu(other) if (other != cpu)
			KT_EXPECT_PTR_NE(t, per_cpu_ptr(&smp_test_var, cpu),
					 per_cpu_ptr(&smp_test_var, other));
	}
	/* The template itself is nobody's copy. */
	KT_EXPECT_PTR_NE(t, this_cpu_ptr(&smp_test_var), &smp_test_var);
	KT_EXPECT_UEQ(t, this_cpu_read(smp_test_var), 1000);
}

#define INCS_PER_CPU 1000

static void count_up(void *info)
{
	unsigned int i;

	(void)info;
	for (i = 0; i < INCS_PER_CPU + smp_processor_id(); i++)
		this_cpu_inc(smp_test_counter);
}

/* this_cpu_inc on all CPUs at once: no increment lands on another copy. */
static void this_cpu_inc_stays_local(struct ktest *t)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) per_cpu(smp_test_counter, cpu) = 0;
	ktest_run_on_all_cpus(count_up, NULL);
	for_each_online_cpu(cpu) KT_EXPECT_UEQ(
		t, per_cpu(smp_test_counter, cpu), INCS_PER_CPU + cpu);
}

static void write_own_copy(void *info)
{
	unsigned long __percpu *p = info;

	*this_cpu_ptr(p) += 1000 + smp_processor_id();
	this_cpu_seg(p)[1] = smp_processor_id(); /* the %gs route: same copy */
}

/*
 * alloc_percpu(): every possible CPU has its own zeroed copy at the same
 * offset of its area; each CPU writing through this_cpu_ptr() and
 * this_cpu_seg() lands in its own. Bad frees are reported, not obeyed.
 */
static void alloc_percpu_is_per_cpu(struct ktest *t)
{
	unsigned long __percpu *p = __alloc_percpu(2 * sizeof(long), 16);
	unsigned long used = pcpu_used_bytes();
	unsigned int cpu;

	KT_ASSERT_NOT_NULL(t, p);
	for_each_possible_cpu(cpu)
	{
		KT_EXPECT_UEQ(t, per_cpu_ptr(p, cpu)[0], 0);
		KT_EXPECT_UEQ(t, per_cpu_ptr(p, cpu)[1], 0);
		KT_EXPECT_UEQ(t,
			      (unsigned long)per_cpu_ptr(p, cpu) -
				      __per_cpu_offset[cpu],
			      (unsigned long)p);
	}
	ktest_run_on_all_cpus(write_own_copy, p);
	for_each_online_cpu(cpu)
	{
		KT_EXPECT_UEQ(t, per_cpu_ptr(p, cpu)[0], 1000 + cpu);
		KT_EXPECT_UEQ(t, per_cpu_ptr(p, cpu)[1], cpu);
	}
	KT_EXPECT_REPORTS(t, 2, {
		free_percpu((char __percpu *)p + 8);
		free_percpu(&used);
	});
	KT_EXPECT_UEQ(t, pcpu_used_bytes(), used);
	free_percpu(p);
	KT_EXPECT_UEQ(t, pcpu_used_bytes(), used - 16);
	KT_EXPECT_REPORTS(t, 1, free_percpu(p));
}

static void nothing(void *info)
{
	(void)info;
}

#define IPI_ROUNDS 64

/*
 * What an IPI costs: a smp_call_function_single() round trip to the last
 * CPU (queue, ICR write, the target's interrupt entry, the call, the EOI,
 * the caller seeing the csd unlocked), in TSC cycles: under -icount the
 * instructions all CPUs ran meanwhile (docs/6-interrupts-and-smp.md).
 */
static void ipi_round_trip_cost(struct ktest *t)
{
	unsigned int cpu, target = 0, i;
	unsigned long before;
	u64 t0, rt, send;

	if (!need_two_cpus(t))
		return;
	for_each_online_cpu(cpu) target = cpu;
	before = smp_ipis_handled(target);
	t0 = tsc_read();
	for (i = 0; i < IPI_ROUNDS; i++)
		smp_call_function_single(target, nothing, NULL, true);
	rt = tsc_read() - t0;
	KT_EXPECT_UEQ(t, smp_ipis_handled(target) - before, IPI_ROUNDS);
	/* The sender's side alone: no wait (each waits for the previous one
	 * inside csd_get(), outside the timed part would be better; it is
	 * the first thing the next call does). */
	t0 = tsc_read();
	smp_call_function_single(target, nothing, NULL, false);
	send = tsc_read() - t0;
	smp_call_function_single(target, nothing, NULL, true);
	KT_EXPECT_UGT(t, rt, 0);
	ktest_log(t,
		  "smp_call_function_single round trip to CPU%u: %llu cycles "
		  "(%llu ns) each, over %u; one send without waiting: %llu "
		  "cycles",
		  target, (unsigned long long)(rt / IPI_ROUNDS),
		  (unsigned long long)cycles_to_ns(rt / IPI_ROUNDS), IPI_ROUNDS,
		  (unsigned long long)send);
}

KTEST_SUITE(smp, NULL, NULL, KTEST_CASE(cpus_came_up),
	    KTEST_CASE(every_cpu_ran),
	    KTEST_CASE(ipi_single_reaches_only_its_cpu),
	    KTEST_CASE(ipi_many_reaches_each_other_cpu_once),
	    KTEST_CASE(call_self_and_offline), KTEST_CASE(on_each_cpu_waits),
	    KTEST_CASE(per_cpu_vars_distinct),
	    KTEST_CASE(this_cpu_inc_stays_local),
	    KTEST_CASE(alloc_percpu_is_per_cpu),
	    KTEST_CASE(ipi_round_trip_cost));
