/* The lean backend's state: a token for devices whose keys are provisioned
 * beforehand (profile `backend: lean`): it verifies (FreeRTOS OTA) and, when
 * the profile selects C_SignInit, signs with keys sealed under the device
 * key and draws random numbers (FreeRTOS TLS). Everything is sized by the
 * profile and nothing is loaded at C_Initialize but the token record:
 * objects are read from the PAL when used (store_read.h). Every call runs
 * alone under the port's API lock
 * (runtime/p11_api_lock.h; the lean module is built with P11_PORT_THREADS 0
 * on hosts too), so nothing here needs a lock of its own. No C++ exceptions,
 * containers or RTTI: the heap is used only for what a session holds, through
 * the port, and a full heap is CKR_HOST_MEMORY. */
#ifndef P11_LEAN_LIBRARY_H
#define P11_LEAN_LIBRARY_H

#include <cstddef>
#include <atomic>
#include <cstdint>

#include "pkcs11.h"
#include "lean/record_view.h"
#include "lean/store_read.h"
#include "profile.h"
#include "token_record.h"
#include "wolfcrypt.h"

// What the profile adds to verifying: signing (with random numbers, which
// ECDSA needs), C_GenerateRandom / C_SeedRandom, key pair generation and
// object creation. The code of each is compiled only for a profile that
// selects it.
#if defined(P11_PROFILE_HAS_C_SignInit)
#define P11_LEAN_SIGNS 1
#else
#define P11_LEAN_SIGNS 0
#endif
// Making objects: key pairs (P-256), and objects from templates.
#if defined(P11_PROFILE_HAS_C_GenerateKeyPair)
#define P11_LEAN_GENERATES 1
#else
#define P11_LEAN_GENERATES 0
#endif
#ifndef P11_LEAN_CREATES // sources.cmake defines it for new_object.cpp too
#if defined(P11_PROFILE_HAS_C_CreateObject)
#define P11_LEAN_CREATES 1
#else
#define P11_LEAN_CREATES 0
#endif
#endif
// Sealed values are opened (to sign, or to show an extractable key's).
#define P11_LEAN_SEALS (P11_LEAN_SIGNS || P11_LEAN_GENERATES || P11_LEAN_CREATES)
// Private values are sealed (nonces) and keys made from random numbers.
#if P11_LEAN_SIGNS || P11_LEAN_GENERATES || P11_LEAN_CREATES || defined(P11_PROFILE_HAS_C_GenerateRandom) || \
    defined(P11_PROFILE_HAS_C_SeedRandom)
#define P11_LEAN_RANDOM 1
#else
#define P11_LEAN_RANDOM 0
#endif

namespace p11::lean {

enum class Login : std::uint8_t { nobody, user, so };

// A search's results: handles allocated at C_FindObjectsInit, grown as needed.
struct FindState {
    CK_OBJECT_HANDLE *found = nullptr;
    CK_ULONG count = 0;
    CK_ULONG capacity = 0;
    CK_ULONG next = 0;
    bool active = false;
};

struct DigestState {
    wc_Sha256 sha;
    bool active = false;
    bool single_part = false;
    bool multi_part = false;
};

// What C_VerifyInit checked and keeps: the key is read again at the end
// (a record may not be held between calls), and the data is hashed as it comes.
struct VerifyState {
    CK_MECHANISM_TYPE mechanism = 0;
    std::uint8_t *material = nullptr; // the key's public material (lean_api_verify.cpp)
    std::size_t material_len = 0;
    CK_ULONG signature_length = 0;
    wc_Sha256 sha;
    bool hashing = false; // the mechanism hashes (CKM_*SHA256*)
    bool active = false;
    bool multi_part = false;
};

#if P11_LEAN_SIGNS
// What C_SignInit took out of the key: its private scalar (wiped when the
// run ends), and the hash of the data as it comes.
struct SignState {
    std::uint8_t scalar[32] = {}; // P-256
    wc_Sha256 sha;
    bool hashing = false;
    bool active = false;
    bool multi_part = false;   // C_SignUpdate was called
    bool single_part = false;  // a C_Sign length query was answered
    bool needs_context_login = false; // CKA_ALWAYS_AUTHENTICATE (v2.40 §5.6)
    bool context_login_done = false;
};
#endif

} // namespace p11::lean

struct p11_session {
    CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
    CK_FLAGS flags = 0;
    p11::lean::FindState find;
    p11::lean::DigestState digest;
    p11::lean::VerifyState verify;
#if P11_LEAN_SIGNS
    p11::lean::SignState sign;
#endif
};

namespace p11::lean {

// Where the token record in memory came from.
enum class TokenSource : std::uint8_t {
    fresh,   // none stored: the profile's fresh token (its default PINs,
             // which every device of the profile shares; wrong PINs are
             // counted in RAM, fresh_failures)
    stored,  // the store's record
    damaged, // unreadable: the token reads as uninitialized
};

// All zero when blank, so that it needs no initializer in flash.
struct Library {
    Login login = Login::nobody;
    TokenRecord record;
    TokenSource source = TokenSource::fresh;
    std::uint32_t fresh_failures[2] = {}; // user, SO
    p11_session **sessions = nullptr;     // session_slots of them, NULL when free
    CK_ULONG session_slots = 0;
    CK_SESSION_HANDLE last_handle = 0; // handles are never reused
#if P11_LEAN_RANDOM
    WC_RNG *rng = nullptr; // seeded at C_Initialize (lean_api_random.cpp)
#endif
};

Library &library();
// Between a successful C_Initialize and C_Finalize; read without the API
// lock by the entry points' first check.
bool initialized();

// Hashes data of any length (the digest and the hashing verify mechanisms);
// false when wolfCrypt failed.
bool sha256_feed(wc_Sha256 &sha, const CK_BYTE *data, CK_ULONG len);

// End a session's digest or verify run, wiping and freeing what it held.
void digest_end(DigestState &op);
void verify_end(VerifyState &op);
#if P11_LEAN_SIGNS
void sign_end(SignState &op);
// C_Login(CKU_CONTEXT_SPECIFIC): the user's PIN again for the session's
// signing run whose key has CKA_ALWAYS_AUTHENTICATE.
CK_RV sign_context_login(Library &lib, p11_session *session, const CK_UTF8CHAR *pin, CK_ULONG pin_len);
#endif
#if P11_LEAN_RANDOM
// The token's DRBG, made and seeded from the port's entropy at
// C_Initialize; released at C_Finalize.
CK_RV random_start(Library &lib);
void random_stop(Library &lib);
#endif

// Sessions open (R/W ones only when rw_only).
CK_ULONG session_count(const Library &lib, bool rw_only);
void session_end_operations(p11_session *session);
// Ends the session's operations, frees it and takes it out of its slot.
void session_close(Library &lib, p11_session *session);

// Replaces the record in memory with the store's (token_state.cpp's rules:
// missing is the profile's fresh token, damaged an uninitialized one).
void token_read(Library &lib);

// A counted PIN attempt (pin_attempt.cpp's rules) on the record read once
// under the store lock: CKR_OK, CKR_PIN_INCORRECT, CKR_PIN_LOCKED,
// CKR_USER_PIN_NOT_INITIALIZED (user only), or the store's failure.
CK_RV token_pin_attempt(Library &lib, bool so, const CK_UTF8CHAR *pin, CK_ULONG pin_len);

// The CKF_*_PIN_* flags of CK_TOKEN_INFO.
CK_FLAGS token_pin_flags(const Library &lib);

// A mechanism this backend implements and the profile allows: its info (the
// profile's key sizes, the flags both name). False for any other.
bool mechanism_info(CK_MECHANISM_TYPE type, CK_MECHANISM_INFO *out);
// The types of those mechanisms, the first `capacity` in out; returns how many there are.
CK_ULONG mechanism_list(CK_MECHANISM_TYPE *out, CK_ULONG capacity);

// Whether this login may see the object (private ones only after the
// user's C_Login).
bool visible(const Library &lib, const RecordView &view);

// The object behind a handle, if this login may see it: CKR_OK or
// CKR_OBJECT_HANDLE_INVALID.
CK_RV read_visible(const Library &lib, CK_OBJECT_HANDLE handle, ObjectRead *object);

} // namespace p11::lean

#endif // P11_LEAN_LIBRARY_H
