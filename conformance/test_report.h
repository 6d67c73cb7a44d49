// The results of a run, collected from GoogleTest's events, and the two
// report formats written from them (Markdown for people, JUnit XML for CI).
#ifndef P11CONF_TEST_REPORT_H
#define P11CONF_TEST_REPORT_H

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "case_registry.h"
#include "module_info.h"
#include "options.h"
#include "runtime_profile.h"

namespace p11conf {

enum class Outcome { kPassed, kFailed, kNotApplicable };

struct FailureDetail {
    std::string file;
    int line = 0;
    std::string call;     // from EXPECT_RV, else empty
    std::string expected;
    std::string actual;
    std::vector<std::string> rules; // v2.40 §5.1's sentence for each expected code (rv_check.h RvRule)
    std::string message;  // the rest of the failure text
    std::vector<std::string> calls; // the module calls just before, oldest first (call_trace.h)
};

struct CaseResult {
    const CaseInfo *info = nullptr;
    Outcome outcome = Outcome::kPassed;
    double seconds = 0;
    std::string skip_reason;
    std::vector<FailureDetail> failures;
    std::vector<std::string> used; // mechanisms and keys the case ran (case_use.h)
};

struct NotSelected {
    const CaseInfo *info;
    std::string reason;
};

struct RunReport {
    std::string started_at; // UTC, ISO 8601
    double seconds = 0;
    std::string module_path;
    const RuntimeProfile *profile = nullptr;
    const Options *options = nullptr;
    ModuleInfo module;
    std::vector<std::string> null_entries;
    std::vector<CaseResult> results;
    std::vector<NotSelected> not_selected;

    size_t Count(Outcome outcome) const;
};

// The function a case is reported under (its first function, or the
// function a strict-profile case is about).
std::string PrimaryFunction(const CaseInfo &info);

// A source path as the suite's own tree names it ("conformance/tests/x.cpp",
// "generated/conformance/skeleton_tests.cpp"), not the build machine's
// absolute path; other paths as given.
std::string SuitePath(const std::string &path);

// Splits a failure message into call / expected / actual (rv_check.h format).
FailureDetail ParseFailure(const std::string &file, int line, const std::string &message);

class ReportListener : public ::testing::EmptyTestEventListener {
  public:
    explicit ReportListener(RunReport *report) : report_(report) {}
    void OnTestStart(const ::testing::TestInfo &test) override;
    void OnTestPartResult(const ::testing::TestPartResult &part) override;
    void OnTestEnd(const ::testing::TestInfo &test) override;

  private:
    RunReport *report_;
    CaseResult current_;
};

void WriteMarkdownReport(const RunReport &report, std::ostream &out);
void WriteJunitReport(const RunReport &report, std::ostream &out);

} // namespace p11conf

#endif // P11CONF_TEST_REPORT_H
