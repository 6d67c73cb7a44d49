/* The mechanisms the lean backend implements, offered as far as the profile
 * allows them: the profile's key sizes, the flags both name. */
#include "lean/lean_library.h"
#include "p11_profile.h"

namespace p11::lean {

namespace {

struct Implemented {
    CK_MECHANISM_TYPE type;
    CK_FLAGS flags;
};

constexpr CK_FLAGS kEcCapabilities = CKF_EC_F_P | CKF_EC_NAMEDCURVE | CKF_EC_UNCOMPRESS;
// lean_api_sign.cpp, built for a profile that signs.
constexpr CK_FLAGS kEcSign = P11_LEAN_SIGNS ? CKF_SIGN : 0;
// lean_api_keygen.cpp, built for a profile that generates key pairs.
constexpr CK_FLAGS kEcGenerate = P11_LEAN_GENERATES ? CKF_GENERATE_KEY_PAIR | kEcCapabilities : 0;

// lean_api_digest.cpp, lean_api_keygen.cpp, lean_api_verify.cpp and lean_api_sign.cpp
constexpr Implemented kImplemented[] = {
    {CKM_SHA256, CKF_DIGEST},
    {CKM_EC_KEY_PAIR_GEN, kEcGenerate},
    {CKM_ECDSA, kEcSign | CKF_VERIFY | kEcCapabilities},
    {CKM_ECDSA_SHA256, kEcSign | CKF_VERIFY | kEcCapabilities},
    {CKM_RSA_PKCS, CKF_VERIFY},
    {CKM_SHA256_RSA_PKCS, CKF_VERIFY},
};

CK_FLAGS implemented_flags(CK_MECHANISM_TYPE type)
{
    for (const Implemented &mechanism : kImplemented) {
        if (mechanism.type == type) {
            return mechanism.flags;
        }
    }
    return 0;
}

} // namespace

bool mechanism_info(CK_MECHANISM_TYPE type, CK_MECHANISM_INFO *out)
{
    const p11_profile &profile = p11_active_profile;
    for (CK_ULONG i = 0; profile.mechanisms != nullptr && i < profile.mechanism_count; ++i) {
        const p11_mechanism_entry &entry = profile.mechanisms[i];
        const CK_FLAGS flags = entry.flags & implemented_flags(type);
        if (entry.type == type && flags != 0) {
            out->ulMinKeySize = entry.min_key_size;
            out->ulMaxKeySize = entry.max_key_size;
            out->flags = flags;
            return true;
        }
    }
    return false;
}

CK_ULONG mechanism_list(CK_MECHANISM_TYPE *out, CK_ULONG capacity)
{
    const p11_profile &profile = p11_active_profile;
    CK_ULONG count = 0;
    for (CK_ULONG i = 0; profile.mechanisms != nullptr && i < profile.mechanism_count; ++i) {
        CK_MECHANISM_INFO info;
        if (mechanism_info(profile.mechanisms[i].type, &info)) {
            if (count < capacity) {
                out[count] = profile.mechanisms[i].type;
            }
            ++count;
        }
    }
    return count;
}

} // namespace p11::lean
