/*
 * include/kernel/panic.h: panic, BUG_ON, WARN_ON, and misuse reports.
 *
 * panic() and BUG_ON() stop the kernel: they print the message with file,
 * line and values, a backtrace, and exit QEMU with EXIT_PANIC. WARN_ON()
 * prints and continues.
 *
 * A *report* is how an allocator says it caught misuse (double free,
 * foreign pointer, corrupted metadata): report_begin() prints the header,
 * the caller prints the values, report_end() counts it. While somebody is
 * counting (the test runner, the monitor), the kernel goes on; otherwise a
 * report is fatal, as DESIGN.md section 4 asks. WARN_ON() is counted too,
 * so a test that trips an unexpected warning fails.
 */
#ifndef KVLAB_KERNEL_PANIC_H
#define KVLAB_KERNEL_PANIC_H

#include <lib/compiler.h>
#include <lib/types.h>

__noreturn void panic(const char *fmt, ...) __printf(1, 2);
__noreturn void bug_at(const char *file, int line, const char *cond,
		       const char *fmt, ...) __printf(4, 5);
void warn_at(const char *file, int line, const char *cond, const char *fmt, ...)
	__printf(4, 5);

#define BUG() bug_at(__FILE__, __LINE__, NULL, NULL)

#define BUG_ON(cond)                                             \
	do {                                                     \
		if (unlikely(cond))                              \
			bug_at(__FILE__, __LINE__, #cond, NULL); \
	} while (0)

/* BUG_ON_MSG - BUG_ON that also prints the values involved. */
#define BUG_ON_MSG(cond, fmt, ...)                                             \
	do {                                                                   \
		if (unlikely(cond))                                            \
			bug_at(__FILE__, __LINE__, #cond, fmt, ##__VA_ARGS__); \
	} while (0)

#define WARN_ON(cond)                                             \
	({                                                        \
		bool __kt_w = !!(cond);                           \
		if (unlikely(__kt_w))                             \
			warn_at(__FILE__, __LINE__, #cond, NULL); \
		__kt_w;                                           \
	})

#define WARN(cond, fmt, ...)                                    \
	({                                                      \
		bool __kt_w = !!(cond);                         \
		if (unlikely(__kt_w))                           \
			warn_at(__FILE__, __LINE__, #cond, fmt, \
				##__VA_ARGS__);                 \
		__kt_w;                                         \
	})

/*
 * report_begin - start a misuse report with its title line, in the shape the
 * matching Linux report has ("BUG: Bad page state ...", "BUG kmalloc-64:
 * Right Redzone overwritten", "vfree(): bad address ..."), at KERN_ERR.
 */
void report_begin(const char *fmt, ...) __printf(1, 2);
/* report_end - finish it: count it, print the backtrace, maybe stop. */
void report_end(void);
/* report_count - reports and warnings so far. */
unsigned long report_count(void);
/*
 * report_set_counting - while true, reports are counted and the kernel
 * goes on; while false, the first report panics.
 * Return: the previous setting.
 */
bool report_set_counting(bool counting);

/* dump_stack - print a backtrace of the caller. */
void dump_stack(void);

#endif
