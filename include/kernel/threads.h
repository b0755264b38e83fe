/* include/kernel/threads.h: how many CPUs kvlab can have (Linux's linux/threads.h). */
#ifndef KVLAB_KERNEL_THREADS_H
#define KVLAB_KERNEL_THREADS_H

/* The most CPUs kvlab brings up (Linux's CONFIG_NR_CPUS). */
#define CONFIG_NR_CPUS 64

#endif
