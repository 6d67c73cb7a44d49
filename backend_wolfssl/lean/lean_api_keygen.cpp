/* Key pair generation (v2.40 §5.14) for a lean profile: CKM_EC_KEY_PAIR_GEN
 * on P-256. Both templates are checked by the attribute tables as the full
 * backend checks them (new_object.h), the pair is made from the token's
 * DRBG, and stored all or nothing (new_object_store.h): the private value
 * sealed under the device key, never in clear in the store. */
#include <cstring>

#include "crypto/wolfcrypt_failure.h"
#include "lean/lean_library.h"
#include "lean/new_object.h"
#include "lean/new_object_store.h"
#include "lean/p256.h"
#include "p11_backend.h"
#include "p11_port.h"
#include "secure_wipe.h"
#if defined(P11_WOLFCRYPT_FROM_SOURCE) && defined(WOLFSSL_HAVE_SP_ECC)
#include <wolfssl/wolfcrypt/sp.h>
#endif

using namespace p11;
using namespace p11::lean;

namespace {

struct Material {
    std::uint8_t scalar[kP256Field];
    std::uint8_t point[kP256PointDer]; // CKA_EC_POINT: DER OCTET STRING of 0x04 || X || Y
};

#if defined(P11_WOLFCRYPT_FROM_SOURCE) && defined(WOLFSSL_HAVE_SP_ECC)
// wolfCrypt built with the token: its P-256 SP code, without ecc.c.
struct Numbers {
    mp_int d;
    ecc_point q;
};

int p256_make(WC_RNG *rng, Material *out)
{
    auto *n = static_cast<Numbers *>(p11_port_malloc(sizeof(Numbers))); // wide integers: off the stack
    if (n == nullptr) {
        return MEMORY_E;
    }
    int rc = mp_init_multi(&n->d, n->q.x, n->q.y, n->q.z, nullptr, nullptr);
    rc = rc == MP_OKAY ? sp_ecc_make_key_256(rng, &n->d, &n->q, nullptr) : rc;
    rc = rc == MP_OKAY ? mp_to_unsigned_bin_len(&n->d, out->scalar, kP256Field) : rc;
    rc = rc == MP_OKAY ? mp_to_unsigned_bin_len(n->q.x, out->point + 3, kP256Field) : rc;
    rc = rc == MP_OKAY ? mp_to_unsigned_bin_len(n->q.y, out->point + 3 + kP256Field, kP256Field) : rc;
    secure_wipe(n, sizeof *n);
    p11_port_free(n);
    return rc;
}
#else
// Debian's shared wolfCrypt: through its public ECC API.
int p256_make(WC_RNG *rng, Material *out)
{
    auto *key = static_cast<ecc_key *>(p11_port_malloc(sizeof(ecc_key)));
    if (key == nullptr) {
        return MEMORY_E;
    }
    int rc = wc_ecc_init(key);
    if (rc == 0) {
        word32 scalar_len = kP256Field;
        word32 x_len = kP256Field;
        word32 y_len = kP256Field;
        rc = wc_ecc_make_key_ex(rng, kP256Field, key, ECC_SECP256R1);
        rc = rc == 0 ? wc_ecc_export_private_only(key, out->scalar, &scalar_len) : rc;
        rc = rc == 0 ? wc_ecc_export_public_raw(key, out->point + 3, &x_len, out->point + 3 + kP256Field, &y_len)
                     : rc;
        rc = rc == 0 && (scalar_len != kP256Field || x_len != kP256Field || y_len != kP256Field) ? BAD_FUNC_ARG : rc;
        wc_ecc_free(key);
    }
    secure_wipe(key, sizeof *key);
    p11_port_free(key);
    return rc;
}
#endif

CK_RV make_material(Library &lib, Material *out)
{
    if (lib.rng == nullptr) {
        return CKR_FUNCTION_FAILED;
    }
    out->point[0] = 0x04; // OCTET STRING
    out->point[1] = kP256Point;
    out->point[2] = 0x04; // uncompressed
    const int rc = p256_make(lib.rng, out);
    return rc == 0 ? CKR_OK : wolfcrypt_failure(rc);
}

} // namespace

extern "C" {

CK_RV p11be_C_GenerateKeyPair(p11_session *session, CK_MECHANISM_PTR pMechanism,
                              CK_ATTRIBUTE_PTR pPublicKeyTemplate, CK_ULONG ulPublicKeyAttributeCount,
                              CK_ATTRIBUTE_PTR pPrivateKeyTemplate, CK_ULONG ulPrivateKeyAttributeCount,
                              CK_OBJECT_HANDLE_PTR phPublicKey, CK_OBJECT_HANDLE_PTR phPrivateKey)
{
    CK_MECHANISM_INFO info;
    if (pMechanism->mechanism != CKM_EC_KEY_PAIR_GEN || !mechanism_info(pMechanism->mechanism, &info) ||
        (info.flags & CKF_GENERATE_KEY_PAIR) == 0) {
        return CKR_MECHANISM_INVALID;
    }
    if (pMechanism->pParameter != nullptr || pMechanism->ulParameterLen != 0) {
        return CKR_MECHANISM_PARAM_INVALID; // the mechanism takes no parameter
    }
    NewObject pub;
    NewObject priv;
    CK_RV rv = pub.build(pPublicKeyTemplate, ulPublicKeyAttributeCount, Origin::generate, CKO_PUBLIC_KEY, CKK_EC);
    if (rv == CKR_OK) {
        rv = priv.build(pPrivateKeyTemplate, ulPrivateKeyAttributeCount, Origin::generate, CKO_PRIVATE_KEY, CKK_EC);
    }
    if (rv != CKR_OK) {
        return rv;
    }
    Library &lib = library();
    if ((pub.needs_so() || priv.needs_so()) && lib.login != Login::so) {
        return CKR_ATTRIBUTE_READ_ONLY; // v2.40 Table 10 footnote 10, as C_CreateObject
    }
    // The builder let only P-256 through; outside the advertised range it is
    // a curve this token does not support (C_GenerateKeyPair has no
    // CKR_KEY_SIZE_RANGE).
    if (info.ulMinKeySize > 256 || info.ulMaxKeySize < 256) {
        return CKR_CURVE_NOT_SUPPORTED;
    }
    const NewObject *pair[] = {&pub, &priv};
    rv = new_objects_allowed(lib, session, pair, 2);
    if (rv != CKR_OK) {
        return rv;
    }
    auto *material = static_cast<Material *>(p11_port_malloc(sizeof(Material)));
    if (material == nullptr) {
        return CKR_HOST_MEMORY;
    }
    rv = make_material(lib, material);
    if (rv == CKR_OK) {
        const CK_MECHANISM_TYPE mechanism = CKM_EC_KEY_PAIR_GEN;
        pub.set(CKA_EC_POINT, material->point, sizeof material->point);
        priv.set(CKA_EC_PARAMS, kP256Params, sizeof kP256Params);
        priv.set(CKA_EC_POINT, material->point, sizeof material->point);
        priv.set(CKA_VALUE, material->scalar, sizeof material->scalar);
        pub.set(CKA_KEY_GEN_MECHANISM, &mechanism, sizeof mechanism);
        priv.set(CKA_KEY_GEN_MECHANISM, &mechanism, sizeof mechanism);
        CK_OBJECT_HANDLE handles[2] = {CK_INVALID_HANDLE, CK_INVALID_HANDLE};
        rv = new_objects_store(lib, session, pair, 2, handles);
        if (rv == CKR_OK) {
            *phPublicKey = handles[0];
            *phPrivateKey = handles[1];
        }
    }
    secure_wipe(material, sizeof *material);
    p11_port_free(material);
    return rv;
}

} // extern "C"
