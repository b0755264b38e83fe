/*
 * include/kernel/irqflags.h: turning interrupts off and on, as Linux's
 * include/linux/irqflags.h.
 *
 * The CPU's interrupt flag (RFLAGS.IF) is the whole state: cli clears it,
 * sti sets it, and an interrupt gate clears it for the handler and iretq
 * puts the interrupted code's flags back. Code that must not be
 * interrupted and may itself run with interrupts already off saves the
 * flags and restores them, so that sections nest:
 *
 *   unsigned long flags;
 *
 *   local_irq_save(flags);        IF off; flags says whether it was on
 *   ...                           no interrupt on this CPU here
 *   local_irq_restore(flags);     IF on again only if it was on before
 *
 * local_irq_disable()/local_irq_enable() are the unconditional pair, for
 * code that knows interrupts are on when it starts.
 */
#ifndef KVLAB_KERNEL_IRQFLAGS_H
#define KVLAB_KERNEL_IRQFLAGS_H

#include <arch/x86.h>
#include <lib/compiler.h>

#define X86_EFLAGS_IF (1UL << 9) /* interrupts enabled */

/*
 * early_boot_irqs_disabled - true until kernel_main() first turns
 * interrupts on (as Linux's). Boot code runs with interrupts off by
 * design, so might_sleep() only counts "interrupts disabled" against a
 * caller after that.
 */
extern bool early_boot_irqs_disabled;

static inline unsigned long arch_local_save_flags(void)
{
	return read_rflags();
}

static inline bool irqs_disabled_flags(unsigned long flags)
{
	return !(flags & X86_EFLAGS_IF);
}

/* irqs_disabled - are interrupts off on this CPU? */
static inline bool irqs_disabled(void)
{
	return irqs_disabled_flags(arch_local_save_flags());
}

static inline void local_irq_disable(void)
{
	irq_disable();
}

static inline void local_irq_enable(void)
{
	irq_enable();
}

static inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags = arch_local_save_flags();

	irq_disable();
	return flags;
}

static inline void arch_local_irq_restore(unsigned long flags)
{
	if (!irqs_disabled_flags(flags))
		irq_enable();
}

#define local_irq_save(flags)                    \
	do {                                     \
		(flags) = arch_local_irq_save(); \
	} while (0)
#define local_irq_restore(flags) arch_local_irq_restore(flags)

#endif
