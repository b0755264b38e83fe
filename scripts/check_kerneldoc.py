#!/usr/bin/env python3
"""scripts/check_kerneldoc.py: every function a header exports has its kernel-doc.

  check_kerneldoc.py [--all] [HEADER...]

Checks each function declared (a prototype) or defined (static inline) at
the top level of a header: directly above it, with nothing but white space
in between, there must be a kernel-doc comment in Linux's form

    /**
     * name - one-line summary
     * @param: what it is                (one line per parameter)
     *
     * Longer description, if any.
     *
     * Context: where it may be called (boot, any context, may sleep...).
     * Return: what it returns.          (not for a function returning void)
     */

The first line must name the function (`name - summary` or `name() -
summary`); every parameter needs an `@name:` line (a variadic one
`@...:`), and an `@name:` that is not a parameter is reported as stale.
`Context:` and `Return:` start a line of the comment and are followed by
text.

Exempt: function-like macros (#define NAME(...)), including the functions a
macro generates (include/mm/page.h's PAGEFLAG); document them in plain
comments. A function declared twice in one header (a prototype and, under
an #if, an inline stub) needs the comment at its first declaration only.

Each function that falls short is printed as `file:line: function: what is
missing`, then one summary line; the exit status is 1 if any fell short, 2
on bad usage (a header that does not exist). Without arguments it checks
the headers in HEADERS below (`make doc-check`, part of `make test`);
with HEADER arguments, those; with --all, every include/mm/*.h (to see
what is left to document).
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The headers whose every function must have its kernel-doc, relative to
# the top of the tree. Add a header here once it passes; the goal is every
# include/mm/*.h (`--all` shows what is left). One a line, sorted.
HEADERS = [
    "include/mm/buddy.h",
    "include/mm/debug_page.h",
    "include/mm/gfp.h",
    "include/mm/layout.h",
    "include/mm/memblock.h",
    "include/mm/mm.h",
    "include/mm/mmdebug.h",
    "include/mm/mmzone.h",
    "include/mm/page.h",
    "include/mm/paging.h",
    "include/mm/poison.h",
    "include/mm/slab.h",
    "include/mm/stats.h",
    "include/mm/vmalloc.h",
]

# Attributes that may stand around a declaration (include/lib/compiler.h):
# bare words, and macros taking arguments.
ATTR_WORDS = {"__noreturn", "__packed", "__used", "__unused", "__noinline",
              "__weak", "__must_check", "__always_inline"}
ATTR_CALLS = {"__attribute__", "__printf", "__aligned", "__section"}
STORAGE = {"static", "inline", "extern", "__always_inline", "__noreturn",
           "__noinline", "__used", "__unused", "__weak", "__must_check"}
# Words that are types or qualifiers, never a parameter's name.
TYPE_WORDS = {"void", "char", "short", "int", "long", "float", "double",
              "signed", "unsigned", "bool", "_Bool", "const", "volatile",
              "restrict", "__restrict", "struct", "union", "enum"}
IDENT = re.compile(r"[A-Za-z_]\w*")


def blank(s):
    """s with everything but newlines turned into spaces (offsets kept)."""
    return re.sub(r"[^\n]", " ", s)


def strip_source(text):
    """Returns (code, docs): code is text with comments, string and
    character literals and preprocessor lines blanked (same length, same
    line breaks); docs is a list of (start, end) of each /** comment."""
    out = []
    docs = []
    i, n = 0, len(text)
    line_start = True
    in_pp = False
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            if text.startswith("/**", i) and not text.startswith("/**/", i) and not in_pp:
                docs.append((i, j))
            out.append(blank(text[i:j]))
            i = j
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(blank(text[i:j]))
            i = j
            continue
        if c == "\n":
            out.append(c)
            i += 1
            # A preprocessor line ends at a newline not escaped by "\".
            if in_pp and not (i >= 2 and text[i - 2] == "\\"):
                in_pp = False
            line_start = True
            continue
        if line_start and c == "#":
            in_pp = True
        if not c.isspace():
            line_start = False
        if c in "\"'" and not in_pp:
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(blank(text[i:j]))
            i = j
            continue
        out.append(" " if in_pp else c)
        i += 1
    return "".join(out), docs


def match_close(code, i):
    """Index just past the bracket that closes the one at code[i]."""
    pairs = {"(": ")", "{": "}", "[": "]"}
    stack = []
    for j in range(i, len(code)):
        ch = code[j]
        if ch in pairs:
            stack.append(pairs[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
            if not stack:
                return j + 1
    return len(code)


def attribute_spans(code):
    """(start, end) of each attribute word and attribute macro (with its
    arguments): blanked, a declaration reads `type name(params)`."""
    spans = []
    for m in IDENT.finditer(code):
        w = m.group(0)
        if spans and m.start() < spans[-1][1]:
            continue                # inside an attribute's arguments
        if w in ATTR_WORDS:
            spans.append((m.start(), m.end()))
        elif w in ATTR_CALLS:
            j = m.end()
            while j < len(code) and code[j].isspace():
                j += 1
            end = match_close(code, j) if j < len(code) and code[j] == "(" else m.end()
            spans.append((m.start(), end))
    return spans


def blank_spans(s, spans):
    out = list(s)
    for a, b in spans:
        out[a:b] = blank(s[a:b])
    return "".join(out)


def top_level_statements(code):
    """Yield (start, end, body) for each top-level declaration: start/end
    delimit its head (up to the ';' or the '{' of a function body), body
    is True for a definition."""
    i, n = 0, len(code)
    start = None
    while i < n:
        ch = code[i]
        if start is None and not ch.isspace():
            start = i
        if ch == ";":
            yield start, i, False
            start = None
        elif ch == "{":
            close = match_close(code, i)
            head = code[start:i].rstrip()
            if head.endswith(")") and "=" not in head:
                yield start, i, True
                start = None
                # A function body is not followed by ';'.
            i = close
            continue
        i += 1


def split_params(s):
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def param_name(p):
    """The name a parameter declares, or None if it has none."""
    if p == "...":
        return "..."
    m = re.search(r"\(\s*\*\s*(\w+)\s*\)", p)      # function pointer
    if m:
        return m.group(1)
    p = re.sub(r"\[[^\]]*\]", "", p)
    words = IDENT.findall(p)
    if len(words) < 2 or words[-1] in TYPE_WORDS:
        return None
    if words[-2] in ("struct", "union", "enum"):
        return None
    return words[-1]


def parse_function(code, start, end):
    """Parse the head code[start:end]; return (name, name_pos, decl_start,
    params, returns_void) or None if it does not declare a function."""
    head = code[start:end].rstrip()
    if not head.endswith(")"):
        return None
    close = start + len(head) - 1
    # Find the '(' that the final ')' closes.
    depth = 0
    op = None
    for j in range(close, start - 1, -1):
        if code[j] == ")":
            depth += 1
        elif code[j] == "(":
            depth -= 1
            if depth == 0:
                op = j
                break
    if op is None:
        return None
    k = op
    while k > start and code[k - 1].isspace():
        k -= 1
    m = re.search(r"[A-Za-z_]\w*$", code[start:k])
    if not m:
        return None                # e.g. a pointer to a function: (*fp)(...)
    name = m.group(0)
    name_pos = start + m.start()
    # The return type: the words and '*' before the name, back to anything
    # else (the ')' of a macro invocation above, such as PAGEFLAG(...)).
    d = name_pos
    while d > start and (code[d - 1].isspace() or code[d - 1] == "*"
                         or code[d - 1].isalnum() or code[d - 1] == "_"):
        d -= 1
    while d < name_pos and code[d].isspace():
        d += 1
    rtype = code[d:name_pos].split()
    words = [w for w in re.findall(r"\w+|\*", " ".join(rtype)) if w not in STORAGE]
    if not words or "typedef" in words:
        return None                # a macro invocation, or a typedef
    if code[op + 1:close].strip().startswith("*"):
        return None
    params = split_params(code[op + 1:close])
    if params == ["void"]:
        params = []
    return name, name_pos, d, params, words == ["void"]


def doc_lines(text, start, end):
    body = text[start + 3:end - 2] if text[start:end].endswith("*/") else text[start + 3:end]
    lines = []
    for l in body.split("\n"):
        l = l.strip()
        if l.startswith("*"):
            l = l[1:]
        lines.append(l.strip())
    return lines


def check_doc(lines, name, params, returns_void):
    """What the comment lacks, as a list of short phrases."""
    missing = []
    content = [l for l in lines if l]
    first = content[0] if content else ""
    m = re.match(r"^(\w+)(\(\))?\s+-\s+\S", first)
    if not m:
        missing.append("first line 'name - summary'")
    elif m.group(1) != name:
        missing.append("first line names '%s', not '%s'" % (m.group(1), name))
    documented = set()
    for l in lines:
        pm = re.match(r"^@(\w+|\.\.\.)\s*:\s*(\S?)", l)
        if pm:
            documented.add(pm.group(1))
            if not pm.group(2):
                missing.append("a description after @%s:" % pm.group(1))
    names = []
    for i, p in enumerate(params):
        pn = param_name(p)
        if pn is None:
            missing.append("a name for parameter %d ('%s')" % (i + 1, p))
        else:
            names.append(pn)
    for pn in names:
        if pn not in documented:
            missing.append("@%s:" % pn)
    for dn in sorted(documented - set(names)):
        missing.append("nothing (stale @%s: is not a parameter)" % dn)
    if not any(re.match(r"^Context:\s*\S", l) for l in lines):
        missing.append("Context:")
    if not returns_void and not any(re.match(r"^Return:\s*\S", l) for l in lines):
        missing.append("Return:")
    return missing


def check_header(path, shown):
    """Check one header; returns (functions, problem lines)."""
    with open(path, errors="replace") as f:
        text = f.read()
    code, docs = strip_source(text)
    spans = attribute_spans(code)
    code = blank_spans(code, spans)
    # For "directly above": the text with its attributes, not its comments, blanked.
    plain = blank_spans(text, spans)
    seen = {}
    problems = []
    nfunc = 0
    for start, end, _ in top_level_statements(code):
        if start is None:
            continue
        fn = parse_function(code, start, end)
        if not fn:
            continue
        name, name_pos, decl_start, params, returns_void = fn
        if name in seen:
            continue
        nfunc += 1
        seen[name] = True
        lineno = text.count("\n", 0, name_pos) + 1
        doc = None
        for ds, de in docs:
            if de <= decl_start and not plain[de:decl_start].strip():
                doc = (ds, de)
        if doc is None:
            problems.append("%s:%d: %s: no kernel-doc comment (/** ... */) directly above it"
                            % (shown, lineno, name))
            continue
        missing = check_doc(doc_lines(text, *doc), name, params, returns_void)
        if missing:
            problems.append("%s:%d: %s: kernel-doc lacks %s"
                            % (shown, lineno, name, ", ".join(missing)))
    return nfunc, problems


def main(argv):
    args = argv[1:]
    if "-h" in args or "--help" in args:
        print(__doc__.strip())
        return 0
    if args == ["--all"]:
        headers = sorted(os.path.relpath(p, ROOT) for p in
                         glob.glob(os.path.join(ROOT, "include", "mm", "*.h")))
    elif "--all" in args:
        print("check_kerneldoc: --all takes no header arguments", file=sys.stderr)
        return 2
    elif args:
        headers = args
    else:
        headers = HEADERS
    total = 0
    problems = []
    for h in headers:
        path = h if os.path.isabs(h) or os.path.exists(h) else os.path.join(ROOT, h)
        if not os.path.isfile(path):
            print("check_kerneldoc: %s: no such header" % h, file=sys.stderr)
            return 2
        n, p = check_header(path, h)
        total += n
        problems += p
    for p in problems:
        print(p)
    bad = len(problems)
    print("check_kerneldoc: %d header%s, %d function%s, %d with kernel-doc, %d without or incomplete"
          % (len(headers), "" if len(headers) == 1 else "s", total,
             "" if total == 1 else "s", total - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
