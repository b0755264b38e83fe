"""tests/scripts/test_deps.py: scripts/deps.sh stops cleanly with the exact
install command when it may not install, and installs without recommended
packages when it may.

Each case runs deps.sh with a PATH of its own: links to the real tools the
`build` job needs except nasm (so nasm is missing), and stand-ins for `id`
(a chosen user id) and `apt-get` (records its arguments; can "install" a
stand-in nasm). Nothing is installed on the machine running the tests.
"""
import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPS = os.path.join(ROOT, "scripts", "deps.sh")
PRESENT = ["gcc", "make", "ld", "python3", "find", "head"]
DEBIAN = os.path.exists("/etc/debian_version")


def script(path, body):
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, 0o755)


class Deps(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.bin = os.path.join(self.dir, "bin")
        self.apt_log = os.path.join(self.dir, "apt.log")
        os.mkdir(self.bin)
        for tool in PRESENT:
            real = shutil.which(tool)
            if not real:
                self.skipTest("%s is not installed" % tool)
            os.symlink(real, os.path.join(self.bin, tool))

    def tearDown(self):
        shutil.rmtree(self.dir)

    def fake_id(self, uid):
        script(os.path.join(self.bin, "id"), 'echo %d\n' % uid)

    def fake_apt_get(self, installs):
        """apt-get that logs its arguments; `install` fails, or with
        installs=True puts a stand-in nasm on the PATH and succeeds."""
        body = 'echo "$*" >> %s\n' % self.apt_log
        if installs:
            body += ('case "$1" in install) printf "#!/bin/sh\\nexit 0\\n" > %s/nasm;'
                     ' /bin/chmod +x %s/nasm ;; esac\nexit 0\n' % (self.bin, self.bin))
        else:
            body += 'case "$1" in install) exit 100 ;; esac\nexit 0\n'
        script(os.path.join(self.bin, "apt-get"), body)

    def run_deps(self, job="build"):
        env = {"PATH": self.bin, "HOME": self.dir, "LANG": "C"}
        return subprocess.run(["/bin/sh", DEPS, job], env=env, capture_output=True,
                              text=True, timeout=60)

    def apt_calls(self):
        if not os.path.exists(self.apt_log):
            return []
        with open(self.apt_log) as f:
            return f.read().splitlines()

    def test_nothing_missing(self):
        script(os.path.join(self.bin, "nasm"), "exit 0\n")
        self.fake_id(1000)
        r = self.run_deps()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")

    @unittest.skipUnless(DEBIAN, "deps.sh installs only on Debian/Ubuntu")
    def test_not_root_gets_the_command_and_stops(self):
        self.fake_id(1000)
        self.fake_apt_get(installs=True)
        r = self.run_deps()
        self.assertEqual(r.returncode, 1)
        self.assertIn("kvlab: missing: nasm", r.stderr)
        self.assertIn("Debian/Ubuntu: sudo apt-get install -y --no-install-recommends nasm\n",
                      r.stderr)
        self.assertNotIn("installing", r.stderr)
        self.assertEqual(self.apt_calls(), [])      # never tried to install
        self.assertEqual(r.stdout, "")

    def test_without_apt_gets_the_commands_and_stops(self):
        self.fake_id(0)
        r = self.run_deps()
        self.assertEqual(r.returncode, 1)
        self.assertIn("kvlab: missing: nasm", r.stderr)
        self.assertIn("Fedora:        sudo dnf install nasm", r.stderr)
        self.assertIn("sudo apt-get install -y --no-install-recommends nasm", r.stderr)

    @unittest.skipUnless(DEBIAN, "deps.sh installs only on Debian/Ubuntu")
    def test_root_installs_without_recommends(self):
        self.fake_id(0)
        self.fake_apt_get(installs=True)
        r = self.run_deps()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("kvlab: installing with apt-get: nasm", r.stderr)
        installs = [c for c in self.apt_calls() if c.startswith("install")]
        self.assertEqual(installs, ["install -y -q --no-install-recommends nasm"])

    @unittest.skipUnless(DEBIAN, "deps.sh installs only on Debian/Ubuntu")
    def test_failed_install_stops_with_the_command(self):
        self.fake_id(0)
        self.fake_apt_get(installs=False)
        r = self.run_deps()
        self.assertEqual(r.returncode, 1)
        self.assertIn("kvlab: apt-get install failed", r.stderr)
        self.assertIn("sudo apt-get install -y --no-install-recommends nasm", r.stderr)
        self.assertEqual(len([c for c in self.apt_calls() if c.startswith("install")]), 1)

    def test_make_stops_before_building(self):
        """make test with a tool missing (not root): deps.sh's message, a
        non-zero exit, and nothing built."""
        self.fake_id(1000)
        out = os.path.join(self.dir, "build")
        env = {"PATH": self.bin, "HOME": self.dir, "LANG": "C", "MAKEFLAGS": ""}
        r = subprocess.run(["make", "-C", ROOT, "--no-print-directory", "O=" + out, "test"],
                           env=env, capture_output=True, text=True, timeout=120)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("kvlab: missing:", r.stderr)
        self.assertIn("kvlab: install the missing packages, then run make again:", r.stderr)
        self.assertFalse(os.path.exists(out), "make built something: %s" % os.listdir(out)
                         if os.path.exists(out) else "")


if __name__ == "__main__":
    unittest.main()
