/* An object record written by the lean backend: version 2 of
 * objects/object_codec.h's format, from attributes in the client's form
 * (CK_ULONG values at this platform's width), so that the full backend and
 * record_view.h read it as one they wrote. Public attributes go in the
 * list; secret ones (a private key's value) are sealed in the AES-256-GCM
 * box under the device key (binding 2), with the record's bytes before the
 * box as associated data. No allocation but the box's plain text. */
#ifndef P11_LEAN_RECORD_WRITE_H
#define P11_LEAN_RECORD_WRITE_H

#include <cstddef>
#include <cstdint>

#include "pkcs11.h"
#include "secrets/gcm_box.h"
#include "wolfcrypt.h"

namespace p11::lean {

struct RecordParts {
    const CK_ATTRIBUTE *attrs = nullptr; // the list
    CK_ULONG count = 0;
    const CK_ATTRIBUTE *secrets = nullptr; // sealed in the box (none: no box)
    CK_ULONG secret_count = 0;
};

// The record's length; 0 when an attribute cannot be stored (a CK_ULONG
// attribute whose value is not one CK_ULONG, or a record over 4 GiB).
std::size_t record_encoded_size(const RecordParts &parts);

// Writes the record into out[0, record_encoded_size(parts)). box_key is
// needed only with secrets. CKR_OK; CKR_HOST_MEMORY; CKR_FUNCTION_FAILED when
// wolfCrypt or the RNG failed.
CK_RV record_encode(const RecordParts &parts, const std::uint8_t (*box_key)[kBoxKeySize], WC_RNG *rng,
                    std::uint8_t *out);

} // namespace p11::lean

#endif // P11_LEAN_RECORD_WRITE_H
