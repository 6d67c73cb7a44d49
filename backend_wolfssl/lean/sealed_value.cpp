/* A sealed value opened for one use (see sealed_value.h). */
#include "lean/sealed_value.h"

#include <cstring>

#include "core_pkcs11_pal_device_key.h"
#include "p11_log_text.h"
#include "p11_port.h"
#include "secrets/gcm_box.h"
#include "secure_wipe.h"

namespace p11::lean {

namespace {

constexpr std::uint8_t kBindingDeviceKey = 2; // object_codec.cpp's SecretBinding::device_key

void report(const char *why)
{
    const char *parts[] = {"a private value cannot be opened: ", why};
    p11_log_parts(parts, sizeof parts / sizeof parts[0]);
}

} // namespace

bool device_key(Library &lib, std::uint8_t (&out)[kBoxKeySize])
{
    if (&PKCS11_PAL_GetDeviceKey != nullptr) {
        return PKCS11_PAL_GetDeviceKey(out, sizeof out) == CKR_OK;
    }
    if (!lib.record.store_key_present) {
        token_read(lib);
    }
    if (!lib.record.store_key_present) {
        return false;
    }
    std::memcpy(out, lib.record.store_key, sizeof out);
    return true;
}

CK_RV sealed_value(Library &lib, const RecordView &key, CK_ATTRIBUTE_TYPE type, std::uint8_t *out,
                   std::size_t capacity, std::size_t *len)
{
    if (key.box_len <= kBoxOverhead) {
        return CKR_TEMPLATE_INCOMPLETE; // nothing sealed
    }
    if (key.binding != kBindingDeviceKey) {
        // Under the token key: a PIN-derived key this backend never makes.
        report("it is bound to the user's PIN (storage.secrets: pin)");
        return CKR_FUNCTION_FAILED;
    }
    std::uint8_t box_key[kBoxKeySize];
    if (!device_key(lib, box_key)) {
        secure_wipe(box_key, sizeof box_key);
        report("there is no device key");
        return CKR_FUNCTION_FAILED;
    }
    const std::size_t plain_len = key.box_len - kBoxOverhead;
    auto *plain = static_cast<std::uint8_t *>(p11_port_malloc(plain_len));
    if (plain == nullptr) {
        secure_wipe(box_key, sizeof box_key);
        return CKR_HOST_MEMORY;
    }
    const bool opened = box_open(box_key, key.record, static_cast<std::size_t>(key.box - key.record), key.box,
                                 key.box_len, plain);
    secure_wipe(box_key, sizeof box_key);
    RecordView secrets;
    const std::uint8_t *value = nullptr;
    std::uint32_t value_len = 0;
    CK_RV rv = CKR_OK;
    if (!opened || !secret_list_open(plain, plain_len, &secrets)) {
        report(opened ? "its box holds a malformed list" : "its box does not open (another device key, or a changed byte)");
        rv = CKR_FUNCTION_FAILED;
    } else if (!record_find(secrets, type, &value, &value_len)) {
        rv = CKR_TEMPLATE_INCOMPLETE;
    } else if (value_len > capacity) {
        rv = CKR_KEY_SIZE_RANGE;
    } else {
        std::memcpy(out, value, value_len);
        *len = value_len;
    }
    secure_wipe(plain, plain_len);
    p11_port_free(plain);
    return rv;
}

} // namespace p11::lean
