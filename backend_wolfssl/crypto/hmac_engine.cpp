/* HMAC-SHA256 (CKM_SHA256_HMAC, full 32-byte output) for the sign engines.
 * Verification recomputes the MAC and compares in constant time. */
#include <new>

#include "constant_time.h"
#include "key_limits.h"
#include "secure_wipe.h"
#include "sign_engine_internal.h"

namespace p11 {

CK_RV hmac_engine_load(SignEngine *engine, CK_OBJECT_CLASS key_class, const AttributeSet &key)
{
    (void)key_class; // checked by sign_engine_init
    const ByteView *value = key.get(CKA_VALUE);
    if (value == nullptr) {
        return CKR_TEMPLATE_INCOMPLETE;
    }
    if (value->size() < kHmacMinBytes || value->size() > kHmacMaxBytes) {
        return CKR_KEY_SIZE_RANGE;
    }
    Hmac *hmac = new (std::nothrow) Hmac;
    if (hmac == nullptr) {
        return CKR_HOST_MEMORY;
    }
    if (wc_HmacInit(hmac, nullptr, INVALID_DEVID) != 0) {
        delete hmac;
        return CKR_FUNCTION_FAILED;
    }
    engine->hmac = hmac;
    int rc = wc_HmacSetKey(hmac, WC_SHA256, value->data(), static_cast<word32>(value->size()));
    if (rc != 0) {
        return wolfcrypt_failure(rc);
    }
    engine->signature_length = WC_SHA256_DIGEST_SIZE;
    return CKR_OK;
}

CK_RV hmac_engine_update(SignEngine *engine, const unsigned char *data, std::size_t len)
{
    return wc_HmacUpdate(engine->hmac, data, static_cast<word32>(len)) == 0 ? CKR_OK : CKR_FUNCTION_FAILED;
}

CK_RV hmac_engine_sign(SignEngine *engine, unsigned char *mac)
{
    return wc_HmacFinal(engine->hmac, mac) == 0 ? CKR_OK : CKR_FUNCTION_FAILED;
}

CK_RV hmac_engine_verify(SignEngine *engine, const unsigned char *mac)
{
    unsigned char expected[WC_SHA256_DIGEST_SIZE];
    if (wc_HmacFinal(engine->hmac, expected) != 0) {
        return CKR_FUNCTION_FAILED;
    }
    bool equal = constant_time_equal(expected, mac, sizeof expected);
    secure_wipe(expected, sizeof expected);
    return equal ? CKR_OK : CKR_SIGNATURE_INVALID;
}

void hmac_engine_release(SignEngine *engine)
{
    if (engine->hmac != nullptr) {
        wc_HmacFree(engine->hmac);
        secure_wipe(engine->hmac, sizeof *engine->hmac); // the padded key states
        delete engine->hmac;
        engine->hmac = nullptr;
    }
}

} // namespace p11
