/* Test support: the DRBG handed to the engines. Kept apart from the OpenSSL
 * helpers because wolfSSL's and OpenSSL's headers cannot share a file
 * (both define RSA_* padding names; wolfSSL's options.h sets OPENSSL_NO_EC). */
#include <cstdio>
#include <cstdlib>

#include "wolfcrypt.h"

namespace p11test {

WC_RNG *test_rng()
{
    static WC_RNG rng;
    static bool ready = wc_InitRng(&rng) == 0;
    if (!ready) {
        std::fprintf(stderr, "wc_InitRng failed\n");
        std::abort();
    }
    return &rng;
}

} // namespace p11test
