/*
 * include/lib/overflow.h: size arithmetic that cannot wrap, after Linux's
 * include/linux/overflow.h.
 *
 * A size computed as n * size can wrap around to something small, and a
 * kmalloc() of that small size then "succeeds" with a buffer far shorter
 * than the caller thinks. The helpers below either report the overflow
 * (check_*_overflow) or saturate to SIZE_MAX, a size no allocator can
 * satisfy, so the allocation fails cleanly:
 *
 *   p = kmalloc(array_size(n, sizeof(*p)), GFP_KERNEL);   NULL if n is huge
 *   h = kmalloc(struct_size(h, items, n), GFP_KERNEL);    header + n items
 */
#ifndef KVLAB_LIB_OVERFLOW_H
#define KVLAB_LIB_OVERFLOW_H

#include <lib/types.h>

#ifndef SIZE_MAX
#define SIZE_MAX (~(size_t)0)
#endif

/* check_*_overflow - *d = a op b; true if the exact result did not fit. */
#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d) __builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)

/* size_mul/size_add - a * b, a + b, or SIZE_MAX if that overflows. */
static inline size_t size_mul(size_t a, size_t b)
{
	size_t bytes;

	if (check_mul_overflow(a, b, &bytes))
		return SIZE_MAX;
	return bytes;
}

static inline size_t size_add(size_t a, size_t b)
{
	size_t bytes;

	if (check_add_overflow(a, b, &bytes))
		return SIZE_MAX;
	return bytes;
}

/* array_size - @a * @b bytes, saturating to SIZE_MAX. */
static inline size_t array_size(size_t a, size_t b)
{
	return size_mul(a, b);
}

/* array3_size - @a * @b * @c bytes, saturating to SIZE_MAX. */
static inline size_t array3_size(size_t a, size_t b, size_t c)
{
	return size_mul(size_mul(a, b), c);
}

/*
 * struct_size - the bytes of *@p followed by @count elements of its
 * flexible array member @member, saturating to SIZE_MAX.
 */
#define struct_size(p, member, count) \
	size_add(sizeof(*(p)), size_mul(sizeof(*(p)->member), (size_t)(count)))

#endif
