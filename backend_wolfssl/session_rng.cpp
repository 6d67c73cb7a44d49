/* A DRBG per session, made on first use: signing and key generation never
 * share one across threads, and sessions that never sign never pay for it. */
#include "session.h"

#include "crypto/wolfcrypt_failure.h"

namespace p11 {

CK_RV session_rng(p11_session *session, WC_RNG **rng)
{
    if (!session->rng_ready) {
        const int rc = wc_InitRng(&session->rng);
        if (rc != 0) {
            return wolfcrypt_failure(rc);
        }
        session->rng_ready = true;
    }
    *rng = &session->rng;
    return CKR_OK;
}

} // namespace p11
