// Checking a return value against the codes the specification allows, with a
// failure message the report can take apart:
//
//   EXPECT_RV(fl()->C_Sign(session_, data, size, nullptr, &length), CKR_OK) << "v2.40 §5.2";
//
// fails with
//   call: C_Sign(session_, data, size, nullptr, &length)
//   expected: CKR_OK
//   actual: CKR_ARGUMENTS_BAD
// and, for each expected code but CKR_OK, its sentence from §5.1:
//   rule: CKR_BUFFER_TOO_SMALL (v2.40 §5.1.6): “The output of the function is too large ...”
// followed by whatever was streamed into it. ASSERT_RV returns from the test.
#ifndef P11CONF_RV_CHECK_H
#define P11CONF_RV_CHECK_H

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "pkcs11.h"

namespace p11conf {

// The name of a return value ("CKR_PIN_INCORRECT"), or its hex value.
std::string RvName(CK_RV rv);
// The name of a mechanism ("CKM_ECDSA"), or its hex value.
std::string MechanismName(CK_MECHANISM_TYPE type);

// What v2.40 §5.1 says a code means, quoted: "CKR_OPERATION_ACTIVE (v2.40
// §5.1.6): “There is already an active operation ...”"; "" for a code §5.1
// does not define (a vendor's).
std::string RvRule(CK_RV rv);

// Success when `actual` is one of `expected`; else the three-line message
// above, then one "rule:" line per expected code but CKR_OK (RvRule).
::testing::AssertionResult RvCheck(const char *call, CK_RV actual, std::initializer_list<CK_RV> expected);

// The same without the call text (for values computed earlier).
::testing::AssertionResult RvIsOneOf(CK_RV actual, std::initializer_list<CK_RV> expected);

} // namespace p11conf

// The call is spelled out where it is written (#call in the outer macro),
// before its macros (CKM_ECDSA, ...) are expanded.
#define P11_RV_CHECK_(text, call, on_failure, ...)                                                    \
    GTEST_AMBIGUOUS_ELSE_BLOCKER_                                                                     \
    if (const ::testing::AssertionResult p11_rv_result_ = ::p11conf::RvCheck(text, (call), {__VA_ARGS__})) \
        ;                                                                                             \
    else                                                                                              \
        on_failure() << p11_rv_result_.message()

#define EXPECT_RV(call, ...) P11_RV_CHECK_(#call, call, ADD_FAILURE, __VA_ARGS__)
// The same for a result computed earlier, with the call written out by hand.
#define EXPECT_RV_OF(text, rv, ...) P11_RV_CHECK_(text, rv, ADD_FAILURE, __VA_ARGS__)
#define ASSERT_RV(call, ...) P11_RV_CHECK_(#call, call, GTEST_FAIL, __VA_ARGS__)

#endif // P11CONF_RV_CHECK_H
