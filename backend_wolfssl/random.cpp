/* Random number generation (v2.40 §5.15) from wolfCrypt's Hash-DRBG, one per
 * session (session_rng), so threads on their own sessions never wait for
 * each other. C_SeedRandom mixes the caller's seed in by instantiating the
 * session's DRBG anew with fresh OS entropy and the seed as its nonce
 * (SP 800-90A instantiate: entropy || nonce); Debian's libwolfssl exports no
 * reseed call, and a new instantiation is never weaker than the old state. */
#include "backend_api.h"
#include "crypto/wolfcrypt_failure.h"
#include "out_of_memory.h"
#include "library.h"
#include "session.h"

using namespace p11;

extern "C" {

CK_RV p11be_C_SeedRandom(p11_session *session, CK_BYTE_PTR pSeed, CK_ULONG ulSeedLen)
P11_TRY {
    LockGuard guard(session->op_lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    if (ulSeedLen > 0xFFFFFFFFul) {
        return CKR_ARGUMENTS_BAD; // wolfCrypt takes a 32-bit nonce length
    }
    WC_RNG fresh;
    const int rc = wc_InitRngNonce(&fresh, pSeed, static_cast<word32>(ulSeedLen));
    if (rc != 0) {
        return wolfcrypt_failure(rc);
    }
    if (session->rng_ready) {
        wc_FreeRng(&session->rng);
    }
    session->rng = fresh;
    session->rng_ready = true;
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_GenerateRandom(p11_session *session, CK_BYTE_PTR pRandomData, CK_ULONG ulRandomLen)
P11_TRY {
    LockGuard guard(session->op_lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    WC_RNG *rng = nullptr;
    CK_RV rv = session_rng(session, &rng);
    // wolfCrypt draws at most RNG_MAX_BLOCK_LEN bytes per call.
    while (rv == CKR_OK && ulRandomLen > 0) {
        CK_ULONG n = ulRandomLen < RNG_MAX_BLOCK_LEN ? ulRandomLen : RNG_MAX_BLOCK_LEN;
        const int rc = wc_RNG_GenerateBlock(rng, pRandomData, static_cast<word32>(n));
        if (rc != 0) {
            rv = wolfcrypt_failure(rc);
        }
        pRandomData += n;
        ulRandomLen -= n;
    }
    return rv;
} P11_HOST_MEMORY_ON_BAD_ALLOC

} // extern "C"
