"""tests/scripts/test_mutants.py: scripts/mutants.py (make mutants) makes
the mutants it should of a sample source, and tests/mutants-equivalent.txt
parses and names only mutants that the tree still has."""
import os
import re
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import mutants  # noqa: E402

SAMPLE = r'''/* sample.c: a < b in a comment is not mutated */
#include <mm/page.h>
#define TWICE(x) ((x) + (x) < 3)
static const int table[4] = { 1, 2 };
struct s { int a; };
static_assert(sizeof(struct s) < 8, "small");

static inline int f(int a, int b)
{
	if (a < b)
		return a & b;
	while (!list_empty(&s->list))
	pr_err("a < b: %d\n", a + 1);
	list_del(&s->node);
	p = (unsigned long)&x;
	x |= 0x10UL;
	s = "a < b";
#ifdef KVLAB_BREAK_SAMPLE
	a++;
#endif
	return a == b;
}
'''

# Every mutant of SAMPLE: (line, kind, mutated line stripped). Nothing from
# the comment, the #define, the table and struct outside functions, the
# static_assert, the pr_err arguments, the cast's &, the string, or the
# line under #ifdef KVLAB_BREAK_*.
EXPECT = {
    (10, "boundary", "if (a <= b)"),
    (10, "negate", "if (!(a < b))"),
    (11, "bitwise", "return a | b;"),
    (12, "negate", "while (list_empty(&s->list))"),
    (14, "drop", "do { } while (0);"),
    (16, "bitwise", "x ^= 0x10UL;"),
    (16, "constant", "x |= 0x11UL;"),
    (16, "constant", "x |= 0xfUL;"),
    (21, "negate", "return a != b;"),
}


def equiv(text):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(text)
    try:
        return mutants.read_equivalents(f.name)
    finally:
        os.unlink(f.name)


class Generator(unittest.TestCase):
    def test_sample_mutants(self):
        got = {(m.lineno, m.kind, m.mutated.strip())
               for m in mutants.file_mutants("sample.c", SAMPLE)}
        self.assertEqual(got, EXPECT)

    def test_every_operator(self):
        code = "void g(void)\n{\n\ti++;\n\tj -= 2;\n\tif (a >= b || c > d) memset(p, 0, 4);\n}\n"
        got = {(m.lineno, m.mutated.strip())
               for m in mutants.file_mutants("g.c", code)}
        for want in [(3, "i--;"), (4, "j += 2;"), (4, "j -= 3;"), (4, "j -= 1;"),
                     (5, "if (a > b || c > d) memset(p, 0, 4);"),
                     (5, "if (a >= b || c >= d) memset(p, 0, 4);"),
                     (5, "if (!(a >= b || c > d)) memset(p, 0, 4);")]:
            self.assertIn(want, got)
        # memset is not alone on its line: not dropped.
        self.assertNotIn("drop", {m.kind for m in mutants.file_mutants("g.c", code)})

    def test_unbalanced_braces_refused(self):
        with self.assertRaises(mutants.SourceError):
            mutants.file_mutants("bad.c", "void f(void)\n{\n\tif (x) {\n}\n")

    def test_ids_follow_content_not_line_numbers(self):
        a = mutants.file_mutants("sample.c", SAMPLE)
        b = mutants.file_mutants("sample.c", "\n\n" + SAMPLE)
        self.assertEqual([m.id for m in a], [m.id for m in b])
        self.assertEqual([m.lineno + 2 for m in a], [m.lineno for m in b])


class Tree(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.all = mutants.all_mutants(ROOT)

    def test_every_kind_in_the_tree(self):
        self.assertEqual({m.kind for m in self.all}, set(mutants.KINDS))

    def test_ids_unique(self):
        ids = [m.id for m in self.all]
        self.assertEqual(len(ids), len(set(ids)))

    def test_no_mutant_of_a_printing_line(self):
        bad = [m.describe() for m in self.all
               if re.match(r"\s*(printk|pr_\w+)\s*\(", mutants.blank(m.original))]
        self.assertEqual(bad, [])

    def test_sample_depends_on_the_seed(self):
        s1 = [m.id for m in mutants.sample(self.all, set(), "1", 100)]
        s2 = [m.id for m in mutants.sample(self.all, set(), "1", 100)]
        s3 = [m.id for m in mutants.sample(self.all, set(), "2", 100)]
        self.assertEqual(s1, s2)
        self.assertNotEqual(s1, s3)
        self.assertEqual(len(s1), min(100, len(self.all)))

    def test_equivalents_left_out_of_the_sample(self):
        first = mutants.sample(self.all, set(), "1", 10)
        m = first[0]
        keys = {(m.path, m.original.strip(), m.mutated.strip())}
        again = mutants.sample(self.all, keys, "1", 10)
        self.assertNotIn(m.id, [x.id for x in again])
        self.assertEqual([x.id for x in first[1:]], [x.id for x in again[:9]])

    def test_equivalents_file(self):
        entries, problems = mutants.read_equivalents(os.path.join(ROOT, mutants.EQUIV_FILE))
        self.assertEqual(problems, [])
        self.assertEqual(mutants.check_equivalents(ROOT, entries, self.all), [])


class Equivalents(unittest.TestCase):
    def test_parse(self):
        entries, problems = equiv("# c\nfile: a.c\norig: x < y\nmutant: x <= y\nwhy: r\n\n"
                                  "file: b.c\norig: i++;\nmutant: i--;\nwhy: s\n")
        self.assertEqual(problems, [])
        self.assertEqual([e.key() for e in entries],
                         [("a.c", "x < y", "x <= y"), ("b.c", "i++;", "i--;")])

    def test_missing_reason_and_bad_lines(self):
        _, problems = equiv("file: a.c\norig: x < y\nmutant: x <= y\n\nnonsense\n")
        self.assertEqual(len(problems), 2)
        self.assertIn("without why:", problems[1] + problems[0])

    def test_stale_entry_reported(self):
        entries, _ = equiv("file: mm/buddy.c\norig: no such line\nmutant: no such mutant\nwhy: r\n")
        stale = mutants.check_equivalents(ROOT, entries, [])
        self.assertEqual(len(stale), 1)
        self.assertIn("stale", stale[0])


if __name__ == "__main__":
    unittest.main()
