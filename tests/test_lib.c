/* tests/test_lib.c: the lib suite: string functions, vsnprintf, PRNG, lists. */
#include <kernel/ktest.h>
#include <lib/bitops.h>
#include <lib/errno.h>
#include <lib/list.h>
#include <lib/printf.h>
#include <lib/prng.h>
#include <lib/string.h>

/* memset/memcpy/memcmp/memchr behave as C says, at odd sizes and offsets. */
static void mem_functions(struct ktest *t)
{
	u8 a[64], b[64];
	size_t i;

	memset(a, 0x5a, sizeof(a));
	for (i = 0; i < sizeof(a); i++)
		KT_ASSERT_EQ(t, a[i], 0x5a);
	for (i = 0; i < sizeof(b); i++)
		b[i] = (u8)i;
	memcpy(a + 3, b + 5, 17);
	KT_EXPECT_EQ(t, memcmp(a + 3, b + 5, 17), 0);
	KT_EXPECT_EQ(t, a[2], 0x5a);
	KT_EXPECT_EQ(t, a[20], 0x5a);
	KT_EXPECT_LT(t, memcmp("abc", "abd", 3), 0);
	KT_EXPECT_GT(t, memcmp("abd", "abc", 3), 0);
	KT_EXPECT_EQ(t, memcmp("abc", "abd", 2), 0);
	KT_EXPECT_PTR_EQ(t, memchr(b, 9, sizeof(b)), &b[9]);
	KT_EXPECT_NULL(t, memchr(b, 200, sizeof(b)));
	KT_EXPECT_PTR_EQ(t, memset(a, 0, 0), a);
}

/* memmove copies correctly when the ranges overlap in either direction. */
static void memmove_overlap(struct ktest *t)
{
	char s[16];

	memcpy(s, "0123456789", 11);
	memmove(s + 2, s, 5); /* dst above src: backwards copy */
	KT_EXPECT_STREQ(t, s, "0101234789");
	memcpy(s, "0123456789", 11);
	memmove(s, s + 3, 5); /* dst below src */
	KT_EXPECT_STREQ(t, s, "3456756789");
	memmove(s, s, 10); /* same place */
	KT_EXPECT_STREQ(t, s, "3456756789");
}

/* strlen, strcmp, strchr and friends, including the edge cases. */
static void str_functions(struct ktest *t)
{
	char buf[8];

	KT_EXPECT_EQ(t, strlen(""), 0);
	KT_EXPECT_EQ(t, strlen("kvlab"), 5);
	KT_EXPECT_EQ(t, strnlen("kvlab", 3), 3);
	KT_EXPECT_EQ(t, strnlen("kv", 8), 2);
	KT_EXPECT_EQ(t, strcmp("a", "a"), 0);
	KT_EXPECT_LT(t, strcmp("a", "b"), 0);
	KT_EXPECT_GT(t, strcmp("ab", "a"), 0);
	KT_EXPECT_EQ(t, strncmp("abcx", "abcy", 3), 0);
	KT_EXPECT_NE(t, strncmp("abcx", "abcy", 4), 0);
	KT_EXPECT_STREQ(t, strchr("a=b=c", '='), "=b=c");
	KT_EXPECT_STREQ(t, strrchr("a=b=c", '='), "=c");
	KT_EXPECT_NULL(t, strchr("abc", 'z'));
	KT_EXPECT_EQ(t, strscpy(buf, "abc", sizeof(buf)), 3);
	KT_EXPECT_STREQ(t, buf, "abc");
	KT_EXPECT_EQ(t, strscpy(buf, "abcdefghij", sizeof(buf)), -E2BIG);
	KT_EXPECT_STREQ(t, buf, "abcdefg");
	KT_EXPECT_EQ(t, strscpy(buf, "x", 0), -E2BIG);
	KT_EXPECT_STREQ(t, strstr("page allocation failure", "alloc"),
			"allocation failure");
	KT_EXPECT_STREQ(t, strstr("aab", "ab"), "ab"); /* after a false start */
	KT_EXPECT_STREQ(t, strstr("kvlab", ""), "kvlab");
	KT_EXPECT_STREQ(t, strstr("", ""), "");
	KT_EXPECT_NULL(t, strstr("kvlab", "labs")); /* runs off the end */
	KT_EXPECT_NULL(t, strstr("", "a"));
}

/* memchr_inv finds the first byte that differs (poison checks use it). */
static void memchr_inv_finds_first_difference(struct ktest *t)
{
	u8 p[32];

	memset(p, 0x6b, sizeof(p));
	KT_EXPECT_NULL(t, memchr_inv(p, 0x6b, sizeof(p)));
	p[17] = 0;
	KT_EXPECT_PTR_EQ(t, memchr_inv(p, 0x6b, sizeof(p)), &p[17]);
	KT_EXPECT_NULL(t, memchr_inv(p, 0x6b, 17));
}

/* kstrtoull/kstrtoll/memparse accept whole numbers and refuse garbage. */
static void number_parsing(struct ktest *t)
{
	unsigned long long u = 0;
	long long s = 0;

	KT_EXPECT_EQ(t, kstrtoull("123", 0, &u), 0);
	KT_EXPECT_UEQ(t, u, 123);
	KT_EXPECT_EQ(t, kstrtoull("0x1f", 0, &u), 0);
	KT_EXPECT_UEQ(t, u, 31);
	KT_EXPECT_EQ(t, kstrtoull("017", 0, &u), 0);
	KT_EXPECT_UEQ(t, u, 15);
	KT_EXPECT_EQ(t, kstrtoull("18446744073709551615", 10, &u), 0);
	KT_EXPECT_UEQ(t, u, ~0ULL);
	KT_EXPECT_EQ(t, kstrtoull("18446744073709551616", 10, &u), -ERANGE);
	KT_EXPECT_EQ(t, kstrtoull("", 0, &u), -EINVAL);
	KT_EXPECT_EQ(t, kstrtoull("12a", 0, &u), -EINVAL);
	KT_EXPECT_EQ(t, kstrtoull("-1", 0, &u), -EINVAL);
	KT_EXPECT_EQ(t, kstrtoull("0x", 0, &u), -EINVAL);
	KT_EXPECT_EQ(t, kstrtoll("-42", 0, &s), 0);
	KT_EXPECT_EQ(t, s, -42);
	KT_EXPECT_EQ(t, kstrtoll("-9223372036854775808", 10, &s), 0);
	KT_EXPECT_EQ(t, kstrtoll("9223372036854775808", 10, &s), -ERANGE);
	KT_EXPECT_EQ(t, memparse_strict("512M", &u), 0);
	KT_EXPECT_UEQ(t, u, 512ULL << 20);
	KT_EXPECT_EQ(t, memparse_strict("4k", &u), 0);
	KT_EXPECT_UEQ(t, u, 4096);
	KT_EXPECT_EQ(t, memparse_strict("3G", &u), 0);
	KT_EXPECT_UEQ(t, u, 3ULL << 30);
	KT_EXPECT_EQ(t, memparse_strict("1000", &u), 0);
	KT_EXPECT_UEQ(t, u, 1000);
	KT_EXPECT_EQ(t, memparse_strict("12MB", &u), -EINVAL);
	KT_EXPECT_EQ(t, memparse_strict("M", &u), -EINVAL);
	KT_EXPECT_EQ(t, memparse_strict("99999999999999T", &u), -ERANGE);
}

static int fmt(char *buf, size_t size, const char *f, ...) __printf(3, 4);
static int fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, size, f, ap);
	va_end(ap);
	return n;
}

#define EXPECT_FMT(t, want, ...)                                          \
	do {                                                              \
		char fmt_out[96];                                         \
		int fmt_len = fmt(fmt_out, sizeof(fmt_out), __VA_ARGS__); \
		KT_EXPECT_STREQ(t, fmt_out, want);                        \
		KT_EXPECT_EQ(t, fmt_len, (int)strlen(want));              \
	} while (0)

/* Every printk conversion, with widths, padding, alignment and '#'. */
static void vsnprintf_conversions(struct ktest *t)
{
	const char *volatile null_string = NULL; /* hidden from -Wformat */

	EXPECT_FMT(t, "42 -7 +5", "%d %i %+d", 42, -7, 5);
	EXPECT_FMT(t, "4294967295", "%u", 0xffffffffu);
	EXPECT_FMT(t, "ff FF 0xff 0XFF", "%x %X %#x %#X", 255, 255, 255, 255);
	EXPECT_FMT(t, "17 017", "%o %#o", 15, 15);
	EXPECT_FMT(t, "ffffffffffffffff", "%lx", ~0UL);
	EXPECT_FMT(t, "-9223372036854775808", "%lld", (long long)INT64_MIN);
	EXPECT_FMT(t, "18446744073709551615", "%llu", ~0ULL);
	EXPECT_FMT(t, "123456789012", "%zu", (size_t)123456789012ULL);
	EXPECT_FMT(t, "-5 255", "%hhd %hhu", (signed char)-5,
		   (unsigned char)255);
	EXPECT_FMT(t, "[   42][42   ][00042]", "[%5d][%-5d][%05d]", 42, 42, 42);
	EXPECT_FMT(t, "[-0042][  -42]", "[%05d][%5d]", -42, -42);
	EXPECT_FMT(t, "[0x002a]", "[%#06x]", 42);
	EXPECT_FMT(t, "[  abc][abc  ][ab]", "[%5s][%-5s][%.2s]", "abc", "abc",
		   "abc");
	EXPECT_FMT(t, "[  7][007]", "[%*d][%.*d]", 3, 7, 3, 7);
	EXPECT_FMT(t, "x%y", "%c%%%c", 'x', 'y');
	EXPECT_FMT(t, "(null)", "%s", null_string);
	EXPECT_FMT(t, "0xffff888000001000", "%p", (void *)0xffff888000001000UL);
	EXPECT_FMT(t, "0 0x0", "%x %#lx", 0, 0UL);
	EXPECT_FMT(t, "% d", "%% d");
}

/* vsnprintf truncates, terminates, and returns the untruncated length. */
static void vsnprintf_truncation(struct ktest *t)
{
	char b[8];

	memset(b, 'z', sizeof(b));
	KT_EXPECT_EQ(t, fmt(b, sizeof(b), "%s", "0123456789"), 10);
	KT_EXPECT_STREQ(t, b, "0123456");
	KT_EXPECT_EQ(t, fmt(b, 1, "abc"), 3);
	KT_EXPECT_EQ(t, b[0], 0);
	b[0] = 'q';
	KT_EXPECT_EQ(t, fmt(b, 0, "abc"), 3);
	KT_EXPECT_EQ(t, b[0], 'q');
	KT_EXPECT_EQ(t, scnprintf(b, sizeof(b), "%s", "0123456789"), 7);
}

/* %pS names the function containing a code address. */
static void vsnprintf_symbol(struct ktest *t)
{
	char b[96];

	fmt(b, sizeof(b), "%pS", (void *)vsnprintf_symbol);
	KT_EXPECT_EQ(t, strncmp(b, "vsnprintf_symbol+0x0/", 21), 0);
	if (strncmp(b, "vsnprintf_symbol+0x0/", 21))
		ktest_log(t, "got '%s'", b);
}

/* The PRNG repeats for a seed, differs between seeds, and stays in range. */
static void prng_properties(struct ktest *t)
{
	struct prng a, b;
	u64 counts[8] = { 0 }, i, x;

	prng_seed(&a, 7);
	prng_seed(&b, 7);
	for (i = 0; i < 100; i++)
		KT_ASSERT_UEQ(t, prng_next(&a), prng_next(&b));
	prng_seed(&b, 8);
	KT_EXPECT_UNE(t, prng_next(&a), prng_next(&b));
	for (i = 0; i < 8000; i++) {
		x = prng_below(&a, 8);
		KT_ASSERT_TRUE(t, x < 8);
		counts[x]++;
	}
	/* Each bucket expects 1000; 6 sigma is about 180. */
	for (i = 0; i < 8; i++)
		KT_EXPECT_TRUE(t, counts[i] > 800 && counts[i] < 1200);
	KT_EXPECT_UEQ(t, prng_below(&a, 1), 0);
	KT_EXPECT_UEQ(t, prng_below(&a, 0), 0);
	for (i = 0; i < 100; i++) {
		x = prng_range(&a, 10, 12);
		KT_EXPECT_TRUE(t, x >= 10 && x <= 12);
	}
}

struct item {
	int v;
	struct list_head node;
};

/* list_add/add_tail/del/move keep the order the names promise. */
static void list_operations(struct ktest *t)
{
	struct item it[4];
	struct item *pos, *n;
	LIST_HEAD(head);
	int i, order[4], k = 0;

	KT_EXPECT_TRUE(t, list_empty(&head));
	for (i = 0; i < 4; i++) {
		it[i].v = i;
		list_add_tail(&it[i].node, &head);
	}
	KT_EXPECT_EQ(t, list_count(&head), 4);
	list_del(&it[1].node);
	list_move(&it[3].node, &head); /* to the front */
	list_for_each_entry (pos, &head, node)
		order[k++] = pos->v;
	KT_ASSERT_EQ(t, k, 3);
	KT_EXPECT_EQ(t, order[0], 3);
	KT_EXPECT_EQ(t, order[1], 0);
	KT_EXPECT_EQ(t, order[2], 2);
	list_for_each_entry_safe (pos, n, &head, node)
		list_del_init(&pos->node);
	KT_EXPECT_TRUE(t, list_empty(&head));
}

/* The bit helpers the allocators' size arithmetic relies on. */
static void bit_helpers(struct ktest *t)
{
	KT_EXPECT_EQ(t, fls64(0), 0);
	KT_EXPECT_EQ(t, fls64(1), 1);
	KT_EXPECT_EQ(t, fls64(0x8000000000000000ULL), 64);
	KT_EXPECT_EQ(t, ilog2(4096), 12);
	KT_EXPECT_EQ(t, order_base_2(1), 0);
	KT_EXPECT_EQ(t, order_base_2(5), 3);
	KT_EXPECT_UEQ(t, roundup_pow_of_two(33), 64);
	KT_EXPECT_TRUE(t, is_power_of_2(1024));
	KT_EXPECT_FALSE(t, is_power_of_2(0));
	KT_EXPECT_FALSE(t, is_power_of_2(96));
	KT_EXPECT_UEQ(t, swab64(0x0102030405060708ULL), 0x0807060504030201ULL);
}

KTEST_SUITE(lib, NULL, NULL, KTEST_CASE(mem_functions),
	    KTEST_CASE(memmove_overlap), KTEST_CASE(str_functions),
	    KTEST_CASE(memchr_inv_finds_first_difference),
	    KTEST_CASE(number_parsing), KTEST_CASE(vsnprintf_conversions),
	    KTEST_CASE(vsnprintf_truncation), KTEST_CASE(vsnprintf_symbol),
	    KTEST_CASE(prng_properties), KTEST_CASE(list_operations),
	    KTEST_CASE(bit_helpers));
