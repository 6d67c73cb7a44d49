/* A wolfCrypt failure that is not the caller's, as a PKCS #11 result: a full
 * heap (MEMORY_E, or the math's MP_MEM: wolfCrypt allocates through the port
 * on devices) is CKR_HOST_MEMORY, anything else CKR_FUNCTION_FAILED. */
#ifndef P11_BACKEND_CRYPTO_WOLFCRYPT_FAILURE_H
#define P11_BACKEND_CRYPTO_WOLFCRYPT_FAILURE_H

#include "pkcs11.h"
#include "wolfcrypt.h"

namespace p11 {

inline bool wolfcrypt_out_of_memory(int rc)
{
    return rc == MEMORY_E || rc == MP_MEM;
}

inline CK_RV wolfcrypt_failure(int rc)
{
    return wolfcrypt_out_of_memory(rc) ? CKR_HOST_MEMORY : CKR_FUNCTION_FAILED;
}

// CKR_OK for wolfCrypt's 0, else wolfcrypt_failure.
inline CK_RV wolfcrypt_rv(int rc)
{
    return rc == 0 ? CKR_OK : wolfcrypt_failure(rc);
}

} // namespace p11

#endif // P11_BACKEND_CRYPTO_WOLFCRYPT_FAILURE_H
