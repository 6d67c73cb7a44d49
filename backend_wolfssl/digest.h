/* A digest operation in progress on a session (C_DigestInit .. C_DigestFinal). */
#ifndef P11_BACKEND_DIGEST_H
#define P11_BACKEND_DIGEST_H

#include "pkcs11.h"
#include "wolfcrypt.h"

namespace p11 {

struct DigestOperation {
    wc_HashAlg state;
    enum wc_HashType type;
    CK_ULONG size; // digest length in bytes
    bool active;   // `state` is initialized (else it is wiped)
};

} // namespace p11

#endif // P11_BACKEND_DIGEST_H
