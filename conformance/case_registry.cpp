// The table of conformance cases, filled by P11_CASE before main().
#include "case_registry.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace p11conf {
namespace {

std::vector<CaseInfo> &Registry()
{
    static std::vector<CaseInfo> cases;
    return cases;
}

std::vector<std::string> Split(const char *text)
{
    std::istringstream in(text != nullptr ? text : "");
    std::vector<std::string> words;
    for (std::string word; in >> word;) {
        words.push_back(word);
    }
    return words;
}

} // namespace

bool RegisterCase(const char *suite, const char *name, const CaseSpec &spec)
{
    // A case without a group cannot be selected, without a section its
    // failures cite nothing: both are mistakes in the suite itself.
    if (spec.group == nullptr || *spec.group == '\0' || spec.section == nullptr || *spec.section == '\0') {
        std::fprintf(stderr, "conformance case %s.%s needs .group and .section\n", suite, name);
        std::abort();
    }
    CaseInfo info;
    info.suite = suite;
    info.name = name;
    info.group = spec.group;
    info.functions = Split(spec.functions);
    info.mechanisms = Split(spec.mechanisms);
    info.section = spec.section;
    info.destructive = spec.destructive;
    info.outside = spec.outside != nullptr ? spec.outside : "";
    info.strict = spec.strict;
    Registry().push_back(std::move(info));
    return true;
}

const std::vector<CaseInfo> &AllCases()
{
    return Registry();
}

const CaseInfo *FindCase(const std::string &suite, const std::string &name)
{
    for (const CaseInfo &info : Registry()) {
        if (info.suite == suite && info.name == name) {
            return &info;
        }
    }
    return nullptr;
}

} // namespace p11conf
