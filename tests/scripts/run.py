#!/usr/bin/env python3
"""tests/scripts/run.py: run the tests of kvlab's scripts (`make script-test`).

  run.py [PATTERN]

Runs every tests/scripts/test_*.py (or those matching PATTERN, e.g.
'test_grade*') with unittest, prints each case as it finishes and ends with
`N passed, N failed` (the line scripts/runtests.py counts); exits 1 if any
case failed or errored.
"""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv):
    pattern = argv[1] if len(argv) > 1 else "test_*.py"
    suite = unittest.defaultTestLoader.discover(HERE, pattern=pattern,
                                                top_level_dir=HERE)
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    bad = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    print("%d passed, %d failed" % (result.testsRun - bad - len(result.skipped), bad))
    return 1 if bad or not result.testsRun else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
