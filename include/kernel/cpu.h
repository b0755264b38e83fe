/* include/kernel/cpu.h: what the boot CPU is and can do (from CPUID). */
#ifndef KVLAB_KERNEL_CPU_H
#define KVLAB_KERNEL_CPU_H

#include <lib/types.h>

struct cpu_info {
	char vendor[13];     /* "GenuineIntel", "AuthenticAMD"... */
	char model_name[49]; /* the brand string, trimmed */
	u32 family, model, stepping;
	u32 phys_addr_bits;	/* physical address width, bits */
	u32 virt_addr_bits;	/* linear address width, bits */
	bool has_pdpe1gb;	/* 1 GiB pages */
	bool has_nx;		/* no-execute (EFER.NXE) */
	bool has_pge;		/* global pages */
	bool has_invariant_tsc; /* TSC rate constant in all states */
	bool has_tsc;
	bool has_hypervisor; /* running under a hypervisor */
	bool has_x2apic;
};

extern struct cpu_info boot_cpu;

/* cpu_identify - fill boot_cpu from CPUID. */
void cpu_identify(void);

/* cpu_features_string - "pdpe1gb nx -invariant_tsc ..." into @buf. */
void cpu_features_string(char *buf, size_t size);

#endif
