"""A profile's mechanisms mapped to the wolfCrypt it needs (its user_settings.h).

Only what the profile's mechanisms use goes in, on top of what the backend
itself always needs: SHA-256, HMAC and PBKDF2 (PIN verifiers), the Hash
DRBG (sessions, key generation, RSA blinding), ASN.1 (DigestInfo, ECDSA
signature encoding), and RSA and P-256 ECC, because the object layer parses
and checks RSA and EC key objects (C_CreateObject) whatever the mechanisms.
Profiles that need the same algorithms get the same settings, so that they
share one wolfCrypt build (the CMake target is keyed by the file's hash).
"""
from dataclasses import dataclass

# The mechanisms the backend implements (backend_wolfssl/mechanism_catalog.cpp)
# and the optional wolfCrypt parts each one needs. A mechanism outside this
# table is never offered by the backend, so it needs nothing.
HASH_NEEDS = {
    "CKM_SHA_1": "sha1",
    "CKM_SHA384": "sha384",
    "CKM_SHA512": "sha512",
    "CKM_SHA384_RSA_PKCS": "sha384",
    "CKM_ECDSA_SHA384": "sha384",
}
RSA_MECHANISMS = ("CKM_RSA_PKCS_KEY_PAIR_GEN", "CKM_RSA_PKCS", "CKM_RSA_X_509", "CKM_RSA_PKCS_PSS",
                  "CKM_SHA256_RSA_PKCS", "CKM_SHA384_RSA_PKCS", "CKM_SHA256_RSA_PKCS_PSS")
PSS_MECHANISMS = ("CKM_RSA_PKCS_PSS", "CKM_SHA256_RSA_PKCS_PSS")
RAW_RSA_MECHANISMS = ("CKM_RSA_X_509",)
RSA_KEYGEN_MECHANISMS = ("CKM_RSA_PKCS_KEY_PAIR_GEN",)
EC_MECHANISMS = ("CKM_EC_KEY_PAIR_GEN", "CKM_ECDSA", "CKM_ECDSA_SHA256", "CKM_ECDSA_SHA384")

# backend_wolfssl/crypto/key_limits.h: RSA moduli the engines accept, and
# the sizes wolfCrypt's SP code has fixed-size (fast) routines for.
RSA_MIN_BITS = 2048
RSA_MAX_BITS = 4096
SP_RSA_SIZES = (2048, 3072, 4096)
P256_BITS = 256
P384_BITS = 384

# A verify-only profile: no mechanism signs, decrypts, unwraps, derives or
# uses a public key for anything but verifying, and no function can bring a
# key into the token (whose material the object layer would check with
# private-key math). Its wolfCrypt has no private-key code at all
# (verify_only: WOLFSSL_RSA_PUBLIC_ONLY, WOLFSSL_RSA_VERIFY_ONLY, NO_ECC_SIGN;
# wolfSSL 5.5.4's sp_int.c builds RSA_PUBLIC_ONLY only with VERIFY_ONLY).
NON_VERIFY_FLAGS = ("CKF_SIGN", "CKF_SIGN_RECOVER", "CKF_DECRYPT", "CKF_UNWRAP", "CKF_DERIVE", "CKF_ENCRYPT",
                    "CKF_WRAP", "CKF_VERIFY_RECOVER")
KEY_CREATING_FUNCTIONS = ("C_CreateObject", "C_CopyObject", "C_SetAttributeValue", "C_GenerateKeyPair",
                          "C_GenerateKey", "C_UnwrapKey", "C_DeriveKey")


@dataclass(frozen=True)
class WolfcryptSettings:
    sha1: bool
    sha384: bool
    sha512: bool
    p384: bool
    rsa_pss: bool
    rsa_raw: bool
    rsa_keygen: bool
    rsa_max_bits: int          # the largest modulus any RSA mechanism takes: RSA_MAX_SIZE
    sp_rsa_sizes: tuple        # moduli with SP fixed-size (fast) code, ascending
    sp_int_bits: int           # SP_INT_BITS: the largest number wolfCrypt works on
    verify_only: bool          # public keys that only verify: no private-key code (see NON_VERIFY_FLAGS)
    rsa_verify_only: bool = False  # RSA keys only verify (a profile that signs with EC only)
    sp_cortex_m_asm: bool = False  # firmware: wolfSSL's Cortex-M SP assembly instead of WOLFSSL_SP_SMALL
    sp_minimal: bool = False   # firmware: RSA on sp_int.c's any-size code, loop-form SHA-1 and SHA-512
    lean: bool = False         # backend lean (backend_wolfssl/lean/)
    drbg: bool = True          # random numbers: the full backend always; the lean one when it draws, signs or makes keys
    aes_gcm: bool = True       # sealed values: the full backend always; the lean one when it signs or makes keys


def _range(mechanism, backend_min, backend_max):
    """The mechanism's key sizes cut to what the backend takes (a max of 0 puts no bound)."""
    low = max(mechanism.min_key_size, backend_min)
    high = backend_max if mechanism.max_key_size == 0 else min(mechanism.max_key_size, backend_max)
    return low, high


def settings_for(profile):
    """The WolfcryptSettings of a resolved Profile."""
    by_name = {m.name: m for m in profile.mechanisms}
    names = set(by_name)

    def users(candidates):
        return tuple(n for n in by_name if n in candidates)

    hashes = {need: any(HASH_NEEDS.get(n) == need for n in names) for need in ("sha1", "sha384", "sha512")}

    rsa_ranges = [_range(by_name[n], RSA_MIN_BITS, RSA_MAX_BITS) for n in users(RSA_MECHANISMS)]
    rsa_ranges = [(low, high) for low, high in rsa_ranges if low <= high]
    # No RSA mechanism: key objects are still checked, at the smallest size.
    rsa_max = max((high for _, high in rsa_ranges), default=RSA_MIN_BITS)
    sp_sizes = tuple(s for s in SP_RSA_SIZES if any(low <= s <= high for low, high in rsa_ranges)) or (RSA_MIN_BITS,)

    p384_users = tuple(n for n in users(EC_MECHANISMS)
                       if _range(by_name[n], P256_BITS, P384_BITS)[1] >= P384_BITS)
    # wolfCrypt signs and verifies ECDSA inputs of at most WC_MAX_DIGEST_SIZE
    # bytes (the largest hash compiled in); P-384 takes 48.
    hashes["sha384"] = hashes["sha384"] or bool(p384_users)
    # wolfCrypt's SHA-384 is SHA-512 with another start (sha512.c), and its
    # x86_64 code does not build with SHA-384 alone.
    hashes["sha512"] = hashes["sha512"] or hashes["sha384"]
    # SHA-1 also when objects can be made: the object layer computes
    # CKA_CHECK_VALUE (the first three bytes of SHA-1) of the certificates and
    # secret keys it creates, whatever the mechanisms. A profile that only
    # reads what another module provisioned (freertos-ota) goes without.
    hashes["sha1"] = hashes["sha1"] or any(profile.has(f) for f in KEY_CREATING_FUNCTIONS)
    lean = profile.backend == "lean"
    # A lean profile signs with keys sealed under the device key (AES-GCM),
    # ECDSA with a random nonce (the DRBG).
    signs = any("CKF_SIGN" in m.flags for m in profile.mechanisms)
    rsa_more_than_verify = any(flag in NON_VERIFY_FLAGS for m in profile.mechanisms if m.name in RSA_MECHANISMS
                               for flag in m.flags)
    creates_keys = any(profile.has(f) for f in KEY_CREATING_FUNCTIONS)
    more_than_verify = any(flag in NON_VERIFY_FLAGS for m in profile.mechanisms for flag in m.flags) or creates_keys
    return WolfcryptSettings(
        sha1=hashes["sha1"], sha384=hashes["sha384"], sha512=hashes["sha512"],
        p384=bool(p384_users), rsa_pss=bool(users(PSS_MECHANISMS)), rsa_raw=bool(users(RAW_RSA_MECHANISMS)),
        rsa_keygen=bool(users(RSA_KEYGEN_MECHANISMS)), rsa_max_bits=rsa_max,
        sp_rsa_sizes=sp_sizes, sp_int_bits=max(rsa_max, P384_BITS if p384_users else P256_BITS),
        verify_only=not more_than_verify,
        # The lean backend makes and imports EC keys only.
        rsa_verify_only=not (rsa_more_than_verify or (creates_keys and not lean)),
        sp_cortex_m_asm=profile.firmware_sp_math == "cortex-m-asm",
        sp_minimal=profile.firmware_sp_math == "minimal",
        lean=lean,
        drbg=not lean or signs or creates_keys or profile.has("C_GenerateRandom") or profile.has("C_SeedRandom"),
        aes_gcm=not lean or signs or creates_keys)
