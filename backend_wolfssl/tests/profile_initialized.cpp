/* Test profile: a token ready at first start with default PINs (as FreeRTOS
 * devices expect). Its mechanism table mixes what the backend implements
 * with what it does not, unsorted, as the generated tables are. */
#include "p11_profile.h"

#include <cstddef>

namespace {
const p11_mechanism_entry kMechanisms[] = {
    {CKM_SHA256, 0, 0, CKF_DIGEST},
    {CKM_AES_CBC, 16, 32, CKF_ENCRYPT | CKF_DECRYPT}, // not in the backend
    {CKM_SHA_1, 0, 0, CKF_DIGEST},
    {CKM_SHA512, 0, 0, CKF_DIGEST | CKF_SIGN}, // the backend only digests
    {CKM_SHA384, 0, 0, CKF_SIGN},              // no flag in common: not offered
};
} // namespace

extern "C" const p11_profile p11_active_profile = {
    "test-initialized",
    kMechanisms,
    sizeof kMechanisms / sizeof kMechanisms[0],
    16, // max_sessions
    8,  // max_rw_sessions
    64, // max_objects
    32, // max_label_length
    4,  // min_pin_length
    16, // max_pin_length
    CK_TRUE,
    "Test Token",
    "87654321", // SO PIN
    "1234",     // user PIN
    nullptr,
    0,
    3, // wrong PINs before a PIN locks
    P11_SECRETS_PIN,
    1000, // PIN derivations: tests log in and set PINs many times
    0,    // no deviations from v2.40
};
