"""Stage 2b: profiles resolved, and rejected with file, line and reason."""
import os
import textwrap
import unittest

from p11gen import profile
from p11gen.errors import SpecError
from tests import support

BASE = """
description: a base
abstract: true
families:
  Core: [Initialize, Finalize, GetInfo, GetSlotList, GetTokenInfo, Session]
functions: [Core]
limits:
  sessions: 4
  pin_length: [4, 16]
token:
  initialized: true
  label: Test
  so_pin: "12345678"
  user_pin: "1234"
"""

CHILD = """
extends: base
functions: [Core, Login, C_DigestInit, C_SignInit, C_VerifyInit]
mechanisms:
  CKM_SHA256: {flags: [CKF_DIGEST]}
  CKM_ECDSA: {flags: [CKF_SIGN, CKF_VERIFY], key_size: [256, 384]}
tests: [skeleton, login]
"""


class ProfileTest(support.TempDirMixin, unittest.TestCase):
    def write(self, **files):
        support.write_files(self.tmp, {f"{name.replace('_', '-')}.yaml": text for name, text in files.items()})

    def load(self, name="child"):
        return profile.load(os.path.join(self.tmp, f"{name}.yaml"), support.api())

    def assert_error(self, name, marker, words, load=None):
        """Loading `load` (default `name`) fails naming file `name`, the line holding `marker`, and `words`."""
        path = os.path.join(self.tmp, f"{name}.yaml")
        with open(path, encoding="utf-8") as stream:
            lines = stream.read().splitlines()
        line = next(i for i, text in enumerate(lines, 1) if marker in text)
        with self.assertRaises(SpecError) as caught:
            self.load(load or name)
        self.assertEqual(os.path.basename(caught.exception.path), f"{name}.yaml", str(caught.exception))
        self.assertEqual(caught.exception.line, line, str(caught.exception))
        self.assertIn(words, caught.exception.reason)

    def test_extends_merges_families_limits_and_token(self):
        self.write(base=BASE, child=CHILD)
        resolved = self.load()
        self.assertIn("C_OpenSession", resolved.functions)
        self.assertIn("C_Login", resolved.functions)
        self.assertIn("C_DigestInit", resolved.functions)
        self.assertNotIn("C_Sign", resolved.functions)
        self.assertIn("C_GetFunctionList", resolved.functions, "always present: modules are loaded through it")
        for legacy in ("C_GetFunctionStatus", "C_CancelFunction"):
            self.assertIn(legacy, resolved.functions, "always present: v2.40 §5.16 answers CKR_FUNCTION_NOT_PARALLEL")
        self.assertEqual(resolved.limits["sessions"], 4)
        self.assertEqual(resolved.token["user_pin"], "1234")
        self.assertEqual([m.name for m in resolved.mechanisms], ["CKM_SHA256", "CKM_ECDSA"])
        self.assertEqual(resolved.mechanisms[1].max_key_size, 384)

    def test_functions_keep_the_header_order(self):
        self.write(base=BASE, child=CHILD)
        functions = self.load().functions
        order = list(support.api().functions)
        self.assertEqual(functions, sorted(functions, key=order.index))

    def test_unknown_function_or_family(self):
        self.write(base=BASE, child=CHILD.replace("C_DigestInit", "C_DigestInnit"))
        self.assert_error("child", "C_DigestInnit", "unknown function or family 'C_DigestInnit'")

    def test_unknown_family_inside_a_family(self):
        self.write(base=BASE.replace("Session]", "Sesion]"), child=CHILD)
        self.assert_error("base", "Sesion", "unknown function or family 'Sesion'", load="child")

    def test_unknown_mechanism(self):
        self.write(base=BASE, child=CHILD.replace("CKM_SHA256:", "CKM_SHA257:"))
        self.assert_error("child", "CKM_SHA257", "unknown mechanism 'CKM_SHA257'")

    def test_unknown_flag(self):
        self.write(base=BASE, child=CHILD.replace("[CKF_DIGEST]", "[CKF_DIGESTS]"))
        self.assert_error("child", "CKF_DIGESTS", "unknown flag 'CKF_DIGESTS'")

    def test_bad_key(self):
        self.write(base=BASE, child=CHILD + "mechansims: {}\n")
        self.assert_error("child", "mechansims", "unknown profile key 'mechansims'")

    def test_pin_tries_default_to_ten_and_may_be_set(self):
        self.write(base=BASE, child=CHILD)
        self.assertEqual(self.load().limits["pin_tries"], 10)
        self.write(base=BASE, child=CHILD + "limits:\n  pin_tries: 0\n")
        self.assertEqual(self.load().limits["pin_tries"], 0, "0: a PIN never locks")

    def test_negative_pin_tries_is_rejected(self):
        self.write(base=BASE, child=CHILD + "limits:\n  pin_tries: -1\n")
        self.assert_error("child", "pin_tries: -1", "pin_tries must be an integer >= 0")

    def test_pin_iterations_default_and_lower_bound(self):
        self.write(base=BASE, child=CHILD)
        self.assertEqual(self.load().limits["pin_iterations"], 100000)
        self.write(base=BASE, child=CHILD + "limits:\n  pin_iterations: 20000\n")
        self.assertEqual(self.load().limits["pin_iterations"], 20000)
        self.write(base=BASE, child=CHILD + "limits:\n  pin_iterations: 999\n")
        self.assert_error("child", "pin_iterations: 999", "pin_iterations must be an integer >= 1000")

    def test_firmware_budgets_are_inherited_overridden_and_checked(self):
        self.write(base=BASE + "firmware:\n  budgets: {layer_flash: 1000, stack: 6144}\n",
                   child=CHILD + "firmware:\n  budgets: {layer_flash: 2000}\n")
        self.assertEqual(self.load().firmware_budgets, {"layer_flash": 2000})
        self.write(base=BASE + "firmware:\n  budgets: {stack: 6144}\n", child=CHILD)
        self.assertEqual(self.load().firmware_budgets, {"stack": 6144})
        self.write(base=BASE, child=CHILD + "firmware:\n  budgets: {rom: 5}\n")
        self.assert_error("child", "budgets: {rom: 5}", "unknown firmware budget 'rom'")
        self.write(base=BASE, child=CHILD + "firmware:\n  budgets: {stack: 0}\n")
        self.assert_error("child", "budgets: {stack: 0}", "firmware budget stack must be an integer >= 1")
        self.write(base=BASE, child=CHILD + "firmware:\n  sizes: {}\n")
        self.assert_error("child", "sizes: {}", "unknown firmware key 'sizes'")

    def test_firmware_sp_math_defaults_to_minimal_is_inherited_and_checked(self):
        self.write(base=BASE, child=CHILD)
        self.assertEqual(self.load().firmware_sp_math, "minimal")
        self.write(base=BASE + "firmware:\n  sp_math: cortex-m-asm\n", child=CHILD)
        self.assertEqual(self.load().firmware_sp_math, "cortex-m-asm")
        self.write(base=BASE + "firmware:\n  sp_math: cortex-m-asm\n", child=CHILD + "firmware:\n  sp_math: small\n")
        self.assertEqual(self.load().firmware_sp_math, "small")
        self.write(base=BASE, child=CHILD + "firmware:\n  sp_math: fast\n")
        self.assert_error("child", "sp_math: fast", "firmware.sp_math must be one of minimal, small, cortex-m-asm")

    def test_deviations_are_known_names_inherited_in_a_fixed_order(self):
        self.write(base=BASE + "deviations: [sign_length_query_ends_operation]\n",
                   child=CHILD + "deviations: [digest_ignores_parameters]\n")
        self.assertEqual(self.load().deviations, ["digest_ignores_parameters", "sign_length_query_ends_operation"])
        self.write(base=BASE, child=CHILD)
        self.assertEqual(self.load().deviations, [])
        self.write(base=BASE, child=CHILD + "deviations: [lenient_everything]\n")
        self.assert_error("child", "lenient_everything", "unknown deviation 'lenient_everything'")

    def test_storage_secrets_default_to_pin_and_may_be_device(self):
        self.write(base=BASE, child=CHILD)
        self.assertEqual(self.load().storage_secrets, "pin")
        self.write(base=BASE, child=CHILD + "storage:\n  secrets: device\n")
        loaded = self.load()
        self.assertEqual(loaded.storage_secrets, "device")
        self.assertIsNone(loaded.storage_labels, "secrets alone keeps any label")

    def test_storage_secrets_other_value_is_rejected(self):
        self.write(base=BASE, child=CHILD + "storage:\n  secrets: clear\n")
        self.assert_error("child", "secrets: clear", "storage.secrets must be 'pin' or 'device'")

    def test_bad_limits_key(self):
        self.write(base=BASE.replace("  sessions: 4", "  sesions: 4"), child=CHILD)
        self.assert_error("base", "sesions", "unknown limits key 'sesions'", load="child")

    def test_cycle_in_extends(self):
        self.write(a="extends: b\nfunctions: [Core]\n", b="description: b\nextends: a\nfunctions: [Core]\n")
        self.assert_error("b", "extends: a", "cycle in extends: a.yaml -> b.yaml -> a.yaml", load="a")

    def test_extends_unknown_profile(self):
        self.write(child=CHILD.replace("extends: base", "extends: nowhere"))
        self.assert_error("child", "extends: nowhere", "extends unknown profile 'nowhere'")

    def test_abstract_profile_is_not_generated(self):
        self.write(base=BASE)
        self.assert_error("base", "abstract: true", "abstract")

    def test_initialized_token_needs_pins(self):
        self.write(base=BASE.replace('  user_pin: "1234"\n', ""), child=CHILD)
        with self.assertRaises(SpecError) as caught:
            self.load()
        self.assertIn("needs label, so_pin and user_pin", caught.exception.reason)

    def test_default_pin_outside_the_length_limits(self):
        self.write(base=BASE.replace('user_pin: "1234"', 'user_pin: "12"'), child=CHILD)
        self.assert_error("base", 'user_pin: "12"', "outside limits.pin_length", load="child")

    def test_unknown_test_group(self):
        self.write(base=BASE, child=CHILD.replace("[skeleton, login]", "[skeleton, logins]"))
        self.assert_error("child", "logins", "unknown test group 'logins'")

    def test_remove_takes_functions_mechanisms_and_tests_away_from_the_bases(self):
        grandchild = ("extends: child\nremove:\n  functions: [Login, C_SignInit]\n  mechanisms: [CKM_ECDSA]\n"
                      "  tests: [login]\nfunctions: [C_GenerateRandom]\n")
        self.write(base=BASE, child=CHILD, grandchild=grandchild)
        resolved = self.load("grandchild")
        self.assertNotIn("C_Login", resolved.functions)
        self.assertNotIn("C_Logout", resolved.functions, "the whole family goes")
        self.assertNotIn("C_SignInit", resolved.functions)
        self.assertIn("C_VerifyInit", resolved.functions)
        self.assertIn("C_GenerateRandom", resolved.functions, "the profile's own entries come after the removal")
        self.assertEqual([m.name for m in resolved.mechanisms], ["CKM_SHA256"])
        self.assertEqual(resolved.tests, ["skeleton"])

    def test_a_mechanism_set_to_remove_or_null_is_taken_away(self):
        for spelling in ("remove", "null", "~"):
            self.write(base=BASE, child=CHILD,
                       grandchild=f"extends: child\nmechanisms:\n  CKM_ECDSA: {spelling}\nfunctions: [Core]\n")
            self.assertEqual([m.name for m in self.load("grandchild").mechanisms], ["CKM_SHA256"], spelling)

    def test_removing_what_no_base_has_is_an_error_with_its_line(self):
        self.write(base=BASE, child=CHILD, grandchild="extends: child\nmechanisms:\n  CKM_AES_CBC: remove\n")
        self.assert_error("grandchild", "CKM_AES_CBC", "cannot remove CKM_AES_CBC: no base profile offers it")
        self.write(grandchild="extends: child\nremove:\n  functions: [Random]\n")
        self.assert_error("grandchild", "functions: [Random]", "cannot remove 'Random'")
        self.write(grandchild="extends: child\nremove:\n  tests: [digest]\n")
        self.assert_error("grandchild", "tests: [digest]", "no base profile has it")
        self.write(grandchild="extends: child\nremove:\n  limits: [sessions]\n")
        self.assert_error("grandchild", "limits:", "remove takes functions, mechanisms, tests, deviations")

    def test_a_v30_function_is_named_as_such_not_as_a_typo(self):
        self.write(base=BASE, child=CHILD.replace("C_DigestInit,", "C_DigestInit, C_GetInterface,"))
        self.assert_error("child", "C_GetInterface", "C_GetInterface is a PKCS #11 v3.0 function")

    def test_a_function_entry_that_is_not_a_name_is_refused_with_its_line(self):
        # Found by test_profile_fuzz.py: a list here raised TypeError.
        self.write(base=BASE, child=CHILD.replace("C_DigestInit,", "[C_DigestInit],"))
        self.assert_error("child", "[C_DigestInit]", "a function or family is named by a string")
        self.write(child="extends: base\nremove:\n  mechanisms: [[CKM_SHA256]]\nfunctions: [Core]\n")
        self.assert_error("child", "mechanisms: [[CKM_SHA256]]", "cannot remove")

    def test_cipher_and_key_management_groups(self):
        child = CHILD.replace("[skeleton, login]", "[skeleton, cipher, key_management]")
        self.write(base=BASE, child=child.replace("C_VerifyInit]", "C_VerifyInit, C_EncryptInit, C_GenerateKey]"))
        self.assertEqual(self.load().tests, ["skeleton", "cipher", "key_management"])

    def test_provisioning_must_name_a_profile_that_creates_objects(self):
        self.write(base=BASE, child=CHILD, ota="extends: base\nprovisioning: child\nfunctions: [Core]\n")
        self.assert_error("ota", "provisioning: child", "cannot create objects", load="ota")
        self.write(ota="extends: base\nprovisioning: nobody\nfunctions: [Core]\n")
        self.assert_error("ota", "provisioning: nobody", "unknown profile 'nobody'", load="ota")

    def test_storage_labels_fixed_list(self):
        self.write(base=BASE, child=CHILD + "storage:\n  labels: [Device Cert, Device Priv TLS Key, p11forge token]\n")
        self.assertEqual(self.load().storage_labels, ["Device Cert", "Device Priv TLS Key", "p11forge token"])

    def test_fixed_labels_without_the_token_record_label_are_rejected(self):
        self.write(base=BASE, child=CHILD + "storage:\n  labels: [Device Cert]\n")
        self.assert_error("child", "labels: [Device Cert]", "must include 'p11forge token'")

    def test_family_name_with_whitespace_is_rejected(self):
        self.write(base=BASE, child=CHILD + "families:\n  Core Two: [Initialize]\n")
        self.assert_error("child", "Core Two:", "family name 'Core Two' must be one word")

    def test_family_members_are_resolved_in_header_order(self):
        self.write(base=BASE, child=CHILD + "families:\n  Mixed: [Login, C_DigestInit, Initialize]\n")
        self.assertEqual(self.load().families["Mixed"],
                         ["C_Initialize", "C_GetFunctionList", "C_Login", "C_Logout", "C_DigestInit"])

    def test_fixed_label_listed_twice_is_rejected(self):
        self.write(base=BASE, child=CHILD + "storage:\n  labels: [Device Cert, Device Cert, p11forge token]\n")
        self.assert_error("child", "labels: [Device", "listed twice")


class VendorProfileTest(support.TempDirMixin, unittest.TestCase):
    """A profile kept outside spec/profiles builds on the shipped ones."""

    def load(self, name, search_dirs=(support.PROFILES,)):
        return profile.load(os.path.join(self.tmp, f"{name}.yaml"), support.api(), search_dirs)

    def test_extends_a_built_in_profile(self):
        support.write_files(self.tmp, {"vendor.yaml": """
            description: a vendor's FreeRTOS with a smaller session table
            extends: freertos
            limits:
              sessions: 2
            """})
        vendor = self.load("vendor")
        self.assertEqual(vendor.name, "vendor")
        self.assertIn("C_Sign", vendor.functions)
        self.assertIn("FreeRTOS+TCP", vendor.families)
        self.assertEqual(vendor.limits["sessions"], 2)
        self.assertEqual(vendor.token["user_pin"], "0000")
        self.assertEqual([os.path.basename(p) for p in vendor.chain],
                         ["freertos-common.yaml", "freertos.yaml", "vendor.yaml"])

    def test_own_folder_comes_first(self):
        support.write_files(self.tmp, {
            "freertos.yaml": "description: a local stand-in\nfunctions: [Initialize, Finalize, GetInfo, GetSlotList, GetTokenInfo]\n",
            "vendor.yaml": "extends: freertos\n"})
        self.assertNotIn("C_Sign", self.load("vendor").functions)

    def test_without_the_search_folder_a_built_in_is_unknown(self):
        support.write_files(self.tmp, {"vendor.yaml": "extends: freertos\n"})
        with self.assertRaises(SpecError) as caught:
            self.load("vendor", search_dirs=())
        self.assertIn("extends unknown profile 'freertos'", caught.exception.reason)
        self.assertEqual(caught.exception.line, 1)

    def test_provisioning_by_a_built_in_profile(self):
        support.write_files(self.tmp, {"vendor-ota.yaml": """
            extends: freertos-ota
            provisioning: freertos
            """})
        self.assertEqual(self.load("vendor-ota").provisioning, "freertos")


class ShippedProfilesTest(unittest.TestCase):
    def load(self, name):
        return profile.load(os.path.join(support.PROFILES, f"{name}.yaml"), support.api())

    def test_freertos_has_every_family_of_the_seed_table(self):
        freertos = self.load("freertos")
        for family in ("Any", "Provisioning", "TLS", "FreeRTOS+TCP", "OTA"):
            self.assertIn(family, freertos.families)
            for function in freertos.families[family]:
                self.assertIn(function, freertos.functions)
        for function in ("C_GenerateKeyPair", "C_CreateObject", "C_DestroyObject", "C_InitToken", "C_GetTokenInfo",
                         "C_GenerateRandom", "C_Sign", "C_FindObjects", "C_GetAttributeValue", "C_Digest",
                         "C_Verify", "C_Login", "C_OpenSession", "C_CloseSession", "C_GetSlotList"):
            self.assertIn(function, freertos.functions)
        self.assertTrue(freertos.token["initialized"])

    def test_freertos_ota_leaves_out_everything_but_ota(self):
        ota = self.load("freertos-ota")
        self.assertIn("C_VerifyInit", ota.functions)
        for function in ("C_GenerateKeyPair", "C_Sign", "C_CreateObject", "C_GenerateRandom"):
            self.assertNotIn(function, ota.functions)

    def test_full_starts_uninitialized(self):
        self.assertFalse(self.load("full").token["initialized"])


if __name__ == "__main__":
    unittest.main()
