// The Markdown report: verdict, module and token, results per family and
// function, every failure with its call, codes and section.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "rv_check.h"
#include "test_report.h"

namespace p11conf {
namespace {

const char *OutcomeText(Outcome outcome)
{
    switch (outcome) {
    case Outcome::kPassed:
        return "passed";
    case Outcome::kFailed:
        return "**FAILED**";
    case Outcome::kNotApplicable:
        return "not applicable";
    }
    return "";
}

// Table cells must not break the table.
std::string Joined(const std::vector<std::string> &items)
{
    std::string text;
    for (const std::string &item : items) {
        text += (text.empty() ? "" : "; ") + item;
    }
    return text;
}

std::string Cell(const std::string &text)
{
    std::string cell;
    for (char c : text) {
        if (c == '|') {
            cell += "\\|";
        } else if (c == '\n') {
            cell += "<br>";
        } else {
            cell += c;
        }
    }
    return cell;
}

// A failure's note for a list item: its lines joined with "; " (no HTML),
// without the case's specification section, which the report prints once
// above it (a check's message often begins with it).
std::string Note(const std::string &message, const std::string &section)
{
    std::string note;
    std::size_t start = 0;
    while (start <= message.size()) {
        std::size_t end = message.find('\n', start);
        if (end == std::string::npos) {
            end = message.size();
        }
        std::string line = message.substr(start, end - start);
        start = end + 1;
        if (!section.empty() && line.compare(0, section.size(), section) == 0) {
            line.erase(0, section.size());
            line.erase(0, line.find_first_not_of(" :,"));
        }
        if (line.empty() || line == "Failed") {
            continue;
        }
        note += (note.empty() ? "" : "; ") + line;
    }
    return note;
}

std::string Milliseconds(double seconds)
{
    char text[32];
    (void)std::snprintf(text, sizeof(text), "%.0f", seconds * 1000.0); // a duration fits; cut is harmless
    return text;
}

struct Tally {
    size_t passed = 0, failed = 0, not_applicable = 0;
    double seconds = 0;

    void Add(const CaseResult &result)
    {
        passed += result.outcome == Outcome::kPassed;
        failed += result.outcome == Outcome::kFailed;
        not_applicable += result.outcome == Outcome::kNotApplicable;
        seconds += result.seconds;
    }
};

std::string FlagsText(CK_FLAGS flags, std::initializer_list<std::pair<CK_FLAGS, const char *>> names)
{
    std::string text;
    for (const auto &[bit, name] : names) {
        if ((flags & bit) != 0) {
            text += (text.empty() ? "" : ", ") + std::string(name);
        }
    }
    return text.empty() ? "none" : text;
}

void WriteHeader(const RunReport &r, std::ostream &out)
{
    const size_t failed = r.Count(Outcome::kFailed);
    out << "# PKCS #11 conformance report\n\n";
    out << "| | |\n|---|---|\n";
    out << "| Verdict | " << (failed == 0 ? "**PASSED**" : "**FAILED**") << ": " << r.Count(Outcome::kPassed)
        << " passed, " << failed << " failed, " << r.Count(Outcome::kNotApplicable) << " not applicable, "
        << r.not_selected.size() << " not selected |\n";
    out << "| Profile | " << Cell(r.profile->name) << " (" << Cell(r.profile->source) << ")"
        << (r.profile->description.empty() ? "" : ": " + Cell(r.profile->description)) << " |\n";
    for (const std::string &deviation : r.profile->deviations) {
        const char *meaning = "";
        for (std::size_t i = 0; i < kKnownDeviationCount; ++i) {
            if (deviation == kKnownDeviations[i].name) {
                meaning = kKnownDeviations[i].meaning;
            }
        }
        out << "| Declared deviation | `" << Cell(deviation) << "`: " << Cell(meaning)
            << "; checked as declared |\n";
    }
    out << "| Module | `" << Cell(r.module_path) << "` |\n";
    const ModuleInfo &m = r.module;
    if (!m.error.empty()) {
        out << "| Module information | could not be read: " << Cell(m.error) << " |\n";
    }
    out << "| Library | " << Cell(FieldText(m.info.manufacturerID, sizeof(m.info.manufacturerID))) << ", "
        << Cell(FieldText(m.info.libraryDescription, sizeof(m.info.libraryDescription))) << ", version "
        << VersionText(m.info.libraryVersion) << ", Cryptoki " << VersionText(m.info.cryptokiVersion) << " |\n";
    out << "| Slot | " << m.slot << ": " << Cell(FieldText(m.slot_info.slotDescription, sizeof(m.slot_info.slotDescription)))
        << " |\n";
    const CK_TOKEN_INFO &t = m.token_info;
    out << "| Token | label \"" << Cell(FieldText(t.label, sizeof(t.label))) << "\", manufacturer \""
        << Cell(FieldText(t.manufacturerID, sizeof(t.manufacturerID))) << "\", model \""
        << Cell(FieldText(t.model, sizeof(t.model))) << "\", serial \""
        << Cell(FieldText(t.serialNumber, sizeof(t.serialNumber))) << "\", hardware " << VersionText(t.hardwareVersion)
        << ", firmware " << VersionText(t.firmwareVersion) << " |\n";
    out << "| Token flags | "
        << FlagsText(t.flags, {{CKF_RNG, "CKF_RNG"},
                               {CKF_WRITE_PROTECTED, "CKF_WRITE_PROTECTED"},
                               {CKF_LOGIN_REQUIRED, "CKF_LOGIN_REQUIRED"},
                               {CKF_USER_PIN_INITIALIZED, "CKF_USER_PIN_INITIALIZED"},
                               {CKF_TOKEN_INITIALIZED, "CKF_TOKEN_INITIALIZED"},
                               {CKF_PROTECTED_AUTHENTICATION_PATH, "CKF_PROTECTED_AUTHENTICATION_PATH"},
                               {CKF_USER_PIN_LOCKED, "CKF_USER_PIN_LOCKED"},
                               {CKF_SO_PIN_LOCKED, "CKF_SO_PIN_LOCKED"}})
        << " |\n";
    std::string mechanisms;
    for (CK_MECHANISM_TYPE type : m.mechanisms) {
        mechanisms += (mechanisms.empty() ? "" : ", ") + MechanismName(type);
    }
    if (m.mechanisms_asked) {
        out << "| Mechanisms advertised | " << (mechanisms.empty() ? "none" : mechanisms) << " |\n";
    } else {
        out << "| Mechanisms advertised | not asked: the profile has no C_GetMechanismList; the mechanism cases use "
               "the profile's own list |\n";
    }
    const Options &o = *r.options;
    out << "| Options | " << (o.strict_profile ? "--strict-profile " : "") << (o.allow_destructive ? "--init-token " : "")
        << (o.provision_module.empty() ? "" : "--provision-module " + Cell(o.provision_module) + " ")
        << (o.filter.empty() ? "" : "--filter " + Cell(o.filter) + " ") << "|\n";
    out << "| Run | " << r.started_at << ", " << Milliseconds(r.seconds) << " ms |\n\n";
}

void WriteFamilies(const RunReport &r, std::ostream &out)
{
    std::map<std::string, Tally> by_function;
    for (const CaseResult &result : r.results) {
        by_function[PrimaryFunction(*result.info)].Add(result);
    }
    out << "## Results by family and function\n\n";
    out << "A case counts under the function it tests; a function in several families appears in each.\n\n";
    std::set<std::string> in_a_family;
    auto table = [&](const std::string &title, const std::vector<std::string> &functions) {
        out << "### " << title << "\n\n| Function | Passed | Failed | Not applicable | Time (ms) |\n|---|---|---|---|---|\n";
        for (const std::string &function : functions) {
            const Tally &t = by_function[function];
            out << "| " << function << " | " << t.passed << " | " << t.failed << " | " << t.not_applicable << " | "
                << Milliseconds(t.seconds) << " |\n";
        }
        out << "\n";
    };
    for (const auto &[family, members] : r.profile->families) {
        // A base profile's family may name functions this profile leaves out.
        std::vector<std::string> functions;
        for (const std::string &function : members) {
            if (r.profile->Has(function)) {
                functions.push_back(function);
            }
        }
        if (!functions.empty()) {
            table(family, functions);
            in_a_family.insert(functions.begin(), functions.end());
        }
    }
    std::vector<std::string> others;
    for (const auto &[function, tally] : by_function) {
        if (in_a_family.count(function) == 0) {
            others.push_back(function);
        }
    }
    if (!others.empty()) {
        table(r.profile->families.empty() ? "All functions" : "Other functions", others);
    }
}

void WriteFailures(const RunReport &r, std::ostream &out)
{
    if (r.Count(Outcome::kFailed) == 0) {
        return;
    }
    out << "## Failures\n\n";
    for (const CaseResult &result : r.results) {
        if (result.outcome != Outcome::kFailed) {
            continue;
        }
        out << "### " << result.info->FullName() << "\n\n";
        out << "- Specification: " << result.info->section << "\n";
        if (!result.info->mechanisms.empty()) {
            std::string mechanisms;
            for (const std::string &mechanism : result.info->mechanisms) {
                mechanisms += (mechanisms.empty() ? "" : ", ") + mechanism;
            }
            out << "- Mechanisms of the case: " << mechanisms << "\n";
        }
        if (!result.used.empty()) {
            out << "- Ran: " << Joined(result.used) << "\n";
        }
        for (const FailureDetail &f : result.failures) {
            if (!f.call.empty()) {
                out << "- Call: `" << f.call << "`\n  - expected: " << f.expected << "\n  - actual: " << f.actual
                    << "\n";
                for (const std::string &rule : f.rules) {
                    out << "  - the specification: " << rule << "\n";
                }
            }
            const std::string note = Note(f.message, result.info->section);
            if (!note.empty()) {
                out << (f.call.empty() ? "- Failure: " : "  - note: ") << note << "\n";
            }
            if (!f.calls.empty()) {
                out << "  - the module's last calls, oldest first:";
                for (const std::string &call : f.calls) {
                    out << " `" << call << "`;";
                }
                out << "\n";
            }
            out << "  (" << f.file << ":" << f.line << ")\n";
        }
        out << "\n";
    }
}

// Each mechanism and key the passed and failed cases ran, and how many cases
// ran it: what a vendor's result covers, key sizes included.
void WriteUse(const RunReport &r, std::ostream &out)
{
    std::map<std::string, std::pair<size_t, size_t>> cases; // passed, failed
    for (const CaseResult &result : r.results) {
        for (const std::string &use : result.used) {
            auto &[passed, failed] = cases[use];
            passed += result.outcome == Outcome::kPassed;
            failed += result.outcome == Outcome::kFailed;
        }
    }
    if (cases.empty()) {
        return;
    }
    out << "## Mechanisms and keys the cases ran\n\nEvery mechanism a call accepted, with the key it ran with (its type "
           "and size as the module reports them).\n\n| Mechanism and key | Cases passed | Cases failed |\n|---|---:|---:|\n";
    for (const auto &[use, counts] : cases) {
        out << "| " << Cell(use) << " | " << counts.first << " | " << counts.second << " |\n";
    }
    out << "\n";
}

void WriteNotApplicable(const RunReport &r, std::ostream &out)
{
    if (r.Count(Outcome::kNotApplicable) == 0) {
        return;
    }
    out << "## Not applicable\n\nSelected by the profile, but the module cannot run them; never counted as passed.\n\n";
    out << "| Case | Reason |\n|---|---|\n";
    for (const CaseResult &result : r.results) {
        if (result.outcome == Outcome::kNotApplicable) {
            out << "| " << result.info->FullName() << " | " << Cell(result.skip_reason) << " |\n";
        }
    }
    out << "\n";
}

void WriteAllResults(const RunReport &r, std::ostream &out)
{
    out << "## All selected cases\n\n| Case | Group | Function | Section | Result | Time (ms) |\n"
           "|---|---|---|---|---|---|\n";
    for (const CaseResult &result : r.results) {
        out << "| " << result.info->FullName() << " | " << result.info->group << " | " << PrimaryFunction(*result.info)
            << " | " << Cell(result.info->section) << " | " << OutcomeText(result.outcome) << " | "
            << Milliseconds(result.seconds) << " |\n";
    }
    out << "\n";
}

void WriteNotSelected(const RunReport &r, std::ostream &out)
{
    if (r.not_selected.empty()) {
        return;
    }
    std::map<std::string, size_t> reasons;
    for (const NotSelected &entry : r.not_selected) {
        ++reasons[entry.reason];
    }
    out << "## Not selected\n\n" << r.not_selected.size()
        << " cases of the suite were not selected for this profile and these options (`--list` names them):\n\n"
           "| Reason | Cases |\n|---|---|\n";
    for (const auto &[reason, count] : reasons) {
        out << "| " << Cell(reason) << " | " << count << " |\n";
    }
    out << "\n";
}

} // namespace

void WriteMarkdownReport(const RunReport &report, std::ostream &out)
{
    WriteHeader(report, out);
    WriteFamilies(report, out);
    WriteFailures(report, out);
    WriteUse(report, out);
    WriteNotApplicable(report, out);
    WriteAllResults(report, out);
    WriteNotSelected(report, out);
}

} // namespace p11conf
