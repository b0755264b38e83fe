/*
 * kernel/irq.c: from an entry stub to a vector's handler and back.
 *
 * An external interrupt or IPI arrives through an interrupt gate, so the
 * CPU has already cleared IF: handlers run with interrupts off and never
 * nest (kvlab has no threaded or nested interrupts). irq_entry() brackets
 * the handler with irq_enter()/irq_exit(), which is what makes
 * in_interrupt() and in_atomic() true inside it and lets might_sleep()
 * catch a GFP_KERNEL allocation there, then acknowledges the local APIC
 * so the next interrupt of the same or lower priority can come.
 *
 * The handler table is written with one pointer store per field, under
 * local_irq_save() on this CPU; a handler is installed before its vector
 * can fire (the timer's before the timer starts, an IPI's before any CPU
 * sends it), so no lock is needed.
 */
#include <kernel/apic.h>
#include <kernel/irq.h>
#include <kernel/irqflags.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <lib/errno.h>

struct irq_desc {
	irq_handler_fn fn;
	const char *name;
	enum irq_ack ack;
};

static struct irq_desc irq_descs[NR_VECTORS];
/* Interrupts taken, per CPU and vector (as /proc/interrupts counts them). */
static u32 irq_counts[APIC_MAX_CPUS][NR_VECTORS];
static unsigned long nr_unexpected;

int irq_set_handler(unsigned int vector, irq_handler_fn fn, const char *name,
		    enum irq_ack ack)
{
	struct irq_desc *d;
	unsigned long flags;

	if (vector < FIRST_EXTERNAL_VECTOR || vector >= NR_VECTORS)
		return -EINVAL;
	d = &irq_descs[vector];
	if (fn && d->fn && d->fn != fn)
		return -EBUSY;
	local_irq_save(flags);
	d->name = fn ? name : NULL;
	d->ack = ack;
	d->fn = fn;
	local_irq_restore(flags);
	return 0;
}

const char *irq_vector_name(unsigned int vector)
{
	return vector < NR_VECTORS ? irq_descs[vector].name : NULL;
}

unsigned long irq_count_cpu(unsigned int cpu, unsigned int vector)
{
	if (cpu >= APIC_MAX_CPUS || vector >= NR_VECTORS)
		return 0;
	return irq_counts[cpu][vector];
}

unsigned long irq_unexpected_count(void)
{
	return nr_unexpected;
}

/* Is @vector in service at the local APIC (so it wants an EOI)? */
static bool apic_in_service(unsigned int vector)
{
	return apic_read(APIC_ISR + (vector / 32) * 0x10) &
	       (1u << (vector % 32));
}

/*
 * An interrupt nobody asked for: a PIC line that fired despite the mask,
 * a stray IPI. Say so (as Linux's "No irq handler for vector") and
 * acknowledge it only if the APIC delivered it as a normal interrupt.
 */
static void unexpected_irq(unsigned int vector)
{
	nr_unexpected++;
	pr_warn("irq: CPU %u: no handler for vector %#x\n", apic_current_cpu(),
		vector);
	if (apic_available() && apic_in_service(vector))
		apic_eoi();
}

void irq_entry(struct pt_regs *regs)
{
	unsigned int vector = (unsigned int)regs->vector;
	const struct irq_desc *d = &irq_descs[vector];

	irq_enter();
	irq_counts[apic_current_cpu()][vector]++;
	if (d->fn) {
		d->fn(regs);
		if (d->ack == IRQ_ACK_EOI)
			apic_eoi();
	} else {
		unexpected_irq(vector);
	}
	irq_exit();
}

void irq_boot_enable(void)
{
	early_boot_irqs_disabled = false;
	local_irq_enable();
}
