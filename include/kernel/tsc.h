/*
 * include/kernel/tsc.h: the time-stamp counter as kvlab's clock.
 *
 * tsc_calibrate() measures the TSC rate against PIT channel 2. Under
 * QEMU's -icount shift=0 the guest TSC advances once per guest instruction
 * at a nominal 1 GHz, so the result must come out near 1000000 kHz (DESIGN.md
 * section 7).
 */
#ifndef KVLAB_KERNEL_TSC_H
#define KVLAB_KERNEL_TSC_H

#include <arch/x86.h>
#include <lib/types.h>

extern u64 tsc_khz; /* 0 until calibrated */

void tsc_calibrate(void);

/* tsc_read - a serialised TSC read: earlier instructions have finished. */
static inline u64 tsc_read(void)
{
	return rdtsc_ordered();
}

/* cycles_to_ns - convert TSC cycles to nanoseconds (0 before calibration). */
u64 cycles_to_ns(u64 cycles);

/* ns_to_cycles - the inverse, for delays. */
u64 ns_to_cycles(u64 ns);

/* tsc_delay_us - busy-wait for @us microseconds. */
void tsc_delay_us(u64 us);

#endif
