"""tests/scripts/test_tools.py: the student-facing tools, run for real on
the gcc kernel ($KVLAB_BUILD/gcc/kvlab.elf, default build/):

- make run's console (scripts/kvqemu.py run): Ctrl-C at the kvlab> prompt
  drops the line and QEMU lives on; the escape key is printed.
- make debug's gdb port comes from the user id, a busy port is refused
  with a clear message, and the kv-* helpers used before the kernel has
  booted say so instead of a Python MemoryError.
- scripts/insn_profile.py reaches a benchmark function with its default
  command line, prints only its table, and exits 1 when gdb fails.
"""
import os
import pty
import re
import select
import socket
import subprocess
import sys
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import kvqemu  # noqa: E402

BUILD = os.environ.get("KVLAB_BUILD", os.path.join(ROOT, "build"))
KERNEL = os.path.join(BUILD, "gcc", "kvlab.elf")
KVQEMU = os.path.join(ROOT, "scripts", "kvqemu.py")
HAVE_GDB = subprocess.call(["sh", "-c", "command -v gdb"], stdout=subprocess.DEVNULL) == 0


def need_kernel(test):
    if not os.path.exists(KERNEL):
        test.fail("no kernel %s: make script-test builds it first" % KERNEL)


class PtySession:
    """A program on a pseudo-terminal, as a person at a terminal runs it."""

    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(ROOT)
            os.execvp(argv[0], argv)
        self.text = b""
        self.status = None

    def until(self, needle, timeout=30, start=0):
        end = time.time() + timeout
        while needle not in self.text[start:] and time.time() < end:
            r, _, _ = select.select([self.fd], [], [], 0.2)
            if r:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    return False
                if not data:
                    return False
                self.text += data
        return needle in self.text[start:]

    def alive(self):
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
        return self.status is None

    def wait(self):
        if self.status is None:
            self.status = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        return self.status

    def close(self):
        if self.alive():
            os.kill(self.pid, 9)
            self.wait()
        os.close(self.fd)


class RunConsole(unittest.TestCase):
    def test_ctrl_c_drops_the_line(self):
        need_kernel(self)
        s = PtySession([sys.executable, KVQEMU, "run", "--kernel", KERNEL,
                        "--append", "tests=none bench=none monitor=1"])
        try:
            self.assertTrue(s.until(b"kvlab> "), s.text[-500:])
            self.assertIn(b"Ctrl-A x quits QEMU", s.text)
            self.assertTrue(s.until(b"\nkvlab> "), s.text[-500:])
            mark = len(s.text)
            os.write(s.fd, b"garbage\x03")
            self.assertTrue(s.until(b"kvlab> ", 10, mark),
                            "no new prompt after Ctrl-C: %r" % s.text[mark:])
            self.assertIn(b"^C", s.text[mark:])
            self.assertTrue(s.alive(), "QEMU ended at Ctrl-C")
            mark = len(s.text)
            os.write(s.fd, b"help exit\r")
            self.assertTrue(s.until(b"usage: exit", 10, mark), s.text[mark:])
            os.write(s.fd, b"exit\r")
            self.assertTrue(s.until(b"kvlab: done", 10, mark), s.text[mark:])
            self.assertEqual(s.wait(), 0, s.text[-300:])
            self.assertNotIn(b"Traceback", s.text)
            self.assertNotIn(b"terminating on signal", s.text)
        finally:
            s.close()


class Dmesg(unittest.TestCase):
    def test_wrapped_log_starts_at_a_line(self):
        """After tests=all the 64 KiB log has wrapped; dmesg's first line
        is a whole line the kernel printed, not the tail of a cut one."""
        need_kernel(self)
        s = PtySession([sys.executable, KVQEMU, "run", "--kernel", KERNEL,
                        "--append", "tests=all bench=none monitor=1 loglevel=8"])
        try:
            self.assertTrue(s.until(b"\nkvlab> ", 60), s.text[-500:])
            before = s.text.decode(errors="replace").replace("\r", "")
            mark = len(s.text)
            os.write(s.fd, b"dmesg\r")
            self.assertTrue(s.until(b"\nkvlab> ", 30, mark), s.text[mark:][-300:])
            reply = s.text[mark:].decode(errors="replace").replace("\r", "")
            os.write(s.fd, b"exit\r")
            s.wait()
        finally:
            s.close()
        lines = reply.split("\n")
        self.assertEqual(lines[0], "dmesg")
        first = lines[1]
        self.assertFalse(first.startswith("kvlab version"),
                         "the log did not wrap: the test proves nothing")
        self.assertIn("\n" + first + "\n", before,
                      "dmesg starts with %r, not a line the kernel printed" % first)


class Debug(unittest.TestCase):
    def test_port_from_uid(self):
        ports = {kvqemu.gdb_port(uid) for uid in (0, 1000, 1001, 4999)}
        self.assertEqual(len(ports), 4)
        self.assertTrue(all(25000 <= p < 30000 for p in ports))
        args = kvqemu.parser().parse_args(["debug", "--kernel", "k"])
        self.assertEqual(args.port, kvqemu.gdb_port(os.getuid()))

    def test_busy_port_is_refused(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen(1)
            port = s.getsockname()[1]
            r = subprocess.run([sys.executable, KVQEMU, "debug", "--kernel", KERNEL,
                                "--port", str(port)], cwd=ROOT,
                               stdin=subprocess.DEVNULL, capture_output=True,
                               text=True, timeout=30)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("gdb port %d is in use" % port, r.stderr)

    def test_helpers_before_boot(self):
        """kv-* at the reset vector: a clear message, no Python error."""
        if not HAVE_GDB:
            self.skipTest("gdb is not installed")
        need_kernel(self)
        port = kvqemu.free_port()
        qemu = subprocess.Popen(kvqemu.qemu_command(kernel=KERNEL, append="tests=none",
                                                    serial="null", gdb=port),
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            cmd = kvqemu.gdb_command(KERNEL, port, batch=True)
            helpers = ["kv-dmesg", "kv-pgwalk kernel_main", "kv-buddyinfo",
                       "kv-page 0", "kv-slabinfo", "kv-vmallocinfo"]
            for h in helpers:
                cmd += ["-ex", h]
            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                               text=True, timeout=60)
        finally:
            qemu.kill()
            qemu.wait()
        out = r.stdout + r.stderr
        for h in helpers:
            self.assertIn("%s: cannot read the kernel's memory" % h.split()[0], out)
        self.assertNotIn("Python Exception", out)
        self.assertNotIn("Traceback", out)
        self.assertIn("booted far enough", out)


class InsnProfile(unittest.TestCase):
    def profile(self, *args):
        return subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "insn_profile.py"),
                               "--kernel", KERNEL,
                               "--log", os.path.join(BUILD, "test", "insn_profile.gdb.log")]
                              + list(args), cwd=ROOT, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=120)

    def setUp(self):
        if not HAVE_GDB:
            self.skipTest("gdb is not installed")
        need_kernel(self)

    def test_reaches_the_benchmark_and_prints_only_the_table(self):
        r = self.profile("--break", "pages_batch_loop", "--then", "pcp_free_bulk",
                         "--steps", "200")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        self.assertLess(len(lines), 20, r.stdout)
        self.assertIn("bench=pages", lines[0])
        self.assertRegex(r.stdout, r"(?m)^ +\d+ +\d+\.\d% +pcp_free_bulk$")
        self.assertRegex(r.stdout, r"(?m)^ +200  total$")

    def test_unreached_breakpoint_fails(self):
        r = self.profile("--break", "kmalloc_batch_loop", "--append",
                         "tests=none bench=none", "--steps", "10")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("never reached kmalloc_batch_loop", r.stderr)

    def test_unknown_function_fails(self):
        r = self.profile("--break", "no_such_function", "--steps", "10")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("has no function no_such_function", r.stderr)


if __name__ == "__main__":
    unittest.main()
