/*
 * include/kernel/backtrace.h: symbol lookup and frame-pointer backtraces.
 *
 * The kernel is built with frame pointers, so each frame starts with
 *
 *   [rbp + 8]  return address into the caller
 *   [rbp]      the caller's rbp
 *
 * and the chain ends at rbp = 0 (boot/boot.asm clears it). Names come from
 * kallsyms, a table of the kernel's functions generated after a first link
 * (scripts/kallsyms.py) and linked into .kallsyms.
 */
#ifndef KVLAB_KERNEL_BACKTRACE_H
#define KVLAB_KERNEL_BACKTRACE_H

#include <lib/types.h>

/*
 * kallsyms_lookup - the function containing @addr.
 * Return: its name, with *@offset and *@size set, or NULL when @addr is not
 * inside a known function.
 */
const char *kallsyms_lookup(unsigned long addr, unsigned long *offset,
			    unsigned long *size);

/* kallsyms_lookup_name - the address of function @name, or 0. */
unsigned long kallsyms_lookup_name(const char *name);

/* sprint_symbol - "name+0xoff/0xsize" (or the hex address) into @buf. */
int sprint_symbol(char *buf, size_t size, unsigned long addr);

/*
 * backtrace_print - print @rip (unless 0), then the return address of each
 * frame from @rbp outwards. Called with read_rbp() and 0, it shows the
 * caller of the current function and its callers.
 */
void backtrace_print(unsigned long rbp, unsigned long rip);

struct pt_regs;
/* backtrace_print_regs - the backtrace of a faulting context. */
void backtrace_print_regs(const struct pt_regs *regs);

#endif
