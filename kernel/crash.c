/*
 * kernel/crash.c: deliberate crashes, for the runner to check that faults
 * are reported properly (decoded, symbolized, QEMU exits with the panic
 * status), as Linux's LKDTM does. Selected with crash= on the command
 * line; main.c calls crash_if_requested() after boot.
 */
#include <kernel/cmdline.h>
#include <kernel/crash.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/tsc.h>
#include <kernel/smp.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>

enum crash_mode {
	CRASH_NONE,
	CRASH_PAGE_FAULT,     /* read an unmapped address */
	CRASH_NULL,	      /* read address 0 */
	CRASH_INVALID_OPCODE, /* ud2 */
	CRASH_BUG,	      /* BUG_ON */
	CRASH_PANIC,	      /* panic() */
	CRASH_STACK_OVERFLOW, /* recurse into the guard page: #DF */
	CRASH_OTHER_CPU,      /* a page fault on the last CPU, from an IPI */
};

static const char *const crash_names[] = {
	[CRASH_NONE] = "none",
	[CRASH_PAGE_FAULT] = "page_fault",
	[CRASH_NULL] = "null",
	[CRASH_INVALID_OPCODE] = "invalid_opcode",
	[CRASH_BUG] = "bug",
	[CRASH_PANIC] = "panic",
	[CRASH_STACK_OVERFLOW] = "stack_overflow",
	[CRASH_OTHER_CPU] = "other_cpu",
};

static enum crash_mode crash_mode;

static int set_crash(const char *val, char *why, size_t why_size)
{
	size_t i;

	for (i = 0; val && i < ARRAY_SIZE(crash_names); i++) {
		if (!strcmp(val, crash_names[i])) {
			crash_mode = (enum crash_mode)i;
			return 0;
		}
	}
	snprintf(why, why_size,
		 "expected none, page_fault, null, invalid_opcode, bug, panic, "
		 "stack_overflow or other_cpu");
	return -EINVAL;
}
KPARAM("crash", set_crash,
       "crash on purpose after boot (tests the oops output)");

static __noinline void crash_page_fault(void)
{
	volatile u8 *p = (volatile u8 *)0xffff800000000000UL;

	(void)*p;
}

/* The oops names the CPU it happened on; this one happens on another. */
static void crash_on_ipi(void *info)
{
	(void)info;
	crash_page_fault();
}

static void crash_other_cpu(void)
{
	unsigned int cpu = 0, c;
	u64 end;

	for_each_online_cpu(c) cpu = c;
	if (!cpu) {
		pr_err("crash: crash=other_cpu needs a second CPU; faulting on "
		       "this one\n");
		crash_page_fault();
		return;
	}
	smp_call_function_single(cpu, crash_on_ipi, NULL, false);
	/* The oops ends the run; wait for it (1 s at most). */
	end = tsc_read() + ns_to_cycles(1000ULL * 1000 * 1000);
	while (tsc_read() < end)
		cpu_relax();
}

static __noinline void crash_null(void)
{
	volatile u8 *volatile p = NULL;

	(void)*p;
}

static __noinline void crash_invalid_opcode(void)
{
	__asm__ __volatile__("ud2");
}

static unsigned long crash_recurse(unsigned long depth);
/* Called through a pointer so the compiler cannot see the endless recursion. */
static unsigned long (*volatile recurse_fn)(unsigned long) = crash_recurse;

static __noinline unsigned long crash_recurse(unsigned long depth)
{
	volatile u8 pad[512];

	pad[0] = (u8)depth;
	return recurse_fn(depth + 1) + pad[0];
}

void crash_if_requested(void)
{
	if (crash_mode == CRASH_NONE)
		return;
	pr_notice("crash: crashing on purpose (crash=%s)\n",
		  crash_names[crash_mode]);
	switch (crash_mode) {
	case CRASH_PAGE_FAULT:
		crash_page_fault();
		break;
	case CRASH_NULL:
		crash_null();
		break;
	case CRASH_INVALID_OPCODE:
		crash_invalid_opcode();
		break;
	case CRASH_BUG:
		BUG_ON(crash_mode == CRASH_BUG);
		break;
	case CRASH_PANIC:
		panic("crash=panic asked for it");
	case CRASH_STACK_OVERFLOW:
		crash_recurse(0);
		break;
	case CRASH_OTHER_CPU:
		crash_other_cpu();
		break;
	default:
		break;
	}
	pr_err("crash: crash=%s did not crash\n", crash_names[crash_mode]);
}
