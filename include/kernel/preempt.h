/*
 * include/kernel/preempt.h: the atomic-context marker.
 *
 * kvlab runs on one CPU with interrupts off, so nothing can actually
 * preempt it; the counter models Linux's preempt_count so that code can say
 * "I am in atomic context" (a spinlock held, an interrupt handler) and the
 * allocators can report what Linux's might_sleep() reports: a sleeping
 * allocation (GFP_KERNEL, vmalloc) from atomic context.
 *
 *   preempt_disable();            in_atomic() is now true
 *   p = kmalloc(64, GFP_ATOMIC);  fine
 *   q = kmalloc(64, GFP_KERNEL);  "BUG: sleeping function called from
 *                                  invalid context" (counted as a report)
 *   preempt_enable();
 */
#ifndef KVLAB_KERNEL_PREEMPT_H
#define KVLAB_KERNEL_PREEMPT_H

#include <lib/compiler.h>

extern int preempt_count;

static inline void preempt_disable(void)
{
	preempt_count++;
}

static inline void preempt_enable(void)
{
	preempt_count--;
}

static inline bool in_atomic(void)
{
	return preempt_count != 0;
}

/*
 * __might_sleep - report if the caller may not sleep here.
 * @what: the function that may sleep (for the report).
 * @caller: the address that called it.
 */
void __might_sleep(const char *what, unsigned long caller);

#define might_sleep() \
	do { if (unlikely(in_atomic())) __might_sleep(__func__, _RET_IP_); } while (0)

#endif
