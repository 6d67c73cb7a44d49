// The two report formats, from a hand-made run.
#include <gtest/gtest.h>

#include "call_trace.h"
#include "case_use.h"

#include <cstring>
#include <sstream>

#include "constant_names.h"
#include "rv_check.h"
#include "test_report.h"

namespace p11conf {
namespace {

class Report : public ::testing::Test {
  protected:
    void SetUp() override
    {
        profile_.name = "tiny";
        profile_.source = "tiny.txt";
        profile_.functions = {"C_Sign", "C_Digest"};
        profile_.families = {{"TLS", {"C_Sign"}}};
        signing_.suite = "Signing";
        signing_.name = "BufferTooSmall";
        signing_.group = "keys";
        signing_.functions = {"C_Sign"};
        signing_.section = "v2.40 §5.2";
        digest_ = signing_;
        digest_.suite = "Digest";
        digest_.name = "Sha256";
        digest_.functions = {"C_Digest"};
        report_.profile = &profile_;
        report_.options = &options_;
        report_.module_path = "/m.so";
        report_.started_at = "2026-01-01T00:00:00Z";
        CaseResult failed;
        failed.info = &signing_;
        failed.outcome = Outcome::kFailed;
        failed.failures.push_back(ParseFailure(
            "s.cpp", 7, "Failed\ncall: C_Sign(session_, data, 32, sig, &len)\nexpected: CKR_BUFFER_TOO_SMALL\n"
                        "actual: CKR_OK\nv2.40 §5.2 <short>"));
        CaseResult skipped;
        skipped.info = &digest_;
        skipped.outcome = Outcome::kNotApplicable;
        skipped.skip_reason = "not applicable: the module does not offer CKM_SHA256";
        report_.results = {failed, skipped};
    }

    RuntimeProfile profile_;
    Options options_;
    CaseInfo signing_, digest_;
    RunReport report_;
};

TEST_F(Report, FailureSplitsIntoCallExpectedActual)
{
    const FailureDetail &f = report_.results[0].failures[0];
    EXPECT_EQ(f.call, "C_Sign(session_, data, 32, sig, &len)");
    EXPECT_EQ(f.expected, "CKR_BUFFER_TOO_SMALL");
    EXPECT_EQ(f.actual, "CKR_OK");
    EXPECT_EQ(f.message, "v2.40 §5.2 <short>");
    EXPECT_EQ(f.line, 7);
}

TEST(FailurePaths, AreTheSuitesOwnNotTheBuildMachines)
{
    const std::string root = P11CONF_SOURCE_ROOT;
    EXPECT_EQ(ParseFailure(root + "conformance/tests/signing_test.cpp", 3, "Failed").file,
              "conformance/tests/signing_test.cpp");
    EXPECT_EQ(SuitePath(root + "generated/conformance/skeleton_tests.cpp"), "generated/conformance/skeleton_tests.cpp");
    EXPECT_EQ(SuitePath("/elsewhere/conformance/tests/t.cpp"), "/elsewhere/conformance/tests/t.cpp");
    EXPECT_EQ(SuitePath("vendor/own_case.cpp"), "vendor/own_case.cpp");
}

TEST_F(Report, MarkdownHasVerdictFamiliesAndFailureDetails)
{
    std::ostringstream out;
    WriteMarkdownReport(report_, out);
    const std::string text = out.str();
    EXPECT_NE(text.find("| Verdict | **FAILED**: 0 passed, 1 failed, 1 not applicable"), std::string::npos) << text;
    EXPECT_NE(text.find("### TLS\n"), std::string::npos) << text;
    EXPECT_NE(text.find("| C_Sign | 0 | 1 | 0 |"), std::string::npos) << text;
    EXPECT_NE(text.find("### Other functions"), std::string::npos) << text;
    EXPECT_NE(text.find("| C_Digest | 0 | 0 | 1 |"), std::string::npos) << text;
    EXPECT_NE(text.find("- Specification: v2.40 §5.2"), std::string::npos) << text;
    EXPECT_NE(text.find("- Call: `C_Sign(session_, data, 32, sig, &len)`"), std::string::npos) << text;
    EXPECT_NE(text.find("  - expected: CKR_BUFFER_TOO_SMALL\n  - actual: CKR_OK"), std::string::npos) << text;
    EXPECT_NE(text.find("| Digest.Sha256 | not applicable: the module does not offer CKM_SHA256 |"),
              std::string::npos)
        << text;
}

TEST_F(Report, MechanismsNotAskedSaySoAndWhichListTheCasesUse)
{
    report_.module.mechanisms_asked = false;
    std::ostringstream out;
    WriteMarkdownReport(report_, out);
    EXPECT_NE(out.str().find("| Mechanisms advertised | not asked: the profile has no C_GetMechanismList; the "
                             "mechanism cases use the profile's own list |"),
              std::string::npos)
        << out.str();
    report_.module.mechanisms_asked = true;
    report_.module.mechanisms = {CKM_SHA256};
    std::ostringstream asked;
    WriteMarkdownReport(report_, asked);
    EXPECT_NE(asked.str().find("| Mechanisms advertised | CKM_SHA256 |"), std::string::npos) << asked.str();
}

TEST_F(Report, FailureNoteGivesTheSectionOnceAndNoHtml)
{
    report_.results[0].failures[0].message = "v2.40 §5.2: the first line\nv2.40 §5.2\nthe second line";
    std::ostringstream out;
    WriteMarkdownReport(report_, out);
    const std::string text = out.str();
    EXPECT_NE(text.find("  - note: the first line; the second line\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("<br>"), std::string::npos) << text;
    const std::size_t start = text.find("### Signing.BufferTooSmall");
    ASSERT_NE(start, std::string::npos) << text;
    const std::string details = text.substr(start, text.find("\n## ", start) - start); // this failure's block
    const std::string section = "v2.40 §5.2";
    const std::size_t first = details.find(section);
    EXPECT_NE(first, std::string::npos) << details;
    EXPECT_EQ(details.find(section, first + section.size()), std::string::npos) << "the section twice:\n" << details;
}

TEST_F(Report, FailureShowsTheModulesLastCalls)
{
    report_.results[0].failures[0].calls = {"C_SignInit(session=2, mechanism={CKM_ECDSA}, key=7) = CKR_OK",
                                            "C_Sign(session=2, data=&, data_len=32, signature=&, "
                                            "signature_len=&64) = CKR_OK"};
    std::ostringstream out;
    WriteMarkdownReport(report_, out);
    const std::string text = out.str();
    EXPECT_NE(text.find("  - the module's last calls, oldest first: `C_SignInit(session=2, mechanism={CKM_ECDSA}, "
                        "key=7) = CKR_OK`; `C_Sign(session=2, data=&, data_len=32, signature=&, signature_len=&64) = "
                        "CKR_OK`;\n"),
              std::string::npos)
        << text;
}

TEST(CallTrace, KeepsTheLastCallsOfThisThreadWithNamedArguments)
{
    for (unsigned long i = 0; i < 5; ++i) {
        RecordCall("C_CloseSession", "session", {ArgText(i)}, CKR_OK);
    }
    CK_MECHANISM mechanism = {CKM_ECDSA, nullptr, 0};
    unsigned long length = 64;
    RecordCall("C_OpenSession", "slotID,flags,notify", {ArgText(1UL), SessionFlagsText(CKF_SERIAL_SESSION | CKF_RW_SESSION),
                                                         ArgText(static_cast<void *>(nullptr))},
               CKR_OK);
    RecordCall("C_SignInit", "session,mechanism,key,len", {ArgText(2UL), ArgText(&mechanism), ArgText(7UL), ArgText(&length)},
               CKR_KEY_HANDLE_INVALID);
    const std::vector<std::string> calls = RecentCalls();
    ASSERT_EQ(calls.size(), kTracedCalls);
    EXPECT_EQ(calls[0], "C_CloseSession(session=4) = CKR_OK");
    EXPECT_EQ(calls[1], "C_OpenSession(slotID=1, flags=CKF_SERIAL_SESSION|CKF_RW_SESSION, notify=NULL) = CKR_OK");
    EXPECT_EQ(calls[2], "C_SignInit(session=2, mechanism={CKM_ECDSA}, key=7, len=&64) = CKR_KEY_HANDLE_INVALID");
}

// A stand-in for a module's C_GetAttributeValue: object 1 an RSA key whose
// modulus has a leading zero byte and a 2047-bit value, object 2 an EC P-384
// key, object 3 a 32-byte secret, object 4 refuses everything.
CK_RV FakeGetAttributeValue(CK_SESSION_HANDLE, CK_OBJECT_HANDLE object, CK_ATTRIBUTE *attrs, CK_ULONG count)
{
    static const std::vector<CK_BYTE> kModulus = [] {
        std::vector<CK_BYTE> modulus(257, 0xff);
        modulus[0] = 0x00;
        modulus[1] = 0x7f; // 2047 bits
        return modulus;
    }();
    static const std::vector<CK_BYTE> kP384 = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
    if (object == 4 || count != 1) {
        return CKR_OBJECT_HANDLE_INVALID;
    }
    CK_ATTRIBUTE &a = attrs[0];
    auto give = [&](const void *value, CK_ULONG size) {
        if (a.pValue != nullptr) {
            if (a.ulValueLen < size) {
                return CKR_BUFFER_TOO_SMALL;
            }
            std::memcpy(a.pValue, value, size);
        }
        a.ulValueLen = size;
        return CKR_OK;
    };
    const CK_KEY_TYPE type = object == 1 ? CKK_RSA : object == 2 ? CKK_EC : CKK_GENERIC_SECRET;
    const CK_ULONG length = 32;
    switch (a.type) {
    case CKA_KEY_TYPE:
        return give(&type, sizeof type);
    case CKA_MODULUS:
        return object == 1 ? give(kModulus.data(), kModulus.size()) : CKR_ATTRIBUTE_TYPE_INVALID;
    case CKA_EC_PARAMS:
        return object == 2 ? give(kP384.data(), kP384.size()) : CKR_ATTRIBUTE_TYPE_INVALID;
    case CKA_VALUE_LEN:
        return object == 3 ? give(&length, sizeof length) : CKR_ATTRIBUTE_TYPE_INVALID;
    default:
        return CKR_ATTRIBUTE_TYPE_INVALID;
    }
}

TEST(CaseUse, KeysAreNamedByTypeAndSizeAsTheModuleReportsThem)
{
    EXPECT_EQ(KeyText(&FakeGetAttributeValue, 1, 1), "RSA 2047");
    EXPECT_EQ(KeyText(&FakeGetAttributeValue, 1, 2), "EC P-384");
    EXPECT_EQ(KeyText(&FakeGetAttributeValue, 1, 3), "secret key of 32 bytes");
    EXPECT_EQ(KeyText(&FakeGetAttributeValue, 1, 4), "");
    EXPECT_EQ(KeyText(nullptr, 1, 1), "") << "a module without C_GetAttributeValue";
}

TEST(CaseUse, EachCaseGetsItsOwnNotesOnceAndSorted)
{
    SetUseQuery(&FakeGetAttributeValue);
    CK_MECHANISM sign = {CKM_SHA256_RSA_PKCS, nullptr, 0};
    CK_MECHANISM digest = {CKM_SHA256, nullptr, 0};
    StartCaseUse();
    NoteUse(1, &sign, 1);
    NoteUse(1, &digest, CK_INVALID_HANDLE);
    NoteUse(1, &sign, 1);
    EXPECT_EQ(TakeCaseUse(), (std::vector<std::string>{"CKM_SHA256", "CKM_SHA256_RSA_PKCS with RSA 2047"}));
    EXPECT_TRUE(TakeCaseUse().empty());
    SetUseQuery(nullptr);
}

TEST_F(Report, EachMechanismAndKeyRunIsCountedByOutcomeAndNamedAtItsFailures)
{
    report_.results[0].used = {"CKM_ECDSA with EC P-256", "CKM_SHA256"};
    CaseResult passed = report_.results[0];
    passed.outcome = Outcome::kPassed;
    passed.failures.clear();
    passed.used = {"CKM_ECDSA with EC P-256"};
    report_.results.push_back(passed);
    std::ostringstream out;
    WriteMarkdownReport(report_, out);
    const std::string text = out.str();
    EXPECT_NE(text.find("- Ran: CKM_ECDSA with EC P-256; CKM_SHA256\n"), std::string::npos) << text;
    EXPECT_NE(text.find("| CKM_ECDSA with EC P-256 | 1 | 1 |\n"), std::string::npos) << text;
    EXPECT_NE(text.find("| CKM_SHA256 | 0 | 1 |\n"), std::string::npos) << text;
    std::ostringstream junit;
    WriteJunitReport(report_, junit);
    EXPECT_NE(junit.str().find("ran: CKM_ECDSA with EC P-256; CKM_SHA256;\n"), std::string::npos) << junit.str();
}

TEST(RvRule, QuotesTheSpecificationsSentenceForTheCode)
{
    EXPECT_EQ(RvRule(CKR_OPERATION_ACTIVE).rfind("CKR_OPERATION_ACTIVE (v2.40 §5.1.6): \u201cThere is already an active "
                                                  "operation",
                                                  0),
              0u)
        << RvRule(CKR_OPERATION_ACTIVE);
    EXPECT_NE(RvRule(CKR_SESSION_HANDLE_INVALID).find("(v2.40 §5.1.2)"), std::string::npos);
    EXPECT_EQ(RvRule(CKR_VENDOR_DEFINED | 5), "") << "§5.1 defines no vendor's code";
    for (std::size_t i = 0; i < kReturnValueMeaningCount; ++i) {
        EXPECT_NE(RvName(kReturnValueMeanings[i].value).rfind("CKR_", 0), std::string::npos) << i;
        EXPECT_NE(std::string(kReturnValueMeanings[i].text), "");
    }
    EXPECT_GE(kReturnValueMeaningCount, 90u) << "v2.40 §5.1 defines 92 codes";
}

TEST(RvRule, AFailedCheckCarriesTheRuleOfEachExpectedCodeIntoTheReport)
{
    const ::testing::AssertionResult result =
        RvCheck("fl()->C_SignInit(session_, &mechanism, key)", CKR_OK, {CKR_OPERATION_ACTIVE, CKR_KEY_HANDLE_INVALID});
    ASSERT_FALSE(result);
    const FailureDetail detail = ParseFailure("x.cpp", 3, result.message());
    EXPECT_EQ(detail.call, "C_SignInit(session_, &mechanism, key)");
    EXPECT_EQ(detail.expected, "CKR_OPERATION_ACTIVE or CKR_KEY_HANDLE_INVALID");
    ASSERT_EQ(detail.rules.size(), 2u);
    EXPECT_EQ(detail.rules[0], RvRule(CKR_OPERATION_ACTIVE));
    EXPECT_EQ(detail.rules[1], RvRule(CKR_KEY_HANDLE_INVALID));
    EXPECT_EQ(detail.message, "") << "the rules are not left in the note";
}

TEST_F(Report, JunitCountsAndEscapes)
{
    std::ostringstream out;
    WriteJunitReport(report_, out);
    const std::string text = out.str();
    EXPECT_NE(text.find("<testsuites name=\"p11conform tiny\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"1\""),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("<testcase classname=\"Signing\" name=\"BufferTooSmall\""), std::string::npos) << text;
    EXPECT_NE(text.find("message=\"v2.40 §5.2: C_Sign(session_, data, 32, sig, &amp;len) returned CKR_OK, expected "
                        "CKR_BUFFER_TOO_SMALL\""),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("&lt;short&gt;"), std::string::npos) << text;
    EXPECT_NE(text.find("<skipped message=\"not applicable: the module does not offer CKM_SHA256\"/>"),
              std::string::npos)
        << text;
}

TEST_F(Report, PassingRunSaysPassed)
{
    report_.results[0].outcome = Outcome::kPassed;
    std::ostringstream out;
    WriteMarkdownReport(report_, out);
    EXPECT_NE(out.str().find("| Verdict | **PASSED**: 1 passed, 0 failed"), std::string::npos) << out.str();
}

} // namespace
} // namespace p11conf
