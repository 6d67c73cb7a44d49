/* A private key's sealed value, for a lean profile that signs. The FreeRTOS
 * profiles seal private values under the device key (storage.secrets:
 * device), so no PIN-derived key is needed: the PAL's device key
 * (core_pkcs11_pal_device_key.h), else the token record's store key, opens
 * the record's AES-GCM box with the record's bytes before it as associated
 * data (objects/object_codec.cpp), and the one value asked for is copied
 * out; the rest of the opened box is wiped at once. */
#ifndef P11_LEAN_SEALED_VALUE_H
#define P11_LEAN_SEALED_VALUE_H

#include <cstddef>
#include <cstdint>

#include "lean/lean_library.h"
#include "lean/record_view.h"
#include "pkcs11.h"
#include "secrets/gcm_box.h"

namespace p11::lean {

// The key values are sealed under, as the full backend takes it
// (secrets/device_key.cpp): the PAL's device key, else the token record's
// store key, which the module that sealed the value made (the record is read
// again when this token's copy predates it). False when there is neither.
bool device_key(Library &lib, std::uint8_t (&out)[kBoxKeySize]);

// The sealed attribute `type` of `key` into out[0, capacity), *len its
// length. CKR_OK; CKR_TEMPLATE_INCOMPLETE when the box lacks it or has no
// box; CKR_KEY_SIZE_RANGE when it is longer than capacity; CKR_HOST_MEMORY;
// CKR_FUNCTION_FAILED when the box cannot be opened here (sealed under a
// PIN-derived key, no device key, or a box that does not open: reported
// through the port's log).
CK_RV sealed_value(Library &lib, const RecordView &key, CK_ATTRIBUTE_TYPE type, std::uint8_t *out,
                   std::size_t capacity, std::size_t *len);

} // namespace p11::lean

#endif // P11_LEAN_SEALED_VALUE_H
