#!/usr/bin/env python3
"""scripts/bench_peers.py: kvlab's kmalloc loops beside the best user-space
allocators, in instructions per allocation+free (`make bench-peers`).

  bench_peers.py --bin-dir build/peers [--kernel ELF | --kernel-log LOG]
                 [--runs 5] [--out build/peers] [--valgrind valgrind]

The loops are the kernel's kmalloc_pair and kmalloc_batch
(tests/bench_slab.c) at 8, 256 and 8192 bytes, built from one source,
tests/host/bench_peers.c, once per allocator: glibc's malloc, jemalloc,
mimalloc and tcmalloc (each linked in place of malloc), and kvlab's own
mm/ compiled for the host against tests/host/shim. Each binary runs under
valgrind's callgrind with collection off except inside peers_rep(), one
repetition of the loop, and a dump after each of the 5 repetitions: the
instructions (Ir) of the loop alone, the allocator's included, and nothing
of the program's start. As the kernel's bench_measure() does, the median
repetition is kept and divided by the loop's count.

Callgrind counts are exact: a run repeats to the last instruction, unless
the allocator itself looks at the clock. jemalloc does (its purging of
unused pages is driven by elapsed time), so every binary is run --runs
times and a figure that differs between runs is printed as the range
min-max; the others print one number.

The kernel's figures come beside them: the same loops in the benchmark
kernel under QEMU -icount (guest instructions, exact), either from a boot
of --kernel with bench=slab or from --kernel-log, the serial log of such
a boot (`make bench ICOUNT=1` leaves build/bench/bench-icount.log).

Writes OUT/peers.txt (one `peers:` line per result, then the table) and
OUT/peers.md (the table), and prints both. Exits 1 when a run fails.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kvqemu  # noqa: E402

SIZES = (8, 256, 8192)
LOOPS = ("pair", "batch")
COUNT = {"pair": 100000, "batch": 10000}  # tests/bench_slab.c
REPS = 5  # include/kernel/bench.h: BENCH_REPS

# name, binary suffix, Debian package whose upstream version is printed,
# label (the version goes after its first word). kvlab's host build has
# no package. tcmalloc is gperftools' libtcmalloc_minimal: the allocator
# without the heap profiler's hooks.
ALLOCATORS = (
    ("glibc", "glibc", "libc6", "glibc"),
    ("jemalloc", "jemalloc", "libjemalloc2", "jemalloc"),
    ("mimalloc", "mimalloc", "libmimalloc2.0", "mimalloc"),
    ("tcmalloc", "tcmalloc", "libtcmalloc-minimal4", "tcmalloc (minimal)"),
    ("kvlab-host", "kvlab", None, "kvlab mm/ on the host"),
)

SUMMARY = re.compile(r"^(?:summary|totals):\s+(\d+)", re.M)
BENCH_LINE = re.compile(
    r"^bench: kmalloc_(pair|batch) size=(\d+) n=(\d+) cycles_per_op=([0-9.]+)",
    re.M)


def package_version(pkg):
    """The upstream version of an installed Debian package, or None."""
    if not pkg or not shutil.which("dpkg-query"):
        return None
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg],
                             capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    m = re.match(r"(?:\d+:)?([0-9][0-9.]*[0-9])", out.stdout.strip())
    return m.group(1) if out.returncode == 0 and m else None


def callgrind_run(valgrind, binary, loop, size, workdir, n=None):
    """One run of @binary: the median repetition's Ir per operation (@n
    operations per repetition, the kernel's count by default)."""
    n = n or COUNT[loop]
    out = os.path.join(workdir, "cg.out")
    cmd = [valgrind, "--tool=callgrind", "--collect-atstart=no",
           "--toggle-collect=peers_rep", "--dump-after=peers_rep",
           "--callgrind-out-file=" + out, binary, loop, str(size), str(n)]
    for f in os.listdir(workdir):
        os.unlink(os.path.join(workdir, f))
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        raise RuntimeError("%s exited %d:\n%s" % (" ".join(cmd), res.returncode,
                                                   res.stderr[-2000:]))
    totals = []
    for i in range(1, REPS + 1):
        path = "%s.%d" % (out, i)
        if not os.path.exists(path):
            raise RuntimeError("%s: no dump %d (%s)" % (binary, i, " ".join(cmd)))
        with open(path) as f:
            m = SUMMARY.search(f.read())
        if not m:
            raise RuntimeError("%s: no summary line in %s" % (binary, path))
        totals.append(int(m.group(1)))
    return statistics.median(totals) / n


def kernel_figures(args):
    """{(loop, size): instructions per op} from the kernel's bench lines."""
    if args.kernel_log:
        log = args.kernel_log
        source = "the saved log " + log
    else:
        os.makedirs(args.out, exist_ok=True)
        log = os.path.join(args.out, "kernel-icount.log")
        append = "tests=none monitor=0 bench=slab icount=1"
        cmd = kvqemu.qemu_command(kernel=args.kernel, append=append,
                                  mem="1G", icount=True)
        print("peers: booting %s with bench=slab under QEMU -icount (log %s)"
              % (args.kernel, log), flush=True)
        status, _ = kvqemu.boot_to_log(cmd, log)
        if status != kvqemu.STATUS_PASS:
            raise RuntimeError("the benchmark boot ended with %s (QEMU status %d)"
                               % (kvqemu.exit_meaning(status), status))
        source = "%s, bench=slab, QEMU -icount" % args.kernel
    with open(log, errors="replace") as f:
        text = f.read()
    if "QEMU -icount" not in text:
        raise RuntimeError("%s: not a run under QEMU -icount (no exact counts)"
                           % log)
    figs = {}
    for loop, size, _n, per_op in BENCH_LINE.findall(text):
        figs[(loop, int(size))] = float(per_op)
    missing = [(l, s) for l in LOOPS for s in SIZES if (l, s) not in figs]
    if missing:
        raise RuntimeError("%s: no bench line for %s" % (
            log, ", ".join("kmalloc_%s size=%d" % m for m in missing)))
    return figs, source


def cell(values):
    """One table cell: a number, or min-max when the runs differ."""
    lo, hi = round(min(values)), round(max(values))
    return str(lo) if lo == hi else "%d-%d" % (lo, hi)


def size_name(size):
    return "%d KiB" % (size >> 10) if size >= 1024 else "%d B" % size


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin-dir", required=True,
                    help="where make put bench_peers-{glibc,jemalloc,...}")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--kernel", help="the benchmark kernel to boot (bench=slab)")
    src.add_argument("--kernel-log", help="a saved serial log of an -icount bench boot")
    ap.add_argument("--runs", type=int, default=5,
                    help="runs of each binary (a figure that varies is a range)")
    ap.add_argument("--out", default="build/peers")
    ap.add_argument("--valgrind", default="valgrind")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if not shutil.which(args.valgrind):
        print("peers: %s not found (Debian: apt-get install valgrind)" % args.valgrind,
              file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)

    lines, rows = [], []
    try:
        kfigs, ksource = kernel_figures(args)
        with tempfile.TemporaryDirectory(prefix="kvlab-peers-") as work:
            for name, suffix, pkg, label in ALLOCATORS:
                binary = os.path.join(args.bin_dir, "bench_peers-" + suffix)
                if not os.access(binary, os.X_OK):
                    raise RuntimeError("%s: missing (make bench-peers builds it)" % binary)
                version = package_version(pkg)
                if version:
                    first, _, rest = label.partition(" ")
                    label = " ".join(w for w in (first, version, rest) if w)
                cells = []
                for loop in LOOPS:
                    for size in SIZES:
                        vals = [callgrind_run(args.valgrind, binary, loop, size, work)
                                for _ in range(args.runs)]
                        line = ("peers: %s kmalloc_%s size=%d n=%d ir_per_op=%.2f"
                                % (name, loop, size, COUNT[loop], min(vals)))
                        if max(vals) != min(vals):
                            line += " max=%.2f" % max(vals)
                        line += " runs=%d" % args.runs
                        print(line, flush=True)
                        lines.append(line)
                        cells.append(cell(vals))
                rows.append((label, cells))
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        print("peers: %s" % e, file=sys.stderr)
        return 1
    for loop in LOOPS:
        for size in SIZES:
            line = ("peers: kvlab-kernel kmalloc_%s size=%d n=%d icount_per_op=%.2f"
                    % (loop, size, COUNT[loop], kfigs[(loop, size)]))
            print(line)
            lines.append(line)
    rows.append(("kvlab kernel (QEMU -icount)",
                 [cell([kfigs[(l, s)]]) for l in LOOPS for s in SIZES]))

    head = ["per alloc+free"] + ["%s %s" % (size_name(s), l)
                                 for l in LOOPS for s in SIZES]
    table = ["| " + " | ".join(head) + " |",
             "|" + "---|" * len(head)]
    table += ["| %s | %s |" % (label, " | ".join(cells)) for label, cells in rows]
    note = ("Instructions per allocation+free: callgrind Ir of the loop alone "
            "(median of %d repetitions; a range where %d runs differ), the "
            "kernel's from %s." % (REPS, args.runs, ksource))
    md = "\n".join(table) + "\n\n" + note + "\n"
    with open(os.path.join(args.out, "peers.md"), "w") as f:
        f.write(md)
    with open(os.path.join(args.out, "peers.txt"), "w") as f:
        f.write("\n".join(lines) + "\n\n" + md)
    print()
    print(md, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
