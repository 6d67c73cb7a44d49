// The return-value check every call of the suite goes through.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "return_value_check.h"

namespace p11conf {
namespace {

const CK_RV kSignInitCodes[] = {CKR_OK, CKR_KEY_HANDLE_INVALID, CKR_SESSION_HANDLE_INVALID};
const ReturnValues kSignInit = {"C_SignInit", "5.11", kSignInitCodes, 3};

TEST(ReturnValueCheck, CodesOfTheListAreAllowedOthersNot)
{
    EXPECT_TRUE(ReturnValueAllowed(kSignInit, CKR_OK));
    EXPECT_TRUE(ReturnValueAllowed(kSignInit, CKR_KEY_HANDLE_INVALID));
    EXPECT_FALSE(ReturnValueAllowed(kSignInit, CKR_OBJECT_HANDLE_INVALID));
    EXPECT_FALSE(ReturnValueAllowed(kSignInit, CKR_PIN_LEN_RANGE));
}

TEST(ReturnValueCheck, StubsAndVendorCodesAreAlwaysAllowed)
{
    EXPECT_TRUE(ReturnValueAllowed(kSignInit, CKR_FUNCTION_NOT_SUPPORTED)) << "§5.1.6: every function may be a stub";
    EXPECT_TRUE(ReturnValueAllowed(kSignInit, CKR_VENDOR_DEFINED));
    EXPECT_TRUE(ReturnValueAllowed(kSignInit, CKR_VENDOR_DEFINED + 7));
    EXPECT_TRUE(ReturnValueAllowed({"C_New", "", nullptr, 0}, CKR_PIN_LEN_RANGE)) << "no list, nothing to check";
}

TEST(ReturnValueCheck, TheGeneratedTableHoldsEveryFunctionsSpecificationList)
{
    // v2.40 §5.11 C_SignInit: KEY_HANDLE_INVALID is listed, OBJECT_HANDLE_INVALID is not.
    const ReturnValues &sign_init = ReturnValuesOf("C_SignInit");
    EXPECT_STREQ(sign_init.section, "5.11");
    EXPECT_TRUE(ReturnValueAllowed(sign_init, CKR_KEY_HANDLE_INVALID));
    EXPECT_FALSE(ReturnValueAllowed(sign_init, CKR_OBJECT_HANDLE_INVALID));
    // §5.4 C_Initialize may not answer a session error.
    EXPECT_FALSE(ReturnValueAllowed(ReturnValuesOf("C_Initialize"), CKR_SESSION_HANDLE_INVALID));
    EXPECT_EQ(kReturnValueTableSize, 68U) << "one entry per member of v2.40's CK_FUNCTION_LIST";
    EXPECT_EQ(ReturnValuesOf("C_NoSuchFunction").codes, nullptr);
}

TEST(ReturnValueCheck, MessageNamesFunctionCodeAndSection)
{
    EXPECT_EQ(ReturnValueMessage(kSignInit, CKR_OBJECT_HANDLE_INVALID),
              "C_SignInit returned CKR_OBJECT_HANDLE_INVALID, which is not among the return values v2.40 §5.11 lists "
              "for C_SignInit");
}

TEST(ReturnValueCheck, ACodeOutsideTheListFailsTheRunningTest)
{
    ::testing::TestPartResultArray failures;
    {
        ::testing::ScopedFakeTestPartResultReporter reporter(
            ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
        CheckReturnValue(kSignInit, CKR_OK);
        CheckReturnValue(kSignInit, CKR_OBJECT_HANDLE_INVALID);
    }
    ASSERT_EQ(failures.size(), 1);
    EXPECT_NE(std::string(failures.GetTestPartResult(0).message()).find("CKR_OBJECT_HANDLE_INVALID"),
              std::string::npos);
}

} // namespace
} // namespace p11conf
