/*
 * include/kernel/fixup.h: probing memory without dying.
 *
 * Like Linux's exception tables: each probe's one memory-touching
 * instruction has an entry (instruction address, fixup address) in the
 * __ex_table section. When it faults, the trap handler finds the entry,
 * records what happened in last_fault and resumes at the fixup, which
 * returns -EFAULT. Tests use this to prove that a guard page, page 0 or
 * read-only text really faults.
 */
#ifndef KVLAB_KERNEL_FIXUP_H
#define KVLAB_KERNEL_FIXUP_H

#include <kernel/traps.h>
#include <lib/types.h>

struct exception_table_entry {
	unsigned long insn;  /* address of the instruction that may fault */
	unsigned long fixup; /* where to resume */
};

/* What the last fixed-up fault was. */
struct fault_record {
	unsigned long vector; /* X86_TRAP_PF, X86_TRAP_GP... */
	unsigned long error_code;
	unsigned long addr; /* CR2 for a page fault */
	unsigned long rip;
	unsigned long count; /* fixed-up faults since boot */
	char note[192];	     /* a fault note, if one applied */
};

extern struct fault_record last_fault;

/* Each returns 0, or -EFAULT if the access faulted (see last_fault). */
int probe_read_u8(const void *addr, u8 *out);
int probe_read_u64(const void *addr, u64 *out);
int probe_write_u8(void *addr, u8 v);
int probe_write_u64(void *addr, u64 v);
/*
 * probe_exec - call @addr, which should hold a `ret` (0xc3).
 * Return: 0 if it ran and returned, -EFAULT if fetching it faulted.
 */
int probe_exec(const void *addr);

/*
 * fixup_exception - called by the trap handler.
 * Return: true if @regs was redirected to a fixup.
 */
bool fixup_exception(struct pt_regs *regs, unsigned long addr);

#endif
