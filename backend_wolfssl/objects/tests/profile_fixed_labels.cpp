/* Test profile for a device store: the PAL takes only three FreeRTOS labels,
 * and the token holds at most four objects. */
#include "p11_profile.h"

namespace {
const p11_mechanism_entry kMechanisms[] = {
    {CKM_SHA256, 0, 0, CKF_DIGEST},
};
const char *const kLabels[] = {"Device Priv TLS Key", "Device Pub TLS Key", "Device Cert"};
} // namespace

extern "C" const p11_profile p11_active_profile = {
    "test-objects-fixed-labels",
    kMechanisms,
    sizeof kMechanisms / sizeof kMechanisms[0],
    0,  // max_sessions
    0,  // max_rw_sessions
    4,  // max_objects
    32, // max_label_length
    4,  // min_pin_length
    16, // max_pin_length
    CK_TRUE,
    "Device Token",
    "87654321",
    "1234",
    kLabels,
    sizeof kLabels / sizeof kLabels[0],
    0, // no PIN lockout
    P11_SECRETS_PIN,
    1000, // PIN derivations: tests log in and set PINs many times
    0,    // no deviations from v2.40
};
