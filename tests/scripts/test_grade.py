"""tests/scripts/test_grade.py: scripts/grade.py scores a skip as a failure
unless its reason marks it environmental ("# SKIP env: ..."), puts each
failing case's first diagnostic under it, refuses a points table without
layers, says why a kernel stopped, writes its JSON, and checks answers."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import grade  # noqa: E402
import ktap  # noqa: E402
import kvqemu  # noqa: E402


def ktap_log(*cases, plan=None):
    """A kernel log with one suite, buddy, of the given case lines."""
    lines = ["kvlab version 0.1.0", "KTAP version 1", "1..1",
             "    KTAP version 1", "    # Subtest: buddy",
             "    1..%d" % (plan if plan is not None else len(cases))]
    lines += ["    " + c for c in cases]
    lines += ["# buddy: pass:0 fail:0 skip:0 total:%d" % len(cases), "ok 1 buddy",
              "kvlab: done"]
    return "\n".join(lines) + "\n"


class Scoring(unittest.TestCase):
    def score(self, text, points=30):
        earned, notes, _ = grade.score_part(ktap.parse(text), "buddy", points)
        return earned, notes

    def test_all_passed(self):
        earned, notes = self.score(ktap_log("ok 1 a", "ok 2 b", "ok 3 c"))
        self.assertEqual(earned, 30)
        self.assertEqual(notes, [])

    def test_plain_skip_scores_as_failure(self):
        earned, notes = self.score(ktap_log(
            "ok 1 a", "ok 2 b", "ok 3 split_large # SKIP no free order-10 block"))
        self.assertEqual(earned, 20)        # 30 * 2 / 3
        self.assertIn("2 of 3 cases passed", notes)
        self.assertIn("skipped, counted as failed: split_large (no free order-10 block)",
                      notes)

    def test_environmental_skip_is_left_out(self):
        earned, notes = self.score(ktap_log(
            "ok 1 a", "ok 2 b", "ok 3 nx # SKIP env: this CPU has no NX bit"))
        self.assertEqual(earned, 30)
        self.assertEqual(notes, [])

    def test_both_kinds(self):
        earned, notes = self.score(ktap_log(
            "ok 1 a", "not ok 2 b", "ok 3 c # SKIP no pages",
            "ok 4 nx # SKIP env: this CPU has no NX bit"))
        self.assertEqual(earned, 10)        # 30 * 1 / 3
        self.assertIn("not ok b", notes)

    def test_skip_without_reason_scores_as_failure(self):
        earned, _ = self.score(ktap_log("ok 1 a", "ok 2 b # SKIP"))
        self.assertEqual(earned, 15)

    def test_env_marker_must_start_the_reason(self):
        earned, _ = self.score(ktap_log("ok 1 a", "ok 2 b # SKIP no env: here"))
        self.assertEqual(earned, 15)

    def test_only_environmental_skips(self):
        earned, notes = self.score(ktap_log("ok 1 nx # SKIP env: this CPU has no NX bit"))
        self.assertEqual(earned, 0)
        self.assertIn("every case was skipped", notes[0])

    def test_command_line(self):
        """grade.py --log: the score line, and exit 1 below full marks."""
        with tempfile.TemporaryDirectory() as d:
            log, points = os.path.join(d, "serial.log"), os.path.join(d, "points.txt")
            with open(points, "w") as f:
                f.write("buddy 30 buddy the buddy allocator\n")
            with open(log, "w") as f:
                f.write(ktap_log("ok 1 a", "ok 2 b # SKIP no free order-10 block"))
            r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "grade.py"),
                                "--log", log, "--points", points],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("buddy: 15/30", r.stdout)
            self.assertIn("Score: 15/30", r.stdout)


class Diagnostics(unittest.TestCase):
    def test_invariant_named_under_not_ok(self):
        text = ktap_log("ok 1 a",
                        "# b: EXPECTATION FAILED at tests/test_buddy.c:10",
                        "buddy_check: zone DMA32: invariant 4 violated: nr_free_pages"
                        " differs from the lists (pfn 0x0, 5 vs 4)",
                        "# b: buddy_check() found violations at mm/buddy_glue.c:52",
                        "not ok 2 b", plan=2)
        earned, notes, cases = grade.score_part(ktap.parse(text), "buddy", 30)
        self.assertEqual(earned, 15)
        i = notes.index("not ok b")
        self.assertIn("invariant 4 violated", notes[i + 1])
        self.assertEqual(cases[0][0], "b")
        self.assertIn("invariant 4", cases[0][2])

    def test_expectation_without_invariant(self):
        text = ktap_log("# a: expected report (loglevel=8 shows it): BUG: x",
                        "# a: EXPECTATION FAILED at tests/test_buddy.c:10",
                        "# Expected 1 == 2, but", "not ok 1 a", plan=1)
        _, notes, _ = grade.score_part(ktap.parse(text), "buddy", 30)
        self.assertIn("EXPECTATION FAILED at tests/test_buddy.c:10", notes[2])

    def test_panic_named(self):
        text = ("kvlab version 0.1.0\nKernel panic - not syncing: free_one_block:"
                " not written yet (LAB buddy: docs/labs/buddy.md)\n")
        part = grade.Part("buddy", 30, "buddy", "")
        r = grade.grade_text(part, text, kvqemu.STATUS_PANIC, "x.log")
        self.assertEqual(r.earned, 0)
        self.assertEqual(r.notes, ["the kernel stopped: Kernel panic - not syncing:"
                                   " free_one_block: not written yet (LAB buddy:"
                                   " docs/labs/buddy.md) (log x.log)"])


class PointsAndOutput(unittest.TestCase):
    def test_points_need_a_layer(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "p.txt")
            with open(p, "w") as f:
                f.write("buddy 30 the buddy allocator\n")
            with self.assertRaisesRegex(ValueError, "SUITE POINTS LAYER"):
                grade.read_points(p)
            with open(p, "w") as f:
                f.write("# c\nbuddy 30 buddy the buddy allocator\nslab 5 slab\n")
            parts = grade.read_points(p)
            self.assertEqual([(x.suite, x.points, x.layer) for x in parts],
                             [("buddy", 30, "buddy"), ("slab", 5, "slab")])

    def test_json_and_answers(self):
        with tempfile.TemporaryDirectory() as d:
            log, points = os.path.join(d, "serial.log"), os.path.join(d, "points.txt")
            answers, js = os.path.join(d, "answers-buddy.txt"), os.path.join(d, "g.json")
            with open(points, "w") as f:
                f.write("buddy 30 buddy the buddy allocator\n")
            with open(log, "w") as f:
                f.write(ktap_log("ok 1 a", "# b: EXPECTATION FAILED at x.c:1", "not ok 2 b",
                                 plan=2))
            with open(answers, "w") as f:
                f.write("## Question 1\n# why?\nbecause\n\n## Question 2\n# how?\n"
                        "(your answer here)\n")
            r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "grade.py"),
                                "--log", log, "--points", points, "--json", js,
                                "--lab", "buddy", "--answers", answers],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("1 of 2 question(s) answered; still open: 2", r.stdout)
            with open(js) as f:
                res = json.load(f)
            self.assertEqual((res["score"], res["total"]), (15, 30))
            self.assertEqual(res["parts"][0]["cases"],
                             [{"name": "b", "status": "fail",
                               "diagnostic": "# b: EXPECTATION FAILED at x.c:1"}])
            self.assertEqual(res["answers"]["unanswered"], [2])


if __name__ == "__main__":
    unittest.main()
