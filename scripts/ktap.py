#!/usr/bin/env python3
"""scripts/ktap.py: parse kvlab's KTAP version 1 output from a serial log.

The kernel prints KUnit's layout (kernel/ktest.c): a top-level plan of
suites, each suite a nested KTAP document indented four spaces, then a
suite result line at the top level. Kernel log lines (warnings, reports)
may appear anywhere; they are kept with the case they belong to.

  ktap.py LOG          print a summary of LOG; exit 1 on any failure

parse() returns a Report; a run is good only if the plans were complete
(every planned suite and case has a result), which catches a kernel that
died half-way.
"""
import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
RESULT = re.compile(r"^(not ok|ok) (\d+)(?: (.*?))?(?: # (SKIP|TODO)\b ?(.*))?$")
PLAN = re.compile(r"^1\.\.(\d+)$")


class Case:
    def __init__(self, number, name, status, reason, log):
        self.number = number
        self.name = name
        self.status = status          # "pass", "fail" or "skip"
        self.reason = reason          # the SKIP reason
        self.log = log                # diagnostic and kernel lines before it


class Suite:
    def __init__(self, name):
        self.name = name
        self.plan = None
        self.cases = []
        self.status = None            # from the top-level result line
        self.reason = ""


class Report:
    def __init__(self):
        self.found = False            # saw "KTAP version 1"
        self.plan = None              # number of suites planned
        self.suites = []
        self.errors = []              # structural problems

    def counts(self):
        n = {"pass": 0, "fail": 0, "skip": 0}
        for s in self.suites:
            for c in s.cases:
                n[c.status] += 1
        return n

    def failed_cases(self):
        return [(s, c) for s in self.suites for c in s.cases
                if c.status == "fail"]

    def ok(self):
        return self.found and not self.errors and not self.failed_cases()


def clean_lines(text):
    for raw in text.splitlines():
        line = ANSI.sub("", raw).replace("\r", "")
        yield line.rstrip()


def result_of(m):
    ok, num, name, directive, reason = m.groups()
    if directive == "SKIP":
        return int(num), (name or "").strip(), "skip", (reason or "").strip()
    return int(num), (name or "").strip(), "pass" if ok == "ok" else "fail", ""


def parse(text):
    rep = Report()
    lines = list(clean_lines(text))
    start = None
    for i, line in enumerate(lines):
        if line == "KTAP version 1":
            start = i
            break
    if start is None:
        rep.errors.append("no KTAP output found")
        return rep
    rep.found = True
    suite = None
    pending = []                      # lines since the last case result
    for line in lines[start + 1:]:
        if line.startswith("    ") and suite is not None:
            inner = line[4:]
            m = RESULT.match(inner)
            if m:
                num, name, status, reason = result_of(m)
                suite.cases.append(Case(num, name, status, reason, pending))
                pending = []
                continue
            m = PLAN.match(inner)
            if m and suite.plan is None:
                suite.plan = int(m.group(1))
                continue
            if inner.startswith("# Subtest: "):
                suite.name = inner[len("# Subtest: "):].strip()
                continue
            if inner == "KTAP version 1":
                continue
            pending.append(inner)
            continue
        if line == "    KTAP version 1":
            suite = Suite("?")
            pending = []
            continue
        m = PLAN.match(line)
        if m and rep.plan is None:
            rep.plan = int(m.group(1))
            continue
        m = RESULT.match(line)
        if m and suite is not None:
            num, name, status, reason = result_of(m)
            suite.status = status
            suite.reason = reason
            if name and suite.name != name:
                rep.errors.append("suite result '%s' closes subtest '%s'"
                                  % (name, suite.name))
            rep.suites.append(suite)
            suite = None
            pending = []
            continue
        if m and suite is None:
            # A suite skipped before it printed a subtest.
            num, name, status, reason = result_of(m)
            s = Suite(name)
            s.status, s.reason, s.plan = status, reason, 0
            rep.suites.append(s)
            continue
        pending.append(line)
    check(rep, suite)
    return rep


def check(rep, unfinished):
    if rep.plan is None:
        rep.errors.append("missing top-level plan")
    if unfinished is not None:
        rep.errors.append("suite '%s' has no result line (the kernel stopped"
                          " after %d case(s))" % (unfinished.name,
                                                  len(unfinished.cases)))
        rep.suites.append(unfinished)
    if rep.plan == 0:
        # Linux's kunit parser: "0 tests run!" (NO_TESTS), an error.
        rep.errors.append("0 tests run (plan 1..0): the selection matched no case")
    if rep.plan is not None and len(rep.suites) != rep.plan:
        rep.errors.append("planned %d suite(s), got %d" % (rep.plan,
                                                           len(rep.suites)))
    for s in rep.suites:
        if s.plan is None:
            rep.errors.append("suite '%s' has no plan" % s.name)
        elif len(s.cases) != s.plan:
            rep.errors.append("suite '%s' planned %d case(s), got %d"
                              % (s.name, s.plan, len(s.cases)))
        for i, c in enumerate(s.cases, 1):
            if c.number != i:
                rep.errors.append("suite '%s': case %d numbered %d"
                                  % (s.name, i, c.number))
                break
        if s.status == "pass" and not s.cases:
            rep.errors.append("suite '%s' ran no case but says ok" % s.name)
        failed = any(c.status == "fail" for c in s.cases)
        if s.status == "pass" and failed:
            rep.errors.append("suite '%s' says ok but has failed cases" % s.name)
        if s.status == "fail" and not failed and s.cases:
            rep.errors.append("suite '%s' says not ok but no case failed" % s.name)


def main():
    if len(sys.argv) != 2:
        print("usage: ktap.py LOG", file=sys.stderr)
        return 2
    with open(sys.argv[1], errors="replace") as f:
        rep = parse(f.read())
    for s, c in rep.failed_cases():
        print("FAIL %s.%s" % (s.name, c.name))
        for line in c.log:
            print("    " + line)
    for e in rep.errors:
        print("ERROR " + e)
    n = rep.counts()
    print("%d passed, %d failed, %d skipped" % (n["pass"], n["fail"], n["skip"]))
    return 0 if rep.ok() else 1


if __name__ == "__main__":
    sys.exit(main())
