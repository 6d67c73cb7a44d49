// wolfSSL built with FP_ECC (Debian's is) keeps a fixed-point cache per
// thread, which only wc_ecc_fp_free() called on that same thread releases.
// The module cannot know when an application's thread ends, so every thread
// that does an EC point multiplication through us holds a thread_local guard
// whose destructor frees that thread's cache when the thread exits.
#ifndef P11_CRYPTO_ECC_THREAD_CACHE_H
#define P11_CRYPTO_ECC_THREAD_CACHE_H

namespace p11 {

// Call before wc_ecc_sign_hash, wc_ecc_verify_hash, wc_ecc_make_key_ex,
// wc_ecc_make_pub_ex, wc_ecc_check_key: cheap after the thread's first call.
void ecc_thread_cache_hold();

} // namespace p11

#endif // P11_CRYPTO_ECC_THREAD_CACHE_H
