/*
 * kernel/backtrace.c: kallsyms lookup and frame-pointer backtraces.
 *
 * The table (generated into build/.../kallsyms.c by scripts/kallsyms.py)
 * is three arrays sorted by address; lookup is a binary search.
 */
#include <kernel/backtrace.h>
#include <kernel/printk.h>
#include <kernel/ptrace.h>
#include <kernel/stack.h>
#include <lib/printf.h>
#include <lib/string.h>

extern const unsigned long kallsyms_addresses[];
extern const unsigned long kallsyms_sizes[];
extern const unsigned int kallsyms_name_offsets[];
extern const char kallsyms_names[];
extern const unsigned long kallsyms_count;

#define BACKTRACE_MAX_FRAMES 32

const char *kallsyms_lookup(unsigned long addr, unsigned long *offset,
			    unsigned long *size)
{
	unsigned long lo = 0, hi = kallsyms_count, mid;

	/* Find the last symbol whose address is <= addr. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (kallsyms_addresses[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	lo--;
	if (addr - kallsyms_addresses[lo] >= kallsyms_sizes[lo])
		return NULL;
	*offset = addr - kallsyms_addresses[lo];
	*size = kallsyms_sizes[lo];
	return &kallsyms_names[kallsyms_name_offsets[lo]];
}

unsigned long kallsyms_lookup_name(const char *name)
{
	unsigned long i;

	for (i = 0; i < kallsyms_count; i++)
		if (!strcmp(&kallsyms_names[kallsyms_name_offsets[i]], name))
			return kallsyms_addresses[i];
	return 0;
}

int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	unsigned long off, sz;
	const char *name = kallsyms_lookup(addr, &off, &sz);

	if (!name)
		return snprintf(buf, size, "%#lx", addr);
	return snprintf(buf, size, "%s+%#lx/%#lx", name, off, sz);
}

/* Only words on a stack we know are read: [addr, addr + len). */
static bool stack_ok(unsigned long addr, size_t len)
{
	if (addr & 7)
		return false;
	return on_kernel_stack(addr, len);
}

/*
 * A return address points after the call, possibly past the end of the
 * calling function (a call to a noreturn function), so look up ret - 1 but
 * print the offset of ret itself, as Linux's %pB does.
 */
static void print_frame(unsigned long ip, bool is_return)
{
	unsigned long off, sz;
	const char *name = kallsyms_lookup(ip - is_return, &off, &sz);

	if (name)
		printk(KERN_ERR " %s+%#lx/%#lx\n", name, off + is_return, sz);
	else
		printk(KERN_ERR " %#lx\n", ip);
}

static void walk_frames(unsigned long rbp)
{
	int n;

	for (n = 0; n < BACKTRACE_MAX_FRAMES && stack_ok(rbp, 16); n++) {
		unsigned long *frame = (unsigned long *)rbp;
		unsigned long ret = frame[1];

		if (!ret)
			break;
		print_frame(ret, true);
		if (frame[0] <= rbp) /* the stack grows down: must go up */
			break;
		rbp = frame[0];
	}
}

void backtrace_print(unsigned long rbp, unsigned long rip)
{
	printk(KERN_ERR "Call Trace:\n");
	if (rip)
		print_frame(rip, false);
	walk_frames(rbp);
}

/*
 * The faulting function may not have pushed its frame yet (a fault at its
 * first instruction), or may have none at all (gcc builds some leaf
 * functions without one). Then rbp still belongs to the caller's caller and
 * the caller is found only at the top of the stack, [rsp]: print it from
 * there before following rbp.
 */
void backtrace_print_regs(const struct pt_regs *regs)
{
	unsigned long off, size, rsp = regs->rsp;
	const char *name = kallsyms_lookup(regs->rip, &off, &size);
	const u8 *start;

	printk(KERN_ERR "Call Trace:\n");
	print_frame(regs->rip, false);
	if (name) {
		start = (const u8 *)(regs->rip - off);
		if (start[0] != 0x55 /* push %rbp */ || off == 0) {
			if (stack_ok(rsp, 8))
				print_frame(*(unsigned long *)rsp, true);
		} else if (off == 1) {
			if (stack_ok(rsp + 8, 8))
				print_frame(*(unsigned long *)(rsp + 8), true);
		}
	}
	walk_frames(regs->rbp);
}
