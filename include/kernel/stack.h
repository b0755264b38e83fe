/*
 * include/kernel/stack.h: where kvlab's stacks are, in one place.
 *
 * Everything runs on the boot stack, which boot/boot.asm reserves (16 KiB,
 * page-aligned) with a guard page below it that mm/paging.c leaves
 * unmapped, so an overflow faults instead of overwriting memory. Three
 * exceptions (#DF, NMI, #MC) switch to stacks of their own, which the TSS's
 * interrupt stack table points at (kernel/traps.c): a double fault caused
 * by a stack overflow still has a good stack to report it from.
 *
 * The backtrace walker (kernel/backtrace.c) reads frame pointers only where
 * on_kernel_stack() says a stack is; the oops code names an overflow when
 * the faulting address is in the guard page.
 */
#ifndef KVLAB_KERNEL_STACK_H
#define KVLAB_KERNEL_STACK_H

#include <lib/types.h>

/* The boot stack, [boot_stack_bottom, boot_stack_top) (boot/boot.asm). */
extern char boot_stack_bottom[], boot_stack_top[];

/* The unmapped guard below the boot stack: one page (boot/boot.asm). */
#define BOOT_STACK_GUARD_SIZE 4096

/* The exception stacks: IST1 for #DF, IST2 for NMI, IST3 for #MC. */
#define IST_STACK_SIZE 8192
#define NR_IST_STACKS  3

/* ist_stack_top - the initial stack pointer of IST stack @i (0 is IST1). */
unsigned long ist_stack_top(unsigned int i);

/* on_ist_stack - is [addr, addr + len) on one of the exception stacks? */
bool on_ist_stack(unsigned long addr, size_t len);

/* on_kernel_stack - is [addr, addr + len) on the boot or an exception stack? */
bool on_kernel_stack(unsigned long addr, size_t len);

/*
 * stack_add_range - [lo, hi) is a kernel stack too (an application
 * processor's stack or exception stack, kernel/smp.c), for
 * on_kernel_stack(). Return: 0, or -ENOSPC when the table is full.
 */
int stack_add_range(unsigned long lo, unsigned long hi);

/* in_boot_stack_guard - is @addr in the guard page below the boot stack? */
bool in_boot_stack_guard(unsigned long addr);

#endif
