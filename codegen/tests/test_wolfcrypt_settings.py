"""A profile's mechanisms mapped to its wolfCrypt user_settings.h."""
import dataclasses
import os
import re
import types
import unittest

from p11gen import profile, render, wolfcrypt_settings
from p11gen.profile import Mechanism
from tests import support

CATALOG = os.path.join(support.ROOT, "backend_wolfssl", "mechanism_catalog.cpp")
# Mechanisms of the catalog that need nothing beyond the fixed base.
BASE_MECHANISMS = {"CKM_SHA256", "CKM_SHA256_HMAC"}


def mechanism(name, low=0, high=0):
    return Mechanism(name, ["CKF_SIGN"], low, high)


def settings(*mechanisms, functions=(), sp_math="small", backend="wolfssl"):
    return wolfcrypt_settings.settings_for(
        types.SimpleNamespace(mechanisms=list(mechanisms), has=lambda function: function in functions,
                              firmware_sp_math=sp_math, backend=backend))


def header_of(name, **changes):
    api = support.api()
    resolved = profile.load(os.path.join(support.PROFILES, f"{name}.yaml"), api)
    resolved = dataclasses.replace(resolved, **changes)
    return render.render(api, resolved, ["test"])["wolfcrypt_user_settings.h"]


def firmware_block(header):
    return header.split("#if defined(P11_FIRMWARE)\n")[1].split("#endif\n\n")[0]


def defines(header):
    """The macros the header defines, with their values ('' for none)."""
    return dict(re.findall(r"^#define (\w+) ?(.*)$", header, re.M))


class MappingTest(unittest.TestCase):
    def test_digest_only_profile_gets_the_smallest_build(self):
        s = settings(mechanism("CKM_SHA256"))
        self.assertFalse(s.sha384 or s.sha512 or s.p384 or s.rsa_pss or s.rsa_raw or s.rsa_keygen)
        # No SHA-1: nothing names it, and no function can create an object
        # (whose CKA_CHECK_VALUE the object layer computes with it).
        self.assertFalse(s.sha1)
        # RSA and P-256 stay: the object layer checks RSA and EC key objects.
        self.assertEqual((s.rsa_max_bits, s.sp_rsa_sizes, s.sp_int_bits), (2048, (2048,), 2048))

    def test_sha1_when_a_mechanism_names_it_or_objects_can_be_made(self):
        self.assertTrue(settings(mechanism("CKM_SHA_1")).sha1)
        for function in wolfcrypt_settings.KEY_CREATING_FUNCTIONS:
            self.assertTrue(settings(mechanism("CKM_SHA256"), functions=(function,)).sha1, function)
        self.assertFalse(settings(mechanism("CKM_SHA256"), functions=("C_FindObjects", "C_Verify")).sha1)

    def test_each_hash_only_when_a_mechanism_names_it(self):
        self.assertTrue(settings(mechanism("CKM_ECDSA_SHA384")).sha384)
        self.assertTrue(settings(mechanism("CKM_SHA384_RSA_PKCS", 2048, 2048)).sha384)
        self.assertFalse(settings(mechanism("CKM_SHA512")).sha384)
        # sha512.c makes SHA-384 from SHA-512: one does not build without the other.
        self.assertTrue(settings(mechanism("CKM_SHA384")).sha512)
        self.assertTrue(settings(mechanism("CKM_SHA512")).sha512)

    def test_p384_only_when_an_ec_range_reaches_384(self):
        self.assertFalse(settings(mechanism("CKM_ECDSA", 256, 256)).p384)
        self.assertTrue(settings(mechanism("CKM_ECDSA", 256, 384)).p384)
        self.assertTrue(settings(mechanism("CKM_EC_KEY_PAIR_GEN", 384, 384)).p384)
        self.assertTrue(settings(mechanism("CKM_ECDSA")).p384, "no upper bound reaches P-384")
        self.assertEqual(settings(mechanism("CKM_ECDSA", 256, 384)).sp_int_bits, 2048)

    def test_p384_brings_sha384_for_its_48_byte_ecdsa_inputs(self):
        # wolfCrypt refuses ECDSA inputs longer than its largest digest.
        self.assertTrue(settings(mechanism("CKM_ECDSA", 256, 384)).sha384)
        self.assertFalse(settings(mechanism("CKM_ECDSA", 256, 256)).sha384)

    def test_pss_raw_and_key_generation_follow_their_mechanisms(self):
        self.assertTrue(settings(mechanism("CKM_SHA256_RSA_PKCS_PSS", 2048, 2048)).rsa_pss)
        self.assertTrue(settings(mechanism("CKM_RSA_X_509", 2048, 2048)).rsa_raw)
        self.assertTrue(settings(mechanism("CKM_RSA_PKCS_KEY_PAIR_GEN", 2048, 2048)).rsa_keygen)
        # EC key generation needs no wolfCrypt option.
        self.assertFalse(settings(mechanism("CKM_EC_KEY_PAIR_GEN", 256, 256)).rsa_keygen)

    def test_rsa_sizes_come_from_the_key_size_ranges(self):
        s = settings(mechanism("CKM_RSA_PKCS", 2048, 3072))
        self.assertEqual((s.rsa_max_bits, s.sp_rsa_sizes, s.sp_int_bits), (3072, (2048, 3072), 3072))
        s = settings(mechanism("CKM_RSA_PKCS", 3072, 4096), mechanism("CKM_SHA256_RSA_PKCS", 2048, 2048))
        self.assertEqual(s.sp_rsa_sizes, (2048, 3072, 4096))
        # Cut to what the backend takes: 2048 .. 4096 bits.
        s = settings(mechanism("CKM_RSA_PKCS", 1024, 8192))
        self.assertEqual((s.rsa_max_bits, s.sp_int_bits), (4096, 4096))
        self.assertEqual(settings(mechanism("CKM_RSA_PKCS")).rsa_max_bits, 4096, "no upper bound")

    def test_a_mechanism_the_backend_lacks_needs_nothing(self):
        self.assertEqual(settings(mechanism("CKM_SHA224")), settings(mechanism("CKM_SHA256")))

    def test_the_tables_cover_the_mechanism_catalog(self):
        with open(CATALOG, encoding="utf-8") as stream:
            catalog = set(re.findall(r"^\s*\{(CKM_\w+),", stream.read(), re.M))
        mapped = (set(wolfcrypt_settings.HASH_NEEDS) | set(wolfcrypt_settings.RSA_MECHANISMS)
                  | set(wolfcrypt_settings.EC_MECHANISMS) | BASE_MECHANISMS)
        self.assertEqual(catalog, mapped)


class HeaderTest(unittest.TestCase):
    def test_hardening_on_and_tls_off_in_every_profile(self):
        for name in ("freertos", "freertos-ota", "full"):
            macros = defines(header_of(name))
            for macro in ("WOLFCRYPT_ONLY", "TFM_TIMING_RESISTANT", "ECC_TIMING_RESISTANT", "WC_RSA_BLINDING",
                          "WOLFSSL_SP_MATH_ALL", "WOLFSSL_HAVE_SP_ECC", "WOLFSSL_HAVE_SP_RSA"):
                self.assertIn(macro, macros, name)
            self.assertNotIn("WC_NO_HARDEN", macros, name)
            self.assertNotIn("NO_HMAC", macros, name)
            self.assertNotIn("NO_PWDBASED", macros, name)

    def test_full_backend_has_the_drbg_and_aes_the_lean_one_neither(self):
        # The full backend seals secrets (AES-GCM) and draws random numbers;
        # the lean one (freertos-ota) does neither, so its wolfCrypt has no
        # DRBG, no AES and no seed hook.
        for name in ("freertos", "full"):
            macros = defines(header_of(name))
            for macro in ("HAVE_HASHDRBG", "HAVE_AESGCM", "CUSTOM_RAND_GENERATE_SEED"):
                self.assertIn(macro, macros, name)
            self.assertNotIn("WC_NO_RNG", macros, name)
        macros = defines(header_of("freertos-ota"))
        for macro in ("WC_NO_RNG", "NO_AES"):
            self.assertIn(macro, macros)
        for macro in ("HAVE_HASHDRBG", "HAVE_AESGCM", "CUSTOM_RAND_GENERATE_SEED", "WOLFSSL_AES_SMALL_TABLES"):
            self.assertNotIn(macro, macros)
        self.assertTrue(settings(mechanism("CKM_ECDSA"), backend="lean").lean)
        self.assertFalse(settings(mechanism("CKM_ECDSA")).lean)

    def test_a_lean_profile_that_signs_has_the_drbg_and_aes_one_that_draws_the_drbg(self):
        # Signing opens keys sealed under the device key (AES-GCM) and draws
        # ECDSA nonces; C_GenerateRandom alone needs only the DRBG.
        verify = Mechanism("CKM_ECDSA", ["CKF_VERIFY"], 256, 256)
        sign = Mechanism("CKM_ECDSA", ["CKF_SIGN", "CKF_VERIFY"], 256, 256)
        only_verifies = settings(verify, backend="lean")
        self.assertEqual((only_verifies.drbg, only_verifies.aes_gcm), (False, False))
        draws = settings(verify, functions=("C_GenerateRandom",), backend="lean")
        self.assertEqual((draws.drbg, draws.aes_gcm), (True, False))
        seeds = settings(verify, functions=("C_SeedRandom",), backend="lean")
        self.assertEqual((seeds.drbg, seeds.aes_gcm), (True, False))
        signs = settings(sign, functions=("C_SignInit",), backend="lean")
        self.assertEqual((signs.drbg, signs.aes_gcm, signs.verify_only, signs.rsa_verify_only),
                         (True, True, False, True))
        rsa_signs = settings(sign, Mechanism("CKM_RSA_PKCS", ["CKF_SIGN"], 2048, 2048), backend="lean")
        self.assertFalse(rsa_signs.rsa_verify_only)
        # Making an EC key pair seals its private value (AES-GCM) and draws it
        # (DRBG); a lean token makes no RSA key, so RSA stays verify-only.
        generate = Mechanism("CKM_EC_KEY_PAIR_GEN", ["CKF_GENERATE_KEY_PAIR"], 256, 256)
        rsa = Mechanism("CKM_RSA_PKCS", ["CKF_VERIFY"], 2048, 2048)
        makes = settings(verify, generate, rsa, functions=("C_GenerateKeyPair",), backend="lean")
        self.assertEqual((makes.drbg, makes.aes_gcm, makes.verify_only, makes.rsa_verify_only),
                         (True, True, False, True))
        full_makes = settings(verify, generate, rsa, functions=("C_GenerateKeyPair",))
        self.assertFalse(full_makes.rsa_verify_only)
        macros = defines(header_of("freertos-tls"))
        # Its RSA keys only verify: no RSA private-key code.
        for macro in ("HAVE_HASHDRBG", "HAVE_AESGCM", "WOLFSSL_RSA_VERIFY_ONLY"):
            self.assertIn(macro, macros)
        for macro in ("WC_NO_RNG", "NO_AES", "NO_ECC_SIGN"):
            self.assertNotIn(macro, macros)

    def test_assembly_only_on_x86_64(self):
        header = header_of("full")
        block = header.split("#if defined(__x86_64__)\n")[1].split("#endif")[0]
        for macro in ("WOLFSSL_SP_X86_64_ASM", "WOLFSSL_SP_ASM", "USE_INTEL_SPEEDUP"):
            self.assertIn(f"#define {macro}\n", block)
            self.assertEqual(header.count(f"#define {macro}\n"), 1, f"{macro} only inside the x86_64 block")

    def test_firmware_sp_math_is_the_profiles_choice(self):
        self.assertFalse(settings(mechanism("CKM_ECDSA")).sp_cortex_m_asm)
        self.assertTrue(settings(mechanism("CKM_ECDSA"), sp_math="cortex-m-asm").sp_cortex_m_asm)
        self.assertTrue(settings(mechanism("CKM_ECDSA"), sp_math="minimal").sp_minimal)
        self.assertFalse(settings(mechanism("CKM_ECDSA"), sp_math="small").sp_minimal)
        for name in ("freertos-ota", "full"):
            firmware = firmware_block(header_of(name))
            self.assertIn("#define WOLFSSL_SP_SMALL\n", firmware, name)
            self.assertNotIn("WOLFSSL_SP_ARM_CORTEX_M_ASM", firmware, name)

    def test_minimal_sp_math_drops_fixed_size_rsa_and_unrolled_sha1_sha512_only(self):
        less = ("#undef WOLFSSL_HAVE_SP_RSA\n", "#undef WOLFSSL_SP_4096\n", "#define USE_SLOW_SHA\n",
                "#define USE_SLOW_SHA512\n")
        minimal = header_of("freertos")  # the default
        small = header_of("freertos", firmware_sp_math="small")
        for line in less:
            self.assertIn(line, firmware_block(minimal), line)
            self.assertNotIn(line, small, line)
        # Curves keep their fixed-size code (any-size ECC verification holds
        # 16 points of SP_INT_BITS numbers); the PIN's SHA-256 stays unrolled.
        for kept in ("WOLFSSL_SP_384", "WOLFSSL_HAVE_SP_ECC", "USE_SLOW_SHA256"):
            self.assertNotIn(f"#undef {kept}", minimal, kept)
        self.assertNotIn("USE_SLOW_SHA256", minimal)
        # Only firmware builds: the host's part is the same bytes.
        self.assertEqual(minimal.split("#if defined(P11_FIRMWARE)")[0], small.split("#if defined(P11_FIRMWARE)")[0])

    def test_ota_profile_leaves_out_what_it_does_not_verify_with(self):
        macros = defines(header_of("freertos-ota"))
        for macro in ("WOLFSSL_SHA384", "WOLFSSL_SHA512", "HAVE_ECC384", "WOLFSSL_SP_384", "WC_RSA_PSS",
                      "WC_RSA_NO_PADDING", "WOLFSSL_KEY_GEN"):
            self.assertNotIn(macro, macros)
        self.assertIn("NO_SHA", macros, "no SHA-1: it creates no object, so it computes no CKA_CHECK_VALUE")
        self.assertEqual(macros["RSA_MAX_SIZE"], "4096")

    def test_only_a_profile_that_just_verifies_is_verify_only(self):
        verify = Mechanism("CKM_ECDSA", ["CKF_VERIFY"], 256, 256)
        self.assertTrue(settings(verify).verify_only)
        self.assertFalse(settings(verify, functions=("C_CreateObject",)).verify_only,
                         "an imported private key is checked with private-key math")
        self.assertFalse(settings(verify, Mechanism("CKM_RSA_PKCS", ["CKF_ENCRYPT"], 2048, 2048)).verify_only)
        self.assertFalse(settings(mechanism("CKM_ECDSA")).verify_only)

    def test_verify_only_profile_builds_no_private_key_code(self):
        macros = defines(header_of("freertos-ota"))
        for macro in ("WOLFSSL_RSA_PUBLIC_ONLY", "WOLFSSL_RSA_VERIFY_ONLY", "NO_ECC_SIGN"):
            self.assertIn(macro, macros)
        for name in ("freertos", "full"):
            self.assertNotIn("WOLFSSL_RSA_PUBLIC_ONLY", defines(header_of(name)))

    def test_full_profile_has_every_algorithm_of_the_backend(self):
        macros = defines(header_of("full"))
        for macro in ("WOLFSSL_SHA384", "WOLFSSL_SHA512", "HAVE_ECC384", "WOLFSSL_SP_384", "WC_RSA_PSS",
                      "WOLFSSL_PSS_LONG_SALT", "WC_RSA_NO_PADDING", "WOLFSSL_KEY_GEN", "WOLFSSL_SP_4096"):
            self.assertIn(macro, macros)
        self.assertNotIn("NO_SHA", macros)
        self.assertEqual(macros["SP_INT_BITS"], "4096")

    def test_profiles_with_the_same_needs_get_the_same_bytes(self):
        # freertos-device only changes the store: one shared wolfCrypt build.
        self.assertEqual(header_of("freertos"), header_of("freertos-device"))
        self.assertNotEqual(header_of("freertos"), header_of("full"))


if __name__ == "__main__":
    unittest.main()
