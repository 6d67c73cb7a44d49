// The profile a conformance run tests against, read at run time: a built-in
// profile by name, a resolved profile file (what codegen writes as
// generated/<name>/conformance_profile.txt), or a profile YAML, which is
// resolved by codegen/generate.py --resolve.
#ifndef P11CONF_RUNTIME_PROFILE_H
#define P11CONF_RUNTIME_PROFILE_H

#include <string>
#include <utility>
#include <vector>

#include "pkcs11.h"

namespace p11conf {

struct ProfileMechanism {
    std::string name; // "CKM_ECDSA"
    CK_MECHANISM_TYPE type = 0;
    CK_ULONG min_key_size = 0;
    CK_ULONG max_key_size = 0;
    CK_FLAGS flags = 0;
};

struct RuntimeProfile {
    std::string name;
    std::string description;
    std::string source;                  // where it was read from, for the report
    std::vector<std::string> functions;  // in the header's order
    std::vector<std::pair<std::string, std::vector<std::string>>> families; // in the file's order
    std::vector<ProfileMechanism> mechanisms;
    std::vector<std::string> test_groups;
    std::vector<std::string> storage_labels; // empty: any label
    bool token_initialized = false;
    std::string token_label;
    std::string user_pin; // empty: none configured
    std::string so_pin;
    CK_ULONG min_pin_length = 4;
    CK_ULONG max_pin_length = 64;
    CK_ULONG max_sessions = 0; // 0: no limit named
    std::string provisioning;  // profile whose module creates this one's objects
    // Declared departures from v2.40 (kKnownDeviations): the cases check the
    // declared behaviour instead, and the report names each.
    std::vector<std::string> deviations;

    bool Has(const std::string &function) const;
    bool Selects(const std::string &test_group) const;
    bool NamesMechanism(const std::string &name) const;
    const ProfileMechanism *Mechanism(CK_MECHANISM_TYPE type) const;
    bool FixedLabelStore() const { return !storage_labels.empty(); }
    bool Declares(const std::string &deviation) const;
};

// The deviations a profile may declare (codegen/p11gen/profile.py DEVIATIONS),
// each with what it means for the report.
struct KnownDeviation {
    const char *name;
    const char *meaning;
};
extern const KnownDeviation kKnownDeviations[];
extern const std::size_t kKnownDeviationCount;

// Parses the resolved text format (first line "p11conform-profile 1").
// On error returns false with "source:line: reason" in *error.
bool ParseProfileText(const std::string &text, const std::string &source, RuntimeProfile *profile,
                      std::string *error);

// A built-in profile name, a resolved profile file or a .yaml profile. A
// built-in name fails when the tree the runner was built from has since
// regenerated that profile (StaleBuiltinProfile).
bool LoadProfile(const std::string &name_or_path, RuntimeProfile *profile, std::string *error);

// <source_root>generated/<name>/conformance_profile.txt when it differs from
// the compiled copy of built-in profile `name`; "" when it does not, or there
// is no such file (an installed runner has no tree).
std::string StaleBuiltinProfile(const std::string &name, const std::string &source_root);

// The names of the profiles compiled into the runner, and their resolved text.
std::vector<std::string> BuiltinProfileNames();
const char *BuiltinProfileText(const std::string &name); // nullptr when unknown

// The profile of this run (set once by the runner before any test).
const RuntimeProfile &ActiveProfile();
void SetActiveProfile(RuntimeProfile profile);

} // namespace p11conf

#endif // P11CONF_RUNTIME_PROFILE_H
