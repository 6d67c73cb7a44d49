#include "return_value_check.h"

#include <cstdio>

#include <gtest/gtest.h>

#include "rv_check.h"

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

std::string ReturnValueMessage(const ReturnValues &list, CK_RV rv)
{
    return std::string(list.function) + " returned " + RvName(rv) + ", which is not among the return values v2.40 §" +
           list.section + " lists for " + list.function;
}

void CheckReturnValue(const ReturnValues &list, CK_RV rv)
{
    if (ReturnValueAllowed(list, rv)) {
        return;
    }
    if (::testing::UnitTest::GetInstance()->current_test_info() == nullptr) {
        std::fprintf(stderr, "warning: %s\n", ReturnValueMessage(list, rv).c_str());
        return;
    }
    ADD_FAILURE() << ReturnValueMessage(list, rv);
}

} // namespace p11conf
