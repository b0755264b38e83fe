/*
 * tests/host/shim/arch/x86.h: include/arch/x86.h for the host tests.
 *
 * tests/host compiles kvlab code with -Itests/host/shim ahead of -Iinclude,
 * so <arch/x86.h> finds this file. Every function of the real header is
 * here with the same signature, but nothing touches the hardware:
 *
 *   invlpg, write_cr3, write_cr4,    recorded in host_arch (counters, last
 *   flush_tlb_all_local, wrmsr       value) and passed to an optional hook
 *   read_cr*, rdmsr                  return what was last written
 *   cpuid, cpuid_count               answer from host_arch.cpuid[] (zeros
 *                                    for a leaf the test did not set)
 *   rdtsc, rdtsc_ordered             a counter that advances by 1 per call
 *                                    (deterministic, so no test can depend
 *                                    on host timing)
 *   cpu_relax                        nothing
 *   irq_disable/enable, read_rflags  the host CPU's interrupt lock (cpu.c)
 *   port I/O, halt, lgdt, lidt, ltr  abort the test: mm/ must never need them
 *
 * A test that wants to see each TLB invalidation sets host_arch.on_invlpg.
 */
#ifndef KVLAB_HOST_ARCH_X86_H
#define KVLAB_HOST_ARCH_X86_H

#ifndef KVLAB_HOST
#error "tests/host/shim is only for host builds (-DKVLAB_HOST)"
#endif

#include <lib/compiler.h>
#include <lib/types.h>

#define HOST_CPUID_LEAVES 8 /* leaves a test can fake */

struct host_cpuid_leaf {
	u32 leaf, subleaf;
	u32 a, b, c, d;
};

/* Everything the stubs record; reset with host_arch_reset(). */
struct host_arch {
	u64 cr0, cr2, cr3, cr4;
	u64 efer; /* the only MSR kvlab writes */
	u64 tsc;  /* advances by 1 per rdtsc */

	unsigned long nr_invlpg;
	unsigned long last_invlpg_va; /* va of the latest invlpg */
	unsigned long nr_cr3_writes;  /* every write_cr3, flushes included */
	unsigned long nr_cr4_writes;
	unsigned long nr_flush_all; /* flush_tlb_all_local calls */

	/* Optional hooks, called after the counters are updated. */
	void (*on_invlpg)(unsigned long va);
	void (*on_write_cr3)(u64 cr3);

	struct host_cpuid_leaf cpuid[HOST_CPUID_LEAVES];
	unsigned int nr_cpuid;
};

extern struct host_arch host_arch;

/* host_arch_reset - zero every counter and value, drop the hooks and leaves. */
void host_arch_reset(void);
/* host_arch_set_cpuid - make cpuid(@leaf, @subleaf) answer a, b, c, d. */
void host_arch_set_cpuid(u32 leaf, u32 subleaf, u32 a, u32 b, u32 c, u32 d);
/* host_arch_unsupported - abort: @what has no meaning on the host. */
__noreturn void host_arch_unsupported(const char *what);

static inline void outb(u16 port, u8 v)
{
	(void)port;
	(void)v;
	host_arch_unsupported("outb");
}

static inline u8 inb(u16 port)
{
	(void)port;
	host_arch_unsupported("inb");
}

static inline void outl(u16 port, u32 v)
{
	(void)port;
	(void)v;
	host_arch_unsupported("outl");
}

void cpuid_count(u32 leaf, u32 subleaf, u32 *a, u32 *b, u32 *c, u32 *d);

static inline void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	cpuid_count(leaf, 0, a, b, c, d);
}

static inline u64 rdtsc(void)
{
	return ++host_arch.tsc;
}

static inline u64 rdtsc_ordered(void)
{
	return ++host_arch.tsc;
}

#define MSR_EFER 0xc0000080
#define EFER_NXE (1ULL << 11)

static inline u64 rdmsr(u32 msr)
{
	if (msr != MSR_EFER)
		host_arch_unsupported("rdmsr of an MSR other than EFER");
	return host_arch.efer;
}

static inline void wrmsr(u32 msr, u64 v)
{
	if (msr != MSR_EFER)
		host_arch_unsupported("wrmsr of an MSR other than EFER");
	host_arch.efer = v;
}

static inline u64 read_cr0(void)
{
	return host_arch.cr0;
}

static inline u64 read_cr2(void)
{
	return host_arch.cr2;
}

static inline u64 read_cr3(void)
{
	return host_arch.cr3;
}

static inline u64 read_cr4(void)
{
	return host_arch.cr4;
}

static inline void write_cr3(u64 v)
{
	host_arch.cr3 = v;
	host_arch.nr_cr3_writes++;
	if (host_arch.on_write_cr3)
		host_arch.on_write_cr3(v);
}

static inline void write_cr4(u64 v)
{
	host_arch.cr4 = v;
	host_arch.nr_cr4_writes++;
}

#define X86_CR4_PGE (1ULL << 7)

static inline void invlpg(unsigned long va)
{
	host_arch.nr_invlpg++;
	host_arch.last_invlpg_va = va;
	if (host_arch.on_invlpg)
		host_arch.on_invlpg(va);
}

/* Counted once, not as the CR4/CR3 writes the real one makes. */
static inline void flush_tlb_all_local(void)
{
	host_arch.nr_flush_all++;
}

static inline void cpu_relax(void)
{
}

static inline void halt(void)
{
	host_arch_unsupported("hlt");
}

/*
 * The interrupt flag of the calling thread's host CPU (tests/host/shim/
 * cpu.c): clearing it takes that CPU's interrupt lock, which a call
 * from another CPU (smp_call_function_single() and friends) must take
 * too, so such a call waits until interrupts are on again, as an IPI.
 */
void host_irq_disable(void);
void host_irq_enable(void);
bool host_irqs_off(void);

static inline void irq_disable(void)
{
	host_irq_disable();
}

static inline void irq_enable(void)
{
	host_irq_enable();
}

static inline u64 read_rflags(void)
{
	return 0x2 | (host_irqs_off() ? 0 : 0x200); /* bit 1, and IF */
}

static inline unsigned long read_rbp(void)
{
	return (unsigned long)__builtin_frame_address(0);
}

static inline unsigned long read_rsp(void)
{
	return (unsigned long)__builtin_frame_address(0);
}

struct desc_ptr {
	u16 limit;
	u64 base;
} __attribute__((packed));

static inline void lgdt(const struct desc_ptr *p)
{
	(void)p;
	host_arch_unsupported("lgdt");
}

static inline void lidt(const struct desc_ptr *p)
{
	(void)p;
	host_arch_unsupported("lidt");
}

static inline void ltr(u16 sel)
{
	(void)sel;
	host_arch_unsupported("ltr");
}

#endif
