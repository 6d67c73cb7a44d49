/* Storing new objects (see new_object_store.h). */
#include "lean/new_object_store.h"

#include "lean/record_write.h"
#include "lean/sealed_value.h"
#include "lean/session_objects.h"
#include "lean/store_write.h"
#include "p11_port.h"
#include "p11_profile.h"
#include "secure_wipe.h"

namespace p11::lean {

namespace {

constexpr std::size_t kMaxObjects = 2; // a key pair

struct Encoded {
    std::uint8_t *bytes = nullptr;
    std::size_t len = 0;
};

bool count_object(CK_OBJECT_HANDLE, void *context)
{
    ++*static_cast<CK_ULONG *>(context);
    return true;
}

void release(Encoded &record)
{
    if (record.bytes != nullptr) {
        secure_wipe(record.bytes, record.len);
        p11_port_free(record.bytes);
    }
    record = Encoded();
}

CK_RV encode(Library &lib, const NewObject &object, Encoded *out)
{
    CK_ATTRIBUTE list[NewObject::kCapacity];
    CK_ATTRIBUTE secrets[NewObject::kCapacity];
    const RecordParts parts = object.parts(list, secrets);
    const std::size_t len = record_encoded_size(parts);
    if (len == 0) {
        return CKR_GENERAL_ERROR; // the builder checked every value's form
    }
    std::uint8_t key[kBoxKeySize];
    const bool sealing = parts.secret_count != 0;
    if (sealing && (!device_key(lib, key) || lib.rng == nullptr)) {
        secure_wipe(key, sizeof key);
        return CKR_DEVICE_ERROR; // object_codec.cpp's answer without the device key
    }
    out->bytes = static_cast<std::uint8_t *>(p11_port_malloc(len));
    out->len = len;
    CK_RV rv = out->bytes == nullptr ? CKR_HOST_MEMORY : CKR_OK;
    if (rv == CKR_OK) {
        rv = record_encode(parts, sealing ? &key : nullptr, lib.rng, out->bytes);
    }
    secure_wipe(key, sizeof key);
    if (rv != CKR_OK) {
        release(*out);
    }
    return rv;
}

} // namespace

CK_RV new_objects_allowed(const Library &lib, const p11_session *session, const NewObject *const *objects,
                          std::size_t count)
{
    for (std::size_t i = 0; i < count; ++i) {
        if (objects[i]->bool_or(CKA_TOKEN, false) && (session->flags & CKF_RW_SESSION) == 0) {
            return CKR_SESSION_READ_ONLY;
        }
        if (objects[i]->bool_or(CKA_PRIVATE, false) && lib.login != Login::user) {
            return CKR_USER_NOT_LOGGED_IN;
        }
    }
    if (const CK_ULONG limit = p11_active_profile.max_objects; limit != 0) {
        CK_ULONG held = session_object_count();
        (void)for_each_listed(count_object, &held);
        if (held + count > limit) {
            return CKR_DEVICE_MEMORY;
        }
    }
    return CKR_OK;
}

CK_RV new_objects_store(Library &lib, const p11_session *session, const NewObject *const *objects,
                        std::size_t count, CK_OBJECT_HANDLE *handles)
{
    if (count > kMaxObjects) {
        return CKR_GENERAL_ERROR;
    }
    Encoded records[kMaxObjects];
    for (std::size_t i = 0; i < count; ++i) {
        handles[i] = CK_INVALID_HANDLE;
    }
    CK_RV rv = CKR_OK;
    for (std::size_t i = 0; i < count && rv == CKR_OK; ++i) {
        rv = encode(lib, *objects[i], &records[i]);
    }
    // Token objects first, in one page write; then the session ones, which
    // cannot fail but for the heap and the table's room.
    NewRecord token_records[kMaxObjects];
    std::size_t token_index[kMaxObjects];
    std::size_t tokens = 0;
    for (std::size_t i = 0; i < count && rv == CKR_OK; ++i) {
        if (objects[i]->bool_or(CKA_TOKEN, false)) {
            token_records[tokens] = NewRecord{records[i].bytes, records[i].len};
            token_index[tokens++] = i;
        }
    }
    CK_OBJECT_HANDLE token_handles[kMaxObjects] = {};
    if (rv == CKR_OK && tokens != 0) {
        rv = store_add(token_records, tokens, token_handles);
        for (std::size_t t = 0; t < tokens && rv == CKR_OK; ++t) {
            const NewObject &object = *objects[token_index[t]];
            handles[token_index[t]] = token_handle(token_handles[t], object.bool_or(CKA_PRIVATE, false));
        }
    }
    for (std::size_t i = 0; i < count && rv == CKR_OK; ++i) {
        if (!objects[i]->bool_or(CKA_TOKEN, false)) {
            rv = session_object_add(session->handle, records[i].bytes, records[i].len, &handles[i]);
            records[i] = Encoded(); // the table owns it now, or freed it
        }
    }
    if (rv != CKR_OK) {
        for (std::size_t i = 0; i < count; ++i) {
            if (handles[i] != CK_INVALID_HANDLE) {
                (void)(is_session_object(handles[i]) ? session_object_remove(handles[i])
                                                      : store_remove(handles[i]) == CKR_OK);
                handles[i] = CK_INVALID_HANDLE;
            }
        }
    }
    for (Encoded &record : records) {
        release(record);
    }
    return rv;
}

} // namespace p11::lean
