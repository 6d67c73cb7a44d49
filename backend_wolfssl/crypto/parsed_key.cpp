/* ParsedKey: attributes -> wolfCrypt key, once per key and idle slot. */
#include "parsed_key.h"

#include <new>

#include "key_check.h"
#include "key_loading.h"
#include "secure_wipe.h"

namespace p11 {

namespace {

// At *Init the object passed key_check.cpp at import, so material that no
// longer loads is the module's failure, not a template error.
CK_RV use_result(KeyLoad result)
{
    switch (result) {
    case KeyLoad::ok:
        return CKR_OK;
    case KeyLoad::missing:
        return CKR_TEMPLATE_INCOMPLETE;
    case KeyLoad::unsupported:
        return CKR_KEY_SIZE_RANGE;
    case KeyLoad::malformed:
    case KeyLoad::failed:
        break;
    }
    return CKR_FUNCTION_FAILED;
}

CK_RV make_ec(ParsedKey *key, const AttributeSet &attrs)
{
    ecc_key *ec = new (std::nothrow) ecc_key;
    if (ec == nullptr) {
        return CKR_HOST_MEMORY;
    }
    CK_RV rv = use_result(load_ec_key(key->key_class, attrs, ec, &key->curve));
    if (rv != CKR_OK) {
        delete ec; // load_ec_key left nothing to free
        return rv;
    }
    key->ec = ec;
    return CKR_OK;
}

CK_RV make_rsa(ParsedKey *key, const AttributeSet &attrs)
{
    RsaKey *rsa = new (std::nothrow) RsaKey;
    if (rsa == nullptr) {
        return CKR_HOST_MEMORY;
    }
    CK_RV rv = use_result(load_rsa_key(key->key_class, attrs, rsa));
    if (rv != CKR_OK) {
        delete rsa; // load_rsa_key left nothing to free
        return rv;
    }
    key->rsa = rsa;
    key->modulus_bits = static_cast<CK_ULONG>(mp_count_bits(&rsa->n));
    return CKR_OK;
}

} // namespace

CK_RV parsed_key_make(CK_KEY_TYPE key_type, CK_OBJECT_CLASS key_class, const AttributeSet &attrs, ParsedKey **out)
{
    *out = nullptr;
    if (key_type != CKK_EC && key_type != CKK_RSA) {
        return CKR_KEY_TYPE_INCONSISTENT;
    }
    ParsedKey *key = new (std::nothrow) ParsedKey{};
    if (key == nullptr) {
        return CKR_HOST_MEMORY;
    }
    key->key_type = key_type;
    key->key_class = key_class;
    CK_RV rv = key_type == CKK_EC ? make_ec(key, attrs) : make_rsa(key, attrs);
    if (rv != CKR_OK) {
        delete key;
        return rv;
    }
    // Keys are checked when they enter the token; a stored key that fails the
    // same checks (written by an older version that did not check, or damaged)
    // is not used. Once per parse: parsed keys are pooled with their object.
    if (check_key_material(key_class, key_type, attrs) != CKR_OK) {
        parsed_key_free(key);
        return CKR_FUNCTION_FAILED;
    }
    *out = key;
    return CKR_OK;
}

void parsed_key_free(ParsedKey *key)
{
    if (key == nullptr) {
        return;
    }
    if (key->ec != nullptr) {
        wc_ecc_free(key->ec);
        secure_wipe(key->ec, sizeof *key->ec);
        delete key->ec;
    }
    if (key->rsa != nullptr) {
        wc_FreeRsaKey(key->rsa);
        secure_wipe(key->rsa, sizeof *key->rsa);
        delete key->rsa;
    }
    secure_wipe(key, sizeof *key);
    delete key;
}

} // namespace p11
