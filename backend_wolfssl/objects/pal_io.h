/* The PAL as the token storage uses it: records by label (std::string),
 * values as byte vectors, and the PAL's optional store lock
 * (core_pkcs11_pal_lock.h) held for a scope. */
#ifndef P11_BACKEND_OBJECTS_PAL_IO_H
#define P11_BACKEND_OBJECTS_PAL_IO_H

#include <cstddef>
#include <cstdint>
#include <string>

#include "pkcs11.h"
#include "threading.h"
#include "wiping_allocator.h"

namespace p11 {

enum class ReadResult { ok, missing, failed };

// Whether other processes can change the store under this one: on hosts,
// whenever the PAL has a change count; firmware is one program owning its
// flash, so the catching-up code (store_sync.h) is not even linked there.
#ifdef P11_FIRMWARE
constexpr bool kStoreShared = false;
#else
constexpr bool kStoreShared = true;
#endif

// The PAL's change count (core_pkcs11_pal_changes.h): false when the PAL
// has none (one program owns the store), and always on firmware, where the
// constant lets the callers' catching-up code drop out of the image.
bool pal_change_count_of_pal(std::uint64_t *out);
inline bool pal_change_count(std::uint64_t *out)
{
    return kStoreShared && pal_change_count_of_pal(out);
}

// The change count this process's objects reflect (store_sync.h). A
// StoreLock moves it over the process's own changes when nothing else
// changed meanwhile, so a process does not re-read what it just wrote.
Counter64 &changes_seen();

// Holds the PAL's store lock for a scope; a PAL without one (the weak hooks
// are unset) needs none, since nothing else writes its store.
class StoreLock {
  public:
    StoreLock();
    ~StoreLock();
    StoreLock(const StoreLock &) = delete;
    StoreLock &operator=(const StoreLock &) = delete;
    CK_RV rv() const { return rv_; }

  private:
    CK_RV rv_ = CKR_OK;
    bool held_ = false;
};

CK_OBJECT_HANDLE pal_find(const std::string &label);
ReadResult pal_read(const std::string &label, Bytes *out);
// Creates or atomically replaces the record; false when the PAL refused.
bool pal_write(const std::string &label, const void *data, std::size_t size);
// True when no record is left under the label (also when there was none).
bool pal_destroy(const std::string &label);

} // namespace p11

#endif // P11_BACKEND_OBJECTS_PAL_IO_H
