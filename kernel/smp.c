/*
 * kernel/smp.c: bringing up the application processors, and running
 * functions on other CPUs (see include/kernel/smp.h).
 *
 * Bring-up (smp_init(), on the boot CPU):
 *   1. The CPUs come from the MADT (kernel/acpi.c); the boot CPU is CPU 0
 *      whatever its place there, the others are numbered in table order.
 *      nosmp and maxcpus= cut the list as in Linux.
 *   2. For each AP: a per-CPU area (kernel/percpu.c), a 16 KiB stack from
 *      vmalloc (the unmapped guard page of the area below it is its guard
 *      page; checked), exception stacks for #DF, NMI and #MC, a GDT and a
 *      TSS of its own. The IDT is shared.
 *   3. The trampoline (kernel/trampoline.asm) is copied to TRAMPOLINE_PA,
 *      with page tables of its own after it: the kernel's upper half plus
 *      an identity map of the low 2 MiB, which the AP needs while it turns
 *      paging on at a low address. The kernel's tables never get one.
 *   4. INIT, 10 ms, then STARTUP (SIPI) with vector TRAMPOLINE_PA >> 12,
 *      200 us, and a second SIPI if the AP has not started (Intel SDM
 *      vol. 3, 8.4.4.1 "Typical BSP Initialization Sequence"; the delays
 *      are measured with the TSC). The AP must then call in within
 *      AP_CALLIN_TIMEOUT_MS, or it is reported and left out.
 *      smp_dead_cpu=N plays a dead CPU N for the tests: it gets its INIT
 *      but no STARTUP, so it never answers, like a broken CPU.
 *   5. The AP (ap_entry()) moves to the kernel's page tables, loads its
 *      GDT, TSS, the IDT and its GS base, sets up its local APIC, marks
 *      itself online and idles: interrupts on, hlt, waiting for IPIs.
 *
 * Function calls (smp_call_function_*): as Linux's kernel/smp.c, a call
 * is a struct call_single_data (csd) pushed on the target CPU's lock-free
 * call queue, then an IPI (CALL_FUNCTION_SINGLE_VECTOR); the handler pops
 * the whole queue, runs each function and clears the csd's lock flag,
 * which is what a waiting caller spins on.
 */
#include <arch/x86.h>
#include <kernel/acpi.h>
#include <kernel/apic.h>
#include <kernel/cmdline.h>
#include <kernel/irq.h>
#include <kernel/irqflags.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/stack.h>
#include <kernel/traps.h>
#include <kernel/tsc.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/layout.h>
#include <mm/memblock.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>

#define AP_STACK_SIZE	     (16UL << 10)
#define AP_IST_SIZE	     (8UL << 10)
#define AP_NR_IST	     3 /* #DF, NMI, #MC, as the boot CPU's */
#define AP_CALLIN_TIMEOUT_MS 2000
#define INIT_DELAY_US	     10000 /* SDM: 10 ms after INIT */
#define SIPI_DELAY_US	     200   /* SDM: 200 us after each SIPI */
#define STOP_TIMEOUT_US	     10000

struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

/* kernel/trampoline.asm's parameter block. */
struct trampoline_params {
	u32 cr3, cr4, efer, cpu;
	u64 stack, entry;
	u8 stage; /* 1: real mode, 2: protected mode, 3: long mode */
} __packed;

struct ap_boot {
	u64 gdt[5] __aligned(16);
	struct tss64 tss __aligned(16);
	void *stack; /* its bottom; the guard page is below */
	void *ist[AP_NR_IST];
};

extern const char trampoline_start[], trampoline_end[];
extern const char trampoline_params[];

struct cpumask cpu_online_mask = { 1 }; /* the boot CPU */
unsigned int nr_cpu_ids = 1;

static u32 apic_ids[CONFIG_NR_CPUS];
static struct ap_boot *ap_boot[CONFIG_NR_CPUS];
static struct desc_ptr boot_idt;
static u64 boot_cr4;
static unsigned int max_cpus = CONFIG_NR_CPUS;
static bool nosmp;

static int set_nosmp(const char *val, char *why, size_t why_size)
{
	if (val) {
		snprintf(why, why_size, "takes no value");
		return -EINVAL;
	}
	nosmp = true;
	return 0;
}
KPARAM("nosmp", set_nosmp, "run on the boot CPU only (as Linux)");

static int set_maxcpus(const char *val, char *why, size_t why_size)
{
	unsigned long v;
	int err = kparam_ulong(val, 0, ~0UL, &v, why, why_size);

	if (err)
		return err;
	max_cpus = v > CONFIG_NR_CPUS ? CONFIG_NR_CPUS : (unsigned int)v;
	return 0;
}
KPARAM("maxcpus", set_maxcpus,
       "bring up at most N CPUs at boot, the boot CPU included; 0 = nosmp (as "
       "Linux)");

/* A CPU that is sent INIT but no SIPI: it stays in wait-for-SIPI. */
static unsigned int dead_cpu;

static int set_dead_cpu(const char *val, char *why, size_t why_size)
{
	unsigned long v;
	int err = kparam_ulong(val, 1, CONFIG_NR_CPUS - 1, &v, why, why_size);

	if (err)
		return err;
	dead_cpu = (unsigned int)v;
	return 0;
}
KPARAM("smp_dead_cpu", set_dead_cpu,
       "for tests: send CPU N (1 and up) INIT but no STARTUP, so that it "
       "never answers and boot must go on without it");

u32 cpu_apic_id(unsigned int cpu)
{
	return cpu < nr_cpu_ids ? apic_ids[cpu] : ~0u;
}

/* ---- the CPUs' own tables ------------------------------------------------ */

static void set_tss_descriptor(u64 *slot, const struct tss64 *t)
{
	u64 base = (u64)t, limit = sizeof(*t) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		  (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
		  (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

static void load_gdt_tss(struct ap_boot *b)
{
	struct desc_ptr p = { sizeof(b->gdt) - 1, (u64)b->gdt };

	lgdt(&p);
	__asm__ __volatile__("pushq %0\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\n\t"
			     "movw %1, %%ax\n\t"
			     "movw %%ax, %%ds\n\t"
			     "movw %%ax, %%es\n\t"
			     "movw %%ax, %%ss\n\t"
			     :
			     : "i"(KERNEL_CS), "i"(KERNEL_DS)
			     : "rax", "memory");
	ltr(TSS_SEL);
}

/* ---- the AP's side ------------------------------------------------------- */

static volatile int ap_callin;

/* ---- work in task context ------------------------------------------------ */

struct cpu_work {
	struct cpu_work *next;
	smp_call_func_t func;
	void *info;
	u32 done;
};

/* Work queued for each CPU's idle loop (only its own IPI handler pushes). */
DEFINE_PER_CPU(struct cpu_work *, work_queue);

/* Interrupts off (the idle loop, or an IPI handler). */
static bool run_queued_work(void)
{
	struct cpu_work *w = this_cpu_read(work_queue);

	if (!w)
		return false;
	this_cpu_write(work_queue, w->next);
	local_irq_enable();
	w->func(w->info);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	local_irq_disable();
	return true;
}

/* The IPI: queue the work on this CPU, for its idle loop. */
static void queue_work_here(void *info)
{
	struct cpu_work *w = info;

	w->next = this_cpu_read(work_queue);
	this_cpu_write(work_queue, w);
}

/* A caller's work items, one per target (no allocation: memory may be short). */
DEFINE_PER_CPU(struct cpu_work, cpu_works[CONFIG_NR_CPUS]);
DEFINE_PER_CPU(bool, cpu_works_busy);

int schedule_on_each_cpu(smp_call_func_t func, void *info)
{
	unsigned int cpu, self = smp_processor_id();
	struct cpu_work *works = this_cpu_ptr(&cpu_works[0]);

	might_sleep();
	if (WARN(this_cpu_read(cpu_works_busy), "schedule_on_each_cpu() from a "
						"function it runs"))
		return -EBUSY;
	this_cpu_write(cpu_works_busy, true);
	for_each_online_cpu(cpu)
	{
		if (cpu == self)
			continue;
		works[cpu] = (struct cpu_work){ .func = func, .info = info };
		smp_call_function_single(cpu, queue_work_here, &works[cpu],
					 true);
	}
	func(info);
	for_each_online_cpu(cpu) if (cpu != self) while (!__atomic_load_n(
		&works[cpu].done, __ATOMIC_ACQUIRE)) cpu_relax();
	this_cpu_write(cpu_works_busy, false);
	return 0;
}

void ap_entry(unsigned int cpu);
void __noreturn ap_entry(unsigned int cpu)
{
	/* Off the trampoline's tables, onto the kernel's. */
	write_cr3(kernel_pgd_pa);
	write_cr4(boot_cr4);
	load_gdt_tss(ap_boot[cpu]);
	lidt(&boot_idt);
	percpu_load_gs(cpu);
	apic_cpu_init();

	__atomic_or_fetch(&cpu_online_mask.bits, 1ULL << cpu, __ATOMIC_SEQ_CST);
	WRITE_ONCE(ap_callin, 1);
	/*
	 * Idle: an IPI wakes us, the handler runs, and we sleep again; work
	 * queued for this CPU (schedule_on_each_cpu()) runs here, in task
	 * context with interrupts on. The queue is tested with interrupts
	 * off and `sti; hlt` is one step (the sti shadow), so an IPI that
	 * queues work after the test still ends the hlt.
	 */
	for (;;) {
		if (run_queued_work())
			continue;
		__asm__ __volatile__("sti; hlt; cli" ::: "memory");
	}
}

/* ---- the boot CPU's side --------------------------------------------------- */

static bool trampoline_ram_ok(void)
{
	phys_addr_t pa;

	for (pa = TRAMPOLINE_PA;
	     pa < TRAMPOLINE_PA + TRAMPOLINE_PAGES * PAGE_SIZE;
	     pa += PAGE_SIZE) {
		size_t i;
		bool usable = false;

		for (i = 0; i < boot_info.nr_map; i++)
			if (boot_info.map[i].type == MEM_USABLE &&
			    boot_info.map[i].start <= pa &&
			    boot_info.map[i].end >= pa + PAGE_SIZE)
				usable = true;
		/* It must also be RAM the direct map covers, and reserved. */
		if (!usable || !memblock_is_memory(pa) ||
		    !memblock_is_reserved(pa))
			return false;
	}
	return true;
}

/* Copy the code, and build its tables: PML4, PDPT, PD after it. */
static void trampoline_setup(void)
{
	u8 *base = __va(TRAMPOLINE_PA);
	u64 *pml4 = __va(TRAMPOLINE_PA + PAGE_SIZE);
	u64 *pdpt = __va(TRAMPOLINE_PA + 2 * PAGE_SIZE);
	u64 *pd = __va(TRAMPOLINE_PA + 3 * PAGE_SIZE);
	unsigned int i;

	memset(base, 0, TRAMPOLINE_PAGES * PAGE_SIZE);
	memcpy(base, trampoline_start,
	       (size_t)(trampoline_end - trampoline_start));
	/* The upper half again before each SIPI (a new stack may need a new
	 * PML4 entry): see wakeup_ap(). */
	for (i = PTRS_PER_TABLE / 2; i < PTRS_PER_TABLE; i++)
		pml4[i] = kernel_pgd[i];
	pml4[0] = (TRAMPOLINE_PA + 2 * PAGE_SIZE) | _PAGE_PRESENT | _PAGE_RW;
	pdpt[0] = (TRAMPOLINE_PA + 3 * PAGE_SIZE) | _PAGE_PRESENT | _PAGE_RW;
	pd[0] = 0 | _PAGE_PRESENT | _PAGE_RW |
		_PAGE_PSE; /* 0-2 MiB, executable */
}

static struct trampoline_params *tparams(void)
{
	return (struct trampoline_params *)__va(
		TRAMPOLINE_PA +
		(unsigned long)(trampoline_params - trampoline_start));
}

static void *alloc_ist(void)
{
	struct page *p = alloc_pages(GFP_KERNEL, 1);

	return p ? page_address(p) : NULL;
}

static int ap_prepare(unsigned int cpu)
{
	struct ap_boot *b = kzalloc(sizeof(*b), GFP_KERNEL);
	enum pg_level level;
	unsigned int i;

	if (!b)
		return -ENOMEM;
	b->stack = vmalloc(AP_STACK_SIZE);
	if (!b->stack)
		return -ENOMEM;
	/* The guard: the page below the area is another area's guard page or
	 * the gap before VMALLOC_START; either way, unmapped. */
	if (lookup_address((unsigned long)b->stack - PAGE_SIZE, &level))
		pr_warn("smp: CPU%u's stack at %p has a mapped page below it: "
			"no guard\n",
			cpu, b->stack);
	for (i = 0; i < AP_NR_IST; i++) {
		b->ist[i] = alloc_ist();
		if (!b->ist[i])
			return -ENOMEM;
		b->tss.ist[i] = (u64)b->ist[i] + AP_IST_SIZE;
	}
	b->tss.iomap_base = sizeof(b->tss);
	/* For the backtrace walker. */
	stack_add_range((unsigned long)b->stack,
			(unsigned long)b->stack + AP_STACK_SIZE);
	for (i = 0; i < AP_NR_IST; i++)
		stack_add_range((unsigned long)b->ist[i],
				(unsigned long)b->ist[i] + AP_IST_SIZE);
	b->gdt[1] = 0x00af9a000000ffffULL; /* KERNEL_CS */
	b->gdt[2] = 0x00cf92000000ffffULL; /* KERNEL_DS */
	set_tss_descriptor(&b->gdt[3], &b->tss);
	ap_boot[cpu] = b;
	return 0;
}

static bool wait_callin(u64 us)
{
	u64 end = tsc_read() + ns_to_cycles(us * 1000);

	while (!READ_ONCE(ap_callin)) {
		if (tsc_read() > end)
			return false;
		cpu_relax();
	}
	return true;
}

/* INIT-SIPI-SIPI, as the SDM's typical BSP sequence. */
static int wakeup_ap(unsigned int cpu)
{
	struct trampoline_params *tp = tparams();
	u32 id = apic_ids[cpu];
	u32 sipi = APIC_DM_STARTUP | (u32)(TRAMPOLINE_PA >> 12);

	u64 *pml4 = __va(TRAMPOLINE_PA + PAGE_SIZE);
	unsigned int i;

	for (i = PTRS_PER_TABLE / 2; i < PTRS_PER_TABLE; i++)
		pml4[i] = kernel_pgd[i];
	tp->cr3 = (u32)(TRAMPOLINE_PA + PAGE_SIZE);
	tp->cr4 = (u32)(boot_cr4 & ((1u << 5) | X86_CR4_PGE)); /* PAE, PGE */
	tp->efer =
		(u32)(rdmsr(MSR_EFER) & ((1u << 8) | EFER_NXE)); /* LME, NXE */
	tp->cpu = cpu;
	tp->stack = (u64)ap_boot[cpu]->stack + AP_STACK_SIZE;
	tp->entry = (u64)ap_entry;
	WRITE_ONCE(tp->stage, 0);
	WRITE_ONCE(ap_callin, 0);
	barrier();

	if (apic_send_ipi(id,
			  APIC_DM_INIT | APIC_INT_LEVELTRIG | APIC_INT_ASSERT))
		return -EIO;
	tsc_delay_us(INIT_DELAY_US);
	if (apic_send_ipi(id, APIC_DM_INIT | APIC_INT_LEVELTRIG)) /* deassert */
		return -EIO;
	/* smp_dead_cpu=: the STARTUPs are "lost", the CPU never starts */
	if (cpu != dead_cpu && apic_send_ipi(id, sipi))
		return -EIO;
	tsc_delay_us(SIPI_DELAY_US);
	if (cpu != dead_cpu && !READ_ONCE(tp->stage) && apic_send_ipi(id, sipi))
		return -EIO;
	tsc_delay_us(SIPI_DELAY_US);
	if (!wait_callin(AP_CALLIN_TIMEOUT_MS * 1000ULL))
		return -ETIMEDOUT;
	return 0;
}

static void call_function_interrupt(struct pt_regs *regs);
static void stop_this_cpu(struct pt_regs *regs);

unsigned int smp_possible_cpus(void)
{
	unsigned int n = acpi_info.nr_cpus ? acpi_info.nr_cpus : 1;

	if (nosmp || max_cpus == 0)
		return 1;
	return MIN(MIN(n, max_cpus), (unsigned int)CONFIG_NR_CPUS);
}

void smp_init(void)
{
	unsigned int cpu, i, want, up = 1;
	u32 self = apic_id();
	char line[128];
	size_t len = 0;

	pr_info("smp: Bringing up secondary CPUs ...\n");
	apic_ids[0] = self;
	/* The list: the boot CPU first, then the MADT's other enabled CPUs. */
	for (i = 0; i < acpi_info.nr_cpus && nr_cpu_ids < CONFIG_NR_CPUS; i++)
		if (acpi_info.cpus[i].apic_id != self)
			apic_ids[nr_cpu_ids++] = acpi_info.cpus[i].apic_id;
	if (acpi_info.nr_cpus && nr_cpu_ids == acpi_info.nr_cpus + 1)
		pr_warn("smp: the boot CPU (APIC ID %#x) is not in the MADT\n",
			self);
	if (irq_set_handler(CALL_FUNCTION_SINGLE_VECTOR,
			    call_function_interrupt, "Function call interrupts",
			    IRQ_ACK_EOI) ||
	    irq_set_handler(REBOOT_VECTOR, stop_this_cpu, "Stop interrupts",
			    IRQ_ACK_NONE))
		pr_err("smp: cannot claim the call-function and stop "
		       "vectors\n");

	want = nr_cpu_ids;
	if (nosmp || max_cpus == 0)
		want = 1;
	else if (max_cpus < want)
		want = max_cpus;
	if (want > 1 && !apic_available()) {
		pr_warn("smp: no local APIC; staying on one CPU\n");
		want = 1;
	}
	if (want > 1 && !trampoline_ram_ok()) {
		pr_warn("smp: [mem %#lx-%#lx] is not usable reserved RAM; no "
			"room for the AP trampoline, staying on one CPU\n",
			TRAMPOLINE_PA,
			TRAMPOLINE_PA + TRAMPOLINE_PAGES * PAGE_SIZE - 1);
		want = 1;
	}
	if (want > percpu_nr_areas())
		want = percpu_nr_areas(); /* setup_per_cpu_areas() ran short */

	if (want > 1) {
		__asm__ __volatile__("sidt %0" : "=m"(boot_idt));
		boot_cr4 = read_cr4();
		trampoline_setup();
		pr_info("x86: Booting SMP configuration:\n");
		len = (size_t)snprintf(line, sizeof(line),
				       ".... node  #0, CPUs:    ");
	}
	for (cpu = 1; cpu < want; cpu++) {
		int err = ap_prepare(cpu);

		if (!err)
			err = wakeup_ap(cpu);
		if (err) {
			pr_err("smp: CPU%u (APIC ID %#x) did not come up "
			       "(error %d, trampoline stage %u); going on "
			       "without it\n",
			       cpu, apic_ids[cpu], err,
			       READ_ONCE(tparams()->stage));
			continue;
		}
		up++;
		if (len + 8 >= sizeof(line)) {
			pr_info("%s\n", line);
			len = (size_t)snprintf(line, sizeof(line),
					       "                       ");
		}
		len += (size_t)snprintf(line + len, sizeof(line) - len, " #%u",
					cpu);
	}
	if (want > 1)
		pr_info("%s\n", line);
	pr_info("smp: Brought up 1 node, %u CPU%s\n", up, up > 1 ? "s" : "");
}

/* ---- function calls ---------------------------------------------------------- */

#define CSD_FLAG_LOCK 1u

struct call_single_data {
	struct call_single_data *next;
	smp_call_func_t func;
	void *info;
	u32 flags;
};

/* Each CPU's queue of calls to run, newest first. */
DEFINE_PER_CPU(struct call_single_data *, call_queue);
/* A caller's csds: one per target, reused once the target is done. */
DEFINE_PER_CPU(struct call_single_data, csd_data[CONFIG_NR_CPUS]);
DEFINE_PER_CPU(unsigned long, nr_call_ipis);

unsigned long smp_ipis_handled(unsigned int cpu)
{
	return cpu < CONFIG_NR_CPUS ? per_cpu(nr_call_ipis, cpu) : 0;
}

static void csd_wait(struct call_single_data *csd)
{
	while (__atomic_load_n(&csd->flags, __ATOMIC_ACQUIRE) & CSD_FLAG_LOCK)
		cpu_relax();
}

/* Queue @csd on @cpu; an IPI only when the queue was empty. */
static void csd_queue(unsigned int cpu, struct call_single_data *csd)
{
	struct call_single_data **head = per_cpu_ptr(&call_queue, cpu);
	struct call_single_data *old = __atomic_load_n(head, __ATOMIC_RELAXED);

	do {
		csd->next = old;
	} while (!__atomic_compare_exchange_n(
		head, &old, csd, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
	if (!old)
		apic_send_ipi(apic_ids[cpu], CALL_FUNCTION_SINGLE_VECTOR);
}

/* Run this CPU's queue, oldest call first. */
static void flush_call_queue(void)
{
	struct call_single_data *list, *rev = NULL, *next;

	list = __atomic_exchange_n(this_cpu_ptr(&call_queue), NULL,
				   __ATOMIC_ACQUIRE);
	while (list) {
		next = list->next;
		list->next = rev;
		rev = list;
		list = next;
	}
	for (; rev; rev = next) {
		smp_call_func_t func = rev->func;
		void *info = rev->info;

		next = rev->next;
		func(info);
		/* After this store the caller may reuse or drop the csd. */
		__atomic_and_fetch(&rev->flags, ~CSD_FLAG_LOCK,
				   __ATOMIC_RELEASE);
	}
}

static void call_function_interrupt(struct pt_regs *regs)
{
	(void)regs;
	this_cpu_inc(nr_call_ipis);
	flush_call_queue();
}

static struct call_single_data *csd_get(unsigned int cpu)
{
	struct call_single_data *csd = this_cpu_ptr(&csd_data[0]) + cpu;

	csd_wait(csd); /* a no-wait call to @cpu may still be queued */
	csd->flags = CSD_FLAG_LOCK;
	return csd;
}

int smp_call_function_single(unsigned int cpu, smp_call_func_t func, void *info,
			     bool wait)
{
	struct call_single_data *csd;
	unsigned long flags;

	if (cpu == smp_processor_id()) {
		local_irq_save(flags);
		func(info);
		local_irq_restore(flags);
		return 0;
	}
	if (!cpu_online(cpu))
		return -ENXIO;
	WARN_ON(irqs_disabled());
	csd = csd_get(cpu);
	csd->func = func;
	csd->info = info;
	csd_queue(cpu, csd);
	if (wait)
		csd_wait(csd);
	return 0;
}

static void call_many_queue(const struct cpumask *mask, smp_call_func_t func,
			    void *info)
{
	unsigned int cpu, self = smp_processor_id();

	for_each_online_cpu(cpu)
	{
		struct call_single_data *csd;

		if (cpu == self || !cpumask_test_cpu(cpu, mask))
			continue;
		csd = csd_get(cpu);
		csd->func = func;
		csd->info = info;
		csd_queue(cpu, csd);
	}
}

static void call_many_wait(const struct cpumask *mask)
{
	unsigned int cpu, self = smp_processor_id();

	for_each_online_cpu(cpu) if (cpu != self && cpumask_test_cpu(cpu, mask))
		csd_wait(this_cpu_ptr(&csd_data[0]) + cpu);
}

void smp_call_function_many(const struct cpumask *mask, smp_call_func_t func,
			    void *info, bool wait)
{
	WARN_ON(irqs_disabled());
	call_many_queue(mask, func, info);
	if (wait)
		call_many_wait(mask);
}

/* As Linux: the others are asked first, then the caller runs its own. */
void on_each_cpu(smp_call_func_t func, void *info, bool wait)
{
	unsigned long flags;

	WARN_ON(irqs_disabled());
	call_many_queue(&cpu_online_mask, func, info);
	local_irq_save(flags);
	func(info);
	local_irq_restore(flags);
	if (wait)
		call_many_wait(&cpu_online_mask);
}

/* ---- stopping the others (panic, oops) ------------------------------------ */

static int stopping;

bool smp_stopping(void)
{
	return __atomic_load_n(&stopping, __ATOMIC_ACQUIRE) != 0;
}

void __noreturn smp_stop_this_cpu(void)
{
	__atomic_and_fetch(&cpu_online_mask.bits, ~(1ULL << smp_processor_id()),
			   __ATOMIC_SEQ_CST);
	for (;;)
		__asm__ __volatile__("cli; hlt" ::: "memory");
}

static void stop_this_cpu(struct pt_regs *regs)
{
	(void)regs;
	smp_stop_this_cpu();
}

static bool others_stopped(u64 us)
{
	u64 end = tsc_read() + ns_to_cycles(us * 1000);

	while (num_online_cpus() > 1 && tsc_read() < end)
		cpu_relax();
	return num_online_cpus() <= 1;
}

/*
 * As Linux's native_stop_other_cpus(): the stop IPI first; a CPU that does
 * not answer within 10 ms (spinning with interrupts off, say) gets an NMI,
 * which trap_handler() turns into smp_stop_this_cpu() while stopping.
 */
void smp_send_stop(void)
{
	unsigned int cpu, self = smp_processor_id();

	if (num_online_cpus() <= 1 ||
	    __atomic_exchange_n(&stopping, 1, __ATOMIC_SEQ_CST))
		return;
	for_each_online_cpu(cpu) if (cpu != self)
		apic_send_ipi(apic_ids[cpu], REBOOT_VECTOR);
	if (others_stopped(STOP_TIMEOUT_US))
		return;
	for_each_online_cpu(cpu) if (cpu != self)
		apic_send_ipi(apic_ids[cpu], APIC_DM_NMI);
	if (!others_stopped(STOP_TIMEOUT_US))
		console_print("smp: %u CPU(s) did not stop\n",
			      num_online_cpus() - 1);
}

/* ---- the monitor's cpus -------------------------------------------------------- */

/* Online CPUs and their APIC IDs, then interrupts per CPU as /proc/interrupts. */
static int cmd_cpus(int argc, char **argv)
{
	unsigned int cpu, vec;

	(void)argc;
	(void)argv;
	console_print("%u CPU(s) online of %u known (CONFIG_NR_CPUS %d); "
		      "commands run on CPU%u\n",
		      num_online_cpus(), nr_cpu_ids, CONFIG_NR_CPUS,
		      smp_processor_id());
	console_print("CPU  APIC ID  state\n");
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		console_print("%3u  %#7x  %s\n", cpu, apic_ids[cpu],
			      cpu_online(cpu) ? (cpu == smp_processor_id()
							 ? "online, running "
							   "this monitor"
							 : "online, idle (hlt)")
					      : "offline");
	console_print("     ");
	for_each_online_cpu(cpu)
	{
		char name[16];

		snprintf(name, sizeof(name), "CPU%u", cpu);
		console_print(" %10s", name);
	}
	console_print("\n");
	for (vec = FIRST_EXTERNAL_VECTOR; vec < NR_VECTORS; vec++) {
		unsigned long sum = 0;

		for_each_online_cpu(cpu) sum += irq_count_cpu(cpu, vec);
		if (!sum && !irq_vector_name(vec))
			continue;
		console_print("%4u:", vec);
		for_each_online_cpu(cpu)
			console_print(" %10lu", irq_count_cpu(cpu, vec));
		console_print("   %s\n", irq_vector_name(vec)
						 ? irq_vector_name(vec)
						 : "(no handler)");
	}
	return 0;
}
MONITOR_CMD("cpus", cmd_cpus, 0, 0, "cpus",
	    "online CPUs, their APIC IDs, and interrupts per CPU (as "
	    "/proc/interrupts)");
