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

namespace p11test {

namespace {

// One DRBG per test thread: a WC_RNG must not be shared by threads.
struct ThreadRng {
    WC_RNG rng;
    bool ready = wc_InitRng(&rng) == 0;
    ~ThreadRng()
    {
        if (ready) {
            wc_FreeRng(&rng);
        }
    }
};

} // namespace

WC_RNG *thread_test_rng()
{
    thread_local ThreadRng rng;
    if (!rng.ready) {
        std::fprintf(stderr, "wc_InitRng failed\n");
        std::abort();
    }
    return &rng.rng;
}

} // namespace p11test
