/*
 * include/arch/x86.h: every instruction-level operation kvlab uses.
 *
 * mm/ and lib/ touch the hardware only through these functions, so that
 * tests/host/ can compile them against a shim of the same name that records
 * invlpg and CR3 writes instead of executing them.
 */
#ifndef KVLAB_ARCH_X86_H
#define KVLAB_ARCH_X86_H

#include <lib/types.h>

static inline void outb(u16 port, u8 v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(u16 port, u32 v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cpuid_count(u32 leaf, u32 subleaf, u32 *a, u32 *b, u32 *c,
			       u32 *d)
{
	__asm__ __volatile__("cpuid"
			     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			     : "a"(leaf), "c"(subleaf));
}

static inline void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	cpuid_count(leaf, 0, a, b, c, d);
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/*
 * rdtsc_ordered - read the TSC after all earlier instructions complete.
 * lfence keeps rdtsc from starting early (Intel SDM: "LFENCE ... waits until
 * all prior instructions have completed locally"), as Linux's
 * rdtsc_ordered() does.
 */
static inline u64 rdtsc_ordered(void)
{
	u32 lo, hi;

	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((u64)hi << 32) | lo;
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	__asm__ __volatile__("wrmsr"
			     :
			     : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}

#define MSR_EFER 0xc0000080
#define EFER_NXE (1ULL << 11)

static inline u64 read_cr0(void)
{
	u64 v;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr2(void)
{
	u64 v;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr3(void)
{
	u64 v;

	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr4(void)
{
	u64 v;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

/* Loading CR3 also flushes every non-global TLB entry. */
static inline void write_cr3(u64 v)
{
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void write_cr4(u64 v)
{
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(v) : "memory");
}

#define X86_CR4_PGE (1ULL << 7)

static inline void invlpg(unsigned long va)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

/*
 * flush_tlb_all_local - drop every TLB entry, global ones included: toggling
 * CR4.PGE flushes the whole TLB (Intel SDM 4.10.4.1).
 */
static inline void flush_tlb_all_local(void)
{
	u64 cr4 = read_cr4();

	if (cr4 & X86_CR4_PGE) {
		write_cr4(cr4 & ~X86_CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

static inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

static inline void halt(void)
{
	__asm__ __volatile__("hlt" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static inline void irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

static inline u64 read_rflags(void)
{
	u64 v;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline unsigned long read_rbp(void)
{
	unsigned long v;

	__asm__ __volatile__("mov %%rbp, %0" : "=r"(v));
	return v;
}

static inline unsigned long read_rsp(void)
{
	unsigned long v;

	__asm__ __volatile__("mov %%rsp, %0" : "=r"(v));
	return v;
}

struct desc_ptr {
	u16 limit;
	u64 base;
} __attribute__((packed));

static inline void lgdt(const struct desc_ptr *p)
{
	__asm__ __volatile__("lgdt %0" : : "m"(*p));
}

static inline void lidt(const struct desc_ptr *p)
{
	__asm__ __volatile__("lidt %0" : : "m"(*p));
}

static inline void ltr(u16 sel)
{
	__asm__ __volatile__("ltr %0" : : "r"(sel));
}

#endif
