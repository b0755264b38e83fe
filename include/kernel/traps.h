/*
 * include/kernel/traps.h: CPU exceptions, the GDT/TSS/IDT, and fault notes.
 *
 * The 32 CPU exceptions are handled here; vectors 32-255 are interrupts
 * (include/kernel/irq.h). A fault either matches an exception-table entry (a probe; see
 * include/kernel/fixup.h) and resumes at its fixup, or is fatal: the handler
 * prints an oops (name, decoded error code, registers, backtrace) and exits
 * QEMU with EXIT_PANIC.
 */
#ifndef KVLAB_KERNEL_TRAPS_H
#define KVLAB_KERNEL_TRAPS_H

#include <kernel/ptrace.h>
#include <lib/types.h>

enum x86_vector {
	X86_TRAP_DE = 0,
	X86_TRAP_DB,
	X86_TRAP_NMI,
	X86_TRAP_BP,
	X86_TRAP_OF,
	X86_TRAP_BR,
	X86_TRAP_UD,
	X86_TRAP_NM,
	X86_TRAP_DF,
	X86_TRAP_OLD_MF,
	X86_TRAP_TS,
	X86_TRAP_NP,
	X86_TRAP_SS,
	X86_TRAP_GP,
	X86_TRAP_PF,
	X86_TRAP_SPURIOUS,
	X86_TRAP_MF,
	X86_TRAP_AC,
	X86_TRAP_MC,
	X86_TRAP_XF,
	X86_TRAP_VE,
	X86_TRAP_CP,
	NR_EXCEPTIONS = 32,
};

/* Page-fault error code bits (Intel SDM 4.7). */
#define X86_PF_PROT  (1 << 0) /* 0: not present, 1: protection */
#define X86_PF_WRITE (1 << 1)
#define X86_PF_USER  (1 << 2)
#define X86_PF_RSVD  (1 << 3)
#define X86_PF_INSTR (1 << 4)
#define X86_PF_PK    (1 << 5)
#define X86_PF_SHSTK (1 << 6)

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define TSS_SEL	  0x18

void traps_init(void);

const char *trap_name(unsigned int vector);

/*
 * A fault note explains a faulting address, e.g. mm/vmalloc.c:
 * "vmalloc guard page hit at ADDR: area START-END, N pages, allocated by
 * CALLER". It writes one line (no newline) to @buf and returns true when it
 * has something to say about @addr.
 */
typedef bool (*fault_note_fn)(unsigned long addr, char *buf, size_t size);
void traps_add_fault_note(fault_note_fn fn);

/* fault_note - run the notes for @addr; returns true if one wrote to @buf. */
bool fault_note(unsigned long addr, char *buf, size_t size);

#endif
