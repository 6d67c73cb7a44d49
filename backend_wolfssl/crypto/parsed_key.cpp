/* ParsedKey: attributes -> wolfCrypt key, once per key and idle slot. */
#include "parsed_key.h"

#include <memory>
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

// A wolfCrypt key not yet handed to its ParsedKey: wiped and freed however
// the scope ends (load_*_key leaves nothing else to free when it fails, or
// when a copy inside it runs out of memory and throws).
struct WipeAndDelete {
    template <typename T> void operator()(T *key) const
    {
        secure_wipe(key, sizeof *key);
        delete key;
    }
};

CK_RV make_ec(ParsedKey *key, const AttributeSet &attrs)
{
    std::unique_ptr<ecc_key, WipeAndDelete> ec(new (std::nothrow) ecc_key);
    if (ec == nullptr) {
        return CKR_HOST_MEMORY;
    }
    CK_RV rv = use_result(load_ec_key(key->key_class, attrs, ec.get(), &key->curve));
    if (rv != CKR_OK) {
        return rv;
    }
    key->ec = ec.release();
    return CKR_OK;
}

CK_RV make_rsa(ParsedKey *key, const AttributeSet &attrs)
{
    std::unique_ptr<RsaKey, WipeAndDelete> rsa(new (std::nothrow) RsaKey);
    if (rsa == nullptr) {
        return CKR_HOST_MEMORY;
    }
    CK_RV rv = use_result(load_rsa_key(key->key_class, attrs, rsa.get()));
    if (rv != CKR_OK) {
        return rv;
    }
    key->modulus_bits = static_cast<CK_ULONG>(mp_count_bits(&rsa->n));
    key->rsa = rsa.release();
    return CKR_OK;
}

struct FreeParsedKey {
    void operator()(ParsedKey *key) const { parsed_key_free(key); }
};

} // namespace

CK_RV parsed_key_make(CK_KEY_TYPE key_type, CK_OBJECT_CLASS key_class, const AttributeSet &attrs, ParsedKey **out)
{
    *out = nullptr;
    if (key_type != CKK_EC && key_type != CKK_RSA) {
        return CKR_KEY_TYPE_INCONSISTENT;
    }
    // Freed (wiped) however the scope ends, a std::bad_alloc included.
    std::unique_ptr<ParsedKey, FreeParsedKey> key(new (std::nothrow) ParsedKey{});
    if (key == nullptr) {
        return CKR_HOST_MEMORY;
    }
    key->key_type = key_type;
    key->key_class = key_class;
    CK_RV rv = key_type == CKK_EC ? make_ec(key.get(), attrs) : make_rsa(key.get(), attrs);
    if (rv != CKR_OK) {
        return rv;
    }
    // Keys are checked when they enter the token; a stored key that fails the
    // same checks (written by an older version that did not check, or damaged)
    // is not used. Once per parse: parsed keys are pooled with their object.
    const CK_RV checked = check_key_material(key_class, key_type, attrs);
    if (checked != CKR_OK) {
        return checked == CKR_HOST_MEMORY ? checked : CKR_FUNCTION_FAILED;
    }
    *out = key.release();
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
