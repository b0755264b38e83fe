/*
 * kernel/stack.c: the exception stacks, and where the stacks are (see
 * include/kernel/stack.h).
 */
#include <kernel/stack.h>
#include <kernel/threads.h>
#include <lib/errno.h>
#include <lib/compiler.h>

static u8 ist_stacks[NR_IST_STACKS][IST_STACK_SIZE] __aligned(16);

/* The other CPUs' stacks: one and NR_IST_STACKS exception stacks each. */
#define MAX_EXTRA_STACKS (CONFIG_NR_CPUS * (1 + NR_IST_STACKS))
static struct {
	unsigned long lo, hi;
} extra_stacks[MAX_EXTRA_STACKS];
static unsigned int nr_extra_stacks;

int stack_add_range(unsigned long lo, unsigned long hi)
{
	if (nr_extra_stacks == MAX_EXTRA_STACKS)
		return -ENOSPC;
	extra_stacks[nr_extra_stacks].lo = lo;
	extra_stacks[nr_extra_stacks].hi = hi;
	nr_extra_stacks++;
	return 0;
}

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
	unsigned int i;

	if (addr >= (unsigned long)boot_stack_bottom &&
	    addr + len <= (unsigned long)boot_stack_top)
		return true;
	for (i = 0; i < nr_extra_stacks; i++)
		if (addr >= extra_stacks[i].lo &&
		    addr + len <= extra_stacks[i].hi && addr + len >= addr)
			return true;
	return on_ist_stack(addr, len);
}

bool in_boot_stack_guard(unsigned long addr)
{
	unsigned long guard =
		(unsigned long)boot_stack_bottom - BOOT_STACK_GUARD_SIZE;

	return addr >= guard && addr < (unsigned long)boot_stack_bottom;
}
