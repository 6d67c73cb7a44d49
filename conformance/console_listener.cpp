// Progress output of a run.
#include "console_listener.h"

#include <cstdio>

#include "call_trace.h"
#include "test_report.h"

namespace p11conf {

void ConsoleListener::OnTestProgramStart(const ::testing::UnitTest &unit)
{
    std::printf("running %d selected cases\n", unit.test_to_run_count());
    std::fflush(stdout);
}

void ConsoleListener::OnTestPartResult(const ::testing::TestPartResult &part)
{
    if (part.skipped()) {
        skip_reason_ = part.message();
        return;
    }
    if (part.failed()) {
        std::printf("%s:%d: failure\n%s\n", part.file_name() != nullptr ? SuitePath(part.file_name()).c_str() : "?",
                    part.line_number(), part.message());
        const std::vector<std::string> calls = RecentCalls();
        if (!calls.empty()) {
            std::printf("the module's last calls, oldest first:\n");
            for (const std::string &call : calls) {
                std::printf("  %s\n", call.c_str());
            }
        }
    }
}

void ConsoleListener::OnTestEnd(const ::testing::TestInfo &test)
{
    const ::testing::TestResult &result = *test.result();
    const long long ms = static_cast<long long>(result.elapsed_time());
    if (result.Failed()) {
        std::printf("FAILED  %s.%s (%lld ms)\n", test.test_suite_name(), test.name(), ms);
    } else if (result.Skipped()) {
        std::printf("N/A     %s.%s: %s\n", test.test_suite_name(), test.name(), skip_reason_.c_str());
    } else if (verbose_) {
        std::printf("passed  %s.%s (%lld ms)\n", test.test_suite_name(), test.name(), ms);
    }
    skip_reason_.clear();
    std::fflush(stdout);
}

} // namespace p11conf
