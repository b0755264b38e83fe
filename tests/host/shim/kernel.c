/*
 * tests/host/shim/kernel.c: the hardware-facing kernel services, for the
 * host (see host.h).
 *
 * The host build links the kernel's own kernel/printk.c and kernel/panic.c;
 * this file supplies what those reach the hardware through: the serial
 * port (stderr here), frame-pointer backtraces (the sanitizer's stack
 * trace, when there is one) and the QEMU exit device (process exit: a
 * panic aborts). It also holds the state of the arch stubs.
 */
#include <stdio.h>
#include <stdlib.h>

#include <host.h>
#include <kernel/backtrace.h>
#include <kernel/exit.h>
#include <kernel/printk.h>
#include <kernel/serial.h>
#include <lib/string.h>

/* ---- arch stubs (shim/arch/x86.h) ------------------------------------------ */

struct host_arch host_arch;

void host_arch_reset(void)
{
	memset(&host_arch, 0, sizeof(host_arch));
}

void host_arch_set_cpuid(u32 leaf, u32 subleaf, u32 a, u32 b, u32 c, u32 d)
{
	unsigned int i;

	for (i = 0; i < host_arch.nr_cpuid; i++)
		if (host_arch.cpuid[i].leaf == leaf &&
		    host_arch.cpuid[i].subleaf == subleaf)
			break;
	if (i == HOST_CPUID_LEAVES)
		host_arch_unsupported("more than HOST_CPUID_LEAVES cpuid "
				      "leaves");
	if (i == host_arch.nr_cpuid)
		host_arch.nr_cpuid++;
	host_arch.cpuid[i] =
		(struct host_cpuid_leaf){ leaf, subleaf, a, b, c, d };
}

void cpuid_count(u32 leaf, u32 subleaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	unsigned int i;

	*a = *b = *c = *d = 0;
	for (i = 0; i < host_arch.nr_cpuid; i++) {
		const struct host_cpuid_leaf *l = &host_arch.cpuid[i];

		if (l->leaf == leaf && l->subleaf == subleaf) {
			*a = l->a;
			*b = l->b;
			*c = l->c;
			*d = l->d;
			return;
		}
	}
}

/* Defined by the ASan/UBSan runtime only; NULL in a plain build. */
void __sanitizer_print_stack_trace(void) __attribute__((weak));

void host_arch_unsupported(const char *what)
{
	fprintf(stderr, "kvlab host shim: %s is not available on the host\n",
		what);
	if (__sanitizer_print_stack_trace)
		__sanitizer_print_stack_trace();
	abort();
}

/* ---- the log ------------------------------------------------------------- */

u64 host_log_mark(void)
{
	return log_head;
}

bool host_log_contains(u64 mark, const char *needle)
{
	static char text[LOG_BUF_SIZE + 1];
	u64 avail = log_head - mark;
	size_t n;

	if (avail > LOG_BUF_SIZE)
		avail = LOG_BUF_SIZE; /* the oldest part is overwritten */
	n = log_read(text, (size_t)avail);
	text[n] = '\0';
	return strstr(text, needle) != NULL;
}

/* ---- serial, backtraces, exit --------------------------------------------- */

/* The host's console level: warnings and worse (host.h). */
__attribute__((constructor)) static void host_console_init(void)
{
	console_loglevel = HOST_CONSOLE_LOGLEVEL;
}

void serial_write(const char *s, size_t n)
{
	fwrite(s, 1, n, stderr);
}

/*
 * The kernel prints a backtrace with every report and warning; here it is
 * the sanitizer's, shown only while errors reach the console, so a test
 * that provokes reports on purpose can silence them with console_loglevel.
 */
void backtrace_print(unsigned long rbp, unsigned long rip)
{
	(void)rbp;
	(void)rip;
	if (console_loglevel > 3 && __sanitizer_print_stack_trace)
		__sanitizer_print_stack_trace();
}

void qemu_exit(enum qemu_exit_code code)
{
	fflush(stdout);
	fprintf(stderr, "kvlab host shim: qemu_exit(%#x)%s\n", code,
		code == EXIT_PASS ? "" : ": aborting");
	if (code == EXIT_PASS)
		exit(0);
	abort();
}
