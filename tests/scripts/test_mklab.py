"""tests/scripts/test_mklab.py: scripts/mklab.py finds the LAB regions,
refuses malformed ones and planted bugs inside them, stubs a lab's
regions, marks the helpers only they used __maybe_unused, splices a
student's regions into a pristine tree, and writes and reads the answers
template. (scripts/lab_check.py, make lab-test, builds and grades the
real trees.)"""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import mklab  # noqa: E402

SAMPLE = """#include <kernel/panic.h>

static int helper(int x)
{
	return x + 1;
}

static int used_elsewhere(int x)
{
	return x;
}

static const int table[4] = { 1, 2, 3, 4 };

/* BEGIN LAB demo */
/* END LAB */

int lab_fn(int a,
	   int b)
{
	/* BEGIN LAB demo */
	return helper(a) + table[b];
	/* END LAB */
}

int other(void)
{
	return used_elsewhere(3);
}
"""


class Regions(unittest.TestCase):
    def test_found(self):
        regs = mklab.find_regions("x.c", SAMPLE, "x.c")
        self.assertEqual([(r.lab, r.kind, r.func) for r in regs],
                         [("demo", "file", None), ("demo", "body", "lab_fn")])

    def bad(self, text, msg):
        with self.assertRaisesRegex(mklab.LabError, msg):
            mklab.find_regions("x.c", text, "x.c")

    def test_malformed(self):
        self.bad("/* BEGIN LAB a */\nint x;\n", "never ends")
        self.bad("/* END LAB */\n", "END LAB without BEGIN")
        self.bad("/* BEGIN LAB a */\n/* BEGIN LAB b */\n/* END LAB */\n", "inside the region")
        self.bad("void f(void)\n{\n\t/* BEGIN LAB a */\n\tg();\n\t/* END LAB */\n\th();\n}\n",
                 "must end it")
        self.bad("void f(void)\n{\n\tg();\n\t/* BEGIN LAB a */\n\th();\n\t/* END LAB */\n}\n",
                 "whole")

    def test_planted_bug_inside_is_refused(self):
        self.bad("void f(void)\n{\n\t/* BEGIN LAB a */\n#ifdef KVLAB_BREAK_X\n\tg();\n"
                 "#endif\n\t/* END LAB */\n}\n", "planted bug")


class Stubbing(unittest.TestCase):
    def test_stub_and_maybe_unused(self):
        regs = mklab.find_regions("x.c", SAMPLE, "x.c")
        text, marked = mklab.mark_unused(mklab.stub_text(SAMPLE, regs, "demo"))
        self.assertIn('panic("%s: not written yet (LAB demo: docs/labs/demo.md)",', text)
        self.assertNotIn("return helper(a)", text)
        self.assertEqual(marked, ["helper", "table"])
        self.assertIn("static __maybe_unused int helper(int x)", text)
        self.assertIn("static __maybe_unused const int table[4]", text)
        self.assertIn("static int used_elsewhere(int x)", text)
        # Markers stay, so the student's code can be spliced back later.
        self.assertEqual(text.count("BEGIN LAB demo"), 2)

    def test_other_labs_untouched(self):
        regs = mklab.find_regions("x.c", SAMPLE, "x.c")
        self.assertEqual(mklab.stub_text(SAMPLE, regs, "another"), SAMPLE)

    def test_strings_and_comments_do_not_count_as_uses(self):
        text = ('static int f(void)\n{\n\treturn 0;\n}\n/* f */\n'
                'const char *s = "f";\n')
        _, marked = mklab.mark_unused(text)
        self.assertEqual(marked, ["f"])


class Trees(unittest.TestCase):
    def write(self, root, rel, text):
        os.makedirs(os.path.join(root, os.path.dirname(rel)), exist_ok=True)
        with open(os.path.join(root, rel), "w") as f:
            f.write(text)

    def test_student_solution_splice(self):
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "src")
            self.write(src, "mm/x.c", SAMPLE)
            self.write(src, "docs/labs/demo.md",
                       "# Lab\n\n## Questions\n\n1. Why is the sky\n   blue?\n2. Why not?\n")
            student = os.path.join(d, "student")
            changed, regions = mklab.write_tree(src, student, "demo", True)
            self.assertEqual(sorted(changed), ["mm/x.c"])
            with open(os.path.join(student, ".kvlab-lab")) as f:
                self.assertEqual(f.read(), "demo\n")
            total, missing = mklab.unanswered(os.path.join(student, "answers-demo.txt"))
            self.assertEqual((total, missing), (2, [1, 2]))
            with open(os.path.join(student, "answers-demo.txt")) as f:
                self.assertIn("# Why is the sky blue?", f.read())
            with self.assertRaisesRegex(mklab.LabError, "not empty"):
                mklab.write_tree(src, student, "demo", True)
            with self.assertRaisesRegex(mklab.LabError, "no lab 'nope'"):
                mklab.write_tree(src, os.path.join(d, "n"), "nope", True)
            # The student writes lab_fn their way, then a pristine regrade.
            with open(os.path.join(student, "mm/x.c")) as f:
                text = f.read()
            i = text.index("\tpanic(")
            j = text.index("\t/* END LAB */", i)
            text = text[:i] + "\treturn a * b;\n" + text[j:]
            self.write(student, "mm/x.c", text)
            pristine = os.path.join(d, "pristine")
            mklab.write_tree(src, pristine, "demo", False)
            self.assertEqual(mklab.splice("demo", student, pristine), ["mm/x.c"])
            with open(os.path.join(pristine, "mm/x.c")) as f:
                spliced = f.read()
            self.assertIn("\treturn a * b;\n", spliced)
            self.assertNotIn("return helper(a)", spliced)
            self.assertIn("return used_elsewhere(3);", spliced)
            # A deleted marker is refused, not guessed around.
            self.write(student, "mm/x.c", text.replace("/* BEGIN LAB demo */\n/* END LAB */\n", ""))
            with self.assertRaisesRegex(mklab.LabError, "marker deleted"):
                mklab.splice("demo", student, pristine)

    def test_repository_regions_are_well_formed(self):
        r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "mklab.py"), "check"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for lab in ("buddy", "slab", "vmalloc"):
            self.assertIn("LAB %s:" % lab, r.stdout)


class Handin(unittest.TestCase):
    """scripts/handin.py packs a lab tree with its answers."""

    def test_pack(self):
        import shutil
        import tarfile
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "scripts"))
            for f in ("handin.py", "mklab.py"):
                shutil.copy(os.path.join(ROOT, "scripts", f), os.path.join(d, "scripts"))
            handin = [sys.executable, os.path.join(d, "scripts", "handin.py")]
            r = subprocess.run(handin, capture_output=True, text=True)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertIn("which lab?", r.stderr)
            with open(os.path.join(d, ".kvlab-lab"), "w") as f:
                f.write("demo\n")
            r = subprocess.run(handin, capture_output=True, text=True)
            self.assertEqual(r.returncode, 1)
            self.assertIn("answers-demo.txt is missing", r.stderr)
            with open(os.path.join(d, "answers-demo.txt"), "w") as f:
                f.write("## Question 1\n# q\n42\n## Question 2\n# q\n(your answer here)\n")
            os.makedirs(os.path.join(d, "build"))
            with open(os.path.join(d, "build", "junk.o"), "w") as f:
                f.write("x")
            r = subprocess.run(handin, capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("leaves question(s) 2 unanswered", r.stdout)
            with tarfile.open(os.path.join(d, "build", "handin-demo.tar.gz")) as t:
                names = t.getnames()
                self.assertIn("kvlab-demo/answers-demo.txt", names)
                self.assertIn("kvlab-demo/scripts/mklab.py", names)
                self.assertIn("kvlab-demo/HANDIN", names)
                self.assertFalse([n for n in names if "/build/" in n])
                info = t.extractfile("kvlab-demo/HANDIN").read().decode()
                self.assertIn("answers: 1 of 2 question(s) answered", info)


if __name__ == "__main__":
    unittest.main()
