/*
 * kernel/main.c: kvlab's init order, one step per line.
 *
 * boot/boot.asm has set up long mode, early page tables (the first 4 GiB
 * identity-mapped and at PAGE_OFFSET) and a stack, then called us with the
 * loader's magic and the physical address of its information block.
 */
#include <kernel/apic.h>
#include <kernel/acpi.h>
#include <kernel/backtrace.h>
#include <kernel/bench.h>
#include <kernel/bootinfo.h>
#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/crash.h>
#include <kernel/exit.h>
#include <kernel/percpu.h>
#include <kernel/smp.h>
#include <kernel/fault_inject.h>
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/monitor.h>
#include <kernel/printk.h>
#include <kernel/serial.h>
#include <kernel/traps.h>
#include <kernel/tsc.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/buddy.h>
#include <mm/memblock.h>
#include <mm/paging.h>
#include <mm/slab.h>
#include <mm/stats.h>
#include <mm/vmalloc.h>

#ifndef KVLAB_VERSION
#define KVLAB_VERSION "0.0"
#endif

static int symbolize(unsigned long addr, char *buf, size_t size)
{
	unsigned long off, sz;

	if (!kallsyms_lookup(addr, &off, &sz))
		return 0;
	return sprint_symbol(buf, size, addr);
}

static void print_banner(void)
{
	char features[128];

	pr_notice("kvlab version %s (%s) - a teaching kernel about memory "
		  "allocation\n",
		  KVLAB_VERSION, __VERSION__);
	pr_info("CPU: %s %s (family %u, model %u, stepping %u)\n",
		boot_cpu.vendor, boot_cpu.model_name, boot_cpu.family,
		boot_cpu.model, boot_cpu.stepping);
	cpu_features_string(features, sizeof(features));
	pr_info("CPU features: %s; %u-bit physical, %u-bit virtual addresses\n",
		features, boot_cpu.phys_addr_bits, boot_cpu.virt_addr_bits);
	pr_info("Boot loader: %s (%s)\n",
		boot_info.loader_name[0] ? boot_info.loader_name : "unnamed",
		boot_info.protocol == BOOT_MB2 ? "multiboot2" : "multiboot1");
	pr_info("Command line: %s\n", boot_info.cmdline);
}

/*
 * init_upto=LAYER: bring up the memory layers only up to LAYER, so that
 * a part of make grade runs its tests on the layers it needs and on
 * nothing above them (a broken slab allocator cannot fail the buddy
 * part): paging (no page allocator, no APIC), buddy, slab, vmalloc (all,
 * the default; the other CPUs, the benchmarks and the monitor only then).
 */
enum init_layer { INIT_PAGING, INIT_BUDDY, INIT_SLAB, INIT_ALL };
static enum init_layer init_upto = INIT_ALL;

static int set_init_upto(const char *val, char *why, size_t why_size)
{
	static const char *const names[] = { "paging", "buddy", "slab",
					     "vmalloc" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(val, names[i])) {
			init_upto = (enum init_layer)i;
			return 0;
		}
	}
	snprintf(why, why_size, "expected paging, buddy, slab or vmalloc");
	return -EINVAL;
}
KPARAM("init_upto", set_init_upto,
       "bring up the memory layers only up to paging, buddy, slab or "
       "vmalloc (the default: all; make grade's parts)");

static __noreturn void finish(const struct ktest_totals *tests)
{
	if (tests->failed) {
		pr_err("kvlab: %u test case(s) failed\n", tests->failed);
		qemu_exit(EXIT_TESTFAIL);
	}
	if (ktest_enabled() && !tests->suites) {
		pr_err("kvlab: tests= selected no test case\n");
		qemu_exit(EXIT_NOTESTS);
	}
	pr_notice("kvlab: done\n");
	qemu_exit(EXIT_PASS);
}

void kernel_main(u32 magic, u32 info_pa);
void kernel_main(u32 magic, u32 info_pa)
{
	struct ktest_totals tests = { 0 };
	int bootinfo_err;

	percpu_init_boot_cpu(); /* GS base: the boot CPU's per-CPU area */
	serial_init();		/* COM1, for everything below */
	printf_set_symbolizer(symbolize); /* %pS via kallsyms */
	cpu_identify();			  /* CPUID: features, brand */
	traps_init(); /* GDT, TSS, IDT: faults are reported */
	bootinfo_err =
		bootinfo_init(magic, info_pa); /* copy the loader's info */
	print_banner();
	bootinfo_print_warnings();	 /* held until after the banner */
	cmdline_init(boot_info.cmdline); /* apply key=value words */
	if (bootinfo_err)
		panic("kvlab: cannot read the boot information (magic %#x at "
		      "%#x)",
		      magic, info_pa);
	memmap_print(); /* the loader's memory map */
	acpi_init();	/* RSDP, MADT: the CPUs */
	memblock_init(
		&boot_info); /* early allocator: RAM, reservations, mem= */
	paging_init();	     /* direct map, W^X image, no identity map */
	setup_per_cpu_areas(
		smp_possible_cpus()); /* per-CPU areas, alloc_percpu() */
	if (init_upto >= INIT_BUDDY) {
		buddy_init();	  /* struct pages, zones, free lists */
		show_buddyinfo(); /* free blocks per order, as /proc/buddyinfo */
	}
	if (init_upto >= INIT_SLAB) {
		kmem_cache_init();	/* slab: the cache of caches */
		kmalloc_init();		/* kmalloc-8 ... kmalloc-8k */
		kmem_cache_init_late(); /* slab: test checker, boot line */
	}
	if (init_upto >= INIT_ALL)
		vmalloc_init(); /* the vmalloc range: one free area */
	tsc_calibrate();	/* TSC rate against the PIT */
	if (init_upto >= INIT_BUDDY) {
		apic_init();	   /* local APIC, PICs masked, timer at hz= */
		irq_boot_enable(); /* interrupts on from here */
	}
	if (init_upto >= INIT_ALL)
		smp_init();   /* the other CPUs: INIT-SIPI-SIPI */
	crash_if_requested(); /* crash= tests the oops output */
	fault_inject_arm(
		ktest_boot_seed); /* failslab=, fail_page_alloc= from now on */
	if (ktest_enabled())
		ktest_run_all(&tests); /* self-tests, KTAP on serial */
	if (init_upto < INIT_ALL) {
		pr_info("kvlab: init_upto= stopped the bring-up: no slabinfo, "
			"benchmarks or monitor\n");
		finish(&tests);
	}
	show_slabinfo(); /* caches, as /proc/slabinfo */
	pr_info("vmallocinfo after the tests:\n");
	show_vmallocinfo();   /* live vmalloc areas, as /proc/vmallocinfo */
	bench_run_selected(); /* bench=: timing comparisons */
	if (monitor_enabled())
		monitor_run(); /* monitor=1: a prompt until exit */
	finish(&tests);
}
