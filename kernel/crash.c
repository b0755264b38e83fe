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
};

static const char *const crash_names[] = {
	[CRASH_NONE] = "none",
	[CRASH_PAGE_FAULT] = "page_fault",
	[CRASH_NULL] = "null",
	[CRASH_INVALID_OPCODE] = "invalid_opcode",
	[CRASH_BUG] = "bug",
	[CRASH_PANIC] = "panic",
	[CRASH_STACK_OVERFLOW] = "stack_overflow",
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
		 "expected none, page_fault, null, invalid_opcode, bug, panic "
		 "or stack_overflow");
	return -EINVAL;
}
KPARAM("crash", set_crash,
       "crash on purpose after boot (tests the oops output)");

static __noinline void crash_page_fault(void)
{
	volatile u8 *p = (volatile u8 *)0xffff800000000000UL;

	(void)*p;
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
	default:
		break;
	}
	pr_err("crash: crash=%s did not crash\n", crash_names[crash_mode]);
}
