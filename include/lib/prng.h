/*
 * include/lib/prng.h: a small, fast, seedable pseudo-random generator.
 *
 * xoshiro256** (Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators", 2018), seeded through splitmix64 so that any 64-bit seed,
 * zero included, gives a good state. Not for cryptography: tests use it for
 * reproducible random operation sequences, and the slab allocator for its
 * per-cache freelist-hardening value.
 */
#ifndef KVLAB_LIB_PRNG_H
#define KVLAB_LIB_PRNG_H

#include <lib/types.h>

struct prng {
	u64 s[4];
};

void prng_seed(struct prng *r, u64 seed);
u64 prng_next(struct prng *r);

/* prng_below - a uniform value in [0, n); n == 0 gives 0. */
u64 prng_below(struct prng *r, u64 n);

/* prng_range - a uniform value in [lo, hi] (inclusive). */
u64 prng_range(struct prng *r, u64 lo, u64 hi);

/* splitmix64 - one step of the seeding generator; also a good hash. */
u64 splitmix64(u64 *state);

/* hash64_str - mix a string into a 64-bit value (for per-test seeds). */
u64 hash64_str(u64 h, const char *s);

#endif
