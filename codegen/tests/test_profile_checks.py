"""Profiles whose parts contradict each other, or ask the backend for what it
lacks, are refused with file, line and a hint (profile_checks.py): each
profile below was once accepted silently."""
import os
import re
import unittest

from p11gen import profile, profile_checks
from p11gen.errors import SpecError
from tests import support

CATALOG = os.path.join(support.ROOT, "spec", "backend_mechanisms.yaml")
CPP_CATALOG = os.path.join(support.ROOT, "backend_wolfssl", "mechanism_catalog.cpp")
KEY_LIMITS = os.path.join(support.ROOT, "backend_wolfssl", "crypto", "key_limits.h")

GOOD = """\
description: a verify-only profile
functions: [Initialize, Finalize, GetInfo, GetSlotList, GetTokenInfo, Session, Digest, Verify]
mechanisms:
  CKM_SHA256: {flags: [CKF_DIGEST]}
  CKM_ECDSA: {flags: [CKF_VERIFY, CKF_EC_F_P, CKF_EC_NAMEDCURVE, CKF_EC_UNCOMPRESS], key_size: [256, 384]}
tests: [digest, keys]
"""


class ProfileChecksTest(support.TempDirMixin, unittest.TestCase):
    def load(self, text):
        support.write_files(self.tmp, {"p.yaml": text})
        return profile.load(os.path.join(self.tmp, "p.yaml"), support.api())

    def refused(self, text, marker, words, backend=False):
        """`text` is refused at the line holding `marker`, with `words` in the reason."""
        line = next(i for i, t in enumerate(text.splitlines(), 1) if marker in t)
        with self.assertRaises(SpecError) as caught:
            resolved = self.load(text)
            if backend:
                profile_checks.check_backend(resolved, profile_checks.load_catalog(CATALOG), "catalog")
        self.assertEqual((os.path.basename(caught.exception.path), caught.exception.line), ("p.yaml", line),
                         str(caught.exception))
        self.assertIn(words, caught.exception.reason)

    def test_a_consistent_profile_passes_both_checks(self):
        resolved = self.load(GOOD)
        profile_checks.check_backend(resolved, profile_checks.load_catalog(CATALOG), "catalog")

    def test_each_function_every_client_calls_is_required(self):
        for family, function in (("Initialize, ", "C_Initialize"), ("GetInfo, ", "C_GetInfo"),
                                 ("GetTokenInfo, ", "C_GetTokenInfo")):
            self.assertIn(family, GOOD)
            self.refused(GOOD.replace(family, "", 1), "functions:", f"lacks {function}")
        # C_GetSlotInfo comes with the GetSlotList family; named alone, without it:
        text = GOOD.replace("GetSlotList,", "C_GetSlotList,")
        self.refused(text, "functions:", "lacks C_GetSlotInfo, which every client calls")

    def test_a_flag_needs_the_function_that_starts_its_operation(self):
        text = GOOD.replace("[CKF_VERIFY, CKF_EC_F_P", "[CKF_SIGN, CKF_VERIFY, CKF_EC_F_P")
        self.refused(text, "CKM_ECDSA", "CKM_ECDSA has CKF_SIGN but the profile has no C_SignInit")

    def test_digest_flags_only_on_digests_and_key_generators_only_generate(self):
        text = GOOD.replace("[CKF_VERIFY, CKF_EC_F_P", "[CKF_DIGEST, CKF_VERIFY, CKF_EC_F_P")
        self.refused(text, "CKM_ECDSA", "CKM_ECDSA is not a message digest")
        text = GOOD.replace("CKM_SHA256: {flags: [CKF_DIGEST]}", "CKM_SHA256: {flags: [CKF_DIGEST, CKF_VERIFY]}")
        self.refused(text, "CKM_SHA256", "its only flag is CKF_DIGEST")
        text = GOOD.replace("functions: [", "functions: [GenerateKeyPair, ").replace(
            "mechanisms:\n", "mechanisms:\n  CKM_EC_KEY_PAIR_GEN: {flags: [CKF_GENERATE_KEY_PAIR, CKF_VERIFY], "
                             "key_size: [256, 256]}\n")
        self.refused(text, "CKM_EC_KEY_PAIR_GEN", "its only operation flag is CKF_GENERATE_KEY_PAIR")

    def test_an_ec_key_size_is_a_curves_size(self):
        self.refused(GOOD.replace("[256, 384]", "[255, 384]"), "CKM_ECDSA", "255 is none")

    def test_a_test_group_needs_one_of_its_functions(self):
        self.refused(GOOD.replace("tests: [digest, keys]", "tests: [digest, keys,\n  login]"), "  login]",
                     "test group 'login' needs C_Login")

    def test_a_module_offers_only_what_the_backend_implements(self):
        text = GOOD.replace("mechanisms:\n", "mechanisms:\n  CKM_AES_CBC: {flags: [CKF_VERIFY]}\n")
        self.refused(text, "CKM_AES_CBC", "does not implement CKM_AES_CBC", backend=True)
        text = GOOD.replace("functions: [", "functions: [Encrypt, ").replace(
            "CKM_SHA256: {flags: [CKF_DIGEST]}",
            "CKM_SHA256: {flags: [CKF_DIGEST]}\n  CKM_RSA_PKCS: {flags: [CKF_ENCRYPT], key_size: [2048, 2048]}")
        self.refused(text, "CKM_RSA_PKCS", "CKM_RSA_PKCS cannot CKF_ENCRYPT", backend=True)
        self.refused(GOOD.replace("[256, 384]", "[224, 384]"), "CKM_ECDSA", "256 or 384 bits, not 224", backend=True)
        text = GOOD.replace("mechanisms:\n", "mechanisms:\n  CKM_RSA_PKCS: {flags: [CKF_VERIFY], key_size: [1024, 4096]}\n")
        self.refused(text, "CKM_RSA_PKCS", "key sizes 2048 to 4096, not 1024", backend=True)

    def test_the_built_in_profiles_pass(self):
        catalog = profile_checks.load_catalog(CATALOG)
        folder = os.path.join(support.ROOT, "spec", "profiles")
        for name in ("freertos", "freertos-ota", "freertos-device", "full"):
            resolved = profile.load(os.path.join(folder, f"{name}.yaml"), support.api(), [folder])
            profile_checks.check_backend(resolved, catalog, "catalog")


class CatalogInStepTest(unittest.TestCase):
    """spec/backend_mechanisms.yaml says what backend_wolfssl/mechanism_catalog.cpp implements."""

    def test_the_data_and_the_backends_table_agree(self):
        with open(KEY_LIMITS, encoding="utf-8") as stream:
            limits_text = stream.read()
        limits = {name: int(value) for name, value in
                  re.findall(r"constexpr CK_ULONG (k\w+) = (\d+);", limits_text)}
        # The maxima depend on the build (P-384, RSA_MAX_SIZE); the superset has both.
        limits.update({"kEcMaxBits": 384, "kRsaMaxBits": 4096})
        with open(CPP_CATALOG, encoding="utf-8") as stream:
            text = stream.read()
        rows = re.findall(r"^\s*\{(CKM_\w+), (\w+), (\w+), ([A-Z_| a-z]+)\},", text, re.M)
        self.assertGreater(len(rows), 10, "the C++ rows were found")
        catalog = profile_checks.load_catalog(CATALOG)
        self.assertEqual(sorted(catalog), sorted(name for name, *_ in rows))
        for name, low, high, flags in rows:
            expected_flags = set()
            for flag in flags.split("|"):
                flag = flag.strip()
                expected_flags |= ({"CKF_EC_F_P", "CKF_EC_NAMEDCURVE", "CKF_EC_UNCOMPRESS"}
                                   if flag == "kEcCapabilities" else {flag})
            data_flags, data_low, data_high, sizes = catalog[name]
            self.assertEqual(set(data_flags), expected_flags, name)
            low, high = (int(v) if v.isdigit() else limits[v] for v in (low, high))
            if sizes is not None:
                self.assertEqual((min(sizes), max(sizes)), (low, high), name)
            else:
                self.assertEqual((data_low, data_high), (low, high), name)


if __name__ == "__main__":
    unittest.main()


LEAN = GOOD.replace("key_size: [256, 384]", "key_size: [256, 256]") + "backend: lean\n"


class LeanBackendTest(support.TempDirMixin, unittest.TestCase):
    """backend: lean builds the backend of provisioned keys
    (backend_wolfssl/lean/): a profile that asks it for more is refused where
    it asks."""

    def load(self, text):
        support.write_files(self.tmp, {"p.yaml": text})
        return profile.load(os.path.join(self.tmp, "p.yaml"), support.api())

    def refused(self, text, marker, words):
        line = next(i for i, t in enumerate(text.splitlines(), 1) if marker in t)
        with self.assertRaises(SpecError) as caught:
            self.load(text)
        self.assertEqual((os.path.basename(caught.exception.path), caught.exception.line), ("p.yaml", line),
                         str(caught.exception))
        self.assertIn(words, caught.exception.reason)

    def test_a_verify_only_profile_is_lean_and_the_default_is_the_full_backend(self):
        self.assertEqual(self.load(LEAN).backend, "lean")
        self.assertEqual(self.load(GOOD).backend, "wolfssl")

    def test_a_function_the_lean_backend_lacks_is_refused(self):
        text = LEAN.replace("functions: [", "functions: [CopyObject, ")
        self.refused(text, "functions:", "backend lean implements no C_CopyObject")

    def test_a_lean_profile_signs_only_with_keys_sealed_under_the_device_key(self):
        signing = LEAN.replace("functions: [", "functions: [Sign, Random, ").replace("[CKF_VERIFY,", "[CKF_SIGN, CKF_VERIFY,")
        self.refused(signing, "functions:", "signs only with keys sealed under the device key")
        loaded = self.load(signing + "storage: {secrets: device}\n")
        self.assertTrue(loaded.has("C_SignInit") and loaded.has("C_GenerateRandom"))

    def test_a_lean_profile_makes_and_imports_keys_only_sealed_under_the_device_key(self):
        for family, words in (("GenerateKeyPair", "seals the keys it makes only under the device key"),
                              ("CreateObject", "seals the keys it imports only under the device key")):
            making = LEAN.replace("functions: [", f"functions: [{family}, ")
            self.refused(making, "functions:", words)
            self.assertTrue(self.load(making + "storage: {secrets: device}\n").has(f"C_{family}"))

    def test_a_mechanism_flag_or_size_the_lean_backend_lacks_is_refused(self):
        self.refused(LEAN.replace("[256, 256]", "[256, 384]"), "CKM_ECDSA", "takes key sizes 256 to 256, not 384")
        text = LEAN.replace("mechanisms:\n", "mechanisms:\n  CKM_SHA384: {flags: [CKF_DIGEST]}\n")
        self.refused(text, "CKM_SHA384", "backend lean does not implement CKM_SHA384")

    def test_an_unknown_backend_is_refused(self):
        self.refused(GOOD + "backend: tiny\n", "backend:", "backend must be one of wolfssl, lean")

    def test_the_backend_is_inherited_and_can_be_changed_back(self):
        support.write_files(self.tmp, {"base.yaml": LEAN.replace("description:", "abstract: true\ndescription:"),
                                       "child.yaml": "extends: base\ndescription: c\n",
                                       "full.yaml": "extends: base\ndescription: f\nbackend: wolfssl\n"})
        self.assertEqual(profile.load(os.path.join(self.tmp, "child.yaml"), support.api()).backend, "lean")
        self.assertEqual(profile.load(os.path.join(self.tmp, "full.yaml"), support.api()).backend, "wolfssl")
