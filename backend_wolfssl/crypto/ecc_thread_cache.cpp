// Frees wolfSSL's per-thread ECC fixed-point cache at thread exit.
#include "ecc_thread_cache.h"

#include "wolfcrypt.h"

namespace p11 {
namespace {

#ifdef FP_ECC
struct EccCacheGuard {
    ~EccCacheGuard() { wc_ecc_fp_free(); }
};
#endif

} // namespace

void ecc_thread_cache_hold()
{
#ifdef FP_ECC
    thread_local EccCacheGuard guard;
    (void)guard;
#endif
}

} // namespace p11
