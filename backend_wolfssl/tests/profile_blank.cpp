/* Test profile: a blank token that needs C_InitToken (as a new smart card),
 * with no session limits. */
#include "p11_profile.h"

#include <cstddef>

namespace {
const p11_mechanism_entry kMechanisms[] = {
    {CKM_SHA256, 0, 0, CKF_DIGEST},
    {CKM_SHA384, 0, 0, CKF_DIGEST},
};
} // namespace

extern "C" const p11_profile p11_active_profile = {
    "test-blank",
    kMechanisms,
    sizeof kMechanisms / sizeof kMechanisms[0],
    0,  // max_sessions: no limit
    0,  // max_rw_sessions: no limit
    0,  // max_objects
    32, // max_label_length
    6,  // min_pin_length
    32, // max_pin_length
    CK_FALSE,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    0,
    3, // wrong PINs before a PIN locks
    P11_SECRETS_PIN,
    1000, // PIN derivations: tests log in and set PINs many times
    0,    // no deviations from v2.40
};
