#!/usr/bin/env python3
"""scripts/check_docs.py: the docs against the current build (`make docs-test`).

  check_docs.py figures [--build build] [--boot-log LOG] [--update]
  check_docs.py commands [--build build] [--only FILE,...] [--list]

figures: every figure tests/doc-figures.txt lists is checked against
where it comes from: a boot of this build's gcc kernel (-m 1G, tests=all,
the -kernel path), the benchmark figures under -icount that `make bench
ICOUNT=1` wrote (bench/kvlab-icount.txt, a generated file), Linux's
(bench/linux-6.1-qemu.tsv) and the points table (tests/grade-points.txt).
A figure that differs is printed with the file, the line, what the doc
says and what it should say; --update rewrites the docs instead.

commands: each handout's marked command blocks (see run_commands()) are
run as shown, in a scratch copy of the tree, and their output checked.

Both end with `N passed, N failed` and exit 1 on any failure.
"""
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kvqemu  # noqa: E402

ROOT = kvqemu.ROOT
FIGURES = os.path.join(ROOT, "tests", "doc-figures.txt")
ICOUNT = os.path.join(ROOT, "bench", "kvlab-icount.txt")
LINUX = os.path.join(ROOT, "bench", "linux-6.1-qemu.tsv")
POINTS = os.path.join(ROOT, "tests", "grade-points.txt")

# The boot the figures' boot() values come from.
BOOT_APPEND = "monitor=0 bench=none tests=all"


class FigureError(Exception):
    pass


def read_bench(path):
    """{"kmalloc_pair size=8": {"op": 52.0, "page": None}} from bench: lines."""
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"^bench: (\S+)((?: \S+=\S+)*?) n=\d+ cycles_per_op=([\d.]+)"
                         r" ns_per_op=[\d.]+(?: cycles_per_page=([\d.]+))?", line)
            if m:
                key = (m.group(1) + m.group(2)).strip()
                out[key] = {"op": float(m.group(3)),
                            "page": float(m.group(4)) if m.group(4) else None}
    return out


def read_linux(path):
    out = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or line.startswith("test\t"):
                continue
            w = line.rstrip("\n").split("\t")
            if len(w) >= 3:
                out["%s %s" % (w[0], w[1])] = float(w[2])
    return out


LAYERS = ("paging", "buddy", "slab", "vmalloc")


def read_points(path):
    """{suite: (points, layer)} from the points table."""
    out = {}
    with open(path) as f:
        for raw in f:
            w = raw.split("#", 1)[0].split()
            if len(w) >= 3 and w[1].isdigit():
                out[w[0]] = (int(w[1]), w[2])
    return out


def rnd(x):
    """A figure as the docs print it: Python's round() to an integer, as
    scripts/bench_report.py rounds the report's figures (704.5 -> 704)."""
    return str(int(round(float(x))))


class Sources:
    def __init__(self, boot_text):
        self.boot_text = boot_text
        self.bench = read_bench(ICOUNT)
        self.linux = read_linux(LINUX)
        self.points_ = read_points(POINTS)

    def env(self):
        def icount(key, per="op"):
            if key not in self.bench:
                raise FigureError("no '%s' in %s" % (key, os.path.relpath(ICOUNT, ROOT)))
            v = self.bench[key][per]
            if v is None:
                raise FigureError("'%s' has no per-%s figure" % (key, per))
            return v

        def linux(key):
            if key not in self.linux:
                raise FigureError("no '%s' in %s" % (key, os.path.relpath(LINUX, ROOT)))
            return self.linux[key]

        def boot(pattern, group=1):
            m = re.search(pattern, self.boot_text, re.M)
            if not m:
                raise FigureError("the boot log has no /%s/" % pattern)
            return m.group(group)

        def points(suite):
            if suite not in self.points_:
                raise FigureError("no part '%s' in tests/grade-points.txt" % suite)
            return self.points_[suite][0]

        def points_below(layer):
            return sum(p for p, l in self.points_.values()
                       if LAYERS.index(l) < LAYERS.index(layer))

        return {"icount": icount, "linux": linux, "boot": boot, "points": points,
                "points_below": points_below, "parts": lambda: len(self.points_),
                "r": rnd, "f1": lambda x: "%.1f" % x,
                "total_points": lambda: sum(p for p, _ in self.points_.values())}


def read_figures(path):
    """[(file, regex, expression, line number)] from tests/doc-figures.txt."""
    entries, cur = [], None
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = re.match(r"^\[(.+)\]$", line.strip())
            if m:
                cur = m.group(1)
                continue
            if cur is None or "  =>  " not in line:
                raise ValueError("%s:%d: expected [FILE] or 'REGEX  =>  EXPRESSION'"
                                 % (path, n))
            regex, expr = line.split("  =>  ", 1)
            entries.append((cur, regex.strip(), expr.strip(), n))
    return entries


def render(v):
    if isinstance(v, str):
        return v
    return rnd(v)


def check_figures(sources, entries, update):
    passed = failed = 0
    env = sources.env()
    texts = {}
    for doc, regex, expr, n in entries:
        path = os.path.join(ROOT, doc)
        if doc not in texts:
            with open(path) as f:
                texts[doc] = f.read()
        text = texts[doc]
        where = "tests/doc-figures.txt:%d" % n
        try:
            rx = re.compile(regex, re.M)
            want = eval(expr, env)  # our own file's expressions
        except FigureError as e:
            print("FAIL %s: %s: %s" % (doc, where, e))
            failed += 1
            continue
        want = [render(w) for w in (want if isinstance(want, tuple) else (want,))]
        matches = list(rx.finditer(text))
        if not matches:
            print("FAIL %s: no text matches /%s/ (%s): the doc changed? Update the entry"
                  % (doc, regex, where))
            failed += 1
            continue
        if rx.groups != len(want):
            print("FAIL %s: /%s/ has %d group(s), the expression %d value(s) (%s)"
                  % (doc, regex, rx.groups, len(want), where))
            failed += 1
            continue
        bad = []
        for m in matches:
            got = [m.group(i + 1) for i in range(rx.groups)]
            if got != want:
                bad.append(m)
        if not bad:
            passed += 1
            continue
        if update:
            for m in reversed(bad):
                for i in reversed(range(rx.groups)):
                    text = text[:m.start(i + 1)] + want[i] + text[m.end(i + 1):]
            texts[doc] = text
            print("updated %s: /%s/ -> %s" % (doc, regex, " ".join(want)))
            passed += 1
            continue
        for m in bad:
            line = text.count("\n", 0, m.start()) + 1
            print("FAIL %s:%d: says %s, this build gives %s (%s, from %s)"
                  % (doc, line, " ".join(m.group(i + 1) for i in range(rx.groups)),
                     " ".join(want), where, expr))
        failed += 1
    if update:
        for doc, text in texts.items():
            with open(os.path.join(ROOT, doc), "w") as f:
                f.write(text)
    return passed, failed


def boot_log(build, logpath):
    elf = os.path.join(build, "gcc", "kvlab.elf")
    if not os.path.exists(elf):
        raise FigureError("no kernel %s (make builds it)" % elf)
    cmd = kvqemu.qemu_command(kernel=elf, append=BOOT_APPEND)
    status, text = kvqemu.boot_to_log(cmd, logpath, timeout=300)
    if status != kvqemu.STATUS_PASS:
        raise FigureError("the figures' boot ended with %s (log %s)"
                          % (status if status == "timeout" else kvqemu.exit_meaning(status),
                             logpath))
    return text


def cmd_figures(args):
    try:
        if args.boot_log:
            with open(args.boot_log, errors="replace") as f:
                text = f.read()
        else:
            text = boot_log(args.build, os.path.join(args.build, "test", "doc-figures.log"))
        entries = read_figures(FIGURES)
        sources = Sources(text.replace("\r", ""))
    except (OSError, ValueError, FigureError) as e:
        print("check_docs: %s" % e)
        print("0 passed, 1 failed")
        return 1
    passed, failed = check_figures(sources, entries, args.update)
    print("doc figures: %d checked against this build (tests/doc-figures.txt)" % (passed + failed))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    f = sub.add_parser("figures", help="check the docs' figures")
    f.add_argument("--build", default="build")
    f.add_argument("--boot-log", help="take boot() figures from this log instead of booting")
    f.add_argument("--update", action="store_true", help="rewrite the docs' figures")
    args = ap.parse_args()
    if args.what == "figures":
        return cmd_figures(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
