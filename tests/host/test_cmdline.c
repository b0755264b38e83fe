/*
 * tests/host/test_cmdline.c: cmdline_parse (kernel/cmdline.c) against its
 * model (model_cmdline.c) on random and adversarial lines, plus a few
 * lines whose outcome is written out by hand (which checks the model too).
 */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "models.h"
#include <lib/string.h>

/*
 * Check @len bytes of @line twice: from an exact-size copy with no NUL
 * (so reading past max_len is a heap overflow), and NUL-terminated with a
 * max_len beyond the NUL.
 */
static bool check_line(struct host_test *t, const char *line, size_t len)
{
	char why[WHY_SIZE];
	char *copy = malloc(len + 1);
	bool ok;

	memcpy(copy, line, len);
	ok = CHECK(t, cmdline_check(copy, len, why),
		   "line \"%.*s\" (%zu bytes): %s", (int)MIN(len, (size_t)300),
		   line, len, why);
	copy[len] = '\0';
	ok = ok && CHECK(t, cmdline_check(copy, len + 1 + len % 7, why),
			 "NUL-terminated line \"%.*s\": %s",
			 (int)MIN(len, (size_t)300), line, why);
	free(copy);
	return ok;
}

static const char *const values[] = {
	"0",
	"1",
	"y",
	"n",
	"on",
	"off",
	"yes",
	"8",
	"9",
	"0x10",
	"010",
	"4096",
	"4095",
	"1099511627776",
	"1099511627777",
	"18446744073709551615",
	"18446744073709551616",
	"-1",
	"+7",
	"7\n",
	"page_fault",
	"bug",
	"all",
	"none",
	"buddy,slab",
	"FZPU,kmalloc-64",
	"",
	"\"",
	"a=b",
	"x y",
};

static void append(char *buf, size_t *n, size_t cap, const char *s, size_t len)
{
	if (*n + len > cap)
		len = cap - *n;
	memcpy(buf + *n, s, len);
	*n += len;
}

/* One word, built from pieces: keys known and not, values odd and even. */
static void gen_word(struct prng *r, char *buf, size_t *n, size_t cap)
{
	char tmp[300];
	size_t k;

	switch (prng_below(r, 8)) {
	case 0: { /* a random key */
		size_t len = prng_below(r, 2) ? prng_below(r, 10)
					      : prng_below(r, 80);

		for (k = 0; k < len; k++)
			tmp[k] = (char)prng_range(r, 'a', 'z');
		append(buf, n, cap, tmp, len);
		break;
	}
	case 1: /* a path-like word */
		append(buf, n, cap, "/boot/kvlab.elf", 15);
		break;
	default: {
		const char *key =
			model_kparams[prng_below(r, model_nr_kparams)].key;

		append(buf, n, cap, key, strlen(key));
		break;
	}
	}
	if (prng_below(r, 5) == 0)
		return; /* a bare key */
	append(buf, n, cap, "=", 1);
	switch (prng_below(r, 6)) {
	case 0: /* quoted, maybe unterminated, maybe glued */
		append(buf, n, cap, "\"", 1);
		k = (size_t)snprintf(tmp, sizeof(tmp), "%s %s",
				     values[prng_below(r, ARRAY_SIZE(values))],
				     values[prng_below(r, ARRAY_SIZE(values))]);
		append(buf, n, cap, tmp, k);
		if (prng_below(r, 4))
			append(buf, n, cap, "\"", 1);
		if (prng_below(r, 4) == 0)
			append(buf, n, cap, "glued", 5);
		break;
	case 1: { /* long: around CMDLINE_VALUE_MAX */
		size_t len = CMDLINE_VALUE_MAX - 3 + prng_below(r, 6);

		memset(tmp, '7', len);
		append(buf, n, cap, tmp, len);
		break;
	}
	default: {
		const char *v = values[prng_below(r, ARRAY_SIZE(values))];

		append(buf, n, cap, v, strlen(v));
		break;
	}
	}
}

/* Blanks, and now and then a byte that is not printable. */
static void gen_gap(struct prng *r, char *buf, size_t *n, size_t cap)
{
	static const char blanks[] = " \t\n\r\v\f";
	size_t len = prng_below(r, 3) + (*n == 0 ? 0 : 1), k;

	for (k = 0; k < len; k++) {
		char c = prng_below(r, 4) ? ' ' : blanks[prng_below(r, 6)];

		append(buf, n, cap, &c, 1);
	}
	if (prng_below(r, 30) == 0) {
		char c = (char)(prng_below(r, 2) ? prng_range(r, 1, 31)
						 : prng_range(r, 0x7f, 0xff));

		append(buf, n, cap, &c, 1);
	}
}

/* Random command lines agree with the model. */
static void random_lines(struct host_test *t)
{
	struct prng *r = &t->rng;
	unsigned long i, iters = host_iters(t, 30000);
	static char line[CMDLINE_MAX + 512];

	for (i = 0; i < iters; i++) {
		size_t n = 0, words = prng_below(r, 8), w;

		for (w = 0; w < words; w++) {
			gen_gap(r, line, &n, sizeof(line));
			gen_word(r, line, &n, sizeof(line));
		}
		if (prng_below(r, 4) == 0)
			gen_gap(r, line, &n, sizeof(line));
		if (!check_line(t, line, n))
			return;
	}
}

/* Random bytes from a small alphabet, cut anywhere, agree with the model. */
static void random_bytes(struct host_test *t)
{
	static const char alphabet[] = "ab=\" \t/.\x01\xff"
				       "0";
	struct prng *r = &t->rng;
	unsigned long i, iters = host_iters(t, 50000);
	char line[80];

	for (i = 0; i < iters; i++) {
		size_t n = prng_below(r, sizeof(line)), k;

		for (k = 0; k < n; k++)
			line[k] = alphabet[prng_below(r, sizeof(alphabet) - 1)];
		if (!check_line(t, line, n))
			return;
	}
}

/* Hand-picked awkward lines agree with the model. */
static void adversarial_lines(struct host_test *t)
{
	static const char *const lines[] = {
		"",
		" ",
		"=",
		"==",
		"\"",
		"=\"",
		"tests",
		"tests=",
		"tests=\"",
		"tests=\"\"",
		"tests=\"a b\"glued next",
		"tests=a\"b c\"",
		"\"tests\"=x",
		"tests==x",
		"loglevel=8 loglevel=9",
		"/boot/kvlab.elf",
		"/boot/kvlab.elf /boot/kvlab.elf",
		"build/gcc/kvlab.elf=1",
		"a.b",
		" a/b tests=x",
		"quiet quiet=1",
		"monitor monitor=on monitor=yes",
		"mem=4k mem=4096",
		"crash=bug crash=\"page_fault\" crash",
		"seed=0x seed=0xg seed=08",
		"tests=\ttab",
		"\x7f",
		"tests=\x7f",
		"tests=caf\xc3\xa9",
	};
	char buf[600];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lines); i++)
		check_line(t, lines[i], strlen(lines[i]));
	/* Keys and values at and past their limits. */
	for (i = 60; i < 68; i++) {
		memset(buf, 'k', i);
		check_line(t, buf, i);
		memcpy(buf + i, "=1", 2);
		check_line(t, buf, i + 2);
	}
	for (i = CMDLINE_VALUE_MAX - 3; i < CMDLINE_VALUE_MAX + 3; i++) {
		int n = snprintf(buf, sizeof(buf), "tests=%0*d tests=\"%0*d",
				 (int)i, 0, (int)i, 0);

		check_line(t, buf, (size_t)n);
	}
	/* An image path whose first '/' comes after 63 bytes. */
	memset(buf, 'p', 70);
	memcpy(buf + 70, "/kvlab.elf tests=all", 20);
	check_line(t, buf, 90);
	/* An unprintable byte past the 63 bytes a key keeps. */
	memset(buf, 'k', 70);
	buf[66] = '\x01';
	check_line(t, buf, 70);
}

/* Outcomes written out by hand, independent of the model. */
static void known_outcomes(struct host_test *t)
{
	static const struct {
		const char *line;
		unsigned int words, applied;
	} cases[] = {
		{ "/boot/kvlab.elf tests=all seed=42", 2, 2 },
		{ "build/gcc/kvlab.elf monitor=0 bench=none tests=\"a b\"", 3,
		  3 },
		{ "loglevel=9 mem=1 monitor=maybe bogus=1", 4, 0 },
		{ "tests=\"unterminated", 1, 0 },
		{ "quiet quiet=1 crash=bug crash=oops", 4, 2 },
		{ "  =x  seed=0x10\n", 2, 1 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cmdline_result res;

		cmdline_parse(cases[i].line, CMDLINE_MAX, model_kparams,
			      model_nr_kparams, NULL, &res);
		CHECK(t,
		      res.nr_words == cases[i].words &&
			      res.nr_applied == cases[i].applied &&
			      res.nr_warnings ==
				      cases[i].words - cases[i].applied,
		      "\"%s\": %u words, %u applied, %u warnings; want %u, %u",
		      cases[i].line, res.nr_words, res.nr_applied,
		      res.nr_warnings, cases[i].words, cases[i].applied);
		check_line(t, cases[i].line, strlen(cases[i].line));
	}
}

const struct host_suite suite_cmdline =
	HOST_SUITE("cmdline", HOST_CASE(random_lines), HOST_CASE(random_bytes),
		   HOST_CASE(adversarial_lines), HOST_CASE(known_outcomes));
