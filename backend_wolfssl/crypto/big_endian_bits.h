/* The size in bits of a big-endian unsigned integer (an RSA modulus as
 * CKA_MODULUS holds it), for both backends. */
#ifndef P11_BACKEND_CRYPTO_BIG_ENDIAN_BITS_H
#define P11_BACKEND_CRYPTO_BIG_ENDIAN_BITS_H

#include <cstddef>

#include "pkcs11.h"

namespace p11 {

// Leading zero octets ignored; 0 for zero.
inline CK_ULONG big_endian_bits(const unsigned char *value, std::size_t len)
{
    std::size_t i = 0;
    while (i < len && value[i] == 0) {
        ++i;
    }
    if (i == len) {
        return 0;
    }
    CK_ULONG bits = static_cast<CK_ULONG>(len - i - 1) * 8;
    for (unsigned top = value[i]; top != 0; top >>= 1) {
        ++bits;
    }
    return bits;
}

} // namespace p11

#endif // P11_BACKEND_CRYPTO_BIG_ENDIAN_BITS_H
