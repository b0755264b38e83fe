/*
 * tests/host/shim/cpu.c: CPUs as threads, for the host build (see
 * host.h): per-CPU memory, interrupts off, calls on other CPUs and
 * spinlocks, mapped onto what a Linux process has.
 *
 *   a CPU                 a thread; host_cpu (thread-local) is its number,
 *                         0 for the main thread; host_set_cpu() gives a
 *                         thread another
 *   per-CPU memory        one unit of PERCPU_DYNAMIC_SIZE bytes per CPU,
 *                         CPU 0's first, the first chunk of mm/percpu.c;
 *                         host_percpu_offset[cpu] = cpu * unit
 *   interrupts off        the CPU's interrupt lock (a pthread mutex) held
 *   an IPI                smp_call_function_single(cpu, ...) takes that
 *                         CPU's interrupt lock and runs the function in
 *                         the caller's thread, as that CPU, in "hard
 *                         interrupt" context: it waits until the CPU has
 *                         interrupts on, as a real IPI does, and nothing
 *                         the CPU does with interrupts off can interleave
 *   a spinlock            the kernel's ticket lock, on __atomic builtins
 *                         (ThreadSanitizer understands them)
 *
 * What the model does not have: an interrupt arriving in the middle of
 * code that runs with interrupts on. Code that relies on interrupts
 * being off (the pcp lists) is modelled exactly; code that must be safe
 * against an interrupt on its own CPU at any instruction is, on the host,
 * run against another thread instead, which is stricter.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include <host.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/preempt.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <lib/string.h>

__thread unsigned int host_cpu;
unsigned long host_percpu_offset[CONFIG_NR_CPUS];

static unsigned int host_nr_cpus = 1;
static char units[HOST_MAX_CPUS][PERCPU_DYNAMIC_SIZE]
	__attribute__((aligned(64)));

unsigned int percpu_nr_areas(void)
{
	return host_nr_cpus;
}

int host_set_nr_cpus(unsigned int nr)
{
	if (nr < 1 || nr > HOST_MAX_CPUS)
		return -1;
	host_nr_cpus = nr;
	return 0;
}

void host_set_cpu(unsigned int cpu)
{
	if (cpu >= host_nr_cpus)
		host_arch_unsupported("a CPU number beyond host_nr_cpus");
	host_cpu = cpu;
}

void host_percpu_reset(void)
{
	unsigned int cpu;

	memset(units, 0, sizeof(units));
	for (cpu = 0; cpu < HOST_MAX_CPUS; cpu++)
		host_percpu_offset[cpu] = (unsigned long)cpu * sizeof(units[0]);
	pcpu_setup_first_chunk(units[0], sizeof(units[0]));
}

/* ---- interrupts ------------------------------------------------------------ */

static pthread_mutex_t irq_lock[HOST_MAX_CPUS] = {
	[0 ... HOST_MAX_CPUS - 1] = PTHREAD_MUTEX_INITIALIZER
};
static __thread bool irq_off; /* this thread holds host_cpu's irq_lock */

void host_irq_disable(void)
{
	if (irq_off)
		return;
	pthread_mutex_lock(&irq_lock[host_cpu]);
	irq_off = true;
}

void host_irq_enable(void)
{
	if (!irq_off)
		return;
	irq_off = false;
	pthread_mutex_unlock(&irq_lock[host_cpu]);
}

bool host_irqs_off(void)
{
	return irq_off;
}

/* ---- calls on other CPUs ------------------------------------------------- */

int smp_call_function_single(unsigned int cpu, smp_call_func_t func, void *info,
			     bool wait)
{
	unsigned int self = host_cpu;
	unsigned long flags;

	(void)wait; /* the call is done when this returns */
	if (cpu == self) {
		local_irq_save(flags);
		func(info);
		local_irq_restore(flags);
		return 0;
	}
	if (cpu >= host_nr_cpus)
		return -1;
	/* As the kernel: a caller with interrupts off could deadlock. */
	if (irq_off)
		host_arch_unsupported("a cross-CPU call with interrupts off");
	pthread_mutex_lock(&irq_lock[cpu]);
	host_cpu = cpu;
	irq_off = true;
	preempt_count += HARDIRQ_OFFSET;
	func(info);
	preempt_count -= HARDIRQ_OFFSET;
	irq_off = false;
	host_cpu = self;
	pthread_mutex_unlock(&irq_lock[cpu]);
	return 0;
}

void smp_call_function_many(const struct cpumask *mask, smp_call_func_t func,
			    void *info, bool wait)
{
	unsigned int cpu;

	for (cpu = 0; cpu < host_nr_cpus; cpu++)
		if (cpu != host_cpu && cpumask_test_cpu(cpu, mask))
			smp_call_function_single(cpu, func, info, wait);
}

void on_each_cpu(smp_call_func_t func, void *info, bool wait)
{
	unsigned int cpu;

	for (cpu = 0; cpu < host_nr_cpus; cpu++)
		smp_call_function_single(cpu, func, info, wait);
}

/* ---- spinlocks ----------------------------------------------------------------- */

bool debug_locks = true;
static __thread char thread_token; /* its address names the thread */

void __spin_lock_init(spinlock_t *lock, const char *name,
		      const struct lock_class_key *key)
{
	memset(lock, 0, sizeof(*lock));
	lock->magic = SPINLOCK_MAGIC;
	lock->owner_cpu = -1;
	lock->name = name;
	lock->key = key;
}

static unsigned long me(void)
{
	return (unsigned long)&thread_token;
}

void do_spin_lock(spinlock_t *lock)
{
	u32 ticket;

	if (__atomic_load_n(&lock->owner_ip, __ATOMIC_RELAXED) == me()) {
		fprintf(stderr, "kvlab host shim: spinlock recursion on %s\n",
			lock->name);
		abort();
	}
	ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);
	/* More threads than cores: let the holder run. */
	while (__atomic_load_n(&lock->serving, __ATOMIC_ACQUIRE) != ticket)
		sched_yield();
	__atomic_store_n(&lock->owner_ip, me(), __ATOMIC_RELAXED);
}

bool do_spin_trylock(spinlock_t *lock)
{
	u32 s = __atomic_load_n(&lock->serving, __ATOMIC_RELAXED);
	u32 expected = s;

	if (!__atomic_compare_exchange_n(&lock->next, &expected, s + 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	__atomic_store_n(&lock->owner_ip, me(), __ATOMIC_RELAXED);
	return true;
}

void do_spin_unlock(spinlock_t *lock)
{
	if (__atomic_load_n(&lock->owner_ip, __ATOMIC_RELAXED) != me()) {
		fprintf(stderr,
			"kvlab host shim: spinlock %s unlocked by a thread "
			"that does not hold it\n",
			lock->name);
		abort();
	}
	__atomic_store_n(&lock->owner_ip, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->serving,
			 __atomic_load_n(&lock->serving, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELEASE);
}

void lockdep_assert_held(const spinlock_t *lock)
{
	if (__atomic_load_n(&lock->owner_ip, __ATOMIC_RELAXED) != me()) {
		fprintf(stderr, "kvlab host shim: %s is not held here\n",
			lock->name);
		abort();
	}
}
