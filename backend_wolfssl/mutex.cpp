/* Mutex: the port's mutex or the application's CreateMutex/LockMutex/... */
#include "mutex.h"

namespace p11 {

CK_RV Mutex::create(const LockStrategy &strategy)
{
    destroy();
    strategy_ = strategy;
    if (strategy_.uses_app_callbacks()) {
        void *handle = nullptr;
        CK_RV rv = strategy_.create(&handle);
        if (rv != CKR_OK) {
            return rv;
        }
        app_mutex_ = handle;
    } else if ((os_mutex_ = p11_port_mutex_create()) == nullptr) {
        return CKR_HOST_MEMORY;
    }
    created_ = true;
    return CKR_OK;
}

void Mutex::destroy()
{
    if (!created_) {
        return;
    }
    if (strategy_.uses_app_callbacks()) {
        // Nothing useful can be done with a DestroyMutex failure here.
        (void)strategy_.destroy(app_mutex_);
        app_mutex_ = nullptr;
    } else {
        p11_port_mutex_free(os_mutex_);
        os_mutex_ = nullptr;
    }
    created_ = false;
}

CK_RV Mutex::lock_slow()
{
    if (!created_) {
        return CKR_GENERAL_ERROR;
    }
    return strategy_.lock(app_mutex_);
}

CK_RV Mutex::unlock_slow()
{
    if (!created_) {
        return CKR_GENERAL_ERROR;
    }
    return strategy_.unlock(app_mutex_);
}

} // namespace p11
