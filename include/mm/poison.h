/*
 * include/mm/poison.h: the byte patterns the allocators write into memory
 * nobody should be reading, with Linux's values (include/linux/poison.h)
 * so a hex dump reads the same on both:
 *
 *   object freed (slub_debug=P):  6b 6b 6b ... 6b a5
 *   red zone, object free:        bb bb bb ...
 *   red zone, object allocated:   cc cc cc ...
 *   slab padding (unused tail):   5a 5a 5a ...
 */
#ifndef KVLAB_MM_POISON_H
#define KVLAB_MM_POISON_H

#define POISON_FREE  0x6b /* every byte of a free object but the last */
#define POISON_END   0xa5 /* the last byte of a free object */
#define POISON_INUSE 0x5a /* slab padding nobody owns */

#define SLUB_RED_INACTIVE 0xbb /* red zone of a free object */
#define SLUB_RED_ACTIVE	  0xcc /* red zone of an allocated object */

/* ZERO_SIZE_PTR: what kmalloc(0) returns; faults when dereferenced. */
#define ZERO_SIZE_PTR	    ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

#endif
