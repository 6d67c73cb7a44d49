// The resolved profile format the runner reads at run time.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "runtime_profile.h"

namespace p11conf {
namespace {

const char *kValid = "p11conform-profile 1\n"
                     "# a comment\n"
                     "name tiny\n"
                     "description A tiny profile.\n"
                     "function C_Initialize\n"
                     "function C_Sign\n"
                     "family TLS+X C_Sign\n"
                     "mechanism CKM_ECDSA 256 384 CKF_SIGN|CKF_VERIFY\n"
                     "test_group skeleton\n"
                     "token_initialized true\n"
                     "token_label My Token\n"
                     "user_pin 0000\n"
                     "pin_length 4 32\n"
                     "max_sessions 8\n"
                     "storage_label Device Priv TLS Key\n"
                     "provisioning other\n"
                     "deviation sign_length_query_ends_operation\n";

TEST(RuntimeProfile, ParsesEveryKey)
{
    RuntimeProfile p;
    std::string error;
    ASSERT_TRUE(ParseProfileText(kValid, "tiny.txt", &p, &error)) << error;
    EXPECT_EQ(p.name, "tiny");
    EXPECT_EQ(p.description, "A tiny profile.");
    EXPECT_TRUE(p.Has("C_Sign"));
    EXPECT_FALSE(p.Has("C_Verify"));
    ASSERT_EQ(p.families.size(), 1u);
    EXPECT_EQ(p.families[0].first, "TLS+X");
    EXPECT_EQ(p.families[0].second, std::vector<std::string>{"C_Sign"});
    ASSERT_EQ(p.mechanisms.size(), 1u);
    EXPECT_EQ(p.mechanisms[0].type, static_cast<CK_MECHANISM_TYPE>(CKM_ECDSA));
    EXPECT_EQ(p.mechanisms[0].flags, static_cast<CK_FLAGS>(CKF_SIGN | CKF_VERIFY));
    EXPECT_EQ(p.mechanisms[0].min_key_size, 256u);
    EXPECT_EQ(p.mechanisms[0].max_key_size, 384u);
    EXPECT_TRUE(p.Selects("skeleton"));
    EXPECT_FALSE(p.Selects("keys"));
    EXPECT_TRUE(p.token_initialized);
    EXPECT_EQ(p.token_label, "My Token");
    EXPECT_EQ(p.user_pin, "0000");
    EXPECT_TRUE(p.so_pin.empty());
    EXPECT_EQ(p.min_pin_length, 4u);
    EXPECT_EQ(p.max_pin_length, 32u);
    EXPECT_EQ(p.max_sessions, 8u);
    EXPECT_TRUE(p.FixedLabelStore());
    EXPECT_EQ(p.storage_labels[0], "Device Priv TLS Key");
    EXPECT_EQ(p.provisioning, "other");
    EXPECT_TRUE(p.Declares("sign_length_query_ends_operation"));
    EXPECT_FALSE(p.Declares("digest_ignores_parameters"));
}

TEST(RuntimeProfile, UnknownDeviationIsAnError)
{
    RuntimeProfile p;
    std::string error;
    EXPECT_FALSE(ParseProfileText("p11conform-profile 1\nname x\nfunction C_Sign\ndeviation anything_goes\n", "x.txt",
                                  &p, &error));
    EXPECT_EQ(error, "x.txt:4: unknown deviation 'anything_goes'");
}

TEST(RuntimeProfile, ErrorsNameTheLine)
{
    RuntimeProfile p;
    std::string error;
    EXPECT_FALSE(ParseProfileText("p11conform-profile 1\nname x\nfunction C_Sign\ncolour blue\n", "x.txt", &p, &error));
    EXPECT_EQ(error, "x.txt:4: unknown key 'colour'");
    EXPECT_FALSE(ParseProfileText("p11conform-profile 1\nname x\nmechanism CKM_NOPE 0 0 CKF_SIGN\n", "x.txt", &p,
                                  &error));
    EXPECT_EQ(error, "x.txt:3: unknown mechanism CKM_NOPE");
    EXPECT_FALSE(ParseProfileText("p11conform-profile 1\nname x\nmechanism CKM_ECDSA 0 0 CKF_SING\n", "x.txt", &p,
                                  &error));
    EXPECT_EQ(error, "x.txt:3: unknown flag CKF_SING");
    EXPECT_FALSE(ParseProfileText("p11conform-profile 1\nname x\npin_length 4\n", "x.txt", &p, &error));
    EXPECT_EQ(error, "x.txt:3: pin_length needs: MIN MAX");
}

TEST(RuntimeProfile, RejectsOtherFilesAndEmptyProfiles)
{
    RuntimeProfile p;
    std::string error;
    EXPECT_FALSE(ParseProfileText("functions: [Any]\n", "x.yaml", &p, &error));
    EXPECT_NE(error.find("x.yaml:1: not a resolved profile"), std::string::npos) << error;
    EXPECT_FALSE(ParseProfileText("p11conform-profile 1\nname x\n", "x.txt", &p, &error));
    EXPECT_NE(error.find("at least one function"), std::string::npos) << error;
}

TEST(RuntimeProfile, VendorMechanismByNumber)
{
    RuntimeProfile p;
    std::string error;
    ASSERT_TRUE(ParseProfileText("p11conform-profile 1\nname x\nfunction C_Sign\nmechanism 0x80001234 0 0 CKF_SIGN\n",
                                 "x.txt", &p, &error))
        << error;
    EXPECT_EQ(p.mechanisms[0].type, 0x80001234u);
}

TEST(RuntimeProfile, BuiltinFreertosHasTheSeedsFamilies)
{
    RuntimeProfile p;
    std::string error;
    ASSERT_TRUE(LoadProfile("freertos", &p, &error)) << error;
    EXPECT_EQ(p.name, "freertos");
    EXPECT_TRUE(p.Has("C_GenerateKeyPair"));
    EXPECT_NE(p.Mechanism(CKM_SHA256), nullptr);
    std::vector<std::string> families;
    for (const auto &family : p.families) {
        families.push_back(family.first);
    }
    EXPECT_EQ(families, (std::vector<std::string>{"Any", "Provisioning", "TLS", "FreeRTOS+TCP", "OTA"}));
    EXPECT_TRUE(p.token_initialized);
    EXPECT_EQ(p.user_pin, "0000");
}

TEST(RuntimeProfile, UnknownNameListsTheBuiltins)
{
    RuntimeProfile p;
    std::string error;
    EXPECT_FALSE(LoadProfile("no-such-profile", &p, &error));
    EXPECT_NE(error.find("freertos"), std::string::npos) << error;
}

// A tree whose generated/freertos/conformance_profile.txt is `text`.
std::string TreeWithFreertosProfile(const std::string &text)
{
    const std::filesystem::path root =
        std::filesystem::temp_directory_path() / ("p11conf-stale-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root / "generated" / "freertos");
    std::ofstream(root / "generated" / "freertos" / "conformance_profile.txt", std::ios::binary) << text;
    return root.string() + "/";
}

TEST(RuntimeProfile, BuiltinProfileRegeneratedSinceTheBuildIsNamedNotUsed)
{
    const std::string same = TreeWithFreertosProfile(BuiltinProfileText("freertos"));
    EXPECT_EQ(StaleBuiltinProfile("freertos", same), "") << "the tree holds the compiled text";
    const std::string edited = TreeWithFreertosProfile(std::string(BuiltinProfileText("freertos")) + "function C_Foo\n");
    EXPECT_EQ(StaleBuiltinProfile("freertos", edited), edited + "generated/freertos/conformance_profile.txt");
    EXPECT_EQ(StaleBuiltinProfile("freertos", ""), "") << "an installed runner has no tree";
    EXPECT_EQ(StaleBuiltinProfile("freertos", "/nonexistent/"), "");
    std::filesystem::remove_all(edited);
}

TEST(RuntimeProfile, BuiltinProfilesMatchTheTreeTheRunnerWasBuiltFrom)
{
    // The build embeds generated/<name>/conformance_profile.txt: right
    // after a build nothing is stale.
    for (const std::string &name : BuiltinProfileNames()) {
        EXPECT_EQ(StaleBuiltinProfile(name, P11CONF_SOURCE_ROOT), "") << name;
    }
}

} // namespace
} // namespace p11conf
