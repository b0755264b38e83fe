/*
 * include/kernel/monitor.h: the interactive serial monitor.
 *
 * With monitor=1 on the command line (what `make run` passes when it runs
 * in a terminal), the kernel ends its boot at a prompt on the serial
 * console instead of leaving QEMU:
 *
 *   kvlab> pgwalk kernel_main
 *   pgwalk va=0xffffffff80201230 cr3=0x0000000000201000
 *     PML4[511] 0x0000000000203003 P W -> PDPT pa=0x0000000000203000
 *     ...
 *   kvlab> exit
 *
 * Each command is registered next to the code it shows, as KPARAM keys
 * are, so a subsystem adds its commands without touching the monitor:
 *
 *   static int cmd_buddyinfo(int argc, char **argv)
 *   {
 *           show_buddyinfo();
 *           return 0;
 *   }
 *   MONITOR_CMD("buddyinfo", cmd_buddyinfo, 0, 0, "buddyinfo",
 *               "free blocks per order, as /proc/buddyinfo");
 *
 * The monitor checks the argument count against the declared minimum and
 * maximum before calling the command; the mon_arg_*() helpers parse one
 * argument each and explain what is wrong with it. A command that returns
 * MON_USAGE gets its usage line printed; any other nonzero return means it
 * has already said what went wrong. Misuse reports are counted, not fatal,
 * while the monitor runs, so a command may provoke one on purpose.
 */
#ifndef KVLAB_KERNEL_MONITOR_H
#define KVLAB_KERNEL_MONITOR_H

#include <lib/compiler.h>
#include <lib/types.h>

#define MON_LINE_MAX 256 /* bytes of input per line, with the NUL */
#define MON_ARGS_MAX 8	 /* words per line, the command's name included */
#define MON_PROMPT   "kvlab> "

/* What a command returns besides 0. */
enum mon_status {
	MON_USAGE = -1,	 /* bad arguments: print the usage line */
	MON_FAILED = -2, /* it failed and has said why */
	MON_EXIT = -3,	 /* leave the monitor (the exit command) */
};

struct monitor_cmd {
	const char *name;
	/*
	 * run - do the command. @argv[0] is its name; @argc is within
	 * [min_args + 1, max_args + 1].
	 * Return: 0 or an enum mon_status value.
	 */
	int (*run)(int argc, char **argv);
	u8 min_args, max_args; /* arguments after the name */
	const char *usage;     /* "peek ADDR [COUNT]" */
	const char *help;      /* one line, for help */
};

#define MONITOR_CMD(cname, fn, min, max, usage_text, help_text)                \
	static const struct monitor_cmd __monitor_cmd_##fn __section(".monito" \
								     "r_cmds") \
		__used __aligned(8) = { cname, fn,	   min,                \
					max,   usage_text, help_text }

/* Is monitor=1 on the command line? */
bool monitor_enabled(void);

/*
 * monitor_run - read and run commands on the serial console until exit.
 * Context: polls COM1; returns when the exit command is given.
 */
void monitor_run(void);

/*
 * Argument helpers. Each parses @arg as the named kind of value, and on
 * bad input prints "CMD: bad WHAT 'ARG': why" and returns MON_USAGE, so a
 * command can `return` their result directly.
 *
 * mon_arg_number - a number, decimal or 0x-hex or 0-octal, in [min, max].
 * mon_arg_size - a size with an optional K/M/G/T suffix ("4K", "2M").
 * mon_arg_addr - an address in hex (0x optional) or a kernel function's
 *                name ("kernel_main").
 */
int mon_arg_number(const char *arg, const char *what, unsigned long min,
		   unsigned long max, unsigned long *out);
int mon_arg_size(const char *arg, const char *what, unsigned long *out);
int mon_arg_addr(const char *arg, const char *what, unsigned long *out);

/*
 * mon_freed - the end of a command that gave memory back: "CMD: refused"
 * if the allocator reported misuse since @reports_before (a report_count()
 * taken before the call), else "CMD: freed WHAT". Returns the command's
 * result.
 */
int mon_freed(const char *cmd, const char *what, unsigned long reports_before);

#endif
