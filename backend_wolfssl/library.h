/* The backend's global state between C_Initialize and C_Finalize: the lock
 * strategy, the library lock, the session table, the token state, the
 * object store and the DRBG. Everything in Library except `state` and
 * `objects` (which has its own locks) is guarded by `lock`. */
#ifndef P11_BACKEND_LIBRARY_H
#define P11_BACKEND_LIBRARY_H

#include <atomic>

#include "mutex.h"
#include "objects/object_store.h"
#include "p11_profile.h"
#include "session_table.h"
#include "token_state.h"
#include "wolfcrypt.h"

namespace p11 {

// The one slot; its token is always present.
constexpr CK_SLOT_ID kSlotId = 0;

enum class LibraryState : int { uninitialized, initializing, ready, finalizing };

struct Library {
    std::atomic<LibraryState> state{LibraryState::uninitialized};
    LockStrategy strategy;
    // Threads may cache their last session (api_general.cpp): only with OS
    // locks, because a cached session outlives C_Finalize a little and an
    // application's DestroyMutex must not be called after it.
    std::atomic<bool> session_cache{false};
    Mutex lock;
    SessionTable sessions;
    TokenState token;
    ObjectStore objects;
    WC_RNG rng;
    bool rng_ready = false;
};

Library &library();

inline bool library_ready()
{
    return library().state.load(std::memory_order_acquire) == LibraryState::ready;
}

inline const p11_profile &profile()
{
    return p11_active_profile;
}

// Closes every session (called with the library lock held), destroys the
// session objects and logs out.
void close_all_sessions_locked(Library &lib);

} // namespace p11

#endif // P11_BACKEND_LIBRARY_H
