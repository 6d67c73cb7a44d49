/* CKA_CHECK_VALUE of certificates and generic secret keys: the first three
 * bytes of the SHA-1 hash of CKA_VALUE (v2.40 §4.6.3 for X.509 certificates,
 * the mechanisms document's generic secret key objects). */
#ifndef P11_BACKEND_CRYPTO_CHECK_VALUE_H
#define P11_BACKEND_CRYPTO_CHECK_VALUE_H

#include <cstddef>

#include "byte_view.h"
#include "wiping_allocator.h"

namespace p11 {

constexpr std::size_t kCheckValueSize = 3;

// False only when wolfCrypt fails.
bool compute_check_value(ByteView value, unsigned char out[kCheckValueSize]);

} // namespace p11

#endif // P11_BACKEND_CRYPTO_CHECK_VALUE_H
