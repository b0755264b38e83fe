/*
 * include/lib/string.h: memory and string functions.
 *
 * The C-library names are implemented by lib/string.c in the kernel (the
 * compiler may emit calls to memcpy/memset on its own) and come from the
 * host's libc in tests/host. The kvlab extras below are in lib/strutil.c
 * for both.
 */
#ifndef KVLAB_LIB_STRING_H
#define KVLAB_LIB_STRING_H

#include <lib/types.h>

#ifdef KVLAB_HOST
#include <string.h>
#else
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* strstr - the first occurrence of @needle in @haystack, or NULL. */
char *strstr(const char *haystack, const char *needle);
#endif

/*
 * strscpy - copy a C string into a buffer of @size bytes, always
 * NUL-terminated (when @size > 0).
 * Return: the length copied, or -E2BIG if @src did not fit (truncated).
 */
ssize_t strscpy(char *dst, const char *src, size_t size);

/*
 * memchr_inv - find the first byte in [s, s + n) that is not @c.
 * Return: its address, or NULL when every byte equals @c. Used to check
 * poison and red zones.
 */
void *memchr_inv(const void *s, int c, size_t n);

/*
 * kstrtoull - parse a whole string as an unsigned number.
 * @base: 0 picks by prefix ("0x" hex, "0" octal, else decimal), or 8/10/16.
 * Return: 0, -EINVAL when @s is empty or has stray characters, -ERANGE on
 * overflow. *@res is written only on success.
 */
int kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int kstrtoll(const char *s, unsigned int base, long long *res);

/*
 * memparse_strict - parse a size with an optional K/M/G/T suffix (powers of
 * 1024, as Linux's memparse()), e.g. "512M". The whole string must be used.
 * Return: 0, -EINVAL for garbage, -ERANGE on overflow.
 */
int memparse_strict(const char *s, unsigned long long *res);

static inline bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_print(char c)
{
	return c >= 0x20 && c < 0x7f;
}

#endif
