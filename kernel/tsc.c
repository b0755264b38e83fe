/*
 * kernel/tsc.c: calibrate the TSC against PIT channel 2.
 *
 * The PIT counts at 1193182 Hz on every PC. Channel 2's gate is under
 * software control (port 0x61 bit 0) and its output can be read back (port
 * 0x61 bit 5), so: load a count for a 10 ms window in mode 0 ("interrupt
 * on terminal count": OUT goes high when the count reaches zero), read the
 * TSC, spin until OUT is high, read the TSC again. The first window is
 * discarded (it includes QEMU translating this code for the first time);
 * of the others the shortest is kept, as Linux's pit_calibrate_tsc() does,
 * since a delay can only make a window look longer.
 */
#include <arch/x86.h>
#include <kernel/printk.h>
#include <kernel/tsc.h>

#define PIT_HZ	    1193182ULL
#define PIT_CH2	    0x42
#define PIT_CMD	    0x43
#define PORT_B	    0x61 /* bit 0: ch2 gate, bit 1: speaker, bit 5: OUT2 */
#define CAL_MS	    10
#define CAL_LATCH   (PIT_HZ * CAL_MS / 1000)
#define CAL_WINDOWS 5

u64 tsc_khz;

static u64 measure_window(void)
{
	u64 t0, t1;

	/* Gate high, speaker off. */
	outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01);
	/* Channel 2, lobyte then hibyte, mode 0, binary. */
	outb(PIT_CMD, 0xb0);
	outb(PIT_CH2, CAL_LATCH & 0xff);
	outb(PIT_CH2, (CAL_LATCH >> 8) & 0xff);
	t0 = rdtsc_ordered();
	while (!(inb(PORT_B) & 0x20))
		;
	t1 = rdtsc_ordered();
	return t1 - t0;
}

void tsc_calibrate(void)
{
	u64 best = ~0ULL, d;
	int i;

	measure_window(); /* discarded */
	for (i = 1; i < CAL_WINDOWS; i++) {
		d = measure_window();
		if (d < best)
			best = d;
	}
	/* cycles per window * windows per second / 1000 */
	tsc_khz = best * PIT_HZ / (CAL_LATCH * 1000);
	if (!tsc_khz)
		tsc_khz = 1;
	pr_info("tsc: %llu.%03llu MHz (PIT channel 2, best of %d %d-ms "
		"windows)\n",
		(unsigned long long)(tsc_khz / 1000),
		(unsigned long long)(tsc_khz % 1000), CAL_WINDOWS - 1, CAL_MS);
}

/*
 * a * b / c without a 128-bit division (which would need libgcc): split a
 * into quotient and remainder by c. Exact while (a % c) * b fits 64 bits,
 * which holds for TSC rates below 18 THz.
 */
static u64 mul_div(u64 a, u64 b, u64 c)
{
	return (a / c) * b + (a % c) * b / c;
}

u64 cycles_to_ns(u64 cycles)
{
	if (!tsc_khz)
		return 0;
	return mul_div(cycles, 1000000, tsc_khz);
}

u64 ns_to_cycles(u64 ns)
{
	return mul_div(ns, tsc_khz, 1000000);
}

void tsc_delay_us(u64 us)
{
	u64 end = rdtsc() + ns_to_cycles(us * 1000);

	while (rdtsc() < end)
		cpu_relax();
}
