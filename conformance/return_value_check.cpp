#include "return_value_check.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>

#include <gtest/gtest.h>

#include "rv_check.h"

namespace p11conf {

std::string ReturnValueMessage(const ReturnValues &list, CK_RV rv)
{
    return std::string(list.function) + " returned " + RvName(rv) + ", which is not among the return values v2.40 §" +
           list.section + " lists for " + list.function;
}

namespace {

std::vector<ReturnValueUse> &Uses()
{
    static std::vector<ReturnValueUse> uses;
    return uses;
}

std::mutex &UsesLock()
{
    static std::mutex lock;
    return lock;
}

void Record(const ReturnValues &list, CK_RV rv)
{
    std::lock_guard<std::mutex> guard(UsesLock()); // cases call from several threads
    std::vector<ReturnValueUse> &uses = Uses();
    auto use = std::find_if(uses.begin(), uses.end(),
                            [&](const ReturnValueUse &u) { return std::strcmp(u.list.function, list.function) == 0; });
    if (use == uses.end()) {
        uses.push_back({list, 0, {}});
        use = uses.end() - 1;
    }
    ++use->calls;
    if (std::find(use->returned.begin(), use->returned.end(), rv) == use->returned.end()) {
        use->returned.push_back(rv);
    }
}

} // namespace

const std::vector<ReturnValueUse> &ReturnValueUses()
{
    return Uses();
}

void CheckReturnValue(const ReturnValues &list, CK_RV rv)
{
    Record(list, rv);
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
