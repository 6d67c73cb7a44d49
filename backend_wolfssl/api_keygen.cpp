/* Key generation (v2.40 §5.14): C_GenerateKeyPair for CKM_EC_KEY_PAIR_GEN
 * (P-256, P-384) and CKM_RSA_PKCS_KEY_PAIR_GEN (2048-4096 bits). Both
 * templates are checked by the attribute tables (§4.1.1 codes) before any
 * key is made, and the pair is stored all or nothing. */
#include <new>
#include <utility>
#include <vector>

#include "backend_api.h"
#include "out_of_memory.h"
#include "crypto/ec_params.h"
#include "crypto/key_generation.h"
#include "library.h"
#include "mechanism_catalog.h"
#include "objects/attribute_rules.h"
#include "objects/object_store.h"
#include "session.h"

using namespace p11;

namespace {

CK_KEY_TYPE key_type_of(CK_MECHANISM_TYPE mechanism)
{
    return mechanism == CKM_EC_KEY_PAIR_GEN ? CKK_EC : CKK_RSA;
}

// The key material, made once both templates are known to be acceptable.
CK_RV make_key_material(CK_MECHANISM_TYPE mechanism, const AttributeSet &public_attrs, WC_RNG *rng,
                        AttributeSet *pub, AttributeSet *priv)
{
    if (mechanism == CKM_EC_KEY_PAIR_GEN) {
        const ByteView *params = public_attrs.get(CKA_EC_PARAMS);
        if (params == nullptr) {
            return CKR_TEMPLATE_INCOMPLETE; // the curve comes from the public template
        }
        return generate_ec_key_pair(*params, rng, pub, priv);
    }
    CK_ULONG bits = 0;
    if (!public_attrs.get_ulong(CKA_MODULUS_BITS, &bits)) {
        return CKR_TEMPLATE_INCOMPLETE;
    }
    const ByteView *exponent = public_attrs.get(CKA_PUBLIC_EXPONENT);
    return generate_rsa_key_pair(bits, exponent != nullptr ? *exponent : Bytes(), rng, pub, priv);
}

// The key size the public template asks for within C_GetMechanismInfo's
// range. C_GenerateKeyPair has no CKR_KEY_SIZE_RANGE: a curve outside it is
// CKR_CURVE_NOT_SUPPORTED ("the specified curve is not supported by this
// token"), a modulus size an invalid CKA_MODULUS_BITS. A curve the backend
// lacks was refused by the attribute tables already (also
// CKR_CURVE_NOT_SUPPORTED); a missing attribute is left to make_key_material.
CK_RV check_key_size(CK_MECHANISM_TYPE mechanism, const AttributeSet &public_attrs, const CK_MECHANISM_INFO &info)
{
    CK_ULONG size = 0;
    if (mechanism == CKM_EC_KEY_PAIR_GEN) {
        const ByteView *params = public_attrs.get(CKA_EC_PARAMS);
        const EcCurve *curve = params != nullptr ? ec_curve_from_params(*params) : nullptr;
        if (curve == nullptr) {
            return CKR_OK;
        }
        size = curve->bits;
    } else if (!public_attrs.get_ulong(CKA_MODULUS_BITS, &size)) {
        return CKR_OK;
    }
    if (size >= info.ulMinKeySize && size <= info.ulMaxKeySize) {
        return CKR_OK;
    }
    return mechanism == CKM_EC_KEY_PAIR_GEN ? CKR_CURVE_NOT_SUPPORTED : CKR_ATTRIBUTE_VALUE_INVALID;
}

// Copies the generated material over the template-built attributes.
void merge(const AttributeSet &material, AttributeSet *into)
{
    for (const Attribute &attribute : material.items()) {
        into->set(attribute.type, attribute.value.data(), attribute.value.size());
    }
}

} // namespace

extern "C" {

CK_RV p11be_C_GenerateKeyPair(p11_session *session, CK_MECHANISM_PTR pMechanism,
                              CK_ATTRIBUTE_PTR pPublicKeyTemplate, CK_ULONG ulPublicKeyAttributeCount,
                              CK_ATTRIBUTE_PTR pPrivateKeyTemplate, CK_ULONG ulPrivateKeyAttributeCount,
                              CK_OBJECT_HANDLE_PTR phPublicKey, CK_OBJECT_HANDLE_PTR phPrivateKey)
P11_TRY {
    const CK_MECHANISM_TYPE mechanism = pMechanism->mechanism;
    CK_MECHANISM_INFO info;
    if ((mechanism != CKM_EC_KEY_PAIR_GEN && mechanism != CKM_RSA_PKCS_KEY_PAIR_GEN) ||
        !mechanism_offered(profile(), mechanism, &info) || (info.flags & CKF_GENERATE_KEY_PAIR) == 0) {
        return CKR_MECHANISM_INVALID;
    }
    if (pMechanism->pParameter != nullptr || pMechanism->ulParameterLen != 0) {
        return CKR_MECHANISM_PARAM_INVALID; // neither mechanism takes a parameter
    }
    const CK_KEY_TYPE key_type = key_type_of(mechanism);
    std::vector<AttributeSet> pair(2);
    CK_RV rv = build_object(pPublicKeyTemplate, ulPublicKeyAttributeCount, ObjectOrigin::generate, CKO_PUBLIC_KEY,
                            key_type, &pair[0]);
    if (rv == CKR_OK) {
        rv = build_object(pPrivateKeyTemplate, ulPrivateKeyAttributeCount, ObjectOrigin::generate, CKO_PRIVATE_KEY,
                          key_type, &pair[1]);
    }
    if (rv != CKR_OK) {
        return rv;
    }
    if ((template_needs_so(pPublicKeyTemplate, ulPublicKeyAttributeCount) ||
         template_needs_so(pPrivateKeyTemplate, ulPrivateKeyAttributeCount)) &&
        current_login() != Login::so) {
        return CKR_ATTRIBUTE_READ_ONLY; // v2.40 Table 10 footnote 10, as C_CreateObject
    }
    rv = check_key_size(mechanism, pair[0], info);
    if (rv != CKR_OK) {
        return rv;
    }
    WC_RNG *rng = nullptr;
    rv = session_rng(session, &rng);
    AttributeSet public_material;
    AttributeSet private_material;
    if (rv == CKR_OK) {
        rv = make_key_material(mechanism, pair[0], rng, &public_material, &private_material);
    }
    if (rv != CKR_OK) {
        return rv;
    }
    merge(public_material, &pair[0]);
    merge(private_material, &pair[1]);
    for (AttributeSet &key : pair) {
        key.set_ulong(CKA_KEY_GEN_MECHANISM, mechanism);
    }
    CK_OBJECT_HANDLE handles[2] = {CK_INVALID_HANDLE, CK_INVALID_HANDLE};
    rv = object_store_add(session, std::move(pair), handles);
    if (rv == CKR_OK) {
        *phPublicKey = handles[0];
        *phPrivateKey = handles[1];
    }
    return rv;
} P11_HOST_MEMORY_ON_BAD_ALLOC

} // extern "C"
