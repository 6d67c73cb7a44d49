// Return-value names and the checks behind EXPECT_RV.
#include "rv_check.h"

#include <sstream>

#include "constant_names.h"
#include "runtime_profile.h"

namespace p11conf {
namespace {

std::string NameIn(const ConstantName *table, std::size_t count, CK_ULONG value)
{
    for (std::size_t i = 0; i < count; ++i) {
        if (table[i].value == value) {
            return table[i].name;
        }
    }
    std::ostringstream out;
    out << "0x" << std::hex << value;
    return out.str();
}

std::string Alternatives(std::initializer_list<CK_RV> expected)
{
    std::string text;
    for (CK_RV code : expected) {
        text += (text.empty() ? "" : " or ") + RvName(code);
    }
    return text;
}

// "fl()->C_Sign(...)" reads better in a report as "C_Sign(...)".
std::string CallText(const char *call)
{
    std::string text = call;
    const std::string prefix = "fl()->";
    size_t at = text.find(prefix);
    if (at == 0) {
        text.erase(0, prefix.size());
    }
    return text;
}

} // namespace

std::string RvName(CK_RV rv)
{
    return NameIn(kReturnValueNames, kReturnValueNameCount, rv);
}

std::string MechanismName(CK_MECHANISM_TYPE type)
{
    // Some values have two names (CKM_EC_KEY_PAIR_GEN, CKM_ECDSA_KEY_PAIR_GEN):
    // the profile's is the one the reader knows.
    if (const ProfileMechanism *named = ActiveProfile().Mechanism(type)) {
        return named->name;
    }
    return NameIn(kMechanismNames, kMechanismNameCount, type);
}

std::string RvRule(CK_RV rv)
{
    for (std::size_t i = 0; i < kReturnValueMeaningCount; ++i) {
        const ReturnValueMeaning &meaning = kReturnValueMeanings[i];
        if (meaning.value == rv) {
            return RvName(rv) + " (v2.40 §" + meaning.section + "): \u201c" + meaning.text + "\u201d";
        }
    }
    return "";
}

::testing::AssertionResult RvCheck(const char *call, CK_RV actual, std::initializer_list<CK_RV> expected)
{
    for (CK_RV code : expected) {
        if (code == actual) {
            return ::testing::AssertionSuccess();
        }
    }
    ::testing::AssertionResult failure = ::testing::AssertionFailure();
    failure << "call: " << CallText(call) << "\nexpected: " << Alternatives(expected) << "\nactual: " << RvName(actual)
            << "\n";
    for (CK_RV code : expected) {
        // CKR_OK's sentence ("executed successfully") adds nothing to the case's own section.
        const std::string rule = code == CKR_OK ? "" : RvRule(code);
        if (!rule.empty()) {
            failure << "rule: " << rule << "\n";
        }
    }
    return failure;
}

::testing::AssertionResult RvIsOneOf(CK_RV actual, std::initializer_list<CK_RV> expected)
{
    for (CK_RV code : expected) {
        if (code == actual) {
            return ::testing::AssertionSuccess();
        }
    }
    return ::testing::AssertionFailure() << "returned " << RvName(actual) << ", expected " << Alternatives(expected);
}

} // namespace p11conf
