"""The command line: what each selection writes, --resolve and --verify."""
import contextlib
import io
import os
import shutil
import unittest

import generate
from tests import support


def run(*argv):
    """generate.main in-process; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = generate.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def read(path):
    with open(path, encoding="utf-8") as stream:
        return stream.read()


class GenerateTest(support.TempDirMixin, unittest.TestCase):
    def generate(self, *argv):
        code, out, err = run("--out", self.tmp, *argv)
        self.assertEqual(code, 0, err)
        return out

    def test_default_writes_every_concrete_profile_and_the_shared_folder(self):
        self.generate()
        self.assertEqual(sorted(os.listdir(self.tmp)),
                         ["conformance", "freertos", "freertos-device", "freertos-keygen", "freertos-ota", "freertos-tls",
                          "full"])
        self.assertEqual(sorted(os.listdir(os.path.join(self.tmp, "freertos"))),
                         ["conformance_profile.txt", "entry_points.c", "firmware_budgets.txt", "p11_backend.h",
                          "profile.c", "profile.h", "wolfcrypt_user_settings.h"])
        self.assertEqual(sorted(os.listdir(os.path.join(self.tmp, "conformance"))),
                         ["constant_names.cpp", "function_list_guard.cpp", "return_value_table.cpp",
                          "skeleton_tests.cpp"])

    def test_profile_writes_only_that_profile(self):
        self.generate("--profile", "freertos-ota")
        self.assertEqual(os.listdir(self.tmp), ["freertos-ota"])

    def test_only_shared_writes_only_the_conformance_folder(self):
        self.generate("--only-shared")
        self.assertEqual(os.listdir(self.tmp), ["conformance"])

    def test_profile_and_only_shared_exclude_each_other(self):
        with self.assertRaises(SystemExit), contextlib.redirect_stderr(io.StringIO()):
            generate.main(["--out", self.tmp, "--only-shared", "--profile", "freertos"])


class ResolveTest(support.TempDirMixin, unittest.TestCase):
    def test_resolve_prints_the_generated_profile_file(self):
        code, out, err = run("--out", self.tmp, "--profile", "freertos")
        self.assertEqual(code, 0, err)
        code, text, err = run("--resolve", "freertos")
        self.assertEqual(code, 0, err)
        self.assertEqual(text, read(os.path.join(self.tmp, "freertos", "conformance_profile.txt")))
        self.assertTrue(text.startswith("p11conform-profile 1\n"))

    def test_resolve_takes_a_path(self):
        by_name = run("--resolve", "freertos-device")[1]
        self.assertEqual(run("--resolve", os.path.join(support.PROFILES, "freertos-device.yaml"))[1], by_name)

    def test_resolve_a_vendor_profile_that_extends_a_built_in_one(self):
        path = os.path.join(self.tmp, "vendor.yaml")
        support.write_files(self.tmp, {"vendor.yaml": "extends: freertos\nlimits: {sessions: 2}\n"})
        code, text, err = run("--resolve", path)
        self.assertEqual(code, 0, err)
        self.assertIn("\nname vendor\n", text)
        self.assertIn("\nmax_sessions 2\n", text)
        self.assertIn("\nfunction C_Sign\n", text)

    def test_a_bad_profile_exits_2_with_file_and_line(self):
        path = os.path.join(self.tmp, "bad.yaml")
        support.write_files(self.tmp, {"bad.yaml": "description: bad\nfunctions: [Initialize, C_Bogus]\n"})
        code, text, err = run("--resolve", path)
        self.assertEqual(code, 2)
        self.assertEqual(text, "")
        self.assertIn(f"error: {path}:2: unknown function or family 'C_Bogus'", err)

    def test_a_missing_profile_exits_2(self):
        code, _, err = run("--resolve", "no-such-profile")
        self.assertEqual(code, 2)
        self.assertIn("error: ", err)
        self.assertIn("no-such-profile.yaml", err)


class HeaderOptionsTest(support.TempDirMixin, unittest.TestCase):
    def test_the_banner_records_the_options_the_header_was_read_with(self):
        code, _, err = run("--out", self.tmp, "--profile", "freertos", "--prelude",
                           os.path.join(support.ROOT, "spec", "oasis_prelude.h"), "--define", "P11_TEST_MACRO=1")
        self.assertEqual(code, 0, err)
        banner = read(os.path.join(self.tmp, "freertos", "entry_points.c"))[:600]
        self.assertIn(" *   --prelude spec/oasis_prelude.h\n", banner)
        self.assertIn(" *   --define P11_TEST_MACRO=1\n", banner)
        code, out, _ = run("--out", self.tmp, "--profile", "freertos", "--verify")
        self.assertEqual(code, 1, "without the options the banner differs")
        self.assertIn("\n- *   --prelude spec/oasis_prelude.h\n", out, "and the diff names the option to give")


class VerifyTest(support.TempDirMixin, unittest.TestCase):
    def setUp(self):
        super().setUp()
        code, _, err = run("--out", self.tmp)
        self.assertEqual(code, 0, err)

    def verify(self, *argv):
        return run("--out", self.tmp, "--verify", *argv)

    def test_fresh_output_verifies(self):
        code, out, err = self.verify()
        self.assertEqual(code, 0, out + err)

    def test_a_changed_shared_file_is_found(self):
        path = os.path.join(self.tmp, "conformance", "skeleton_tests.cpp")
        with open(path, "a", encoding="utf-8") as stream:
            stream.write("// edited by hand\n")
        code, out, _ = self.verify()
        self.assertEqual(code, 1)
        self.assertIn("conformance/skeleton_tests.cpp", out)
        self.assertIn("-// edited by hand", out)
        self.assertEqual(self.verify("--only-shared")[0], 1)
        self.assertEqual(self.verify("--profile", "freertos")[0], 0,
                         "a profile alone does not look at the shared folder")

    def test_a_stale_file_in_the_shared_folder_is_found(self):
        support.write_files(self.tmp, {os.path.join("conformance", "old_tests.cpp"): "// left over\n"})
        code, out, _ = self.verify()
        self.assertEqual(code, 1)
        self.assertIn("conformance/old_tests.cpp: extra: the inputs do not generate it", out)

    def test_an_obsolete_profile_file_is_found(self):
        support.write_files(self.tmp, {os.path.join("freertos", "skeleton_tests.cpp"): "// per-profile, obsolete\n"})
        code, out, _ = self.verify("--profile", "freertos")
        self.assertEqual(code, 1)
        self.assertIn("freertos/skeleton_tests.cpp: extra", out)

    def test_a_missing_file_or_folder_is_named_as_missing(self):
        os.remove(os.path.join(self.tmp, "freertos", "profile.c"))
        code, out, _ = self.verify("--profile", "freertos")
        self.assertEqual(code, 1)
        self.assertIn("freertos/profile.c: missing: the inputs generate it", out)
        shutil.rmtree(os.path.join(self.tmp, "freertos"))
        code, out, _ = self.verify("--profile", "freertos")
        self.assertEqual(code, 1)
        self.assertRegex(out, r"freertos/: missing: the inputs generate \d+ file\(s\) there")
        self.assertNotIn("@@", out, "no diff of every file")

    def test_a_folder_no_profile_generates_is_found(self):
        os.makedirs(os.path.join(self.tmp, "removed-profile"))
        code, out, _ = self.verify()
        self.assertEqual(code, 1)
        self.assertIn("removed-profile/: stale", out)

    def test_a_changed_profile_text_is_found(self):
        path = os.path.join(self.tmp, "freertos-ota", "conformance_profile.txt")
        text = read(path)
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(text.replace("max_sessions 32", "max_sessions 33"))
        code, out, _ = self.verify()
        self.assertEqual(code, 1)
        self.assertIn("+max_sessions 32", out)


if __name__ == "__main__":
    unittest.main()
