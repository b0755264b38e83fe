/*
 * include/kernel/printk.h: the kernel log.
 *
 * As in Linux, a message may start with a level (KERN_ERR "..."); messages
 * whose level is below console_loglevel go to the serial console, and every
 * message goes to the log buffer (read by the monitor's dmesg and the gdb
 * helper kv-dmesg). loglevel= on the command line sets console_loglevel.
 */
#ifndef KVLAB_KERNEL_PRINTK_H
#define KVLAB_KERNEL_PRINTK_H

#include <stdarg.h>
#include <lib/compiler.h>
#include <lib/types.h>

#define KERN_SOH     "\001"
#define KERN_EMERG   KERN_SOH "0"
#define KERN_ALERT   KERN_SOH "1"
#define KERN_CRIT    KERN_SOH "2"
#define KERN_ERR     KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE  KERN_SOH "5"
#define KERN_INFO    KERN_SOH "6"
#define KERN_DEBUG   KERN_SOH "7"
#define KERN_CONT    KERN_SOH "c"

#define LOGLEVEL_DEFAULT	 4 /* a message without a level */
#define LOGLEVEL_DEBUG		 7 /* KERN_DEBUG: shown only at loglevel=8 */
#define CONSOLE_LOGLEVEL_DEFAULT 7 /* print everything but debug */

#define LOG_BUF_SHIFT 16 /* 64 KiB of log */
#define LOG_BUF_SIZE  (1UL << LOG_BUF_SHIFT)

extern int console_loglevel;

/*
 * console_hide_begin/end - while at least one is open, printk's lines go
 * to the log buffer as always but reach the console only at loglevel=8,
 * as KERN_DEBUG lines do. The tests wrap the misuse they commit on
 * purpose in it (KT_EXPECT_REPORTS), so that a first boot's console shows
 * results, not the reports the tests expect; console_hidden() says
 * whether a report being printed is one of those.
 */
void console_hide_begin(void);
void console_hide_end(void);
bool console_hidden(void);

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

/*
 * console_print - write text to the console and the log, ignoring the log
 * level (KTAP output and the monitor, which must always be seen).
 */
void console_print(const char *fmt, ...) __printf(1, 2);

/* The log buffer: bytes [log_head - LOG_BUF_SIZE, log_head) modulo size. */
extern char log_buf[LOG_BUF_SIZE];
extern u64 log_head;

/*
 * log_read - copy the newest @size bytes or fewer into @buf; returns the
 * count. When older text was left out (the ring wrapped, or @size was
 * smaller), the copy starts at a line boundary: the cut line is dropped.
 */
size_t log_read(char *buf, size_t size);

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define pr_emerg(fmt, ...)  printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...)  printk(KERN_ALERT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...)   printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)    printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)   printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)   printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)  printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...)   printk(KERN_CONT fmt, ##__VA_ARGS__)

#endif
