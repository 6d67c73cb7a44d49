/* Test profile for the key rules (import checks, usage attributes, key-size
 * ranges, operation modes): ranges narrower than the backend's, so that a
 * key the backend could use is still outside what the profile advertises
 * (ECDSA P-256 only, RSA PKCS #1 v1.5 from 3072 bits, RSA key generation at
 * 3072 only, HMAC keys of 32..64 bytes). */
#include "p11_profile.h"

namespace {
const p11_mechanism_entry kMechanisms[] = {
    {CKM_SHA256, 0, 0, CKF_DIGEST},
    {CKM_ECDSA, 256, 256, CKF_SIGN | CKF_VERIFY},
    {CKM_ECDSA_SHA256, 256, 256, CKF_SIGN | CKF_VERIFY},
    {CKM_EC_KEY_PAIR_GEN, 256, 256, CKF_GENERATE_KEY_PAIR},
    {CKM_RSA_PKCS_KEY_PAIR_GEN, 3072, 3072, CKF_GENERATE_KEY_PAIR},
    {CKM_SHA256_RSA_PKCS, 3072, 4096, CKF_SIGN | CKF_VERIFY},
    {CKM_RSA_PKCS_PSS, 2048, 4096, CKF_SIGN | CKF_VERIFY},
    {CKM_SHA256_RSA_PKCS_PSS, 2048, 4096, CKF_SIGN | CKF_VERIFY},
    {CKM_SHA256_HMAC, 32, 64, CKF_SIGN | CKF_VERIFY},
};
} // namespace

extern "C" const p11_profile p11_active_profile = {
    "test-key-rules",
    kMechanisms,
    sizeof kMechanisms / sizeof kMechanisms[0],
    0,  // max_sessions
    0,  // max_rw_sessions
    0,  // max_objects: no limit
    64, // max_label_length
    4,  // min_pin_length
    16, // max_pin_length
    CK_TRUE,
    "Key Rules Token",
    "87654321",
    "1234",
    nullptr, // any PAL label
    0,
    0, // no PIN lockout
    P11_SECRETS_PIN,
    1000, // PIN derivations: tests log in and set PINs many times
    0,    // no deviations from v2.40
};
