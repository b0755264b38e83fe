"""tests/scripts/test_bench_peers.py: scripts/bench_peers.py and its loop
program, tests/host/bench_peers.c (`make bench-peers`).

The program is built here against the C library's malloc (the glibc
variant) and fed bad arguments, each refused with a message; under
valgrind (when installed) two runs of one loop give the same exact count.
The script's reading of a kernel log refuses a log without exact counts
and one that lacks a figure.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import bench_peers  # noqa: E402

SOURCE = os.path.join(ROOT, "tests", "host", "bench_peers.c")

ICOUNT_LOG = """clock: TSC 1000.000 MHz, QEMU -icount (cycles = guest instructions, exact), slub_debug off
bench: kmalloc_pair size=8 n=100000 cycles_per_op=52.00 ns_per_op=52.00
bench: kmalloc_pair size=256 n=100000 cycles_per_op=52.00 ns_per_op=52.00
bench: kmalloc_pair size=8192 n=100000 cycles_per_op=59.00 ns_per_op=59.00
bench: kmalloc_batch size=8 n=10000 cycles_per_op=68.54 ns_per_op=68.54
bench: kmalloc_batch size=256 n=10000 cycles_per_op=93.58 ns_per_op=93.58
bench: kmalloc_batch size=8192 n=10000 cycles_per_op=278.36 ns_per_op=278.36
"""


class Args:
    def __init__(self, log):
        self.kernel_log = log
        self.kernel = None
        self.out = os.path.dirname(log)


class Script(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.dir)

    def log(self, text):
        path = os.path.join(self.dir, "bench.log")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_cell(self):
        self.assertEqual(bench_peers.cell([52.0, 52.0]), "52")
        self.assertEqual(bench_peers.cell([495.54, 495.64]), "496")
        self.assertEqual(bench_peers.cell([2360.2, 3325.1, 2900.0]), "2360-3325")

    def test_kernel_log(self):
        figs, source = bench_peers.kernel_figures(Args(self.log(ICOUNT_LOG)))
        self.assertEqual(figs[("pair", 8192)], 59.0)
        self.assertEqual(figs[("batch", 8)], 68.54)
        self.assertIn("saved log", source)

    def test_kernel_log_without_icount_is_refused(self):
        text = ICOUNT_LOG.replace("QEMU -icount (cycles = guest instructions, exact)",
                                  "TCG")
        with self.assertRaisesRegex(RuntimeError, "not a run under QEMU -icount"):
            bench_peers.kernel_figures(Args(self.log(text)))

    def test_kernel_log_missing_a_figure_is_refused(self):
        text = "\n".join(l for l in ICOUNT_LOG.splitlines()
                         if "kmalloc_batch size=256 " not in l)
        with self.assertRaisesRegex(RuntimeError, "kmalloc_batch size=256"):
            bench_peers.kernel_figures(Args(self.log(text)))


@unittest.skipUnless(shutil.which("gcc"), "gcc is not installed")
class Program(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp()
        cls.bin = os.path.join(cls.dir, "bench_peers-glibc")
        subprocess.run(["gcc", "-std=gnu11", "-O2", "-fno-builtin", "-Wall", "-Wextra",
                        "-Werror", SOURCE, "-o", cls.bin], check=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def run_bin(self, *args):
        return subprocess.run([self.bin] + list(args), capture_output=True, text=True,
                              timeout=60)

    def test_bad_arguments(self):
        for args, why in (((), "wrong number of arguments"),
                          (("pair",), "wrong number of arguments"),
                          (("pair", "8", "10", "x"), "wrong number of arguments"),
                          (("triple", "8"), "the loop must be pair or batch"),
                          (("pair", "0"), "bad SIZE"),
                          (("pair", "-8"), "bad SIZE"),
                          (("pair", "8x"), "bad SIZE"),
                          (("pair", "99999999999999999999999"), "bad SIZE"),
                          (("pair", "16777216"), "bad SIZE"),
                          (("batch", "8", "10001"), "bad N"),
                          (("pair", "8", "0"), "bad N")):
            r = self.run_bin(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn("bench_peers: " + why, r.stderr, args)
            self.assertIn("usage: bench_peers", r.stderr, args)

    def test_runs(self):
        r = self.run_bin("batch", "256", "100")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("bench_peers: batch size=256 n=100 reps=5 done", r.stdout)

    @unittest.skipUnless(shutil.which("valgrind"), "valgrind is not installed")
    def test_callgrind_counts_repeat(self):
        work = os.path.join(self.dir, "work")
        os.makedirs(work, exist_ok=True)
        a = bench_peers.callgrind_run("valgrind", self.bin, "pair", 8, work, n=2000)
        b = bench_peers.callgrind_run("valgrind", self.bin, "pair", 8, work, n=2000)
        self.assertEqual(a, b)
        self.assertGreater(a, 10)   # a malloc and a free: tens of instructions
        self.assertLess(a, 1000)


if __name__ == "__main__":
    unittest.main()
