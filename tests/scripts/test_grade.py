"""tests/scripts/test_grade.py: scripts/grade.py scores a skip as a failure
unless its reason marks it environmental ("# SKIP env: ...")."""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import grade  # noqa: E402
import ktap  # noqa: E402


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
        return grade.score_part(ktap.parse(text), "buddy", points)

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
                f.write("buddy 30 the buddy allocator\n")
            with open(log, "w") as f:
                f.write(ktap_log("ok 1 a", "ok 2 b # SKIP no free order-10 block"))
            r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "grade.py"),
                                "--log", log, "--points", points],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("buddy: 15/30", r.stdout)
            self.assertIn("Score: 15/30", r.stdout)


if __name__ == "__main__":
    unittest.main()
