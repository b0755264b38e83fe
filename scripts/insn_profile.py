#!/usr/bin/env python3
"""scripts/insn_profile.py: count the guest instructions a kernel function
executes, per function, by single-stepping it under gdb.

  insn_profile.py --kernel build/gcc/kvlab.elf --append "tests=none bench=pages" \
      --break pages_pair_loop [--then free_one_block] --steps 2000

Boots QEMU (TCG) stopped, lets the kernel run to the breakpoint, then
single-steps STEPS instructions, attributing each to the function that
contains it; prints a table sorted by count. Used to explain benchmark
figures (issue notes: "what the instruction profile shows").
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kvqemu  # noqa: E402

GDB_SCRIPT = r'''
import gdb
from collections import Counter, OrderedDict
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("break %(brk)s")
gdb.execute("continue")
for then in %(then)r:
    gdb.execute("delete")
    gdb.execute("break " + then)
    gdb.execute("continue")
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
for fn, n in sorted(counts.items(), key=lambda kv: -kv[1]):
    print("%%8d  %%5.1f%%%%  %%s" %% (n, 100.0 * n / total, fn))
print("%%8d  total" %% total)
gdb.execute("kill")
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", default="build/gcc/kvlab.elf")
    ap.add_argument("--append", default="tests=none bench=none")
    ap.add_argument("--break", dest="brk", required=True)
    ap.add_argument("--then", action="append", default=[],
                    help="after the first stop, run on to this function (repeatable)")
    ap.add_argument("--steps", type=int, default=1000)
    args = ap.parse_args()
    port = kvqemu.free_port()
    gdb = kvqemu.gdb_command(args.kernel, port, batch=True)
    if not gdb:
        print("insn_profile: gdb is not installed (scripts/deps.sh debug installs it)",
              file=sys.stderr)
        return 1
    cmd = kvqemu.qemu_command(kernel=args.kernel, append=args.append,
                              serial="file:/dev/null", gdb=port)
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(GDB_SCRIPT % {"brk": args.brk, "steps": args.steps,
                              "then": args.then})
    try:
        return subprocess.call(gdb + ["-x", f.name])
    finally:
        qemu.kill()
        qemu.wait()
        os.unlink(f.name)


if __name__ == "__main__":
    sys.exit(main())
