// A small PKCS #11 client for the storage tests: loads a p11forge module by
// path (dlopen + C_GetFunctionList), so each test process sees the module
// exactly as an application does, and wraps the few calls the tests need.
#ifndef P11_STORAGE_TESTS_MODULE_CLIENT_H
#define P11_STORAGE_TESTS_MODULE_CLIENT_H

#include <string>
#include <vector>

#include "pkcs11.h"

namespace p11storage {

// The module's function list, or nullptr (with the reason on stderr).
CK_FUNCTION_LIST *LoadModule(const char *path);

// One C_Initialize'd library with one R/W session on the first slot that
// has a token; C_Finalize on destruction.
class Client {
  public:
    explicit Client(CK_FUNCTION_LIST *functions) : fl_(functions) {}
    ~Client();
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    // C_Initialize, first token slot, R/W session.
    CK_RV Open();
    CK_RV Login(CK_USER_TYPE user, const std::string &pin);
    CK_RV Logout();
    CK_RV SetPin(const std::string &old_pin, const std::string &new_pin);
    // C_InitToken on the slot (no session may be open: call before Open's
    // session, see InitTokenThenOpen).
    CK_RV InitTokenThenOpen(const std::string &so_pin, const std::string &label);
    CK_RV InitUserPin(const std::string &pin);
    CK_RV TokenInfo(CK_TOKEN_INFO *info);

    // A token data object (CKA_TOKEN true, public) with the label and value.
    CK_RV CreateData(const std::string &label, const std::string &value, CK_OBJECT_HANDLE *out = nullptr);
    // Every object whose CKA_LABEL is `label`.
    CK_RV FindByLabel(const std::string &label, std::vector<CK_OBJECT_HANDLE> *out);
    // Every token data object.
    CK_RV FindAllData(std::vector<CK_OBJECT_HANDLE> *out);
    CK_RV Value(CK_OBJECT_HANDLE object, std::string *out);
    CK_RV Destroy(CK_OBJECT_HANDLE object);
    // C_SetAttributeValue of CKA_LABEL.
    CK_RV SetLabel(CK_OBJECT_HANDLE object, const std::string &label);
    // Finds the one object with the label and destroys it.
    CK_RV DestroyByLabel(const std::string &label);

    // For calls the helpers above do not make.
    CK_FUNCTION_LIST *functions() const { return fl_; }
    CK_SESSION_HANDLE session() const { return session_; }

  private:
    CK_RV Find(CK_ATTRIBUTE *tmpl, CK_ULONG count, std::vector<CK_OBJECT_HANDLE> *out);
    CK_RV FirstTokenSlot();

    CK_FUNCTION_LIST *fl_;
    bool initialized_ = false;
    CK_SLOT_ID slot_ = 0;
    CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
};

// A fresh 0700 folder under the system's temp folder; removed by ~TempDir.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    const std::string &path() const { return path_; }

  private:
    std::string path_;
};

} // namespace p11storage

#include "run_in_child.h"

#endif // P11_STORAGE_TESTS_MODULE_CLIENT_H
