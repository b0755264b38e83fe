/*
 * tests/host/test_shim.c: the shim itself (tests/host/shim/), so the
 * allocator tests built on it can trust it: the arena and its direct map,
 * the arch stubs' records, printk's log, and reports.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include <host.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <mm/layout.h>

/* The permissions /proc/self/maps shows for @addr ("rw-p"), or "". */
static void page_perms(const void *addr, char perms[5])
{
	unsigned long a = (unsigned long)addr, lo, hi;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	perms[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char p[5];

		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, p) == 3 && lo <= a &&
		    a < hi) {
			memcpy(perms, p, 5);
			break;
		}
	}
	fclose(f);
}

static void *va(phys_addr_t pa)
{
	return (void *)(pa + PAGE_OFFSET);
}

/*
 * The arena backs RAM, and only RAM, at PAGE_OFFSET + pa. (Small RAM:
 * valgrind's cost grows with every accessible byte.)
 */
static void arena_direct_map(struct host_test *t)
{
	static const struct mem_region map[] = {
		{ 4ULL << 30, (4ULL << 30) + (64 << 20), MEM_USABLE },
		{ 0, 0x9fc00, MEM_USABLE },
		{ 0x9fc00, 0xa0000, MEM_RESERVED },
		{ 0xf0000, 0x100000, MEM_RESERVED },
		{ 0x100000, 64 << 20, MEM_USABLE },
		{ 0x3000000, 0x3010000, MEM_ACPI }, /* carved out of RAM */
	};
	static const phys_addr_t ram_pas[] = {
		0,	    0x9e000,
		0x100000,   0x2fff000,
		0x3010000,  (64 << 20) - 4096,
		4ULL << 30, (4ULL << 30) + (64 << 20) - 4096
	};
	static const phys_addr_t hole_pas[] = { 0x9f000,
						0xa0000,
						0xf0000,
						0x3000000,
						64 << 20,
						3ULL << 30,
						(4ULL << 30) - 4096 };
	char perms[5];
	size_t i;

	if (!CHECK(t, host_arena_create(map, ARRAY_SIZE(map)) == 0,
		   "host_arena_create failed"))
		return;
	CHECK(t, host_arena_create(map, ARRAY_SIZE(map)) != 0,
	      "a second arena was allowed");
	CHECK(t,
	      boot_info.nr_map == 7 && boot_info.map[6].type == MEM_USABLE &&
		      boot_info.map[6].start == 4ULL << 30,
	      "boot_info.map: %zu entries", boot_info.nr_map);
	CHECK(t, host_arena_end() == (4ULL << 30) + (64 << 20),
	      "arena end %#llx", (unsigned long long)host_arena_end());
	/* Every RAM page writable, and no two of them the same memory. */
	for (i = 0; i < ARRAY_SIZE(ram_pas); i++) {
		u64 *p = va(ram_pas[i]);

		CHECK(t, host_arena_is_ram(ram_pas[i], 4096),
		      "pa %#llx is not RAM", (unsigned long long)ram_pas[i]);
		p[0] = ram_pas[i] ^ 0x5a5a;
		p[511] = ~ram_pas[i];
	}
	for (i = 0; i < ARRAY_SIZE(ram_pas); i++) {
		const u64 *p = va(ram_pas[i]);

		CHECK(t, p[0] == (ram_pas[i] ^ 0x5a5a) && p[511] == ~ram_pas[i],
		      "pa %#llx does not keep what is written",
		      (unsigned long long)ram_pas[i]);
	}
	for (i = 0; i < ARRAY_SIZE(hole_pas); i++) {
		CHECK(t, !host_arena_is_ram(hole_pas[i], 1), "pa %#llx is RAM",
		      (unsigned long long)hole_pas[i]);
		page_perms(va(hole_pas[i]), perms);
		CHECK(t, !strcmp(perms, "---p"),
		      "pa %#llx is mapped %s, not ---p",
		      (unsigned long long)hole_pas[i], perms);
	}
	CHECK(t, !host_arena_is_ram(0x2fff000, 4097),
	      "a range running into ACPI data is RAM");
	page_perms(va(0x100000), perms);
	CHECK(t, !strcmp(perms, "rw-p"), "RAM is mapped %s", perms);
	host_arena_destroy();
	CHECK(t, kvlab_host_page_offset == 0 && !host_arena_is_ram(0x100000, 1),
	      "the arena outlived host_arena_destroy");
}

/* host_arena_create_pc lays out QEMU's pc map. */
static void arena_pc(struct host_test *t)
{
	if (!CHECK(t, host_arena_create_pc(32 << 20) == 0,
		   "no 32 MiB pc arena"))
		return;
	CHECK(t,
	      boot_info.nr_map == 4 && boot_info.map[3].start == 0x100000 &&
		      boot_info.map[3].end == 32 << 20 &&
		      host_arena_is_ram(0, 4096) &&
		      !host_arena_is_ram(0x9f000, 1),
	      "pc map: %zu entries", boot_info.nr_map);
	host_arena_destroy();
	CHECK(t, host_arena_create_pc(4096) != 0, "a pc with 4 KiB of RAM");
}

static unsigned long hook_va;
static u64 hook_cr3;

static void on_invlpg(unsigned long v)
{
	hook_va = v;
}

static void on_write_cr3(u64 v)
{
	hook_cr3 = v;
}

/* The arch stubs record what mm/ asked the MMU to do. */
static void arch_stubs_record(struct host_test *t)
{
	u32 a, b, c, d;
	u64 t1, t2;

	host_arch_reset();
	host_arch.on_invlpg = on_invlpg;
	host_arch.on_write_cr3 = on_write_cr3;
	invlpg(0xffffc90000001000UL);
	invlpg(0xffffc90000002000UL);
	CHECK(t,
	      host_arch.nr_invlpg == 2 &&
		      host_arch.last_invlpg_va == 0xffffc90000002000UL &&
		      hook_va == 0xffffc90000002000UL,
	      "invlpg: %lu recorded, last %#lx, hook saw %#lx",
	      host_arch.nr_invlpg, host_arch.last_invlpg_va, hook_va);
	write_cr3(0x1000);
	write_cr3(read_cr3());
	CHECK(t,
	      host_arch.nr_cr3_writes == 2 && read_cr3() == 0x1000 &&
		      hook_cr3 == 0x1000,
	      "CR3: %lu writes, value %#llx", host_arch.nr_cr3_writes,
	      (unsigned long long)read_cr3());
	flush_tlb_all_local();
	CHECK(t, host_arch.nr_flush_all == 1,
	      "flush_tlb_all_local not counted");
	cpuid(1, &a, &b, &c, &d);
	CHECK(t, a == 0 && b == 0 && c == 0 && d == 0,
	      "cpuid of an unset leaf");
	host_arch_set_cpuid(0x80000001, 0, 0, 0, 0, 1u << 26);
	cpuid(0x80000001, &a, &b, &c, &d);
	CHECK(t, d == 1u << 26, "cpuid 0x80000001: edx %#x", d);
	wrmsr(MSR_EFER, EFER_NXE);
	CHECK(t, rdmsr(MSR_EFER) == EFER_NXE, "EFER not kept");
	t1 = rdtsc();
	t2 = rdtsc_ordered();
	CHECK(t, t2 == t1 + 1, "rdtsc: %llu then %llu", (unsigned long long)t1,
	      (unsigned long long)t2);
	host_arch_reset();
	CHECK(t,
	      host_arch.nr_invlpg == 0 && !host_arch.on_invlpg &&
		      host_arch.nr_cpuid == 0,
	      "host_arch_reset left state behind");
}

/* printk strips the level, keeps the text in log_buf and log_read. */
static void printk_log(struct host_test *t)
{
	int saved = console_loglevel;
	u64 mark = host_log_mark();
	char tail[64];
	size_t n;

	console_loglevel = 0; /* keep stderr quiet */
	pr_info("shim test %d ", 42);
	pr_cont("continued\n");
	printk("no level %s\n", "here");
	console_loglevel = saved;
	CHECK(t, host_log_contains(mark, "shim test 42 continued\n"),
	      "the log lacks the message");
	CHECK(t, !host_log_contains(mark, KERN_SOH),
	      "a level prefix was logged");
	CHECK(t, !host_log_contains(host_log_mark(), "shim test"),
	      "host_log_contains looks before its mark");
	n = log_read(tail, sizeof(tail) - 1);
	tail[n] = '\0';
	CHECK(t,
	      n == MIN(log_head, sizeof(tail) - 1) && strstr(tail, "no level "
								   "here\n"),
	      "log_read gave %zu of %llu bytes: \"%s\"", n,
	      (unsigned long long)log_head, tail);
}

/* Counted reports and warnings go on; an uncounted report panics. */
static void reports_counted_or_fatal(struct host_test *t)
{
	int saved = console_loglevel;
	unsigned long before = report_count();
	u64 mark = host_log_mark();
	bool old, warned;
	pid_t pid;
	int status = 0;

	console_loglevel = 0;
	old = report_set_counting(true);
	report_begin("BUG: shim test report %d", 7);
	report_end();
	warned = WARN_ON(before < 100000);
	CHECK(t, !WARN_ON(false), "WARN_ON(false) fired");
	report_set_counting(old);
	console_loglevel = saved;
	CHECK(t, warned && report_count() == before + 2,
	      "%lu reports counted, want 2", report_count() - before);
	CHECK(t, host_log_contains(mark, "BUG: shim test report 7"),
	      "the report's title is not in the log");

	fflush(NULL);
	pid = fork();
	if (pid == 0) { /* nobody counts: report_end must not return */
		int devnull = open("/dev/null", O_WRONLY);

		if (devnull >= 0)
			dup2(devnull, STDERR_FILENO);
		report_begin("BUG: uncounted");
		report_end();
		_exit(0);
	}
	CHECK(t, pid > 0 && waitpid(pid, &status, 0) == pid, "fork failed");
	CHECK(t, WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
	      "an uncounted report did not abort (status %#x)", status);
}

const struct host_suite suite_shim =
	HOST_SUITE("shim", HOST_CASE(arena_direct_map), HOST_CASE(arena_pc),
		   HOST_CASE(arch_stubs_record), HOST_CASE(printk_log),
		   HOST_CASE(reports_counted_or_fatal));
