// The JUnit XML report (the common dialect CI servers read): one testsuite
// per fixture, not-applicable cases as <skipped>, failures with the section.
#include <cstdio>
#include <map>
#include <vector>

#include "test_report.h"

namespace p11conf {
namespace {

std::string Xml(const std::string &text)
{
    std::string escaped;
    for (unsigned char c : text) {
        switch (c) {
        case '&': escaped += "&amp;"; break;
        case '<': escaped += "&lt;"; break;
        case '>': escaped += "&gt;"; break;
        case '"': escaped += "&quot;"; break;
        default:
            // XML 1.0 allows no other control characters.
            if (c < 0x20 && c != '\n' && c != '\t') {
                escaped += '?';
            } else {
                escaped += static_cast<char>(c);
            }
        }
    }
    return escaped;
}

std::string Seconds(double seconds)
{
    char text[32];
    (void)std::snprintf(text, sizeof(text), "%.3f", seconds); // a duration fits; cut is harmless
    return text;
}

std::string FailureSummary(const CaseResult &result)
{
    std::string summary = result.info->section;
    if (!result.failures.empty() && !result.failures.front().call.empty()) {
        const FailureDetail &f = result.failures.front();
        summary += ": " + f.call + " returned " + f.actual + ", expected " + f.expected;
    } else if (!result.failures.empty()) {
        summary += ": " + result.failures.front().message.substr(0, 200);
    }
    return summary;
}

} // namespace

void WriteJunitReport(const RunReport &report, std::ostream &out)
{
    std::map<std::string, std::vector<const CaseResult *>> suites;
    std::vector<std::string> order;
    for (const CaseResult &result : report.results) {
        if (suites.count(result.info->suite) == 0) {
            order.push_back(result.info->suite);
        }
        suites[result.info->suite].push_back(&result);
    }
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites name=\"p11conform " << Xml(report.profile->name) << "\" tests=\"" << report.results.size()
        << "\" failures=\"" << report.Count(Outcome::kFailed) << "\" errors=\"0\" skipped=\""
        << report.Count(Outcome::kNotApplicable) << "\" time=\"" << Seconds(report.seconds) << "\" timestamp=\""
        << report.started_at << "\">\n";
    for (const std::string &suite : order) {
        const std::vector<const CaseResult *> &cases = suites[suite];
        size_t failures = 0, skipped = 0;
        double seconds = 0;
        for (const CaseResult *c : cases) {
            failures += c->outcome == Outcome::kFailed;
            skipped += c->outcome == Outcome::kNotApplicable;
            seconds += c->seconds;
        }
        out << "  <testsuite name=\"" << Xml(suite) << "\" tests=\"" << cases.size() << "\" failures=\"" << failures
            << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << Seconds(seconds) << "\">\n";
        out << "    <properties>\n      <property name=\"module\" value=\"" << Xml(report.module_path)
            << "\"/>\n      <property name=\"profile\" value=\"" << Xml(report.profile->name) << "\"/>\n"
            << "    </properties>\n";
        for (const CaseResult *c : cases) {
            out << "    <testcase classname=\"" << Xml(suite) << "\" name=\"" << Xml(c->info->name) << "\" time=\""
                << Seconds(c->seconds) << "\"";
            if (c->outcome == Outcome::kPassed) {
                out << "/>\n";
                continue;
            }
            out << ">\n";
            if (c->outcome == Outcome::kNotApplicable) {
                out << "      <skipped message=\"" << Xml(c->skip_reason) << "\"/>\n";
            } else {
                out << "      <failure message=\"" << Xml(FailureSummary(*c)) << "\" type=\"conformance\">";
                if (!c->used.empty()) {
                    out << "ran:";
                    for (const std::string &use : c->used) {
                        out << " " << Xml(use) << ";";
                    }
                    out << "\n";
                }
                for (const FailureDetail &f : c->failures) {
                    out << Xml(f.file) << ":" << f.line << "\n";
                    if (!f.call.empty()) {
                        out << "call: " << Xml(f.call) << "\nexpected: " << Xml(f.expected)
                            << "\nactual: " << Xml(f.actual) << "\n";
                        for (const std::string &rule : f.rules) {
                            out << "rule: " << Xml(rule) << "\n";
                        }
                    }
                    if (!f.message.empty()) {
                        out << Xml(f.message) << "\n";
                    }
                }
                out << "</failure>\n";
            }
            out << "    </testcase>\n";
        }
        out << "  </testsuite>\n";
    }
    out << "</testsuites>\n";
}

} // namespace p11conf
