/* Adding and removing token objects in an any-label store, for a lean
 * profile that creates, generates or destroys objects. The store is the one
 * objects/indexed_storage.h writes, with its crash-safety order: records
 * before the page that lists them, a new page before the head (and its
 * copy) that takes it in; a destroy takes the object off its page (the
 * commit point) before its record goes. Each call re-reads the head and the
 * page it changes under the PAL's store lock, so processes sharing a store
 * neither hand out a number twice nor drop each other's objects. Nothing is
 * kept between calls, and nothing is allocated. */
#ifndef P11_LEAN_STORE_WRITE_H
#define P11_LEAN_STORE_WRITE_H

#include <cstddef>
#include <cstdint>

#include "pkcs11.h"

namespace p11::lean {

// An encoded object record (objects/object_codec.h's format).
struct NewRecord {
    const std::uint8_t *data;
    std::size_t len;
};

// Stores `count` records (at most kIdsPerPage) listed by one page write, so
// all of them or none become objects; ids[i] is records[i]'s record number
// (token_handle() in session_objects.h makes its handle).
// CKR_DEVICE_ERROR (nothing listed, the records written so far removed) when
// the PAL refused, the store lock could not be taken or the index cannot be
// read; CKR_GENERAL_ERROR for more than a page.
CK_RV store_add(const NewRecord *records, std::size_t count, CK_OBJECT_HANDLE *ids);

// Takes a listed object (its handle or record number) off its page, then
// removes its record.
// CKR_OBJECT_HANDLE_INVALID when no page lists it (any more);
// CKR_DEVICE_ERROR when the page could not be read or written.
CK_RV store_remove(CK_OBJECT_HANDLE handle);

} // namespace p11::lean

#endif // P11_LEAN_STORE_WRITE_H
