#!/usr/bin/env python3
"""scripts/runtests.py: kvlab's test runner (`make test`, `make test-quick`).

Boots the kernel in QEMU (TCG) once per configuration below, each with its
own timeout and its own serial log under build/test/, parses the KTAP
output (scripts/ktap.py), prints every failure with its diagnostics and the
tail of the log, then a table of configurations and the closing line

    N passed, N failed, N skipped

counting every test case of every configuration, plus one result for each
configuration-level check (the boot exited as expected, the log shows what
it must). Exits 1 if anything failed. A panic, a triple fault, a missing
plan or result and a timeout are all failures.

Before the QEMU configurations comes the host phase: `make host-test` and
`make fuzz-smoke` (tests/host/), whose output is shown and whose closing
`N passed, N failed` lines join the totals; a non-zero exit is a failure.
--no-host or --quick leaves it out, as does --only unless it names them.

  runtests.py [--build build] [--quick] [--no-host] [--only NAME,...]
              [--jobs N] [--list]
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kvqemu  # noqa: E402
import ktap  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The test-kernel command line every configuration starts from: no
# interactive monitor, no benchmarks (make bench runs those).
BASE_CMDLINE = "monitor=0 bench=none"


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
        "expect": "pass",       # pass, testfail, panic or nomem
        "log_must": [],         # regexes the log must match
        "ktap": True,           # KTAP results expected
        "expect_failed": None,  # for expect=testfail: the failing cases
        "icount": False,
        "why": "",
    }
    c.update(kw)
    return c


# The matrix. Every value the reliability issue lists appears at least once:
# machine pc/q35; memory 32M/128M/1G/6G; cpu qemu64/max; BIOS and UEFI
# GRUB boots and the -kernel fast path; gcc and clang.
CONFIGS = [
    cfg("gcc-kernel-pc-max-1G",
        why="the main configuration (also make test-quick)"),
    cfg("clang-kernel-q35-qemu64-128M", tc="clang", machine="q35",
        cpu="qemu64", mem="128M",
        why="clang build; q35; no 1 GiB pages, no NX-less quirks hidden"),
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
    cfg("bug-on", cmdline="tests=none crash=bug",
        expect="panic", ktap=False,
        log_must=[r"kernel BUG at tests/crash\.c:\d+: crash_mode == CRASH_BUG",
                  r"Kernel panic - not syncing: kernel BUG at"],
        why="BUG_ON prints file, line and condition, then panics"),
    cfg("deliberate-test-failure", cmdline="tests=meta meta_fail=1",
        expect="testfail", expect_failed=["meta.deliberate_failure"],
        why="a failing test makes the run fail, and only that test"),
]

QUICK = ["gcc-kernel-pc-max-1G"]

# The host phase: make targets, run in this order before QEMU starts.
HOST_PHASE = [
    cfg("host-test", boot="host", machine="-", cpu="-", mem="-",
        why="lib/ and the kernel's parsers on the host: ASan+UBSan, valgrind"),
    cfg("fuzz-smoke", boot="host", machine="-", cpu="-", mem="-",
        why="each libFuzzer target for a fixed number of inputs"),
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


def boot(c, build):
    """Run one configuration; returns (status, log text, seconds)."""
    logpath = os.path.join(build, "test", c["name"] + ".log")
    cmdline = BASE_CMDLINE + " " + c["cmdline"]
    if c["boot"] == "kernel":
        cmd = kvqemu.qemu_command(kernel=os.path.join(build, c["tc"], "kvlab.elf"),
                                  append=cmdline, machine=c["machine"],
                                  cpu=c["cpu"], mem=c["mem"],
                                  icount=c["icount"])
    else:
        iso = build_iso(c, build)
        cmd = kvqemu.qemu_command(iso=iso, uefi=c["boot"] == "uefi",
                                  machine=c["machine"], cpu=c["cpu"],
                                  mem=c["mem"], icount=c["icount"])
    t0 = time.time()
    with open(logpath, "wb") as out:
        out.write(("# " + " ".join(cmd) + "\n").encode())
        out.flush()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=subprocess.STDOUT)
        try:
            status = p.wait(timeout=c["timeout"])
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            status = "timeout"
    with open(logpath, errors="replace") as f:
        text = f.read()
    return status, text, time.time() - t0, logpath


def tail(text, n=25):
    lines = [ktap.ANSI.sub("", l).replace("\r", "") for l in text.splitlines()]
    return ["    | " + l for l in lines[-n:]]


def expected_status(c):
    return {"pass": kvqemu.STATUS_PASS, "testfail": kvqemu.STATUS_TESTFAIL,
            "panic": kvqemu.STATUS_PANIC, "nomem": kvqemu.STATUS_NOMEM}[c["expect"]]


def judge(c, status, text, logpath):
    r = Result(c)
    r.status = status
    want = expected_status(c)
    if status == "timeout":
        r.problems.append("timed out after %d s" % c["timeout"])
    elif status != want:
        r.problems.append("QEMU exit status %s (%s), expected %d (%s)"
                          % (status, kvqemu.exit_meaning(status), want,
                             kvqemu.exit_meaning(want)))
    for pat in c["log_must"]:
        if not re.search(pat, text, re.M):
            r.problems.append("log lacks /%s/" % pat)
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
        status, text, secs, logpath = boot(c, build)
    except (OSError, subprocess.CalledProcessError) as e:
        r = Result(c)
        r.problems.append("could not start: %s" % e)
        r.failed = 1
        return r
    r = judge(c, status, text, logpath)
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
    else:
        r.problems.append("no 'N passed, N failed' line")
    if rc != 0:
        r.problems.append("make %s exited with %d" % (c["name"], rc))
    if r.problems and not r.failed:
        r.failed = 1
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
                    help="leave out the host phase (host-test, fuzz-smoke)")
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

    host_results = [run_host(c, args.build, args.jobs) for c in host]
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
    log("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
