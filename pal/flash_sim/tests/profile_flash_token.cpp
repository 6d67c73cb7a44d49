/* Test profile for the token over the simulated flash: a ready token (user
 * PIN "1234", SO PIN "87654321") on a PAL that takes any label, so the
 * backend keeps its index record next to the object records. */
#include "p11_profile.h"

namespace {
const p11_mechanism_entry kMechanisms[] = {
    {CKM_SHA256, 0, 0, CKF_DIGEST},
    {CKM_EC_KEY_PAIR_GEN, 256, 256, CKF_GENERATE_KEY_PAIR}, // the out-of-memory flow signs
    {CKM_ECDSA, 256, 256, CKF_SIGN | CKF_VERIFY},
};
} // namespace

extern "C" const p11_profile p11_active_profile = {
    "test-flash-token",
    kMechanisms,
    sizeof kMechanisms / sizeof kMechanisms[0],
    0,  // max_sessions
    0,  // max_rw_sessions
    0,  // max_objects: no limit
    64, // max_label_length
    4,  // min_pin_length
    16, // max_pin_length
    CK_TRUE,
    "Flash Token",
    "87654321",
    "1234",
    nullptr, // any PAL label
    0,
    0, // no PIN lockout: the power-cut tests log in many times
    P11_SECRETS_PIN,
    1000, // PIN derivations: tests log in and set PINs many times
    0,    // no deviations from v2.40
};
