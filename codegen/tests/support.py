"""Shared pieces of the generator tests: paths, a cached model, temp YAML."""
import functools
import os
import tempfile
import textwrap

from p11gen import header_model, spec_model

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
P11KIT_HEADER = "/usr/include/p11-kit-1/p11-kit/pkcs11.h"
RULES = os.path.join(ROOT, "spec", "rules.yaml")
PROFILES = os.path.join(ROOT, "spec", "profiles")
FIXTURES = os.path.join(HERE, "fixtures")


@functools.lru_cache(maxsize=None)
def p11kit_header():
    return header_model.load([P11KIT_HEADER])


@functools.lru_cache(maxsize=None)
def api():
    return spec_model.load(RULES, p11kit_header())


def write_files(folder, files):
    """Writes {name: text} (dedented) into folder; returns the folder."""
    for name, text in files.items():
        with open(os.path.join(folder, name), "w", encoding="utf-8") as stream:
            stream.write(textwrap.dedent(text).lstrip("\n"))
    return folder


class TempDirMixin:
    def setUp(self):
        super().setUp()
        self._tmp = tempfile.TemporaryDirectory(prefix="p11gen-test-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()
        super().tearDown()
