/* Login state and PIN management (v2.40 §5.5, §5.6): C_Login, C_Logout,
 * C_InitPIN, C_SetPIN. Login state belongs to the application, so one login
 * covers every session. Every PIN check re-reads the stored token record
 * under the store lock and changes only what it is about, so a process never
 * saves another's stale PINs back; wrong PINs are counted there and lock the
 * PIN after the profile's max_pin_tries (pin_attempt.h). */
#include "backend_api.h"
#include "out_of_memory.h"
#include "library.h"
#include "objects/pal_io.h"
#include "pin_attempt.h"
#include "secrets/held_keys.h"
#include "secure_wipe.h"
#include "session.h"
#include "store_sync.h"
#include "token_key_access.h"

using namespace p11;

namespace {

// Under the store lock: the stored record, then one counted PIN attempt.
// The caller holds the library lock and `store`.
CK_RV attempt(const StoreLock &store, TokenState &token, Login who, const CK_UTF8CHAR *pin, CK_ULONG pin_len,
              SecretKey *kek = nullptr, bool *keyed = nullptr)
{
    if (store.rv() != CKR_OK) {
        return CKR_DEVICE_ERROR;
    }
    CK_RV rv = token_refresh(&token);
    if (rv != CKR_OK) {
        return rv;
    }
    return pin_attempt(&token, profile(), who, pin, pin_len, kek, keyed);
}

// A counted attempt that, when good, also gives the token key
// (token_key_access.h); *have says whether it did.
CK_RV attempt_with_key(const StoreLock &store, Library &lib, Login who, const CK_UTF8CHAR *pin, CK_ULONG pin_len,
                       SecretKey *token_key, bool *have)
{
    SecretKey kek;
    bool keyed = false;
    *have = false;
    CK_RV rv = attempt(store, lib.token, who, pin, pin_len, &kek, &keyed);
    if (rv == CKR_OK) {
        rv = token_key_after_pin(&lib.token, profile(), who, pin, pin_len, kek, keyed, lib.rng, token_key, have);
    }
    return rv;
}

// C_Login(CKU_CONTEXT_SPECIFIC) (v2.40 §5.6): the user's PIN again, for the
// one signing operation whose key has CKA_ALWAYS_AUTHENTICATE. The library
// lock is held; the order is library lock -> op_lock.
CK_RV context_login(TokenState &token, p11_session *session, const CK_UTF8CHAR *pin, CK_ULONG pin_len)
{
    LockGuard guard(session->op_lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    SignatureOperation &op = session->sign;
    if (!op.active() || !op.needs_context_login) {
        return CKR_OPERATION_NOT_INITIALIZED; // §5.6: "improper use of this user type"
    }
    if (token.login != Login::user) {
        // No user to re-authenticate (a C_Logout since C_SignInit): C_Login's
        // list has no CKR_USER_NOT_LOGGED_IN; this is the "improper use".
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    StoreLock store;
    CK_RV rv = attempt(store, token, Login::user, pin, pin_len);
    if (rv == CKR_OK) {
        op.context_login_done = true;
    }
    return rv;
}

} // namespace

extern "C" {

CK_RV p11be_C_Login(p11_session *session, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pPin,
                    CK_ULONG ulPinLen)
P11_TRY {
    const CK_RV synced = store_sync(session); // other processes' changes first (store_sync.h)
    if (synced != CKR_OK) {
        return synced;
    }
    Library &lib = library();
    LockGuard guard(lib.lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    if (session->closed.load(std::memory_order_acquire)) {
        return CKR_SESSION_CLOSED;
    }
    TokenState &token = lib.token;
    if (userType == CKU_CONTEXT_SPECIFIC) {
        return context_login(token, session, pPin, ulPinLen);
    }
    const Login who = userType == CKU_SO ? Login::so : Login::user;
    if (token.login != Login::nobody) {
        return token.login == who ? CKR_USER_ALREADY_LOGGED_IN : CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
    }
    if (who == Login::so && lib.sessions.rw_count() != lib.sessions.count()) {
        return CKR_SESSION_READ_ONLY_EXISTS;
    }
    StoreLock store;
    CK_RV rv = store.rv() == CKR_OK ? token_refresh(&token) : CKR_DEVICE_ERROR;
    if (who == Login::user && !token.record.user_pin_initialized) {
        return CKR_USER_PIN_NOT_INITIALIZED; // as the freshest record says
    }
    // A PIN of the wrong length cannot match; it is simply incorrect here.
    SecretKey token_key;
    bool have_key = false;
    if (rv == CKR_OK) {
        rv = attempt_with_key(store, lib, who, pPin, ulPinLen, &token_key, &have_key);
    }
    if (rv != CKR_OK) {
        return rv;
    }
    held_token_key_set(have_key ? &token_key : nullptr);
    if (who == Login::user) {
        // Before the login shows them: the sealed objects opened, and the
        // records of a store from before encryption sealed.
        lib.objects.open_sealed_objects();
    }
    token.login = who;
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_Logout(p11_session *session)
P11_TRY {
    (void)session;
    Library &lib = library();
    LockGuard guard(lib.lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    if (lib.token.login == Login::nobody) {
        return CKR_USER_NOT_LOGGED_IN;
    }
    lib.token.login = Login::nobody;
    // v2.40 §5.6 C_Logout: the application's private session objects are
    // destroyed; the PIN-bound token objects are sealed again in memory.
    lib.objects.drop_private_session_objects();
    held_token_key_set(nullptr);
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_InitPIN(p11_session *session, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen)
P11_TRY {
    Library &lib = library();
    LockGuard guard(lib.lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    // Only the "R/W SO Functions" state may set the user PIN.
    if (lib.token.login != Login::so || !session->read_write()) {
        return CKR_USER_NOT_LOGGED_IN;
    }
    if (!pin_length_ok(profile(), ulPinLen)) {
        return CKR_PIN_LEN_RANGE;
    }
    // A new user PIN also unlocks it (the failure count is reset), and gets
    // the token key the SO's login unwrapped.
    StoreLock store;
    CK_RV rv = store.rv() == CKR_OK ? token_refresh(&lib.token) : CKR_DEVICE_ERROR;
    const KeyRef token_key = held_token_key();
    return rv == CKR_OK ? token_set_pin(&lib.token, profile(), Login::user, pPin, ulPinLen, token_key.get(), lib.rng)
                        : rv;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_SetPIN(p11_session *session, CK_UTF8CHAR_PTR pOldPin, CK_ULONG ulOldLen,
                     CK_UTF8CHAR_PTR pNewPin, CK_ULONG ulNewLen)
P11_TRY {
    Library &lib = library();
    LockGuard guard(lib.lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    if (!session->read_write()) {
        return CKR_SESSION_READ_ONLY;
    }
    // The SO changes the SO PIN; a user session or a public one the user PIN.
    const Login who = lib.token.login == Login::so ? Login::so : Login::user;
    if (!pin_length_ok(profile(), ulNewLen)) {
        return CKR_PIN_LEN_RANGE;
    }
    StoreLock store;
    SecretKey token_key;
    bool have_key = false;
    CK_RV rv = attempt_with_key(store, lib, who, pOldPin, ulOldLen, &token_key, &have_key);
    return rv == CKR_OK ? token_set_pin(&lib.token, profile(), who, pNewPin, ulNewLen, have_key ? &token_key : nullptr,
                                        lib.rng)
                        : rv;
} P11_HOST_MEMORY_ON_BAD_ALLOC

} // extern "C"
