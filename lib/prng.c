/* lib/prng.c: xoshiro256** seeded by splitmix64 (see include/lib/prng.h). */
#include <lib/prng.h>

u64 splitmix64(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void prng_seed(struct prng *r, u64 seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static inline u64 rotl(u64 x, int k)
{
	return (x << k) | (x >> (64 - k));
}

u64 prng_next(struct prng *r)
{
	u64 *s = r->s;
	u64 result = rotl(s[1] * 5, 7) * 9;
	u64 t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/*
 * Lemire's multiply-and-reject method ("Fast random integer generation in
 * an interval", 2019): unbiased, and usually one multiplication.
 */
u64 prng_below(struct prng *r, u64 n)
{
	unsigned __int128 m;
	u64 low, threshold;

	if (n == 0)
		return 0;
	m = (unsigned __int128)prng_next(r) * n;
	low = (u64)m;
	if (low < n) {
		threshold = (0 - n) % n;
		while (low < threshold) {
			m = (unsigned __int128)prng_next(r) * n;
			low = (u64)m;
		}
	}
	return (u64)(m >> 64);
}

u64 prng_range(struct prng *r, u64 lo, u64 hi)
{
	if (hi <= lo)
		return lo;
	if (lo == 0 && hi == UINT64_MAX)
		return prng_next(r);
	return lo + prng_below(r, hi - lo + 1);
}

u64 hash64_str(u64 h, const char *s)
{
	/* FNV-1a over the bytes, then one splitmix64 round to spread them. */
	h ^= 0xcbf29ce484222325ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return splitmix64(&h);
}
