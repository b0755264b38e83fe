/*
 * tests/host/test_prng.c: lib/prng.c: xoshiro256** seeded by splitmix64
 * against a reference written from the paper (Blackman and Vigna, 2018),
 * determinism, and the ranges and uniformity of prng_below/prng_range.
 */
#include <math.h>

#include "harness.h"
#include <lib/string.h>

/* ---- the reference, straight from the paper's C listing --------------- */

struct ref_rng {
	u64 s0, s1, s2, s3;
};

static u64 ref_rotl(u64 x, unsigned int k)
{
	return (x << k) | (x >> (64 - k));
}

static u64 ref_splitmix(u64 *x)
{
	u64 z;

	*x += 0x9e3779b97f4a7c15ULL;
	z = *x;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void ref_seed(struct ref_rng *g, u64 seed)
{
	g->s0 = ref_splitmix(&seed);
	g->s1 = ref_splitmix(&seed);
	g->s2 = ref_splitmix(&seed);
	g->s3 = ref_splitmix(&seed);
}

static u64 ref_next(struct ref_rng *g)
{
	const u64 out = ref_rotl(g->s1 * 5, 7) * 9, t = g->s1 << 17;

	g->s2 ^= g->s0;
	g->s3 ^= g->s1;
	g->s1 ^= g->s2;
	g->s0 ^= g->s3;
	g->s2 ^= t;
	g->s3 = ref_rotl(g->s3, 45);
	return out;
}

/* splitmix64 and prng_next match the reference for random seeds. */
static void matches_reference(struct host_test *t)
{
	unsigned long i, j, n = host_iters(t, 2000);
	u64 state = 0, first = splitmix64(&state);

	/* A published value: splitmix64's first output from state 0. */
	CHECK(t, first == 0xe220a8397b1dcdafULL, "splitmix64(0) = %#llx",
	      (unsigned long long)first);
	for (i = 0; i < n; i++) {
		u64 seed = i < 4 ? i : prng_next(&t->rng);
		struct prng kv;
		struct ref_rng ref;

		prng_seed(&kv, seed);
		ref_seed(&ref, seed);
		for (j = 0; j < 100; j++) {
			u64 a = prng_next(&kv), b = ref_next(&ref);

			if (!CHECK(t, a == b,
				   "seed %#llx output %lu: %#llx, reference "
				   "%#llx",
				   (unsigned long long)seed, j,
				   (unsigned long long)a,
				   (unsigned long long)b))
				return;
		}
	}
}

/* The same seed gives the same sequence; nearby seeds do not collide. */
static void deterministic(struct host_test *t)
{
	struct prng a, b;
	unsigned long i, n = host_iters(t, 1000);
	static u64 firsts[256];

	prng_seed(&a, 42);
	prng_seed(&b, 42);
	for (i = 0; i < n; i++)
		if (!CHECK(t, prng_next(&a) == prng_next(&b),
			   "step %lu differs", i))
			return;
	for (i = 0; i < ARRAY_SIZE(firsts); i++) {
		unsigned long j;

		prng_seed(&a, i);
		firsts[i] = prng_next(&a);
		for (j = 0; j < i; j++)
			if (!CHECK(t, firsts[j] != firsts[i],
				   "seeds %lu and %lu start alike", j, i))
				return;
	}
	CHECK(t,
	      hash64_str(1, "buddy") == hash64_str(1, "buddy") &&
		      hash64_str(1, "buddy") != hash64_str(2, "buddy") &&
		      hash64_str(1, "buddy") != hash64_str(1, "slab"),
	      "hash64_str is not a function of both its inputs");
}

/* prng_below stays below n; prng_range stays inside [lo, hi] and hits both. */
static void ranges(struct host_test *t)
{
	struct prng *r = &t->rng;
	unsigned long i, n = host_iters(t, 100000);

	CHECK(t, prng_below(r, 0) == 0, "prng_below(0) != 0");
	CHECK(t, prng_range(r, 9, 3) == 9, "prng_range(9, 3) != 9");
	for (i = 0; i < n; i++) {
		u64 bound = prng_next(r) >> prng_below(r, 64);
		u64 lo = prng_next(r) >> prng_below(r, 64);
		u64 hi = lo + (prng_next(r) >> prng_below(r, 64));
		u64 v = prng_below(r, bound), w;

		if (hi < lo)
			hi = ~0ULL;
		w = prng_range(r, lo, hi);
		if (!CHECK(t, bound == 0 ? v == 0 : v < bound,
			   "prng_below(%#llx) = %#llx",
			   (unsigned long long)bound, (unsigned long long)v) ||
		    !CHECK(t, lo <= w && w <= hi,
			   "prng_range(%#llx, %#llx) = %#llx",
			   (unsigned long long)lo, (unsigned long long)hi,
			   (unsigned long long)w))
			return;
	}
	for (i = 0; i < 4; i++) {
		bool seen_lo = false, seen_hi = false;
		unsigned long k;

		for (k = 0; k < 1000; k++) {
			u64 w = prng_range(r, 10 + i, 10 + 2 * i);

			seen_lo |= w == 10 + i;
			seen_hi |= w == 10 + 2 * i;
		}
		CHECK(t, seen_lo && seen_hi,
		      "prng_range(%lu, %lu) misses an end", 10 + i, 10 + 2 * i);
	}
}

/*
 * prng_below is uniform: a chi-square test per bound, against a bound
 * far in the tail (p < 1e-6 for a fair generator), with fixed seeds.
 */
static void uniform(struct host_test *t)
{
	static const u64 bounds[] = { 2, 3, 7, 10, 100, 1000 };
	static unsigned long counts[1000];
	unsigned long samples = host_iters(t, 200000);
	size_t b;

	for (b = 0; b < ARRAY_SIZE(bounds); b++) {
		u64 k = bounds[b], v;
		double expect = (double)samples / (double)k, chi2 = 0, limit;

		memset(counts, 0, sizeof(counts));
		for (v = 0; v < samples; v++)
			counts[prng_below(&t->rng, k)]++;
		for (v = 0; v < k; v++)
			chi2 += (counts[v] - expect) * (counts[v] - expect) /
				expect;
		/* mean k - 1, deviation sqrt(2(k - 1)); 7 deviations + slack */
		limit = (double)(k - 1) + 7 * sqrt(2.0 * (double)(k - 1)) + 10;
		if (samples / k < 20)
			continue; /* too few samples for the test */
		CHECK(t, chi2 < limit,
		      "prng_below(%llu): chi-square %.1f over %.1f",
		      (unsigned long long)k, chi2, limit);
	}
}

const struct host_suite suite_prng = HOST_SUITE(
	"prng", HOST_CASE(matches_reference), HOST_CASE(deterministic),
	HOST_CASE(ranges), HOST_CASE(uniform));
