/* The catalog of implemented mechanisms and its intersection with the profile. */
#include "mechanism_catalog.h"

#include <algorithm>
#include <cstddef>
#include <iterator>

#include "crypto/key_limits.h"

namespace p11 {

namespace {

struct CatalogEntry {
    CK_MECHANISM_TYPE type;
    CK_ULONG min_key_size;
    CK_ULONG max_key_size;
    CK_FLAGS flags;
};

constexpr CK_FLAGS kEcCapabilities = CKF_EC_F_P | CKF_EC_NAMEDCURVE | CKF_EC_UNCOMPRESS;

// Sorted by type (binary search, checked below). The comments name the files
// that implement the rows. Key sizes: bits for RSA and EC, bytes for HMAC keys.
// A row whose algorithm the linked wolfCrypt leaves out (its settings follow
// the profile, see wolfcrypt.h) is not compiled: that mechanism is not offered.
constexpr CatalogEntry kCatalog[] = {
#if P11_HAVE_RSA_KEYGEN
    // crypto/key_generation.cpp
    {CKM_RSA_PKCS_KEY_PAIR_GEN, kRsaMinBits, kRsaMaxBits, CKF_GENERATE_KEY_PAIR},
#endif
    // crypto/rsa_engine.cpp
    {CKM_RSA_PKCS, kRsaMinBits, kRsaMaxBits, CKF_SIGN | CKF_VERIFY},
#if P11_HAVE_RSA_RAW
    {CKM_RSA_X_509, kRsaMinBits, kRsaMaxBits, CKF_SIGN | CKF_VERIFY},
#endif
#if P11_HAVE_RSA_PSS
    {CKM_RSA_PKCS_PSS, kRsaMinBits, kRsaMaxBits, CKF_SIGN | CKF_VERIFY},
#endif
    {CKM_SHA256_RSA_PKCS, kRsaMinBits, kRsaMaxBits, CKF_SIGN | CKF_VERIFY},
#if P11_HAVE_SHA384
    {CKM_SHA384_RSA_PKCS, kRsaMinBits, kRsaMaxBits, CKF_SIGN | CKF_VERIFY},
#endif
#if P11_HAVE_RSA_PSS
    {CKM_SHA256_RSA_PKCS_PSS, kRsaMinBits, kRsaMaxBits, CKF_SIGN | CKF_VERIFY},
#endif
    // digest.cpp, except CKM_SHA256_HMAC (crypto/hmac_engine.cpp)
#if P11_HAVE_SHA1
    {CKM_SHA_1, 0, 0, CKF_DIGEST},
#endif
    {CKM_SHA256, 0, 0, CKF_DIGEST},
    {CKM_SHA256_HMAC, kHmacMinBytes, kHmacMaxBytes, CKF_SIGN | CKF_VERIFY},
#if P11_HAVE_SHA384
    {CKM_SHA384, 0, 0, CKF_DIGEST},
#endif
#if P11_HAVE_SHA512
    {CKM_SHA512, 0, 0, CKF_DIGEST},
#endif
    // crypto/key_generation.cpp
    {CKM_EC_KEY_PAIR_GEN, kEcMinBits, kEcMaxBits, CKF_GENERATE_KEY_PAIR | kEcCapabilities},
    // crypto/ecdsa_engine.cpp
    {CKM_ECDSA, kEcMinBits, kEcMaxBits, CKF_SIGN | CKF_VERIFY | kEcCapabilities},
    {CKM_ECDSA_SHA256, kEcMinBits, kEcMaxBits, CKF_SIGN | CKF_VERIFY | kEcCapabilities},
#if P11_HAVE_SHA384
    {CKM_ECDSA_SHA384, kEcMinBits, kEcMaxBits, CKF_SIGN | CKF_VERIFY | kEcCapabilities},
#endif
};

constexpr bool catalog_sorted()
{
    for (std::size_t i = 1; i < sizeof kCatalog / sizeof kCatalog[0]; ++i) {
        if (kCatalog[i - 1].type >= kCatalog[i].type) {
            return false;
        }
    }
    return true;
}
static_assert(catalog_sorted(), "kCatalog must be sorted by mechanism type");

const CatalogEntry *catalog_find(CK_MECHANISM_TYPE type)
{
    const CatalogEntry *end = std::end(kCatalog);
    const CatalogEntry *it = std::lower_bound(
        std::begin(kCatalog), end, type,
        [](const CatalogEntry &e, CK_MECHANISM_TYPE t) { return e.type < t; });
    return it != end && it->type == type ? it : nullptr;
}

// A linear scan: profiles list a handful of mechanisms, and the generated
// tables keep the YAML's order rather than sorting by type.
const p11_mechanism_entry *profile_find(const p11_profile &profile, CK_MECHANISM_TYPE type)
{
    for (CK_ULONG i = 0; profile.mechanisms != nullptr && i < profile.mechanism_count; ++i) {
        if (profile.mechanisms[i].type == type) {
            return &profile.mechanisms[i];
        }
    }
    return nullptr;
}

bool intersect(const p11_mechanism_entry &wanted, const CatalogEntry &have, CK_MECHANISM_INFO *info)
{
    CK_FLAGS flags = wanted.flags & have.flags;
    if (flags == 0) {
        return false;
    }
    CK_ULONG min_size = 0;
    CK_ULONG max_size = 0;
    if (have.max_key_size != 0) {
        min_size = std::max(wanted.min_key_size, have.min_key_size);
        max_size = wanted.max_key_size == 0 ? have.max_key_size
                                            : std::min(wanted.max_key_size, have.max_key_size);
        if (min_size > max_size) {
            return false;
        }
    }
    if (info != nullptr) {
        info->ulMinKeySize = min_size;
        info->ulMaxKeySize = max_size;
        info->flags = flags;
    }
    return true;
}

} // namespace

bool mechanism_offered(const p11_profile &profile, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO *info)
{
    const p11_mechanism_entry *wanted = profile_find(profile, type);
    const CatalogEntry *have = catalog_find(type);
    return wanted != nullptr && have != nullptr && intersect(*wanted, *have, info);
}

CK_ULONG mechanism_offered_list(const p11_profile &profile, CK_MECHANISM_TYPE *list,
                                CK_ULONG capacity)
{
    CK_ULONG count = 0;
    for (CK_ULONG i = 0; profile.mechanisms != nullptr && i < profile.mechanism_count; ++i) {
        const p11_mechanism_entry &wanted = profile.mechanisms[i];
        const CatalogEntry *have = catalog_find(wanted.type);
        if (have == nullptr || !intersect(wanted, *have, nullptr)) {
            continue;
        }
        if (list != nullptr && count < capacity) {
            list[count] = wanted.type;
        }
        ++count;
    }
    return count;
}

} // namespace p11
