// Static selection: the profile's test groups, functions and mechanisms, and
// the user's consent to destructive and strict-profile cases.
#include "case_selection.h"

#include <fnmatch.h>

#include <sstream>

namespace p11conf {

namespace {

std::string Join(const std::vector<std::string> &words)
{
    std::string text;
    for (const std::string &word : words) {
        text += (text.empty() ? "" : " ") + word;
    }
    return text;
}

Selection SelectByProfile(const CaseInfo &info, const RuntimeProfile &profile, const Options &options)
{
    if (!profile.Selects(info.group)) {
        return {false, "the profile does not select the " + info.group + " tests"};
    }
    if (!info.outside.empty()) {
        if (profile.Has(info.outside)) {
            return {false, info.outside + " is in the profile"};
        }
        if (!options.strict_profile) {
            return {false, "only a module built for exactly this profile must refuse " + info.outside +
                               " (--strict-profile)"};
        }
        return {true, info.outside + " is outside the profile and --strict-profile was given"};
    }
    for (const std::string &function : info.functions) {
        if (!profile.Has(function)) {
            return {false, "the profile does not name " + function};
        }
    }
    for (const std::string &mechanism : info.mechanisms) {
        if (!profile.NamesMechanism(mechanism)) {
            return {false, "the profile does not name " + mechanism};
        }
    }
    if (info.strict && !options.strict_profile) {
        return {false, "checks a p11forge profile rule where v2.40 names no code (--strict-profile)"};
    }
    if (info.destructive && !options.allow_destructive) {
        return {false, "may wipe the token (pass --init-token to allow)"};
    }

    std::string reason = "group " + info.group;
    if (!info.functions.empty()) {
        reason += "; " + Join(info.functions) + " in the profile";
    }
    if (!info.mechanisms.empty()) {
        reason += "; " + Join(info.mechanisms) + " named";
    }
    return {true, reason};
}

} // namespace

Selection SelectCase(const CaseInfo &info, const RuntimeProfile &profile, const Options &options)
{
    Selection selection = SelectByProfile(info, profile, options);
    if (selection.selected && !MatchesFilter(info.FullName(), options.filter)) {
        selection = {false, "not matched by --filter"};
    }
    return selection;
}

bool MatchesFilter(const std::string &full_name, const std::string &filter)
{
    if (filter.empty()) {
        return true;
    }
    std::istringstream in(filter);
    for (std::string pattern; std::getline(in, pattern, ':');) {
        if (!pattern.empty() && fnmatch(pattern.c_str(), full_name.c_str(), 0) == 0) {
            return true;
        }
    }
    return false;
}

} // namespace p11conf
