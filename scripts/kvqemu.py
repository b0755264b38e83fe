#!/usr/bin/env python3
"""scripts/kvqemu.py: start kvlab in QEMU, the same way everywhere.

The one place that knows how kvlab meets QEMU: the command line
(qemu_command(), with the -icount flags ICOUNT_ARGS), the exit codes
(STATUS_*, exit_meaning()), a boot with its serial console captured to a
log (boot_to_log()), a port for QEMU's gdb server (free_port()) and the gdb
command that attaches to it (gdb_command()). `make run`, `make debug` and
`make bench` run it as a program; scripts/runtests.py, scripts/grade.py and
scripts/insn_profile.py import it.

  kvqemu.py run   --iso build/kvlab.iso [--uefi] [--icount] [--mem 1G]
  kvqemu.py run   --kernel build/gcc/kvlab.elf [--append "..."]
  kvqemu.py debug --kernel build/gcc/kvlab.elf [--append "..."] [--port N]
  kvqemu.py bench --kernel build/gcc/kvlab.elf [--icount] [--smp N] [--out build/bench]
  kvqemu.py replay --kernel K --records build/replay/trace.bin [--icount]

QEMU always runs under TCG (`-accel tcg`): /dev/kvm on these machines is a
slow software hypervisor. The kernel leaves QEMU through isa-debug-exit at
port 0xf4, so QEMU's exit status is (code << 1) | 1; exit_meaning() turns
it back into words.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OVMF = "/usr/share/ovmf/OVMF.fd"

# The command line a test boot starts from: no interactive monitor, no
# benchmarks (make bench runs those).
TEST_CMDLINE = "monitor=0 bench=none"

# Must match include/kernel/exit.h.
EXIT_PASS = 0x10
EXIT_TESTFAIL = 0x11
EXIT_PANIC = 0x12
EXIT_NOMEM = 0x13
EXIT_NOTESTS = 0x14

STATUS_PASS = (EXIT_PASS << 1) | 1        # 33
STATUS_TESTFAIL = (EXIT_TESTFAIL << 1) | 1  # 35
STATUS_PANIC = (EXIT_PANIC << 1) | 1      # 37
STATUS_NOMEM = (EXIT_NOMEM << 1) | 1      # 39
STATUS_NOTESTS = (EXIT_NOTESTS << 1) | 1  # 41

ICOUNT_ARGS = ["-icount", "shift=0,align=off,sleep=off", "-seed", "1",
               "-rtc", "base=2026-01-01T00:00:00,clock=vm"]


def exit_meaning(status):
    """What a QEMU exit status says about the kernel's run."""
    return {
        STATUS_PASS: "passed",
        STATUS_TESTFAIL: "test failure",
        STATUS_PANIC: "kernel panic",
        STATUS_NOMEM: "not enough memory",
        STATUS_NOTESTS: "tests= selected no test case",
        0: "triple fault or reset (QEMU exited 0)",
        1: "QEMU error",
        -9: "killed (timeout)",
    }.get(status, "unexpected QEMU exit status %d" % status)


def qemu_command(kernel=None, iso=None, append="", uefi=False, machine="pc",
                 cpu="max", mem="1G", icount=False, serial="stdio",
                 gdb=None, extra=(), smp=1, mttcg=False):
    """The QEMU command line for one boot.

    kernel: boot this ELF directly (`-kernel`, multiboot1, fastest);
    iso: boot this GRUB ISO from CD (BIOS, or UEFI with uefi=True);
    gdb: a TCP port: QEMU listens there for gdb and waits for it (-S).
    smp: the number of CPUs; mttcg: one host thread per CPU
    (`-accel tcg,thread=multi`), so they really run in parallel.
    """
    qemu = os.environ.get("QEMU", "qemu-system-x86_64")
    cmd = [qemu, "-accel", "tcg,thread=multi" if mttcg else "tcg",
           "-machine", machine, "-cpu", cpu,
           "-m", mem, "-smp", str(smp), "-display", "none", "-no-reboot",
           "-monitor", "none", "-net", "none",
           "-serial", serial,
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if kernel:
        cmd += ["-kernel", kernel, "-append", append]
    elif iso:
        if uefi:
            cmd += ["-bios", OVMF]
        cmd += ["-cdrom", iso, "-boot", "d"]
    else:
        raise ValueError("need a kernel or an ISO")
    if icount:
        cmd += ICOUNT_ARGS
    if gdb:
        cmd += ["-gdb", "tcp:127.0.0.1:%d" % gdb, "-S"]
    cmd += list(extra)
    return cmd


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on (for -gdb)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def boot_to_log(cmd, logpath, timeout=None, echo=False):
    """Run the QEMU command cmd (serial console on stdio, as qemu_command()
    makes it) with its output going to logpath, after a first line
    "# COMMAND"; echo: copy it to our stdout as well (no timeout then).
    Returns (status, text): QEMU's exit status, or "timeout" when it ran
    past timeout seconds and was killed, and the log's text."""
    os.makedirs(os.path.dirname(logpath) or ".", exist_ok=True)
    with open(logpath, "wb") as out:
        out.write(("# " + " ".join(cmd) + "\n").encode())
        out.flush()
        if echo:
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for chunk in iter(lambda: p.stdout.read1(4096), b""):
                out.write(chunk)
                sys.stdout.buffer.write(chunk)
                sys.stdout.flush()
            status = p.wait()
        else:
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.STDOUT)
            try:
                status = p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                status = "timeout"
    with open(logpath, errors="replace") as f:
        return status, f.read()


# make run's console: QEMU's serial port multiplexed with its own monitor
# on this terminal ("mon:stdio"). QEMU then passes Ctrl-C to the guest
# (kvlab's prompt drops the line) instead of dying of it, and its escape
# key is Ctrl-A: ESCAPE_HELP is printed before every interactive boot.
RUN_SERIAL = "mon:stdio"
ESCAPE_HELP = ("QEMU's escape key is Ctrl-A: Ctrl-A x quits QEMU, Ctrl-A h"
               " lists the others; Ctrl-C at kvlab's prompt drops the line")


def cmd_run(args):
    # QEMU owns the terminal: a Ctrl-C reaches the guest as a byte. Should
    # a SIGINT still arrive (sent by hand, say), QEMU deals with it and we
    # report how it ended, without a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if args.kernel:
        cmd = qemu_command(kernel=args.kernel, append=args.append, mem=args.mem,
                           icount=args.icount, machine=args.machine,
                           cpu=args.cpu, serial=RUN_SERIAL)
        what = "%s (qemu -kernel)" % args.kernel
    else:
        cmd = qemu_command(iso=args.iso, uefi=args.uefi, mem=args.mem,
                           icount=args.icount, machine=args.machine,
                           cpu=args.cpu, serial=RUN_SERIAL)
        what = "%s under %s" % (args.iso, "UEFI (OVMF)" if args.uefi else "BIOS")
    print("kvlab: booting %s in QEMU (TCG%s); serial console below. %s."
          % (what, ", -icount" if args.icount else "", ESCAPE_HELP), flush=True)
    if args.verbose:
        print(" ".join(cmd), flush=True)
    status = subprocess.call(cmd)
    meaning = exit_meaning(status)
    if status == STATUS_PASS:
        return 0
    print("kvlab: %s (QEMU exit status %d)" % (meaning, status),
          file=sys.stderr)
    return 1


def gdb_command(kernel, port, batch=False):
    """gdb with kvlab's symbols and helpers (scripts/gdb/kvlab.py),
    attached to the QEMU gdb server on port; None if gdb is missing.
    batch: run the -ex commands the caller appends, then quit."""
    gdb = shutil.which("gdb")
    if not gdb:
        return None
    cmd = [gdb, "-q"] + (["-batch", "-nx"] if batch else [])
    helper = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gdb",
                          "kvlab.py")
    if os.path.exists(helper):
        cmd += ["-x", helper]
    return cmd + [kernel, "-ex", "target remote 127.0.0.1:%d" % port]


def gdb_port(uid=None):
    """make debug's gdb port: derived from the user id (as xv6 and AOS
    do), so that two users of one machine never meet on one port."""
    if uid is None:
        uid = os.getuid()
    return 25000 + uid % 5000


def port_in_use(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def cmd_debug(args):
    log = args.serial_log
    if port_in_use(args.port):
        print("kvlab: gdb port %d is in use (another `make debug` of yours still"
              " running?); pick another with GDBPORT=N (make) or --port N"
              % args.port, file=sys.stderr)
        return 1
    os.makedirs(os.path.dirname(log) or ".", exist_ok=True)
    cmd = qemu_command(kernel=args.kernel, append=args.append, mem=args.mem,
                       serial="file:" + log, gdb=args.port)
    gdb_cmd = gdb_command(args.kernel, args.port)
    if not gdb_cmd:
        print("kvlab: gdb is not installed (apt-get install gdb)",
              file=sys.stderr)
        return 1
    print("kvlab: QEMU waits for gdb on 127.0.0.1:%d (your port: 25000 + uid %% 5000);"
          " the serial console goes to %s (run `tail -f %s` in another terminal)."
          " kvlab's gdb commands: kv-dmesg, kv-pgwalk VA, kv-buddyinfo, kv-page PFN,"
          " kv-slabinfo, kv-vmallocinfo (help kv-pgwalk); they work once the"
          " kernel has booted far enough (break ktest_run_all, continue)."
          % (args.port, log, log), flush=True)
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    gdb_cmd += list(args.gdb_args)
    try:
        # gdb gets the terminal and Ctrl-C; QEMU must not die of it.
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        status = subprocess.call(gdb_cmd)
        signal.signal(signal.SIGINT, old)
    finally:
        qemu.kill()
        qemu.wait()
    return status


def plot_python():
    """A Python that has matplotlib (Debian's python3-matplotlib lives in
    /usr/bin/python3, which may differ from the python3 first on PATH)."""
    for py in ("/usr/bin/python3", sys.executable, "python3"):
        if shutil.which(py) and subprocess.call(
                [py, "-c", "import matplotlib"], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL) == 0:
            return py
    return sys.executable


def cmd_bench(args):
    """Boot with bench=all (no tests), save the log, write the report."""
    os.makedirs(args.out, exist_ok=True)
    name = "bench-icount" if args.icount else "bench-tcg"
    log = os.path.join(args.out, name + ".log")
    append = "tests=none monitor=0 bench=%s%s" % (args.which,
                                                  " icount=1" if args.icount else "")
    cmd = qemu_command(kernel=args.kernel, append=append, mem=args.mem,
                       icount=args.icount, smp=args.smp)
    print("kvlab: benchmarks under %s; serial log in %s" %
          ("QEMU -icount (exact guest instruction counts)" if args.icount
           else "plain TCG (noisy emulation times; ICOUNT=1 for exact counts)",
           log), flush=True)
    status, text = boot_to_log(cmd, log, echo=True)
    if status != STATUS_PASS:
        print("kvlab: the benchmark boot ended with %s (QEMU status %d)"
              % (exit_meaning(status), status), file=sys.stderr)
        return 1
    if args.icount and args.which == "all":
        write_icount_figures(text, args.out)
    report = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_report.py")
    return subprocess.call([plot_python(), report, log, "--out", args.out])


# The docs' figures come from this file (tests/doc-figures.txt).
ICOUNT_FIGURES = os.path.join(ROOT, "bench", "kvlab-icount.txt")


def write_icount_figures(text, out):
    """OUT/kvlab-icount.txt: the header of bench/kvlab-icount.txt and this
    run's bench: lines; say how it differs from the committed one."""
    with open(ICOUNT_FIGURES) as f:
        old = f.read().splitlines()
    header = [l for l in old if l.startswith("#")]
    new = [l.strip() for l in text.replace("\r", "").splitlines()
           if l.startswith("bench: ")]
    path = os.path.join(out, "kvlab-icount.txt")
    with open(path, "w") as f:
        f.write("\n".join(header + new) + "\n")
    changed = sorted(set(new) ^ set(l for l in old if l.startswith("bench: ")))
    if not changed:
        print("kvlab: every figure as in %s" % os.path.relpath(ICOUNT_FIGURES, ROOT))
        return
    print("kvlab: %d bench: line(s) differ from %s, which the docs quote. To update"
          " them: cp %s %s && python3 scripts/check_docs.py figures --update"
          % (len(changed), os.path.relpath(ICOUNT_FIGURES, ROOT), path,
             os.path.relpath(ICOUNT_FIGURES, ROOT)))


def cmd_replay(args):
    """Boot with the replay records as a module (-initrd: multiboot1 hands
    it to the kernel as a module) and bench=replay; save the log."""
    os.makedirs(args.out, exist_ok=True)
    log = os.path.join(args.out, "replay-kernel.log")
    append = "tests=none monitor=0 bench=replay icount=%d" % (1 if args.icount else 0)
    cmd = qemu_command(kernel=args.kernel, append=append, mem=args.mem,
                       icount=args.icount, extra=["-initrd", args.records])
    print("kvlab: kernel replay of %s under %s; serial log in %s" %
          (args.records, "QEMU -icount (cost in guest instructions)" if args.icount
           else "plain TCG", log), flush=True)
    with open(log, "wb") as out:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        for chunk in iter(lambda: p.stdout.read1(4096), b""):
            out.write(chunk)
            sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
        status = p.wait()
    if status != STATUS_PASS:
        print("kvlab: the replay boot ended with %s (QEMU status %d)"
              % (exit_meaning(status), status), file=sys.stderr)
        return 1
    with open(log, "rb") as f:
        text = f.read().decode(errors="replace")
    if "replay: checkers errors=0" not in text:
        print("kvlab: the kernel replay did not finish clean (see %s)" % log, file=sys.stderr)
        return 1
    return 0


def parser():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    r = sub.add_parser("run", help="boot an ISO with the serial console here")
    w = r.add_mutually_exclusive_group(required=True)
    w.add_argument("--iso")
    w.add_argument("--kernel", help="boot this ELF with qemu -kernel instead")
    r.add_argument("--append", default="", help="the command line (with --kernel)")
    r.add_argument("--uefi", action="store_true")
    r.add_argument("--icount", action="store_true")
    r.add_argument("--mem", default="1G")
    r.add_argument("--machine", default="pc")
    r.add_argument("--cpu", default="max")
    r.add_argument("-v", "--verbose", action="store_true")
    d = sub.add_parser("debug", help="boot under gdb")
    d.add_argument("--kernel", required=True)
    d.add_argument("--append", default="")
    d.add_argument("--mem", default="1G")
    d.add_argument("--serial-log", default="build/debug-serial.log")
    d.add_argument("--port", type=int, default=gdb_port(),
                   help="gdb port (default 25000 + uid %% 5000: %(default)s)")
    d.add_argument("gdb_args", nargs="*")
    b = sub.add_parser("bench", help="run the benchmarks and write the report")
    b.add_argument("--kernel", required=True)
    b.add_argument("--icount", action="store_true")
    b.add_argument("--mem", default="1G")
    b.add_argument("--which", default="all")
    b.add_argument("--smp", type=int, default=1)
    b.add_argument("--out", default="build/bench")
    rp = sub.add_parser("replay", help="replay trace records in the kernel (make replay-kernel)")
    rp.add_argument("--kernel", required=True)
    rp.add_argument("--records", required=True, help="kvreplay --emit's output")
    rp.add_argument("--icount", action="store_true")
    rp.add_argument("--mem", default="1G")
    rp.add_argument("--out", default="build/replay")
    return ap


def main():
    args = parser().parse_args()
    if args.what == "replay":
        return cmd_replay(args)
    if args.what == "run":
        return cmd_run(args)
    if args.what == "bench":
        return cmd_bench(args)
    return cmd_debug(args)


if __name__ == "__main__":
    sys.exit(main())
