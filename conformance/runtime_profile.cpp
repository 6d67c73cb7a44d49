// Reading the profile of a run: built-in text, a resolved file, or a YAML
// profile resolved by the generator (one implementation of the profile rules).
#include "runtime_profile.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "constant_names.h"
#include "parse_number.h"

namespace p11conf {

struct BuiltinProfile {
    const char *name;
    const char *text;
};
extern const BuiltinProfile kBuiltinProfiles[];
extern const std::size_t kBuiltinProfileCount;

namespace {

constexpr const char *kFormatLine = "p11conform-profile 1";

bool LookUp(const ConstantName *table, std::size_t count, const std::string &name, CK_ULONG *value)
{
    for (std::size_t i = 0; i < count; ++i) {
        if (name == table[i].name) {
            *value = table[i].value;
            return true;
        }
    }
    // A vendor value the header does not name: a number.
    return ParseUnsigned(name, value);
}

std::vector<std::string> Words(const std::string &text)
{
    std::istringstream in(text);
    std::vector<std::string> words;
    for (std::string word; in >> word;) {
        words.push_back(word);
    }
    return words;
}

bool ParseMechanism(const std::string &value, ProfileMechanism *mechanism, std::string *why)
{
    std::vector<std::string> words = Words(value);
    if (words.size() != 4) {
        *why = "mechanism needs: NAME MIN MAX FLAG|FLAG";
        return false;
    }
    mechanism->name = words[0];
    if (!LookUp(kMechanismNames, kMechanismNameCount, words[0], &mechanism->type)) {
        *why = "unknown mechanism " + words[0];
        return false;
    }
    if (!ParseUnsigned(words[1], &mechanism->min_key_size) || !ParseUnsigned(words[2], &mechanism->max_key_size)) {
        *why = "key sizes must be numbers";
        return false;
    }
    std::istringstream flags(words[3]);
    for (std::string flag; std::getline(flags, flag, '|');) {
        CK_ULONG bit = 0;
        if (!LookUp(kFlagNames, kFlagNameCount, flag, &bit)) {
            *why = "unknown flag " + flag;
            return false;
        }
        mechanism->flags |= bit;
    }
    return true;
}

// Applies one "key value" line; false with *why on error.
bool ApplyLine(const std::string &key, const std::string &value, RuntimeProfile *p, std::string *why)
{
    if (key == "name") {
        p->name = value;
    } else if (key == "description") {
        p->description = value;
    } else if (key == "function") {
        p->functions.push_back(value);
    } else if (key == "family") {
        std::vector<std::string> words = Words(value);
        if (words.empty()) {
            *why = "family needs a name";
            return false;
        }
        p->families.emplace_back(words[0], std::vector<std::string>(words.begin() + 1, words.end()));
    } else if (key == "mechanism") {
        ProfileMechanism mechanism;
        if (!ParseMechanism(value, &mechanism, why)) {
            return false;
        }
        p->mechanisms.push_back(mechanism);
    } else if (key == "test_group") {
        p->test_groups.push_back(value);
    } else if (key == "token_initialized") {
        if (value != "true" && value != "false") {
            *why = "token_initialized must be true or false";
            return false;
        }
        p->token_initialized = value == "true";
    } else if (key == "token_label") {
        p->token_label = value;
    } else if (key == "user_pin") {
        p->user_pin = value;
    } else if (key == "so_pin") {
        p->so_pin = value;
    } else if (key == "pin_length") {
        std::vector<std::string> words = Words(value);
        if (words.size() != 2 || !ParseUnsigned(words[0], &p->min_pin_length) ||
            !ParseUnsigned(words[1], &p->max_pin_length)) {
            *why = "pin_length needs: MIN MAX";
            return false;
        }
    } else if (key == "max_sessions") {
        if (!ParseUnsigned(value, &p->max_sessions)) {
            *why = "max_sessions must be a number";
            return false;
        }
    } else if (key == "storage_label") {
        p->storage_labels.push_back(value);
    } else if (key == "provisioning") {
        p->provisioning = value;
    } else if (key == "deviation") {
        bool known = false;
        for (std::size_t i = 0; i < kKnownDeviationCount; ++i) {
            known = known || value == kKnownDeviations[i].name;
        }
        if (!known) {
            *why = "unknown deviation '" + value + "'";
            return false;
        }
        p->deviations.push_back(value);
    } else {
        *why = "unknown key '" + key + "'";
        return false;
    }
    return true;
}

bool ReadFile(const std::string &path, std::string *text)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return false;
    }
    std::ostringstream content;
    content << in.rdbuf();
    *text = content.str();
    return true;
}

bool EndsWith(const std::string &text, const std::string &suffix)
{
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string ShellQuote(const std::string &text)
{
    std::string quoted = "'";
    for (char c : text) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

// A .yaml profile goes through the generator, so there is one set of rules.
bool ResolveYaml(const std::string &path, std::string *text, std::string *error)
{
    const char *codegen = std::getenv("P11CONF_CODEGEN_DIR");
    const char *python = std::getenv("P11CONF_PYTHON");
    std::string command = ShellQuote(python ? python : P11CONF_PYTHON) + " " +
                          ShellQuote(std::string(codegen ? codegen : P11CONF_CODEGEN_DIR) + "/generate.py") +
                          " --resolve " + ShellQuote(path);
    // Runs the generator (our own script, every argument shell-quoted) to resolve a profile file.
    FILE *pipe = popen(command.c_str(), "r"); // NOLINT(cert-env33-c)
    if (pipe == nullptr) {
        *error = "cannot run " + command;
        return false;
    }
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;) {
        text->append(buffer, n);
    }
    int status = pclose(pipe);
    if (status != 0) {
        *error = "resolving " + path + " failed (" + command +
                 "; the generator needs Debian's python3-yaml, python3-jinja2, python3-clang-14; "
                 "or pass a resolved profile: codegen/generate.py --resolve FILE > profile.txt)";
        return false;
    }
    return true;
}

RuntimeProfile &Active()
{
    static RuntimeProfile profile;
    return profile;
}

} // namespace

const KnownDeviation kKnownDeviations[] = {
    {"digest_ignores_parameters",
     "C_DigestInit ignores pParameter/ulParameterLen of CKM_SHA* (v2.40: CKR_MECHANISM_PARAM_INVALID); corePKCS11 does"},
    {"sign_length_query_ends_operation",
     "a C_Sign length query ends the signing operation (v2.40 §5.2 keeps it); corePKCS11 does"},
};
const std::size_t kKnownDeviationCount = sizeof kKnownDeviations / sizeof kKnownDeviations[0];

bool RuntimeProfile::Declares(const std::string &deviation) const
{
    return std::find(deviations.begin(), deviations.end(), deviation) != deviations.end();
}

bool RuntimeProfile::Has(const std::string &function) const
{
    for (const std::string &name : functions) {
        if (name == function) {
            return true;
        }
    }
    return false;
}

bool RuntimeProfile::Selects(const std::string &test_group) const
{
    for (const std::string &group : test_groups) {
        if (group == test_group) {
            return true;
        }
    }
    return false;
}

bool RuntimeProfile::NamesMechanism(const std::string &mechanism_name) const
{
    for (const ProfileMechanism &m : mechanisms) {
        if (m.name == mechanism_name) {
            return true;
        }
    }
    return false;
}

const ProfileMechanism *RuntimeProfile::Mechanism(CK_MECHANISM_TYPE type) const
{
    for (const ProfileMechanism &m : mechanisms) {
        if (m.type == type) {
            return &m;
        }
    }
    return nullptr;
}

bool ParseProfileText(const std::string &text, const std::string &source, RuntimeProfile *profile,
                      std::string *error)
{
    RuntimeProfile parsed;
    parsed.source = source;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (number == 1) {
            if (line != kFormatLine) {
                *error = source + ":1: not a resolved profile (first line must be \"" + kFormatLine + "\")";
                return false;
            }
            continue;
        }
        if (line.empty() || line[0] == '#') {
            continue;
        }
        size_t space = line.find(' ');
        std::string key = line.substr(0, space);
        std::string value = space == std::string::npos ? "" : line.substr(space + 1);
        std::string why;
        if (!ApplyLine(key, value, &parsed, &why)) {
            *error = source;
            *error += ":";
            *error += std::to_string(number);
            *error += ": ";
            *error += why;
            return false;
        }
    }
    if (number == 0) {
        *error = source + ": empty profile";
        return false;
    }
    if (parsed.name.empty() || parsed.functions.empty()) {
        *error = source + ": a profile needs a name and at least one function";
        return false;
    }
    *profile = std::move(parsed);
    return true;
}

std::vector<std::string> BuiltinProfileNames()
{
    std::vector<std::string> names;
    for (std::size_t i = 0; i < kBuiltinProfileCount; ++i) {
        names.push_back(kBuiltinProfiles[i].name);
    }
    return names;
}

const char *BuiltinProfileText(const std::string &name)
{
    for (std::size_t i = 0; i < kBuiltinProfileCount; ++i) {
        if (name == kBuiltinProfiles[i].name) {
            return kBuiltinProfiles[i].text;
        }
    }
    return nullptr;
}

std::string StaleBuiltinProfile(const std::string &name, const std::string &source_root)
{
    const char *builtin = BuiltinProfileText(name);
    std::string path = source_root + "generated/" + name + "/conformance_profile.txt";
    std::string current;
    // No tree (an installed runner) or the same text: nothing to say.
    if (builtin != nullptr && !source_root.empty() && ReadFile(path, &current) && current != builtin) {
        return path;
    }
    return "";
}

bool LoadProfile(const std::string &name_or_path, RuntimeProfile *profile, std::string *error)
{
    if (const char *builtin = BuiltinProfileText(name_or_path)) {
        // A profile regenerated since this runner was built: its compiled
        // copy would judge the module by the old rules without a word.
#ifdef P11CONF_SOURCE_ROOT
        const std::string newer = StaleBuiltinProfile(name_or_path, P11CONF_SOURCE_ROOT);
#else
        const std::string newer;
#endif
        if (!newer.empty()) {
            *error = "built-in profile " + name_or_path + " differs from " + newer +
                     " (regenerated since p11conform was built): rebuild p11conform, or pass --profile " + newer;
            return false;
        }
        return ParseProfileText(builtin, "built-in profile " + name_or_path, profile, error);
    }
    std::string text;
    if (EndsWith(name_or_path, ".yaml") || EndsWith(name_or_path, ".yml")) {
        if (!ResolveYaml(name_or_path, &text, error)) {
            return false;
        }
        return ParseProfileText(text, name_or_path, profile, error);
    }
    if (!ReadFile(name_or_path, &text)) {
        std::string known;
        for (const std::string &name : BuiltinProfileNames()) {
            known += (known.empty() ? "" : ", ") + name;
        }
        *error = "no built-in profile or file named \"" + name_or_path + "\" (built-in: " + known + ")";
        return false;
    }
    return ParseProfileText(text, name_or_path, profile, error);
}

const RuntimeProfile &ActiveProfile()
{
    return Active();
}

void SetActiveProfile(RuntimeProfile profile)
{
    Active() = std::move(profile);
}

} // namespace p11conf
