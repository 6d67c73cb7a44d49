/* Login state and PIN management (v2.40 §5.5, §5.6): C_Login, C_Logout,
 * C_InitPIN, C_SetPIN. Login state belongs to the application, so one login
 * covers every session. Every PIN check re-reads the stored token record
 * under the store lock and changes only what it is about, so a process never
 * saves another's stale PINs back; wrong PINs are counted there and lock the
 * PIN after the profile's max_pin_tries (pin_attempt.h). */
#include "backend_api.h"
#include "library.h"
#include "objects/pal_io.h"
#include "pin_attempt.h"
#include "secure_wipe.h"
#include "session.h"

using namespace p11;

namespace {

// Under the store lock: the stored record, then one counted PIN attempt.
// The caller holds the library lock and `store`.
CK_RV attempt(const StoreLock &store, TokenState &token, Login who, const CK_UTF8CHAR *pin, CK_ULONG pin_len)
{
    if (store.rv() != CKR_OK) {
        return CKR_DEVICE_ERROR;
    }
    CK_RV rv = token_refresh(&token);
    if (rv != CKR_OK) {
        return rv;
    }
    return pin_attempt(&token, profile(), who, pin, pin_len);
}

// Replaces one PIN's verifier and saves; memory changes only once saved.
// The caller holds the store lock and has refreshed the record.
CK_RV set_pin(Library &lib, Login who, const CK_UTF8CHAR *pin, CK_ULONG pin_len)
{
    TokenRecord updated = lib.token.record;
    CK_RV rv = pin_verifier_make(pin, pin_len, lib.rng, &pin_of(updated, who == Login::so));
    if (rv == CKR_OK) {
        failures_of(updated, who == Login::so) = 0;
        // v2.40 §3.2 defines the flag by value: a PIN set back to the profile's
        // default (the one every device shares) is still to be changed.
        const bool still_default = pin_is_profile_default(profile(), who == Login::so, pin, pin_len);
        if (who == Login::user) {
            updated.user_pin_initialized = true;
            updated.user_pin_to_be_changed = still_default;
        } else {
            updated.so_pin_to_be_changed = still_default;
        }
        rv = token_save(updated);
    }
    if (rv == CKR_OK) {
        lib.token.record = updated;
    }
    secure_wipe(&updated, sizeof updated);
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
        return CKR_USER_NOT_LOGGED_IN;
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
{
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
    if (rv == CKR_OK) {
        rv = pin_attempt(&token, profile(), who, pPin, ulPinLen);
    }
    if (rv == CKR_OK) {
        token.login = who;
    }
    return rv;
}

CK_RV p11be_C_Logout(p11_session *session)
{
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
    // v2.40 §5.6 C_Logout: the application's private session objects are destroyed.
    lib.objects.drop_private_session_objects();
    return CKR_OK;
}

CK_RV p11be_C_InitPIN(p11_session *session, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen)
{
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
    // A new user PIN also unlocks it: set_pin resets the failure count.
    StoreLock store;
    CK_RV rv = store.rv() == CKR_OK ? token_refresh(&lib.token) : CKR_DEVICE_ERROR;
    return rv == CKR_OK ? set_pin(lib, Login::user, pPin, ulPinLen) : rv;
}

CK_RV p11be_C_SetPIN(p11_session *session, CK_UTF8CHAR_PTR pOldPin, CK_ULONG ulOldLen,
                     CK_UTF8CHAR_PTR pNewPin, CK_ULONG ulNewLen)
{
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
    CK_RV rv = attempt(store, lib.token, who, pOldPin, ulOldLen);
    return rv == CKR_OK ? set_pin(lib, who, pNewPin, ulNewLen) : rv;
}

} // extern "C"
