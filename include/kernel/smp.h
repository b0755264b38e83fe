/*
 * include/kernel/smp.h: the CPUs: how many, which one is this, and
 * running a function on others (kernel/smp.c).
 */
#ifndef KVLAB_KERNEL_SMP_H
#define KVLAB_KERNEL_SMP_H

#include <lib/types.h>

/* The most CPUs kvlab brings up (Linux's CONFIG_NR_CPUS). */
#define CONFIG_NR_CPUS 64

#endif
