/*
 * kernel/panic.c: stopping the kernel (panic, BUG) and the misuse reports
 * that let tests assert an allocator caught a mistake.
 */
#include <arch/x86.h>
#include <kernel/backtrace.h>
#include <kernel/exit.h>
#include <kernel/panic.h>
#include <kernel/smp.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <lib/printf.h>

static unsigned long nr_reports;
static bool reports_counted;
static int panicking;

unsigned long report_count(void)
{
	return nr_reports;
}

bool report_set_counting(bool counting)
{
	bool old = reports_counted;

	reports_counted = counting;
	return old;
}

void dump_stack(void)
{
	backtrace_print(read_rbp(), 0);
}

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	irq_disable();
#ifndef KVLAB_HOST
	smp_send_stop(); /* the other CPUs halt before we report */
#endif
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (panicking++) {
		/* A panic inside panic (a fault in the backtrace, say). */
		console_print("Kernel panic while panicking: %s\n", msg);
		qemu_exit(EXIT_PANIC);
	}
	console_print("Kernel panic - not syncing: %s\n", msg);
	backtrace_print(read_rbp(), 0);
	console_print("---[ end Kernel panic - not syncing: %s ]---\n", msg);
	qemu_exit(EXIT_PANIC);
}

static void print_where(const char *kind, const char *file, int line,
			const char *cond, const char *fmt, va_list ap)
{
	char msg[256];

	printk(KERN_ERR "%s at %s:%d%s%s\n", kind, file, line, cond ? ": " : "",
	       cond ? cond : "");
	if (fmt) {
		vsnprintf(msg, sizeof(msg), fmt, ap);
		printk(KERN_ERR "  %s\n", msg);
	}
}

void bug_at(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_where("kernel BUG", file, line, cond, fmt, ap);
	va_end(ap);
	panic("kernel BUG at %s:%d", file, line);
}

void warn_at(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	if (console_hidden())
		console_print("    # expected report (loglevel=8 shows it): "
			      "WARNING at %s:%d\n",
			      file, line);
	va_start(ap, fmt);
	print_where("WARNING: CPU: 0", file, line, cond, fmt, ap);
	va_end(ap);
	backtrace_print(read_rbp(), 0);
	printk(KERN_ERR "---[ end trace ]---\n");
	nr_reports++;
}

void report_begin(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/*
	 * A report a test provokes on purpose (KT_EXPECT_REPORTS) is hidden
	 * from the console but for this line, indented inside the case.
	 */
	if (console_hidden())
		console_print("    # expected report (loglevel=8 shows it): "
			      "%s\n",
			      msg);
	printk(KERN_ERR "======================================================"
			"=======================\n");
	printk(KERN_ERR "%s\n", msg);
	printk(KERN_ERR "------------------------------------------------------"
			"-----------------------\n");
}

void report_end(void)
{
	nr_reports++;
	backtrace_print(read_rbp(), 0);
	printk(KERN_ERR "======================================================"
			"=======================\n");
	if (!reports_counted)
		panic("misuse reported (see above) and nobody is counting "
		      "reports");
}

#ifdef KVLAB_HOST
__thread int preempt_count;
#else
DEFINE_PER_CPU(int, __preempt_count);
#endif
bool early_boot_irqs_disabled = true;

/*
 * Linux's report, less what kvlab has no notion of (pid, task name):
 * which of "atomic" and "interrupts off" made the call invalid.
 */
void __might_sleep(const char *what, unsigned long caller)
{
	report_begin("BUG: sleeping function called from invalid context at %s",
		     what);
	printk(KERN_ERR "in_atomic(): %d, irqs_disabled(): %d, in_interrupt(): "
			"%d, preempt_count: %#x, caller: %pS\n",
	       in_atomic(), !early_boot_irqs_disabled && irqs_disabled(),
	       in_interrupt(), (unsigned int)preempt_count, (void *)caller);
	report_end();
}
