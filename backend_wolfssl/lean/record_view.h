/* A stored object record (format: objects/object_codec.h), checked whole and
 * then read in place: the lean backend keeps no decoded copy of an object,
 * it looks attributes up in the PAL's buffer while it holds it. Only version
 * 2 is read (a device's store never held version 1). The sealed box of a
 * private or secret key is checked for shape here and opened only by a
 * signing profile, for the one operation that uses it (sealed_value.h). */
#ifndef P11_LEAN_RECORD_VIEW_H
#define P11_LEAN_RECORD_VIEW_H

#include <cstddef>
#include <cstdint>

#include "pkcs11.h"
#include "token_record.h"

namespace p11::lean {

struct RecordView {
    const std::uint8_t *list = nullptr; // the first entry after the count
    std::size_t list_len = 0;
    std::uint32_t count = 0;
    std::uint8_t binding = 0; // 0 none, 1 token key, 2 device key
    const std::uint8_t *record = nullptr; // the record's first byte: the box's
    const std::uint8_t *box = nullptr;    // associated data runs up to the box
    std::uint32_t box_len = 0;
};

// The attributes whose values the record stores as 8-byte integers (one, or
// an array for CKA_ALLOWED_MECHANISMS), and those it keeps only in the box.
bool stored_as_ulong(CK_ATTRIBUTE_TYPE type);
bool stored_as_ulong_array(CK_ATTRIBUTE_TYPE type);
bool sealed_attribute(CK_OBJECT_CLASS klass, CK_KEY_TYPE key_type, CK_ATTRIBUTE_TYPE type);
// CK_BBOOL attributes: a search compares them as true or false.
bool attribute_is_bool(CK_ATTRIBUTE_TYPE type);

// RecordStatus::ok and *out set only for a well-formed version 2 record with
// the right checksum (the same rules as object_record_decode).
RecordStatus record_view_open(const std::uint8_t *data, std::size_t len, RecordView *out);

// The secret list of an opened box (plain[0, len)), checked as a record's
// list is; false when malformed.
bool secret_list_open(const std::uint8_t *plain, std::size_t len, RecordView *out);

// The stored bytes of one attribute; false when the record lacks it.
bool record_find(const RecordView &view, CK_ATTRIBUTE_TYPE type, const std::uint8_t **value, std::uint32_t *len);
// A CK_ULONG attribute (false when absent), a CK_BBOOL one (fallback when absent).
bool record_ulong(const RecordView &view, CK_ATTRIBUTE_TYPE type, CK_ULONG *out);
bool record_bool(const RecordView &view, CK_ATTRIBUTE_TYPE type, bool fallback);

// The value of a stored attribute as a client sees it: CK_ULONGs at this
// platform's width. host_size gives its length; host_copy writes it.
std::size_t host_size(CK_ATTRIBUTE_TYPE type, std::uint32_t stored_len);
void host_copy(CK_ATTRIBUTE_TYPE type, const std::uint8_t *stored, std::uint32_t stored_len, std::uint8_t *out);

// Whether a stored CK_ULONG array (CKA_ALLOWED_MECHANISMS) holds the value.
bool stored_ulongs_contain(const std::uint8_t *stored, std::uint32_t stored_len, CK_ULONG value);

// Does the attribute the client gave (type, value, length) equal the stored one?
bool host_equal(CK_ATTRIBUTE_TYPE type, const std::uint8_t *stored, std::uint32_t stored_len, const void *value,
                CK_ULONG len);

} // namespace p11::lean

#endif // P11_LEAN_RECORD_VIEW_H
