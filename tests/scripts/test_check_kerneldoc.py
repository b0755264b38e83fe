"""tests/scripts/test_check_kerneldoc.py: scripts/check_kerneldoc.py rejects
each kind of missing or wrong kernel-doc and accepts a complete header."""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import check_kerneldoc  # noqa: E402

COMPLETE = """\
#ifndef T_H
#define T_H
/* A header every function of which is documented. */
#include <lib/types.h>

struct page;
typedef void (*callback_t)(int code);
extern void (*hook)(struct page *page);
extern unsigned long counts[4][4];

struct ops {
	int (*open)(const char *name);
	void (*close)(int fd);
};

#define PAGEFLAG(name)						\\
	static inline bool Page##name(const struct page *p)	\\
	{							\\
		return p != 0;					\\
	}

/* Function-like macros are exempt. */
#define page_count(p)	((p)->count)

PAGEFLAG(Head)
PAGEFLAG(Tail)

/**
 * alloc_pages - allocate 2^@order contiguous pages
 * @gfp: how to allocate
 * @order: log2 of the number of pages
 *
 * Context: any context; may sleep unless @gfp says otherwise.
 * Return: the first page, or NULL.
 */
struct page *alloc_pages(unsigned int gfp, unsigned int order);

/**
 * free_pages() - free pages from alloc_pages()
 * @page: the first page
 * @order: as allocated
 * Context: any context.
 */
void free_pages(struct page *page,
		unsigned int order);

/**
 * walk - call @fn for each page
 * @fn: what to call, with each page
 * @names: the names, NULL-terminated
 * Context: boot.
 * Return: how many pages there were.
 */
__attribute__((warn_unused_result)) int walk(void (*fn)(struct page *p),
					      const char *names[]);

/**
 * report - print a report
 * @fmt: printf format
 * @...: its arguments
 * Context: any context.
 */
__printf(1, 2) void report(const char *fmt, ...);

/**
 * page_order - the order of a head page
 * @page: a head page
 *
 * Context: any context.
 * Return: the order.
 */
static __always_inline unsigned int page_order(const struct page *page)
{
	if (page) {
		return 1;
	}
	return 0;
}

/**
 * vmalloc_init - set up the vmalloc area
 * Context: boot, once.
 */
void vmalloc_init(void);

_Static_assert(sizeof(int) == 4, "int is 4 bytes");

#endif
"""


def check(text):
    with tempfile.NamedTemporaryFile("w", suffix=".h", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        n, problems = check_kerneldoc.check_header(path, "t.h")
    finally:
        os.unlink(path)
    return n, problems


def replace(old, new):
    assert old in COMPLETE, old
    return COMPLETE.replace(old, new, 1)


class KernelDoc(unittest.TestCase):
    def assertOneProblem(self, text, *words):
        n, problems = check(text)
        self.assertEqual(len(problems), 1, problems)
        for w in words:
            self.assertIn(w, problems[0])
        return problems[0]

    def test_complete_header_passes(self):
        n, problems = check(COMPLETE)
        self.assertEqual(problems, [])
        # alloc_pages, free_pages, walk, report, page_order, vmalloc_init;
        # not the macros, the function pointers, nor PAGEFLAG's functions.
        self.assertEqual(n, 6)

    def test_missing_context(self):
        p = self.assertOneProblem(replace(
            " * Context: any context; may sleep unless @gfp says otherwise.\n", ""),
            "alloc_pages", "Context:")
        # The line of the prototype (36 in COMPLETE, one line removed above it).
        self.assertTrue(p.startswith("t.h:35: alloc_pages: "), p)

    def test_missing_return(self):
        self.assertOneProblem(replace(" * Return: the order.\n", ""),
                              "page_order", "Return:")

    def test_empty_return(self):
        self.assertOneProblem(replace(" * Return: the order.\n", " * Return:\n"),
                              "page_order", "Return:")

    def test_missing_param(self):
        self.assertOneProblem(replace(" * @order: log2 of the number of pages\n", ""),
                              "alloc_pages", "@order:")

    def test_missing_param_of_multiline_prototype(self):
        self.assertOneProblem(replace(" * @order: as allocated\n", ""),
                              "free_pages", "@order:")

    def test_function_pointer_parameter(self):
        self.assertOneProblem(replace(" * @fn: what to call, with each page\n", ""),
                              "walk", "@fn:")

    def test_variadic_parameter(self):
        self.assertOneProblem(replace(" * @...: its arguments\n", ""),
                              "report", "@...:")

    def test_stale_param(self):
        self.assertOneProblem(replace(" * @order: as allocated\n",
                                      " * @order: as allocated\n * @flags: gone\n"),
                              "free_pages", "stale @flags:")

    def test_param_without_description(self):
        self.assertOneProblem(replace(" * @order: as allocated\n", " * @order:\n"),
                              "free_pages", "description after @order:")

    def test_wrong_name(self):
        self.assertOneProblem(replace(" * vmalloc_init - set up", " * vmalloc_setup - set up"),
                              "vmalloc_init", "names 'vmalloc_setup'")

    def test_no_summary(self):
        self.assertOneProblem(replace(" * vmalloc_init - set up the vmalloc area\n",
                                      " * Sets up the vmalloc area.\n"),
                              "vmalloc_init", "name - summary")

    def test_plain_comment_is_not_kernel_doc(self):
        self.assertOneProblem(replace("/**\n * vmalloc_init", "/*\n * vmalloc_init"),
                              "vmalloc_init", "no kernel-doc")

    def test_comment_must_be_directly_above(self):
        self.assertOneProblem(replace("void vmalloc_init(void);",
                                      "extern int x;\nvoid vmalloc_init(void);"),
                              "vmalloc_init", "no kernel-doc")

    def test_undocumented_prototype_and_inline(self):
        n, problems = check(COMPLETE + "int nr_free(void);\n"
                            "static inline bool empty(int x)\n{\n\treturn !x;\n}\n")
        self.assertEqual(len(problems), 2, problems)
        self.assertIn("nr_free: no kernel-doc", problems[0])
        self.assertIn("empty: no kernel-doc", problems[1])

    def test_unnamed_parameter(self):
        self.assertOneProblem(replace("void vmalloc_init(void);",
                                      "void vmalloc_init(struct page *);"),
                              "vmalloc_init", "a name for parameter 1")

    def test_command_line(self):
        """Exit 1 and file:line: messages for a bad header, 0 for a good
        one, 2 for a header that does not exist."""
        script = os.path.join(ROOT, "scripts", "check_kerneldoc.py")
        with tempfile.TemporaryDirectory() as d:
            good, bad = os.path.join(d, "good.h"), os.path.join(d, "bad.h")
            with open(good, "w") as f:
                f.write(COMPLETE)
            with open(bad, "w") as f:
                f.write(replace(" * Return: the order.\n", ""))
            r = subprocess.run([sys.executable, script, good], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("0 without or incomplete", r.stdout)
            r = subprocess.run([sys.executable, script, good, bad], capture_output=True, text=True)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertRegex(r.stdout, r"(?m)^%s:\d+: page_order: kernel-doc lacks Return:$"
                             % bad.replace("\\", "\\\\"))
            self.assertIn("12 functions, 11 with kernel-doc, 1 without or incomplete", r.stdout)
            r = subprocess.run([sys.executable, script, os.path.join(d, "none.h")],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 2)
            self.assertIn("no such header", r.stderr)

    def test_listed_headers_exist(self):
        for h in check_kerneldoc.HEADERS:
            self.assertTrue(os.path.isfile(os.path.join(ROOT, h)), h)


if __name__ == "__main__":
    unittest.main()
