// p11bench: Google Benchmark over any PKCS #11 module, loaded by path.
//   p11bench --module PATH [--slot ID] [--user-pin PIN] [--init-token SO_PIN]
//            [--max-objects N] [--benchmark_...]
// --init-token: the token is blank; initialize it (SO PIN SO_PIN) and set the
// user PIN to --user-pin before the benchmarks run.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "data_objects.h"
#include "module_context.h"
#include "token_setup.h"

namespace {

int Usage()
{
    std::fprintf(stderr,
                 "usage: p11bench --module PATH [--slot ID] [--user-pin PIN] [--init-token SO_PIN] [--max-objects N]\n"
                 "                [benchmark flags]\n");
    return 2;
}

// Token objects the run made must not stay behind in a real token.
void RemoveDataObjects()
{
    std::string error;
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    if (!p11bench::EnsureReady(&error) || p11bench::OpenSession(&session) != CKR_OK) {
        return;
    }
    unsigned long count = 0;
    CK_RV rv = p11bench::DestroyDataObjects(session, &count);
    if (rv != CKR_OK) {
        std::fprintf(stderr, "removing p11bench objects: %s\n", p11bench::RvName(rv).c_str());
    }
    p11bench::Shutdown();
}

} // namespace

int main(int argc, char **argv)
{
    p11bench::ModuleOptions options;
    std::vector<char *> rest{argv[0]};
    for (int i = 1; i < argc; ++i) {
        const bool has_value = i + 1 < argc;
        if (std::strcmp(argv[i], "--module") == 0 && has_value) {
            options.module_path = argv[++i];
        } else if (std::strcmp(argv[i], "--slot") == 0 && has_value) {
            options.slot_given = true;
            options.slot = std::strtoul(argv[++i], nullptr, 0);
        } else if (std::strcmp(argv[i], "--max-objects") == 0 && has_value) {
            options.max_objects = std::strtoul(argv[++i], nullptr, 0);
        } else if (std::strcmp(argv[i], "--user-pin") == 0 && has_value) {
            options.user_pin = argv[++i];
        } else if (std::strcmp(argv[i], "--init-token") == 0 && has_value) {
            options.init_token_so_pin = argv[++i];
        } else {
            rest.push_back(argv[i]);
        }
    }
    if (options.module_path.empty()) {
        return Usage();
    }
    int rest_count = static_cast<int>(rest.size());
    benchmark::Initialize(&rest_count, rest.data());
    if (benchmark::ReportUnrecognizedArguments(rest_count, rest.data()) || !p11bench::LoadModule(options)) {
        return Usage();
    }
    std::string error;
    if (!options.init_token_so_pin.empty() && !p11bench::InitToken(options.init_token_so_pin, options.user_pin, &error)) {
        std::fprintf(stderr, "--init-token: %s\n", error.c_str());
        return 1;
    }
    benchmark::AddCustomContext("module", options.module_path);
    benchmark::RunSpecifiedBenchmarks();
    RemoveDataObjects();
    benchmark::Shutdown();
    return 0;
}
