/*
 * kernel/traps.c: the GDT and TSS, the IDT, and what happens on a fault.
 *
 * kvlab's own GDT (in the higher half, so it survives the removal of the
 * boot identity map) has a 64-bit code segment, a data segment and a TSS
 * whose interrupt stack table gives #DF, NMI and #MC their own stacks: a
 * kernel stack overflow faults on the guard page, the CPU cannot push the
 * #PF frame on the same stack, and the resulting #DF still has a good stack
 * to report it from.
 *
 * Vectors 32-255 are interrupts: their gates lead to kernel/irq.c.
 *
 * A fault in a probe (include/kernel/fixup.h) resumes at its fixup. Any
 * other exception is fatal: trap_handler() prints an oops in the shape of
 * Linux's (decoded #PF error code, CR2, registers, symbolized backtrace)
 * and exits QEMU with EXIT_PANIC, so the kernel never hangs or reboots.
 */
#include <arch/x86.h>
#include <kernel/backtrace.h>
#include <kernel/exit.h>
#include <kernel/fixup.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/stack.h>
#include <kernel/traps.h>
#include <lib/printf.h>
#include <lib/string.h>

#define MAX_FAULT_NOTES 4

struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7]; /* ist[0] is IST1 */
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct idt_gate {
	u16 offset_low;
	u16 selector;
	u8 ist;
	u8 type_attr; /* 0x8e: present, DPL 0, 64-bit interrupt gate */
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __packed;

_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate is 16 bytes");
_Static_assert(sizeof(struct tss64) == 104, "TSS is 104 bytes");

static u64 gdt[5] __aligned(16);
static struct tss64 tss __aligned(16);
static struct idt_gate idt[NR_VECTORS] __aligned(16);

extern const unsigned long trap_stub_table[NR_EXCEPTIONS];
extern const unsigned long irq_stub_table[NR_VECTORS - NR_EXCEPTIONS];
extern const struct exception_table_entry __start_ex_table[];
extern const struct exception_table_entry __stop_ex_table[];
extern char probe_exec_fixup[];
extern unsigned long probe_exec_target;

struct fault_record last_fault;

static fault_note_fn fault_notes[MAX_FAULT_NOTES];
static int nr_oopses;

static const char *const trap_names[NR_EXCEPTIONS] = {
	[X86_TRAP_DE] = "divide error",
	[X86_TRAP_DB] = "debug",
	[X86_TRAP_NMI] = "NMI",
	[X86_TRAP_BP] = "int3",
	[X86_TRAP_OF] = "overflow",
	[X86_TRAP_BR] = "bounds",
	[X86_TRAP_UD] = "invalid opcode",
	[X86_TRAP_NM] = "device not available",
	[X86_TRAP_DF] = "double fault",
	[X86_TRAP_OLD_MF] = "coprocessor segment overrun",
	[X86_TRAP_TS] = "invalid TSS",
	[X86_TRAP_NP] = "segment not present",
	[X86_TRAP_SS] = "stack segment",
	[X86_TRAP_GP] = "general protection fault",
	[X86_TRAP_PF] = "page fault",
	[X86_TRAP_SPURIOUS] = "spurious interrupt",
	[X86_TRAP_MF] = "coprocessor error",
	[X86_TRAP_AC] = "alignment check",
	[X86_TRAP_MC] = "machine check",
	[X86_TRAP_XF] = "SIMD exception",
	[X86_TRAP_VE] = "virtualization exception",
	[X86_TRAP_CP] = "control protection fault",
	[28] = "hypervisor injection",
	[29] = "VMM communication",
	[30] = "security exception",
};

const char *trap_name(unsigned int vector)
{
	if (vector < NR_EXCEPTIONS && trap_names[vector])
		return trap_names[vector];
	return "reserved exception";
}

void traps_add_fault_note(fault_note_fn fn)
{
	int i;

	for (i = 0; i < MAX_FAULT_NOTES; i++) {
		if (!fault_notes[i]) {
			fault_notes[i] = fn;
			return;
		}
	}
	pr_warn("traps: no room for another fault note\n");
}

bool fault_note(unsigned long addr, char *buf, size_t size)
{
	int i;

	for (i = 0; i < MAX_FAULT_NOTES && fault_notes[i]; i++)
		if (fault_notes[i](addr, buf, size))
			return true;
	return false;
}

/* A TSS descriptor is 16 bytes: two GDT slots. */
static void set_tss_descriptor(u64 *slot, const struct tss64 *t)
{
	u64 base = (u64)t, limit = sizeof(*t) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		  (0x89ULL << 40) /* present, 64-bit TSS (available) */ |
		  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

static void load_gdt(void)
{
	struct desc_ptr p = { sizeof(gdt) - 1, (u64)gdt };

	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffULL; /* KERNEL_CS: 64-bit code, DPL 0 */
	gdt[2] = 0x00cf92000000ffffULL; /* KERNEL_DS */
	set_tss_descriptor(&gdt[3], &tss);
	lgdt(&p);
	/* Reload CS with a far return, then the data segments. */
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

static void set_gate(unsigned int vec, unsigned long handler, u8 ist)
{
	idt[vec].offset_low = handler & 0xffff;
	idt[vec].selector = KERNEL_CS;
	idt[vec].ist = ist;
	idt[vec].type_attr = 0x8e;
	idt[vec].offset_mid = (handler >> 16) & 0xffff;
	idt[vec].offset_high = (u32)(handler >> 32);
	idt[vec].reserved = 0;
}

void traps_init(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (u64)idt };
	unsigned int v;
	int i;

	for (i = 0; i < NR_IST_STACKS; i++)
		tss.ist[i] = ist_stack_top(i);
	tss.iomap_base = sizeof(tss); /* no I/O bitmap */
	load_gdt();

	for (v = 0; v < NR_EXCEPTIONS; v++)
		set_gate(v, trap_stub_table[v], 0);
	for (v = NR_EXCEPTIONS; v < NR_VECTORS; v++)
		set_gate(v, irq_stub_table[v - NR_EXCEPTIONS], 0);
	idt[X86_TRAP_DF].ist = 1;
	idt[X86_TRAP_NMI].ist = 2;
	idt[X86_TRAP_MC].ist = 3;
	lidt(&p);
}

static const struct exception_table_entry *search_extable(unsigned long rip)
{
	const struct exception_table_entry *e;

	for (e = __start_ex_table; e < __stop_ex_table; e++)
		if (e->insn == rip)
			return e;
	return NULL;
}

static void record_fault(const struct pt_regs *regs, unsigned long addr)
{
	last_fault.vector = regs->vector;
	last_fault.error_code = regs->error_code;
	last_fault.addr = addr;
	last_fault.rip = regs->rip;
	last_fault.count++;
	last_fault.note[0] = '\0';
	if (regs->vector == X86_TRAP_PF)
		fault_note(addr, last_fault.note, sizeof(last_fault.note));
}

bool fixup_exception(struct pt_regs *regs, unsigned long addr)
{
	const struct exception_table_entry *e = search_extable(regs->rip);

	if (e) {
		record_fault(regs, addr);
		regs->rip = e->fixup;
		return true;
	}
	/* probe_exec: the fault is on fetching the target itself. */
	if (probe_exec_target && regs->rip == probe_exec_target) {
		record_fault(regs, addr);
		regs->rip = (unsigned long)probe_exec_fixup;
		regs->rsp += 8; /* drop the return address of the call */
		return true;
	}
	return false;
}

static void show_pf(const struct pt_regs *regs, unsigned long cr2)
{
	unsigned long ec = regs->error_code;
	char note[192];

	printk(KERN_ALERT "BUG: unable to handle page fault for address: "
			  "%016lx\n",
	       cr2);
	printk(KERN_ALERT "#PF: supervisor %s in %s mode\n",
	       (ec & X86_PF_INSTR)   ? "instruction fetch"
	       : (ec & X86_PF_WRITE) ? "write access"
				     : "read access",
	       (ec & X86_PF_USER) ? "user" : "kernel");
	printk(KERN_ALERT "#PF: error_code(0x%04lx) - %s\n", ec,
	       !(ec & X86_PF_PROT)   ? "not-present page"
	       : (ec & X86_PF_RSVD)  ? "reserved bit violation"
	       : (ec & X86_PF_INSTR) ? "permissions violation (no-execute)"
	       : (ec & X86_PF_WRITE) ? "permissions violation (read-only)"
				     : "permissions violation");
	if (cr2 < 4096)
		printk(KERN_ALERT "#PF: this is a NULL pointer dereference\n");
	if (fault_note(cr2, note, sizeof(note)))
		printk(KERN_ALERT "%s\n", note);
}

/*
 * A double fault is a fault while delivering a fault. The usual cause is a
 * kernel stack overflow: the push onto the guard page below the stack
 * faults, and so does pushing that #PF's frame. CR2 still holds the guard
 * page address.
 */
static void show_df(unsigned long cr2)
{
	if (in_boot_stack_guard(cr2))
		printk(KERN_ALERT "double fault: kernel stack overflow: CR2 "
				  "%#lx is in the guard page below the stack "
				  "(%#lx-%#lx)\n",
		       cr2, (unsigned long)boot_stack_bottom,
		       (unsigned long)boot_stack_top - 1);
	else
		printk(KERN_ALERT "double fault: a fault while delivering a "
				  "fault (CR2 %#lx)\n",
		       cr2);
}

static void show_regs(const struct pt_regs *regs)
{
	char sym[160];

	sprint_symbol(sym, sizeof(sym), regs->rip);
	printk(KERN_ALERT "RIP: %04lx:%s\n", regs->cs, sym);
	printk(KERN_ALERT "RSP: %04lx:%016lx EFLAGS: %08lx\n", regs->ss,
	       regs->rsp, regs->rflags);
	printk(KERN_ALERT "RAX: %016lx RBX: %016lx RCX: %016lx\n", regs->rax,
	       regs->rbx, regs->rcx);
	printk(KERN_ALERT "RDX: %016lx RSI: %016lx RDI: %016lx\n", regs->rdx,
	       regs->rsi, regs->rdi);
	printk(KERN_ALERT "RBP: %016lx R08: %016lx R09: %016lx\n", regs->rbp,
	       regs->r8, regs->r9);
	printk(KERN_ALERT "R10: %016lx R11: %016lx R12: %016lx\n", regs->r10,
	       regs->r11, regs->r12);
	printk(KERN_ALERT "R13: %016lx R14: %016lx R15: %016lx\n", regs->r13,
	       regs->r14, regs->r15);
	printk(KERN_ALERT "CR2: %016lx CR3: %016lx CR4: %016lx\n", read_cr2(),
	       read_cr3(), read_cr4());
}

/* Called from trap_common with interrupts off. */
void trap_handler(struct pt_regs *regs);
void trap_handler(struct pt_regs *regs)
{
	unsigned long cr2 = read_cr2();

	if (regs->vector != X86_TRAP_DF && fixup_exception(regs, cr2))
		return;

	/* An NMI from smp_send_stop(): another CPU is panicking. */
	if (regs->vector == X86_TRAP_NMI && smp_stopping())
		smp_stop_this_cpu();
	if (__atomic_fetch_add(&nr_oopses, 1, __ATOMIC_SEQ_CST)) {
		/* A fault while reporting a fault: say so and stop. */
		console_print("kvlab: %s (#%lu) while handling an oops, "
			      "rip=%#lx\n",
			      trap_name((unsigned int)regs->vector),
			      regs->vector, regs->rip);
		qemu_exit(EXIT_PANIC);
	}
	smp_send_stop(); /* the others halt: one report, not interleaved */
	/* An oops is always shown, whatever loglevel= says. */
	console_loglevel = 8;
	if (regs->vector == X86_TRAP_PF)
		show_pf(regs, cr2);
	printk(KERN_ALERT "%s: %04lx [#1] (vector %lu)\n",
	       regs->vector == X86_TRAP_PF
		       ? "Oops"
		       : trap_name((unsigned int)regs->vector),
	       regs->error_code, regs->vector);
	printk(KERN_ALERT "CPU: %u APIC ID: %#x (%u online)\n",
	       smp_processor_id(), cpu_apic_id(smp_processor_id()),
	       num_online_cpus());
	if (regs->vector == X86_TRAP_DF)
		show_df(cr2);
	show_regs(regs);
	backtrace_print_regs(regs);
	printk(KERN_ALERT "---[ end trace ]---\n");
	console_print("Kernel panic - not syncing: Fatal exception\n");
	qemu_exit(EXIT_PANIC);
}
