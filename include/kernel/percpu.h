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
 * On the host (tests/host) there is one CPU and no GS: the variables are
 * plain globals.
 */
#ifndef KVLAB_KERNEL_PERCPU_H
#define KVLAB_KERNEL_PERCPU_H

#include <kernel/threads.h>
#include <lib/compiler.h>
#include <lib/types.h>

#ifdef KVLAB_HOST

#define DEFINE_PER_CPU(type, name)  __typeof__(type) name
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) name
#define this_cpu_ptr(ptr)	    (ptr)
#define per_cpu_ptr(ptr, cpu)	    ((void)(cpu), (ptr))
#define this_cpu_read(var)	    READ_ONCE(var)
#define this_cpu_write(var, v)	    WRITE_ONCE(var, v)
#define this_cpu_add(var, v)	    ((var) += (v))

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
 * percpu_init_boot_cpu - give the boot CPU its copy of the template and
 * point its GS base at it. The first thing kernel_main() does.
 */
void percpu_init_boot_cpu(void);

/*
 * setup_per_cpu_areas - a copy of the template for each of CPUs
 * 1..@nr_cpus-1, from memblock. Return: 0, or -ENOMEM (then fewer CPUs
 * have areas: percpu_nr_areas() says how many).
 */
int setup_per_cpu_areas(unsigned int nr_cpus);
unsigned int percpu_nr_areas(void);

/* percpu_load_gs - point this CPU's GS base at @cpu's copy. */
void percpu_load_gs(unsigned int cpu);

/* The size of one CPU's copy. */
unsigned long percpu_area_size(void);

#endif /* KVLAB_HOST */

#define per_cpu(var, cpu) (*per_cpu_ptr(&(var), cpu))
#define this_cpu_inc(var) this_cpu_add(var, 1)
#define this_cpu_dec(var) this_cpu_add(var, -1)

#endif
