/*
 * tests/host/model_cmdline.c: a model of cmdline_parse()
 * (include/kernel/cmdline.h) and the check that compares the two.
 *
 * The documented behaviour, as the model applies it to the bytes before
 * the first NUL (or the first max_len bytes):
 *
 *   1. Words are separated by blanks (is_space).
 *   2. A word is KEY, or KEY=VALUE, or KEY="VALUE" where the quoted value
 *      may hold blanks and runs to the next '"' (to the end of the line if
 *      there is none: an unterminated quote). Bytes glued on after a
 *      closing quote belong to no one.
 *   3. The first word is skipped, uncounted, when it has no '=' and
 *      contains '/' or '.' (the kernel image's path).
 *   4. Every other word counts; it is applied when its key and value are
 *      printable, the key is 1-63 bytes and the value at most 255, the key
 *      is known, the quote (if any) is closed and the setter accepts the
 *      value (NULL for a bare key). Any other word is one warning.
 *
 * The check runs cmdline_parse() with recording setters (model_kparams)
 * and compares the calls they saw, the counts and the warnings.
 */
#include <stdio.h>
#include <stdlib.h>

#include "models.h"
#include <lib/errno.h>
#include <lib/string.h>

#define KEY_MAX	  63 /* longest key, bytes */
#define VALUE_MAX (CMDLINE_VALUE_MAX - 1)

enum kind {
	K_STRING, /* accepts anything, NULL included */
	K_BOOL,	  /* kparam_bool */
	K_ULONG,  /* kparam_ulong(min, max) */
	K_CHOICE, /* "page_fault" or "bug", with a reason otherwise */
	K_BARE,	  /* only without a value; refuses with no reason */
};

/* How each key of model_kparams[] (same order) takes its value. */
struct key_spec {
	enum kind kind;
	unsigned long min, max;
};

static const struct key_spec specs[] = {
	{ K_STRING, 0, 0 },	      /* tests */
	{ K_STRING, 0, 0 },	      /* bench */
	{ K_BOOL, 0, 0 },	      /* monitor */
	{ K_ULONG, 0, ~0UL },	      /* seed */
	{ K_ULONG, 4096, 1UL << 40 }, /* mem */
	{ K_STRING, 0, 0 },	      /* slub_debug */
	{ K_BOOL, 0, 0 },	      /* vmalloc_lazy */
	{ K_ULONG, 0, 8 },	      /* loglevel */
	{ K_CHOICE, 0, 0 },	      /* crash */
	{ K_BARE, 0, 0 },	      /* quiet */
};

/* One setter call, as the recording setters saw it or the model expects. */
struct call {
	unsigned int key;
	bool has_val;
	char val[CMDLINE_VALUE_MAX];
	int ret;
	unsigned long long out; /* the parsed bool or number, when ret == 0 */
};

struct calls {
	struct call *v;
	size_t n, cap;
};

static struct calls seen; /* filled by the recording setters */

static struct call *calls_add(struct calls *c)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		if (!c->v)
			abort();
	}
	memset(&c->v[c->n], 0, sizeof(c->v[0]));
	return &c->v[c->n++];
}

/* The setter of key @i: kvlab's helpers decide, the call is recorded. */
static int record_set(unsigned int i, const char *val, char *why,
		      size_t why_size)
{
	struct call *c = calls_add(&seen);
	unsigned long ul = 0;
	bool b = false;

	c->key = i;
	c->has_val = val != NULL;
	if (val)
		snprintf(c->val, sizeof(c->val), "%s", val);
	switch (specs[i].kind) {
	case K_STRING:
		c->ret = 0;
		break;
	case K_BOOL:
		c->ret = kparam_bool(val, &b, why, why_size);
		c->out = b;
		break;
	case K_ULONG:
		c->ret = kparam_ulong(val, specs[i].min, specs[i].max, &ul, why,
				      why_size);
		c->out = ul;
		break;
	case K_CHOICE:
		c->ret =
			val && (!strcmp(val, "page_fault") || !strcmp(val, "bu"
									   "g"))
				? 0
				: -EINVAL;
		if (c->ret)
			snprintf(why, why_size, "expected page_fault or bug");
		break;
	case K_BARE:
		c->ret = val ? -EINVAL : 0;
		break;
	}
	if (c->ret)
		c->out = 0;
	return c->ret;
}

#define RECORDING_SETTER(i)                                             \
	static int set_##i(const char *val, char *why, size_t why_size) \
	{                                                               \
		return record_set(i, val, why, why_size);               \
	}
/* clang-format off: a list of definitions, one per line */
RECORDING_SETTER(0)
RECORDING_SETTER(1)
RECORDING_SETTER(2)
RECORDING_SETTER(3)
RECORDING_SETTER(4)
RECORDING_SETTER(5)
RECORDING_SETTER(6)
RECORDING_SETTER(7)
RECORDING_SETTER(8)
RECORDING_SETTER(9)
/* clang-format on */

const struct kparam model_kparams[] = {
	{ "tests", set_0, "any string" },
	{ "bench", set_1, "any string" },
	{ "monitor", set_2, "kparam_bool" },
	{ "seed", set_3, "kparam_ulong, any" },
	{ "mem", set_4, "kparam_ulong, 4096 to 2^40" },
	{ "slub_debug", set_5, "any string" },
	{ "vmalloc_lazy", set_6, "kparam_bool" },
	{ "loglevel", set_7, "kparam_ulong, 0 to 8" },
	{ "crash", set_8, "page_fault or bug" },
	{ "quiet", set_9, "no value, refused without a reason" },
};
const size_t model_nr_kparams = ARRAY_SIZE(model_kparams);
_Static_assert(ARRAY_SIZE(model_kparams) == ARRAY_SIZE(specs), "one spec per "
							       "key");

/* ---- the model -------------------------------------------------------- */

static bool model_setter(const struct key_spec *k, const char *val,
			 unsigned long long *out)
{
	unsigned long long v;

	*out = 0;
	switch (k->kind) {
	case K_STRING:
		return true;
	case K_BOOL:
		if (!val || !strcmp(val, "1") || !strcmp(val, "y") ||
		    !strcmp(val, "on")) {
			*out = 1;
			return true;
		}
		return !strcmp(val, "0") || !strcmp(val, "n") ||
		       !strcmp(val, "off");
	case K_ULONG:
		if (!val || model_kstrtoull(val, 0, &v) || v < k->min ||
		    v > k->max)
			return false;
		*out = v;
		return true;
	case K_CHOICE:
		return val && (!strcmp(val, "page_fault") || !strcmp(val, "bu"
									  "g"));
	case K_BARE:
		return !val;
	}
	return false;
}

static bool all_printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

/*
 * The length of the longest prefix of @s (of @n bytes, no NUL among them)
 * whose bytes are all in @set (@in) or all outside it (!@in).
 */
static size_t run_of(const char *s, size_t n, const char *set, bool in)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((strchr(set, s[i]) != NULL) != in)
			break;
	return i;
}

#define BLANKS " \t\n\r\v\f"

struct model_result {
	struct calls calls;
	unsigned int nr_words, nr_applied;
};

/* Rule 4 for one word; adds the setter call it makes, if any. */
static void model_word(struct model_result *r, const char *key, size_t klen,
		       const char *val, size_t vlen, bool has_val,
		       bool unterminated)
{
	struct call *c;
	size_t i;

	r->nr_words++;
	if (!all_printable(key, klen) || (has_val && !all_printable(val, vlen)))
		return;
	if (klen == 0 || klen > KEY_MAX || (has_val && vlen > VALUE_MAX))
		return;
	for (i = 0; i < ARRAY_SIZE(specs); i++)
		if (strlen(model_kparams[i].key) == klen &&
		    !memcmp(model_kparams[i].key, key, klen))
			break;
	if (i == ARRAY_SIZE(specs) || unterminated)
		return;
	c = calls_add(&r->calls);
	c->key = (unsigned int)i;
	c->has_val = has_val;
	memcpy(c->val, val, has_val ? vlen : 0);
	c->ret = model_setter(&specs[i], has_val ? c->val : NULL, &c->out)
			 ? 0
			 : -EINVAL;
	if (c->ret == 0)
		r->nr_applied++;
}

static void model_parse(const char *line, size_t max_len,
			struct model_result *r)
{
	size_t len = strnlen(line, max_len), pos = 0;
	bool first = true;

	while (pos < len) {
		const char *key, *val = "";
		size_t klen, vlen = 0;
		bool has_val = false, unterminated = false;

		pos += run_of(line + pos, len - pos, BLANKS, true);
		if (pos >= len)
			break;
		key = line + pos;
		klen = run_of(key, len - pos, BLANKS "=", false);
		pos += klen;
		if (pos < len && line[pos] == '=') {
			has_val = true;
			pos++;
			if (pos < len && line[pos] == '"') {
				pos++;
				val = line + pos;
				vlen = run_of(val, len - pos, "\"", false);
				unterminated = pos + vlen == len;
				pos += vlen + !unterminated;
			} else {
				val = line + pos;
				vlen = run_of(val, len - pos, BLANKS, false);
				pos += vlen;
			}
		}
		pos += run_of(line + pos, len - pos, BLANKS, false);
		if (first && !has_val &&
		    (memchr(key, '/', klen) || memchr(key, '.', klen))) {
			first = false;
			continue;
		}
		first = false;
		model_word(r, key, klen, val, vlen, has_val, unterminated);
	}
}

/* ---- the check -------------------------------------------------------- */

static unsigned int nr_warn_calls;
static bool warn_bad;
static char warn_first_bad[256];

static void record_warn(const char *msg)
{
	size_t n = strlen(msg);

	nr_warn_calls++;
	if (n == 0 || n > 420 || !all_printable(msg, n)) {
		if (!warn_bad)
			snprintf(warn_first_bad, sizeof(warn_first_bad),
				 "warning of %zu bytes: %.100s", n, msg);
		warn_bad = true;
	}
}

static void describe_call(char *buf, size_t size, const struct call *c)
{
	snprintf(buf, size, "%s%s%.60s%s -> %d (%llu)",
		 model_kparams[c->key].key, c->has_val ? "=\"" : "", c->val,
		 c->has_val ? "\"" : "", c->ret, c->out);
}

static bool compare_calls(const struct calls *want, char *why)
{
	char a[128], b[128];
	size_t i;

	for (i = 0; i < want->n && i < seen.n; i++) {
		const struct call *w = &want->v[i], *s = &seen.v[i];

		if (w->key != s->key || w->has_val != s->has_val ||
		    strcmp(w->val, s->val) || w->ret != s->ret ||
		    w->out != s->out) {
			describe_call(a, sizeof(a), w);
			describe_call(b, sizeof(b), s);
			snprintf(why, WHY_SIZE,
				 "setter call %zu: model %s, kvlab %s", i, a,
				 b);
			return false;
		}
	}
	if (want->n != seen.n) {
		snprintf(why, WHY_SIZE,
			 "model makes %zu setter calls, kvlab %zu", want->n,
			 seen.n);
		return false;
	}
	return true;
}

bool cmdline_check(const char *line, size_t max_len, char *why)
{
	struct model_result m = { { NULL, 0, 0 }, 0, 0 };
	struct cmdline_result res;
	bool ok = false;

	seen.n = 0;
	nr_warn_calls = 0;
	warn_bad = false;
	cmdline_parse(line, max_len, model_kparams, model_nr_kparams,
		      record_warn, &res);
	model_parse(line, max_len, &m);
	if (!compare_calls(&m.calls, why))
		goto out;
	if (res.nr_words != m.nr_words || res.nr_applied != m.nr_applied ||
	    res.nr_warnings != m.nr_words - m.nr_applied) {
		snprintf(why, WHY_SIZE,
			 "words/applied/warnings: model %u/%u/%u, kvlab "
			 "%u/%u/%u",
			 m.nr_words, m.nr_applied, m.nr_words - m.nr_applied,
			 res.nr_words, res.nr_applied, res.nr_warnings);
		goto out;
	}
	if (nr_warn_calls != res.nr_warnings) {
		snprintf(why, WHY_SIZE, "%u warn() calls for %u warnings",
			 nr_warn_calls, res.nr_warnings);
		goto out;
	}
	if (warn_bad) {
		snprintf(why, WHY_SIZE, "unprintable or odd-sized %s",
			 warn_first_bad);
		goto out;
	}
	ok = true;
out:
	free(m.calls.v);
	return ok;
}
