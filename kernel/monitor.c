/*
 * kernel/monitor.c: the interactive serial monitor (include/kernel/monitor.h).
 *
 * Input is polled from COM1 one byte at a time (interrupts stay off in
 * kvlab) and edited in a line buffer:
 *
 *   printable      appended and echoed, unless the line is full; then the
 *                  rest of the line is swallowed and refused at Enter
 *   CR or LF       run the line (LF right after CR is the same Enter)
 *   BS or DEL      erase the last character ("\b \b" on the terminal)
 *   Ctrl-U, Ctrl-C drop the line, new prompt
 *   ESC [ ... X    a terminal escape sequence (arrow keys): ignored
 *   other control  ignored
 *
 * The echo and the prompt go straight to the UART; what commands print
 * goes through console_print(), so it lands in the log buffer (dmesg,
 * kv-dmesg) as well.
 *
 * Commands come from the .monitor_cmds section (MONITOR_CMD). This file
 * holds the core and the commands that belong to no subsystem: help,
 * cmdline, dmesg, exit.
 */
#include <arch/x86.h>
#include <kernel/backtrace.h>
#include <kernel/cmdline.h>
#include <kernel/monitor.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/serial.h>
#include <lib/printf.h>
#include <lib/string.h>

#define CTRL(c)	  ((c)&0x1f)
#define ASCII_BS  0x08
#define ASCII_ESC 0x1b
#define ASCII_DEL 0x7f

extern const struct monitor_cmd __start_monitor_cmds[], __stop_monitor_cmds[];

static bool monitor_on;
static const char *current_cmd = "monitor"; /* for argument errors */

static int set_monitor(const char *val, char *why, size_t why_size)
{
	return kparam_bool(val, &monitor_on, why, why_size);
}
KPARAM("monitor", set_monitor,
       "end the boot at an interactive prompt on the serial console (0/1, "
       "default 0)");

bool monitor_enabled(void)
{
	return monitor_on;
}

/* ---- argument helpers ------------------------------------------------ */

static int bad_arg(const char *what, const char *arg, const char *why)
{
	console_print("%s: bad %s '%s': %s\n", current_cmd, what, arg, why);
	return MON_USAGE;
}

int mon_arg_number(const char *arg, const char *what, unsigned long min,
		   unsigned long max, unsigned long *out)
{
	unsigned long long v;
	char why[80];

	if (kstrtoull(arg, 0, &v) || v < min || v > max) {
		snprintf(why, sizeof(why), "expected a number from %lu to %lu",
			 min, max);
		return bad_arg(what, arg, why);
	}
	*out = (unsigned long)v;
	return 0;
}

int mon_arg_size(const char *arg, const char *what, unsigned long *out)
{
	unsigned long long v;

	if (memparse_strict(arg, &v))
		return bad_arg(what, arg,
			       "expected a size such as 4096, 64K or 2M");
	*out = (unsigned long)v;
	return 0;
}

int mon_arg_addr(const char *arg, const char *what, unsigned long *out)
{
	unsigned long long v;
	unsigned long sym;

	if (!kstrtoull(arg, 16, &v)) {
		*out = (unsigned long)v;
		return 0;
	}
	sym = kallsyms_lookup_name(arg);
	if (sym) {
		*out = sym;
		return 0;
	}
	return bad_arg(what, arg,
		       "expected a hex address or a kernel function name");
}

int mon_freed(const char *cmd, const char *what, unsigned long reports_before)
{
	if (report_count() != reports_before) {
		console_print("%s: refused (see the report above)\n", cmd);
		return MON_FAILED;
	}
	console_print("%s: freed %s\n", cmd, what);
	return 0;
}

/* ---- running a line -------------------------------------------------- */

static const struct monitor_cmd *find_cmd(const char *name)
{
	const struct monitor_cmd *c;

	for (c = __start_monitor_cmds; c < __stop_monitor_cmds; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* Split @line in place into at most MON_ARGS_MAX words; -1 if more. */
static int split_words(char *line, char **argv)
{
	int argc = 0;

	for (;;) {
		while (*line == ' ' || *line == '\t')
			*line++ = '\0';
		if (!*line)
			return argc;
		if (argc == MON_ARGS_MAX)
			return -1;
		argv[argc++] = line;
		while (*line && *line != ' ' && *line != '\t')
			line++;
	}
}

/*
 * Run one command line (split in place).
 * Return: the command's result, 0 for an empty line, MON_USAGE for an
 * unknown command or a bad argument count.
 */
static int monitor_exec(char *line)
{
	char *argv[MON_ARGS_MAX + 1];
	const struct monitor_cmd *c;
	int argc = split_words(line, argv), ret;

	if (argc == 0)
		return 0;
	if (argc < 0) {
		console_print("monitor: too many words (at most %d)\n",
			      MON_ARGS_MAX);
		return MON_USAGE;
	}
	argv[argc] = NULL;
	c = find_cmd(argv[0]);
	if (!c) {
		console_print("monitor: unknown command '%s'; type help for "
			      "the list\n",
			      argv[0]);
		return MON_USAGE;
	}
	current_cmd = c->name;
	if (argc - 1 < c->min_args || argc - 1 > c->max_args)
		ret = MON_USAGE;
	else
		ret = c->run(argc, argv);
	if (ret == MON_USAGE)
		console_print("usage: %s\n", c->usage);
	current_cmd = "monitor";
	return ret;
}

/* ---- the line editor ------------------------------------------------- */

struct line_editor {
	char buf[MON_LINE_MAX];
	size_t len;    /* bytes in buf, without the NUL */
	bool overflow; /* the line outgrew buf: refuse it at Enter */
	bool after_cr; /* the last byte was CR: a following LF is the same Enter */
	int esc;       /* 0; 1 after ESC; 2 inside ESC [ ... */
};

static void echo(const char *s)
{
	serial_write(s, strlen(s));
}

static void line_reset(struct line_editor *ed)
{
	ed->len = 0;
	ed->overflow = false;
	ed->buf[0] = '\0';
	echo(MON_PROMPT);
}

/* Swallow escape sequences: ESC, then ESC [ params final (0x40-0x7e). */
static bool in_escape(struct line_editor *ed, int c)
{
	if (ed->esc == 1) {
		ed->esc = c == '[' ? 2 : 0;
		return true;
	}
	if (ed->esc == 2) {
		if (c >= 0x40 && c <= 0x7e)
			ed->esc = 0;
		return true;
	}
	if (c == ASCII_ESC) {
		ed->esc = 1;
		return true;
	}
	return false;
}

/*
 * Feed one input byte to the editor.
 * Return: true when a complete line is in ed->buf, ready to run.
 */
static bool line_feed(struct line_editor *ed, int c)
{
	bool after_cr = ed->after_cr;

	ed->after_cr = c == '\r';
	if (in_escape(ed, c))
		return false;
	if (c == '\r' || (c == '\n' && !after_cr)) {
		echo("\n");
		return true;
	}
	if (c == ASCII_BS || c == ASCII_DEL) {
		if (ed->len && !ed->overflow) {
			ed->buf[--ed->len] = '\0';
			echo("\b \b");
		}
	} else if (c == CTRL('U') || c == CTRL('C')) {
		echo(c == CTRL('C') ? "^C\n" : "^U\n");
		line_reset(ed);
	} else if (is_print((char)c)) {
		if (ed->len + 1 < sizeof(ed->buf)) {
			ed->buf[ed->len++] = (char)c;
			ed->buf[ed->len] = '\0';
			serial_putc((char)c);
		} else if (!ed->overflow) {
			ed->overflow = true;
			echo("\a"); /* full: the rest of the line is dropped */
		}
	}
	return false;
}

static int read_byte(void)
{
	int c;

	while ((c = serial_getc()) < 0)
		cpu_relax();
	return c;
}

void monitor_run(void)
{
	static struct line_editor ed;
	bool counting = report_set_counting(true);
	int ret = 0;

	console_print("kvlab monitor: type help for the commands, exit to "
		      "leave\n");
	line_reset(&ed);
	while (ret != MON_EXIT) {
		if (!line_feed(&ed, read_byte()))
			continue;
		if (ed.overflow)
			console_print("monitor: line too long (at most %zu "
				      "characters); ignored\n",
				      sizeof(ed.buf) - 1);
		else
			ret = monitor_exec(ed.buf);
		if (ret != MON_EXIT)
			line_reset(&ed);
	}
	report_set_counting(counting);
}

/* ---- commands that belong to no subsystem ---------------------------- */

/* The commands in name order (the section is in link order). */
static const struct monitor_cmd *next_by_name(const struct monitor_cmd *prev)
{
	const struct monitor_cmd *c, *best = NULL;

	for (c = __start_monitor_cmds; c < __stop_monitor_cmds; c++) {
		if (prev && strcmp(c->name, prev->name) <= 0)
			continue;
		if (!best || strcmp(c->name, best->name) < 0)
			best = c;
	}
	return best;
}

static int cmd_help(int argc, char **argv)
{
	const struct monitor_cmd *c;

	if (argc == 2) {
		c = find_cmd(argv[1]);
		if (!c) {
			console_print("help: no command '%s'\n", argv[1]);
			return MON_USAGE;
		}
		console_print("usage: %s\n  %s\n", c->usage, c->help);
		return 0;
	}
	for (c = next_by_name(NULL); c; c = next_by_name(c))
		console_print("  %-26s %s\n", c->usage, c->help);
	console_print("Numbers: 42, 0x2a or 052. Sizes: 4096, 64K, 2M. "
		      "Addresses: hex (0x optional) or a function name.\n");
	console_print("Editing: Backspace erases, Ctrl-U or Ctrl-C drops the "
		      "line.\n");
	return 0;
}
MONITOR_CMD("help", cmd_help, 0, 1, "help [COMMAND]",
	    "list the commands, or explain one");

static int cmd_cmdline(int argc, char **argv)
{
	const struct kparam *p;

	console_print("%s\n", cmdline_get());
	console_print("Keys:\n");
	for (p = kparams_begin(); p < kparams_end(); p++)
		console_print("  %-12s %s\n", p->key, p->help);
	return 0;
}
MONITOR_CMD("cmdline", cmd_cmdline, 0, 0, "cmdline",
	    "the boot command line and the keys it understands");

/*
 * Straight to the UART, not through console_print(): the log must not
 * swallow a copy of itself each time it is read.
 */
static int cmd_dmesg(int argc, char **argv)
{
	static char text[LOG_BUF_SIZE];
	size_t n = log_read(text, sizeof(text));

	serial_write(text, n);
	return 0;
}
MONITOR_CMD("dmesg", cmd_dmesg, 0, 0, "dmesg",
	    "the kernel log buffer, oldest first");

static int cmd_exit(int argc, char **argv)
{
	console_print("monitor: bye\n");
	return MON_EXIT;
}
MONITOR_CMD("exit", cmd_exit, 0, 0, "exit",
	    "leave the monitor; kvlab then ends QEMU");
