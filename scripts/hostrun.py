#!/usr/bin/env python3
"""scripts/hostrun.py: run host test programs and add up their results.

  hostrun.py [--log-dir DIR] NAME=COMMAND ...

Runs each COMMAND with the shell, one after the other. A program that ends
its output with a line `N passed, N failed` (tests/host/main.c does) adds
those counts; any other counts as one result, passed when it exits 0. A
non-zero exit is a failure even when its own line says 0 failed (valgrind
errors, a sanitizer report after the last case, a leak).

Without --log-dir the output streams through; with it (for chatty programs
such as libFuzzer) it goes to DIR/NAME.log and only its last lines are
shown, when the command fails. Ends with the line `N passed, N failed` and
exits 1 if anything failed. `make host-test`, `make fuzz-smoke` and `make
fuzz` use it.
"""
import argparse
import os
import re
import subprocess
import sys
import time

SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed")
FUZZ_DONE = re.compile(r"^Done (\d+) runs in (\d+) second")


def run(name, command, log_dir):
    t0 = time.time()
    if log_dir:
        path = os.path.join(log_dir, name + ".log")
        with open(path, "wb") as out:
            rc = subprocess.call(command, shell=True, stdout=out,
                                 stderr=subprocess.STDOUT)
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
    else:
        p = subprocess.Popen(command, shell=True, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        lines = []
        for raw in p.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            print(line, flush=True)
            lines.append(line)
        rc = p.wait()
    return rc, lines, time.time() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log-dir")
    ap.add_argument("commands", nargs="+", metavar="NAME=COMMAND")
    args = ap.parse_args()
    if args.log_dir:
        os.makedirs(args.log_dir, exist_ok=True)

    passed = failed = 0
    for item in args.commands:
        name, _, command = item.partition("=")
        rc, lines, secs = run(name, command, args.log_dir)
        p = f = None
        for line in reversed(lines):
            m = SUMMARY.match(line)
            if m:
                p, f = int(m.group(1)), int(m.group(2))
                break
        if p is None:
            p, f = (1, 0) if rc == 0 else (0, 1)
        elif rc != 0 and f == 0:
            f = 1
        passed += p
        failed += f
        what = "%d passed, %d failed" % (p, f)
        for line in reversed(lines):
            m = FUZZ_DONE.match(line)
            if m:
                what = "%s runs" % m.group(1)
                break
        print("  %-8s %s: %s (exit %d, %.1f s)" % (
            "FAIL" if f else "ok", name, what, rc, secs), flush=True)
        if f and args.log_dir:
            for line in lines[-30:]:
                print("    | " + line)
            print("    log: " + os.path.join(args.log_dir, name + ".log"))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
