/* Comparison whose running time does not depend on where the inputs differ,
 * for MACs and recovered signature blocks (an early-exit memcmp would let an
 * attacker find a valid tag byte by byte). */
#ifndef P11_BACKEND_CRYPTO_CONSTANT_TIME_H
#define P11_BACKEND_CRYPTO_CONSTANT_TIME_H

#include <cstddef>

namespace p11 {

inline bool constant_time_equal(const unsigned char *a, const unsigned char *b, std::size_t len)
{
    // Volatile keeps the compiler from turning the loop into an early exit.
    volatile unsigned char diff = 0;
    for (std::size_t i = 0; i < len; ++i) {
        diff = diff | (a[i] ^ b[i]);
    }
    return diff == 0;
}

} // namespace p11

#endif // P11_BACKEND_CRYPTO_CONSTANT_TIME_H
