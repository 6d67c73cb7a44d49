/* The one place the backend includes wolfSSL: options.h must come first so
 * the structure layouts match the library Debian built. */
#ifndef P11_BACKEND_WOLFCRYPT_H
#define P11_BACKEND_WOLFCRYPT_H

#include <wolfssl/options.h>

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

#endif // P11_BACKEND_WOLFCRYPT_H
