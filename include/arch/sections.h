/*
 * include/arch/sections.h: where boot/linker.ld put the kernel image's
 * parts. Declared here and nowhere else; each is an address, not an
 * object (use it as `(unsigned long)_text`, never read through it).
 *
 *   _text     .. _etext      code                      RX
 *   _rodata   .. _erodata    constants, the tables of   R  NX
 *                            registration macros, kallsyms
 *   _data     .. _edata      initialised data           RW NX
 *   _edata    .. _end        .bss (the boot stack, the  RW NX
 *                            early page tables)
 *
 * Every boundary is 4 KiB-aligned except _edata, so mm/paging.c can map
 * each part with its own rights. The bounds of each registration table
 * (__start_kparams, __stop_kparams...) are declared beside the one file
 * that walks it, with their element type.
 */
#ifndef KVLAB_ARCH_SECTIONS_H
#define KVLAB_ARCH_SECTIONS_H

extern char _text[], _etext[];
extern char _rodata[], _erodata[];
extern char _data[], _edata[], _end[];

#endif
