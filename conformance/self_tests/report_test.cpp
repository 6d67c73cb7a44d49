// The two report formats, from a hand-made run.
#include <gtest/gtest.h>

#include "call_trace.h"

#include <sstream>

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
