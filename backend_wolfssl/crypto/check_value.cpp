/* CKA_CHECK_VALUE (see check_value.h). */
#include "check_value.h"

#include <cstring>

#include "secure_wipe.h"
#include "wolfcrypt.h"

namespace p11 {

#if P11_HAVE_SHA1
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
#else
// SHA-1 is left out only of profiles in which no function creates an
// object (codegen wolfcrypt_settings.py): nothing there asks for a check
// value, and one asked for anyway fails instead of being made up.
bool compute_check_value(ByteView, unsigned char *)
{
    return false;
}
#endif

} // namespace p11
