#!/usr/bin/env python3
"""scripts/handin.py: pack a lab's work for hand-in (`make handin`).

  handin.py [--lab LAB] [--out build/handin-LAB.tar.gz] [--tag]

Writes a gzipped tarball of the tree's source files (git's tracked files
and the untracked ones it does not ignore; never build/) under one
directory, kvlab-LAB/, with answers-LAB.txt and a HANDIN file that says
which commit it was made from and what was not committed. The lab comes
from .kvlab-lab (make lab writes it) or --lab. It warns about unanswered
questions and uncommitted work but packs anyway; an instructor unpacks it
and runs `make grade TESTS_FROM=/path/to/pristine/kvlab` inside.
--tag also tags the current commit handin-LAB (moving an older tag).
"""
import argparse
import io
import os
import subprocess
import sys
import tarfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mklab  # noqa: E402

ROOT = mklab.ROOT


def git(*args):
    try:
        return subprocess.run(["git", "-C", ROOT] + list(args), capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lab")
    ap.add_argument("--out")
    ap.add_argument("--tag", action="store_true")
    args = ap.parse_args()
    lab = args.lab
    if not lab:
        try:
            with open(os.path.join(ROOT, mklab.LABFILE)) as f:
                lab = f.read().strip()
        except OSError:
            pass
    if not lab:
        print("handin: which lab? This is no tree of `make lab` (no %s): give LAB=name"
              % mklab.LABFILE, file=sys.stderr)
        return 2
    answers = "answers-%s.txt" % lab
    apath = os.path.join(ROOT, answers)
    if not os.path.exists(apath):
        print("handin: %s is missing: answer the questions of docs/labs/%s.md there"
              " first" % (answers, lab), file=sys.stderr)
        return 1
    total, missing = mklab.unanswered(apath)
    out = args.out or os.path.join(ROOT, "build", "handin-%s.tar.gz" % lab)
    head = git("rev-parse", "HEAD")
    dirty = git("status", "--short")
    files = [f for f in mklab.tree_files(ROOT) if not f.startswith("build/")]
    if answers not in files:
        files.append(answers)
    top = "kvlab-%s" % lab
    info = ["lab: %s" % lab, "made: %s" % time.strftime("%Y-%m-%d %H:%M:%S %z"),
            "commit: %s" % (head or "(not a git repository)"),
            "uncommitted: %s" % ("none" if not dirty else "\n  " + dirty.replace("\n", "\n  ")),
            "answers: %d of %d question(s) answered" % (total - len(missing), total), ""]
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with tarfile.open(out, "w:gz") as tar:
        for rel in sorted(files):
            tar.add(os.path.join(ROOT, rel), arcname=os.path.join(top, rel), recursive=False)
        data = "\n".join(info).encode()
        ti = tarfile.TarInfo(os.path.join(top, "HANDIN"))
        ti.size, ti.mtime = len(data), int(time.time())
        tar.addfile(ti, io.BytesIO(data))
    print("handin: %s: %d files of LAB %s, from commit %s"
          % (os.path.relpath(out), len(files), lab, (head or "none")[:12]))
    if dirty:
        print("handin: note: uncommitted changes are packed too (git status --short):")
        for l in dirty.splitlines()[:10]:
            print("    " + l)
    if missing:
        print("handin: warning: %s leaves question(s) %s unanswered"
              % (answers, ", ".join(str(q) for q in missing)))
    if args.tag:
        if not head:
            print("handin: --tag: not a git repository", file=sys.stderr)
            return 1
        git("tag", "-f", "handin-%s" % lab)
        print("handin: tagged %s as handin-%s" % (head[:12], lab))
    return 0


if __name__ == "__main__":
    sys.exit(main())
