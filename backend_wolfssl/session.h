/* One open session. The table holds one reference, every in-flight call one
 * more (p11be_session_acquire); the session is freed when the last reference
 * goes, so a call racing a C_CloseSession never touches freed memory. Login
 * state is not here: PKCS #11 keeps it per application (token_state.h). */
#ifndef P11_BACKEND_SESSION_H
#define P11_BACKEND_SESSION_H

#include <atomic>

#include "mutex.h"
#include "p11_backend_core.h"
#include "pkcs11.h"
#include "signature_operation.h"
#include "wolfcrypt.h"

namespace p11 {
struct DigestOperation; // digest.h
void digest_operation_free(DigestOperation *op);
// Ends the session's digest operation (if any), keeping its memory for the next.
void digest_operation_end(p11_session *session);
struct FindOperation; // objects/find_operation.h
void find_operation_free(FindOperation *op);
} // namespace p11

struct p11_session {
    CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
    CK_SLOT_ID slot_id = 0;
    CK_FLAGS flags = 0; // CKF_SERIAL_SESSION, maybe CKF_RW_SESSION
    CK_VOID_PTR application = nullptr;
    CK_NOTIFY notify = nullptr;

    std::atomic<unsigned long> refs{1}; // the table's reference
    std::atomic<bool> closed{false};    // set when it leaves the table

    // Guards the operation state below against two threads using one session.
    p11::Mutex op_lock;
    p11::DigestOperation *digest = nullptr;       // the active digest, or NULL
    p11::DigestOperation *digest_spare = nullptr; // a wiped one kept for the next C_DigestInit
    p11::FindOperation *find = nullptr;
    p11::SignatureOperation sign;
    p11::SignatureOperation verify;

    // The session's own DRBG for signing and key generation, so sessions on
    // different threads never wait for one another (made on first use).
    WC_RNG rng;
    bool rng_ready = false;

    bool read_write() const { return (flags & CKF_RW_SESSION) != 0; }

    ~p11_session()
    {
        p11::digest_operation_free(digest);
        p11::digest_operation_free(digest_spare);
        digest = nullptr;
        digest_spare = nullptr;
        if (find != nullptr) {
            p11::find_operation_free(find);
            find = nullptr;
        }
        p11::signature_operation_end(&sign);
        p11::signature_operation_end(&verify);
        if (rng_ready) {
            wc_FreeRng(&rng);
        }
    }
};

namespace p11 {

// Takes one more reference; the caller holds the library lock or a reference.
inline void session_ref(p11_session *session)
{
    session->refs.fetch_add(1, std::memory_order_relaxed);
}

// The session's DRBG, seeded on first use (the op_lock is held).
CK_RV session_rng(p11_session *session, WC_RNG **rng);

// Ends every operation of a session that has just been closed (called with
// the library lock held or not; the order is library lock -> op_lock), so a
// closed session that a thread still caches (api_general.cpp) holds no keys
// and no data. Calls in flight finish first: they hold the op_lock.
inline void session_end_operations(p11_session *session)
{
    LockGuard guard(session->op_lock);
    if (guard.rv() != CKR_OK) {
        return; // the destructor ends them when the last reference goes
    }
    digest_operation_end(session);
    if (session->find != nullptr) {
        find_operation_free(session->find);
        session->find = nullptr;
    }
    signature_operation_end(&session->sign);
    signature_operation_end(&session->verify);
}

// Drops one reference and frees the session with the last one.
inline void session_unref(p11_session *session)
{
    if (session->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        delete session;
    }
}

} // namespace p11

#endif // P11_BACKEND_SESSION_H
