// p11conform: tests any PKCS #11 module against a profile and writes a report.
//
//   p11conform --module PATH --profile NAME|FILE [options]
//
// Exit status: 0 every selected case passed (none failed), 1 a case failed,
// 2 the run could not start (usage, profile, module).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "case_selection.h"
#include "coverage_report.h"
#include "second_process.h"
#include "console_listener.h"
#include "module_fixture.h"
#include "parse_number.h"
#include "test_report.h"
#include "run_start.h"

namespace {

using namespace p11conf;

void Usage(std::FILE *to)
{
    std::fprintf(to,
        "usage: p11conform --module PATH --profile NAME|FILE [options]\n"
        "\n"
        "Tests a PKCS #11 module against a profile (a built-in name, a resolved\n"
        "profile file, or a profile .yaml) and reports per family and function.\n"
        "\n"
        "  --module PATH            the PKCS #11 module (.so) to test\n"
        "  --profile NAME|FILE      built-in profile (--list-profiles) or a file\n"
        "  --slot ID                test slot ID (default: first slot with a token)\n"
        "  --slot-index N           test the Nth slot of C_GetSlotList(CK_TRUE)\n"
        "  --token-label LABEL      test the slot whose token has this label\n"
        "  --user-pin PIN           user PIN (default: the profile's)\n"
        "  --so-pin PIN             SO PIN (default: the profile's)\n"
        "  --init-token             allow destructive cases (C_InitToken); a blank\n"
        "                           token is initialized first with the PINs\n"
        "  --strict-profile         the module was built for exactly this profile:\n"
        "                           functions outside it must be CKR_FUNCTION_NOT_SUPPORTED\n"
        "  --provision-module PATH  a module over the same token store that creates\n"
        "                           objects when the profile cannot (C_CreateObject)\n"
        "  --report-md FILE         write the Markdown report (- for stdout)\n"
        "  --report-junit FILE      write the JUnit XML report\n"
        "  --report-coverage FILE   write which codes of each function's v2.40 list\n"
        "                           the module returned during the run (Markdown)\n"
        "  --filter GLOBS           run only Suite.Case names matching ':'-separated globs\n"
        "  --fail-fast              stop at the first failed case\n"
        "  --fail-on-not-applicable exit 1 when a selected case is not applicable\n"
        "  --verbose                print every passed case too\n"
        "  --list                   print every case, whether the profile selects it and why\n"
        "  --list-profiles          print the built-in profiles\n"
        "  --print-profile          print the resolved profile and exit\n"
        "  --help-gtest             Google Test's own flags (--gtest_*)\n"
        "\n"
        "Exit status: 0 no selected case failed, 1 a case failed, 2 the run could not start.\n");
}

bool TakeValue(int argc, char **argv, int *index, const char *name, std::string *value)
{
    if (std::strcmp(argv[*index], name) != 0) {
        return false;
    }
    if (*index + 1 >= argc) {
        std::fprintf(stderr, "p11conform: %s needs a value\n", name);
        std::exit(2);
    }
    *value = argv[++*index];
    return true;
}

struct Modes {
    bool list = false;
    bool list_profiles = false;
    bool print_profile = false;
    bool verbose = false;
};

// Fills options(); returns -1 to go on, else the exit status.
int ParseArguments(int argc, char **argv, Modes *modes)
{
    Options &o = options();
    for (int i = 1; i < argc; ++i) {
        std::string value;
        unsigned long number = 0;
        if (TakeValue(argc, argv, &i, "--module", &o.module_path) ||
            TakeValue(argc, argv, &i, "--profile", &o.profile) ||
            TakeValue(argc, argv, &i, "--user-pin", &o.user_pin) ||
            TakeValue(argc, argv, &i, "--so-pin", &o.so_pin) ||
            TakeValue(argc, argv, &i, "--provision-module", &o.provision_module) ||
            TakeValue(argc, argv, &i, "--report-md", &o.report_markdown) ||
            TakeValue(argc, argv, &i, "--report-junit", &o.report_junit) ||
            TakeValue(argc, argv, &i, "--report-coverage", &o.report_coverage) ||
            TakeValue(argc, argv, &i, "--filter", &o.filter)) {
            continue;
        }
        if (TakeValue(argc, argv, &i, "--slot", &value) || TakeValue(argc, argv, &i, "--slot-index", &value)) {
            const bool by_id = std::strcmp(argv[i - 1], "--slot") == 0;
            if (!ParseUnsigned(value, &number)) {
                std::fprintf(stderr, "p11conform: %s needs a number\n", argv[i - 1]);
                return 2;
            }
            o.slot_choice = by_id ? SlotChoice::kId : SlotChoice::kIndex;
            (by_id ? o.slot_id : o.slot_index) = number;
        } else if (TakeValue(argc, argv, &i, "--token-label", &o.token_label)) {
            o.slot_choice = SlotChoice::kTokenLabel;
        } else if (std::strcmp(argv[i], "--init-token") == 0) {
            o.allow_destructive = true;
        } else if (std::strcmp(argv[i], "--strict-profile") == 0) {
            o.strict_profile = true;
        } else if (std::strcmp(argv[i], "--fail-fast") == 0) {
            o.fail_fast = true;
        } else if (std::strcmp(argv[i], "--fail-on-not-applicable") == 0) {
            o.fail_on_not_applicable = true;
        } else if (std::strcmp(argv[i], "--verbose") == 0) {
            modes->verbose = true;
        } else if (std::strcmp(argv[i], "--list") == 0) {
            modes->list = true;
        } else if (std::strcmp(argv[i], "--list-profiles") == 0) {
            modes->list_profiles = true;
        } else if (std::strcmp(argv[i], "--print-profile") == 0) {
            modes->print_profile = true;
        } else if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            Usage(stdout);
            return 0;
        } else {
            std::fprintf(stderr, "p11conform: unknown argument %s\n", argv[i]);
            Usage(stderr);
            return 2;
        }
    }
    return -1;
}

// Every GoogleTest case must carry P11_CASE metadata: a case without it could
// be neither selected nor reported.
bool EveryTestIsACase()
{
    const ::testing::UnitTest &unit = *::testing::UnitTest::GetInstance();
    bool ok = true;
    for (int s = 0; s < unit.total_test_suite_count(); ++s) {
        const ::testing::TestSuite &suite = *unit.GetTestSuite(s);
        for (int t = 0; t < suite.total_test_count(); ++t) {
            const ::testing::TestInfo &test = *suite.GetTestInfo(t);
            if (FindCase(test.test_suite_name(), test.name()) == nullptr) {
                std::fprintf(stderr, "p11conform: %s.%s is not declared with P11_CASE\n", test.test_suite_name(),
                             test.name());
                ok = false;
            }
        }
    }
    return ok;
}

void PrintList(const RuntimeProfile &profile)
{
    size_t selected = 0;
    std::printf("Cases of profile \"%s\" (%s):\n", profile.name.c_str(), profile.source.c_str());
    for (const CaseInfo &info : AllCases()) {
        const Selection s = SelectCase(info, profile, options());
        selected += s.selected;
        std::printf("%-12s %-70s %s\n", s.selected ? "selected" : "not selected", info.FullName().c_str(),
                    s.reason.c_str());
    }
    std::printf("%zu of %zu cases selected\n", selected, AllCases().size());
}

void PrintProfile(const RuntimeProfile &p)
{
    std::printf("profile %s (%s)\n%s\n", p.name.c_str(), p.source.c_str(), p.description.c_str());
    std::printf("functions (%zu):", p.functions.size());
    for (const std::string &f : p.functions) {
        std::printf(" %s", f.c_str());
    }
    std::printf("\nmechanisms (%zu):", p.mechanisms.size());
    for (const ProfileMechanism &m : p.mechanisms) {
        std::printf(" %s[%lu-%lu]", m.name.c_str(), m.min_key_size, m.max_key_size);
    }
    std::printf("\ntest groups:");
    for (const std::string &g : p.test_groups) {
        std::printf(" %s", g.c_str());
    }
    std::printf("\ntoken: %s, user PIN %s, SO PIN %s\n", p.token_initialized ? "initialized" : "blank",
                p.user_pin.empty() ? "none" : "set", p.so_pin.empty() ? "none" : "set");
}

std::string UtcNow()
{
    std::time_t now = std::time(nullptr);
    char text[32];
    (void)std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now)); // 21 bytes fit
    return text;
}

bool WriteReport(const std::string &path, const RunReport &report, bool markdown)
{
    if (path.empty()) {
        return true;
    }
    if (path == "-") {
        markdown ? WriteMarkdownReport(report, std::cout) : WriteJunitReport(report, std::cout);
        return true;
    }
    // Like --gtest_output, a report may go into a folder not made yet.
    std::error_code ignored;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ignored);
    std::ofstream out(path);
    markdown ? WriteMarkdownReport(report, out) : WriteJunitReport(report, out);
    out.close();
    if (!out) {
        std::fprintf(stderr, "p11conform: cannot write %s\n", path.c_str());
        return false;
    }
    std::printf("p11conform: wrote %s\n", path.c_str());
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc > 1 && std::strcmp(argv[1], "--second-process") == 0) {
        return SecondProcessMain(argc, argv); // started by a case: another application on the token
    }
    // --help is the runner's own; Google Test's flags on request (it would
    // otherwise print its 80 lines in place of ours).
    static char gtest_help[] = "--help";
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            Usage(stdout);
            return 0;
        }
        if (std::strcmp(argv[i], "--help-gtest") == 0) {
            argv[i] = gtest_help;
        }
    }
    ::testing::InitGoogleTest(&argc, argv);
    Modes modes;
    if (int status = ParseArguments(argc, argv, &modes); status >= 0) {
        return status;
    }
    if (modes.list_profiles) {
        for (const std::string &name : BuiltinProfileNames()) {
            std::printf("%s\n", name.c_str());
        }
        return 0;
    }
    Options &o = options();
    if (o.profile.empty()) {
        std::fprintf(stderr, "p11conform: --profile is required\n");
        Usage(stderr);
        return 2;
    }
    RuntimeProfile profile;
    std::string error;
    if (!LoadProfile(o.profile, &profile, &error)) {
        std::fprintf(stderr, "p11conform: %s\n", error.c_str());
        return 2;
    }
    SetActiveProfile(profile);
    if (modes.print_profile) {
        PrintProfile(ActiveProfile());
        return 0;
    }
    if (!EveryTestIsACase()) {
        return 2;
    }
    if (modes.list) {
        PrintList(ActiveProfile());
        return 0;
    }
    if (o.module_path.empty()) {
        std::fprintf(stderr, "p11conform: --module is required\n");
        Usage(stderr);
        return 2;
    }
    if (!LoadModule(o.module_path)) {
        return 2;
    }
    if (!o.provision_module.empty() && !LoadProvisioner(o.provision_module)) {
        return 2;
    }
    std::printf("p11conform: module %s, profile %s\n", o.module_path.c_str(), ActiveProfile().name.c_str());
    RunReport report;
    if (!StartRun(o.allow_destructive, &report.module)) {
        return 2;
    }

    report.started_at = UtcNow();
    report.module_path = o.module_path;
    report.profile = &ActiveProfile();
    report.options = &o;
    report.null_entries = NullFunctionListEntries();

    std::string selected;
    for (const CaseInfo &info : AllCases()) {
        const Selection s = SelectCase(info, ActiveProfile(), o);
        if (s.selected) {
            selected += selected.empty() ? "" : ":";
            selected += info.FullName();
        } else {
            report.not_selected.push_back({&info, s.reason});
        }
    }
    if (selected.empty()) {
        std::fprintf(stderr, "p11conform: the profile and options select no case\n");
        return 2;
    }
    GTEST_FLAG_SET(filter, selected);
    GTEST_FLAG_SET(fail_fast, o.fail_fast);
    ::testing::TestEventListeners &listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new ConsoleListener(modes.verbose));
    listeners.Append(new ReportListener(&report));

    const auto start = std::chrono::steady_clock::now();
    const int gtest_status = RUN_ALL_TESTS();
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    bool written = WriteReport(o.report_markdown, report, true) & WriteReport(o.report_junit, report, false);
    if (!o.report_coverage.empty()) {
        std::ofstream coverage(o.report_coverage);
        WriteCoverageReport(coverage, o.module_path, ActiveProfile().name);
        written = written && static_cast<bool>(coverage);
        std::printf("p11conform: wrote %s\n", o.report_coverage.c_str());
    }
    const size_t failed = report.Count(Outcome::kFailed);
    const size_t not_applicable = report.Count(Outcome::kNotApplicable);
    std::printf("p11conform: profile %s: %zu passed, %zu failed, %zu not applicable, %zu not selected (%.1f s)\n",
                ActiveProfile().name.c_str(), report.Count(Outcome::kPassed), failed, not_applicable,
                report.not_selected.size(), report.seconds);
    if (failed > 0 || gtest_status != 0) {
        return 1;
    }
    if (o.fail_on_not_applicable && not_applicable > 0) {
        return 1;
    }
    return written ? 0 : 2;
}
