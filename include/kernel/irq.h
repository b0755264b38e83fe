/*
 * include/kernel/irq.h: interrupt vectors and their handlers.
 *
 * Vectors 0-31 are CPU exceptions (kernel/traps.c). Every vector from 32
 * to 255 has an entry stub (kernel/trapentry.asm) that saves all registers
 * and calls irq_entry(), which marks hard interrupt context (irq_enter(),
 * include/kernel/preempt.h), counts the interrupt for this CPU, runs the
 * vector's handler and acknowledges the local APIC. The numbers are
 * Linux's (arch/x86/include/asm/irq_vectors.h):
 *
 *   0x00-0x1f  exceptions
 *   0x30-0x3f  the legacy PICs, remapped here and masked (ISA_IRQ_VECTOR)
 *   0xec       the local APIC timer
 *   0xf8-0xfd  IPIs: stop, call function single/many, reschedule
 *   0xfe       APIC error
 *   0xff       spurious (the APIC's "nothing after all"; no EOI)
 */
#ifndef KVLAB_KERNEL_IRQ_H
#define KVLAB_KERNEL_IRQ_H

#include <kernel/traps.h>
#include <lib/types.h>

#define NR_VECTORS		    256
#define FIRST_EXTERNAL_VECTOR	    0x20
#define ISA_IRQ_VECTOR(irq)	    (0x30 + (irq))
#define LOCAL_TIMER_VECTOR	    0xec
#define IRQ_TEST_VECTOR		    0xf0 /* the irq suite's self-IPIs */
#define REBOOT_VECTOR		    0xf8 /* stop this CPU (panic) */
#define CALL_FUNCTION_SINGLE_VECTOR 0xfb
#define CALL_FUNCTION_VECTOR	    0xfc
#define RESCHEDULE_VECTOR	    0xfd
#define ERROR_APIC_VECTOR	    0xfe
#define SPURIOUS_APIC_VECTOR	    0xff

typedef void (*irq_handler_fn)(struct pt_regs *regs);

/* How irq_entry() ends an interrupt after the handler. */
enum irq_ack {
	IRQ_ACK_EOI,  /* write the local APIC's EOI (most vectors) */
	IRQ_ACK_NONE, /* nothing: the spurious vector */
};

/*
 * irq_set_handler - run @fn for @vector (32-255) from now on; @name is
 * what the interrupt counts are shown as. NULL @fn removes it.
 * Context: interrupts may be on; the switch is atomic.
 * Return: 0, -EINVAL for an exception vector, -EBUSY if another handler
 * has the vector.
 */
int irq_set_handler(unsigned int vector, irq_handler_fn fn, const char *name,
		    enum irq_ack ack);

/* irq_vector_name - the name a vector's handler gave, or NULL. */
const char *irq_vector_name(unsigned int vector);

/* irq_count_cpu - interrupts taken through @vector on @cpu. */
unsigned long irq_count_cpu(unsigned int cpu, unsigned int vector);

/* irq_unexpected_count - interrupts through vectors with no handler. */
unsigned long irq_unexpected_count(void);

/*
 * irq_boot_enable - turn interrupts on for the first time (kernel_main(),
 * after apic_init()); from here might_sleep() also objects to sleeping
 * with interrupts off.
 */
void irq_boot_enable(void);

/* Called by the entry stubs with interrupts off. */
void irq_entry(struct pt_regs *regs);

#endif
