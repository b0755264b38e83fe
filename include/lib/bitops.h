/* include/lib/bitops.h: bit arithmetic (Linux names). */
#ifndef KVLAB_LIB_BITOPS_H
#define KVLAB_LIB_BITOPS_H

#include <lib/types.h>

#define BIT(n)		 (1UL << (n))
#define BITS_PER_LONG	 64
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)

/* fls64 - 1-based index of the highest set bit; fls64(0) = 0. */
static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

/* __ffs64 - 0-based index of the lowest set bit; undefined for 0. */
static inline int __ffs64(u64 x)
{
	return __builtin_ctzll(x);
}

/* ilog2 - floor(log2(x)) for x > 0. */
static inline int ilog2(u64 x)
{
	return fls64(x) - 1;
}

static inline bool is_power_of_2(u64 x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/* roundup_pow_of_two - the smallest power of two >= x (x >= 1). */
static inline u64 roundup_pow_of_two(u64 x)
{
	return x <= 1 ? 1 : 1ULL << fls64(x - 1);
}

/* order_base_2 - ceil(log2(x)); order_base_2(1) = 0. */
static inline int order_base_2(u64 x)
{
	return x <= 1 ? 0 : fls64(x - 1);
}

static inline void __set_bit(unsigned long nr, unsigned long *map)
{
	map[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG);
}

static inline void __clear_bit(unsigned long nr, unsigned long *map)
{
	map[nr / BITS_PER_LONG] &= ~(1UL << (nr % BITS_PER_LONG));
}

static inline bool test_bit(unsigned long nr, const unsigned long *map)
{
	return (map[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1;
}

/* popcount64 - number of set bits. */
static inline int popcount64(u64 x)
{
	return __builtin_popcountll(x);
}

static inline u64 swab64(u64 x)
{
	return __builtin_bswap64(x);
}

#endif
