/* CKA_CHECK_VALUE (see check_value.h). */
#include "check_value.h"

#include <cstring>

#include "secure_wipe.h"
#include "wolfcrypt.h"

#if !P11_HAVE_SHA1
#error "CKA_CHECK_VALUE needs SHA-1: every wolfCrypt settings file enables it (codegen wolfcrypt_settings.py)"
#endif

#include <wolfssl/wolfcrypt/sha.h>

namespace p11 {

bool compute_check_value(ByteView value, unsigned char out[kCheckValueSize])
{
    unsigned char digest[WC_SHA_DIGEST_SIZE];
    // wc_ShaHash takes a word32 length; key and certificate values are far smaller.
    if (value.size() > 0xffffffffu ||
        wc_ShaHash(value.data(), static_cast<word32>(value.size()), digest) != 0) {
        return false;
    }
    std::memcpy(out, digest, kCheckValueSize);
    secure_wipe(digest, sizeof digest); // a secret key's hash
    return true;
}

} // namespace p11
