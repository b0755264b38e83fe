/*
 * kernel/cmdline.c: split the command line into words and apply them.
 *
 * cmdline_parse() is pure (no globals, no printk), so tests/host can fuzz
 * it with arbitrary bytes; cmdline_init() applies it to the KPARAM table
 * with warnings through printk.
 */
#include <kernel/cmdline.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>

#ifndef KVLAB_HOST
#include <kernel/printk.h>

extern const struct kparam __start_kparams[], __stop_kparams[];
static char boot_cmdline[CMDLINE_MAX];
#endif

struct word {
	char key[64];
	char val[CMDLINE_VALUE_MAX];
	bool has_val;
	bool key_too_long, val_too_long, unterminated_quote;
	bool path_like; /* the whole key has a '/' or '.' */
};

/*
 * Read one word starting at *pos (blanks already skipped); leaves *pos
 * after it. A value in double quotes may contain blanks.
 */
static void next_word(const char *line, size_t len, size_t *pos, struct word *w)
{
	size_t i = *pos, n = 0;
	bool quoted = false;

	memset(w, 0, sizeof(*w));
	while (i < len && line[i] && !is_space(line[i]) && line[i] != '=') {
		if (n < sizeof(w->key) - 1)
			w->key[n++] = line[i];
		else
			w->key_too_long = true;
		if (line[i] == '/' || line[i] == '.')
			w->path_like = true;
		i++;
	}
	if (i < len && line[i] == '=') {
		w->has_val = true;
		i++;
		n = 0;
		if (i < len && line[i] == '"') {
			quoted = true;
			i++;
		}
		while (i < len && line[i]) {
			if (quoted ? line[i] == '"' : is_space(line[i]))
				break;
			if (n < sizeof(w->val) - 1)
				w->val[n++] = line[i];
			else
				w->val_too_long = true;
			i++;
		}
		if (quoted) {
			if (i < len && line[i] == '"')
				i++;
			else
				w->unterminated_quote = true;
		}
	}
	/* Skip anything glued on after a closing quote. */
	while (i < len && line[i] && !is_space(line[i]))
		i++;
	*pos = i;
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if (!is_print(*s))
			return false;
	return true;
}

static void warnf(void (*warn)(const char *), const char *fmt, ...)
	__printf(2, 3);
static void warnf(void (*warn)(const char *), const char *fmt, ...)
{
	char msg[CMDLINE_VALUE_MAX + 160];
	va_list ap;

	if (!warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(msg);
}

static const struct kparam *find_param(const char *key,
				       const struct kparam *params, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(params[i].key, key))
			return &params[i];
	return NULL;
}

/* Returns true when the word was accepted by a setter. */
static bool apply_word(const struct word *w, const struct kparam *params,
		       size_t nr, void (*warn)(const char *))
{
	const struct kparam *p;
	char why[160];

	if (!printable(w->key) || (w->has_val && !printable(w->val))) {
		warnf(warn, "ignoring a word with unprintable characters");
		return false;
	}
	if (w->key_too_long || w->val_too_long) {
		warnf(warn, "ignoring '%s%s...': word too long", w->key,
		      w->has_val ? "=" : "");
		return false;
	}
	if (w->key[0] == '\0') {
		warnf(warn, "ignoring '=%s': no key", w->val);
		return false;
	}
	p = find_param(w->key, params, nr);
	if (!p) {
		warnf(warn, "unknown key '%s' ignored", w->key);
		return false;
	}
	if (w->unterminated_quote) {
		warnf(warn, "%s: unterminated quote, value ignored", w->key);
		return false;
	}
	why[0] = '\0';
	if (p->set(w->has_val ? w->val : NULL, why, sizeof(why))) {
		warnf(warn, "%s%s%s: %s; ignored", w->key,
		      w->has_val ? "=" : "", w->has_val ? w->val : "",
		      why[0] ? why : "bad value");
		return false;
	}
	return true;
}

void cmdline_parse(const char *line, size_t max_len,
		   const struct kparam *params, size_t nr_params,
		   void (*warn)(const char *msg), struct cmdline_result *res)
{
	size_t pos = 0;
	struct word w;
	bool first = true;

	memset(res, 0, sizeof(*res));
	for (;;) {
		while (pos < max_len && line[pos] && is_space(line[pos]))
			pos++;
		if (pos >= max_len || !line[pos])
			break;
		next_word(line, max_len, &pos, &w);
		/*
		 * The loader's first word is the image path: "/boot/kvlab.elf"
		 * from GRUB, "build/gcc/kvlab.elf" from qemu -kernel. Keys
		 * never contain '/' or '.'. (Looked for in the whole word: a
		 * long path keeps only its first bytes in w.key.)
		 */
		if (first && !w.has_val && w.path_like) {
			first = false;
			continue;
		}
		first = false;
		res->nr_words++;
		if (apply_word(&w, params, nr_params, warn))
			res->nr_applied++;
		else
			res->nr_warnings++;
	}
}

int kparam_bool(const char *val, bool *out, char *why, size_t why_size)
{
	if (!val || !strcmp(val, "1") || !strcmp(val, "y") ||
	    !strcmp(val, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(val, "0") || !strcmp(val, "n") || !strcmp(val, "off")) {
		*out = false;
		return 0;
	}
	snprintf(why, why_size, "expected 0 or 1");
	return -EINVAL;
}

int kparam_ulong(const char *val, unsigned long min, unsigned long max,
		 unsigned long *out, char *why, size_t why_size)
{
	unsigned long long v;
	int err;

	if (!val) {
		snprintf(why, why_size, "needs a value");
		return -EINVAL;
	}
	err = kstrtoull(val, 0, &v);
	if (err || v < min || v > max) {
		snprintf(why, why_size, "expected a number from %lu to %lu%s",
			 min, max, err == -ERANGE ? " (too large)" : "");
		return -EINVAL;
	}
	*out = (unsigned long)v;
	return 0;
}

#ifndef KVLAB_HOST
static void cmdline_warn(const char *msg)
{
	pr_warn("cmdline: %s\n", msg);
}

void cmdline_init(const char *line)
{
	struct cmdline_result res;
	ssize_t n =
		strscpy(boot_cmdline, line ? line : "", sizeof(boot_cmdline));

	if (n < 0)
		pr_warn("cmdline: longer than %d bytes, cut\n",
			CMDLINE_MAX - 1);
	cmdline_parse(boot_cmdline, sizeof(boot_cmdline), __start_kparams,
		      (size_t)(__stop_kparams - __start_kparams), cmdline_warn,
		      &res);
}

const char *cmdline_get(void)
{
	return boot_cmdline;
}

const struct kparam *kparams_begin(void)
{
	return __start_kparams;
}

const struct kparam *kparams_end(void)
{
	return __stop_kparams;
}

static int set_loglevel(const char *val, char *why, size_t why_size)
{
	unsigned long v;

	if (kparam_ulong(val, 0, 8, &v, why, why_size))
		return -EINVAL;
	console_loglevel = (int)v;
	return 0;
}
KPARAM("loglevel", set_loglevel,
       "console log level: messages below it print (0-8, default 7; 8: "
       "debug lines, and the reports tests provoke, in full)");
#endif
