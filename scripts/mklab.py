#!/usr/bin/env python3
"""scripts/mklab.py: write a lab's student tree, or its solution tree
(`make lab`, `make lab-solution`).

  mklab.py student  LAB DEST [--src .]
  mklab.py solution LAB DEST [--src .]
  mklab.py check    [--src .]        every region well formed (make test)
  mklab.py splice   LAB FROM INTO    copy FROM's regions of LAB into INTO
  mklab.py list     [--src .]        the labs and their regions

The part of the reference code a student writes is marked in the source:

    static void free_one_block(struct zone *z, unsigned long pfn,
                               unsigned int order)
    {
            /* BEGIN LAB buddy */
            ... the reference ...
            /* END LAB */
    }

A region is either a whole function body (the BEGIN line right after the
line that opens the body, the END line right before the closing brace)
or a stretch at file scope (for the student's own helpers; empty in the
reference). The student tree (a new git repository) has every region of
LAB replaced by a stub: a body region by a panic() that names the
function and the lab, a file-scope region by nothing; the markers stay,
so the student's code can be spliced into a pristine tree later (`make
grade TESTS_FROM=...`). Static functions and variables of a stubbed file
that only the regions used are marked __maybe_unused, so the tree builds
with -Werror under gcc and clang. The regions of the other labs, and all
code outside regions, are the reference.

The new tree's build/ starts with this tree's kernel objects (--seed),
so that its first `make` recompiles only the stubbed files.

The student tree also gets answers-LAB.txt (the handout's questions, to
be answered there: `make handin` packs it) and .kvlab-lab (the lab's
name, for make grade and make handin). The solution tree is the same
without the stubs.

Planted bugs (make BREAK=..., #ifdef KVLAB_BREAK_*) must live outside
every region: a student's rewrite would drop them. `check` says so.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BEGIN = re.compile(r"^[ \t]*/\* BEGIN LAB ([a-z0-9_]+) \*/[ \t]*$")
END = re.compile(r"^[ \t]*/\* END LAB \*/[ \t]*$")
# Files the generator looks for regions in.
SOURCE_EXT = (".c", ".h")
# The lab's handout, where its questions are.
HANDOUT = "docs/labs/%s.md"
LABFILE = ".kvlab-lab"


class LabError(Exception):
    pass


class Region:
    def __init__(self, path, lab, begin, end, kind, func):
        self.path = path        # relative to the tree
        self.lab = lab
        self.begin = begin      # index of the BEGIN line
        self.end = end          # index of the END line
        self.kind = kind        # "body" or "file"
        self.func = func        # the function's name for a body region


def tree_files(src):
    """The tree's files, relative: git's tracked files (and the untracked
    ones it does not ignore) when src is the top of a git work tree, else
    every file outside build/ and .git/."""
    try:
        top = subprocess.run(["git", "-C", src, "rev-parse", "--show-toplevel"],
                             capture_output=True, check=True).stdout.decode().strip()
        if os.path.realpath(top) != os.path.realpath(src):
            raise OSError("inside another repository")
        out = subprocess.run(["git", "-C", src, "ls-files", "-z", "--cached",
                              "--others", "--exclude-standard"],
                             capture_output=True, check=True).stdout
        files = [f for f in out.decode().split("\0") if f]
        return sorted(f for f in set(files) if os.path.isfile(os.path.join(src, f)))
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for d, dirs, names in os.walk(src):
        rel = os.path.relpath(d, src)
        dirs[:] = [x for x in dirs if not (rel == "." and x in ("build", ".git"))]
        for n in names:
            files.append(os.path.normpath(os.path.join(rel, n)))
    return sorted(files)


FUNC_NAME = re.compile(r"\b([A-Za-z_]\w*)\s*\([^;{}]*\)?[^;{}]*$")


def function_name(lines, i):
    """The name of the function whose body opens at line i (the one
    ending with '{'), from its declarator (which may span lines)."""
    text = ""
    j = i
    while j >= 0 and j > i - 6:
        text = lines[j] + " " + text
        if re.search(r"\)\s*\{\s*$", text) and "(" in lines[j]:
            break
        j -= 1
    m = re.search(r"\b([A-Za-z_]\w*)\s*\((?:[^()]|\([^()]*\))*\)\s*\{\s*$", text.strip())
    return m.group(1) if m else None


def find_regions(path, text, rel):
    """The regions of one file; LabError on a malformed one."""
    lines = text.split("\n")
    regions = []
    open_at = None
    for i, line in enumerate(lines):
        m = BEGIN.match(line)
        if m:
            if open_at is not None:
                raise LabError("%s:%d: BEGIN LAB inside the region opened at line %d"
                               % (rel, i + 1, open_at[0] + 1))
            open_at = (i, m.group(1))
            continue
        if END.match(line):
            if open_at is None:
                raise LabError("%s:%d: END LAB without BEGIN" % (rel, i + 1))
            b, lab = open_at
            prev = lines[b - 1].rstrip() if b > 0 else ""
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if prev.endswith("{"):
                if nxt.rstrip() != "}":
                    raise LabError("%s:%d: a region that starts a function body must"
                                   " end it: '}' must follow END LAB" % (rel, i + 1))
                func = function_name(lines, b - 1)
                if not func:
                    raise LabError("%s:%d: cannot tell which function this region is"
                                   % (rel, b + 1))
                regions.append(Region(rel, lab, b, i, "body", func))
            else:
                if line.startswith((" ", "\t")) or lines[b].startswith((" ", "\t")):
                    raise LabError("%s:%d: a region inside a function must be its whole"
                                   " body" % (rel, b + 1))
                regions.append(Region(rel, lab, b, i, "file", None))
            for j in range(b + 1, i):
                if "KVLAB_BREAK" in lines[j]:
                    raise LabError("%s:%d: a planted bug (KVLAB_BREAK_*) inside LAB %s's"
                                   " region: a student's rewrite would drop it; move it"
                                   " to a helper outside" % (rel, j + 1, lab))
            open_at = None
    if open_at is not None:
        raise LabError("%s:%d: BEGIN LAB %s never ends" % (rel, open_at[0] + 1, open_at[1]))
    return regions


def scan(src):
    """{rel path: (text, [Region])} for every source file with regions."""
    out = {}
    for rel in tree_files(src):
        if not rel.endswith(SOURCE_EXT):
            continue
        with open(os.path.join(src, rel), errors="replace") as f:
            text = f.read()
        if "BEGIN LAB" not in text and "END LAB" not in text:
            continue
        out[rel] = (text, find_regions(os.path.join(src, rel), text, rel))
    return out


def labs_of(scanned):
    labs = {}
    for rel, (_, regions) in scanned.items():
        for r in regions:
            labs.setdefault(r.lab, []).append(r)
    return labs


# ---- stubbing -----------------------------------------------------------

IDENT = re.compile(r"[A-Za-z_]\w*")
# A file-scope static definition: function or variable, at column 0.
STATIC_DEF = re.compile(r"^static\b(?P<decl>[^;=(]*?)\b(?P<name>[A-Za-z_]\w*)\s*(?P<kind>[(\[=;])")


def strip_comments_strings(text):
    """text with comments and string/char literals blanked (same length)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + (c if j - 1 > i else ""))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def mark_unused(text):
    """Add __maybe_unused to every file-scope static function or variable
    that nothing in text refers to any more."""
    code = strip_comments_strings(text)
    counts = {}
    for m in IDENT.finditer(code):
        counts[m.group(0)] = counts.get(m.group(0), 0) + 1
    lines = text.split("\n")
    code_lines = code.split("\n")
    defs = {}
    for i, line in enumerate(code_lines):
        m = STATIC_DEF.match(line)
        if m:
            defs.setdefault(m.group("name"), []).append(i)
    marked = []
    for name, at in defs.items():
        # Referred to only by its own declarations and definition?
        if counts.get(name, 0) > len(at):
            continue
        for i in at:
            if "__maybe_unused" not in lines[i]:
                lines[i] = "static __maybe_unused" + lines[i][len("static"):]
        marked.append(name)
    return "\n".join(lines), sorted(marked)


def stub_text(text, regions, lab):
    """text with LAB's regions replaced by stubs."""
    lines = text.split("\n")
    for r in sorted((r for r in regions if r.lab == lab), key=lambda r: -r.begin):
        indent = re.match(r"^[ \t]*", lines[r.begin]).group(0)
        if r.kind == "body":
            stub = [indent + 'panic("%s: not written yet (LAB %s: docs/labs/%s.md)",'
                    % ("%s", lab, lab),
                    indent + "      __func__);"]
        else:
            stub = []
        lines[r.begin + 1:r.end] = stub
    return "\n".join(lines)


def seed_build(seed, dest, changed):
    """Copy the kernels' objects of the build directory seed (both
    compilers', when built) into dest/build, keeping their times, so that
    the new tree's first make recompiles only what differs: the files
    changed here are stamped newer than any object."""
    copied = False
    for tc in ("gcc", "clang"):
        d = os.path.join(seed, tc)
        if os.path.isdir(os.path.join(d, "obj")):
            shutil.copytree(d, os.path.join(dest, "build", tc), symlinks=True)
            copied = True
    if copied:
        now = time.time() + 2
        for rel in changed:
            os.utime(os.path.join(dest, rel), (now, now))


def write_tree(src, dest, lab, student, seed=None):
    scanned = scan(src)
    labs = labs_of(scanned)
    if lab not in labs:
        raise LabError("no lab '%s' (the labs: %s)" % (lab, ", ".join(sorted(labs)) or "none"))
    if os.path.exists(dest) and os.listdir(dest):
        raise LabError("%s exists and is not empty" % dest)
    os.makedirs(dest, exist_ok=True)
    changed = {}
    for rel in tree_files(src):
        to = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(to) or ".", exist_ok=True)
        if student and rel in scanned and any(r.lab == lab for r in scanned[rel][1]):
            text, regions = scanned[rel]
            new, marked = mark_unused(stub_text(text, regions, lab))
            with open(to, "w") as f:
                f.write(new)
            shutil.copymode(os.path.join(src, rel), to)
            changed[rel] = marked
        else:
            shutil.copy2(os.path.join(src, rel), to)
    clang_format(dest, sorted(changed))
    if seed:
        seed_build(seed, dest, sorted(changed))
    with open(os.path.join(dest, LABFILE), "w") as f:
        f.write(lab + "\n")
    answers = "answers-%s.txt" % lab
    if not os.path.exists(os.path.join(dest, answers)):
        with open(os.path.join(dest, answers), "w") as f:
            f.write(answers_template(src, lab))
    return changed, labs[lab]


def clang_format(tree, files):
    """Lay the stubbed files out as the repository's .clang-format does,
    so the student tree passes make format-check; without clang-format
    (scripts/deps.sh installs it) they are left as written."""
    if files and shutil.which("clang-format") and \
            os.path.exists(os.path.join(tree, ".clang-format")):
        subprocess.run(["clang-format", "-i"] + files, cwd=tree, check=True)


def git_init(dest, message):
    env = dict(os.environ, GIT_AUTHOR_NAME="kvlab", GIT_AUTHOR_EMAIL="kvlab@localhost",
               GIT_COMMITTER_NAME="kvlab", GIT_COMMITTER_EMAIL="kvlab@localhost")
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"],
                ["git", "commit", "-q", "-m", message]):
        subprocess.run(cmd, cwd=dest, env=env, check=True, stdout=subprocess.DEVNULL)


# ---- answers --------------------------------------------------------------

ANSWER_MARK = "(your answer here)"


def handout_questions(src, lab):
    """[(number, first line of the question)] from the handout's
    "## Questions" section (a numbered list)."""
    path = os.path.join(src, HANDOUT % lab)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        text = f.read()
    m = re.search(r"^## Questions\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not m:
        return []
    qs = []
    for q in re.finditer(r"^(\d+)\. (.*(?:\n   .*)*)", m.group(1), re.M):
        body = " ".join(l.strip() for l in q.group(2).split("\n"))
        qs.append((int(q.group(1)), body))
    return qs


def answers_template(src, lab):
    out = ["# answers-%s.txt: your answers to the questions of docs/labs/%s.md." % (lab, lab),
           "# Write each answer under its question, in place of '%s'." % ANSWER_MARK,
           "# make grade says which are still unanswered; make handin packs this file.",
           ""]
    for n, q in handout_questions(src, lab):
        out.append("## Question %d" % n)
        words, line = q.split(), "#"
        for w in words:
            if len(line) + len(w) > 75:
                out.append(line)
                line = "#"
            line += " " + w
        out.append(line)
        out.append(ANSWER_MARK)
        out.append("")
    return "\n".join(out)


def unanswered(path):
    """(questions, [numbers still unanswered]) of an answers file."""
    with open(path, errors="replace") as f:
        text = f.read()
    parts = re.split(r"^## Question (\d+)\s*$", text, flags=re.M)
    total, missing = 0, []
    for i in range(1, len(parts), 2):
        total += 1
        body = "\n".join(l for l in parts[i + 1].split("\n")
                         if not l.startswith("#")).strip()
        if not body or ANSWER_MARK in body:
            missing.append(int(parts[i]))
    return total, missing


# ---- splicing -------------------------------------------------------------

def splice(lab, src, into):
    """Replace every LAB region of the tree into by src's region of the
    same file and ordinal. Returns the files changed."""
    s_scan, i_scan = scan(src), scan(into)
    changed = []
    for rel, (itext, iregs) in i_scan.items():
        mine = [r for r in iregs if r.lab == lab]
        if not mine:
            continue
        if rel not in s_scan:
            raise LabError("%s: the student's tree has no LAB %s regions in it" % (rel, lab))
        stext, sregs = s_scan[rel]
        theirs = [r for r in sregs if r.lab == lab]
        if len(theirs) != len(mine):
            raise LabError("%s: %d LAB %s region(s) in the student's tree, %d in the"
                           " pristine one (a marker deleted?)"
                           % (rel, len(theirs), lab, len(mine)))
        slines, ilines = stext.split("\n"), itext.split("\n")
        for a, b in zip(theirs, mine):
            if (a.kind, a.func) != (b.kind, b.func):
                raise LabError("%s: region of %s in the student's tree where the pristine"
                               " one has %s" % (rel, a.func or "file scope",
                                                b.func or "file scope"))
        for a, b in sorted(zip(theirs, mine), key=lambda p: -p[1].begin):
            ilines[b.begin + 1:b.end] = slines[a.begin + 1:a.end]
        new, _ = mark_unused("\n".join(ilines))
        with open(os.path.join(into, rel), "w") as f:
            f.write(new)
        changed.append(rel)
    return changed


# ---- commands -------------------------------------------------------------

def cmd_tree(args, student):
    try:
        seed = None if args.no_seed else os.path.join(args.src, args.seed)
        changed, regions = write_tree(args.src, args.dest, args.lab, student, seed)
        git_init(args.dest, "kvlab lab %s: the %s tree" % (args.lab, "student" if student else "solution"))
    except (LabError, OSError, subprocess.CalledProcessError) as e:
        print("mklab: %s" % e, file=sys.stderr)
        return 1
    if student:
        print("mklab: the %s lab's student tree is in %s (a git repository)" % (args.lab, args.dest))
        for r in regions:
            if r.kind == "body":
                print("  %s: %s() is yours to write" % (r.path, r.func))
        for rel, names in sorted(changed.items()):
            if names:
                print("  %s: marked __maybe_unused until you use them: %s"
                      % (rel, ", ".join(names)))
        print("  handout: %s; answers: answers-%s.txt; then make grade, make handin"
              % (HANDOUT % args.lab, args.lab))
    else:
        print("mklab: the %s lab's solution tree is in %s (a git repository)" % (args.lab, args.dest))
    return 0


def cmd_check(args):
    try:
        scanned = scan(args.src)
    except LabError as e:
        print("mklab: %s" % e)
        print("0 passed, 1 failed")
        return 1
    labs = labs_of(scanned)
    bad = 0
    for lab, regions in sorted(labs.items()):
        if not os.path.exists(os.path.join(args.src, HANDOUT % lab)):
            print("mklab: LAB %s has no handout %s" % (lab, HANDOUT % lab))
            bad += 1
        print("mklab: LAB %s: %d region(s): %s" % (lab, len(regions), ", ".join(
            "%s:%s" % (r.path, r.func or "file scope") for r in regions)))
    print("%d passed, %d failed" % (len(labs) - bad, bad))
    return 1 if bad else 0


def cmd_list(args):
    labs = labs_of(scan(args.src))
    for lab, regions in sorted(labs.items()):
        print("%s: %s" % (lab, " ".join("%s:%s" % (r.path, r.func or "(file scope)")
                                        for r in regions)))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    for name in ("student", "solution"):
        p = sub.add_parser(name)
        p.add_argument("lab")
        p.add_argument("dest")
        p.add_argument("--src", default=ROOT)
        p.add_argument("--seed", default="build",
                       help="build directory (of --src) whose kernel objects seed the new"
                       " tree's build/, so that its first build is quick (default build)")
        p.add_argument("--no-seed", action="store_true")
    p = sub.add_parser("check")
    p.add_argument("--src", default=ROOT)
    p = sub.add_parser("list")
    p.add_argument("--src", default=ROOT)
    p = sub.add_parser("splice")
    p.add_argument("lab")
    p.add_argument("src", help="the student's tree")
    p.add_argument("into", help="a pristine tree to splice into")
    args = ap.parse_args()
    if args.what == "student":
        return cmd_tree(args, True)
    if args.what == "solution":
        return cmd_tree(args, False)
    if args.what == "check":
        return cmd_check(args)
    if args.what == "list":
        return cmd_list(args)
    try:
        for rel in splice(args.lab, args.src, args.into):
            print("mklab: spliced LAB %s's regions of %s" % (args.lab, rel))
    except (LabError, OSError) as e:
        print("mklab: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
