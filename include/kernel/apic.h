/*
 * include/kernel/apic.h: the local APIC, each CPU's interrupt controller.
 *
 * Every x86 CPU has a local APIC: it takes interrupts from its own timer,
 * from other CPUs (inter-processor interrupts, sent by writing its ICR)
 * and from the I/O APIC, and hands the CPU one vector at a time; the
 * handler ends with an EOI write. kvlab reaches it one of two ways:
 *
 *   x2APIC   (CPUID.1:ECX bit 21) registers are MSRs 0x800 + offset/16;
 *            the ICR is one 64-bit MSR; IDs are 32 bits
 *   xAPIC    registers are a 4 KiB MMIO page at the physical address in
 *            the APIC base MSR (0xfee00000 after reset), mapped uncached
 *            at FIX_APIC_BASE_VA (include/mm/layout.h); IDs are 8 bits
 *
 * apic_read()/apic_write() take the xAPIC offsets below in both modes.
 * `nox2apic` on the command line forces xAPIC, as in Linux.
 *
 * The timer: the APIC's counter decrements at the bus clock divided by 16;
 * apic_init() measures that rate against the TSC and programs a periodic
 * interrupt at hz= per second (default 100, hz=0: no timer).
 */
#ifndef KVLAB_KERNEL_APIC_H
#define KVLAB_KERNEL_APIC_H

#include <lib/types.h>

/* Register offsets in the xAPIC page (Intel SDM vol. 3, table 11-1). */
#define APIC_ID	     0x20
#define APIC_LVR     0x30 /* version; bits 16-23: highest LVT entry */
#define APIC_TASKPRI 0x80
#define APIC_EOI     0xb0
#define APIC_LDR     0xd0
#define APIC_SPIV    0xf0  /* spurious vector; bit 8: software enable */
#define APIC_ISR     0x100 /* in service, 8 registers 0x10 apart */
#define APIC_IRR     0x200 /* requested, the same */
#define APIC_ESR     0x280 /* error status */
#define APIC_ICR     0x300 /* interrupt command, low half */
#define APIC_ICR2    0x310 /* xAPIC: destination in bits 24-31 */
#define APIC_LVTT    0x320 /* timer */
#define APIC_LVTTHMR 0x330
#define APIC_LVTPC   0x340
#define APIC_LVT0    0x350 /* LINT0 pin */
#define APIC_LVT1    0x360 /* LINT1 pin */
#define APIC_LVTERR  0x370
#define APIC_TMICT   0x380 /* timer initial count */
#define APIC_TMCCT   0x390 /* timer current count */
#define APIC_TDCR    0x3e0 /* timer divide configuration */

#define APIC_SPIV_APIC_ENABLED	(1u << 8)
#define APIC_LVT_MASKED		(1u << 16)
#define APIC_LVT_TIMER_PERIODIC (1u << 17)
#define APIC_TDR_DIV_16		0x3

/* ICR low half: vector | delivery mode | level | shorthand. */
#define APIC_DM_FIXED	   0x00000
#define APIC_DM_NMI	   0x00400
#define APIC_DM_INIT	   0x00500
#define APIC_DM_STARTUP	   0x00600 /* vector = trampoline page number */
#define APIC_ICR_BUSY	   0x01000 /* xAPIC: delivery pending */
#define APIC_INT_ASSERT	   0x04000
#define APIC_INT_LEVELTRIG 0x08000
#define APIC_DEST_SELF	   0x40000
#define APIC_DEST_ALLINC   0x80000
#define APIC_DEST_ALLBUT   0xc0000

#define MSR_IA32_APICBASE  0x1b
#define APICBASE_BSP	   (1ull << 8)
#define APICBASE_X2APIC	   (1ull << 10)
#define APICBASE_ENABLE	   (1ull << 11)
#define APICBASE_ADDR_MASK 0x000ffffffffff000ull
#define X2APIC_MSR_BASE	   0x800

/* The timer rate limits for hz= (0 = no timer). */
#define APIC_HZ_DEFAULT 100
#define APIC_HZ_MIN	10
#define APIC_HZ_MAX	1000

/* apic_hz - the timer rate in use (0: no timer); set by hz=. */
extern unsigned int apic_hz;

/* jiffies - timer ticks on the boot CPU since apic_init(). */
extern volatile unsigned long jiffies;

/*
 * apic_init - the boot CPU's local APIC: pick x2APIC or xAPIC, map the
 * xAPIC page, mask the legacy PICs, enable the APIC with the spurious and
 * error vectors, calibrate the timer against the TSC and start it at hz=.
 * Context: boot, after tsc_calibrate() and vmalloc_init(), interrupts off.
 */
void apic_init(void);

/*
 * apic_cpu_init - set up the calling CPU's local APIC the way apic_init()
 * set up the boot CPU's (same mode, vectors and timer rate). For
 * application processors, after apic_init() ran on the boot CPU.
 */
void apic_cpu_init(void);

/* apic_available - has apic_init() run (and found an APIC)? */
bool apic_available(void);

/* apic_x2apic_mode - are the registers reached as MSRs? */
bool apic_x2apic_mode(void);

u32 apic_read(u32 reg);
void apic_write(u32 reg, u32 val);

/* apic_id - the calling CPU's local APIC ID (0 before apic_init()). */
u32 apic_id(void);

/* apic_eoi - end of interrupt: the in-service vector is done. */
void apic_eoi(void);

/*
 * apic_wait_icr_idle - wait for the previous IPI to leave (xAPIC keeps a
 * busy bit; x2APIC has none and returns at once).
 * Return: 0, or -ETIMEDOUT after about 10 ms.
 */
int apic_wait_icr_idle(void);

/*
 * apic_icr_write - write the interrupt command register: @low is
 * vector | APIC_DM_* | APIC_INT_* | APIC_DEST_*, @dest the target APIC ID
 * (ignored with a shorthand). Does not wait.
 */
void apic_icr_write(u32 low, u32 dest);

/*
 * apic_send_ipi - send @vector_mode (a vector with APIC_DM_FIXED, or
 * APIC_DM_INIT / APIC_DM_STARTUP | page / APIC_DM_NMI, plus level bits)
 * to the CPU with APIC ID @dest, after waiting for the ICR to be idle.
 * Context: any; interrupts are kept off around the two xAPIC writes.
 * Return: 0, or -ETIMEDOUT if the previous IPI never left.
 */
int apic_send_ipi(u32 dest, u32 vector_mode);

/*
 * apic_current_cpu - the calling CPU's number, for lock debugging and
 * interrupt counts, until per-CPU data provides smp_processor_id(): QEMU
 * numbers the local APICs 0, 1, 2... in CPU order, so the APIC ID serves.
 * Always below APIC_MAX_CPUS.
 */
#define APIC_MAX_CPUS 64
unsigned int apic_current_cpu(void);

/* apic_timer_stop/start - pause and resume this CPU's timer (benchmarks). */
void apic_timer_stop(void);
void apic_timer_start(void);

/*
 * tick_call_once - call @fn(@arg) from the next timer interrupt on the
 * boot CPU, once, in hard interrupt context.
 * Return: 0; -EBUSY if a call is already pending; -ENODEV with no timer.
 */
int tick_call_once(void (*fn)(void *arg), void *arg);

/* tick_call_pending - is a tick_call_once() call still waiting? */
bool tick_call_pending(void);

#endif
