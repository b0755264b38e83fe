#!/usr/bin/env python3
"""scripts/grade.py: score the self-tests as a course grader does (`make grade`).

Boots the test kernel once (the `qemu -kernel` path, tests=all), parses its
KTAP output (scripts/ktap.py) and gives each part of the points table
(tests/grade-points.txt) its share:

    meta: 5/5
    lib: 10/10
    buddy: 12/20 (6 of 10 cases passed)
        not ok split_and_merge
        ...
    Score: 37/45

A part earns points * passed / counted, rounded down, where counted is
the cases planned less those skipped for an environmental cause. A skip
for any other reason counts as a failed case: "no free order-10 block"
can be the doing of a broken allocator as much as of a busy machine.
Environmental causes are the ones the kernel marks with KT_SKIP_ENV
(include/kernel/ktest.h), whose KTAP reason starts with "env:"

    ok 4 data_is_not_executable # SKIP env: this CPU has no NX bit

and they are only these: a CPU feature the case needs is missing (NX,
1 GiB pages), or fault injection was asked for on the command line
(failslab=, fail_page_alloc=) and the case assumes none. A suite skipped
as a whole, one the kernel does not have, and one a crash cut short earn
0, with a note saying which. Exits 0 only with full marks.

  grade.py [--build build] [--tc gcc|clang] [--points FILE] [--cmdline WORDS]
  grade.py --log SERIAL.LOG [--points FILE]   (grade a log already made)
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap  # noqa: E402
import kvqemu  # noqa: E402

POINTS = os.path.join(kvqemu.ROOT, "tests", "grade-points.txt")

# The start of a skip reason that names an environmental cause (KT_SKIP_ENV).
ENV_SKIP = "env:"


def environmental(case):
    return case.status == "skip" and case.reason.startswith(ENV_SKIP)


def read_points(path):
    """[(suite, points, description)] from the points table."""
    parts = []
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            words = raw.split("#", 1)[0].split(None, 2)
            if not words:
                continue
            if len(words) < 2 or not words[1].isdigit():
                raise ValueError("%s:%d: expected 'SUITE POINTS DESCRIPTION'"
                                 % (path, n))
            parts.append((words[0], int(words[1]),
                          words[2].strip() if len(words) > 2 else ""))
    return parts


def score_part(rep, suite, points):
    """(earned, lines to print under the part) for one suite."""
    found = [s for s in rep.suites if s.name == suite]
    if not found:
        if rep.errors:
            return 0, ["did not run: the kernel's output is incomplete (%s)"
                       % rep.errors[0]]
        return 0, ["not in this kernel: no suite '%s' ran" % suite]
    s = found[0]
    if s.status == "skip" and not s.cases:
        return 0, ["skipped as a whole: %s" % (s.reason or "no reason given")]
    passed = sum(c.status == "pass" for c in s.cases)
    env_skipped = sum(environmental(c) for c in s.cases)
    planned = max(s.plan or 0, len(s.cases))
    counted = planned - env_skipped
    if counted <= 0:
        return 0, ["every case was skipped (%s)" % s.cases[0].reason
                   if s.cases else "every case was skipped"]
    notes = []
    for c in s.cases:
        if c.status == "fail":
            notes.append("not ok %s" % c.name)
        elif c.status == "skip" and not environmental(c):
            notes.append("skipped, counted as failed: %s (%s)"
                         % (c.name, c.reason or "no reason given"))
    if len(s.cases) < planned:
        notes.append("%d case(s) never reported: the kernel stopped in this"
                     " suite" % (planned - len(s.cases)))
    earned = points * passed // counted
    if earned < points:
        notes.insert(0, "%d of %d cases passed" % (passed, counted))
    return earned, notes


def boot_log(args):
    """Boot the test kernel once (qemu -kernel, -m 1G -cpu max, as the
    main test configuration); returns its serial log."""
    elf = os.path.join(args.build, args.tc, "kvlab.elf")
    logpath = os.path.join(args.build, "test", "grade.log")
    cmd = kvqemu.qemu_command(kernel=elf, append="%s tests=all %s" % (
        kvqemu.TEST_CMDLINE, args.cmdline))
    t0 = time.time()
    status, text = kvqemu.boot_to_log(cmd, logpath, timeout=args.timeout)
    print("grade: booted %s in %.1f s (log: %s)" % (elf, time.time() - t0, logpath))
    if status not in (kvqemu.STATUS_PASS, kvqemu.STATUS_TESTFAIL):
        print("grade: the kernel did not finish: %s"
              % (status if status == "timeout" else kvqemu.exit_meaning(status)))
    return text


def main():
    ap = argparse.ArgumentParser(description="score kvlab's self-tests")
    ap.add_argument("--build", default="build")
    ap.add_argument("--tc", default="gcc", choices=["gcc", "clang"])
    ap.add_argument("--points", default=POINTS)
    ap.add_argument("--cmdline", default="", help="extra kernel command-line words")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--log", help="grade this serial log instead of booting")
    args = ap.parse_args()

    try:
        parts = read_points(args.points)
    except (OSError, ValueError) as e:
        print("grade: %s" % e, file=sys.stderr)
        return 2
    if args.log:
        with open(args.log, errors="replace") as f:
            text = f.read()
    else:
        text = boot_log(args)
    rep = ktap.parse(text)
    total = earned = 0
    for suite, points, desc in parts:
        got, notes = score_part(rep, suite, points)
        print("%s: %d/%d  %s" % (suite, got, points, desc))
        for n in notes:
            print("    " + n)
        total += points
        earned += got
    print("Score: %d/%d" % (earned, total))
    return 0 if earned == total else 1


if __name__ == "__main__":
    sys.exit(main())
