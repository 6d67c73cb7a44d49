/* The device key's source (see device_key.h). */
#include "secrets/device_key.h"

#include <cstring>

#include "core_pkcs11_pal_device_key.h"
#include "heap_watch.h"
#include "log.h"
#include "objects/pal_io.h"
#include "secure_wipe.h"

namespace p11 {

static_assert(P11_PAL_DEVICE_KEY_SIZE == kTokenKeySize, "the device key is an AES-256 key");

bool pal_has_device_key()
{
    return &PKCS11_PAL_GetDeviceKey != nullptr;
}

namespace {

// A random key in the token record; another process may have made it first.
CK_RV record_key(TokenState *token, WC_RNG &rng, SecretKey *out)
{
    StoreLock store;
    CK_RV rv = store.rv() == CKR_OK ? token_refresh(token) : CKR_DEVICE_ERROR;
    if (rv == CKR_OK && !token->record.store_key_present) {
        TokenRecord updated = token->record;
        if (wc_RNG_GenerateBlock(&rng, updated.store_key, static_cast<word32>(sizeof updated.store_key)) != 0) {
            rv = CKR_FUNCTION_FAILED;
        } else {
            updated.store_key_present = true;
            rv = token_save(updated);
        }
        if (rv == CKR_OK) {
            token->record = updated;
        }
        secure_wipe(&updated, sizeof updated);
    }
    if (rv == CKR_OK) {
        std::memcpy(out->bytes, token->record.store_key, sizeof out->bytes);
    }
    return rv;
}

} // namespace

CK_RV device_key_load(TokenState *token, WC_RNG &rng, SecretKey *out)
{
    const HeapWatch heap;
    CK_RV rv = pal_has_device_key() ? PKCS11_PAL_GetDeviceKey(out->bytes, sizeof out->bytes)
                                    : record_key(token, rng, out);
    if (rv != CKR_OK) {
        secure_wipe(out->bytes, sizeof out->bytes);
        if (rv == CKR_HOST_MEMORY || heap.refused()) {
            return CKR_HOST_MEMORY; // not a missing key: C_Initialize fails, and a retry reads it
        }
        log_line({"no device key; values sealed under it can be neither stored nor read"});
        return CKR_DEVICE_ERROR;
    }
    return CKR_OK;
}

} // namespace p11
