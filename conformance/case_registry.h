// What each conformance case needs and cites, declared beside the test:
//
//   P11_CASE(Signing, SecondInitIsOperationActive, .group = "keys",
//            .functions = "C_SignInit", .mechanisms = "CKM_ECDSA",
//            .section = "v2.40 §5.11 C_SignInit")
//   {
//       ...test body, as in TEST_F...
//   }
//
// The runner reads these before running anything: --list prints which cases
// the profile selects and why, only selected cases run, and the report groups
// results by family and function and cites the section of every failure.
#ifndef P11CONF_CASE_REGISTRY_H
#define P11CONF_CASE_REGISTRY_H

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace p11conf {

struct CaseSpec {
    const char *group = nullptr;    // the profile test group that selects the case
    const char *functions = "";     // space separated; each must be in the profile
    const char *mechanisms = "";    // space separated CKM_ names; each must be in the profile
    const char *section = nullptr;  // the v2.40 section a failure cites, "v2.40 §5.11 C_SignInit"
    bool destructive = false;       // may wipe the token or change a PIN: runs only with --init-token
    const char *outside = nullptr;  // a --strict-profile case about a function outside the profile
    bool strict = false;            // checks a p11forge profile policy where v2.40 names no code:
                                    // runs only with --strict-profile
};

struct CaseInfo {
    std::string suite; // the fixture
    std::string name;
    std::string group;
    std::vector<std::string> functions;
    std::vector<std::string> mechanisms;
    std::string section;
    bool destructive = false;
    std::string outside;
    bool strict = false;

    std::string FullName() const { return suite + "." + name; }
};

// Records a case; aborts with a message when group or section is missing.
bool RegisterCase(const char *suite, const char *name, const CaseSpec &spec);
const std::vector<CaseInfo> &AllCases();
const CaseInfo *FindCase(const std::string &suite, const std::string &name);

} // namespace p11conf

#define P11_CASE(fixture, test, ...)                                                                  \
    [[maybe_unused]] static const bool p11_case_registered_##fixture##_##test =                       \
        ::p11conf::RegisterCase(#fixture, #test, ::p11conf::CaseSpec{__VA_ARGS__});                  \
    TEST_F(fixture, test)

#endif // P11CONF_CASE_REGISTRY_H
