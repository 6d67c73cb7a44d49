// Collecting results from GoogleTest's events.
#include "test_report.h"

#include "case_use.h"

#include "call_trace.h"

#include <sstream>

namespace p11conf {

size_t RunReport::Count(Outcome outcome) const
{
    size_t count = 0;
    for (const CaseResult &result : results) {
        count += result.outcome == outcome ? 1 : 0;
    }
    return count;
}

std::string PrimaryFunction(const CaseInfo &info)
{
    if (!info.outside.empty()) {
        return info.outside;
    }
    return info.functions.empty() ? std::string("(module)") : info.functions.front();
}

std::string SuitePath(const std::string &path)
{
#ifdef P11CONF_SOURCE_ROOT
    const std::string root = P11CONF_SOURCE_ROOT; // the tree the suite was built from, with its '/'
    if (path.compare(0, root.size(), root) == 0) {
        return path.substr(root.size());
    }
#endif
    return path;
}

FailureDetail ParseFailure(const std::string &file, int line, const std::string &message)
{
    FailureDetail detail;
    detail.file = SuitePath(file);
    detail.line = line;
    std::istringstream in(message);
    std::string rest;
    for (std::string text; std::getline(in, text);) {
        if (text.rfind("call: ", 0) == 0 && detail.call.empty()) {
            detail.call = text.substr(6);
        } else if (text.rfind("expected: ", 0) == 0 && detail.expected.empty()) {
            detail.expected = text.substr(10);
        } else if (text.rfind("actual: ", 0) == 0 && detail.actual.empty()) {
            detail.actual = text.substr(8);
        } else if (text.rfind("rule: ", 0) == 0 && !detail.call.empty()) {
            detail.rules.push_back(text.substr(6));
        } else if (text != "Failed" && !text.empty()) {
            rest += (rest.empty() ? "" : "\n") + text;
        }
    }
    detail.message = rest;
    return detail;
}

void ReportListener::OnTestStart(const ::testing::TestInfo &test)
{
    current_ = CaseResult{};
    current_.info = FindCase(test.test_suite_name(), test.name());
    StartCaseUse();
}

void ReportListener::OnTestPartResult(const ::testing::TestPartResult &part)
{
    if (part.skipped()) {
        if (current_.skip_reason.empty()) {
            current_.skip_reason = part.message();
        }
        return;
    }
    if (part.failed()) {
        current_.failures.push_back(
            ParseFailure(part.file_name() != nullptr ? part.file_name() : "", part.line_number(), part.message()));
        current_.failures.back().calls = RecentCalls();
    }
}

void ReportListener::OnTestEnd(const ::testing::TestInfo &test)
{
    const ::testing::TestResult *result = test.result();
    current_.used = TakeCaseUse();
    current_.seconds = static_cast<double>(result->elapsed_time()) / 1000.0;
    if (result->Failed()) {
        current_.outcome = Outcome::kFailed;
    } else if (result->Skipped()) {
        current_.outcome = Outcome::kNotApplicable;
        if (current_.skip_reason.empty()) {
            current_.skip_reason = "not applicable (no reason given)";
        }
    } else {
        current_.outcome = Outcome::kPassed;
    }
    if (current_.info != nullptr) {
        report_->results.push_back(current_);
    }
}

} // namespace p11conf
