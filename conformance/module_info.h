// What the report says about the module and token under test, read once
// before the tests run.
#ifndef P11CONF_MODULE_INFO_H
#define P11CONF_MODULE_INFO_H

#include <string>
#include <vector>

#include "pkcs11.h"

namespace p11conf {

struct ModuleInfo {
    std::string error; // empty when everything below was read
    CK_INFO info{};
    CK_SLOT_ID slot = 0;
    CK_SLOT_INFO slot_info{};
    CK_TOKEN_INFO token_info{};
    std::vector<CK_MECHANISM_TYPE> mechanisms;
    // false when the profile has no C_GetMechanismList: the list was not
    // asked for, and the mechanism cases use the profile's own list.
    bool mechanisms_asked = true;
};

// C_GetInfo, the slot's slot and token info and its mechanism list, on an
// initialized module; a failing call's return code goes into result->error.
// A function outside the profile is not called (its module may rightly answer
// CKR_FUNCTION_NOT_SUPPORTED): its part stays blank.
void ReadModuleInfo(CK_FUNCTION_LIST *functions, CK_SLOT_ID slot, ModuleInfo *result);

// A blank-padded fixed-width field without its padding.
inline std::string FieldText(const CK_UTF8CHAR *text, size_t size)
{
    std::string value(reinterpret_cast<const char *>(text), size);
    size_t end = value.find_last_not_of(std::string(" \0", 2));
    return end == std::string::npos ? "" : value.substr(0, end + 1);
}

inline std::string VersionText(const CK_VERSION &version)
{
    return std::to_string(version.major) + "." + std::to_string(version.minor);
}

} // namespace p11conf

#endif // P11CONF_MODULE_INFO_H
