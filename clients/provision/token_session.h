// A PKCS #11 module loaded by path (dlopen + C_GetFunctionList, so any
// vendor's module works), one token chosen by label, one R/W session logged
// in as the user: what a FreeRTOS device's provisioning and OTA code hold.
#ifndef P11FORGE_PROVISION_TOKEN_SESSION_H
#define P11FORGE_PROVISION_TOKEN_SESSION_H

#include <pkcs11.h>

#include <string>
#include <vector>

namespace provision {

using Bytes = std::vector<unsigned char>;

struct SessionOptions {
    std::string module_path;
    std::string token_label; // empty: the first initialized token
    std::string pin;         // empty: no login
};

// "CKR_..." from the header's names, else the hexadecimal value.
std::string RvName(CK_RV rv);

// Prints "what: CKR_NAME" on stderr when rv is not CKR_OK; returns rv.
CK_RV Report(CK_RV rv, const char *what);

class TokenSession {
  public:
    TokenSession() = default;
    ~TokenSession();
    TokenSession(const TokenSession &) = delete;
    TokenSession &operator=(const TokenSession &) = delete;

    // Loads, initializes, chooses the token, opens the session and logs in.
    // Prints the reason and returns the failing call's CK_RV (or
    // CKR_GENERAL_ERROR when the module cannot be loaded).
    CK_RV Open(const SessionOptions &options);

    CK_FUNCTION_LIST *fl() const { return functions_; }
    CK_SESSION_HANDLE session() const { return session_; }

    // Every object matching the template (C_FindObjectsInit/C_FindObjects/
    // C_FindObjectsFinal).
    CK_RV Find(CK_ATTRIBUTE *tmpl, CK_ULONG count, std::vector<CK_OBJECT_HANDLE> *found);
    // Objects of this class with this CKA_LABEL.
    CK_RV FindByLabel(CK_OBJECT_CLASS klass, const std::string &label, std::vector<CK_OBJECT_HANDLE> *found);
    // One attribute's value: a size query, then the value.
    CK_RV Attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type, Bytes *value);

  private:
    CK_RV ChooseSlot(const std::string &label, CK_SLOT_ID *slot);

    void *library_ = nullptr;
    CK_FUNCTION_LIST *functions_ = nullptr;
    bool initialized_ = false;
    CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
};

} // namespace provision

#endif // P11FORGE_PROVISION_TOKEN_SESSION_H
