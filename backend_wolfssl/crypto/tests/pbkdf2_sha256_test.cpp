// PBKDF2-HMAC-SHA256 with precomputed pads against RFC 7914 §11's vectors
// and two independent implementations (OpenSSL, wolfCrypt's wc_PBKDF2),
// over password lengths around the SHA-256 block (keys over 64 bytes are
// hashed first), empty and long salts, and many iteration counts.
#include "crypto/pbkdf2_sha256.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>
#include <string>
#include <vector>

#include "wolfcrypt.h"

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes Derive(const Bytes &password, const Bytes &salt, std::uint32_t iterations)
{
    Bytes out(p11::kPbkdf2BlockSize);
    EXPECT_EQ(0, p11::pbkdf2_sha256_block(password.data(), password.size(), salt.data(), salt.size(), iterations,
                                          out.data()));
    return out;
}

Bytes FromText(const std::string &text)
{
    return Bytes(text.begin(), text.end());
}

Bytes FromHex(const std::string &hex)
{
    Bytes out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return out;
}

TEST(Pbkdf2Sha256, Rfc7914VectorOneIteration)
{
    EXPECT_EQ(Derive(FromText("passwd"), FromText("salt"), 1),
              FromHex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"));
}

TEST(Pbkdf2Sha256, Rfc7914Vector80000Iterations)
{
    EXPECT_EQ(Derive(FromText("Password"), FromText("NaCl"), 80000),
              FromHex("4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"));
}

TEST(Pbkdf2Sha256, AgreesWithOpenSslAndWolfCryptOnRandomInputs)
{
    std::mt19937 rng(2026);
    for (int round = 0; round < 200; ++round) {
        Bytes password(rng() % 140); // 0 to 139 bytes: both sides of the 64-byte HMAC block
        Bytes salt(rng() % 40);
        for (auto &b : password) {
            b = static_cast<std::uint8_t>(rng());
        }
        for (auto &b : salt) {
            b = static_cast<std::uint8_t>(rng());
        }
        const std::uint32_t iterations = 1 + rng() % 64;
        const Bytes ours = Derive(password, salt, iterations);

        Bytes openssl(32);
        ASSERT_EQ(1, PKCS5_PBKDF2_HMAC(reinterpret_cast<const char *>(password.data()), static_cast<int>(password.size()),
                                       salt.data(), static_cast<int>(salt.size()), static_cast<int>(iterations),
                                       EVP_sha256(), 32, openssl.data()));
        EXPECT_EQ(ours, openssl) << "round " << round;

        // wolfCrypt refuses an empty password; the PIN rules never give one.
        if (!password.empty()) {
            Bytes wolf(32);
            ASSERT_EQ(0, wc_PBKDF2(wolf.data(), password.data(), static_cast<int>(password.size()), salt.data(),
                                   static_cast<int>(salt.size()), static_cast<int>(iterations), 32, WC_SHA256));
            EXPECT_EQ(ours, wolf) << "round " << round;
        }
    }
}

TEST(Pbkdf2Sha256, ZeroIterationsIsRefused)
{
    std::uint8_t out[p11::kPbkdf2BlockSize];
    const std::uint8_t pin[] = {'1', '2', '3', '4'};
    EXPECT_EQ(BAD_FUNC_ARG, p11::pbkdf2_sha256_block(pin, sizeof pin, pin, sizeof pin, 0, out));
}

} // namespace
