/* lib/strutil.c: kvlab's string helpers (kernel and host builds). */
#include <lib/errno.h>
#include <lib/string.h>

ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t i;

	if (size == 0)
		return -E2BIG;
	for (i = 0; i < size - 1 && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
	return src[i] ? -E2BIG : (ssize_t)i;
}

void *memchr_inv(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p != (unsigned char)c)
			return (void *)p;
	return NULL;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/*
 * Parse digits at *sp; stop at the first non-digit and leave *sp there.
 * Return: 0, -EINVAL when there are no digits, -ERANGE on overflow.
 */
static int parse_digits(const char **sp, unsigned int base,
			unsigned long long *res)
{
	const char *s = *sp;
	unsigned long long v = 0;
	int d, n = 0;

	if (base == 0) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
		    digit_value(s[2]) < 16) {
			base = 16;
			s += 2;
		} else if (s[0] == '0' && s[1]) {
			base = 8;
		} else {
			base = 10;
		}
	} else if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
		   digit_value(s[2]) < 16) {
		s += 2;
	}
	for (; (d = digit_value(*s)) < (int)base; s++, n++) {
		if (v > (~0ULL - (unsigned)d) / base)
			return -ERANGE;
		v = v * base + (unsigned)d;
	}
	if (n == 0)
		return -EINVAL;
	*sp = s;
	*res = v;
	return 0;
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	unsigned long long v;
	int err;

	if (base != 0 && base != 8 && base != 10 && base != 16)
		return -EINVAL;
	if (*s == '+')
		s++;
	err = parse_digits(&s, base, &v);
	if (err)
		return err;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

int kstrtoll(const char *s, unsigned int base, long long *res)
{
	unsigned long long v;
	bool neg = false;
	int err;

	if (*s == '-') {
		neg = true;
		s++;
		if (*s == '+') /* one sign only, as Linux */
			return -EINVAL;
	}
	err = kstrtoull(s, base, &v);
	if (err)
		return err;
	if (neg) {
		if (v > (unsigned long long)INT64_MAX + 1)
			return -ERANGE;
		*res = (long long)(0 - v);
	} else {
		if (v > (unsigned long long)INT64_MAX)
			return -ERANGE;
		*res = (long long)v;
	}
	return 0;
}

int memparse_strict(const char *s, unsigned long long *res)
{
	unsigned long long v;
	unsigned int shift = 0;
	int err;

	err = parse_digits(&s, 0, &v);
	if (err)
		return err;
	switch (*s) {
	case 'k':
	case 'K':
		shift = 10;
		s++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		s++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		s++;
		break;
	case 't':
	case 'T':
		shift = 40;
		s++;
		break;
	case 'p':
	case 'P':
		shift = 50;
		s++;
		break;
	default:
		break;
	}
	if (*s)
		return -EINVAL;
	if (shift && v > (~0ULL >> shift))
		return -ERANGE;
	*res = v << shift;
	return 0;
}
