#!/usr/bin/env python3
"""scripts/runtests.py: kvlab's test runner (`make test`, `make test-quick`).

Boots the kernel in QEMU (TCG) once per configuration below, each with its
own timeout and its own serial log under build/test/, parses the KTAP
output (scripts/ktap.py), prints every failure with its diagnostics and the
tail of the log, then a table of configurations and the closing line

    N passed, N failed

counting every test case of every configuration, plus one result for each
configuration-level check (the boot exited as expected, the log shows what
it must). Exits 1 if anything failed. A panic, a triple fault, a missing
plan or result and a timeout are all failures.

Configurations with a "script" type into the serial monitor (monitor=1)
and check each reply; with "gdb" as well, gdb runs kvlab's helpers
(scripts/gdb/kvlab.py) at a breakpoint and their output is checked against
what the kernel printed (see run_session()).

Before the QEMU configurations comes the host phase: `make host-test` and
`make fuzz-smoke` (tests/host/), `make doc-check` (the kernel-doc of the
mm headers), `make script-test` (tests/scripts/) and `make replay-check`
(the shipped Linux kmem traces replayed on the host), whose output is shown
and whose closing `N passed, N failed` lines join the totals (doc-check,
which has none, counts as one result); a non-zero exit is a failure.
Then the broken-* checks: each builds kvlab with a planted bug (make
BREAK=name) and passes only if both the host suite and the kernel suite
it names fail (run_broken()).
--no-host or --quick leaves it out, as does --only unless it names them.

  runtests.py [--build build] [--quick] [--no-host] [--only NAME,...]
              [--jobs N] [--list]
"""
import argparse
import codecs
import concurrent.futures
import os
import random
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kvqemu  # noqa: E402
import ktap  # noqa: E402

ROOT = kvqemu.ROOT

# The test-kernel command line every configuration starts from.
BASE_CMDLINE = kvqemu.TEST_CMDLINE


def cfg(name, **kw):
    c = {
        "name": name,
        "tc": "gcc",            # which kernel: build/<tc>/kvlab.elf
        "boot": "kernel",       # kernel (qemu -kernel), bios or uefi (GRUB ISO)
        "machine": "pc",
        "cpu": "max",
        "mem": "1G",
        "cmdline": "tests=all",
        "timeout": 120,
        "expect": "pass",       # pass, testfail, panic, nomem or notests
        "log_must": [],         # regexes the log must match ("!re": must not)
        "ktap": True,           # KTAP results expected
        "expect_failed": None,  # for expect=testfail: the failing cases
        "icount": False,
        "smp": 1,               # -smp N
        "mttcg": False,         # -accel tcg,thread=multi
        "script": None,         # [(keys to type, [regex, "!regex"...]), ...]
        "gdb": None,            # gdb commands to run at qemu_exit()
        "why": "",
    }
    c.update(kw)
    return c


# The serial monitor (kernel/monitor.c) driven as a person would drive it.
PROMPT = "kvlab> "


def line(keys):
    """keys, then Enter as a terminal sends it."""
    return keys + "\r"


HEX = r"0x[0-9a-f]{16}"

# (what to type, regexes its reply must match; "!re": must not match). The
# reply is what the serial console shows up to the next prompt; the last
# step must end the session.
MONITOR_SCRIPT = [
    (line("help"), [r"(?m)^  pgwalk VA +walk", r"(?m)^  peek ADDR \[COUNT\] ",
                    r"(?m)^  exit +leave", r"(?m)^  memmap +the physical"]),
    (line("help peek"), [r"usage: peek ADDR \[COUNT\]\n  read COUNT"]),
    (line("memmap"), [r"\[mem 0x0000000000100000-%s\] usable +\d+ MiB \|[.#:]{32}\|" % HEX,
                      r"\] reserved +\d+ KiB \|-{32}\|", r"usable RAM \d+ MiB"]),
    (line("pgwalk kernel_main"),
     [r"pgwalk va=0xffffffff8[0-9a-f]{7} cr3=" + HEX,
      r"PML4\[511\] +%s P W.* -> PDPT pa=%s" % (HEX, HEX),
      r"PDPT\[510\] +%s P W" % HEX,
      r"=> pa=%s \((4K|2M) page, kernel, read-(write|only), executable\)" % HEX]),
    (line("pgwalk ffff800000000000"), [r"PML4\[256\] +0x0{16} not present",
                                       r"=> not mapped \(no PML4 entry\)"]),
    (line("pgwalk 8000000000000000"), [r"0x8000000000000000 is not canonical"]),
    (line("peek kernel_main 2"), [r"(%s): %s\n(%s): %s\n" % (HEX, HEX, HEX, HEX)]),
    (line("peek ffff800000000000"),
     [r"peek: 0xffff800000000000 faulted \(page fault, not present\)"]),
    (line("peek 8000000000000000"), [r"faulted \(general protection fault"]),
    (line("test lib"), [r"(?m)^ok 1 lib$", r"test: \d+ passed, 0 failed"]),
    # The page allocator, from the monitor.
    (line("buddyinfo"), [r"(?m)^Node 0, zone +DMA32( +\d+){11} $"]),
    (line("meminfo"), [r"(?m)^MemTotal: +\d+ kB$", r"(?m)^MemFree: +\d+ kB$",
                       r"(?m)^Slab: +[1-9]\d* kB$",
                       r"(?m)^DirectMap2M: +\d+ kB$"]),
    (line("alloc_pages 3"),
     [r"alloc_pages: order 3 \(32 KiB\) at pfn 0x[0-9a-f]+ pa 0x[0-9a-f]+ va (0xffff888[0-9a-f]+)"]),
    (line("free_pages $1 3"), [r"free_pages: freed 32 KiB at 0xffff888"]),
    (line("free_pages $1 3"), [r"BUG: Bad page state", r"free_pages: refused"]),
    # vmalloc, from the monitor: an area, its vmallocinfo line, a double vfree.
    (line("vmalloc 12K"),
     [r"vmalloc: 3 pages at (0xffffc9[0-9a-f]{10}); free it with: vfree 0xffffc9"]),
    (line("vmallocinfo"), [r"(?m)^0x[0-9a-f]{16}-0x[0-9a-f]{16} +16384 "
                           r"cmd_vmalloc\+0x0/0x[0-9a-f]+ pages=3 vmalloc$"]),
    (line("meminfo"), [r"(?m)^VmallocUsed: +12 kB$", r"(?m)^PageTables: +\d+ kB$"]),
    (line("peek ffffc90000003000"),
     [r"peek: vmalloc guard page hit at 0xffffc90000003000: area "
      r"0xffffc90000000000-0xffffc90000004000, 3 pages, allocated by cmd_vmalloc\+0x0/"]),
    (line("vfree $1"), [r"vfree: freed 0xffffc9"]),
    (line("vmallocinfo"), [r"(?m)^0xffffc90000000000-0xffffc90000004000   16384 unpurged vm_area$"]),
    (line("vfree $1"), [r"BUG: Trying to vfree\(\) an area already freed \(double free\)",
                        r"area 0x[0-9a-f]+-0x[0-9a-f]+, 3 pages, allocated by cmd_vmalloc",
                        r"vfree: refused"]),
    (line("vfree ffff888000100000"), [r"not in the vmalloc range", r"vfree: refused"]),
    (line("vmalloc 0"), [r"vmalloc: bad size '0'", r"usage: vmalloc SIZE"]),
    (line("vmalloc lots"), [r"bad size 'lots'", r"usage: vmalloc SIZE"]),
    (line("vfree xyz"), [r"bad address 'xyz'", r"usage: vfree ADDR"]),
    (line("vfree"), [r"usage: vfree ADDR"]),
    (line("page 0"), [r"(?m)^page:0xffff[0-9a-f]+ pfn:0x0 zone:DMA order:0$",
                      r"(?m)^flags: 0x1\(reserved\)$"]),
    (line("page 0x40000000"), [r"page: pfn 0x40000000 is beyond the last RAM frame"]),
    (line("page xyz"), [r"bad pfn 'xyz'", r"usage: page PFN"]),
    (line("alloc_pages 11"), [r"bad order '11'", r"usage: alloc_pages ORDER"]),
    (line("free_pages ffff800000000000 0"), [r"BUG: free_pages\(0xffff800000000000, 0\)",
                                             r"free_pages: refused"]),
    (line("free_pages kernel_main"), [r"usage: free_pages ADDR ORDER"]),
    # The slab allocator, from the monitor.
    (line("slabinfo"), [r"(?m)^slabinfo - version: 2\.1$",
                        r"(?m)^kmalloc-64 +\d+ +\d+ +64 +64 +1 : tunables +0 +0 +0 : slabdata +\d+ +\d+ +0$",
                        r"(?m)^kmem_cache +\d+ +\d+ +\d+ +\d+ +\d+ : tunables"]),
    (line("kmalloc 100"), [r"kmalloc: 100 bytes at (0xffff888[0-9a-f]+) from kmalloc-128 \(objects of 128 bytes\)"]),
    (line("kfree $1"), [r"kfree: freed 0xffff888"]),
    (line("kfree $1"), [r"BUG kmalloc-128: Object already free", r"kfree: refused"]),
    (line("kmalloc 20000"), [r"kmalloc: 20000 bytes at (0xffff888[0-9a-f]+) from the buddy allocator \(a compound block of order 3\)"]),
    (line("kfree $1"), [r"kfree: freed 0xffff888"]),
    (line("kmalloc 0"), [r"kmalloc: 0 bytes gives ZERO_SIZE_PTR \(0x10\)"]),
    (line("kmalloc 5M"), [r"kmalloc: no memory for 5242880 bytes"]),
    (line("kmalloc xyz"), [r"bad size 'xyz'", r"usage: kmalloc SIZE"]),
    (line("kfree"), [r"usage: kfree ADDR"]),
    (line("kfree kernel_main"), [r"BUG: kfree\(0xffffffff8[0-9a-f]+\): not a direct-map address of RAM",
                                 r"kfree: refused"]),
    (line("slabstat kmalloc-64"), [r"slab: kmalloc-64 +order \d+ \(\d+ objects\) min_order \d+ \(\d+ objects\) slabs \d+ pages \d+ order_fallback \d+"]),
    (line("slabstat"), [r"slab: kmalloc-8k ", r"slab: kmem_cache "]),
    (line("slabstat nosuch"), [r"slabstat: no cache 'nosuch'", r"usage: slabstat \[CACHE\]"]),
    (line("cmdline"), [r"monitor=1", r"(?m)^  tests +test suites"]),
    (line("cpus"), [r"1 CPU\(s\) online of 1 known \(CONFIG_NR_CPUS 64\); commands run on CPU0",
                    r"(?m)^  0 +0x0  online, running this monitor$",
                    r"(?m)^ +CPU0$", r"Function call interrupts"]),
    (line("dmesg"), [r"kvlab version", r"Command line: .*monitor=1"]),
    (line("bench"), [r"bench groups: .*\bslab\b.*\bvmalloc\b.*\bwhere\b", r"usage: bench "]),
    (line("bench where"), [r"-- Where does the memory come from\? --",
                           r"vmalloc\(4 MiB\) +0xffffc9[0-9a-f]+  vmalloc +1024 pages"]),
    (line("bench nosuch"), [r"bench: no group 'nosuch'"]),
    # Bad input: a usage line or an error, never a crash.
    (line("frobnicate"), [r"unknown command 'frobnicate'"]),
    (line("test nosuch"), [r"no suite matches 'nosuch'", r"usage: test"]),
    (line("peek"), [r"usage: peek ADDR \[COUNT\]"]),
    (line("peek xyz"), [r"bad address 'xyz'", r"usage: peek"]),
    (line("peek kernel_main 0"), [r"bad count '0'", r"usage: peek"]),
    (line("peek kernel_main 99999999999999999999999"), [r"bad count", r"usage: peek"]),
    (line("peek kernel_main 1 2"), [r"usage: peek"]),
    (line("pgwalk"), [r"usage: pgwalk VA"]),
    (line("pgwalk 0x"), [r"bad address '0x'"]),
    (line("help a b"), [r"usage: help"]),
    (line("a b c d e f g h i"), [r"too many words"]),
    (line("x" * 300), [r"line too long \(at most 255 characters\)", "!unknown"]),
    # Editing: DEL and BS erase, Ctrl-U and Ctrl-C drop the line, arrow
    # keys (escape sequences) are ignored, an empty line does nothing.
    (line("hepl\x7f\x7flp peek"), [r"usage: peek ADDR", "!unknown"]),
    (line("cmdlinX\x08e"), [r"Keys:", "!unknown"]),
    ("garbage\x15", [r"\^U", "!unknown"]),
    ("garbage\x03", [r"\^C", "!unknown"]),
    (line("\x1b[A\x1b[Dhelp exit"), [r"usage: exit", "!unknown"]),
    (line(""), ["!usage", "!unknown"]),
    (line("exit"), [r"monitor: bye"]),
]

# Addresses the gdb test walks with both the monitor's pgwalk and kv-pgwalk:
# kernel text, the direct map, nothing, the vmalloc area.
GDB_PGWALK = ["kernel_main", "ffff888000000000", "ffff800000000000",
              "ffffc90000000000"]
# The monitor commands whose output gdb's kv-* helpers must reproduce:
# frames in the first MiB (reserved), the kernel image, free memory, and
# one beyond the end of RAM.
GDB_MIRRORED = ["pgwalk " + a for a in GDB_PGWALK] + ["buddyinfo", "slabinfo"] + \
    ["page " + p for p in ("0", "0x200", "0x3000", "0x40000000")] + \
    ["vmallocinfo"]

# Both fault-injection switches at random rates, drawn under a fixed seed
# so that every run is the same; seed= also picks which calls fail.
_FAULT_RNG = random.Random(20)
FAULT_RANDOM = "failslab=1,%d,0,-1 fail_page_alloc=1,%d,0,-1 seed=%d" % (
    _FAULT_RNG.randint(1, 100), _FAULT_RNG.randint(1, 100),
    _FAULT_RNG.randint(1, 1 << 31))

# slub_debug letters alone and the combinations that lay a slot out
# differently (mm/slab.c: calculate_sizes()): F changes no layout; Z and P
# move the free pointer behind the object; Z adds red zones (the left one
# a multiple of the alignment) and the kmalloc size; U the callers.
# slub-debug-FZPU runs every suite with all of it; these run the slab
# suites, at 128 MiB, about a second each.
SLUB_DEBUG_ALONE = [
    ("F", "consistency checks alone, on the plain layout"),
    ("Z", "red zones alone: kmalloc-8k still 8 KiB-aligned"),
    ("P", "poison alone: free pointer behind every object, no slab with an unused tail"),
    ("U", "caller tracking alone: callers behind the object, free pointer inside it"),
    ("ZP", "red zones and poison, both checking a free object"),
    ("PU", "poison and callers: a slot no single letter makes"),
]


# The matrix. Every value the reliability issue lists appears at least once:
# machine pc/q35; memory 32M/128M/1G/6G; cpu qemu64/max; BIOS and UEFI
# GRUB boots and the -kernel fast path; gcc and clang.
CONFIGS = [
    cfg("gcc-kernel-pc-max-1G", cmdline="tests=all vmalloc_lazy=1",
        # A quiet first boot: the reports the tests provoke on purpose
        # show as one "# expected report" line each, not in full.
        log_must=[r"(?m)^    # expected report \(loglevel=8 shows it\): BUG: Bad page state",
                  r"!(?m)^(BUG|WARNING|=====)", r"!EXPECTATION FAILED"],
        why="the main configuration (also make test-quick); lazy TLB purge; quiet"),
    cfg("clang-kernel-q35-qemu64-128M", tc="clang", machine="q35",
        cpu="qemu64", mem="128M", cmdline="tests=all vmalloc_lazy=0",
        log_must=[r"vmalloc: .* TLB purge eager"],
        why="clang build; q35; no 1 GiB pages; eager TLB flush on vfree"),
    cfg("gcc-bios-iso-pc-max-1G", boot="bios",
        log_must=[r"Boot loader: GRUB .*\(multiboot2\)"],
        why="the GRUB ISO under BIOS, as make run boots it"),
    cfg("gcc-uefi-iso-q35-max-1G", boot="uefi", machine="q35", timeout=240,
        log_must=[r"Boot loader: GRUB .*\(multiboot2\)"],
        why="the GRUB ISO under UEFI (OVMF)"),
    cfg("gcc-kernel-pc-qemu64-32M", cpu="qemu64", mem="32M",
        why="small RAM"),
    cfg("clang-kernel-pc-max-6G", tc="clang", mem="6G",
        why="RAM above 4 GiB, split by the PCI hole"),
    cfg("no-nx", cpu="qemu64,-nx", mem="128M", cmdline="tests=paging,traps",
        log_must=[r"CPU features: .*-nx",
                  r"(?m)^ +ok \d+ data_is_not_executable # SKIP env: this CPU has no NX bit$"],
        why="a CPU without NX: the NX case skips as environmental (# SKIP env:, which make grade does not count)"),
    # Bad boot input: too little RAM, mem=, garbage on the command line.
    cfg("tiny-ram-8M", mem="8M", cmdline="tests=none", expect="panic", ktap=False,
        log_must=[r"kvlab: not enough memory: \d+ KiB of usable RAM, at least \d+ MiB needed"],
        why="too little RAM is refused with a clear message (a panic at boot)"),
    cfg("slub-debug-FZPU", cmdline="tests=all slub_debug=FZPU",
        log_must=[r"slab: .*slub_debug=FZPU", r"(?m)^slabinfo - version: 2\.1$"],
        why="every suite again with all slab debugging on every cache"),
    cfg("slub-debug-one-cache", cmdline="tests=slab,kmalloc,slab_debug slub_debug=FZ,kmalloc-64",
        log_must=[r"slab: .*slub_debug=FZ,kmalloc-64",
                  r"(?m)^kmalloc-32 +\d+ +\d+ +32 +128 +1 : tunables"],
        why="slub_debug= with Linux's cache list: only kmalloc-64 debugs"),
    *[cfg("slub-debug-" + letters, mem="128M",
          cmdline="tests=slab,kmalloc,slab_debug slub_debug=" + letters,
          log_must=[r"slab: .*slub_debug=%s\b" % letters], why=why)
      for letters, why in SLUB_DEBUG_ALONE],
    cfg("small-ram-14M", mem="14M", cpu="qemu64", cmdline="tests=all loglevel=8",
        log_must=[r"(?m)^BUG: Bad page state", r"EXPECTATION FAILED"],
        why="the smallest RAM kvlab accepts runs the whole suite; loglevel=8 "
            "shows the expected reports in full"),
    cfg("mem-limit-64M", cmdline="tests=all mem=64M",
        log_must=[r"memblock: 6[34] MiB of RAM usable"],
        why="mem= limits usable RAM as in Linux"),
    cfg("mem-limit-unaligned", cmdline="tests=memmap,paging,buddy mem=20000001",
        log_must=[r"memblock: 19 MiB of RAM usable"],
        why="mem= that is not a whole number of pages: the partial page is dropped"),
    cfg("garbage-cmdline",
        cmdline="tests=meta,boot,buddy bogus=1 =5 mem=1M mem=lots mem=99999999999999999999G "
                "seed=99999999999999999999999 loglevel=9 monitor=2 crash=sometimes "
                "failslab=1,2 init_upto=bogus \x01 \"unterminated " + "xx=yy " * 200,
        log_must=[r"cmdline: unknown key 'bogus' ignored",
                  r"cmdline: mem=1M: below the \d+ MiB kvlab needs; ignored",
                  r"cmdline: mem=lots: expected a size",
                  r"cmdline: seed=9+: expected a number",
                  r"cmdline: loglevel=9: expected a number from 0 to 8",
                  r"cmdline: init_upto=bogus: expected paging, buddy, slab or vmalloc",
                  # after the banner, not before it
                  r"(?s)kvlab version .*bootinfo: command line longer than 1023 bytes, cut"],
        why="garbage, huge numbers and an overlong command line are warned about, never fatal"),
    # Fault injection from the command line: armed only after init (boot
    # allocations are never failed), kept across the tests that inject
    # failures themselves, and every case passes or skips with its reason.
    cfg("failslab-10pct", cmdline="tests=all failslab=1,10,0,-1",
        log_must=[r"(?s)vmalloc: .*fault_inject: failslab=1,10,0,-1 armed",
                  r"(?m)^    ok \d+ \w+ # SKIP env: assumes no injected allocation failures",
                  r"fault_inject: failslab=1,10,0,-1: [1-9]\d* failure\(s\) injected"],
        why="failslab= (the header's example): the boot survives, the suite passes or skips"),
    cfg("fail-page-alloc-10pct", cmdline="tests=all fail_page_alloc=1,10,0,-1",
        log_must=[r"fault_inject: fail_page_alloc=1,10,0,-1 armed",
                  r"fault_inject: fail_page_alloc=1,10,0,-1: [1-9]\d* failure\(s\) injected"],
        why="fail_page_alloc=: the boot survives, the suite passes or skips"),
    cfg("failslab-after-space", cmdline="tests=slab,kmalloc,kvmalloc failslab=1,100,100000,-1",
        log_must=[r"fault_inject: failslab=1,100,100000,-1: [1-9]\d* failure\(s\) injected"],
        why="every slab allocation fails after 100000 bytes: the setting outlives the "
            "tests that inject failures themselves"),
    cfg("fault-inject-random", cmdline="tests=all " + FAULT_RANDOM,
        log_must=[r"fault_inject: failslab=\S+ armed", r"fault_inject: fail_page_alloc=\S+ armed"],
        why="both switches at rates drawn from a fixed seed (FAULT_RANDOM)"),
    # Fault injection from the command line is armed only after init:
    # boot allocations never fail, even when every later one does.
    cfg("fault-inject-boot", cmdline="tests=lib failslab=1,100,0,-1 fail_page_alloc=1,100,0,-1",
        log_must=[r"(?s)vmalloc: .*fault_inject: fail_page_alloc=1,100,0,-1 armed",
                  r"(?s)vmalloc: .*fault_inject: failslab=1,100,0,-1 armed"],
        why="failing every allocation from the command line does not stop the boot"),
    # Selections that match nothing fail with their own status.
    cfg("tests-unmatched", cmdline="tests=,nonexistent,buddy.nosuchcase",
        expect="notests", ktap=False,
        log_must=[r"ktest: tests=\S+: empty selector matches nothing",
                  r"ktest: tests=\S+: no test case matches 'nonexistent'",
                  r"ktest: tests=\S+: no test case matches 'buddy\.nosuchcase'",
                  r"(?m)^1\.\.0$", r"!(?m)^ok ", r"kvlab: tests= selected no test case"],
        why="a selection that matches no case warns per selector and exits 41, not 33"),
    cfg("tests-partly-unmatched", cmdline="tests=lib,nosuch",
        log_must=[r"ktest: tests=lib,nosuch: no test case matches 'nosuch'"],
        why="an unmatched selector is warned about; the matched suites run"),
    # The APIC timer's rate from hz=: none at all, clamped ones, and the
    # fastest measured exactly under -icount.
    cfg("hz-0", cmdline="tests=irq hz=0",
        log_must=[r"apic: timer off \(hz=0\)"],
        why="hz=0: no timer interrupt; the irq suite checks nothing ticks"),
    cfg("hz-bad", cmdline="tests=irq hz=5000 hz=fast hz=3",
        log_must=[r"cmdline: hz=5000: out of range 10-1000; clamped to 1000",
                  r"cmdline: hz=fast: expected 0 \(no timer\) or a rate",
                  r"cmdline: hz=3: out of range 10-1000; clamped to 10",
                  r"apic: timer .* 10 Hz"],
        why="hz= out of range is warned about and clamped, garbage ignored; ticks at the clamped rate"),
    cfg("irq-icount", cmdline="tests=irq icount=1 hz=1000", icount=True,
        why="under -icount the timer's tick count over a TSC interval is exact"),
    # Checks of the machinery itself.
    cfg("oops-page-fault", cmdline="tests=none crash=page_fault",
        expect="panic", ktap=False,
        log_must=[r"BUG: unable to handle page fault for address: ffff800000000000",
                  r"#PF: supervisor read access in kernel mode",
                  r"#PF: error_code\(0x0000\) - not-present page",
                  r"RIP: 0008:crash_page_fault\+0x",
                  r"Call Trace:",
                  r" crash_if_requested\+0x",
                  r" kernel_main\+0x",
                  r"Kernel panic - not syncing: Fatal exception"],
        why="a deliberate page fault prints a decoded oops and a symbolized backtrace"),
    cfg("oops-invalid-opcode", cmdline="tests=none crash=invalid_opcode",
        expect="panic", ktap=False,
        log_must=[r"invalid opcode: 0000 \[#1\]",
                  r"RIP: 0008:crash_invalid_opcode\+0x"],
        why="a non-#PF exception is reported and stops QEMU"),
    cfg("oops-stack-overflow", cmdline="tests=none crash=stack_overflow",
        expect="panic", ktap=False,
        log_must=[r"double fault: 0000 \[#1\]",
                  r"double fault: kernel stack overflow: CR2 0x[0-9a-f]+ is in the guard page",
                  r" crash_recurse\+0x"],
        why="a stack overflow hits the guard page and is reported from the #DF stack"),
    cfg("bug-on", cmdline="tests=none crash=bug",
        expect="panic", ktap=False,
        log_must=[r"kernel BUG at kernel/crash\.c:\d+: crash_mode == CRASH_BUG",
                  r"Kernel panic - not syncing: kernel BUG at"],
        why="BUG_ON prints file, line and condition, then panics"),
    # SMP (kernel/smp.c): the CPUs the MADT lists, brought up through the
    # trampoline; the smp suite runs on all of them. A covering set: each
    # of -smp 2/4/8, each machine, each boot path once; the -smp 4 ones
    # under multi-threaded TCG, so the CPUs really run at the same time.
    cfg("smp2-kernel-pc", smp=2,
        log_must=[r"smp: Bringing up secondary CPUs \.\.\.",
                  r"\.\.\.\. node  #0, CPUs: +#1\n",
                  r"smp: Brought up 1 node, 2 CPUs"],
        why="two CPUs, qemu -kernel (ACPI tables found by scanning the BIOS area), every suite"),
    cfg("smp4-bios-iso-q35-mttcg", boot="bios", machine="q35", smp=4, mttcg=True,
        log_must=[r"ACPI: RSDP from the boot loader \(v00",
                  r"smp: Brought up 1 node, 4 CPUs"],
        why="GRUB under BIOS (RSDP from multiboot2 tag 14), q35, 4 CPUs in parallel host threads"),
    cfg("smp4-uefi-iso-pc-mttcg", boot="uefi", smp=4, mttcg=True, timeout=240,
        cmdline="tests=meta,smp,irq,buddy,slab,kmalloc,vmalloc",
        log_must=[r"ACPI: RSDP from the boot loader \(v02", r"ACPI: XSDT ",
                  r"smp: Brought up 1 node, 4 CPUs"],
        why="GRUB under UEFI (RSDP from tag 15, XSDT), pc, 4 CPUs in parallel host threads"),
    cfg("smp8-kernel-q35", tc="clang", machine="q35", smp=8,
        cmdline="tests=meta,smp,irq,buddy,slab,vmalloc",
        log_must=[r"#1 #2 #3 #4 #5 #6 #7", r"smp: Brought up 1 node, 8 CPUs"],
        why="8 CPUs (clang build, q35)"),
    cfg("smp-nosmp", smp=4, cmdline="tests=smp nosmp",
        log_must=[r"ACPI: LAPIC at 0xfee00000, 4 CPU\(s\) enabled",
                  r"smp: Brought up 1 node, 1 CPU\n",
                  r"# SKIP needs at least 2 online CPUs"],
        why="nosmp: four CPUs listed, one run; the smp suite says why it skips"),
    cfg("smp-maxcpus-1", smp=4, cmdline="tests=smp maxcpus=1",
        log_must=[r"smp: Brought up 1 node, 1 CPU\n"],
        why="maxcpus=1 as nosmp"),
    cfg("smp-maxcpus-3", smp=4, cmdline="tests=smp maxcpus=3 maxcpus=lots",
        log_must=[r"smp: Brought up 1 node, 3 CPUs", r"cmdline: maxcpus=lots: "],
        why="maxcpus=3 of 4; a bad value is warned about"),
    cfg("smp-dead-cpu", smp=4, cmdline="tests=smp,irq smp_dead_cpu=2 smp_dead_cpu=0",
        log_must=[r"smp: CPU2 \(APIC ID 0x2\) did not come up \(error -110, trampoline stage 0\); going on without it",
                  r"smp: Brought up 1 node, 3 CPUs", r"cmdline: smp_dead_cpu=0: "],
        why="a CPU that never answers its STARTUP is reported, and boot and the IPI tests go on with the other three"),
    cfg("smp4-icount", smp=4, icount=True, cmdline="tests=smp icount=1",
        log_must=[r"smp: Brought up 1 node, 4 CPUs"],
        why="under -icount the CPUs run round-robin, one host thread: bring-up and IPIs still work"),
    cfg("oops-other-cpu", smp=2, cmdline="tests=none crash=other_cpu",
        expect="panic", ktap=False,
        log_must=[r"BUG: unable to handle page fault for address: ffff800000000000",
                  r"CPU: 1 APIC ID: 0x1 \(1 online\)",
                  r" call_function_interrupt\+0x",
                  r"Kernel panic - not syncing: Fatal exception"],
        why="an oops on another CPU names it, stops the others and shows the IPI in the backtrace"),
    cfg("bench-quick", cmdline="tests=none bench=quick", ktap=False,
        bench_expect=["pages_pair order=0", "pages_pair order=10",
                      "pages_batch order=0", "access_seqwrite buf=direct",
                      "access_randread buf=direct", "vmalloc_pair size=4K",
                      "vmalloc_pair size=4096K", "vfree_lazy size=64K",
                      "vfree_eager size=64K", "vmap_pair pages=1",
                      "kvmalloc_pair size=8192", "access_seqwrite buf=vmalloc",
                      "access_randread buf=vmalloc", "kmalloc_pair size=64",
                      "kmalloc_batch size=64"],
        log_must=[r"^clock: TSC \d+\.\d{3} MHz",
                  # the tables, each with its clock line, filled from the results
                  r"(?m)^-- Where does the memory come from\? --\n.*\n__get_free_page\(\) +0xffff888",
                  r"(?m)^vmalloc\(4 MiB\) +0xffffc9[0-9a-f]+  vmalloc +1024 pages in +\d+ runs?: ",
                  r"(?m)^-- What does one allocation and free cost\? --\n.*\n   clock: TSC ",
                  r"(?m)^ +4K +\d+\.\d\d +\d+\.\d\d +0 +\d+\.\d\d +\d+\.\d\d +\d+\.\d\d +\d+\.\d\d +\d+\.\dx$",
                  r"(?m)^-- What does a batch cost\? --",
                  r"(?m)^-- How does vmalloc's cost grow with size\? --",
                  r"(?m)^-- Lazy vs eager TLB purge --",
                  r"(?m)^ +4K +\d+\.\d\d +\d+\.\d\d +\d+\.\d\d +\d+\.\dx +0\+\d+ +\d+\+0$",
                  r"(?m)^-- kmem_cache vs kmalloc --",
                  r"(?m)^-- What does access cost through the direct map vs a vmalloc mapping\? --",
                  r"(?m)^   vmalloc 4096K +4K +\d"],
        why="the quick benchmark set runs, every bench: line parses, every table is filled"),
    cfg("bench-frag", cmdline="tests=none bench=frag", ktap=False,
        log_must=[r"(?m)^Node 0, zone    DMA32 +\d+( +0){10} *$",
                  r"(?m)^ +8 KiB +kmalloc +1 +FAILED +ok$",
                  r"(?m)^ +1024 KiB +kmalloc +8 +FAILED +ok$",
                  r"(?m)^ +4096 KiB +kmalloc +10 +FAILED +ok$",
                  r"order_fallback [1-9]"],
        why="fragmented memory: kmalloc of two pages and more fails, vmalloc of the same sizes works"),
    cfg("deliberate-test-failure", cmdline="tests=meta meta_fail=1",
        expect="testfail", expect_failed=["meta.deliberate_failure"],
        why="a failing test makes the run fail, and only that test"),
    cfg("monitor", cmdline="tests=none monitor=1", ktap=False, timeout=60,
        script=MONITOR_SCRIPT,
        why="the serial monitor: every command, bad input, a fault survived, exit"),
    cfg("gdb-helpers", tc="clang", cmdline="tests=none monitor=1", ktap=False,
        timeout=60,
        script=[(line("vmalloc 12K"), [r"vmalloc: 3 pages at (0x[0-9a-f]+)"]),
                (line("vfree $1"), [r"vfree: freed"]),
                (line("vmalloc 8K"), [r"vmalloc: 2 pages at"])]
        + [(line(m), [r"\S"]) for m in GDB_MIRRORED]
        + [(line("exit"), [r"monitor: bye"])],
        gdb=["kv-dmesg"] + ["kv-" + m for m in GDB_MIRRORED],
        why="gdb's kv-* helpers print what the (clang) kernel prints"),
]

QUICK = ["gcc-kernel-pc-max-1G"]

# The host phase: make targets, run in this order before QEMU starts.
HOST_PHASE = [
    cfg("host-test", boot="host", machine="-", cpu="-", mem="-",
        why="lib/, the kernel's parsers and mm/ on the host: ASan+UBSan, valgrind"),
    cfg("fuzz-smoke", boot="host", machine="-", cpu="-", mem="-",
        why="each libFuzzer target for a fixed number of inputs"),
    cfg("doc-check", boot="host", machine="-", cpu="-", mem="-", summary=False,
        why="every function of the checked mm headers has its kernel-doc"),
    cfg("script-test", boot="host", machine="-", cpu="-", mem="-",
        why="the scripts' own tests: kernel-doc checker, deps.sh, grading, the console, gdb, insn_profile"),
    cfg("lab-test", boot="host", machine="-", cpu="-", mem="-",
        why="each lab's student tree builds (gcc, clang), boots and scores above 0 and below "
            "full marks, the layers below it at full; the solution scores full marks"),
    cfg("docs-test", boot="host", machine="-", cpu="-", mem="-",
        why="every figure the docs quote (tests/doc-figures.txt) and every marked command of the handouts, against this build"),
    cfg("format-check", boot="host", machine="-", cpu="-", mem="-", summary=False,
        why="every C source is as the repository's .clang-format lays it out"),
    cfg("replay-check", boot="host", machine="-", cpu="-", mem="-",
        why="the shipped Linux traces replayed through mm/ (ASan+UBSan), and bad trace input"),
    # Do the tests bite? A planted bug (make BREAK=name, an #ifdef
    # KVLAB_BREAK_NAME in the source) must make both the host suite and
    # the kernel suite named fail; see run_broken(). A new planted bug
    # (say, slab free without its double-free check) is one more row.
    cfg("broken-buddy", boot="host", machine="-", cpu="-", mem="1G",
        broken="buddy_merge", host_suite="buddy", ktest_suite="buddy",
        timeout=60,
        why="buddy merging with the wrong buddy is caught on the host and in QEMU"),
    cfg("broken-slab", boot="host", machine="-", cpu="-", mem="1G",
        broken="slab_double_free", host_suite="slab", ktest_suite="slab",
        timeout=60,
        why="slab free without the double-free check is caught on the host and in QEMU"),
]
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed")


def log(msg=""):
    print(msg, flush=True)


class Result:
    def __init__(self, c):
        self.cfg = c
        self.passed = self.failed = self.skipped = 0
        self.problems = []      # config-level failures, with reasons
        self.details = []       # lines to print for failures
        self.seconds = 0.0
        self.status = None

    def verdict(self):
        return "PASS" if not self.problems and not self.failed else "FAIL"


def build_iso(c, build):
    """Build (or reuse) the ISO for a GRUB configuration."""
    out = os.path.join(build, "test", c["name"] + ".iso")
    elf = os.path.join(build, c["tc"], "kvlab.elf")
    cmdline = BASE_CMDLINE + " " + c["cmdline"]
    stamp = out + ".cmdline"
    if os.path.exists(out) and os.path.exists(stamp):
        with open(stamp) as f:
            same = f.read() == cmdline
        if same and os.path.getmtime(out) >= os.path.getmtime(elf):
            return out
    subprocess.check_call([os.path.join(ROOT, "scripts", "mkiso.sh"), elf,
                           out] + cmdline.split())
    with open(stamp, "w") as f:
        f.write(cmdline)
    return out


class Console:
    """QEMU's serial console on pipes. A thread keeps everything QEMU
    prints (copying it to the log); wait_for() waits for a string in it."""

    def __init__(self, proc, logfile):
        self.proc = proc
        self.text = ""
        self.eof = False
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(logfile,),
                                       daemon=True)
        self.thread.start()

    def _read(self, logfile):
        decode = codecs.getincrementaldecoder("utf-8")("replace").decode
        while True:
            data = self.proc.stdout.read1(4096)
            logfile.write(data)
            logfile.flush()
            with self.cond:
                self.text += decode(data).replace("\r", "")
                self.eof = not data
                self.cond.notify_all()
            if not data:
                return

    def wait_for(self, s, start, deadline):
        """The index of s in the output at or after start; -1 if QEMU ends
        or the deadline passes first."""
        with self.cond:
            while True:
                i = self.text.find(s, start)
                if i >= 0 or self.eof or time.time() >= deadline:
                    return i
                self.cond.wait(min(1.0, max(0.0, deadline - time.time())))

    def type(self, keys):
        try:
            self.proc.stdin.write(keys.encode())
            self.proc.stdin.flush()
            return True
        except OSError:
            return False


def shown(keys, width=40):
    """keys as a readable, short name for messages."""
    r = repr(keys)
    return r if len(r) <= width else r[:width - 4] + "...'"


def check_reply(keys, reply, patterns):
    problems = []
    for pat in patterns:
        negate = pat.startswith("!")
        found = re.search(pat[1:] if negate else pat, reply)
        if bool(found) == negate:
            problems.append("reply to %s %s /%s/" % (
                shown(keys), "matches" if negate else "lacks",
                pat[1:] if negate else pat))
    if problems:
        problems.append("  the reply was: %s" % shown(reply, 300))
    return problems


def type_script(con, script, deadline):
    """Type each step at a prompt and check its reply (up to the next
    prompt; the last step's reply runs to the end). Returns (problems,
    replies by keys)."""
    problems, replies = [], {}
    pos = con.wait_for(PROMPT, 0, deadline)
    if pos < 0:
        return ["no monitor prompt '%s' on the console" % PROMPT], replies
    pos += len(PROMPT)
    captured = []
    for n, (keys, patterns) in enumerate(script):
        # "$1" in the keys: the first group the latest capturing reply had.
        if "$1" in keys and captured:
            keys = keys.replace("$1", captured[0])
        if not con.type(keys):
            problems.append("QEMU stopped reading before %s" % shown(keys))
            break
        last = n == len(script) - 1
        end = con.wait_for(PROMPT, pos, deadline) if not last else -1
        if last:
            con.wait_for("\0", pos, deadline)    # i.e. until QEMU ends
        elif end < 0:
            problems.append("no prompt after %s (%s)" % (
                shown(keys), "QEMU ended" if con.eof else "timed out"))
        replies[keys] = con.text[pos:end if end >= 0 else len(con.text)]
        problems += check_reply(keys, replies[keys], patterns)
        groups = [g for p in patterns if not p.startswith("!")
                  for m in [re.search(p, replies[keys])] if m for g in m.groups()]
        captured = groups or captured   # kept until a reply captures again
        if end < 0:
            break
        pos = end + len(PROMPT)
    return problems, replies


def start_gdb(c, build, port, logpath):
    """gdb in batch mode: break at qemu_exit(), then run c["gdb"], each
    command's output after a line "@@ command"."""
    elf = os.path.join(build, c["tc"], "kvlab.elf")
    cmd = kvqemu.gdb_command(elf, port, batch=True)
    if not cmd:
        return None
    cmd += ["-ex", "break qemu_exit", "-ex", "continue"]
    for g in c["gdb"]:
        cmd += ["-ex", "echo @@ %s\\n" % g, "-ex", g]
    cmd += ["-ex", "echo @@ end\\n", "-ex", "detach"]
    out = open(logpath, "wb")
    out.write(("# " + " ".join(cmd) + "\n").encode())
    out.flush()
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                            stderr=subprocess.STDOUT)


def gdb_sections(text):
    """{command: [its output lines]} from a start_gdb() log."""
    sections, cur = {}, None
    for l in text.splitlines():
        if l.startswith("@@ "):
            cur = sections.setdefault(l[3:], [])
        elif cur is not None:
            cur.append(l)
    return sections


def check_gdb(c, console, replies, gdb_text):
    """kv-dmesg must hold every line the kernel printed, in order; every
    other kv-X ARGS must print exactly the monitor's X ARGS."""
    problems = []
    out = gdb_sections(gdb_text)
    for g in c["gdb"]:
        if g not in out:
            problems.append("gdb printed nothing for '%s'" % g)
    if "kv-dmesg" in out:
        start = console.find("kvlab version")
        lines = [l for l in console[max(start, 0):].splitlines()
                 if l.strip() and not l.startswith(PROMPT)]
        dmesg = iter(out["kv-dmesg"])
        missing = [l for l in lines if l not in dmesg][:1]
        if start < 0 or missing:
            problems.append("kv-dmesg lacks the kernel's line %r (or has it"
                            " out of order)" % (missing or ["kvlab version"])[0])
    # Every other kv-X ARGS must print exactly what the monitor's X ARGS
    # printed (the script runs X ARGS just before exit, so nothing changes
    # in between).
    for g in c["gdb"]:
        if g == "kv-dmesg" or g not in out:
            continue
        mon = replies.get(line(g[len("kv-"):]), "").splitlines()[1:]
        mon = [l for l in mon if l.strip()]
        got = [l for l in out[g] if l.strip()]
        if not mon or mon != got:
            problems.append("'%s' differs from the monitor's '%s':" % (g, g[3:]))
            problems += ["  monitor: " + l for l in mon]
            problems += ["  gdb:     " + l for l in got]
    return problems


def run_session(c, build, cmd, logpath, port):
    """Boot with the serial console on pipes, type c["script"] and check
    the replies, with gdb attached (to QEMU's gdb server on port) when
    c["gdb"] is set. Returns (status, log text, problems)."""
    deadline = time.time() + c["timeout"]
    gdb = None
    problems = []
    if c["gdb"]:
        gdblog = logpath[:-len(".log")] + ".gdb.log"
        gdb = start_gdb(c, build, port, gdblog)
        if not gdb:
            return "gdb", "", ["gdb is not installed (scripts/deps.sh test installs it)"]
    with open(logpath, "wb") as out:
        out.write(("# " + " ".join(cmd) + "\n").encode())
        out.flush()
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        con = Console(p, out)
        problems, replies = type_script(con, c["script"], deadline)
        try:
            status = p.wait(timeout=max(1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            status = "timeout"
        con.thread.join()
        p.stdin.close()
    if gdb:
        try:
            gdb.wait(timeout=max(1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            gdb.kill()
            gdb.wait()
            problems.append("gdb did not finish (log: %s)" % gdblog)
        with open(gdblog, errors="replace") as f:
            problems += check_gdb(c, con.text, replies, f.read())
    with open(logpath, errors="replace") as f:
        return status, f.read(), problems


def boot(c, build):
    """Run one configuration; returns (status, log text, seconds, log path,
    problems found while it ran)."""
    logpath = os.path.join(build, "test", c["name"] + ".log")
    cmdline = BASE_CMDLINE + " " + c["cmdline"]
    port = kvqemu.free_port() if c["gdb"] else None
    if c["boot"] == "kernel":
        cmd = kvqemu.qemu_command(kernel=os.path.join(build, c["tc"], "kvlab.elf"),
                                  append=cmdline, machine=c["machine"],
                                  cpu=c["cpu"], mem=c["mem"],
                                  icount=c["icount"], gdb=port,
                                  smp=c["smp"], mttcg=c["mttcg"])
    else:
        iso = build_iso(c, build)
        cmd = kvqemu.qemu_command(iso=iso, uefi=c["boot"] == "uefi",
                                  machine=c["machine"], cpu=c["cpu"],
                                  mem=c["mem"], icount=c["icount"], gdb=port,
                                  smp=c["smp"], mttcg=c["mttcg"])
    t0 = time.time()
    if c["script"]:
        status, text, problems = run_session(c, build, cmd, logpath, port)
        return status, text, time.time() - t0, logpath, problems
    status, text = kvqemu.boot_to_log(cmd, logpath, timeout=c["timeout"])
    return status, text, time.time() - t0, logpath, []


def tail(text, n=25):
    lines = [ktap.ANSI.sub("", l).replace("\r", "") for l in text.splitlines()]
    return ["    | " + l for l in lines[-n:]]


def expected_status(c):
    return {"pass": kvqemu.STATUS_PASS, "testfail": kvqemu.STATUS_TESTFAIL,
            "panic": kvqemu.STATUS_PANIC, "nomem": kvqemu.STATUS_NOMEM,
            "notests": kvqemu.STATUS_NOTESTS}[c["expect"]]


BENCH_LINE = re.compile(r"^bench: \S+( \S+=\S+)* n=\d+ cycles_per_op=\d+\.\d\d"
                        r" ns_per_op=\d+\.\d\d( cycles_per_page=\d+\.\d\d"
                        r" ns_per_page=\d+\.\d\d)?$")


def check_bench_lines(c, text, problems):
    """Every bench: line parses, and each expected test printed one."""
    lines = [ktap.ANSI.sub("", l).replace("\r", "").strip()
             for l in text.splitlines()]
    bench = [l for l in lines if l.startswith("bench: ") and "skipped" not in l]
    for l in bench:
        if not BENCH_LINE.match(l):
            problems.append("malformed benchmark line: %s" % l)
    for want in c["bench_expect"]:
        if not any(l.startswith("bench: " + want + " ") for l in bench):
            problems.append("no benchmark line for %s" % want)


def judge(c, status, text, logpath, problems):
    r = Result(c)
    r.status = status
    r.problems += problems
    want = expected_status(c)
    if status == "timeout":
        r.problems.append("timed out after %d s" % c["timeout"])
    elif status != want:
        r.problems.append("QEMU exit status %s (%s), expected %d (%s)"
                          % (status, kvqemu.exit_meaning(status), want,
                             kvqemu.exit_meaning(want)))
    for pat in c["log_must"]:
        if pat.startswith("!"):
            if re.search(pat[1:], text, re.M):
                r.problems.append("log matches /%s/" % pat[1:])
        elif not re.search(pat, text, re.M):
            r.problems.append("log lacks /%s/" % pat)
    if c.get("bench_expect"):
        check_bench_lines(c, text, r.problems)
    if c["ktap"]:
        rep = ktap.parse(text)
        n = rep.counts()
        r.passed, r.skipped = n["pass"], n["skip"]
        failed = ["%s.%s" % (s.name, cs.name) for s, cs in rep.failed_cases()]
        if c["expect"] == "testfail":
            # The failures are the point: they count as one check.
            if sorted(failed) != sorted(c["expect_failed"] or []):
                r.problems.append("failed cases %s, expected exactly %s"
                                  % (failed, c["expect_failed"]))
        else:
            r.failed = len(failed)
            for s, cs in rep.failed_cases():
                r.details.append("  not ok %s.%s" % (s.name, cs.name))
                r.details += ["    " + l for l in cs.log[-40:]]
        for e in rep.errors:
            r.problems.append("KTAP: " + e)
    if not c["ktap"] or c["expect"] != "pass":
        # A configuration-level check counts as one result.
        if r.problems:
            r.failed += 1
        else:
            r.passed += 1
    elif r.problems:
        r.failed += 1
    if r.problems or r.failed:
        r.details.append("  log: " + logpath)
        if r.problems:
            r.details += tail(text)
    return r


def run_config(c, build):
    try:
        status, text, secs, logpath, problems = boot(c, build)
    except (OSError, subprocess.CalledProcessError) as e:
        r = Result(c)
        r.problems.append("could not start: %s" % e)
        r.failed = 1
        return r
    r = judge(c, status, text, logpath, problems)
    r.seconds = secs
    return r


def make_env():
    """The environment for a nested make: MAKEFLAGS (O=, V=...) without
    the parent's jobserver, whose file descriptors we do not have."""
    env = dict(os.environ)
    flags = [f for f in env.get("MAKEFLAGS", "").split()
             if not f.startswith("--jobserver")]
    env["MAKEFLAGS"] = " ".join(flags)
    return env


def run_host(c, build, jobs):
    """Run one host-phase make target, streaming its output."""
    r = Result(c)
    cmd = [os.environ.get("MAKE", "make"), "--no-print-directory",
           "-j%d" % jobs, "O=" + build, c["name"]]
    log("kvlab: host phase: " + " ".join(cmd))
    t0 = time.time()
    summary = None
    try:
        p = subprocess.Popen(cmd, cwd=ROOT, env=make_env(),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    except OSError as e:
        r.problems.append("could not start: %s" % e)
        r.failed = 1
        return r
    for raw in p.stdout:
        line = raw.decode(errors="replace").rstrip("\n")
        log(line)
        m = SUMMARY.match(line)
        if m:
            summary = (int(m.group(1)), int(m.group(2)))
    rc = p.wait()
    r.seconds = time.time() - t0
    r.status = rc
    if summary:
        r.passed, r.failed = summary
    elif c.get("summary", True):
        r.problems.append("no 'N passed, N failed' line")
    elif rc == 0:
        r.passed = 1            # a check without counts: one result
    if rc != 0:
        r.problems.append("make %s exited with %d" % (c["name"], rc))
    if r.problems and not r.failed:
        r.failed = 1
    return r


def run_broken(c, build, jobs):
    """Build with the planted bug c["broken"] under build/break-NAME and
    check that the host suite and the kernel suite (one -kernel boot with
    tests=SUITE) both fail. Passes (one result) only if both caught it; a
    suite that did not even start does not count as catching it."""
    r = Result(c)
    bo = os.path.join(build, "break-" + c["broken"])
    kvtest = os.path.join(bo, "host", "asan", "kvtest")
    elf = os.path.join(bo, "gcc", "kvlab.elf")
    os.makedirs(os.path.join(build, "test"), exist_ok=True)
    hostlog = os.path.join(build, "test", c["name"] + "-host.log")
    logpath = os.path.join(build, "test", c["name"] + ".log")
    t0 = time.time()
    cmd = [os.environ.get("MAKE", "make"), "--no-print-directory",
           "-j%d" % jobs, "BREAK=" + c["broken"], "O=" + bo, kvtest, elf]
    log("kvlab: host phase: " + " ".join(cmd))
    b = subprocess.run(cmd, cwd=ROOT, env=make_env(), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if b.returncode != 0:
        r.problems.append("could not build BREAK=%s (exit %d)"
                          % (c["broken"], b.returncode))
        r.details += tail(b.stdout.decode(errors="replace"))
    else:
        # kvtest's own watchdog ends a hung case (exit 1) well before this.
        try:
            h = subprocess.run([kvtest, "--only=" + c["host_suite"]], cwd=ROOT,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=600)
            rc, out = h.returncode, h.stdout.decode(errors="replace")
        except subprocess.TimeoutExpired as e:
            rc, out = "timeout", (e.stdout or b"").decode(errors="replace")
        with open(hostlog, "w") as f:
            f.write(out)
        started = re.search(r"^(not )?ok 1 ", out, re.M) or "ERROR: " in out
        if rc == 0 or not started:
            r.problems.append("the host %s suite did not catch BREAK=%s (exit %s, log %s)"
                              % (c["host_suite"], c["broken"], rc, hostlog))
        kc = dict(c, tc="gcc", boot="kernel", machine="pc", cpu="max",
                  cmdline="tests=" + c["ktest_suite"], script=None)
        os.makedirs(os.path.join(bo, "test"), exist_ok=True)
        status, text, _, _, _ = boot(kc, bo)
        os.replace(os.path.join(bo, "test", c["name"] + ".log"), logpath)
        started = re.search(r"# Subtest: %s$" % re.escape(c["ktest_suite"]),
                            text, re.M)
        if status == kvqemu.STATUS_PASS or not started:
            r.problems.append("the kernel %s suite did not catch BREAK=%s "
                              "(QEMU status %s, log %s)"
                              % (c["ktest_suite"], c["broken"], status, logpath))
        else:
            log("kvlab: %s: host suite exit %s, kernel %s"
                % (c["name"], rc, kvqemu.exit_meaning(status)
                   if status != "timeout" else "timed out"))
    r.seconds = time.time() - t0
    if r.problems:
        r.failed = 1
    else:
        r.passed = 1
    return r


def print_table(results):
    log()
    log("%-32s %-7s %-5s %-7s %-5s %-5s %5s %5s %5s %7s" %
        ("configuration", "boot", "mach", "cpu", "mem", "result", "pass",
         "fail", "skip", "time"))
    for r in results:
        c = r.cfg
        log("%-32s %-7s %-5s %-7s %-5s %-6s %5d %5d %5d %6.1fs" %
            (c["name"], c["boot"], c["machine"], c["cpu"], c["mem"],
             r.verdict(), r.passed, r.failed, r.skipped, r.seconds))


def main():
    ap = argparse.ArgumentParser(description="kvlab test runner")
    ap.add_argument("--build", default="build")
    ap.add_argument("--quick", action="store_true",
                    help="one QEMU configuration, no host phase")
    ap.add_argument("--no-host", action="store_true",
                    help="leave out the host phase (host-test, fuzz-smoke, doc-check, script-test, replay-check, broken-*)")
    ap.add_argument("--only", help="comma-separated configuration names")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()

    configs = CONFIGS
    host = [] if args.quick or args.no_host else HOST_PHASE
    if args.quick:
        configs = [c for c in CONFIGS if c["name"] in QUICK]
    if args.only:
        names = args.only.split(",")
        configs = [c for c in CONFIGS if c["name"] in names]
        host = [c for c in HOST_PHASE if c["name"] in names]
        unknown = set(names) - {c["name"] for c in configs + host}
        if unknown:
            log("runtests: unknown configuration(s): %s" % ", ".join(sorted(unknown)))
            return 2
    if args.list:
        for c in HOST_PHASE + CONFIGS:
            log("%-32s %s" % (c["name"], c["why"]))
        return 0
    os.makedirs(os.path.join(args.build, "test"), exist_ok=True)

    host_results = [run_broken(c, args.build, args.jobs) if c.get("broken")
                    else run_host(c, args.build, args.jobs) for c in host]
    for r in host_results:
        log("[%s] %s (%d passed, %d failed, %.1f s)"
            % (r.verdict(), r.cfg["name"], r.passed, r.failed, r.seconds))
        for p in r.problems:
            log("  problem: " + p)

    log("kvlab: %d QEMU configuration(s), %d at a time" % (len(configs), args.jobs))
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futs = {pool.submit(run_config, c, args.build): c for c in configs}
        for fut in concurrent.futures.as_completed(futs):
            r = fut.result()
            results[r.cfg["name"]] = r
            log("[%s] %s (%d passed, %d failed, %d skipped, %.1f s)"
                % (r.verdict(), r.cfg["name"], r.passed, r.failed, r.skipped,
                   r.seconds))
            for p in r.problems:
                log("  problem: " + p)
            for d in r.details:
                log(d)
    ordered = host_results + [results[c["name"]] for c in configs]
    print_table(ordered)
    passed = sum(r.passed for r in ordered)
    failed = sum(r.failed for r in ordered)
    skipped = sum(r.skipped for r in ordered)
    log()
    if skipped:
        log("(%d skipped: see the SKIP lines above)" % skipped)
    # The closing line, alone and last (CI reads it): N passed, N failed.
    summary = "%d passed, %d failed" % (passed, failed)
    try:
        with open(os.path.join(args.build, "test", "summary.txt"), "w") as f:
            f.write(summary + "\n")
    except OSError:
        pass
    log(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
