/* The one place the backend includes wolfSSL: options.h must come first so
 * the structure layouts match the library Debian built. */
#ifndef P11_BACKEND_WOLFCRYPT_H
#define P11_BACKEND_WOLFCRYPT_H

#include <wolfssl/options.h>

#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/pwdbased.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/sha256.h>

#endif // P11_BACKEND_WOLFCRYPT_H
