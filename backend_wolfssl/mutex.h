/* The one lock type of the backend. v2.40 §5.4: when the application passes
 * mutex callbacks without CKF_OS_LOCKING_OK, every lock must go through its
 * callbacks; otherwise the port's mutex serves (port/p11_port.h). The strategy is
 * chosen once in C_Initialize and copied into each Mutex, so a mutex can be
 * destroyed with the callbacks it was created with. */
#ifndef P11_BACKEND_MUTEX_H
#define P11_BACKEND_MUTEX_H

#include "p11_port.h"
#include "pkcs11.h"

namespace p11 {

struct LockStrategy {
    // All four NULL: use the port's mutex. All four set: use the application's.
    CK_CREATEMUTEX create = nullptr;
    CK_DESTROYMUTEX destroy = nullptr;
    CK_LOCKMUTEX lock = nullptr;
    CK_UNLOCKMUTEX unlock = nullptr;

    bool uses_app_callbacks() const { return create != nullptr; }
};

class Mutex {
public:
    Mutex() = default;
    Mutex(const Mutex &) = delete;
    Mutex &operator=(const Mutex &) = delete;
    ~Mutex() { destroy(); }

    // CKR_OK, CKR_HOST_MEMORY, or the application's CreateMutex error.
    CK_RV create(const LockStrategy &strategy);
    void destroy();
    // Inline fast path for the OS mutex: every PKCS #11 call takes two locks.
    CK_RV lock()
    {
        if (created_ && !strategy_.uses_app_callbacks()) {
            p11_port_mutex_lock(os_mutex_);
            return CKR_OK;
        }
        return lock_slow();
    }
    CK_RV unlock()
    {
        if (created_ && !strategy_.uses_app_callbacks()) {
            p11_port_mutex_unlock(os_mutex_);
            return CKR_OK;
        }
        return unlock_slow();
    }

private:
    // Not created (CKR_GENERAL_ERROR) or the application's callbacks.
    CK_RV lock_slow();
    CK_RV unlock_slow();

    LockStrategy strategy_;
    p11_port_mutex *os_mutex_ = nullptr;
    void *app_mutex_ = nullptr;
    bool created_ = false;
};

// Scoped lock; callers check rv() because an application lock can fail.
class LockGuard {
public:
    explicit LockGuard(Mutex &mutex) : mutex_(mutex), rv_(mutex.lock()) {}
    ~LockGuard()
    {
        if (rv_ == CKR_OK) {
            mutex_.unlock();
        }
    }
    LockGuard(const LockGuard &) = delete;
    LockGuard &operator=(const LockGuard &) = delete;

    CK_RV rv() const { return rv_; }

private:
    Mutex &mutex_;
    CK_RV rv_;
};

} // namespace p11

#endif // P11_BACKEND_MUTEX_H
