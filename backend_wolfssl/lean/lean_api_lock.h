/* The application's locking callbacks in the lean backend (lean_api_lock.cpp). */
#ifndef P11_LEAN_API_LOCK_H
#define P11_LEAN_API_LOCK_H

#include "pkcs11.h"

namespace p11::lean {

// C_Initialize with callbacks and no CKF_OS_LOCKING_OK: makes the mutex
// every later call locks (the error of CreateMutex when it fails).
CK_RV app_lock_start(const CK_C_INITIALIZE_ARGS &args);
// C_Finalize: the mutex is destroyed when this call leaves.
void app_lock_stop();

} // namespace p11::lean

#endif // P11_LEAN_API_LOCK_H
