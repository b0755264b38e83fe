/*
 * include/lib/printf.h: formatted output into a buffer.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, with flags '-' '+' ' ' '#'
 * '0', a width and a precision (numbers or '*'), and the length modifiers
 * hh h l ll z t j. %p prints the address in hex with 0x; %pS prints a code
 * address as symbol+offset/size when a symbolizer is installed (the kernel
 * installs kallsyms), else like %p.
 */
#ifndef KVLAB_LIB_PRINTF_H
#define KVLAB_LIB_PRINTF_H

#include <stdarg.h>
#include <lib/compiler.h>
#include <lib/types.h>

/*
 * vsnprintf - format into @buf of @size bytes, NUL-terminated if @size > 0.
 * Return: the length the whole output would have (as C's vsnprintf), so a
 * result >= @size means it was truncated.
 */
int kv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int kv_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * scnprintf - like snprintf, but returns the number of characters actually
 * written (without the NUL), so it can be used to append in a loop.
 */
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#ifdef KVLAB_HOST
/* tests/host: these names come from the host's libc (the tests compare). */
#include <stdio.h>
#else
#define vsnprintf kv_vsnprintf
#define snprintf  kv_snprintf
#endif

/*
 * Symbolizer for %pS: write "name+0xoff/0xsize" for @addr into @buf.
 * Return: characters written, or 0 when @addr is not in a known function.
 */
typedef int (*printf_symbolizer_t)(unsigned long addr, char *buf, size_t size);
void printf_set_symbolizer(printf_symbolizer_t fn);

#endif
