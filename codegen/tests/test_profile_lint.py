"""generate.py --lint: each setting with the file:line that set it, or the
default it relies on and what that default means."""
import os
import unittest

from p11gen import profile_lint
from tests import support

BASE = """\
description: a base
abstract: true
functions: [Initialize, Finalize, GetInfo, GetSlotList, GetTokenInfo, Session, Login]
limits:
  sessions: 4
"""
CHILD = """\
description: a child
extends: base
limits:
  pin_tries: 3
tests: [login]
"""


class LintTest(support.TempDirMixin, unittest.TestCase):
    def test_each_setting_names_its_line_or_the_default_it_relies_on(self):
        support.write_files(self.tmp, {"base.yaml": BASE, "child.yaml": CHILD})
        lines = profile_lint.lint(os.path.join(self.tmp, "child.yaml"), support.api(), (), self.tmp)
        self.assertEqual(lines[0], "profile child: read from base.yaml, then child.yaml")
        self.assertIn("  limits.sessions = 4  [base.yaml:5]", lines)
        self.assertIn("  limits.pin_tries = 3  [child.yaml:4]", lines)
        self.assertIn("  limits.pin_iterations = 100000  [default: 100,000 PBKDF2-HMAC-SHA256 iterations per PIN check "
                      "(about 50 ms on a desktop core)]", lines)
        self.assertIn("  token.initialized = false  [default: the token starts blank: C_InitToken sets the SO PIN and "
                      "label, C_InitPIN the user PIN]", lines)
        self.assertIn("  tests = login  [child.yaml:5]", lines)
        self.assertIn("  storage.labels = any  [default: the store takes any label (an index record lists the objects)]",
                      lines)
        defaults = [line for line in lines if "[default: not set]" in line]
        self.assertEqual(defaults, [], "every default says what it means")


if __name__ == "__main__":
    unittest.main()
