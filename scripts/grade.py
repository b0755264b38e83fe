#!/usr/bin/env python3
"""scripts/grade.py: score the self-tests as a course grader does (`make grade`).

Each part of the points table (tests/grade-points.txt: SUITE POINTS LAYER
DESCRIPTION) gets a boot of its own (the `qemu -kernel` path, -m 1G -cpu
max, its own timeout), with `tests=SUITE init_upto=LAYER`: the kernel
brings up the memory layers that part needs and none above them, so a
broken slab allocator costs the slab parts, not the buddy one, and a
panic costs only the part that panicked. Each part earns its share:

    grade: build/gcc/kvlab.elf, 15 parts, one boot each (2 at a time, 60 s each at most), 9.1 s; ...
    meta: 5/5  the test framework itself (KTAP output, EXPECT/ASSERT)
    ...
    buddy: 0/30  the buddy allocator: split/merge, zones, watermarks, pcp lists, misuse
        0 of 23 cases passed
        not ok split_and_merge
            buddy_check: zone DMA32: invariant 4 violated: nr_free_pages differs from the lists (pfn 0x0, 253912 vs 253849)
        ...
    slab: 0/15  slab caches: layout, alignment, ctor, partial lists, shrink, misuse
        the kernel stopped: Kernel panic - not syncing: ... (log build/grade/slab.log)
    ...
    Score: 35/190

Under each failing case is its first diagnostic: the named invariant a
checker found broken, the failed EXPECTATION or ASSERTION, or an
unexpected report. A part earns points * passed / counted, rounded down,
where counted is the cases planned less those skipped for an
environmental cause. A skip for any other reason counts as a failed
case: "no free order-10 block" can be the doing of a broken allocator as
much as of a busy machine. Environmental causes are the ones the kernel
marks with KT_SKIP_ENV (include/kernel/ktest.h), whose KTAP reason starts
with "env:"

    ok 4 data_is_not_executable # SKIP env: this CPU has no NX bit

and they are only these: a CPU feature the case needs is missing (NX,
1 GiB pages), or fault injection was asked for on the command line
(failslab=, fail_page_alloc=) and the case assumes none. A suite skipped
as a whole, one the kernel does not have, and one a crash cut short earn
0, with a note saying which.

The result also goes to build/grade.json (--json), for an autograder:
the score, and per part the points, the boot's end, each failing case
with its diagnostic. In a lab's tree (.kvlab-lab names the lab, or
--lab) grade also checks that answers-LAB.txt answers every question.
Exits 0 only with full marks.

  grade.py [--build build] [--tc gcc|clang] [--points FILE] [--cmdline WORDS]
           [--jobs N] [--timeout S] [--json FILE] [--lab LAB] [--answers FILE]
  grade.py --log SERIAL.LOG [--points FILE]   (grade one log already made)
  grade.py --tests-from PRISTINE [--lab LAB]  (regrade: see regrade())
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap  # noqa: E402
import kvqemu  # noqa: E402
import mklab  # noqa: E402

POINTS = os.path.join(kvqemu.ROOT, "tests", "grade-points.txt")

# The memory layers init_upto= knows, bottom up (kernel/main.c).
LAYERS = ("paging", "buddy", "slab", "vmalloc")

# The start of a skip reason that names an environmental cause (KT_SKIP_ENV).
ENV_SKIP = "env:"

# The first diagnostic of a failing case: a checker's broken invariant
# first, then a failed expectation, then any report.
DIAG_PATTERNS = [re.compile(p) for p in (
    r"invariant \d+ violated", r"\bFAILED\b", r"unexpected report",
    r"^(BUG|WARNING|kernel BUG)\b", r"Kernel panic")]


class Part:
    def __init__(self, suite, points, layer, desc):
        self.suite, self.points, self.layer, self.desc = suite, points, layer, desc


def environmental(case):
    return case.status == "skip" and case.reason.startswith(ENV_SKIP)


def read_points(path):
    """[Part] from the points table: SUITE POINTS LAYER DESCRIPTION."""
    parts = []
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            words = raw.split("#", 1)[0].split(None, 3)
            if not words:
                continue
            if len(words) < 3 or not words[1].isdigit() or words[2] not in LAYERS:
                raise ValueError("%s:%d: expected 'SUITE POINTS LAYER DESCRIPTION', LAYER"
                                 " one of %s" % (path, n, ", ".join(LAYERS)))
            parts.append(Part(words[0], int(words[1]), words[2],
                              words[3].strip() if len(words) > 3 else ""))
    return parts


def first_diagnostic(case):
    """The line that best says why case failed (see DIAG_PATTERNS)."""
    lines = [l.strip() for l in case.log
             if l.strip() and "# expected report" not in l]
    for pat in DIAG_PATTERNS:
        for l in lines:
            if pat.search(l.lstrip("# ")):
                return l
    diag = [l for l in lines if l.startswith("#")]
    return (diag or lines or [""])[0]


def stop_reason(text):
    """Why a kernel stopped early: its panic or oops line, if any."""
    for pat in (r"^Kernel panic - not syncing: .*", r"^(BUG|kernel BUG)[: ].*",
                r"^.*: \d{4} \[#1\].*"):
        m = re.search(pat, text, re.M)
        if m:
            return m.group(0).strip()
    return None


def score_part(rep, suite, points):
    """(earned, notes, cases) for one suite of a parsed log: notes are the
    lines to print under the part, cases [(name, status, diagnostic)] its
    failed and non-environmentally skipped cases."""
    found = [s for s in rep.suites if s.name == suite]
    if not found:
        if rep.errors:
            return 0, ["did not run: the kernel's output is incomplete (%s)"
                       % rep.errors[0]], []
        return 0, ["not in this kernel: no suite '%s' ran" % suite], []
    s = found[0]
    if s.status == "skip" and not s.cases:
        return 0, ["skipped as a whole: %s" % (s.reason or "no reason given")], []
    passed = sum(c.status == "pass" for c in s.cases)
    env_skipped = sum(environmental(c) for c in s.cases)
    planned = max(s.plan or 0, len(s.cases))
    counted = planned - env_skipped
    if counted <= 0:
        return 0, ["every case was skipped (%s)" % s.cases[0].reason
                   if s.cases else "every case was skipped"], []
    notes, cases = [], []
    for c in s.cases:
        if c.status == "fail":
            diag = first_diagnostic(c)
            notes.append("not ok %s" % c.name)
            if diag:
                notes.append("    " + diag)
            cases.append((c.name, "fail", diag))
        elif c.status == "skip" and not environmental(c):
            notes.append("skipped, counted as failed: %s (%s)"
                         % (c.name, c.reason or "no reason given"))
            cases.append((c.name, "skip", c.reason))
    if len(s.cases) < planned:
        notes.append("%d case(s) never reported: the kernel stopped in this"
                     " suite" % (planned - len(s.cases)))
    earned = points * passed // counted
    if earned < points:
        notes.insert(0, "%d of %d cases passed" % (passed, counted))
    return earned, notes, cases


class Result:
    def __init__(self, part):
        self.part = part
        self.earned = 0
        self.notes = []
        self.cases = []
        self.boot = None        # how the boot ended, in words
        self.seconds = 0.0
        self.log = None


def grade_text(part, text, status=None, logpath=None):
    """Score part from a serial log's text; status: the boot's end."""
    r = Result(part)
    r.log = logpath
    rep = ktap.parse(text)
    r.earned, r.notes, r.cases = score_part(rep, part.suite, part.points)
    if status is not None:
        r.boot = "timeout" if status == "timeout" else kvqemu.exit_meaning(status)
        if status not in (kvqemu.STATUS_PASS, kvqemu.STATUS_TESTFAIL):
            why = stop_reason(text)
            if status == "timeout":
                why = "timed out" + (" after " + why if why else "")
            stopped = "the kernel stopped: %s%s" % (
                why or r.boot, " (log %s)" % logpath if logpath else "")
            if r.notes and r.notes[0].startswith("did not run"):
                r.notes[0] = stopped
            else:
                r.notes.append(stopped)
    return r


def boot_part(part, args, elf, logdir):
    """One boot for one part: its suite, the layers it needs."""
    logpath = os.path.join(logdir, part.suite + ".log")
    append = "%s tests=%s init_upto=%s %s" % (kvqemu.TEST_CMDLINE, part.suite,
                                              part.layer, args.cmdline)
    cmd = kvqemu.qemu_command(kernel=elf, append=append.strip())
    t0 = time.time()
    status, text = kvqemu.boot_to_log(cmd, logpath, timeout=args.timeout)
    r = grade_text(part, text, status, logpath)
    r.seconds = time.time() - t0
    return r


def check_answers(args):
    """(file, questions, [unanswered]) or None when no lab is graded."""
    lab = args.lab or read_lab(kvqemu.ROOT)
    if not lab:
        return None
    path = args.answers or os.path.join(kvqemu.ROOT, "answers-%s.txt" % lab)
    if not os.path.exists(path):
        return (path, 0, None)
    total, missing = mklab.unanswered(path)
    return (path, total, missing)


def read_lab(tree):
    try:
        with open(os.path.join(tree, mklab.LABFILE)) as f:
            return f.read().strip() or None
    except OSError:
        return None


def report(results, answers, args, header):
    total = sum(r.part.points for r in results)
    earned = sum(r.earned for r in results)
    print(header)
    for r in results:
        print("%s: %d/%d  %s" % (r.part.suite, r.earned, r.part.points, r.part.desc))
        for n in r.notes:
            print("    " + n)
    print("Score: %d/%d" % (earned, total))
    out = {"score": earned, "total": total, "lab": args.lab or read_lab(kvqemu.ROOT),
           "parts": [{"suite": r.part.suite, "points": r.part.points,
                      "earned": r.earned, "layer": r.part.layer,
                      "description": r.part.desc, "boot": r.boot,
                      "seconds": round(r.seconds, 2), "log": r.log,
                      "notes": r.notes,
                      "cases": [{"name": n, "status": s, "diagnostic": d}
                                for n, s, d in r.cases]} for r in results]}
    if answers:
        path, questions, missing = answers
        rel = os.path.relpath(path)
        if rel.startswith(".."):
            rel = os.path.abspath(path)
        if missing is None:
            print("grade: %s is missing: answer the handout's questions there"
                  " (make lab writes the template)" % rel)
        elif missing:
            print("grade: %s: %d of %d question(s) answered; still open: %s"
                  % (rel, questions - len(missing), questions,
                     ", ".join(str(q) for q in missing)))
        else:
            print("grade: %s: all %d question(s) answered" % (rel, questions))
        out["answers"] = {"file": rel, "questions": questions,
                          "unanswered": missing}
    if args.json:
        os.makedirs(os.path.dirname(args.json) or ".", exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")
        print("grade: the result is also in %s" % args.json)
    return 0 if earned == total else 1


def regrade(args):
    """Regrade this tree's work on a pristine tree: copy PRISTINE (the
    instructor's full tree: its tests, points, scripts and the reference
    code of every other layer) to BUILD/regrade/tree, splice in this
    tree's regions of the lab (scripts/mklab.py splice: only the code
    between the LAB markers counts), build the kernel there, and run the
    pristine tree's grade.py on it, with this tree's answers."""
    lab = args.lab or read_lab(kvqemu.ROOT)
    if not lab:
        print("grade: --tests-from needs the lab (LAB=name, or a tree made by make lab)",
              file=sys.stderr)
        return 2
    pristine = os.path.abspath(args.tests_from)
    if not os.path.exists(os.path.join(pristine, "scripts", "grade.py")):
        print("grade: %s is not a kvlab tree" % pristine, file=sys.stderr)
        return 2
    tree = os.path.abspath(os.path.join(args.build, "regrade", "tree"))
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(tree)
    for rel in mklab.tree_files(pristine):
        os.makedirs(os.path.join(tree, os.path.dirname(rel)), exist_ok=True)
        shutil.copy2(os.path.join(pristine, rel), os.path.join(tree, rel))
    try:
        for rel in mklab.splice(lab, kvqemu.ROOT, tree):
            print("grade: regrade: LAB %s's regions of %s from this tree" % (lab, rel))
    except (mklab.LabError, OSError) as e:
        print("grade: regrade: %s" % e, file=sys.stderr)
        return 2
    make = os.environ.get("MAKE", "make")
    elf = os.path.join("build", args.tc, "kvlab.elf")
    print("grade: regrade: building %s in %s" % (elf, tree), flush=True)
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    b = subprocess.run([make, "-C", tree, "--no-print-directory", "-j%d" % args.jobs, elf],
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if b.returncode:
        print(b.stdout.decode(errors="replace")[-3000:])
        print("grade: regrade: your regions do not build in the pristine tree: Score: 0")
        return 1
    answers = args.answers or os.path.join(kvqemu.ROOT, "answers-%s.txt" % lab)
    cmd = [sys.executable, os.path.join(tree, "scripts", "grade.py"),
           "--build", os.path.join(tree, "build"), "--tc", args.tc, "--lab", lab,
           "--answers", answers, "--jobs", str(args.jobs),
           "--timeout", str(args.timeout)]
    if args.json:
        cmd += ["--json", os.path.abspath(args.json)]
    if args.cmdline:
        cmd += ["--cmdline", args.cmdline]
    return subprocess.call(cmd, cwd=tree)


def main():
    ap = argparse.ArgumentParser(description="score kvlab's self-tests")
    ap.add_argument("--build", default="build")
    ap.add_argument("--tc", default="gcc", choices=["gcc", "clang"])
    ap.add_argument("--points", default=POINTS)
    ap.add_argument("--cmdline", default="", help="extra kernel command-line words")
    ap.add_argument("--timeout", type=int, default=60, help="seconds per part's boot")
    ap.add_argument("--jobs", type=int, default=2, help="boots at a time")
    ap.add_argument("--json", help="also write the result here (default BUILD/grade.json)")
    ap.add_argument("--lab", help="the lab graded (default: .kvlab-lab's)")
    ap.add_argument("--answers", help="the answers file (default answers-LAB.txt)")
    ap.add_argument("--log", help="grade this serial log instead of booting")
    ap.add_argument("--tests-from", help="regrade on this pristine tree (see regrade())")
    args = ap.parse_args()
    if args.json is None and not args.log:
        args.json = os.path.join(args.build, "grade.json")
    if args.tests_from:
        return regrade(args)
    try:
        parts = read_points(args.points)
    except (OSError, ValueError) as e:
        print("grade: %s" % e, file=sys.stderr)
        return 2
    if args.log:
        with open(args.log, errors="replace") as f:
            text = f.read()
        results = [grade_text(p, text) for p in parts]
        return report(results, check_answers(args), args,
                      "grade: %d parts from %s" % (len(parts), args.log))
    elf = os.path.join(args.build, args.tc, "kvlab.elf")
    if not os.path.exists(elf):
        print("grade: no kernel %s (make builds it)" % elf, file=sys.stderr)
        return 2
    logdir = os.path.join(args.build, "grade")
    os.makedirs(logdir, exist_ok=True)
    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda p: boot_part(p, args, elf, logdir), parts))
    header = ("grade: %s, %d parts, one boot each (%d at a time, %d s each at most),"
              " %.1f s; logs in %s/" % (elf, len(parts), args.jobs, args.timeout,
                                        time.time() - t0, logdir))
    return report(results, check_answers(args), args, header)


if __name__ == "__main__":
    sys.exit(main())
