/* Random number generation (v2.40 §5.15) from wolfCrypt's Hash-DRBG. The
 * DRBG is shared, so draws take the library lock. Debian's libwolfssl does
 * not export wc_RNG_DRBG_Reseed, so application seed cannot be mixed in:
 * C_SeedRandom answers CKR_RANDOM_SEED_NOT_SUPPORTED, the code §5.15 names
 * for a generator that does not accept seeding. */
#include "backend_api.h"
#include "library.h"

using namespace p11;

extern "C" {

CK_RV p11be_C_SeedRandom(p11_session *session, CK_BYTE_PTR pSeed, CK_ULONG ulSeedLen)
{
    (void)session;
    (void)pSeed;
    (void)ulSeedLen;
    return CKR_RANDOM_SEED_NOT_SUPPORTED;
}

CK_RV p11be_C_GenerateRandom(p11_session *session, CK_BYTE_PTR pRandomData, CK_ULONG ulRandomLen)
{
    (void)session;
    Library &lib = library();
    LockGuard guard(lib.lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    // wolfCrypt draws at most RNG_MAX_BLOCK_LEN bytes per call.
    while (ulRandomLen > 0) {
        CK_ULONG n = ulRandomLen < RNG_MAX_BLOCK_LEN ? ulRandomLen : RNG_MAX_BLOCK_LEN;
        if (wc_RNG_GenerateBlock(&lib.rng, pRandomData, static_cast<word32>(n)) != 0) {
            return CKR_FUNCTION_FAILED;
        }
        pRandomData += n;
        ulRandomLen -= n;
    }
    return CKR_OK;
}

} // extern "C"
