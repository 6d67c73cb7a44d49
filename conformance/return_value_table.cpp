#include "return_value_table.h"

#include <cstring>

namespace p11conf {

bool ReturnValueAllowed(const ReturnValues &list, CK_RV rv)
{
    if (list.codes == nullptr || rv == CKR_FUNCTION_NOT_SUPPORTED || rv >= CKR_VENDOR_DEFINED) {
        return true;
    }
    for (std::size_t i = 0; i < list.count; ++i) {
        if (list.codes[i] == rv) {
            return true;
        }
    }
    return false;
}

const ReturnValues &ReturnValuesOf(const char *function)
{
    for (std::size_t i = 0; i < kReturnValueTableSize; ++i) {
        if (std::strcmp(kReturnValueTable[i].function, function) == 0) {
            return kReturnValueTable[i];
        }
    }
    static const ReturnValues unknown = {"(unknown function)", "", nullptr, 0};
    return unknown;
}

} // namespace p11conf
