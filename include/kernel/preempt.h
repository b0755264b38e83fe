/*
 * include/kernel/preempt.h: preempt_count and the context tests built on
 * it, with Linux's layout and meanings (include/linux/preempt.h).
 *
 * preempt_count is one word that says what the CPU is inside of:
 *
 *    31        24 23    20 19    16 15         8 7          0
 *   +------------+--------+--------+------------+------------+
 *   |  (unused)  |  NMI   |HARDIRQ |  SOFTIRQ   |  PREEMPT   |
 *   +------------+--------+--------+------------+------------+
 *                                   (unused in    preempt_disable()
 *                  interrupt entry   kvlab: no    nesting depth
 *                  adds HARDIRQ_     softirqs)
 *                  OFFSET
 *
 *   in_interrupt()  hardirq, softirq or NMI bits set: an interrupt handler
 *   in_hardirq()    the HARDIRQ bits set
 *   in_task()       none of them: ordinary kernel code
 *   in_atomic()     anything set: a handler, or preempt_disable() (held by
 *                   every spinlock) - code that must not sleep
 *
 * irqs_disabled() (include/kernel/irqflags.h) is a separate fact: Linux's
 * in_atomic() is false under local_irq_disable() alone, and so is ours.
 * might_sleep() checks both, as Linux's __might_sleep() does:
 *
 *   preempt_disable();            in_atomic() is now true
 *   p = kmalloc(64, GFP_ATOMIC);  fine
 *   q = kmalloc(64, GFP_KERNEL);  "BUG: sleeping function called from
 *                                  invalid context" (counted as a report)
 *   preempt_enable();
 *
 * The allocators' fast paths test the word itself (nonzero: take the slow
 * path, which reports), so an allocation with GFP_KERNEL from a real
 * interrupt handler is caught without a cost on the common path.
 *
 * The word is per CPU (reached through %gs): an interrupt on one CPU says
 * nothing about another.
 */
#ifndef KVLAB_KERNEL_PREEMPT_H
#define KVLAB_KERNEL_PREEMPT_H

#include <kernel/irqflags.h>
#include <lib/compiler.h>

#define PREEMPT_BITS 8
#define SOFTIRQ_BITS 8
#define HARDIRQ_BITS 4
#define NMI_BITS     4

#define PREEMPT_SHIFT 0
#define SOFTIRQ_SHIFT (PREEMPT_SHIFT + PREEMPT_BITS) /* 8 */
#define HARDIRQ_SHIFT (SOFTIRQ_SHIFT + SOFTIRQ_BITS) /* 16 */
#define NMI_SHIFT     (HARDIRQ_SHIFT + HARDIRQ_BITS) /* 20 */

#define __IRQ_MASK(x) ((1 << (x)) - 1)
#define PREEMPT_MASK  (__IRQ_MASK(PREEMPT_BITS) << PREEMPT_SHIFT)
#define SOFTIRQ_MASK  (__IRQ_MASK(SOFTIRQ_BITS) << SOFTIRQ_SHIFT)
#define HARDIRQ_MASK  (__IRQ_MASK(HARDIRQ_BITS) << HARDIRQ_SHIFT)
#define NMI_MASK      (__IRQ_MASK(NMI_BITS) << NMI_SHIFT)

#define PREEMPT_OFFSET (1 << PREEMPT_SHIFT)
#define SOFTIRQ_OFFSET (1 << SOFTIRQ_SHIFT)
#define HARDIRQ_OFFSET (1 << HARDIRQ_SHIFT)
#define NMI_OFFSET     (1 << NMI_SHIFT)

#ifdef KVLAB_HOST
extern __thread int preempt_count; /* per thread: per host CPU */
#else
#include <kernel/percpu.h>
/*
 * One per CPU: an interrupt on one CPU says nothing about another. Read
 * and written through %gs in one instruction, as Linux's x86
 * __preempt_count.
 */
DECLARE_PER_CPU(int, __preempt_count);
#define preempt_count __this_cpu_lval(__preempt_count)
#endif

static inline void preempt_disable(void)
{
	preempt_count++;
	barrier();
}

static inline void preempt_enable(void)
{
	barrier();
	preempt_count--;
}

#define hardirq_count() (preempt_count & HARDIRQ_MASK)
#define softirq_count() (preempt_count & SOFTIRQ_MASK)
#define irq_count()	(preempt_count & (HARDIRQ_MASK | SOFTIRQ_MASK | NMI_MASK))

static inline bool in_interrupt(void)
{
	return irq_count() != 0;
}

static inline bool in_hardirq(void)
{
	return hardirq_count() != 0;
}

static inline bool in_nmi(void)
{
	return (preempt_count & NMI_MASK) != 0;
}

static inline bool in_task(void)
{
	return !in_interrupt();
}

static inline bool in_atomic(void)
{
	return preempt_count != 0;
}

/*
 * irq_enter/irq_exit - bracket an interrupt handler (kernel/irq.c does it
 * for every vector): in_interrupt() and in_atomic() are true in between.
 */
static inline void irq_enter(void)
{
	preempt_count += HARDIRQ_OFFSET;
	barrier();
}

static inline void irq_exit(void)
{
	barrier();
	preempt_count -= HARDIRQ_OFFSET;
}

/*
 * might_sleep_invalid - may the caller not sleep here? In atomic context,
 * or with interrupts off once boot has turned them on.
 */
static inline bool might_sleep_invalid(void)
{
	return in_atomic() || (!early_boot_irqs_disabled && irqs_disabled());
}

/*
 * __might_sleep - report that the caller may sleep here but must not.
 * @what: the function that may sleep (for the report).
 * @caller: the address that called it.
 */
void __might_sleep(const char *what, unsigned long caller);

#define might_sleep()                                      \
	do {                                               \
		if (unlikely(might_sleep_invalid()))       \
			__might_sleep(__func__, _RET_IP_); \
	} while (0)

#endif
