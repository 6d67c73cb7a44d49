// Inputs shared by p11bench and p11bench-wolfcrypt, so that both time the
// same operation on the same bytes.
#ifndef P11_BENCH_DATA_H
#define P11_BENCH_DATA_H

#include <cstddef>
#include <cstdint>

namespace p11bench {

// A fixed stand-in for a SHA-256 hash: ECDSA signs it as is, RSA behind
// the DigestInfo prefix (RFC 8017 §9.2 note 1).
inline const uint8_t kHash[32] = {0x6a, 0x09, 0xe6, 0x67, 0xbb, 0x67, 0xae, 0x85, 0x3c, 0x6e, 0xf3,
                                  0x72, 0xa5, 0x4f, 0xf5, 0x3a, 0x51, 0x0e, 0x52, 0x7f, 0x9b, 0x05,
                                  0x68, 0x8c, 0x1f, 0x83, 0xd9, 0xab, 0x5b, 0xe0, 0xcd, 0x19};
inline const uint8_t kSha256DigestInfoPrefix[19] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                                    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
constexpr std::size_t kDigestInfoSize = sizeof kSha256DigestInfoPrefix + sizeof kHash;

inline void FillDigestInfo(uint8_t out[kDigestInfoSize])
{
    for (std::size_t i = 0; i < sizeof kSha256DigestInfoPrefix; ++i) {
        out[i] = kSha256DigestInfoPrefix[i];
    }
    for (std::size_t i = 0; i < sizeof kHash; ++i) {
        out[sizeof kSha256DigestInfoPrefix + i] = kHash[i];
    }
}

constexpr std::size_t kSmallMessage = 64;
constexpr std::size_t kLargeMessage = 1024 * 1024;

} // namespace p11bench

// The crypto benchmarks, registered the same way in p11bench and
// p11bench-wolfcrypt so that their names, and so the table's rows, line up.
// Real time throughout: a module may wait on locks or files, which CPU time
// would hide. Needs <benchmark/benchmark.h> and the functions in scope.
#define P11BENCH_REGISTER_CRYPTO()                                                                                     \
    BENCHMARK(EcdsaP256Sign)->UseRealTime()->Threads(1)->Threads(2);                                                   \
    BENCHMARK(EcdsaP256Verify)->UseRealTime();                                                                         \
    BENCHMARK(Rsa2048Sign)->UseRealTime()->Threads(1)->Threads(2);                                                     \
    BENCHMARK(Rsa2048Verify)->UseRealTime();                                                                           \
    BENCHMARK(Sha256Small)->UseRealTime();                                                                             \
    BENCHMARK(Sha256Large)->UseRealTime();                                                                             \
    BENCHMARK(Random32)->UseRealTime()

#endif // P11_BENCH_DATA_H
