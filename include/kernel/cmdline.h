/*
 * include/kernel/cmdline.h: the kernel command line (DESIGN.md section 5).
 *
 * Words are separated by blanks; a word is key=value (the value may be in
 * double quotes) or a bare key. The first word is skipped when it is the
 * kernel image's path (GRUB and QEMU put it there). Each subsystem
 * registers the keys it understands next to the code that uses them:
 *
 *   static int set_loglevel(const char *val) { ... }
 *   KPARAM("loglevel", set_loglevel, "console log level 0-8");
 *
 * An unknown key, or a value its setter refuses, gets a warning naming the
 * word; nothing on the command line is ever fatal.
 */
#ifndef KVLAB_KERNEL_CMDLINE_H
#define KVLAB_KERNEL_CMDLINE_H

#include <lib/compiler.h>
#include <lib/types.h>

#define CMDLINE_MAX	  1024 /* bytes, with the NUL; longer lines are cut */
#define CMDLINE_VALUE_MAX 256  /* longest value passed to a setter */

struct kparam {
	const char *key;
	/*
	 * set - apply @val (NULL for a bare key).
	 * Return: 0, or -EINVAL after explaining what was expected in @why.
	 */
	int (*set)(const char *val, char *why, size_t why_size);
	const char *help;
};

#define KPARAM(name, fn, helptext)                                     \
	static const struct kparam __kparam_##fn __section(".kparams") \
		__used __aligned(8) = { name, fn, helptext }

struct cmdline_result {
	unsigned int nr_words;	  /* key words seen */
	unsigned int nr_applied;  /* accepted by a setter */
	unsigned int nr_warnings; /* unknown, refused or malformed */
};

/*
 * cmdline_parse - split @line and hand each word to its key's setter.
 * @params, @nr_params: the known keys.
 * @warn: called with a one-line explanation for every bad word (may be
 *        NULL).
 * Works on any bytes: @line is read up to its NUL or @max_len bytes.
 */
void cmdline_parse(const char *line, size_t max_len,
		   const struct kparam *params, size_t nr_params,
		   void (*warn)(const char *msg), struct cmdline_result *res);

/* cmdline_init - parse the boot command line against the KPARAM keys. */
void cmdline_init(const char *line);

/* The boot command line as given (truncated to CMDLINE_MAX - 1 bytes). */
const char *cmdline_get(void);

/* Registered keys (for the monitor's help). */
const struct kparam *kparams_begin(void);
const struct kparam *kparams_end(void);

/* Helpers for setters. Each returns 0 or -EINVAL with @why filled. */
int kparam_bool(const char *val, bool *out, char *why, size_t why_size);
int kparam_ulong(const char *val, unsigned long min, unsigned long max,
		 unsigned long *out, char *why, size_t why_size);

#endif
