#!/usr/bin/env python3
"""scripts/lab_check.py: the lab kit, checked end to end (`make lab-test`,
part of make test).

  lab_check.py [--build build] [--labs buddy,slab,...] [--jobs N]

1. Every LAB region is well formed, and no planted bug (KVLAB_BREAK_*)
   sits inside one (mklab.py check).
2. For each lab, the student tree `make lab` writes is generated into
   BUILD/labs/LAB/, builds both kernels there (-Werror, gcc and clang;
   the objects of BUILD/ are copied in first, so only the stubbed files
   recompile), boots, and scores in its own `make grade` above 0 and
   below full marks, every part below the lab's layer with full marks
   (a stubbed slab allocator must not cost the buddy part anything), and
   at least one part of the lab's own layer with none.
3. For each lab, the solution tree `make lab-solution` writes has the
   sources of this tree, file for file, and this tree's kernel scores
   full marks in make grade.

Ends with `N passed, N failed`; exits 1 on any failure.
"""
import argparse
import concurrent.futures
import filecmp
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grade  # noqa: E402
import mklab  # noqa: E402

ROOT = mklab.ROOT
# Which layer each lab's regions belong to (grade-points.txt's LAYER column).
LAB_LAYER = {"buddy": "buddy", "slab": "slab", "vmalloc": "vmalloc"}


def run(cmd, cwd, log):
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    env.pop("MFLAGS", None)
    r = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode(errors="replace")
    with open(log, "a") as f:
        f.write("$ %s\n%s" % (" ".join(cmd), out))
    return r.returncode, out


def grade_tree(tree, build, jobs, log):
    """Run tree's own grade.py on build; returns its JSON result or None."""
    js = os.path.join(build, "grade.json")
    if os.path.exists(js):
        os.unlink(js)
    rc, out = run([sys.executable, os.path.join(tree, "scripts", "grade.py"),
                   "--build", build, "--jobs", str(jobs), "--json", js], tree, log)
    if not os.path.exists(js):
        return None, out
    with open(js) as f:
        return json.load(f), out


def check_student(lab, build, jobs):
    """Problems with LAB's student tree (an empty list: all good)."""
    problems = []
    top = os.path.abspath(os.path.join(build, "labs", lab))
    tree = os.path.join(top, "student")
    log = os.path.join(top, "lab_check.log")
    shutil.rmtree(top, ignore_errors=True)
    os.makedirs(top)
    # make lab seeds the tree's build/ with this tree's objects: only
    # what the stubs change recompiles.
    rc, out = run([sys.executable, os.path.join(ROOT, "scripts", "mklab.py"), "student",
                   lab, tree, "--seed", build], ROOT, log)
    if rc:
        return ["make lab LAB=%s failed: %s" % (lab, out.strip()[-300:])], log
    rc, out = run(["make", "--no-print-directory", "-j%d" % jobs, "kernels"], tree, log)
    if rc:
        problems.append("the student tree does not build (-Werror, gcc and clang): %s"
                        % "; ".join(l for l in out.splitlines() if "error" in l)[:600])
        return problems, log
    result, out = grade_tree(tree, os.path.join(tree, "build"), jobs, log)
    if not result:
        return problems + ["its make grade wrote no result: %s" % out.strip()[-300:]], log
    score, total = result["score"], result["total"]
    layer = LAB_LAYER[lab]
    below = [p for p in result["parts"]
             if grade.LAYERS.index(p["layer"]) < grade.LAYERS.index(layer)]
    own = [p for p in result["parts"] if p["layer"] == layer]
    if not 0 < score < total:
        problems.append("the student tree scores %d/%d, not above 0 and below full"
                        % (score, total))
    for p in below:
        if p["earned"] != p["points"]:
            problems.append("part %s (layer %s, below the lab's) scores %d/%d in the"
                            " student tree: %s" % (p["suite"], p["layer"], p["earned"],
                                                   p["points"], "; ".join(p["notes"])[:300]))
    if not any(p["earned"] == 0 for p in own):
        problems.append("no part of layer %s scores 0 with the stubs: are the regions"
                        " stubbed?" % layer)
    print("lab_check: LAB %s: the student tree builds (gcc, clang) and scores %d/%d"
          " (%d part(s) below its layer at full marks)" % (lab, score, total, len(below)),
          flush=True)
    return problems, log


def check_solution(lab, build):
    top = os.path.abspath(os.path.join(build, "labs", lab))
    tree = os.path.join(top, "solution")
    log = os.path.join(top, "lab_check.log")
    os.makedirs(top, exist_ok=True)
    shutil.rmtree(tree, ignore_errors=True)
    rc, out = run([sys.executable, os.path.join(ROOT, "scripts", "mklab.py"), "solution",
                   lab, tree, "--no-seed"], ROOT, log)
    if rc:
        return ["make lab-solution LAB=%s failed: %s" % (lab, out.strip()[-300:])]
    mine = set(mklab.tree_files(ROOT))
    theirs = set(mklab.tree_files(tree)) - {mklab.LABFILE, "answers-%s.txt" % lab}
    problems = []
    if mine != theirs:
        problems.append("the solution tree's files differ from this tree's: %s"
                        % sorted(mine ^ theirs)[:5])
    for rel in sorted(mine & theirs):
        if not filecmp.cmp(os.path.join(ROOT, rel), os.path.join(tree, rel), shallow=False):
            problems.append("the solution tree's %s differs from this tree's" % rel)
            break
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--labs", help="comma-separated (default: every lab)")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    passed = failed = 0

    def result(ok, what, problems=(), log=None):
        nonlocal passed, failed
        if ok:
            passed += 1
            print("[PASS] %s" % what, flush=True)
        else:
            failed += 1
            print("[FAIL] %s" % what, flush=True)
            for p in problems:
                print("    " + p)
            if log:
                print("    log: %s" % log)

    try:
        labs = mklab.labs_of(mklab.scan(ROOT))
        result(True, "every LAB region well formed, no planted bug inside one: %s"
               % ", ".join("%s (%d)" % (l, len(r)) for l, r in sorted(labs.items())))
    except mklab.LabError as e:
        result(False, "LAB regions", [str(e)])
        print("%d passed, %d failed" % (passed, failed))
        return 1
    names = args.labs.split(",") if args.labs else sorted(labs)
    for lab in names:
        if lab not in labs or lab not in LAB_LAYER:
            result(False, "LAB %s" % lab, ["no such lab (or no layer for it in"
                                           " lab_check.py's LAB_LAYER)"])
    names = [n for n in names if n in labs and n in LAB_LAYER]
    for tc in ("gcc", "clang"):
        if not os.path.exists(os.path.join(build, tc, "kvlab.elf")):
            result(False, "kernels", ["no %s/%s/kvlab.elf: make kernels first" % (build, tc)])
            print("%d passed, %d failed" % (passed, failed))
            return 1
    t0 = time.time()
    # The labs side by side, --jobs of them at a time, each building and
    # booting one thing at a time: most of a check is waiting for QEMU to
    # start and for make to stat files, which overlaps well.
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futs = [(lab, pool.submit(check_student, lab, build, 1)) for lab in names]
        futs.append(("", pool.submit(grade_tree, ROOT, build, 1,
                                     os.path.join(build, "labs", "solution-grade.log"))))
        for lab in names:
            futs.append((lab + "/solution", pool.submit(check_solution, lab, build)))
        done = {name: f.result() for name, f in futs}
    for lab in names:
        problems, log = done[lab]
        result(not problems, "LAB %s: student tree builds, boots, 0 < score < full,"
               " the layers below at full marks" % lab, problems, log)
    for lab in names:
        problems = done[lab + "/solution"]
        result(not problems, "LAB %s: the solution tree is this tree" % lab, problems)
    res, out = done[""]
    ok = res and res["score"] == res["total"]
    result(ok, "the solution (this tree) scores full marks: %s"
           % ("%d/%d" % (res["score"], res["total"]) if res else "no result"),
           [] if ok else [l for l in out.splitlines() if l.startswith(("    ", "Score"))][:20])
    print("lab_check: %.1f s" % (time.time() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
