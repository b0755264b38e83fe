#!/usr/bin/env python3
"""scripts/mutants.py: mutation testing of kvlab's allocators (`make mutants`).

Do the tests bite? A mutant is a copy of the tree with one source line
changed in a way that changes what the code does (a `<` made `<=`, a
condition negated, a call to list_del() dropped...). The suite kills it if
some check fails with it; it survives if everything still passes. The
score is killed / built, over a sample of the mutants.

Which tool: none from the package registries this project may use fits.
Debian packages no mutation tool for C (`apt-cache search mutation` finds
none; Mull and dextool are not packaged), universalmutator and mutmut are
PyPI-only (and mutmut mutates Python), and npm's Stryker mutates
JavaScript, TypeScript, C# and Scala. So this script is kvlab's own: a
line-based mutator in the spirit of universalmutator (operators applied to
the tokens of one line, comments and strings blanked first), and a runner
that knows kvlab's build and checks.

What is mutated: every line inside a function body (the inline functions
of the headers included) of mm/*.c, mm/*.h and include/mm/*.h, found by
glob. Never: comments, strings, preprocessor lines (and lines under
`#ifdef KVLAB_BREAK_*`, which are not compiled), static_assert and
BUILD_BUG_ON, and the arguments of printk()/pr_*()/console_print() and
report_begin() (messages only; the report itself still happens).
The operators (the kind each mutant is listed under):

  boundary   <  <=  >  >=  flipped to the neighbour (< to <=, <= to <...)
  negate     == and != swapped; if (C) and while (C) made if (!(C))
  bitwise    ^ and | swapped, binary & made |; |= ^= &= likewise
  incdec     ++ and -- swapped, += and -= swapped
  constant   an integer literal N made N+1 and N-1 (0 only made 1)
  drop       a statement that is a call of a list function (list_*,
             INIT_LIST_HEAD), a TLB flush (*flush_tlb*), memset or a free
             function (*free*) replaced by an empty statement

The sample: each mutant has an id, a hash of its file, original line,
mutant line and occurrence (not its line number); with SEED, the sample is
the MUTANTS mutants whose hash of (seed, id) is smallest, leaving out the
listed equivalent mutants. So editing one file, or listing one more
equivalent, changes the sample by little.

Equivalent mutants (they cannot change behaviour) are listed, each with
its reason, in tests/mutants-equivalent.txt, matched by file, original
line and mutant line (whitespace at either end ignored), and are left out.

Each mutant is built in a scratch copy of the tree, $(O)/mutants/wN/ (one
per job; the objects of $(O) are copied in first, so a mutant recompiles
only what its file changes), with the project's flags (-Werror included):
a mutant that does not compile is "not built" and not counted. Then the
checks, in this order, the first failure killing it:

  default    the main test configuration (gcc, qemu -kernel, tests=all)
  fzpu       the same boot with slub_debug=FZPU (the debug-only paths)
  host       the host suites: the ASan+UBSan kvtest (tests/host/)

each with a timeout (the boots: six times the baseline boot, at least
40 s; kvtest: its own per-case watchdog). The boots are judged exactly as
`make test` judges those configurations (runtests.py's judge()). First of
all the unmutated tree must pass the same checks (the baseline).

Output: a line per mutant as it finishes, then every survivor as
`file:line: original -> mutant`, then the last line

    mutants: killed K of B built (P%)

The full results are written to $(O)/mutants/results.txt.

  mutants.py [--build DIR] [--seed N] [--count N] [--jobs N]
             [--ids ID,...] [--list]

--list prints the sample (id, kind, file:line, original -> mutant) and
runs nothing; --list --count 0 lists every mutant. --ids runs just those
mutants (ids from --list or from a report). tests/scripts/test_mutants.py
(make script-test, part of make test) checks the generator on a sample
source and that every entry of the equivalents list parses and still
names a mutant the generator makes.
"""
import argparse
import concurrent.futures
import glob
import hashlib
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

SOURCE_GLOBS = ["mm/*.c", "mm/*.h", "include/mm/*.h"]
EQUIV_FILE = "tests/mutants-equivalent.txt"

# The two boots: configurations of scripts/runtests.py, by name.
BOOT_CHECKS = [("default", "gcc-kernel-pc-max-1G"),
               ("fzpu", "slub-debug-FZPU")]
HOST_TIMEOUT = 300

# ---- the generator -------------------------------------------------------

# Printing-only statements (their arguments are messages) and compile-time
# assertions: never mutated.
SKIP_CALL = re.compile(r"\b(printk|pr_[a-z_]+|console_print|report_begin|"
                       r"static_assert|_Static_assert|BUILD_BUG_ON\w*)\s*\(")
# Calls whose statement the drop operator removes.
DROP_NAME = re.compile(r"^(list_\w+|hlist_\w+|INIT_LIST_HEAD|\w*flush_tlb\w*|"
                       r"memset|\w*free\w*)$")
TOKEN = re.compile(r"\s*(?:(?P<id>[A-Za-z_]\w*)|"
                   r"(?P<num>(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*)(?![\w.])|"
                   r"(?P<other>[0-9][\w.]*)|"
                   r"(?P<op>>>=|<<=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||"
                   r"\+=|-=|\*=|/=|%=|&=|\^=|\|=|\.\.\.|[-+*/%<>=!&|^~?:;,.(){}\[\]#\"'\\]))")
TYPE_WORDS = {"char", "short", "int", "long", "unsigned", "signed", "void",
              "struct", "union", "enum", "const", "volatile", "bool",
              "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64"}
SWAP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">",
        "==": "!=", "!=": "==",
        "^": "|", "|": "^", "&": "|", "|=": "^=", "^=": "|=", "&=": "|=",
        "++": "--", "--": "++", "+=": "-=", "-=": "+="}
KIND = {"<": "boundary", "<=": "boundary", ">": "boundary", ">=": "boundary",
        "==": "negate", "!=": "negate",
        "^": "bitwise", "|": "bitwise", "&": "bitwise", "|=": "bitwise",
        "^=": "bitwise", "&=": "bitwise",
        "++": "incdec", "--": "incdec", "+=": "incdec", "-=": "incdec"}
KINDS = ("boundary", "negate", "bitwise", "incdec", "constant", "drop")


class Mutant:
    def __init__(self, path, lineno, kind, original, mutated, occurrence):
        self.path = path              # relative to the tree's root
        self.lineno = lineno          # 1-based
        self.kind = kind
        self.original = original      # the whole line, as in the file
        self.mutated = mutated        # the whole line, mutated
        self.occurrence = occurrence  # how many identical ones came before
        key = "\0".join((path, original.strip(), mutated.strip(), str(occurrence)))
        self.id = hashlib.sha256(key.encode()).hexdigest()[:10]
        self.status = None            # killed, survived, not built
        self.by = ""                  # the check that killed it
        self.seconds = 0.0
        self.phases = []              # (step, seconds)

    def where(self):
        return "%s:%d" % (self.path, self.lineno)

    def describe(self):
        return "%s: %s -> %s" % (self.where(), self.original.strip(),
                                 self.mutated.strip())


def blank(text):
    """text with comments replaced by spaces and the insides of string and
    character literals by spaces (the quotes kept), newlines kept, so that
    every offset still points at the same character."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            for k in range(i + 1, min(j, n)):
                if out[k] != "\n":
                    out[k] = " "
            i = j + 1
        else:
            i += 1
    return "".join(out)


def match_paren(code, i):
    """The offset of the bracket closing the one at code[i], or -1."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    want = [pairs[code[i]]]
    j = i + 1
    while j < len(code):
        c = code[j]
        if c in pairs:
            want.append(pairs[c])
        elif c in ")]}":
            if not want or c != want.pop():
                return -1
            if not want:
                return j
        j += 1
    return -1


def tokens(code):
    """(kind, text, start, end) for each token of one line of blanked code."""
    out = []
    pos = 0
    while pos < len(code):
        m = TOKEN.match(code, pos)
        if not m or m.end() == pos:
            break
        kind = m.lastgroup
        out.append((kind, m.group(kind), m.start(kind), m.end(kind)))
        pos = m.end()
    return out


class SourceError(Exception):
    pass


def mutable_lines(text):
    """For each line of text: None if it is not to be mutated, else its
    blanked code with the characters not to be mutated (the arguments of
    printing calls, assertions) replaced by spaces."""
    code = blank(text)
    lines = code.split("\n")
    # Preprocessor lines (with their continuations) and lines under
    # #if(def) KVLAB_BREAK_*.
    pp = [False] * len(lines)
    broken = [False] * len(lines)
    stack = []          # per #if: does it plant a bug?
    cont = False
    for i, l in enumerate(lines):
        s = l.strip()
        if cont or s.startswith("#"):
            pp[i] = True
            cont = l.rstrip().endswith("\\")
            word = re.match(r"#\s*(\w+)", s)
            if not cont and word is None and not s.startswith("#"):
                pass
            if s.startswith("#") and word:
                w = word.group(1)
                if w in ("if", "ifdef", "ifndef"):
                    stack.append("KVLAB_BREAK_" in s)
                elif w == "endif" and stack:
                    stack.pop()
        broken[i] = any(stack)
    # Function bodies: a { at depth 0 after a ). Braces of preprocessor
    # lines do not count (macro bodies).
    flat = "\n".join(" " * len(l) if pp[i] else l for i, l in enumerate(lines))
    in_fn = [False] * len(lines)
    depth = 0
    fn = False
    last = ""
    line = 0
    for ch in flat:
        if ch == "\n":
            line += 1
            if line < len(lines):
                in_fn[line] = fn
            continue
        if ch == "{":
            if depth == 0:
                fn = last == ")"
                if line + 1 < len(lines) and fn:
                    pass
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise SourceError("unbalanced } at line %d" % (line + 1))
            if depth == 0:
                fn = False
        if not ch.isspace():
            last = ch
    if depth != 0:
        raise SourceError("unbalanced braces (depth %d at the end)" % depth)
    # Spans not to mutate: printing calls, assertions (whole statements).
    skip = list(flat)
    for m in SKIP_CALL.finditer(flat):
        open_at = m.end() - 1
        close = match_paren(flat, open_at)
        if close < 0:
            continue
        for k in range(m.start(), close + 1):
            if skip[k] != "\n":
                skip[k] = " "
    skip = "".join(skip).split("\n")
    out = []
    for i, l in enumerate(lines):
        if pp[i] or broken[i] or not in_fn[i] or not skip[i].strip(" ;"):
            out.append(None)
        else:
            out.append(skip[i])
    return out


def is_cast(toks, close_idx):
    """Is the ) at toks[close_idx] the end of a cast?"""
    depth = 0
    j = close_idx
    inner = []
    while j >= 0:
        t = toks[j][1]
        if t == ")":
            depth += 1
        elif t == "(":
            depth -= 1
            if depth == 0:
                break
        elif depth == 1:
            inner.append(toks[j])
        j -= 1
    if not inner:
        return False
    if any(k not in ("id",) and t != "*" for k, t, _, _ in inner):
        return False
    return any(t == "*" or t in TYPE_WORDS or t.endswith("_t")
               for _, t, _, _ in inner)


def line_mutants(raw, code):
    """(kind, mutated line) for one line: raw as in the file, code its
    blanked form from mutable_lines()."""
    out = []
    toks = tokens(code)

    def put(kind, start, end, new):
        out.append((kind, raw[:start] + new + raw[end:]))

    for idx, (k, t, s, e) in enumerate(toks):
        prev = toks[idx - 1] if idx else (None, None, 0, 0)
        if k == "op" and t in SWAP:
            if t == "&":
                # Binary only: after an operand, not after a cast.
                if prev[0] not in ("id", "num") and prev[1] not in (")", "]"):
                    continue
                if prev[1] == ")" and is_cast(toks, idx - 1):
                    continue
                if prev[0] == "id" and prev[1] in ("return", "sizeof", "case"):
                    continue
            put(KIND[t], s, e, SWAP[t])
        elif k == "id" and t in ("if", "while") and idx + 1 < len(toks) \
                and toks[idx + 1][1] == "(":
            if t == "while" and prev[1] == "}":
                # do { } while (C); kept as a loop: negating it is fine too
                pass
            o = toks[idx + 1][2]
            c = match_paren(code, o)
            if c > 0:
                inner = code[o + 1:c].strip()
                call = re.match(r"!\s*[A-Za-z_][\w.>\-]*\s*(\()?", inner)
                if call and (call.end() == len(inner) or (
                        call.group(1) and match_paren(inner, call.end() - 1) == len(inner) - 1)):
                    # if (!f(x)) becomes if (f(x)), not if (!(!f(x)))
                    bang = code.index("!", o)
                    put("negate", bang, bang + 1, "")
                else:
                    put("negate", o, c + 1, "(!" + raw[o:c + 1] + ")")
        elif k == "num":
            m = re.match(r"(0[xX][0-9a-fA-F]+|\d+)(\w*)$", t)
            digits, suffix = m.group(1), m.group(2)
            v = int(digits, 16) if digits[:2] in ("0x", "0X") else int(digits, 10)
            if digits != "0" and digits.startswith("0") and digits[:2] not in ("0x", "0X"):
                continue            # octal: rare, leave it
            for nv in (v + 1, v - 1):
                if nv < 0:
                    continue
                lit = (("0x%x" % nv) if digits[:2] in ("0x", "0X") else str(nv)) + suffix
                put("constant", s, e, lit)
    # drop: the whole line is one call statement of a dropped function.
    m = re.match(r"^(\s*)([A-Za-z_]\w*)\s*\(", code)
    if m and DROP_NAME.match(m.group(2)):
        o = m.end() - 1
        c = match_paren(code, o)
        if c > 0 and code[c + 1:].strip() == ";":
            semi = code.index(";", c + 1)
            put("drop", m.start(2), semi + 1, "do { } while (0);")
    # The same mutated line from two operators counts once.
    seen = set()
    uniq = []
    for kind, mut in out:
        if mut != raw and mut not in seen:
            seen.add(mut)
            uniq.append((kind, mut))
    return uniq


def file_mutants(path, text):
    raw_lines = text.split("\n")
    mutants = []
    count = {}
    for i, code in enumerate(mutable_lines(text)):
        if code is None:
            continue
        raw = raw_lines[i]
        for kind, mut in line_mutants(raw, code):
            key = (raw.strip(), mut.strip())
            n = count.get(key, 0)
            count[key] = n + 1
            mutants.append(Mutant(path, i + 1, kind, raw, mut, n))
    return mutants


def source_files(root):
    files = set()
    for g in SOURCE_GLOBS:
        files.update(os.path.relpath(p, root) for p in glob.glob(os.path.join(root, g)))
    return sorted(files)


def all_mutants(root):
    out = []
    for path in source_files(root):
        with open(os.path.join(root, path)) as f:
            text = f.read()
        try:
            out += file_mutants(path, text)
        except SourceError as e:
            raise SystemExit("mutants: %s: %s" % (path, e))
    return out


# ---- the equivalents list ------------------------------------------------

class Equivalent:
    def __init__(self, lineno):
        self.lineno = lineno
        self.file = self.orig = self.mutant = self.why = None

    def key(self):
        return (self.file, self.orig, self.mutant)


def read_equivalents(path):
    """Parse the equivalents list: blocks of `file:`, `orig:`, `mutant:`,
    `why:` lines, separated by blank lines; # starts a comment line.
    Returns (entries, problems)."""
    entries, problems = [], []
    if not os.path.exists(path):
        return entries, problems
    cur = None
    with open(path) as f:
        for n, line in enumerate(f, 1):
            s = line.rstrip("\n")
            if s.startswith("#"):
                continue
            if not s.strip():
                cur = None
                continue
            m = re.match(r"^(file|orig|mutant|why):\s?(.*)$", s)
            if not m:
                problems.append("%s:%d: expected file:, orig:, mutant: or why:" % (path, n))
                continue
            field, value = m.group(1), m.group(2).strip()
            if cur is None:
                cur = Equivalent(n)
                entries.append(cur)
            if getattr(cur, field) is not None:
                problems.append("%s:%d: a second %s: in one entry (a blank line "
                                "separates entries)" % (path, n, field))
            setattr(cur, field, value)
    for e in entries:
        for field in ("file", "orig", "mutant", "why"):
            if not getattr(e, field):
                problems.append("%s:%d: entry without %s:" % (path, e.lineno, field))
    return entries, problems


def check_equivalents(root, entries, mutants):
    """Problems: entries that no longer name a mutant the generator makes."""
    problems = []
    made = {(m.path, m.original.strip(), m.mutated.strip()) for m in mutants}
    seen = set()
    for e in entries:
        if e.key() in seen:
            problems.append("%s:%d: listed twice" % (EQUIV_FILE, e.lineno))
        seen.add(e.key())
        if None in e.key():
            continue
        if not os.path.exists(os.path.join(root, e.file)):
            problems.append("%s:%d: no file %s" % (EQUIV_FILE, e.lineno, e.file))
        elif e.key() not in made:
            problems.append("%s:%d: %s has no line '%s' with the mutant '%s' "
                            "(stale entry?)" % (EQUIV_FILE, e.lineno, e.file,
                                                e.orig, e.mutant))
    return problems


def sample(mutants, equivalent_keys, seed, count):
    pool = [m for m in mutants
            if (m.path, m.original.strip(), m.mutated.strip()) not in equivalent_keys]
    pool.sort(key=lambda m: hashlib.sha256(("%s\0%s" % (seed, m.id)).encode()).hexdigest())
    return pool if count <= 0 else pool[:count]


# ---- the runner ----------------------------------------------------------

def log(msg):
    print(msg, flush=True)


def tracked_files(root):
    out = subprocess.run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"],
                         cwd=root, check=True, stdout=subprocess.PIPE).stdout
    return [p for p in out.decode().split("\0") if p]


class Worker:
    """One scratch tree: $(O)/mutants/wN, with its own build in it."""

    def __init__(self, n, build, args):
        self.n = n
        self.args = args
        self.tree = os.path.abspath(os.path.join(build, "mutants", "w%d" % n))
        # The objects are copied in only when O is relative: the .d files
        # name them by O's path.
        self.inner_o = build if not os.path.isabs(build) else "build"
        self.obuild = os.path.join(self.tree, self.inner_o)
        self.outer_build = build
        self.boot_timeout = 60
        self.current = None      # (path, original text) being mutated

    def prepare(self):
        if os.path.exists(self.tree):
            shutil.rmtree(self.tree)
        for p in tracked_files(ROOT):
            src = os.path.join(ROOT, p)
            if not os.path.isfile(src) or os.path.islink(src):
                continue
            dst = os.path.join(self.tree, p)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst)
        if not os.path.isabs(self.outer_build):
            for sub in ("gcc", os.path.join("host", "asan")):
                src = os.path.join(ROOT, self.outer_build, sub)
                if os.path.isdir(src):
                    shutil.copytree(src, os.path.join(self.obuild, sub),
                                    symlinks=True, dirs_exist_ok=True)
        os.makedirs(os.path.join(self.obuild, "test"), exist_ok=True)

    def make(self, target):
        cmd = ["make", "--no-print-directory", "-j1", "O=" + self.inner_o, target]
        env = dict(os.environ)
        env.pop("MAKEFLAGS", None)
        env.pop("MFLAGS", None)
        p = subprocess.run(cmd, cwd=self.tree, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return p.returncode == 0, p.stdout.decode(errors="replace")

    def kernel(self):
        return self.make(os.path.join(self.inner_o, "gcc", "kvlab.elf"))

    def kvtest(self):
        return self.make(os.path.join(self.inner_o, "host", "asan", "kvtest"))

    def boot(self, name):
        import runtests
        c = [c for c in runtests.CONFIGS if c["name"] == name][0]
        c = dict(c, timeout=self.boot_timeout)
        status, text, secs, logpath, problems = runtests.boot(c, self.obuild)
        r = runtests.judge(c, status, text, logpath, problems)
        ok = not r.failed and not r.problems
        return ok, secs, "%s: %s" % (name, "; ".join(r.problems) or
                                     "%d failed" % r.failed)

    def host(self):
        exe = os.path.join(self.obuild, "host", "asan", "kvtest")
        t0 = time.time()
        try:
            p = subprocess.run([exe], cwd=self.tree, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=HOST_TIMEOUT)
            ok = p.returncode == 0
            out = p.stdout.decode(errors="replace")
        except subprocess.TimeoutExpired:
            ok, out = False, "timed out"
        with open(os.path.join(self.obuild, "test", "mutant-host.log"), "w") as f:
            f.write(out)
        return ok, time.time() - t0, out[-2000:]

    def checks(self, m):
        """Run the checks in order; returns (None, detail) if all pass,
        else (name of the failing check, detail)."""
        for short, name in BOOT_CHECKS:
            ok, secs, detail = self.boot(name)
            m.phases.append((short, secs))
            if not ok:
                return short, detail
        t0 = time.time()
        built, out = self.kvtest()
        m.phases.append(("host-build", time.time() - t0))
        if not built:
            return "host-build", out
        ok, secs, detail = self.host()
        m.phases.append(("host", secs))
        if not ok:
            return "host", detail
        return None, ""

    def restore(self):
        if self.current:
            path, text = self.current
            with open(os.path.join(self.tree, path), "w") as f:
                f.write(text)
            self.current = None

    def run(self, m):
        t0 = time.time()
        path = os.path.join(self.tree, m.path)
        if self.current and self.current[0] != m.path:
            self.restore()
        if not self.current:
            with open(path) as f:
                self.current = (m.path, f.read())
        lines = self.current[1].split("\n")
        if lines[m.lineno - 1] != m.original:
            raise SystemExit("mutants: %s changed under the run" % m.where())
        lines[m.lineno - 1] = m.mutated
        with open(path, "w") as f:
            f.write("\n".join(lines))
        built, out = self.kernel()
        m.phases.append(("build", time.time() - t0))
        if not built:
            m.status = "not built"
            errs = [l for l in out.splitlines() if "error" in l]
            m.by = (errs or ["make failed"])[0]
        else:
            failed, detail = self.checks(m)
            if failed == "host-build":
                m.status = "not built"
                m.by = "host build"
            elif failed:
                m.status = "killed"
                m.by = failed
            else:
                m.status = "survived"
        m.seconds = time.time() - t0
        return m


def run_sample(args, chosen):
    jobs = max(1, min(args.jobs, len(chosen)))
    workers = [Worker(n, args.build, args) for n in range(jobs)]
    t0 = time.time()
    for w in workers:
        w.prepare()
    # The baseline: the unmutated tree must pass every check. Its objects
    # come from $(O); building them here covers an absolute O=.
    w = workers[0]
    for step in (w.kernel, w.kvtest):
        ok, out = step()
        if not ok:
            log(out)
            raise SystemExit("mutants: the unmutated tree does not build")
    tb = time.time()
    secs = []
    for short, name in BOOT_CHECKS:
        ok, s, detail = w.boot(name)
        if not ok:
            raise SystemExit("mutants: the unmutated tree fails %s (%s); fix "
                             "that first" % (short, detail))
        secs.append(s)
    ok, hs, detail = w.host()
    if not ok:
        raise SystemExit("mutants: the unmutated tree fails the host suites:\n" + detail)
    timeout = max(40, int(6 * max(secs)))
    for x in workers:
        x.boot_timeout = timeout
    log("mutants: baseline passes (boots %s s, host %.0f s; %.0f s in all); "
        "boot timeout %d s" % (" and ".join("%.1f" % s for s in secs), hs,
                                time.time() - tb, timeout))
    for x in workers[1:]:
        for step in (x.kernel, x.kvtest):
            ok, out = step()
            if not ok:
                log(out)
                raise SystemExit("mutants: the unmutated tree does not build")

    # Mutants of one file run one after the other, so a tree recompiles a
    # file's dependants only when it moves to the next file.
    queue = sorted(chosen, key=lambda m: (m.path, m.lineno, m.id))
    lock = threading.Lock()
    done = [0]
    state = {"next": 0}

    def take():
        with lock:
            i = state["next"]
            if i >= len(queue):
                return None
            state["next"] = i + 1
            return queue[i]

    def work(w):
        while True:
            m = take()
            if m is None:
                w.restore()
                return
            w.run(m)
            with lock:
                done[0] += 1
                log("mutants: [%d/%d] %-9s %-10s %s %s (%s; %s)"
                    % (done[0], len(queue), m.status, m.by if m.status == "killed" else "",
                       m.id, m.where(), m.kind,
                       " ".join("%s %.0f" % p for p in m.phases) + " s"))
                if m.status == "survived":
                    log("mutants:   " + m.describe())

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for f in [pool.submit(work, x) for x in workers]:
            f.result()
    return time.time() - t0


def report(args, chosen, elapsed):
    survivors = [m for m in chosen if m.status == "survived"]
    built = [m for m in chosen if m.status in ("killed", "survived")]
    killed = [m for m in chosen if m.status == "killed"]
    notbuilt = [m for m in chosen if m.status == "not built"]
    path = os.path.join(args.build, "mutants", "results.txt")
    with open(path, "w") as f:
        for m in sorted(chosen, key=lambda m: (m.path, m.lineno)):
            f.write("%s %-9s %-10s %-8s %s\n" % (m.id, m.status, m.by if m.status == "killed" else "",
                                               m.kind, m.describe()))
    by = {}
    for m in killed:
        by[m.by] = by.get(m.by, 0) + 1
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    log("")
    log("mutants: seed %s, %d sampled, %d not built, %.0f s (%.1f min), CPU %.0f s; "
        "killed by: %s; results in %s"
        % (args.seed, len(chosen), len(notbuilt), elapsed, elapsed / 60,
           ru.ru_utime + ru.ru_stime,
           ", ".join("%s %d" % kv for kv in sorted(by.items())) or "-", path))
    if survivors:
        log("mutants: %d survived:" % len(survivors))
    for m in sorted(survivors, key=lambda m: (m.path, m.lineno)):
        log(m.describe())
    pct = 100.0 * len(killed) / len(built) if built else 0.0
    log("mutants: killed %d of %d built (%.1f%%)" % (len(killed), len(built), pct))


def main():
    ap = argparse.ArgumentParser(description="kvlab mutation testing")
    ap.add_argument("--build", default="build")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--ids", help="comma-separated mutant ids: run just these")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    mutants = all_mutants(ROOT)
    entries, problems = read_equivalents(os.path.join(ROOT, EQUIV_FILE))
    problems += check_equivalents(ROOT, entries, mutants)
    if problems:
        for p in problems:
            log("mutants: " + p)
        return 2
    keys = {e.key() for e in entries}
    if args.ids:
        want = set(args.ids.split(","))
        chosen = [m for m in mutants if m.id in want]
        if len(chosen) != len(want):
            log("mutants: unknown id(s): %s" % ", ".join(sorted(want - {m.id for m in chosen})))
            return 2
    else:
        chosen = sample(mutants, keys, args.seed, args.count)
    log("mutants: %d mutants of %d files (%d listed equivalent); running %d, %d at a time"
        % (len(mutants), len(source_files(ROOT)), len(entries), len(chosen), args.jobs))
    if args.list:
        for m in chosen:
            log("%s %-8s %s" % (m.id, m.kind, m.describe()))
        return 0
    if os.nice(0) == 0:
        os.nice(10)
    elapsed = run_sample(args, chosen)
    report(args, chosen, elapsed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
