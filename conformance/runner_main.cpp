// The conformance runner: loads any PKCS #11 module by path and runs the
// generated skeletons of one profile plus the hand-written behaviour tests.
//
//   p11conform-<profile> --module PATH [--slot ID] [--user-pin PIN]
//                        [--so-pin PIN] [--init-token] [--strict-profile]
//                        [--provision-module PATH]
//                        [GoogleTest flags]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "module_fixture.h"
#include "token_setup.h"

namespace {

void Usage(const char *program)
{
    std::fprintf(stderr,
                 "usage: %s --module PATH [--slot ID] [--user-pin PIN] [--so-pin PIN]\n"
                 "          [--init-token] [--strict-profile] [gtest flags]\n"
                 "  --module PATH     the PKCS #11 module to test (or env P11CONF_MODULE)\n"
                 "  --slot ID         slot to test (default: first slot with a token)\n"
                 "  --user-pin PIN    user PIN (default: the profile's, \"%s\")\n"
                 "  --so-pin PIN      SO PIN (default: the profile's)\n"
                 "  --init-token      allow tests that wipe the token (C_InitToken); an\n"
                 "                    uninitialized token is initialized first with the PINs\n"
                 "                    (SO 88888888, user 66666666 when none are given)\n"
                 "  --strict-profile  the module was built for exactly profile \"%s\":\n"
                 "                    functions outside it must be CKR_FUNCTION_NOT_SUPPORTED\n"
                 "  --provision-module PATH  a module over the same token store that creates\n"
                 "                    the objects tests need when the profile cannot (OTA)\n",
                 program, p11conf::profile::kDefaultUserPin ? p11conf::profile::kDefaultUserPin : "none",
                 p11conf::profile::kName);
}

// Takes the value of "--name VALUE"; false when the flag is not `name`.
bool TakeValue(int argc, char **argv, int *index, const char *name, std::string *value)
{
    if (std::strcmp(argv[*index], name) != 0) {
        return false;
    }
    if (*index + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", name);
        std::exit(2);
    }
    *value = argv[++*index];
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    p11conf::Options &options = p11conf::options();
    if (const char *from_env = std::getenv("P11CONF_MODULE")) {
        options.module_path = from_env;
    }
    for (int i = 1; i < argc; ++i) {
        std::string slot;
        if (TakeValue(argc, argv, &i, "--module", &options.module_path) ||
            TakeValue(argc, argv, &i, "--user-pin", &options.user_pin) ||
            TakeValue(argc, argv, &i, "--so-pin", &options.so_pin) ||
            TakeValue(argc, argv, &i, "--provision-module", &options.provision_module)) {
            continue;
        }
        if (TakeValue(argc, argv, &i, "--slot", &slot)) {
            options.slot_given = true;
            options.slot = std::strtoul(slot.c_str(), nullptr, 0);
        } else if (std::strcmp(argv[i], "--init-token") == 0) {
            options.allow_destructive = true;
        } else if (std::strcmp(argv[i], "--strict-profile") == 0) {
            options.strict_profile = true;
        } else if (std::strcmp(argv[i], "--help") == 0) {
            Usage(argv[0]);
            return 0;
        } else {
            std::fprintf(stderr, "unknown argument %s\n", argv[i]);
            Usage(argv[0]);
            return 2;
        }
    }
    if (options.module_path.empty()) {
        Usage(argv[0]);
        return 2;
    }
    if (!p11conf::LoadModule(options.module_path)) {
        return 2;
    }
    if (!options.provision_module.empty() && !p11conf::LoadProvisioner(options.provision_module)) {
        return 2;
    }
    std::printf("conformance: module %s, profile %s\n", options.module_path.c_str(), p11conf::profile::kName);
    if (options.allow_destructive && !p11conf::PrepareToken()) {
        return 2;
    }
    return RUN_ALL_TESTS();
}
