// p11bench-wolfcrypt: the operations of p11bench called straight on the
// wolfCrypt the backend links, with the same names and inputs: the limit a
// PKCS #11 layer can reach.
#include "wolfcrypt.h"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "bench_data.h"

namespace {

using p11bench::kHash;

// One RNG and key pair per benchmark thread, made once: Google Benchmark
// calls a function several times while it sizes the run.
struct ThreadKeys {
    bool ready = false;
    WC_RNG rng;
    ecc_key ecc;
    RsaKey rsa;
    std::vector<uint8_t> ecc_signature;
    std::vector<uint8_t> rsa_signature;
};

ThreadKeys g_keys[2];

uint8_t *DigestInfo()
{
    static uint8_t info[p11bench::kDigestInfoSize];
    p11bench::FillDigestInfo(info);
    return info;
}

const char *MakeKeys(ThreadKeys *k)
{
    if (k->ready) {
        return nullptr;
    }
    if (wc_InitRng(&k->rng) != 0 || wc_ecc_init(&k->ecc) != 0 || wc_InitRsaKey(&k->rsa, nullptr) != 0) {
        return "wolfCrypt init failed";
    }
    if (wc_ecc_make_key_ex(&k->rng, 32, &k->ecc, ECC_SECP256R1) != 0) {
        return "wc_ecc_make_key_ex(P-256) failed";
    }
    // Blinding needs the RNG, as in the backend (WC_RSA_BLINDING).
    if (wc_MakeRsaKey(&k->rsa, 2048, WC_RSA_EXPONENT, &k->rng) != 0 || wc_RsaSetRNG(&k->rsa, &k->rng) != 0) {
        return "wc_MakeRsaKey(2048) failed";
    }
    k->ecc_signature.resize(ECC_MAX_SIG_SIZE);
    word32 length = k->ecc_signature.size();
    if (wc_ecc_sign_hash(kHash, sizeof kHash, k->ecc_signature.data(), &length, &k->rng, &k->ecc) != 0) {
        return "wc_ecc_sign_hash failed";
    }
    k->ecc_signature.resize(length);
    k->rsa_signature.resize(256);
    int rsa_length = wc_RsaSSL_Sign(DigestInfo(), p11bench::kDigestInfoSize, k->rsa_signature.data(),
                                    k->rsa_signature.size(), &k->rsa, &k->rng);
    if (rsa_length <= 0) {
        return "wc_RsaSSL_Sign failed";
    }
    k->ready = true;
    return nullptr;
}

ThreadKeys *Keys(benchmark::State &state)
{
    ThreadKeys *k = &g_keys[state.thread_index()];
    if (const char *error = MakeKeys(k)) {
        state.SkipWithError(error);
        return nullptr;
    }
    return k;
}

// wolfSSL's FP_ECC cache is per thread and only wc_ecc_fp_free() on that
// thread releases it; benchmark threads end after every run.
struct EccThreadCacheRelease {
    ~EccThreadCacheRelease()
    {
#ifdef FP_ECC
        wc_ecc_fp_free();
#endif
    }
};

void EcdsaP256Sign(benchmark::State &state)
{
    EccThreadCacheRelease release;
    ThreadKeys *k = Keys(state);
    if (k == nullptr) {
        return;
    }
    uint8_t out[ECC_MAX_SIG_SIZE];
    for (auto _ : state) {
        word32 length = sizeof out;
        if (wc_ecc_sign_hash(kHash, sizeof kHash, out, &length, &k->rng, &k->ecc) != 0) {
            state.SkipWithError("wc_ecc_sign_hash failed");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

void EcdsaP256Verify(benchmark::State &state)
{
    EccThreadCacheRelease release;
    ThreadKeys *k = Keys(state);
    if (k == nullptr) {
        return;
    }
    for (auto _ : state) {
        int valid = 0;
        if (wc_ecc_verify_hash(k->ecc_signature.data(), k->ecc_signature.size(), kHash, sizeof kHash, &valid,
                               &k->ecc) != 0 ||
            valid != 1) {
            state.SkipWithError("wc_ecc_verify_hash failed");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

void Rsa2048Sign(benchmark::State &state)
{
    EccThreadCacheRelease release; // Keys() may make the EC key on this thread
    ThreadKeys *k = Keys(state);
    if (k == nullptr) {
        return;
    }
    uint8_t out[256];
    for (auto _ : state) {
        if (wc_RsaSSL_Sign(DigestInfo(), p11bench::kDigestInfoSize, out, sizeof out, &k->rsa, &k->rng) <= 0) {
            state.SkipWithError("wc_RsaSSL_Sign failed");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

void Rsa2048Verify(benchmark::State &state)
{
    EccThreadCacheRelease release; // Keys() may make the EC key on this thread
    ThreadKeys *k = Keys(state);
    if (k == nullptr) {
        return;
    }
    uint8_t out[256];
    for (auto _ : state) {
        if (wc_RsaSSL_Verify(k->rsa_signature.data(), k->rsa_signature.size(), out, sizeof out, &k->rsa) !=
            static_cast<int>(p11bench::kDigestInfoSize)) {
            state.SkipWithError("wc_RsaSSL_Verify failed");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

void Sha256(benchmark::State &state, std::size_t size)
{
    std::vector<uint8_t> message(size, 0xa5);
    uint8_t digest[WC_SHA256_DIGEST_SIZE];
    for (auto _ : state) {
        wc_Sha256 sha;
        if (wc_InitSha256(&sha) != 0 || wc_Sha256Update(&sha, message.data(), message.size()) != 0 ||
            wc_Sha256Final(&sha, digest) != 0) {
            state.SkipWithError("wc_Sha256 failed");
            break;
        }
        wc_Sha256Free(&sha);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(size));
}

void Sha256Small(benchmark::State &state)
{
    Sha256(state, p11bench::kSmallMessage);
}
void Sha256Large(benchmark::State &state)
{
    Sha256(state, p11bench::kLargeMessage);
}

void Random32(benchmark::State &state)
{
    ThreadKeys *k = Keys(state);
    if (k == nullptr) {
        return;
    }
    uint8_t out[32];
    for (auto _ : state) {
        if (wc_RNG_GenerateBlock(&k->rng, out, sizeof out) != 0) {
            state.SkipWithError("wc_RNG_GenerateBlock failed");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

P11BENCH_REGISTER_CRYPTO();

} // namespace

BENCHMARK_MAIN();
