/* The one place the backend includes wolfSSL. The settings come first, so
 * the structure layouts match the library linked: the generated
 * user_settings.h of a wolfCrypt built from source (WOLFSSL_USER_SETTINGS,
 * cmake/P11Wolfcrypt.cmake) or the options.h of Debian's build. */
#ifndef P11_BACKEND_WOLFCRYPT_H
#define P11_BACKEND_WOLFCRYPT_H

#ifdef WOLFSSL_USER_SETTINGS
#include <wolfssl/wolfcrypt/settings.h>
#else
#include <wolfssl/options.h>
#endif

#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/hmac.h>
#include <wolfssl/wolfcrypt/pwdbased.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/rsa.h>
#include <wolfssl/wolfcrypt/sha256.h>
#include <wolfssl/wolfcrypt/wolfmath.h>

/* What this wolfCrypt offers beyond the backend's fixed needs (SHA-256,
 * HMAC, PBKDF2, the Hash DRBG, RSA and P-256): the mechanism catalog offers,
 * and the engines compile, only what is there. 1 or 0, for #if. */
#ifndef NO_SHA
#define P11_HAVE_SHA1 1
#else
#define P11_HAVE_SHA1 0
#endif
#ifdef WOLFSSL_SHA384
#define P11_HAVE_SHA384 1
#else
#define P11_HAVE_SHA384 0
#endif
#ifdef WOLFSSL_SHA512
#define P11_HAVE_SHA512 1
#else
#define P11_HAVE_SHA512 0
#endif
#if (defined(HAVE_ECC384) || defined(HAVE_ALL_CURVES)) && (!defined(ECC_MIN_KEY_SZ) || ECC_MIN_KEY_SZ <= 384)
#define P11_HAVE_P384 1
#else
#define P11_HAVE_P384 0
#endif
#ifdef WC_RSA_PSS
#define P11_HAVE_RSA_PSS 1
#else
#define P11_HAVE_RSA_PSS 0
#endif
#if defined(WC_RSA_NO_PADDING) || defined(WC_RSA_DIRECT)
#define P11_HAVE_RSA_RAW 1
#else
#define P11_HAVE_RSA_RAW 0
#endif
#ifdef WOLFSSL_KEY_GEN
#define P11_HAVE_RSA_KEYGEN 1
#else
#define P11_HAVE_RSA_KEYGEN 0
#endif
/* A verify-only profile's wolfCrypt has no private-key code: RSA and EC
 * private keys are then neither loaded nor used (CKR_KEY_FUNCTION_NOT_PERMITTED
 * is never reached: such a profile offers no signing mechanism). */
#ifdef WOLFSSL_RSA_PUBLIC_ONLY
#define P11_HAVE_PRIVATE_KEYS 0
#else
#define P11_HAVE_PRIVATE_KEYS 1
#endif

#endif // P11_BACKEND_WOLFCRYPT_H
