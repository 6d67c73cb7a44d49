// Signatures, digests and random numbers through the module: the rows that
// compare with raw wolfCrypt (wolfcrypt_bench.cpp uses the same names).
#include <cstdint>
#include <vector>

#include "bench_data.h"
#include "bench_support.h"

namespace p11bench {
namespace {

struct SignCase {
    CK_MECHANISM_TYPE mechanism;
    const char *mechanism_name;
    bool rsa;
};

const SignCase kEcdsa{CKM_ECDSA, "CKM_ECDSA", false};
const SignCase kRsa{CKM_RSA_PKCS, "CKM_RSA_PKCS", true};

// Everything a sign or verify loop needs, prepared outside the timed region.
struct Prepared {
    Session session;
    KeyPair keys;
    std::vector<CK_BYTE> input;
    std::vector<CK_BYTE> signature;
};

bool Prepare(benchmark::State &state, const SignCase &c, CK_FLAGS flag, Prepared *p)
{
    if (!Ready(state) || !HasMechanism(state, c.mechanism, flag, c.mechanism_name)) {
        return false;
    }
    std::string error;
    if (!(c.rsa ? Rsa2048Keys(&p->keys, &error) : EcdsaP256Keys(&p->keys, &error))) {
        state.SkipWithError(error.c_str());
        return false;
    }
    if (!p->session.Open(state)) {
        return false;
    }
    if (c.rsa) {
        p->input.resize(kDigestInfoSize);
        FillDigestInfo(p->input.data());
    } else {
        p->input.assign(kHash, kHash + sizeof kHash);
    }
    // A verify loop needs one signature; a sign loop checks the call works.
    CK_MECHANISM mechanism{c.mechanism, nullptr, 0};
    p->signature.resize(512);
    CK_ULONG length = p->signature.size();
    if (!Ok(state, Fl()->C_SignInit(p->session.get(), &mechanism, p->keys.private_key), "C_SignInit") ||
        !Ok(state, Fl()->C_Sign(p->session.get(), p->input.data(), p->input.size(), p->signature.data(), &length),
            "C_Sign")) {
        return false;
    }
    p->signature.resize(length);
    return true;
}

void Sign(benchmark::State &state, const SignCase &c)
{
    Prepared p;
    if (!Prepare(state, c, CKF_SIGN, &p)) {
        return;
    }
    CK_MECHANISM mechanism{c.mechanism, nullptr, 0};
    CK_BYTE out[512];
    for (auto _ : state) {
        CK_ULONG length = sizeof out;
        CK_RV rv = Fl()->C_SignInit(p.session.get(), &mechanism, p.keys.private_key);
        if (rv == CKR_OK) {
            rv = Fl()->C_Sign(p.session.get(), p.input.data(), p.input.size(), out, &length);
        }
        if (!Ok(state, rv, "C_SignInit+C_Sign")) {
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

void Verify(benchmark::State &state, const SignCase &c)
{
    Prepared p;
    if (!Prepare(state, c, CKF_VERIFY, &p)) {
        return;
    }
    CK_MECHANISM mechanism{c.mechanism, nullptr, 0};
    for (auto _ : state) {
        CK_RV rv = Fl()->C_VerifyInit(p.session.get(), &mechanism, p.keys.public_key);
        if (rv == CKR_OK) {
            rv =
                Fl()->C_Verify(p.session.get(), p.input.data(), p.input.size(), p.signature.data(), p.signature.size());
        }
        if (!Ok(state, rv, "C_VerifyInit+C_Verify")) {
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

void EcdsaP256Sign(benchmark::State &state)
{
    Sign(state, kEcdsa);
}
void EcdsaP256Verify(benchmark::State &state)
{
    Verify(state, kEcdsa);
}
void Rsa2048Sign(benchmark::State &state)
{
    Sign(state, kRsa);
}
void Rsa2048Verify(benchmark::State &state)
{
    Verify(state, kRsa);
}

void Sha256(benchmark::State &state, std::size_t size)
{
    Session session;
    if (!Ready(state) || !HasMechanism(state, CKM_SHA256, CKF_DIGEST, "CKM_SHA256") || !session.Open(state)) {
        return;
    }
    std::vector<CK_BYTE> message(size, 0xa5);
    CK_MECHANISM mechanism{CKM_SHA256, nullptr, 0};
    CK_BYTE digest[32];
    for (auto _ : state) {
        CK_ULONG length = sizeof digest;
        CK_RV rv = Fl()->C_DigestInit(session.get(), &mechanism);
        if (rv == CKR_OK) {
            rv = Fl()->C_Digest(session.get(), message.data(), message.size(), digest, &length);
        }
        if (!Ok(state, rv, "C_DigestInit+C_Digest")) {
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(size));
}

void Sha256Small(benchmark::State &state)
{
    Sha256(state, kSmallMessage);
}
void Sha256Large(benchmark::State &state)
{
    Sha256(state, kLargeMessage);
}

void Random32(benchmark::State &state)
{
    Session session;
    if (!Ready(state) || !session.Open(state)) {
        return;
    }
    CK_BYTE out[32];
    for (auto _ : state) {
        if (!Ok(state, Fl()->C_GenerateRandom(session.get(), out, sizeof out), "C_GenerateRandom")) {
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

P11BENCH_REGISTER_CRYPTO();

} // namespace
} // namespace p11bench
