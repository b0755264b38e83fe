/*
 * tests/test_traps.c: the traps suite: the exception-fixup mechanism turns
 * faults in probes into -EFAULT with the fault recorded, and warnings and
 * reports are counted while tests run.
 */
#include <arch/x86.h>
#include <kernel/cpu.h>
#include <kernel/fixup.h>
#include <kernel/ktest.h>
#include <kernel/traps.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm/layout.h>

/* An unmapped canonical address: PML4 slot 256, which nothing maps. */
#define UNMAPPED_VA	0xffff800000000000UL
/* A non-canonical address: bits 63..47 are not all equal. */
#define NONCANONICAL_VA 0x8000000000000000UL

/* Reading an unmapped address faults (#PF, not present, read) and is fixed up. */
static void read_unmapped_faults(struct ktest *t)
{
	unsigned long before = last_fault.count;
	u8 v = 0x11;

	KT_EXPECT_EQ(t, probe_read_u8((const void *)UNMAPPED_VA, &v), -EFAULT);
	KT_EXPECT_EQ(t, v, 0x11); /* untouched */
	KT_EXPECT_UEQ(t, last_fault.count, before + 1);
	KT_EXPECT_UEQ(t, last_fault.vector, X86_TRAP_PF);
	KT_EXPECT_UEQ(t, last_fault.addr, UNMAPPED_VA);
	KT_EXPECT_UEQ(t, last_fault.error_code & (X86_PF_PROT | X86_PF_WRITE),
		      0);
}

/* Writing an unmapped address faults with the write bit in the error code. */
static void write_unmapped_faults(struct ktest *t)
{
	KT_EXPECT_EQ(t, probe_write_u64((void *)(UNMAPPED_VA + 8), 1), -EFAULT);
	KT_EXPECT_UEQ(t, last_fault.vector, X86_TRAP_PF);
	KT_EXPECT_UEQ(t, last_fault.error_code & X86_PF_WRITE, X86_PF_WRITE);
	KT_EXPECT_UEQ(t, last_fault.addr, UNMAPPED_VA + 8);
}

/* A non-canonical address raises #GP, which the same table fixes up. */
static void noncanonical_is_gp(struct ktest *t)
{
	u64 v;

	KT_EXPECT_EQ(t, probe_read_u64((const void *)NONCANONICAL_VA, &v),
		     -EFAULT);
	KT_EXPECT_UEQ(t, last_fault.vector, X86_TRAP_GP);
}

/* Probes of good memory succeed and really read and write it. */
static void probes_work_on_good_memory(struct ktest *t)
{
	static u64 cell = 0x1234;
	u64 v = 0;
	u8 b = 0;
	unsigned long before = last_fault.count;

	KT_EXPECT_EQ(t, probe_read_u64(&cell, &v), 0);
	KT_EXPECT_UEQ(t, v, 0x1234);
	KT_EXPECT_EQ(t, probe_write_u64(&cell, 0xabcd), 0);
	KT_EXPECT_UEQ(t, cell, 0xabcd);
	KT_EXPECT_EQ(t, probe_write_u8(&cell, 0x55), 0);
	KT_EXPECT_EQ(t, probe_read_u8(&cell, &b), 0);
	KT_EXPECT_EQ(t, b, 0x55);
	KT_EXPECT_UEQ(t, last_fault.count, before); /* no fault taken */
}

/* A `ret` in kernel text runs through probe_exec; a jump to nowhere faults. */
static void exec_probe(struct ktest *t)
{
	static const u8 *ret_insn;
	const u8 *p;

	/* Find a ret (0xc3) at the end of a function in kernel text. */
	for (p = (const u8 *)probes_work_on_good_memory; *p != 0xc3; p++)
		;
	ret_insn = p;
	KT_EXPECT_EQ(t, probe_exec(ret_insn), 0);
	KT_EXPECT_EQ(t, probe_exec((const void *)UNMAPPED_VA), -EFAULT);
	KT_EXPECT_UEQ(t, last_fault.vector, X86_TRAP_PF);
	KT_EXPECT_UEQ(t, last_fault.error_code & X86_PF_INSTR,
		      boot_cpu.has_nx ? X86_PF_INSTR : 0);
}

extern char boot_pml4[];

/* page 0 is never mapped after paging_init: a NULL read faults. */
static void null_read_faults(struct ktest *t)
{
	u8 v;

	if (read_cr3() == (unsigned long)boot_pml4)
		KT_SKIP(t, "still on the boot page tables (identity map "
			   "present)");
	KT_EXPECT_EQ(t, probe_read_u8(NULL, &v), -EFAULT);
	KT_EXPECT_UEQ(t, last_fault.addr, 0);
}

/* WARN_ON is counted as a report while tests run, and returns its condition. */
static void warn_on_is_counted(struct ktest *t)
{
	bool r = false;

	KT_EXPECT_REPORTS(t, 1, r = WARN_ON(1 + 1 == 2));
	KT_EXPECT_TRUE(t, r);
	KT_EXPECT_REPORTS(t, 0, r = WARN_ON(0));
	KT_EXPECT_FALSE(t, r);
}

static void raise_report(struct ktest *t)
{
	report_begin("BUG: test report from %s", t->name);
	report_end();
}

/* A misuse report is counted and does not stop the kernel under test. */
static void report_is_counted(struct ktest *t)
{
	KT_EXPECT_REPORTS(t, 1, raise_report(t));
}

KTEST_SUITE(traps, NULL, NULL, KTEST_CASE(read_unmapped_faults),
	    KTEST_CASE(write_unmapped_faults), KTEST_CASE(noncanonical_is_gp),
	    KTEST_CASE(probes_work_on_good_memory), KTEST_CASE(exec_probe),
	    KTEST_CASE(null_read_faults), KTEST_CASE(warn_on_is_counted),
	    KTEST_CASE(report_is_counted));
