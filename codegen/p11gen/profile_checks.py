"""Checks of a resolved profile that no single key can make on its own.

Each refusal names the file and line to fix and says how: a profile that
passes here builds a module that does what the profile says.

check(profile) applies to every profile (a module's or a conformance run's):
  - the functions every client calls are there;
  - each mechanism flag has its function (CKF_SIGN needs C_SignInit);
  - a digest only digests, a key generator only generates;
  - an EC key size is a curve's size;
  - each test group has a function its cases call.
check_backend(profile, catalog) applies to a profile built into a module of
the wolfSSL backend: every mechanism, flag and key size is one the backend
implements (spec/backend_mechanisms.yaml, the data form of
backend_wolfssl/mechanism_catalog.cpp).
"""
from . import yaml_lines
from .errors import SpecError

# What every client calls first (pkcs11-tool -L/-M/-O, p11-kit, OpenSSL's
# engine, FreeRTOS's xInitializePKCS11): without them a module cannot be used.
REQUIRED_FUNCTIONS = ("C_Initialize", "C_Finalize", "C_GetFunctionList", "C_GetInfo", "C_GetSlotList",
                      "C_GetSlotInfo", "C_GetTokenInfo")

# The function that starts each kind of operation a mechanism flag announces.
FLAG_FUNCTIONS = {
    "CKF_DIGEST": "C_DigestInit", "CKF_SIGN": "C_SignInit", "CKF_VERIFY": "C_VerifyInit",
    "CKF_ENCRYPT": "C_EncryptInit", "CKF_DECRYPT": "C_DecryptInit", "CKF_SIGN_RECOVER": "C_SignRecoverInit",
    "CKF_VERIFY_RECOVER": "C_VerifyRecoverInit", "CKF_GENERATE": "C_GenerateKey",
    "CKF_GENERATE_KEY_PAIR": "C_GenerateKeyPair", "CKF_WRAP": "C_WrapKey", "CKF_UNWRAP": "C_UnwrapKey",
    "CKF_DERIVE": "C_DeriveKey",
}
# v2.40 §2.3 (CK_MECHANISM_INFO): flags that describe EC support, not an operation.
EC_CAPABILITY_FLAGS = ("CKF_EC_F_P", "CKF_EC_F_2M", "CKF_EC_ECPARAMETERS", "CKF_EC_NAMEDCURVE",
                       "CKF_EC_UNCOMPRESS", "CKF_EC_COMPRESS")
# Message digests (PKCS #11 Mechanisms v2.40 §2.16-2.22): digesting is all they do.
DIGESTS = ("CKM_MD2", "CKM_MD5", "CKM_SHA_1", "CKM_SHA224", "CKM_SHA256", "CKM_SHA384", "CKM_SHA512",
           "CKM_SHA512_224", "CKM_SHA512_256", "CKM_RIPEMD128", "CKM_RIPEMD160")
# The sizes in bits of the named curves v2.40 tokens offer (SEC 2, FIPS 186-4).
EC_CURVE_BITS = (192, 224, 256, 384, 521)
# Each test group runs only when the profile has one of these functions; a
# group without any selects no case and would pass as if tested.
TEST_GROUP_FUNCTIONS = {
    "skeleton": ("C_Initialize",), "general": ("C_Initialize",), "slot_token": ("C_GetSlotList",),
    "session": ("C_OpenSession",), "login": ("C_Login",), "pin": ("C_SetPIN", "C_InitPIN"),
    "init_token": ("C_InitToken",), "digest": ("C_DigestInit",), "random": ("C_GenerateRandom",),
    "objects": ("C_CreateObject", "C_FindObjectsInit"), "keys": ("C_SignInit", "C_VerifyInit"),
    "cipher": ("C_EncryptInit", "C_DecryptInit"),
    "key_management": ("C_GenerateKey", "C_WrapKey", "C_UnwrapKey", "C_DeriveKey"),
    "threads": ("C_OpenSession",),
}
# What the lean backend (backend_wolfssl/lean/) implements: a token of
# provisioned keys over an any-label store, which verifies, and signs with
# keys sealed under the device key. A lean profile selects no other function
# and no other mechanism, flag or key size.
LEAN_FUNCTIONS = ("C_Initialize", "C_Finalize", "C_GetInfo", "C_GetFunctionList", "C_GetSlotList",
                  "C_GetSlotInfo", "C_GetTokenInfo", "C_GetMechanismList", "C_GetMechanismInfo", "C_OpenSession",
                  "C_CloseSession", "C_CloseAllSessions", "C_GetSessionInfo", "C_Login", "C_Logout",
                  "C_GetAttributeValue", "C_FindObjectsInit", "C_FindObjects", "C_FindObjectsFinal",
                  "C_DigestInit", "C_Digest", "C_DigestUpdate", "C_DigestKey", "C_DigestFinal", "C_VerifyInit",
                  "C_Verify", "C_VerifyUpdate", "C_VerifyFinal", "C_GetFunctionStatus", "C_CancelFunction",
                  "C_SignInit", "C_Sign", "C_SignUpdate", "C_SignFinal", "C_SeedRandom", "C_GenerateRandom",
                  "C_GenerateKeyPair", "C_DestroyObject", "C_CreateObject")
LEAN_EC = ["CKF_SIGN", "CKF_VERIFY", "CKF_EC_F_P", "CKF_EC_NAMEDCURVE", "CKF_EC_UNCOMPRESS"]
# name: (flags it may have, smallest and largest key size)
LEAN_MECHANISMS = {
    "CKM_SHA256": (["CKF_DIGEST"], 0, 0),
    "CKM_EC_KEY_PAIR_GEN": (["CKF_GENERATE_KEY_PAIR", "CKF_EC_F_P", "CKF_EC_NAMEDCURVE", "CKF_EC_UNCOMPRESS"], 256, 256),
    "CKM_ECDSA": (LEAN_EC, 256, 256),
    "CKM_ECDSA_SHA256": (LEAN_EC, 256, 256),
    "CKM_RSA_PKCS": (["CKF_VERIFY"], 1024, 4096),
    "CKM_SHA256_RSA_PKCS": (["CKF_VERIFY"], 1024, 4096),
}


def _is_ec(name):
    return name.startswith(("CKM_EC_", "CKM_ECDSA", "CKM_ECDH", "CKM_ECMQV"))


def _operation_flags(mechanism):
    return [f for f in mechanism.flags if f not in EC_CAPABILITY_FLAGS]


def check(profile):
    """Refuses a profile whose parts contradict each other (SpecError)."""
    for function in REQUIRED_FUNCTIONS:
        if not profile.has(function):
            raise SpecError(profile.path, profile.functions_line,
                            f"the profile lacks {function}, which every client calls before anything else "
                            f"(pkcs11-tool -L, p11-kit, FreeRTOS's xInitializePKCS11); add it to 'functions' "
                            f"(the family 'Any' of freertos-common has all of {', '.join(REQUIRED_FUNCTIONS)})")
    for mechanism in profile.mechanisms:
        where = (mechanism.path or profile.path, mechanism.line)
        for flag in _operation_flags(mechanism):
            function = FLAG_FUNCTIONS.get(flag)
            if function is not None and not profile.has(function):
                raise SpecError(*where, f"{mechanism.name} has {flag} but the profile has no {function}: "
                                        f"drop the flag or add {function} to 'functions'")
        operations = set(_operation_flags(mechanism))
        if mechanism.name in DIGESTS and operations != {"CKF_DIGEST"}:
            raise SpecError(*where, f"{mechanism.name} is a message digest: its only flag is CKF_DIGEST")
        if mechanism.name not in DIGESTS and "CKF_DIGEST" in operations:
            raise SpecError(*where, f"{mechanism.name} is not a message digest: CKF_DIGEST does not apply "
                                    f"(C_DigestInit takes {', '.join(DIGESTS[2:7])}, ...)")
        if mechanism.name.endswith("_KEY_PAIR_GEN") and operations != {"CKF_GENERATE_KEY_PAIR"}:
            raise SpecError(*where, f"{mechanism.name} makes key pairs: its only operation flag is "
                                    "CKF_GENERATE_KEY_PAIR")
        if _is_ec(mechanism.name):
            for bits in (mechanism.min_key_size, mechanism.max_key_size):
                if bits not in EC_CURVE_BITS:
                    raise SpecError(*where, f"{mechanism.name}: an EC key_size is a curve's size in bits "
                                            f"({', '.join(map(str, EC_CURVE_BITS))}); {bits} is none")
    if profile.backend == "lean":
        _check_lean(profile)
    for group in profile.tests:
        needs = TEST_GROUP_FUNCTIONS.get(group, ())
        if needs and not any(profile.has(f) for f in needs):
            raise SpecError(*profile.tests_lines[group],
                            f"test group '{group}' needs {' or '.join(needs)}, which the profile lacks: its cases "
                            f"would all be left out; add the function or drop the group")


def _check_lean(profile):
    extra = [f for f in profile.functions if f not in LEAN_FUNCTIONS]
    if extra:
        raise SpecError(profile.path, profile.functions_line,
                        f"backend lean implements no {', '.join(extra)}: it is a verify-only token "
                        f"({', '.join(LEAN_FUNCTIONS)}); drop them or use backend wolfssl")
    for mechanism in profile.mechanisms:
        where = (mechanism.path or profile.path, mechanism.line)
        if mechanism.name not in LEAN_MECHANISMS:
            raise SpecError(*where, f"backend lean does not implement {mechanism.name}; it implements "
                                    f"{', '.join(LEAN_MECHANISMS)}")
        flags, low, high = LEAN_MECHANISMS[mechanism.name]
        for flag in mechanism.flags:
            if flag not in flags:
                raise SpecError(*where, f"backend lean's {mechanism.name} cannot {flag}: it has {', '.join(flags)}")
        for size in (mechanism.min_key_size, mechanism.max_key_size):
            if high and not low <= size <= high:
                raise SpecError(*where, f"backend lean's {mechanism.name} takes key sizes {low} to {high}, "
                                        f"not {size}")
    if profile.storage_labels is not None:
        raise SpecError(profile.path, profile.functions_line,
                        "backend lean reads only a store that takes any label (storage.labels: any)")
    for function, does in (("C_SignInit", "signs only with keys sealed"), ("C_GenerateKeyPair", "seals the keys it "
                           "makes only"), ("C_CreateObject", "seals the keys it imports only")):
        if profile.has(function) and profile.storage_secrets != "device":
            raise SpecError(profile.path, profile.functions_line,
                            f"backend lean {does} under the device key: it makes no key from "
                            "the PIN (storage.secrets: device)")


def load_catalog(path):
    """spec/backend_mechanisms.yaml as {CKM_ name: (flags, min, max, sizes or None)}."""
    data = yaml_lines.load(path)
    mechanisms = data.get("mechanisms") if hasattr(data, "get") else None
    if not mechanisms:
        raise SpecError(path, 1, "expected a mapping 'mechanisms'")
    catalog = {}
    for name, entry in mechanisms.items():
        line = mechanisms.line_of(name)
        if not hasattr(entry, "get") or not isinstance(entry.get("flags"), list):
            raise SpecError(path, line, f"{name}: needs a list 'flags'")
        low, high = entry.get("key_size", [0, 0])
        sizes = entry.get("key_sizes")
        catalog[str(name)] = (list(entry["flags"]), int(low), int(high), list(sizes) if sizes else None)
    return catalog


def check_backend(profile, catalog, catalog_path):
    """Refuses a mechanism, flag or key size the wolfSSL backend does not implement."""
    for mechanism in profile.mechanisms:
        where = (mechanism.path or profile.path, mechanism.line)
        if mechanism.name not in catalog:
            raise SpecError(*where, f"the wolfSSL backend does not implement {mechanism.name}; it implements "
                                    f"{', '.join(sorted(catalog))} ({catalog_path})")
        flags, low, high, sizes = catalog[mechanism.name]
        for flag in mechanism.flags:
            if flag not in flags:
                raise SpecError(*where, f"the wolfSSL backend's {mechanism.name} cannot {flag}: it has "
                                        f"{', '.join(flags)}")
        for size in (mechanism.min_key_size, mechanism.max_key_size):
            if sizes is not None and size not in sizes:
                raise SpecError(*where, f"the wolfSSL backend's {mechanism.name} takes keys of "
                                        f"{' or '.join(map(str, sizes))} bits, not {size}")
            if sizes is None and high and not low <= size <= high:
                raise SpecError(*where, f"the wolfSSL backend's {mechanism.name} takes key sizes {low} to {high}, "
                                        f"not {size}")
