/*
 * kernel/printk.c: printk with log levels, into a ring buffer and the
 * serial console.
 *
 * A KERN_CONT message continues the previous line and inherits its level,
 * so a line assembled from pieces is either shown whole or not at all.
 */
#include <kernel/printk.h>
#include <kernel/serial.h>
#include <lib/printf.h>
#include <lib/string.h>

int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;

char log_buf[LOG_BUF_SIZE];
u64 log_head;

static int last_level = LOGLEVEL_DEFAULT;
static int hide_depth;

void console_hide_begin(void)
{
	hide_depth++;
}

void console_hide_end(void)
{
	if (hide_depth > 0)
		hide_depth--;
}

bool console_hidden(void)
{
	return hide_depth > 0;
}

static void log_store(const char *s, size_t n)
{
	for (; n; n--, s++)
		log_buf[log_head++ & (LOG_BUF_SIZE - 1)] = *s;
}

size_t log_read(char *buf, size_t size)
{
	u64 avail = log_head < LOG_BUF_SIZE ? log_head : LOG_BUF_SIZE;
	u64 start, i;

	if (avail > size)
		avail = size;
	start = log_head - avail;
	/*
	 * Text before @start is left out: unless the byte just before it
	 * (still in the ring only when avail < LOG_BUF_SIZE) ends a line,
	 * skip the rest of the cut line.
	 */
	if (start && (avail == LOG_BUF_SIZE ||
		      log_buf[(start - 1) & (LOG_BUF_SIZE - 1)] != '\n')) {
		while (avail && log_buf[start & (LOG_BUF_SIZE - 1)] != '\n') {
			start++;
			avail--;
		}
		if (avail) { /* the newline itself */
			start++;
			avail--;
		}
	}
	for (i = 0; i < avail; i++)
		buf[i] = log_buf[(start + i) & (LOG_BUF_SIZE - 1)];
	return avail;
}

/* Split a leading KERN_<level> off @fmt; returns the level, or -1 for CONT. */
static int parse_level(const char **fmt)
{
	const char *f = *fmt;

	if (f[0] != KERN_SOH[0] || !f[1])
		return LOGLEVEL_DEFAULT;
	*fmt = f + 2;
	if (f[1] == 'c')
		return -1;
	if (f[1] >= '0' && f[1] <= '7')
		return f[1] - '0';
	return LOGLEVEL_DEFAULT;
}

int vprintk(const char *fmt, va_list ap)
{
	char line[512];
	int level = parse_level(&fmt);
	int n;

	if (level < 0)
		level = last_level;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n >= (int)sizeof(line)) {
		/* Keep the line break of a truncated line. */
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	last_level = level;
	log_store(line, (size_t)n);
	/* Hidden lines are shown as KERN_DEBUG ones are: at loglevel=8. */
	if (level < console_loglevel &&
	    (!hide_depth || console_loglevel > LOGLEVEL_DEBUG))
		serial_write(line, (size_t)n);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void console_print(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	log_store(line, (size_t)n);
	serial_write(line, (size_t)n);
}
