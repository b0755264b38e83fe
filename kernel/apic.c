/*
 * kernel/apic.c: the local APIC driver, the legacy PICs masked, and the
 * APIC timer.
 *
 * Boot (apic_init(), on the boot CPU, interrupts off):
 *   1. Pick the access mode: x2APIC (MSRs) when CPUID has it and the
 *      command line does not say nox2apic, or when the firmware already
 *      switched it on (the switch back needs a full disable); else xAPIC,
 *      whose register page is mapped uncached (PCD|PWT: a cached read of
 *      a device register would return a stale value) at FIX_APIC_BASE_VA.
 *   2. Mask the two 8259 PICs, after moving their vectors to 0x30-0x3f so
 *      a stray IRQ 7 cannot land on an exception vector.
 *   3. apic_cpu_init(): software-enable the APIC with the spurious vector,
 *      mask LINT0/LINT1 and the other LVT entries, route errors to
 *      ERROR_APIC_VECTOR.
 *   4. Calibrate: with the divider at 16 and a masked one-shot count,
 *      read how far the counter falls over a 10 ms TSC window (median of
 *      3), as Linux's calibrate_APIC_clock() does against its own clock.
 *   5. Start the timer in periodic mode at hz= per second.
 *
 * The timer handler counts jiffies and runs the one tick_call_once()
 * callback, in hard interrupt context (in_interrupt() is true there).
 */
#include <arch/x86.h>
#include <kernel/apic.h>
#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/irq.h>
#include <kernel/irqflags.h>
#include <kernel/printk.h>
#include <kernel/tsc.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/paging.h>

#define PAGE_KERNEL_NOCACHE (PAGE_KERNEL | _PAGE_PCD | _PAGE_PWT)
#define CAL_WINDOW_MS	    10
#define CAL_WINDOWS	    3
#define ICR_IDLE_TIMEOUT_US 10000

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

unsigned int apic_hz = APIC_HZ_DEFAULT;
volatile unsigned long jiffies;

static bool apic_ready;
static bool use_x2apic;
static bool nox2apic;
static volatile u32 *xapic_regs; /* FIX_APIC_BASE_VA in xAPIC mode */
static u32 boot_apic_id;
static u32 timer_counts_per_ms; /* APIC timer counts per ms at divide 16 */

static void (*tick_fn)(void *arg);
static void *tick_arg;

static int set_hz(const char *val, char *why, size_t why_size)
{
	unsigned long long v;

	if (!val || kstrtoull(val, 0, &v)) {
		snprintf(why, why_size,
			 "expected 0 (no timer) or a rate from %u to %u",
			 APIC_HZ_MIN, APIC_HZ_MAX);
		return -EINVAL;
	}
	if (v && (v < APIC_HZ_MIN || v > APIC_HZ_MAX)) {
		unsigned int clamped = v < APIC_HZ_MIN ? APIC_HZ_MIN
						       : APIC_HZ_MAX;

		pr_warn("cmdline: hz=%s: out of range %u-%u; clamped to %u\n",
			val, APIC_HZ_MIN, APIC_HZ_MAX, clamped);
		v = clamped;
	}
	apic_hz = (unsigned int)v;
	return 0;
}
KPARAM("hz", set_hz,
       "timer interrupts per second: 0 (none) or 10-1000 (default 100)");

static int set_nox2apic(const char *val, char *why, size_t why_size)
{
	return kparam_bool(val, &nox2apic, why, why_size);
}
KPARAM("nox2apic", set_nox2apic,
       "drive the local APIC through its xAPIC page even if x2APIC exists");

bool apic_available(void)
{
	return apic_ready;
}

bool apic_x2apic_mode(void)
{
	return use_x2apic;
}

u32 apic_read(u32 reg)
{
	if (use_x2apic)
		return (u32)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
	return xapic_regs[reg / 4];
}

void apic_write(u32 reg, u32 val)
{
	if (use_x2apic)
		wrmsr(X2APIC_MSR_BASE + (reg >> 4), val);
	else
		xapic_regs[reg / 4] = val;
}

u32 apic_id(void)
{
	if (!apic_ready)
		return 0;
	return use_x2apic ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

unsigned int apic_current_cpu(void)
{
	return apic_id() % APIC_MAX_CPUS;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

int apic_wait_icr_idle(void)
{
	u64 start, limit;

	if (use_x2apic)
		return 0;
	start = rdtsc();
	limit = ns_to_cycles(ICR_IDLE_TIMEOUT_US * 1000ULL);
	while (apic_read(APIC_ICR) & APIC_ICR_BUSY) {
		if (rdtsc() - start > limit)
			return -ETIMEDOUT;
		cpu_relax();
	}
	return 0;
}

void apic_icr_write(u32 low, u32 dest)
{
	if (use_x2apic) {
		/* One MSR: destination in the high half, no busy bit. */
		wrmsr(X2APIC_MSR_BASE + (APIC_ICR >> 4),
		      ((u64)dest << 32) | low);
		return;
	}
	/* The write to the low half sends: the destination goes first. */
	apic_write(APIC_ICR2, dest << 24);
	apic_write(APIC_ICR, low);
}

int apic_send_ipi(u32 dest, u32 vector_mode)
{
	unsigned long flags;
	int err;

	if (!apic_ready)
		return -ENODEV;
	local_irq_save(flags);
	err = apic_wait_icr_idle();
	if (!err)
		apic_icr_write(vector_mode, dest);
	local_irq_restore(flags);
	return err;
}

/*
 * The 8259s come out of the BIOS delivering IRQ 0-7 at vectors 8-15,
 * which are exceptions in long mode. Reinitialise both (ICW1-4) with
 * their vectors at 0x30-0x3f, then mask every line.
 */
static void legacy_pic_mask(void)
{
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	outb(PIC1_CMD, 0x11); /* ICW1: init, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, ISA_IRQ_VECTOR(0)); /* ICW2: vector base */
	outb(PIC2_DATA, ISA_IRQ_VECTOR(8));
	outb(PIC1_DATA, 0x04); /* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 0x02); /*       slave identity 2 */
	outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xff); /* OCW1: mask everything */
	outb(PIC2_DATA, 0xff);
}

static void spurious_interrupt(struct pt_regs *regs)
{
	pr_info("spurious APIC interrupt through vector %02x on CPU#%u, should "
		"never happen.\n",
		SPURIOUS_APIC_VECTOR, apic_current_cpu());
}

static void error_interrupt(struct pt_regs *regs)
{
	static const char *const bits[8] = {
		"Send CS error",	   "Receive CS error",
		"Send accept error",	   "Receive accept error",
		"Redirectable IPI",	   "Send illegal vector",
		"Received illegal vector", "Illegal register address",
	};
	u32 esr;
	int i;

	apic_write(APIC_ESR, 0); /* latch the errors into ESR */
	esr = apic_read(APIC_ESR);
	pr_err("APIC error on CPU%u: %02x\n", apic_current_cpu(), esr);
	for (i = 0; i < 8; i++)
		if (esr & (1u << i))
			pr_err("  %s\n", bits[i]);
}

static void timer_interrupt(struct pt_regs *regs)
{
	void (*fn)(void *arg);

	if (apic_id() != boot_apic_id)
		return;
	jiffies++;
	fn = tick_fn;
	if (fn) {
		tick_fn = NULL;
		fn(tick_arg);
	}
}

int tick_call_once(void (*fn)(void *arg), void *arg)
{
	unsigned long flags;
	int err = 0;

	if (!apic_ready || !apic_hz || !timer_counts_per_ms)
		return -ENODEV;
	local_irq_save(flags);
	if (tick_fn) {
		err = -EBUSY;
	} else {
		tick_arg = arg;
		tick_fn = fn;
	}
	local_irq_restore(flags);
	return err;
}

bool tick_call_pending(void)
{
	return tick_fn != NULL;
}

void apic_timer_stop(void)
{
	if (!apic_ready)
		return;
	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, 0);
}

void apic_timer_start(void)
{
	if (!apic_ready || !apic_hz || !timer_counts_per_ms)
		return;
	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, timer_counts_per_ms * 1000 / apic_hz);
}

void apic_cpu_init(void)
{
	u64 base = rdmsr(MSR_IA32_APICBASE);
	u32 maxlvt;

	base |= APICBASE_ENABLE | (use_x2apic ? APICBASE_X2APIC : 0);
	wrmsr(MSR_IA32_APICBASE, base);
	apic_write(APIC_TASKPRI, 0); /* accept every priority */
	apic_write(APIC_SPIV, APIC_SPIV_APIC_ENABLED | SPURIOUS_APIC_VECTOR);
	apic_write(APIC_LVT0, APIC_LVT_MASKED);
	apic_write(APIC_LVT1, APIC_LVT_MASKED);
	maxlvt = (apic_read(APIC_LVR) >> 16) & 0xff;
	if (maxlvt >= 4)
		apic_write(APIC_LVTPC, APIC_LVT_MASKED);
	if (maxlvt >= 5)
		apic_write(APIC_LVTTHMR, APIC_LVT_MASKED);
	apic_write(APIC_LVTERR, ERROR_APIC_VECTOR);
	apic_write(APIC_ESR, 0); /* clear what the firmware left */
	apic_write(APIC_ESR, 0);
	apic_timer_stop();
	apic_timer_start();
}

/* One window: how far the counter falls while the TSC counts @ms. */
static u32 timer_counts_per_ms_once(void)
{
	u64 window = ns_to_cycles(CAL_WINDOW_MS * 1000000ULL), t0, t1;
	u32 c0, c1;

	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, 0xffffffff);
	t0 = rdtsc_ordered();
	c0 = apic_read(APIC_TMCCT);
	while (rdtsc_ordered() - t0 < window)
		cpu_relax();
	c1 = apic_read(APIC_TMCCT);
	t1 = rdtsc_ordered();
	apic_write(APIC_TMICT, 0);
	/* counts * (cycles per ms) / cycles: no overflow below 2^32 counts */
	return (u32)((u64)(c0 - c1) * tsc_khz / (t1 - t0));
}

static void timer_calibrate(void)
{
	u32 w[CAL_WINDOWS], tmp;
	int i, j;

	for (i = 0; i < CAL_WINDOWS; i++) {
		w[i] = timer_counts_per_ms_once();
		for (j = i; j > 0 && w[j - 1] > w[j]; j--) {
			tmp = w[j];
			w[j] = w[j - 1];
			w[j - 1] = tmp;
		}
	}
	timer_counts_per_ms = w[CAL_WINDOWS / 2];
	if (timer_counts_per_ms * 1000ULL / APIC_HZ_MAX == 0) {
		pr_err("apic: timer calibration failed (%u counts/ms); no "
		       "timer\n",
		       timer_counts_per_ms);
		timer_counts_per_ms = 0;
	}
}

/* Step 1: x2APIC or the xAPIC page. Return: 0, or why there is no APIC. */
static int apic_pick_mode(u64 base)
{
	phys_addr_t pa = base & APICBASE_ADDR_MASK;
	int err;

	use_x2apic = (base & APICBASE_X2APIC) ||
		     (boot_cpu.has_x2apic && !nox2apic);
	if (nox2apic && (base & APICBASE_X2APIC))
		pr_warn("apic: the firmware left x2APIC on; nox2apic "
			"ignored\n");
	if (use_x2apic)
		return 0;
	err = map_kernel_page(FIX_APIC_BASE_VA, pa, PAGE_KERNEL_NOCACHE,
			      GFP_KERNEL);
	if (err && err != -EEXIST)
		return err;
	xapic_regs = (volatile u32 *)FIX_APIC_BASE_VA;
	return 0;
}

void apic_init(void)
{
	u32 a, b, c, d;
	u64 base;
	int err;

	cpuid(1, &a, &b, &c, &d);
	if (!(d & (1u << 9))) {
		pr_warn("apic: no local APIC (CPUID.1:EDX bit 9 clear); no "
			"interrupts\n");
		return;
	}
	base = rdmsr(MSR_IA32_APICBASE);
	err = apic_pick_mode(base);
	if (err) {
		pr_err("apic: cannot map the xAPIC page at pa=%#llx (error "
		       "%d); no interrupts\n",
		       (unsigned long long)(base & APICBASE_ADDR_MASK), err);
		return;
	}
	legacy_pic_mask();
	irq_set_handler(SPURIOUS_APIC_VECTOR, spurious_interrupt, "spurious",
			IRQ_ACK_NONE);
	irq_set_handler(ERROR_APIC_VECTOR, error_interrupt, "APIC error",
			IRQ_ACK_EOI);
	irq_set_handler(LOCAL_TIMER_VECTOR, timer_interrupt, "local timer",
			IRQ_ACK_EOI);
	apic_ready = true;
	apic_cpu_init(); /* timer not calibrated yet: stays off */
	boot_apic_id = apic_id();
	if (apic_hz)
		timer_calibrate();
	pr_info("apic: %s, boot CPU APIC ID %u, pa=%#llx, version %#x; 8259 "
		"PICs masked\n",
		use_x2apic ? "x2APIC (MSRs)" : "xAPIC (MMIO, uncached)",
		boot_apic_id, (unsigned long long)(base & APICBASE_ADDR_MASK),
		apic_read(APIC_LVR) & 0xff);
	if (!apic_hz) {
		pr_info("apic: timer off (hz=0)\n");
		return;
	}
	if (!timer_counts_per_ms)
		return;
	pr_info("apic: timer %u.%03u MHz (bus clock / 16, against the TSC), %u "
		"Hz, period %u counts\n",
		timer_counts_per_ms / 1000, timer_counts_per_ms % 1000, apic_hz,
		timer_counts_per_ms * 1000 / apic_hz);
	apic_timer_start();
}
