/*
 * tests/host/model_strto.c: models of kstrtoull, kstrtoll and
 * memparse_strict (include/lib/string.h), as Linux's kstrto*() behave:
 *
 *   kstrtoull  ['+'] [prefix] digits ['\n']     whole string, no blanks
 *   kstrtoll   ['-' | '+'] [prefix] digits ['\n']  ("-+1" is refused)
 *   memparse   [prefix] digits [kKmMgGtTpP]
 *
 * where base 0 picks 16 for "0x" followed by a hex digit, 8 for a leading
 * 0 and 10 otherwise, and base 16 allows that "0x" too. The digit run is
 * found with strspn() and converted with strtoull(), whose ERANGE is the
 * overflow.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "models.h"
#include <lib/string.h>

static const char *digit_set(unsigned int base)
{
	switch (base) {
	case 8:
		return "01234567";
	case 10:
		return "0123456789";
	default:
		return "0123456789abcdefABCDEF";
	}
}

static bool hex_prefix(const char *p)
{
	return p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	       isxdigit((unsigned char)p[2]);
}

/*
 * The number at *@sp in @base (0: by prefix); *@sp is left after the
 * digits. Return: 0, -EINVAL (no digits) or -ERANGE.
 */
static int model_digits(const char **sp, unsigned int base,
			unsigned long long *res)
{
	const char *p = *sp;
	char run[512];
	size_t n;

	if (base == 0)
		base = hex_prefix(p) ? 16 : p[0] == '0' ? 8 : 10;
	if (base == 16 && hex_prefix(p))
		p += 2;
	n = strspn(p, digit_set(base));
	if (n == 0)
		return -EINVAL;
	if (n >= sizeof(run)) {
		/* Leading zeros aside, this many digits cannot fit. */
		size_t z = strspn(p, "0");

		if (n - z >= sizeof(run))
			return -ERANGE;
		p += z;
		n -= z;
		if (n == 0) {
			*sp = p;
			*res = 0;
			return 0;
		}
	}
	memcpy(run, p, n);
	run[n] = '\0';
	errno = 0;
	*res = strtoull(run, NULL, (int)base);
	if (errno == ERANGE)
		return -ERANGE;
	*sp = p + n;
	return 0;
}

/* Like kstrtoull, minus the '+': Linux's _kstrtoull(). */
static int model_kstrtoull_unsigned(const char *s, unsigned int base,
				    unsigned long long *res)
{
	unsigned long long v;
	int err;

	if (base != 0 && base != 8 && base != 10 && base != 16)
		return -EINVAL;
	err = model_digits(&s, base, &v);
	if (err)
		return err;
	if (strcmp(s, "") && strcmp(s, "\n")) /* only a newline may follow */
		return -EINVAL;
	*res = v;
	return 0;
}

int model_kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	return model_kstrtoull_unsigned(s[0] == '+' ? s + 1 : s, base, res);
}

int model_kstrtoll(const char *s, unsigned int base, long long *res)
{
	unsigned long long v;
	int err;

	if (s[0] == '-') {
		err = model_kstrtoull_unsigned(s + 1, base, &v);
		if (err)
			return err;
		if (v > (1ULL << 63))
			return -ERANGE;
		*res = v == (1ULL << 63) ? INT64_MIN : -(long long)v;
		return 0;
	}
	err = model_kstrtoull(s, base, &v);
	if (err)
		return err;
	if (v > (unsigned long long)INT64_MAX)
		return -ERANGE;
	*res = (long long)v;
	return 0;
}

int model_memparse_strict(const char *s, unsigned long long *res)
{
	static const char suffixes[] = "kKmMgGtTpP";
	unsigned long long v;
	unsigned int shift = 0;
	const char *suf;
	int err;

	err = model_digits(&s, 0, &v);
	if (err)
		return err;
	if (*s && (suf = strchr(suffixes, *s)) != NULL) {
		shift = 10 * (1 + (unsigned int)(suf - suffixes) / 2);
		s++;
	}
	if (*s)
		return -EINVAL;
	if (shift && (v << shift) >> shift != v)
		return -ERANGE;
	*res = v << shift;
	return 0;
}
