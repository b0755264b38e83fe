/*
 * tests/host/test_vsprintf.c: kv_vsnprintf (lib/vsprintf.c) against the
 * host C library's snprintf.
 *
 * Random conversions from the subset both implement the same way (%d %i
 * %u %x %X %o %c %s with the flags - + space # 0, a width, a precision,
 * either from '*', and the lengths hh h l ll z j t), each between random
 * literal text and into a buffer of random size, compared byte for byte
 * with the return value. Left out, because C leaves them undefined: '#'
 * on d/i/u/c/s, '0' and precision on c, '0' '+' ' ' on s, NULL strings.
 * Where kvlab deliberately differs from C (as Linux does), the expected
 * text is derived from C's: %#x of zero prints "0x0", not "0".
 */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include <lib/printf.h>
#include <lib/string.h>

#define FMT_MAX 256
#define OUT_MAX 4096

enum star { STAR_NONE, STAR_WIDTH, STAR_PREC, STAR_BOTH };

/* One conversion, generated. */
struct conv {
	char text[64]; /* "%-+08.3llx" */
	char c;	       /* conversion letter */
	char len[3];   /* length modifier */
	bool alt, star_width, star_prec;
	int width_arg, prec_arg; /* values for '*' */
	int prec;		 /* effective precision, -1 for none */
};

static const char *const lengths[] = { "", "hh", "h", "l", "ll", "z", "j", "t" };

static bool one_in(struct prng *r, u64 n)
{
	return prng_below(r, n) == 0;
}

/* Flags C defines for @c (see the header comment). */
static const char *flags_for(char c)
{
	switch (c) {
	case 'd':
	case 'i':
		return "-+ 0";
	case 'u':
		return "-+ 0"; /* + and space: no effect on unsigned */
	case 'x':
	case 'X':
	case 'o':
		return "-+ #0";
	default:
		return "-"; /* c, s */
	}
}

static void gen_conv(struct prng *r, struct conv *cv, char c, const char *len,
		     bool stars_ok)
{
	const char *flags = flags_for(c);
	char *p = cv->text;
	unsigned int i, nr_flags = (unsigned int)prng_below(r, 4);

	memset(cv, 0, sizeof(*cv));
	cv->c = c;
	strcpy(cv->len, len);
	cv->prec = -1;
	*p++ = '%';
	for (i = 0; i < nr_flags; i++) {
		char f = flags[prng_below(r, strlen(flags))];

		*p++ = f;
		cv->alt |= f == '#';
	}
	if (stars_ok && one_in(r, 4)) {
		cv->star_width = true;
		cv->width_arg = (int)prng_below(r, 61) - 30;
		*p++ = '*';
	} else if (one_in(r, 2)) {
		p += sprintf(p, "%d", (int)prng_range(r, 1, 30));
	}
	if (c != 'c' && one_in(r, 2)) {
		*p++ = '.';
		if (stars_ok && one_in(r, 3)) {
			cv->star_prec = true;
			cv->prec_arg = (int)prng_below(r, 34) - 3;
			cv->prec = cv->prec_arg < 0 ? -1 : cv->prec_arg;
			*p++ = '*';
		} else if (one_in(r, 5)) {
			cv->prec = 0; /* a lone '.' is precision 0 */
		} else {
			cv->prec = (int)prng_below(r, 31);
			p += sprintf(p, "%d", cv->prec);
		}
	}
	p += sprintf(p, "%s%c", len, c);
}

/* A value with the edge cases well represented. */
static u64 gen_value(struct prng *r)
{
	switch (prng_below(r, 8)) {
	case 0:
		return 0;
	case 1:
		return prng_below(r, 300);
	case 2:
		return 0 - prng_below(r, 300);
	case 3:
		return 1ULL << prng_below(r, 64);
	case 4:
		return (1ULL << prng_below(r, 64)) - 1;
	case 5:
		return ~0ULL << prng_below(r, 64);
	default:
		return prng_next(r) >> prng_below(r, 64);
	}
}

static void gen_string(struct prng *r, char *s, size_t max)
{
	size_t n = prng_below(r, MIN(max, (size_t)40)), i;

	for (i = 0; i < n; i++)
		s[i] = (char)prng_range(r, 0x20, 0x7e);
	s[n] = '\0';
}

/*
 * Random literal text without '%' (or with an escaped "%%") at @p; returns
 * its end. *@printed (if not NULL) gets the number of characters it prints.
 */
static char *gen_literal(struct prng *r, char *p, size_t *printed)
{
	unsigned int n = (unsigned int)prng_below(r, 5), i;

	for (i = 0; i < n; i++) {
		if (one_in(r, 8)) {
			*p++ = '%';
			*p++ = '%';
		} else {
			char ch = (char)prng_range(r, 0x20, 0x7e);

			*p++ = ch == '%' ? '_' : ch;
		}
	}
	*p = '\0';
	if (printed)
		*printed = n;
	return p;
}

/* The value as the conversion shows it (after hh/h narrowing). */
static u64 shown_unsigned(const struct conv *cv, u64 v)
{
	if (!strcmp(cv->len, "hh"))
		return (unsigned char)v;
	if (!strcmp(cv->len, "h"))
		return (unsigned short)v;
	if (!cv->len[0])
		return (unsigned int)v;
	return v;
}

struct outcome {
	int kn, cn;
	char *kbuf; /* kvlab's: exactly size bytes (NULL for 0) */
	char *cbuf; /* C's: OUT_MAX bytes, always the whole text */
	size_t size;
};

static char c_out[OUT_MAX], c_one[OUT_MAX];

/*
 * Call kv_snprintf and snprintf with the same arguments: the conversion's
 * '*' values first, then @arg of type @T.
 */
#define CALL_BOTH(o, fmt, cv, T, arg)                                          \
	do {                                                                   \
		T a_ = (T)(arg);                                               \
		int w_ = (cv)->width_arg, p_ = (cv)->prec_arg;                 \
		if ((cv)->star_width && (cv)->star_prec) {                     \
			(o)->kn = kv_snprintf((o)->kbuf, (o)->size, fmt, w_,   \
					      p_, a_);                         \
			(o)->cn =                                              \
				snprintf((o)->cbuf, OUT_MAX, fmt, w_, p_, a_); \
		} else if ((cv)->star_width) {                                 \
			(o)->kn = kv_snprintf((o)->kbuf, (o)->size, fmt, w_,   \
					      a_);                             \
			(o)->cn = snprintf((o)->cbuf, OUT_MAX, fmt, w_, a_);   \
		} else if ((cv)->star_prec) {                                  \
			(o)->kn = kv_snprintf((o)->kbuf, (o)->size, fmt, p_,   \
					      a_);                             \
			(o)->cn = snprintf((o)->cbuf, OUT_MAX, fmt, p_, a_);   \
		} else {                                                       \
			(o)->kn = kv_snprintf((o)->kbuf, (o)->size, fmt, a_);  \
			(o)->cn = snprintf((o)->cbuf, OUT_MAX, fmt, a_);       \
		}                                                              \
	} while (0)

/* CALL_BOTH with the argument type the length modifier asks for. */
#define CALL_BY_LENGTH(o, fmt, cv, v, T_l, T_ll, T_z, T_j, T_t, T_int) \
	do {                                                           \
		const char *l_ = (cv)->len;                            \
		if (!strcmp(l_, "l"))                                  \
			CALL_BOTH(o, fmt, cv, T_l, v);                 \
		else if (!strcmp(l_, "ll"))                            \
			CALL_BOTH(o, fmt, cv, T_ll, v);                \
		else if (!strcmp(l_, "z"))                             \
			CALL_BOTH(o, fmt, cv, T_z, v);                 \
		else if (!strcmp(l_, "j"))                             \
			CALL_BOTH(o, fmt, cv, T_j, v);                 \
		else if (!strcmp(l_, "t"))                             \
			CALL_BOTH(o, fmt, cv, T_t, v);                 \
		else /* "", hh, h: promoted to int */                  \
			CALL_BOTH(o, fmt, cv, T_int, v);               \
	} while (0)

static void call_signed(struct outcome *o, const char *fmt,
			const struct conv *cv, u64 v)
{
	CALL_BY_LENGTH(o, fmt, cv, v, long, long long, ssize_t, intmax_t,
		       ptrdiff_t, int);
}

static void call_unsigned(struct outcome *o, const char *fmt,
			  const struct conv *cv, u64 v)
{
	CALL_BY_LENGTH(o, fmt, cv, v, unsigned long, unsigned long long, size_t,
		       uintmax_t, ptrdiff_t, unsigned int);
}

/*
 * kvlab prints %#x of zero as Linux does, "0x" then the digits: C's text
 * for the value 1 with that one digit turned to 0. The conversion's text
 * lies between @pre and @post characters of literal text. (With precision
 * 0 there are no digits; the caller leaves that case out.)
 */
static void linux_alt_zero(struct outcome *o, const char *fmt,
			   const struct conv *cv, size_t pre, size_t post)
{
	struct outcome one = { .cbuf = c_one, .size = 0 };
	size_t i;

	call_unsigned(&one, fmt, cv, 1);
	memcpy(o->cbuf, one.cbuf, OUT_MAX);
	o->cn = one.cn;
	for (i = (size_t)o->cn - post; i > pre; i--) {
		if (o->cbuf[i - 1] == '1') {
			o->cbuf[i - 1] = '0';
			break;
		}
	}
}

/* Compare kvlab's truncated output with C's full output. */
static bool same_output(struct host_test *t, const struct outcome *o,
			const char *fmt)
{
	size_t keep;

	if (!CHECK(t, o->kn == o->cn,
		   "format \"%s\" size %zu: kvlab returns %d, C %d (C wrote "
		   "\"%s\")",
		   fmt, o->size, o->kn, o->cn, o->cbuf))
		return false;
	if (o->size == 0)
		return true;
	keep = MIN((size_t)o->cn, o->size - 1);
	return CHECK(t,
		     !memcmp(o->kbuf, o->cbuf, keep) && o->kbuf[keep] == '\0',
		     "format \"%s\" size %zu: kvlab wrote \"%.*s\", C \"%.*s\"",
		     fmt, o->size, (int)keep, o->kbuf, (int)keep, o->cbuf);
}

static size_t gen_size(struct prng *r)
{
	switch (prng_below(r, 4)) {
	case 0:
		return prng_below(r, 4); /* 0 to 3: the edges */
	case 1:
		return prng_below(r, 40);
	default:
		return OUT_MAX;
	}
}

/* One random conversion in random text compares equal to C's. */
static bool one_conversion(struct host_test *t)
{
	static const char convs[] = "diuxXocs";
	struct prng *r = &t->rng;
	char c = convs[prng_below(r, sizeof(convs) - 1)];
	const char *len = strchr("cs", c)
				  ? ""
				  : lengths[prng_below(r, ARRAY_SIZE(lengths))];
	char fmt[FMT_MAX], str[64], *p;
	struct outcome o = { .cbuf = c_out, .size = gen_size(r) };
	struct conv cv;
	u64 v = gen_value(r);
	size_t pre, post;
	bool ok;

	gen_conv(r, &cv, c, len, true);
	p = gen_literal(r, fmt, &pre);
	p = stpcpy(p, cv.text);
	gen_literal(r, p, &post);
	gen_string(r, str, sizeof(str));
	o.kbuf = o.size ? malloc(o.size) : NULL;
	if (strchr("di", c))
		call_signed(&o, fmt, &cv, v);
	else if (strchr("uxXo", c))
		call_unsigned(&o, fmt, &cv, v);
	else if (c == 'c')
		CALL_BOTH(&o, fmt, &cv, int,
			  one_in(r, 10) ? 0 : prng_range(r, 1, 255));
	else
		CALL_BOTH(&o, fmt, &cv, const char *, str);
	if (cv.alt && strchr("xX", c) && shown_unsigned(&cv, v) == 0) {
		if (cv.prec == 0) {
			free(o.kbuf);
			return true;
		}
		linux_alt_zero(&o, fmt, &cv, pre, post);
	}
	ok = same_output(t, &o, fmt);
	free(o.kbuf);
	return ok;
}

/* Random single conversions print what C prints. */
static void random_conversions(struct host_test *t)
{
	unsigned long i, n = host_iters(t, 200000);

	for (i = 0; i < n; i++)
		if (!one_conversion(t))
			return;
}

/* Several conversions in one format: va_list handling between them. */
static void random_formats(struct host_test *t)
{
	struct prng *r = &t->rng;
	unsigned long i, n = host_iters(t, 50000);

	for (i = 0; i < n; i++) {
		struct conv d, s, x, c, u;
		struct outcome o = { .cbuf = c_out, .size = gen_size(r) };
		char fmt[FMT_MAX], str[64], *p = fmt;
		int iv = (int)gen_value(r), ch = (int)prng_range(r, 1, 255);
		unsigned long long xv = gen_value(r);
		size_t uv = gen_value(r);

		gen_conv(r, &d, 'd', "", false);
		gen_conv(r, &s, 's', "", false);
		gen_conv(r, &x, 'x', "ll", false);
		gen_conv(r, &c, 'c', "", false);
		gen_conv(r, &u, 'u', "z", false);
		if (x.alt && xv == 0)
			xv = 1; /* %#x of 0 is one_conversion's */
		p = gen_literal(r, p, NULL);
		p = stpcpy(p, d.text);
		p = gen_literal(r, p, NULL);
		p = stpcpy(p, s.text);
		p = stpcpy(p, x.text);
		p = gen_literal(r, p, NULL);
		p = stpcpy(p, c.text);
		p = stpcpy(p, u.text);
		gen_literal(r, p, NULL);
		gen_string(r, str, sizeof(str));
		o.kbuf = o.size ? malloc(o.size) : NULL;
		o.kn = kv_snprintf(o.kbuf, o.size, fmt, iv, str, xv, ch, uv);
		o.cn = snprintf(o.cbuf, OUT_MAX, fmt, iv, str, xv, ch, uv);
		if (!same_output(t, &o, fmt)) {
			free(o.kbuf);
			return;
		}
		free(o.kbuf);
	}
}

/* Through a call, so the compiler cannot see the NULL or the odd format. */
static __noinline const char *opaque(const char *s)
{
	return s;
}

static bool expect_text(struct host_test *t, const char *got, const char *want,
			const char *what)
{
	return CHECK(t, !strcmp(got, want), "%s: got \"%s\", want \"%s\"", what,
		     got, want);
}

/* Where kvlab follows Linux rather than C: %#x of 0, %p. */
static void linux_differences(struct host_test *t)
{
	char buf[64];

	kv_snprintf(buf, sizeof(buf), "%#x", 0);
	expect_text(t, buf, "0x0", "%#x of 0");
	kv_snprintf(buf, sizeof(buf), "[%#6x]", 0);
	expect_text(t, buf, "[   0x0]", "%#6x of 0");
	kv_snprintf(buf, sizeof(buf), "[%#06X]", 0);
	expect_text(t, buf, "[0X0000]", "%#06X of 0");
	kv_snprintf(buf, sizeof(buf), "%p", (void *)0x1234);
	expect_text(t, buf, "0x1234", "%p");
	kv_snprintf(buf, sizeof(buf), "%p", NULL);
	expect_text(t, buf, "0x0", "%p of NULL");
	kv_snprintf(buf, sizeof(buf), "%pS", (void *)0xabc);
	expect_text(t, buf, "0xabc", "%pS without a symbolizer");
	kv_snprintf(buf, sizeof(buf), "%s", opaque(NULL));
	expect_text(t, buf, "(null)", "%s of NULL");
	kv_snprintf(buf, sizeof(buf), opaque("%q%"), 0);
	expect_text(t, buf, "%q%", "an unknown conversion and a lone %");
}

/* scnprintf returns what it wrote, never more than size - 1. */
static void scnprintf_counts_written(struct host_test *t)
{
	struct prng *r = &t->rng;
	unsigned long i, n = host_iters(t, 20000);
	char buf[48];

	for (i = 0; i < n; i++) {
		size_t size = prng_below(r, sizeof(buf) + 1);
		int v = (int)gen_value(r), got, full;

		full = snprintf(NULL, 0, "value=%d!", v);
		got = scnprintf(size ? buf : NULL, size, "value=%d!", v);
		if (!CHECK(t, got == (size ? MIN(full, (int)size - 1) : 0),
			   "scnprintf(size %zu, value=%d!) returned %d, full "
			   "length %d",
			   size, v, got, full))
			return;
		if (size && !CHECK(t, (int)strlen(buf) == got,
				   "scnprintf wrote %zu characters, returned "
				   "%d",
				   strlen(buf), got))
			return;
	}
}

const struct host_suite suite_vsprintf = HOST_SUITE(
	"vsprintf", HOST_CASE(random_conversions), HOST_CASE(random_formats),
	HOST_CASE(linux_differences), HOST_CASE(scnprintf_counts_written));
