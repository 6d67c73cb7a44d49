/* Session objects of the lean backend (CKA_TOKEN FALSE): records in RAM in
 * the store's record format, so that every reader (find, attributes, sign,
 * verify) treats them as it treats token objects. Each belongs to the
 * session that made it and goes when that session closes (v2.40 §4.4);
 * every session of the application sees it. Their handles carry the top bit,
 * which no store number reaches (store_write.cpp), and are never reused. At
 * most the profile's limits.objects of them; the table is allocated at the
 * first one and freed with the last. Calls run one at a time (lean_library.h). */
#ifndef P11_LEAN_SESSION_OBJECTS_H
#define P11_LEAN_SESSION_OBJECTS_H

#include <cstddef>
#include <cstdint>

#include "lean/object_handles.h"
#include "pkcs11.h"

namespace p11::lean {

// Made only by a profile that creates or generates objects (sources.cmake
// defines P11_LEAN_SESSION_OBJECTS then).
#if P11_LEAN_SESSION_OBJECTS
// Takes the record (allocated with p11_port_malloc; freed here on failure).
// CKR_OK; CKR_DEVICE_MEMORY when the table is full; CKR_HOST_MEMORY.
CK_RV session_object_add(CK_SESSION_HANDLE owner, std::uint8_t *record, std::size_t len, CK_OBJECT_HANDLE *out);

// The record of a session object; false when there is none.
bool session_object_record(CK_OBJECT_HANDLE handle, const std::uint8_t **data, std::size_t *len);

// Wipes and frees it; false when there is none.
bool session_object_remove(CK_OBJECT_HANDLE handle);

// Every object the session owns (CK_INVALID_HANDLE: every object).
void session_objects_drop(CK_SESSION_HANDLE owner);

// Every private one (v2.40 §5.6: C_Logout destroys them).
void session_objects_drop_private();

// How many there are.
CK_ULONG session_object_count();

// visit(handle) for each in creation order, until it answers false.
void session_objects_for_each(bool (*visit)(CK_OBJECT_HANDLE handle, void *context), void *context);

#else
// A profile that makes no object has none: nothing to find, read or drop.
inline bool session_object_record(CK_OBJECT_HANDLE, const std::uint8_t **, std::size_t *)
{
    return false;
}
inline bool session_object_remove(CK_OBJECT_HANDLE)
{
    return false;
}
inline void session_objects_drop(CK_SESSION_HANDLE) {}
inline void session_objects_drop_private() {}
inline CK_ULONG session_object_count()
{
    return 0;
}
inline void session_objects_for_each(bool (*)(CK_OBJECT_HANDLE, void *), void *) {}
#endif

} // namespace p11::lean

#endif // P11_LEAN_SESSION_OBJECTS_H
