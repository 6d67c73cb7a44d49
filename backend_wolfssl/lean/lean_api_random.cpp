/* Random numbers (v2.40 §5.15) for a lean profile that draws them or signs:
 * one wolfCrypt Hash-DRBG for the token (calls run one at a time), seeded
 * from the port's entropy at C_Initialize. C_SeedRandom instantiates it
 * anew with fresh entropy and the caller's seed as the nonce, as the full
 * backend does (random.cpp). */
#include "crypto/wolfcrypt_failure.h"
#include "lean/lean_library.h"
#include "p11_backend.h"
#include "p11_port.h"
#include "secure_wipe.h"

#if P11_LEAN_RANDOM

using namespace p11;
using namespace p11::lean;

namespace p11::lean {

namespace {

// A DRBG on the heap (wolfCrypt's state is a few hundred bytes), nonce optional.
CK_RV make_rng(const CK_BYTE *nonce, CK_ULONG nonce_len, WC_RNG **out)
{
    auto *rng = static_cast<WC_RNG *>(p11_port_malloc(sizeof(WC_RNG)));
    if (rng == nullptr) {
        return CKR_HOST_MEMORY;
    }
    const int rc = nonce_len == 0 ? wc_InitRng(rng)
                                  : wc_InitRngNonce(rng, const_cast<CK_BYTE *>(nonce), static_cast<word32>(nonce_len));
    if (rc != 0) {
        p11_port_free(rng);
        return wolfcrypt_failure(rc);
    }
    *out = rng;
    return CKR_OK;
}

} // namespace

CK_RV random_start(Library &lib)
{
    return make_rng(nullptr, 0, &lib.rng);
}

void random_stop(Library &lib)
{
    if (lib.rng != nullptr) {
        wc_FreeRng(lib.rng);
        secure_wipe(lib.rng, sizeof *lib.rng);
        p11_port_free(lib.rng);
        lib.rng = nullptr;
    }
}

} // namespace p11::lean

extern "C" {

#if defined(P11_PROFILE_HAS_C_SeedRandom)
CK_RV p11be_C_SeedRandom(p11_session *session, CK_BYTE_PTR pSeed, CK_ULONG ulSeedLen)
{
    (void)session;
    if (ulSeedLen > 0xFFFFFFFFul) {
        return CKR_ARGUMENTS_BAD; // wolfCrypt takes a 32-bit nonce length
    }
    Library &lib = library();
    WC_RNG *fresh = nullptr;
    const CK_RV rv = make_rng(pSeed, ulSeedLen, &fresh);
    if (rv == CKR_OK) {
        random_stop(lib);
        lib.rng = fresh;
    }
    return rv;
}
#endif

#if defined(P11_PROFILE_HAS_C_GenerateRandom)
CK_RV p11be_C_GenerateRandom(p11_session *session, CK_BYTE_PTR pRandomData, CK_ULONG ulRandomLen)
{
    (void)session;
    WC_RNG *rng = library().rng;
    // wolfCrypt draws at most RNG_MAX_BLOCK_LEN bytes per call.
    while (ulRandomLen > 0) {
        const CK_ULONG n = ulRandomLen < RNG_MAX_BLOCK_LEN ? ulRandomLen : RNG_MAX_BLOCK_LEN;
        const int rc = wc_RNG_GenerateBlock(rng, pRandomData, static_cast<word32>(n));
        if (rc != 0) {
            return wolfcrypt_failure(rc);
        }
        pRandomData += n;
        ulRandomLen -= n;
    }
    return CKR_OK;
}
#endif

} // extern "C"

#endif // P11_LEAN_RANDOM
