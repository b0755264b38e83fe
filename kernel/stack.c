/*
 * kernel/stack.c: the exception stacks, and where the stacks are (see
 * include/kernel/stack.h).
 */
#include <kernel/stack.h>
#include <lib/compiler.h>

static u8 ist_stacks[NR_IST_STACKS][IST_STACK_SIZE] __aligned(16);

unsigned long ist_stack_top(unsigned int i)
{
	return (unsigned long)&ist_stacks[i][IST_STACK_SIZE];
}

bool on_ist_stack(unsigned long addr, size_t len)
{
	unsigned long lo = (unsigned long)ist_stacks;
	unsigned long hi = lo + sizeof(ist_stacks);

	return addr >= lo && addr + len <= hi && addr + len >= addr;
}

bool on_kernel_stack(unsigned long addr, size_t len)
{
	if (addr >= (unsigned long)boot_stack_bottom &&
	    addr + len <= (unsigned long)boot_stack_top)
		return true;
	return on_ist_stack(addr, len);
}

bool in_boot_stack_guard(unsigned long addr)
{
	unsigned long guard =
		(unsigned long)boot_stack_bottom - BOOT_STACK_GUARD_SIZE;

	return addr >= guard && addr < (unsigned long)boot_stack_bottom;
}
