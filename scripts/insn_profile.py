#!/usr/bin/env python3
"""scripts/insn_profile.py: count the guest instructions a kernel function
executes, per function, by single-stepping it under gdb.

  insn_profile.py --break pages_batch_loop [--then pcp_free_bulk] [--steps 2000]
                  [--kernel build/gcc/kvlab.elf] [--append "tests=none bench=pages"]

Boots QEMU (TCG) stopped, lets the kernel run to the breakpoint (then to
each --then function in turn), single-steps STEPS instructions,
attributing each to the function that contains it, and prints a table
sorted by count:

    insn_profile: 300 instructions from pcp_free_bulk (after pages_batch_loop)
         213   71.0%  free_one_block
          87   29.0%  pcp_free_bulk
         300  total

Without --append the kernel runs no tests and only the benchmark groups
of the tests/bench_*.c file that defines the --break function (for
pages_batch_loop, tests/bench_pages.c: bench=pages), so the breakpoint is
reached at once. gdb's own output (every stop, every step)
goes to build/insn_profile.gdb.log, not to the terminal. Exits 1, saying
why, when the kernel never reaches a breakpoint or gdb fails; the log is
then printed.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kvqemu  # noqa: E402

# The table goes between these markers in gdb's output.
BEGIN, END = "@@insn_profile begin", "@@insn_profile end"

GDB_SCRIPT = r'''
import gdb
from collections import Counter, OrderedDict
gdb.execute("set pagination off")
gdb.execute("set confirm off")
def fail(why):
    print("@@insn_profile error: " + why)
    raise SystemExit(1)
def run_to(fn):
    if gdb.lookup_global_symbol(fn) is None and gdb.lookup_static_symbol(fn) is None:
        fail("the kernel has no function %%s" %% fn)
    gdb.execute("delete")
    gdb.execute("break " + fn)
    try:
        gdb.execute("continue")
        frame = gdb.selected_frame().name()
    except gdb.error:
        frame = None
    if frame != fn:
        fail("the kernel never reached %%s" %% fn)
for fn in [%(brk)r] + %(then)r:
    run_to(fn)
gdb.execute("delete")
counts = Counter()
order = OrderedDict()
for i in range(%(steps)d):
    pc = int(gdb.parse_and_eval("$pc"))
    sym = gdb.execute("info symbol %%d" %% pc, to_string=True)
    fn = sym.split(" + ")[0].split(" in section")[0].strip()
    counts[fn] += 1
    order.setdefault(fn, i)
    gdb.execute("stepi", to_string=True)
total = sum(counts.values())
print("%(begin)s")
for fn, n in sorted(counts.items(), key=lambda kv: (-kv[1], order[kv[0]])):
    print("%%8d  %%5.1f%%%%  %%s" %% (n, 100.0 * n / total, fn))
print("%%8d  total" %% total)
print("%(end)s")
gdb.execute("kill")
'''


def bench_groups_defining(fn, root=kvqemu.ROOT):
    """The benchmark groups to run to reach function fn: of the
    tests/bench_*.c file that defines it, the group named like the file
    (bench_pages.c: pages) if it has one, else every group of the file
    (BENCH(group, ...)); [] if no benchmark file defines fn."""
    define = re.compile(r"^(?:static\s+)?[\w\s\*]*\b%s\s*\(" % re.escape(fn), re.M)
    for path in sorted(glob.glob(os.path.join(root, "tests", "bench_*.c"))):
        with open(path) as f:
            text = f.read()
        if define.search(text):
            groups = []
            for g in re.findall(r"^BENCH\((\w+),", text, re.M):
                if g not in groups:
                    groups.append(g)
            named = os.path.basename(path)[len("bench_"):-len(".c")]
            return [named] if named in groups else groups
    return []


def default_append(fn):
    groups = bench_groups_defining(fn)
    return "tests=none monitor=0 bench=%s" % (",".join(groups) if groups else "all")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", default=os.path.join("build", "gcc", "kvlab.elf"))
    ap.add_argument("--append", default=None,
                    help="kernel command line (default: no tests, the benchmark "
                    "groups of the file that defines --break)")
    ap.add_argument("--break", dest="brk", required=True)
    ap.add_argument("--then", action="append", default=[],
                    help="after the first stop, run on to this function (repeatable)")
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--log", default=os.path.join("build", "insn_profile.gdb.log"),
                    help="where gdb's own output goes")
    ap.add_argument("--timeout", type=int, default=300)
    args = ap.parse_args()
    if args.steps < 1:
        print("insn_profile: --steps must be at least 1", file=sys.stderr)
        return 2
    if not os.path.exists(args.kernel):
        print("insn_profile: no kernel %s (make builds it)" % args.kernel,
              file=sys.stderr)
        return 1
    append = args.append if args.append is not None else default_append(args.brk)
    port = kvqemu.free_port()
    gdb = kvqemu.gdb_command(args.kernel, port, batch=True)
    if not gdb:
        print("insn_profile: gdb is not installed (scripts/deps.sh debug installs it)",
              file=sys.stderr)
        return 1
    cmd = kvqemu.qemu_command(kernel=args.kernel, append=append,
                              serial="file:/dev/null", gdb=port)
    os.makedirs(os.path.dirname(args.log) or ".", exist_ok=True)
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(GDB_SCRIPT % {"brk": args.brk, "steps": args.steps,
                              "then": args.then, "begin": BEGIN, "end": END})
    try:
        try:
            r = subprocess.run(gdb + ["-x", f.name], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=args.timeout)
            out, rc = r.stdout.decode(errors="replace"), r.returncode
        except subprocess.TimeoutExpired as e:
            out, rc = (e.stdout or b"").decode(errors="replace"), "timeout"
    finally:
        qemu.kill()
        qemu.wait()
        os.unlink(f.name)
    with open(args.log, "w") as log:
        log.write("# append: %s\n" % append)
        log.write(out)
    lines = out.splitlines()
    err = [l for l in lines if l.startswith("@@insn_profile error: ")]
    if BEGIN in lines and END in lines and not err:
        table = lines[lines.index(BEGIN) + 1:lines.index(END)]
        where = args.then[-1] if args.then else args.brk
        after = " (after %s)" % ", ".join([args.brk] + args.then[:-1]) if args.then else ""
        print("insn_profile: %d instructions from %s%s; kernel command line: %s"
              % (args.steps, where, after, append))
        print("\n".join(table))
        return 0
    if err:
        why = err[0][len("@@insn_profile error: "):]
        if "never reached" in why:
            why += " (kernel command line: %s; does it run that code?)" % append
    elif rc == "timeout":
        why = "gdb did not finish in %d s" % args.timeout
    else:
        why = "gdb failed (exit status %s)" % rc
    print("insn_profile: %s; gdb's output (%s) ends:" % (why, args.log), file=sys.stderr)
    for l in lines[-15:]:
        print("    | " + l, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
