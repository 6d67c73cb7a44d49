// The storage tests' PKCS #11 client (see module_client.h).
#include "module_client.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <dlfcn.h>

namespace p11storage {

CK_FUNCTION_LIST *LoadModule(const char *path)
{
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        std::fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        return nullptr;
    }
    auto get = reinterpret_cast<CK_C_GetFunctionList>(dlsym(library, "C_GetFunctionList"));
    CK_FUNCTION_LIST *functions = nullptr;
    if (get == nullptr || get(&functions) != CKR_OK) {
        std::fprintf(stderr, "%s: no C_GetFunctionList\n", path);
        return nullptr;
    }
    return functions; // stays loaded for the life of the process
}

Client::~Client()
{
    if (initialized_) {
        fl_->C_Finalize(nullptr);
    }
}

CK_RV Client::FirstTokenSlot()
{
    CK_SLOT_ID slots[8];
    CK_ULONG count = 8;
    CK_RV rv = fl_->C_GetSlotList(CK_TRUE, slots, &count);
    if (rv == CKR_OK && count == 0) {
        rv = CKR_TOKEN_NOT_PRESENT;
    }
    if (rv == CKR_OK) {
        slot_ = slots[0];
    }
    return rv;
}

CK_RV Client::Open()
{
    CK_C_INITIALIZE_ARGS args = {};
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = fl_->C_Initialize(&args);
    if (rv != CKR_OK) {
        return rv;
    }
    initialized_ = true;
    rv = FirstTokenSlot();
    if (rv != CKR_OK) {
        return rv;
    }
    return fl_->C_OpenSession(slot_, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session_);
}

CK_RV Client::InitTokenThenOpen(const std::string &so_pin, const std::string &label)
{
    CK_C_INITIALIZE_ARGS args = {};
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = fl_->C_Initialize(&args);
    if (rv != CKR_OK) {
        return rv;
    }
    initialized_ = true;
    rv = FirstTokenSlot();
    if (rv != CKR_OK) {
        return rv;
    }
    CK_UTF8CHAR padded[32];
    std::string text = label.substr(0, sizeof padded);
    std::fill(padded, padded + sizeof padded, ' ');
    std::copy(text.begin(), text.end(), padded);
    std::string pin = so_pin;
    rv = fl_->C_InitToken(slot_, reinterpret_cast<CK_UTF8CHAR_PTR>(&pin[0]), pin.size(), padded);
    if (rv != CKR_OK) {
        return rv;
    }
    return fl_->C_OpenSession(slot_, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session_);
}

CK_RV Client::Login(CK_USER_TYPE user, const std::string &pin)
{
    std::string copy = pin;
    return fl_->C_Login(session_, user, reinterpret_cast<CK_UTF8CHAR_PTR>(&copy[0]), copy.size());
}

CK_RV Client::Logout()
{
    return fl_->C_Logout(session_);
}

CK_RV Client::SetPin(const std::string &old_pin, const std::string &new_pin)
{
    std::string o = old_pin, n = new_pin;
    return fl_->C_SetPIN(session_, reinterpret_cast<CK_UTF8CHAR_PTR>(&o[0]), o.size(),
                         reinterpret_cast<CK_UTF8CHAR_PTR>(&n[0]), n.size());
}

CK_RV Client::InitUserPin(const std::string &pin)
{
    std::string copy = pin;
    return fl_->C_InitPIN(session_, reinterpret_cast<CK_UTF8CHAR_PTR>(&copy[0]), copy.size());
}

CK_RV Client::TokenInfo(CK_TOKEN_INFO *info)
{
    return fl_->C_GetTokenInfo(slot_, info);
}

CK_RV Client::CreateData(const std::string &label, const std::string &value, CK_OBJECT_HANDLE *out)
{
    CK_OBJECT_CLASS klass = CKO_DATA;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_ATTRIBUTE tmpl[] = {
        {CKA_CLASS, &klass, sizeof klass},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_PRIVATE, &no, sizeof no},
        {CKA_LABEL, const_cast<char *>(label.data()), label.size()},
        {CKA_VALUE, const_cast<char *>(value.data()), value.size()},
    };
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    CK_RV rv = fl_->C_CreateObject(session_, tmpl, sizeof tmpl / sizeof tmpl[0], &handle);
    if (out != nullptr) {
        *out = handle;
    }
    return rv;
}

CK_RV Client::Find(CK_ATTRIBUTE *tmpl, CK_ULONG count, std::vector<CK_OBJECT_HANDLE> *out)
{
    out->clear();
    CK_RV rv = fl_->C_FindObjectsInit(session_, tmpl, count);
    while (rv == CKR_OK) {
        CK_OBJECT_HANDLE batch[16];
        CK_ULONG found = 0;
        rv = fl_->C_FindObjects(session_, batch, 16, &found);
        if (rv != CKR_OK || found == 0) {
            break;
        }
        out->insert(out->end(), batch, batch + found);
    }
    CK_RV final_rv = fl_->C_FindObjectsFinal(session_);
    return rv != CKR_OK ? rv : final_rv;
}

CK_RV Client::FindByLabel(const std::string &label, std::vector<CK_OBJECT_HANDLE> *out)
{
    CK_ATTRIBUTE tmpl[] = {{CKA_LABEL, const_cast<char *>(label.data()), label.size()}};
    return Find(tmpl, 1, out);
}

CK_RV Client::FindAllData(std::vector<CK_OBJECT_HANDLE> *out)
{
    CK_OBJECT_CLASS klass = CKO_DATA;
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &klass, sizeof klass}, {CKA_TOKEN, &yes, sizeof yes}};
    return Find(tmpl, 2, out);
}

CK_RV Client::Value(CK_OBJECT_HANDLE object, std::string *out)
{
    CK_ATTRIBUTE attr = {CKA_VALUE, nullptr, 0};
    CK_RV rv = fl_->C_GetAttributeValue(session_, object, &attr, 1);
    if (rv != CKR_OK) {
        return rv;
    }
    out->assign(attr.ulValueLen, '\0');
    attr.pValue = &(*out)[0];
    return fl_->C_GetAttributeValue(session_, object, &attr, 1);
}

CK_RV Client::Destroy(CK_OBJECT_HANDLE object)
{
    return fl_->C_DestroyObject(session_, object);
}

CK_RV Client::SetLabel(CK_OBJECT_HANDLE object, const std::string &label)
{
    std::string value = label;
    CK_ATTRIBUTE attr = {CKA_LABEL, &value[0], value.size()};
    return fl_->C_SetAttributeValue(session_, object, &attr, 1);
}

CK_RV Client::DestroyByLabel(const std::string &label)
{
    std::vector<CK_OBJECT_HANDLE> found;
    CK_RV rv = FindByLabel(label, &found);
    if (rv != CKR_OK) {
        return rv;
    }
    return found.size() == 1 ? Destroy(found[0]) : CKR_OBJECT_HANDLE_INVALID;
}

TempDir::TempDir()
{
    std::string tmpl = (std::filesystem::temp_directory_path() / "p11storage-XXXXXX").string();
    if (mkdtemp(&tmpl[0]) != nullptr) { // mode 0700
        path_ = tmpl;
    }
}

TempDir::~TempDir()
{
    if (!path_.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
}

} // namespace p11storage
