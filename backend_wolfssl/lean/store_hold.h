/* The PAL's store lock for a scope, when the PAL has one
 * (core_pkcs11_pal_lock.h): every read-change-write of the lean backend
 * (a PIN count, an index page) runs under it, so that another process
 * sharing the store neither loses nor repeats a change. */
#ifndef P11_LEAN_STORE_HOLD_H
#define P11_LEAN_STORE_HOLD_H

#include "core_pkcs11_pal_lock.h"
#include "pkcs11.h"

namespace p11::lean {

class StoreHold {
  public:
    StoreHold()
    {
        if (PKCS11_PAL_LockStore != nullptr && PKCS11_PAL_UnlockStore != nullptr) {
            rv_ = PKCS11_PAL_LockStore();
            held_ = rv_ == CKR_OK;
        }
    }
    ~StoreHold()
    {
        if (held_) {
            PKCS11_PAL_UnlockStore();
        }
    }
    StoreHold(const StoreHold &) = delete;
    StoreHold &operator=(const StoreHold &) = delete;
    // CKR_OK, or CKR_DEVICE_ERROR: the lock could not be taken, so nothing may be written.
    CK_RV rv() const { return rv_; }

  private:
    CK_RV rv_ = CKR_OK;
    bool held_ = false;
};

} // namespace p11::lean

#endif // P11_LEAN_STORE_HOLD_H
