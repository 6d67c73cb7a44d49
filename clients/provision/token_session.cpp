// Loading a module by path, choosing its token and logging in (see
// token_session.h).
#include "token_session.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstring>

#include "constant_names.h"
#include "module_loader.h"

namespace provision {
namespace {

// The token label as the clients print it: the blank padding of v2.40 §3.2
// trimmed.
std::string TrimmedLabel(const CK_UTF8CHAR (&field)[32])
{
    std::string label(reinterpret_cast<const char *>(field), sizeof field);
    size_t end = label.find_last_not_of(' ');
    return end == std::string::npos ? std::string() : label.substr(0, end + 1);
}

} // namespace

std::string RvName(CK_RV rv)
{
    for (size_t i = 0; i < p11conf::kReturnValueNameCount; ++i) {
        if (p11conf::kReturnValueNames[i].value == rv) {
            return p11conf::kReturnValueNames[i].name;
        }
    }
    char text[32];
    (void)std::snprintf(text, sizeof text, "0x%08lx", static_cast<unsigned long>(rv));
    return text;
}

CK_RV Report(CK_RV rv, const char *what)
{
    if (rv != CKR_OK) {
        std::fprintf(stderr, "%s: %s\n", what, RvName(rv).c_str());
    }
    return rv;
}

TokenSession::~TokenSession()
{
    if (initialized_) {
        // C_Finalize closes the session and logs out (v2.40 §5.4).
        functions_->C_Finalize(nullptr);
    }
    if (library_ != nullptr) {
        dlclose(library_);
    }
}

CK_RV TokenSession::Open(const SessionOptions &options)
{
    std::string error;
    p11conf::LoadedModule loaded = p11conf::LoadModuleFile(options.module_path, &error);
    if (loaded.functions == nullptr) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return CKR_GENERAL_ERROR;
    }
    library_ = loaded.library;
    functions_ = loaded.functions;
    CK_RV rv = CKR_OK;
    // OS locking, as FreeRTOS's corePKCS11 callers ask for.
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    if (Report(rv = functions_->C_Initialize(&args), "C_Initialize") != CKR_OK) {
        return rv;
    }
    initialized_ = true;
    CK_SLOT_ID slot = 0;
    if ((rv = ChooseSlot(options.token_label, &slot)) != CKR_OK) {
        return rv;
    }
    rv = functions_->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session_);
    if (Report(rv, "C_OpenSession") != CKR_OK) {
        return rv;
    }
    if (!options.pin.empty()) {
        auto *pin = reinterpret_cast<CK_UTF8CHAR *>(const_cast<char *>(options.pin.data()));
        rv = functions_->C_Login(session_, CKU_USER, pin, options.pin.size());
        // Another application of this process may have logged in already.
        if (rv != CKR_USER_ALREADY_LOGGED_IN && Report(rv, "C_Login(CKU_USER)") != CKR_OK) {
            return rv;
        }
    }
    return CKR_OK;
}

CK_RV TokenSession::ChooseSlot(const std::string &label, CK_SLOT_ID *slot)
{
    CK_ULONG count = 0;
    CK_RV rv = functions_->C_GetSlotList(CK_TRUE, nullptr, &count);
    if (Report(rv, "C_GetSlotList") != CKR_OK) {
        return rv;
    }
    std::vector<CK_SLOT_ID> slots(count);
    if (count > 0 && Report(rv = functions_->C_GetSlotList(CK_TRUE, slots.data(), &count), "C_GetSlotList") != CKR_OK) {
        return rv;
    }
    slots.resize(count);
    for (CK_SLOT_ID id : slots) {
        CK_TOKEN_INFO info{};
        if (Report(rv = functions_->C_GetTokenInfo(id, &info), "C_GetTokenInfo") != CKR_OK) {
            return rv;
        }
        bool usable = (info.flags & CKF_TOKEN_INITIALIZED) != 0;
        if ((label.empty() && usable) || (!label.empty() && TrimmedLabel(info.label) == label)) {
            *slot = id;
            return CKR_OK;
        }
    }
    if (label.empty()) {
        std::fprintf(stderr, "no initialized token in %lu slot(s) with a token\n", static_cast<unsigned long>(count));
    } else {
        std::fprintf(stderr, "no token labelled \"%s\" in %lu slot(s) with a token\n", label.c_str(),
                     static_cast<unsigned long>(count));
    }
    return CKR_TOKEN_NOT_PRESENT;
}

CK_RV TokenSession::Find(CK_ATTRIBUTE *tmpl, CK_ULONG count, std::vector<CK_OBJECT_HANDLE> *found)
{
    found->clear();
    CK_RV rv = functions_->C_FindObjectsInit(session_, tmpl, count);
    if (Report(rv, "C_FindObjectsInit") != CKR_OK) {
        return rv;
    }
    CK_OBJECT_HANDLE batch[16];
    CK_ULONG got = 0;
    do {
        if (Report(rv = functions_->C_FindObjects(session_, batch, 16, &got), "C_FindObjects") != CKR_OK) {
            functions_->C_FindObjectsFinal(session_);
            return rv;
        }
        found->insert(found->end(), batch, batch + got);
    } while (got > 0);
    return Report(functions_->C_FindObjectsFinal(session_), "C_FindObjectsFinal");
}

CK_RV TokenSession::FindByLabel(CK_OBJECT_CLASS klass, const std::string &label, std::vector<CK_OBJECT_HANDLE> *found)
{
    // CKA_LABEL without a trailing NUL, as FreeRTOS passes it.
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &klass, sizeof klass},
                           {CKA_LABEL, const_cast<char *>(label.data()), label.size()}};
    return Find(tmpl, 2, found);
}

CK_RV TokenSession::Attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type, Bytes *value)
{
    CK_ATTRIBUTE attribute{type, nullptr, 0};
    CK_RV rv = functions_->C_GetAttributeValue(session_, object, &attribute, 1);
    if (rv != CKR_OK) {
        return rv;
    }
    if (attribute.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
        return CKR_GENERAL_ERROR; // CKR_OK with an unavailable length breaks §5.7
    }
    value->resize(attribute.ulValueLen);
    attribute.pValue = value->data();
    rv = functions_->C_GetAttributeValue(session_, object, &attribute, 1);
    value->resize(rv == CKR_OK ? attribute.ulValueLen : 0);
    return rv;
}

} // namespace provision
