/*
 * include/kernel/percpu.h: per-CPU variables, reached through the GS base.
 *
 *   DEFINE_PER_CPU(unsigned long, nr_calls);   // one copy per CPU
 *   this_cpu_inc(nr_calls);                    // this CPU's copy, one insn
 *   per_cpu(nr_calls, 3)                       // CPU 3's copy
 *   struct foo *p = this_cpu_ptr(&foo);        // a pointer to this CPU's copy
 *
 * DEFINE_PER_CPU puts the variable in the section .data..percpu, which
 * boot/linker.ld places in the read-only part of the image between
 * __per_cpu_start and __per_cpu_end: a template, never used directly.
 * Each CPU gets its own copy of the template (the boot CPU's in the bss,
 * set up first thing in kernel_main(); the others' allocated by
 * setup_per_cpu_areas()), and __per_cpu_offset[cpu] is the distance from
 * the template to that copy. Each CPU's GS base holds its own offset, so
 * an access through the GS segment to a variable's template address,
 * `mov %gs:var(%rip), %eax`, lands in the calling CPU's copy: the linear
 * address is GS base + &var. The compiler emits those accesses itself for
 * the __seg_gs address space (gcc 6+, clang). Linux's x86-64 does the same
 * with a zero-based section; the arithmetic is the same.
 *
 * Only with interrupts off (or preemption off, once there is a scheduler)
 * does "this CPU" stay this CPU between two accesses; each single
 * this_cpu_*() operation is one instruction, so it is safe against an
 * interrupt on the same CPU, as Linux's are.
 *
 * On the host (tests/host) a CPU is a thread (see below).
 */
#ifndef KVLAB_KERNEL_PERCPU_H
#define KVLAB_KERNEL_PERCPU_H

#include <kernel/threads.h>
#include <lib/compiler.h>
#include <lib/types.h>

#ifdef KVLAB_HOST

/*
 * The host (tests/host) has no GS: a CPU is a thread, whose number is the
 * thread-local host_cpu (0 for the main thread; the host stress test
 * gives each of its threads one). Static per-CPU variables are plain
 * globals there, one copy for all (mm/ defines none: it allocates its
 * per-CPU data with alloc_percpu()); dynamic per-CPU data has one unit
 * per CPU in one allocation (tests/host/shim/kernel.c), CPU 0's first,
 * and host_percpu_offset[cpu] is the distance from CPU 0's unit to @cpu's.
 */
extern __thread unsigned int host_cpu;
extern unsigned long host_percpu_offset[CONFIG_NR_CPUS];

#define DEFINE_PER_CPU(type, name)  __typeof__(type) name
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) name
#define per_cpu_ptr(ptr, cpu) \
	((__typeof__(ptr))((unsigned long)(ptr) + host_percpu_offset[cpu]))
#define this_cpu_ptr(ptr)      per_cpu_ptr(ptr, host_cpu)
#define this_cpu_read(var)     READ_ONCE(var)
#define this_cpu_write(var, v) WRITE_ONCE(var, v)
#define this_cpu_add(var, v)   ((var) += (v))

/* What the kernel reaches through %gs is an ordinary pointer here. */
#define __pcpu_seg
#define this_cpu_seg(ptr) this_cpu_ptr(ptr)

/* The possible CPUs: as many as the shim made units for. */
unsigned int percpu_nr_areas(void);

#else

#define DEFINE_PER_CPU(type, name) \
	__section(".data..percpu") __typeof__(type) name
#define DECLARE_PER_CPU(type, name) \
	extern __section(".data..percpu") __typeof__(type) name

/* The distance from the template to each CPU's copy (0 before setup). */
extern unsigned long __per_cpu_offset[CONFIG_NR_CPUS];
DECLARE_PER_CPU(unsigned long, this_cpu_off);

/* The calling CPU's copy of @var, as an lvalue in the GS address space. */
#define __this_cpu_lval(var) \
	(*(volatile __seg_gs __typeof__(var) *)(unsigned long)&(var))

#define this_cpu_read(var)     (__this_cpu_lval(var))
#define this_cpu_write(var, v) ((void)(__this_cpu_lval(var) = (v)))

/* One read-modify-write instruction: safe against interrupts on this CPU. */
#define __pcpu_add(sfx, type, var, v)                         \
	({                                                    \
		__asm__ __volatile__("add" sfx " %1, %%gs:%0" \
				     : "+m"(var)              \
				     : "er"((type)(v)));      \
	})
#define this_cpu_add(var, v)                                                \
	__builtin_choose_expr(                                              \
		sizeof(var) == 8, __pcpu_add("q", u64, var, v),             \
		__builtin_choose_expr(                                      \
			sizeof(var) == 4, __pcpu_add("l", u32, var, v),     \
			__builtin_choose_expr(sizeof(var) == 2,             \
					      __pcpu_add("w", u16, var, v), \
					      __pcpu_add("b", u8, var, v))))

#define per_cpu_ptr(ptr, cpu) \
	((__typeof__(ptr))((unsigned long)(ptr) + __per_cpu_offset[cpu]))
#define this_cpu_ptr(ptr) \
	((__typeof__(ptr))((unsigned long)(ptr) + this_cpu_read(this_cpu_off)))

/*
 * this_cpu_seg - @ptr (a per-CPU pointer, static or from alloc_percpu())
 * in the %gs address space: every access through the result is one
 * %gs-relative instruction on this CPU's copy, with no this_cpu_off to
 * add first. The allocators' inline fast paths use it:
 *
 *   struct kmem_cache_cpu __pcpu_seg *c = this_cpu_seg(s->cpu_slab);
 *   obj = c->freelist;            mov %gs:(%rax), %rdx
 *
 * Only while "this CPU" cannot change (no scheduler in kvlab: always).
 */
#define __pcpu_seg	  __seg_gs
#define this_cpu_seg(ptr) ((__seg_gs __typeof__(*(ptr)) *)(unsigned long)(ptr))

/*
 * percpu_init_boot_cpu - give the boot CPU its copy of the template and
 * point its GS base at it. The first thing kernel_main() does.
 */
void percpu_init_boot_cpu(void);

/*
 * setup_per_cpu_areas - an area for each of CPUs 1..@nr_cpus-1 (the
 * possible CPUs: those the MADT lists, less nosmp/maxcpus=), from
 * memblock, as Linux's: a copy of the template, then the first chunk of
 * dynamic per-CPU memory (PERCPU_DYNAMIC_SIZE) that alloc_percpu() hands
 * out. Then the first chunk is opened. Return: 0, or -ENOMEM (then
 * fewer CPUs have areas: percpu_nr_areas() says how many).
 * Context: boot, after paging_init() and before buddy_init(), once.
 */
int setup_per_cpu_areas(unsigned int nr_cpus);

/* percpu_nr_areas - the CPUs with a per-CPU area: the possible CPUs. */
unsigned int percpu_nr_areas(void);

/* percpu_load_gs - point this CPU's GS base at @cpu's copy. */
void percpu_load_gs(unsigned int cpu);

/* The size of one CPU's copy. */
unsigned long percpu_area_size(void);

#endif /* KVLAB_HOST */

/*
 * Dynamic per-CPU memory (mm/percpu.c), as Linux's alloc_percpu(): one
 * copy per possible CPU, all zeroed, carved from the first chunk, the
 * part of each CPU's area after the static template. The pointer it
 * returns is a cookie like &var of a DEFINE_PER_CPU variable: never
 * dereferenced itself, only through per_cpu_ptr(), this_cpu_ptr() or
 * this_cpu_seg(). __percpu marks such pointers (for the reader: kvlab has
 * no sparse).
 */
#define __percpu

/* The first chunk's size in each CPU's area (Linux's PERCPU_DYNAMIC_RESERVE). */
#define PERCPU_DYNAMIC_SIZE (16UL << 10)

#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < percpu_nr_areas(); (cpu)++)

/*
 * __alloc_percpu - @size bytes aligned to @align (a power of two, at
 * most 64: each CPU's chunk starts on a cache line) on every possible
 * CPU, zeroed.
 * Context: task context (takes pcpu_lock with interrupts off).
 * Return: the cookie, or NULL (no room in the first chunk, bad arguments:
 * warned about).
 */
void __percpu *__alloc_percpu(size_t size, size_t align);
#define alloc_percpu(type) \
	((type __percpu *)__alloc_percpu(sizeof(type), __alignof__(type)))

/*
 * free_percpu - give back what __alloc_percpu() returned; NULL does
 * nothing; anything else that is not a live allocation is reported and
 * left alone. Context: any but an interrupt handler.
 */
void free_percpu(void __percpu *ptr);

/* pcpu_setup_first_chunk - open the first chunk; its CPU 0 copy is @base. */
void pcpu_setup_first_chunk(void __percpu *base, unsigned long size);

/* pcpu_used_bytes - bytes of the first chunk allocated (tests, meminfo). */
unsigned long pcpu_used_bytes(void);

#define per_cpu(var, cpu) (*per_cpu_ptr(&(var), cpu))
#define this_cpu_inc(var) this_cpu_add(var, 1)
#define this_cpu_dec(var) this_cpu_add(var, -1)

#endif
