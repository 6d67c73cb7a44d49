// The module under test, shared by every p11bench benchmark: loaded once by
// path, initialized lazily (a benchmark may finalize it), logged in as the
// user, with session key pairs generated on first use.
#ifndef P11_BENCH_MODULE_CONTEXT_H
#define P11_BENCH_MODULE_CONTEXT_H

#include <pkcs11.h>

#include <string>

namespace p11bench {

struct ModuleOptions {
    std::string module_path;
    std::string user_pin;
    bool slot_given = false;
    CK_SLOT_ID slot = 0;
    // Populations above this skip: SoftHSMv2 needs minutes for 10,000.
    unsigned long max_objects = 100000;
    // Non-empty: the token is blank; p11bench initializes it first
    // (token_setup.h) with this SO PIN and sets user_pin.
    std::string init_token_so_pin;
};

struct KeyPair {
    CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
};

// Loads the module; prints the reason and returns false when it cannot.
bool LoadModule(const ModuleOptions &options);
CK_FUNCTION_LIST *Fl();
CK_SLOT_ID Slot();
// --slot, else the first slot whose token is initialized, else the first
// slot with a token (C_Initialize has run).
CK_RV ChooseSlot(CK_SLOT_ID *slot);
const ModuleOptions &Options();

// Initializes the module and logs in, if not done yet. Thread safe. On
// failure returns false and sets *error.
bool EnsureReady(std::string *error);
// C_Finalize, forgetting keys and sessions; the next EnsureReady starts over.
void Shutdown();

// A read-write session; the caller closes it.
CK_RV OpenSession(CK_SESSION_HANDLE *session);

// Session key pairs generated on first use (Ready must hold). On failure
// returns false and sets *error, naming the mechanism that failed.
bool EcdsaP256Keys(KeyPair *keys, std::string *error);
bool Rsa2048Keys(KeyPair *keys, std::string *error);

// "CKR_..." name, or the hexadecimal value.
std::string RvName(CK_RV rv);

} // namespace p11bench

#endif // P11_BENCH_MODULE_CONTEXT_H
