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
    // Which way the operation was used first: v2.40 §5.10 lets C_Digest
    // only run a whole operation, and C_DigestUpdate/Final only a multi-part one.
    bool single_part; // C_Digest was called (a length query included)
    bool multi_part;  // C_DigestUpdate or C_DigestFinal was called
};

} // namespace p11

#endif // P11_BACKEND_DIGEST_H
