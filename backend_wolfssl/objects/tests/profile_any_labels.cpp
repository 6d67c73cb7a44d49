/* Test profile for the object store: a ready token (user PIN "1234", SO PIN
 * "87654321"), a PAL that takes any label (so the backend keeps an index
 * record) and no object limit. */
#include "p11_profile.h"

namespace {
const p11_mechanism_entry kMechanisms[] = {
    {CKM_SHA256, 0, 0, CKF_DIGEST},
    {CKM_ECDSA, 256, 384, CKF_SIGN}, // key_cache_test signs with stored keys
};
} // namespace

extern "C" const p11_profile p11_active_profile = {
    "test-objects-any-labels",
    kMechanisms,
    sizeof kMechanisms / sizeof kMechanisms[0],
    0,  // max_sessions
    0,  // max_rw_sessions
    0,  // max_objects: no limit
    64, // max_label_length
    4,  // min_pin_length
    16, // max_pin_length
    CK_TRUE,
    "Object Token",
    "87654321",
    "1234",
    nullptr, // any PAL label
    0,
    0, // no PIN lockout
    P11_SECRETS_PIN,
    1000, // PIN derivations: tests log in and set PINs many times
    0,    // no deviations from v2.40
};
