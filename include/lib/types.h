/* include/lib/types.h: fixed-width integers and the kinds of address. */
#ifndef KVLAB_LIB_TYPES_H
#define KVLAB_LIB_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifdef KVLAB_HOST
#include <sys/types.h> /* tests/host: ssize_t comes from the host */
#else
typedef long ssize_t;
#endif

/* A physical address. Never dereferenced: convert with __va() first. */
typedef u64 phys_addr_t;

#endif
