/*
 * tests/host/test_strutil.c: lib/strutil.c against models: kstrtoull,
 * kstrtoll and memparse_strict against model_strto.c (strtoull inside),
 * strscpy and memchr_inv against the obvious loops.
 */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "models.h"
#include <lib/errno.h>
#include <lib/string.h>

/* A string that is nearly a number: digits, prefixes, signs, junk. */
static void gen_numberish(struct prng *r, char *s, size_t size)
{
	static const char *const pieces[] = {
		"0",
		"1",
		"7",
		"8",
		"9",
		"a",
		"f",
		"F",
		"g",
		"x",
		"X",
		"0x",
		"0X",
		"+",
		"-",
		"\n",
		" ",
		"k",
		"M",
		"G",
		"t",
		"P",
		"e",
		"18446744073709551615",
		"18446744073709551616",
		"9223372036854775807",
		"9223372036854775808",
		"ffffffffffffffff",
		"10000000000000000",
		"1777777777777777777777",
		"2000000000000000000000",
		"000000000000000000000000000000",
	};
	size_t n = 0, want = prng_below(r, 6);

	s[0] = '\0';
	while (want--) {
		const char *p;
		char digits[24];

		if (prng_below(r, 3) == 0) {
			snprintf(digits, sizeof(digits), "%llu",
				 (unsigned long long)(prng_next(r) >>
						      prng_below(r, 64)));
			p = digits;
		} else {
			p = pieces[prng_below(r, ARRAY_SIZE(pieces))];
		}
		if (n + strlen(p) + 1 > size)
			break;
		strcpy(s + n, p);
		n += strlen(p);
	}
}

static const unsigned int bases[] = { 0, 8, 10, 16, 2, 36 };

/* kstrtoull, kstrtoll and memparse_strict agree with the model. */
static void numbers_against_model(struct host_test *t)
{
	struct prng *r = &t->rng;
	unsigned long i, n = host_iters(t, 200000);
	char s[96];

	for (i = 0; i < n; i++) {
		unsigned int base = bases[prng_below(r, ARRAY_SIZE(bases))];
		unsigned long long u = 0x5a5a, mu = 0x5a5a, m = 7, mm = 7;
		long long l = 0x5a5a, ml = 0x5a5a;
		int err, merr;

		gen_numberish(r, s, sizeof(s));
		err = kstrtoull(s, base, &u);
		merr = model_kstrtoull(s, base, &mu);
		if (!CHECK(t, err == merr && u == mu,
			   "kstrtoull(\"%s\", %u): %d %llu, model %d %llu", s,
			   base, err, u, merr, mu))
			return;
		err = kstrtoll(s, base, &l);
		merr = model_kstrtoll(s, base, &ml);
		if (!CHECK(t, err == merr && l == ml,
			   "kstrtoll(\"%s\", %u): %d %lld, model %d %lld", s,
			   base, err, l, merr, ml))
			return;
		err = memparse_strict(s, &m);
		merr = model_memparse_strict(s, &mm);
		if (!CHECK(t, err == merr && m == mm,
			   "memparse_strict(\"%s\"): %d %llu, model %d %llu", s,
			   err, m, merr, mm))
			return;
	}
}

/* Printing a number and parsing it back gives the number. */
static void kstrto_round_trip(struct host_test *t)
{
	struct prng *r = &t->rng;
	unsigned long i, n = host_iters(t, 100000);
	char s[40];

	for (i = 0; i < n; i++) {
		u64 v = prng_next(r) >> prng_below(r, 64);
		unsigned long long u = 0;
		long long l = 0;
		int err;

		switch (prng_below(r, 4)) {
		case 0:
			snprintf(s, sizeof(s), "%llu", (unsigned long long)v);
			break;
		case 1:
			snprintf(s, sizeof(s), "%#llx", (unsigned long long)v);
			break;
		case 2:
			snprintf(s, sizeof(s), "0%llo", (unsigned long long)v);
			break;
		default:
			snprintf(s, sizeof(s), "+%llu\n",
				 (unsigned long long)v);
			break;
		}
		err = kstrtoull(s, 0, &u);
		if (!CHECK(t, err == 0 && u == v,
			   "kstrtoull(\"%s\", 0) = %d, %llu", s, err, u))
			return;
		snprintf(s, sizeof(s), "%lld", (long long)v);
		err = kstrtoll(s, 10, &l);
		if (!CHECK(t, err == 0 && l == (long long)v,
			   "kstrtoll(\"%s\", 10) = %d, %lld", s, err, l))
			return;
	}
}

/* The Linux edge cases, spelled out. */
static void kstrto_edges(struct host_test *t)
{
	static const struct {
		const char *s;
		int err;
		long long v;
	} cases[] = {
		{ "-9223372036854775808", 0, INT64_MIN },
		{ "-9223372036854775809", -ERANGE, 0 },
		{ "9223372036854775807", 0, INT64_MAX },
		{ "9223372036854775808", -ERANGE, 0 },
		{ "-0", 0, 0 },
		{ "+5", 0, 5 },
		{ "-+5", -EINVAL, 0 }, /* Linux: one sign only */
		{ "--5", -EINVAL, 0 },
		{ "+-5", -EINVAL, 0 },
		{ "5\n", 0, 5 },
		{ "5\n\n", -EINVAL, 0 },
		{ " 5", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "-", -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		long long v = 0;
		int err = kstrtoll(cases[i].s, 10, &v);

		CHECK(t, err == cases[i].err && (err || v == cases[i].v),
		      "kstrtoll(\"%s\") = %d, %lld; want %d, %lld", cases[i].s,
		      err, v, cases[i].err, cases[i].v);
	}
}

/* strscpy copies what fits, always terminates, and says when it cut. */
static void strscpy_against_model(struct host_test *t)
{
	struct prng *r = &t->rng;
	unsigned long i, n = host_iters(t, 50000);
	char src[64];

	for (i = 0; i < n; i++) {
		size_t len = prng_below(r, sizeof(src)),
		       size = prng_below(r, 70), k;
		char *dst = malloc(size ? size : 1);
		ssize_t got, want;

		for (k = 0; k < len; k++)
			src[k] = (char)prng_range(r, 1, 255);
		src[len] = '\0';
		got = strscpy(size ? dst : NULL, src, size);
		want = len < size ? (ssize_t)len : -E2BIG;
		if (!CHECK(t, got == want,
			   "strscpy(len %zu, size %zu) = %zd, want %zd", len,
			   size, got, want) ||
		    !CHECK(t,
			   size == 0 ||
				   (!memcmp(dst, src, MIN(len, size - 1)) &&
				    dst[MIN(len, size - 1)] == '\0'),
			   "strscpy(len %zu, size %zu) copied the wrong bytes",
			   len, size)) {
			free(dst);
			return;
		}
		free(dst);
	}
}

/* memchr_inv finds the first byte that differs, or NULL. */
static void memchr_inv_against_model(struct host_test *t)
{
	struct prng *r = &t->rng;
	unsigned long i, n = host_iters(t, 50000);
	u8 buf[200];

	for (i = 0; i < n; i++) {
		size_t len = prng_below(r, sizeof(buf) + 1), k;
		int c = (int)prng_below(r, 256);
		const u8 *want = NULL, *got;

		memset(buf, c, len);
		if (len && prng_below(r, 2)) {
			k = prng_below(r, len);
			buf[k] = (u8)(c + 1 + prng_below(r, 255));
			want = &buf[k];
		}
		got = memchr_inv(buf, c, len);
		if (!CHECK(t, got == want,
			   "memchr_inv(len %zu, %#x): %p, want %p", len, c,
			   (const void *)got, (const void *)want))
			return;
	}
}

const struct host_suite suite_strutil = HOST_SUITE(
	"strutil", HOST_CASE(numbers_against_model),
	HOST_CASE(kstrto_round_trip), HOST_CASE(kstrto_edges),
	HOST_CASE(strscpy_against_model), HOST_CASE(memchr_inv_against_model));
