/*
 * include/kernel/ptrace.h: struct pt_regs, the registers of an interrupted
 * context as kernel/trapentry.asm saves them (Linux's asm/ptrace.h).
 */
#ifndef KVLAB_KERNEL_PTRACE_H
#define KVLAB_KERNEL_PTRACE_H

#include <lib/types.h>

/* The registers saved by kernel/trapentry.asm, lowest address first. */
struct pt_regs {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector;
	u64 error_code; /* 0 for exceptions without one */
	/* pushed by the CPU */
	u64 rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct pt_regs) == 22 * 8, "trapentry.asm layout");

#endif
