// Static case selection: groups, functions, mechanisms, consent, filters.
#include <gtest/gtest.h>

#include "case_selection.h"

namespace p11conf {
namespace {

RuntimeProfile Profile()
{
    RuntimeProfile p;
    p.name = std::string("p");
    p.functions = {"C_Initialize", "C_Sign", "C_InitToken"};
    p.test_groups = {"skeleton", "keys"};
    ProfileMechanism ecdsa;
    ecdsa.name = "CKM_ECDSA";
    p.mechanisms = {ecdsa};
    return p;
}

CaseInfo Case(const std::string &group, std::vector<std::string> functions = {},
              std::vector<std::string> mechanisms = {})
{
    CaseInfo info;
    info.suite = "Suite";
    info.name = "Name";
    info.group = group;
    info.functions = std::move(functions);
    info.mechanisms = std::move(mechanisms);
    info.section = "v2.40 §5.12";
    return info;
}

TEST(CaseSelection, SelectsWhenGroupFunctionsAndMechanismsAreInTheProfile)
{
    Selection s = SelectCase(Case("keys", {"C_Sign"}, {"CKM_ECDSA"}), Profile(), Options{});
    EXPECT_TRUE(s.selected);
    EXPECT_EQ(s.reason, "group keys; C_Sign in the profile; CKM_ECDSA named");
}

TEST(CaseSelection, GroupFunctionOrMechanismOutsideTheProfileIsNotSelected)
{
    EXPECT_EQ(SelectCase(Case("digest"), Profile(), Options{}).reason, "the profile does not select the digest tests");
    Selection s = SelectCase(Case("keys", {"C_Sign", "C_Verify"}), Profile(), Options{});
    EXPECT_FALSE(s.selected);
    EXPECT_EQ(s.reason, "the profile does not name C_Verify");
    s = SelectCase(Case("keys", {"C_Sign"}, {"CKM_RSA_PKCS"}), Profile(), Options{});
    EXPECT_FALSE(s.selected);
    EXPECT_EQ(s.reason, "the profile does not name CKM_RSA_PKCS");
}

TEST(CaseSelection, DestructiveCasesNeedConsent)
{
    CaseInfo info = Case("skeleton", {"C_InitToken"});
    info.destructive = true;
    Options options;
    EXPECT_FALSE(SelectCase(info, Profile(), options).selected);
    options.allow_destructive = true;
    EXPECT_TRUE(SelectCase(info, Profile(), options).selected);
}

TEST(CaseSelection, OutsideCasesNeedStrictProfileAndAFunctionOutsideIt)
{
    CaseInfo outside = Case("skeleton");
    outside.outside = "C_Encrypt";
    Options options;
    EXPECT_FALSE(SelectCase(outside, Profile(), options).selected);
    options.strict_profile = true;
    EXPECT_TRUE(SelectCase(outside, Profile(), options).selected);
    outside.outside = "C_Sign";
    Selection s = SelectCase(outside, Profile(), options);
    EXPECT_FALSE(s.selected);
    EXPECT_EQ(s.reason, "C_Sign is in the profile");
}

TEST(CaseSelection, ProfilePolicyCasesNeedStrictProfile)
{
    CaseInfo policy = Case("skeleton", {"C_Sign"});
    policy.strict = true;
    Options options;
    Selection s = SelectCase(policy, Profile(), options);
    EXPECT_FALSE(s.selected);
    EXPECT_NE(s.reason.find("--strict-profile"), std::string::npos) << s.reason;
    options.strict_profile = true;
    EXPECT_TRUE(SelectCase(policy, Profile(), options).selected);
}

TEST(CaseSelection, FilterGlobs)
{
    EXPECT_TRUE(MatchesFilter("Signing.SecondInit", ""));
    EXPECT_TRUE(MatchesFilter("Signing.SecondInit", "Digest.*:Signing.*"));
    EXPECT_FALSE(MatchesFilter("Signing.SecondInit", "Digest.*"));
    EXPECT_TRUE(MatchesFilter("Skeleton_C_Sign.NullPData", "Skeleton_C_Sign*"));
}

} // namespace
} // namespace p11conf
