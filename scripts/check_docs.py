#!/usr/bin/env python3
"""scripts/check_docs.py: the docs against the current build (`make docs-test`).

  check_docs.py figures [--build build] [--boot-log LOG] [--update]
  check_docs.py commands [--build build] [--only FILE,...] [--list]
  check_docs.py all [--build build]     both (make docs-test)

figures: every figure tests/doc-figures.txt lists is checked against
where it comes from: a boot of this build's gcc kernel (-m 1G, tests=all,
the -kernel path), the benchmark figures under -icount that `make bench
ICOUNT=1` wrote (bench/kvlab-icount.txt, a generated file), Linux's
(bench/linux-6.1-qemu.tsv) and the points table (tests/grade-points.txt).
A figure that differs is printed with the file, the line, what the doc
says and what it should say; --update rewrites the docs instead.

commands: the marked blocks of the handouts and README (COMMAND_DOCS) are
run as shown: a line `<!-- run -->` before an indented block runs its
commands in one bash from the tree's root, with HOME a scratch directory
(so ~/kvlab-buddy is BUILD/docs-test/home/kvlab-buddy), each expected to
exit 0 unless the mark says `<!-- run: exit 1 if make grade -->`; a
`<!-- monitor: WORDS -->` block is a serial-monitor transcript, typed
into a boot with monitor=1 WORDS and checked line by line (addresses are
placeholders, see run_monitor_block()); `<!-- not run: WHY -->` marks a
block too slow for make test, and is listed with its reason.

Both end with `N passed, N failed` and exit 1 on any failure.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

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


# ---- the handouts' commands -------------------------------------------------

# The docs whose marked blocks `commands` runs.
COMMAND_DOCS = ["README.md", "docs/debugging.md", "docs/4-vmalloc-and-the-tlb.md",
                "docs/labs/README.md",
                "docs/labs/buddy.md", "docs/labs/slab.md", "docs/labs/vmalloc.md",
                "docs/labs/measuring.md"]
MARK = re.compile(r"^<!-- (run|not run|monitor)(?:: (.*?))? -->$")


class Block:
    def __init__(self, doc, line, kind, opts, lines):
        self.doc, self.line, self.kind, self.opts, self.lines = doc, line, kind, opts, lines


def read_blocks(doc, text):
    """The marked blocks of a doc: a line `<!-- run -->` (or `<!-- run:
    exit N if CMD -->`, `<!-- not run: WHY -->`, `<!-- monitor: WORDS -->`)
    right before an indented (4-space) code block."""
    lines = text.split("\n")
    blocks = []
    for i, l in enumerate(lines):
        m = MARK.match(l.strip())
        if not m:
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        body = []
        while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
            body.append(lines[j][4:])
            j += 1
        while body and not body[-1].strip():
            body.pop()
        if not body:
            raise FigureError("%s:%d: a %s mark with no indented block after it"
                              % (doc, i + 1, m.group(1)))
        blocks.append(Block(doc, i + 1, m.group(1), m.group(2) or "", body))
    return blocks


def commands_of(block):
    """The shell commands of a block, continuation lines joined."""
    cmds, cur = [], ""
    for l in block.lines:
        if not l.strip() and not cur:
            continue
        cur += l.rstrip()
        if cur.endswith("\\"):
            cur = cur[:-1] + " "
            continue
        cmds.append(cur.strip())
        cur = ""
    return cmds


def expected_exits(block):
    """[(command prefix, status)] from `exit N if CMD; ...`."""
    rules = []
    for part in block.opts.split(";"):
        m = re.match(r"^\s*exit (\d+) if (.+?)\s*$", part)
        if m:
            rules.append((m.group(2), int(m.group(1))))
        elif part.strip():
            raise FigureError("%s:%d: unknown option '%s' (exit N if CMD)"
                              % (block.doc, block.line, part.strip()))
    return rules


def run_shell_block(block, home, log):
    """Run a block's commands in one bash, from the tree's root, with HOME
    a scratch directory (the handouts' ~/kvlab-LAB); each command's exit
    status checked against the block's rules (0 unless stated)."""
    cmds = commands_of(block)
    rules = expected_exits(block)
    script = ["cd %s" % subprocess.list2cmdline([ROOT])]
    for n, c in enumerate(cmds):
        script.append("echo '@@cmd %d'" % n)
        script.append(c)
        script.append("echo \"@@rc %d $?\"" % n)
    env = dict(os.environ, HOME=home)
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "KVLAB_BUILD"):
        env.pop(k, None)
    t0 = time.time()
    try:
        r = subprocess.run(["bash", "-c", "\n".join(script)], env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=600)
        out = r.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") + "\n(timed out)"
    with open(log, "a") as f:
        f.write("==== %s:%d (%.1f s)\n%s\n" % (block.doc, block.line, time.time() - t0, out))
    problems = []
    status = {int(n): int(rc) for n, rc in re.findall(r"^@@rc (\d+) (\d+)$", out, re.M)}
    for n, c in enumerate(cmds):
        want = next((st for pre, st in rules if c.startswith(pre)), 0)
        if n not in status:
            problems.append("'%s' did not finish (log %s)" % (c, log))
            break
        if status[n] != want:
            problems.append("'%s' exited %d, the doc expects %d (log %s)"
                            % (c, status[n], want, log))
    return problems


HEXNUM = re.compile(r"0x[0-9a-f]+|\b[0-9a-f]{8,16}\b")


def line_pattern(shown, bound):
    """A regex for one shown line: its hex numbers are placeholders (an
    address differs from boot to boot and build to build), each bound to
    the value the kernel printed where it first appeared."""
    out, names, pos = "", [], 0
    for m in HEXNUM.finditer(shown):
        out += re.escape(shown[pos:m.start()])
        tok = m.group(0)
        key = tok[2:] if tok.startswith("0x") else tok
        if key in bound:
            out += (r"(?:0x)?0*" if tok.startswith("0x") else "0*") + re.escape(bound[key].lstrip("0"))
        else:
            out += "(0x[0-9a-f]+|[0-9a-f]+)"
            names.append(key)
        pos = m.end()
    out += re.escape(shown[pos:])
    return re.compile("^" + out.rstrip() + r"\s*$"), names


def norm(v):
    return v[2:] if v.startswith("0x") else v


def run_monitor_block(block, build, log):
    """Boot this build's gcc kernel with monitor=1 and the block's words,
    type each `kvlab> COMMAND` line (its addresses replaced by what the
    kernel printed for the doc's), and check that every shown line of
    the reply appears, in order (`...` skips; addresses are placeholders)."""
    elf = os.path.join(build, "gcc", "kvlab.elf")
    append = "monitor=1 " + block.opts
    steps, cur = [], None
    for l in block.lines:
        if l.startswith("kvlab> "):
            cur = (l[len("kvlab> "):], [])
            steps.append(cur)
        elif cur is not None and l.strip() and l.strip() != "...":
            cur[1].append(l)
    cmd = kvqemu.qemu_command(kernel=elf, append=append)
    import runtests  # noqa: E402 (its Console types into the serial port)
    problems, bound = [], {}
    deadline = time.time() + 120
    with open(log, "ab") as out:
        out.write(("==== %s:%d: %s\n" % (block.doc, block.line, " ".join(cmd))).encode())
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        con = runtests.Console(p, out)
        pos = con.wait_for(runtests.PROMPT, 0, deadline)
        if pos < 0:
            problems.append("no prompt (log %s)" % log)
        for keys, shown in ([] if pos < 0 else steps):
            pos += len(runtests.PROMPT)
            typed = HEXNUM.sub(lambda m: ("0x" if m.group(0).startswith("0x") else "")
                               + bound.get(norm(m.group(0)), norm(m.group(0))), keys)
            con.type(typed + "\r")
            end = con.wait_for(runtests.PROMPT, pos, deadline)
            if end < 0:
                problems.append("no prompt after '%s'" % typed)
                break
            reply = con.text[pos:end].split("\n")[1:]
            k = 0
            for sl in shown:
                pat, names = line_pattern(sl, bound)
                while k < len(reply) and not pat.match(reply[k]):
                    k += 1
                if k == len(reply):
                    problems.append("'%s': the reply has no line like '%s' (log %s)"
                                    % (keys, sl.strip(), log))
                    break
                for name, val in zip(names, pat.match(reply[k]).groups()):
                    bound.setdefault(name, norm(val))
                k += 1
            pos = end
        con.type("exit\r")
        try:
            p.wait(timeout=max(1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return problems


def cmd_commands(args):
    build = os.path.abspath(args.build)
    scratch = os.path.join(build, "docs-test")
    shutil.rmtree(scratch, ignore_errors=True)
    home = os.path.join(scratch, "home")
    os.makedirs(home)
    log = os.path.join(scratch, "commands.log")
    passed = failed = skipped = 0
    docs = args.only.split(",") if args.only else COMMAND_DOCS
    t0 = time.time()
    for doc in docs:
        try:
            with open(os.path.join(ROOT, doc)) as f:
                blocks = read_blocks(doc, f.read())
        except (OSError, FigureError) as e:
            print("FAIL %s: %s" % (doc, e))
            failed += 1
            continue
        for b in blocks:
            what = "%s:%d" % (doc, b.line)
            if args.list:
                print("%s %s: %s" % (b.kind, what, " | ".join(commands_of(b))
                                     if b.kind != "monitor" else b.opts))
                continue
            if b.kind == "not run":
                print("not run %s: %s (%s)" % (what, " | ".join(commands_of(b)), b.opts))
                skipped += 1
                continue
            t1 = time.time()
            try:
                problems = (run_monitor_block(b, build, log) if b.kind == "monitor"
                            else run_shell_block(b, home, log))
            except FigureError as e:
                problems = [str(e)]
            if problems:
                failed += 1
                print("FAIL %s (%.1f s)" % (what, time.time() - t1))
                for p in problems:
                    print("    " + p)
            else:
                passed += 1
                print("ok %s (%.1f s): %s" % (what, time.time() - t1,
                                             b.opts if b.kind == "monitor"
                                             else " | ".join(commands_of(b))), flush=True)
    if args.list:
        return 0
    print("doc commands: %d block(s) run as shown, %d marked not run, %.1f s; log %s"
          % (passed + failed, skipped, time.time() - t0, log))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    f = sub.add_parser("figures", help="check the docs' figures")
    f.add_argument("--build", default="build")
    f.add_argument("--boot-log", help="take boot() figures from this log instead of booting")
    f.add_argument("--update", action="store_true", help="rewrite the docs' figures")
    c = sub.add_parser("commands", help="run the handouts' marked command blocks")
    c.add_argument("--build", default="build")
    c.add_argument("--only", help="comma-separated docs (default: %s)" % ", ".join(COMMAND_DOCS))
    c.add_argument("--list", action="store_true")
    a = sub.add_parser("all", help="figures, then commands (make docs-test)")
    a.add_argument("--build", default="build")
    args = ap.parse_args()
    if args.what == "figures":
        return cmd_figures(args)
    if args.what == "commands":
        return cmd_commands(args)
    args.boot_log, args.update, args.only, args.list = None, False, None, False
    return run_both(args)


def run_both(args):
    """Both checks, one closing line with both counts."""
    import contextlib
    import io
    totals = [0, 0]
    rc = 0
    for fn in (cmd_figures, cmd_commands):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc |= fn(args)
        lines = buf.getvalue().splitlines()
        for l in lines:
            m = re.match(r"^(\d+) passed, (\d+) failed$", l)
            if m:
                totals[0] += int(m.group(1))
                totals[1] += int(m.group(2))
            else:
                print(l, flush=True)
    print("%d passed, %d failed" % tuple(totals))
    return rc


if __name__ == "__main__":
    sys.exit(main())
