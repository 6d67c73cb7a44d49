// OpenSSL 3 (libcrypto) as the reference implementation for the suite.
#include "openssl_reference.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "named_curves.h"

namespace p11conf {
namespace reference {
namespace {

struct Free {
    void operator()(EVP_PKEY *p) const { EVP_PKEY_free(p); }
    void operator()(EVP_PKEY_CTX *p) const { EVP_PKEY_CTX_free(p); }
    void operator()(BIGNUM *p) const { BN_free(p); }
    void operator()(BN_CTX *p) const { BN_CTX_free(p); }
    void operator()(OSSL_PARAM_BLD *p) const { OSSL_PARAM_BLD_free(p); }
    void operator()(OSSL_PARAM *p) const { OSSL_PARAM_free(p); }
    void operator()(ECDSA_SIG *p) const { ECDSA_SIG_free(p); }
    void operator()(EVP_CIPHER_CTX *p) const { EVP_CIPHER_CTX_free(p); }
};
template <typename T> using Owned = std::unique_ptr<T, Free>;

[[noreturn]] void Fail(const char *what)
{
    std::fprintf(stderr, "OpenSSL reference: %s failed\n", what);
    std::abort();
}

Bytes BnBytes(const BIGNUM *bn, int width = 0)
{
    Bytes out(width > 0 ? width : BN_num_bytes(bn));
    if (BN_bn2binpad(bn, out.data(), static_cast<int>(out.size())) < 0) {
        Fail("BN_bn2binpad");
    }
    return out;
}

Bytes KeyBn(EVP_PKEY *key, const char *name, int width = 0)
{
    BIGNUM *bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) {
        Fail(name);
    }
    Owned<BIGNUM> owned(bn);
    return BnBytes(bn, width);
}

int FieldBytes(const std::string &curve)
{
    return CurveNamed(curve).field_bytes;
}

const char *GroupName(const std::string &curve)
{
    return CurveNamed(curve).openssl_group;
}

Owned<EVP_PKEY> FromParams(const char *type, OSSL_PARAM_BLD *builder, int selection)
{
    Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(builder));
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY *key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, selection, params.get()) != 1) {
        Fail("EVP_PKEY_fromdata");
    }
    return Owned<EVP_PKEY>(key);
}

Owned<EVP_PKEY> EcPublic(const Bytes &point, const std::string &curve)
{
    Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
    OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, GroupName(curve), 0);
    OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
    return FromParams("EC", builder.get(), EVP_PKEY_PUBLIC_KEY);
}

Owned<EVP_PKEY> EcPrivate(const EcKey &key)
{
    Owned<BIGNUM> d(BN_bin2bn(key.private_value.data(), static_cast<int>(key.private_value.size()), nullptr));
    Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
    OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, GroupName(key.curve), 0);
    OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, key.point.data(), key.point.size());
    OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get());
    return FromParams("EC", builder.get(), EVP_PKEY_KEYPAIR);
}

Owned<EVP_PKEY> RsaFrom(const RsaKey &key, bool with_private)
{
    std::vector<Owned<BIGNUM>> keep;
    auto bn = [&keep](const Bytes &bytes) {
        keep.emplace_back(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
        return keep.back().get();
    };
    Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
    OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn(key.modulus));
    OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, bn(key.public_exponent));
    if (with_private) {
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_D, bn(key.private_exponent));
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, bn(key.prime_1));
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, bn(key.prime_2));
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, bn(key.exponent_1));
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, bn(key.exponent_2));
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, bn(key.coefficient));
    }
    return FromParams("RSA", builder.get(), with_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
}

// prefix || rest, sized once: GCC 12 at -O3 reads an insert into a vector made
// from an initializer list as an over-read (-Wstringop-overread), a false report.
Bytes Prefixed(const unsigned char *prefix, std::size_t prefix_len, const Bytes &rest)
{
    Bytes out(prefix_len + rest.size());
    std::copy(prefix, prefix + prefix_len, out.begin());
    std::copy(rest.begin(), rest.end(), out.begin() + static_cast<std::ptrdiff_t>(prefix_len));
    return out;
}

} // namespace

Bytes DerOctetString(const Bytes &content)
{
    Bytes out = {0x04};
    if (content.size() < 0x80) {
        out.push_back(static_cast<unsigned char>(content.size()));
    } else {
        out.push_back(0x81);
        out.push_back(static_cast<unsigned char>(content.size()));
    }
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

Bytes Sha256(const Bytes &data)
{
    Bytes out(SHA256_DIGEST_LENGTH);
    SHA256(data.data(), data.size(), out.data());
    return out;
}

Bytes HmacSha256(const Bytes &key, const Bytes &data)
{
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &length) ==
        nullptr) {
        Fail("HMAC");
    }
    out.resize(length);
    return out;
}

Bytes Sha256DigestInfo(const Bytes &hash)
{
    // RFC 8017 §9.2 note 1: the DER prefix of a SHA-256 DigestInfo.
    static const unsigned char kPrefix[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                            0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    return Prefixed(kPrefix, sizeof kPrefix, hash);
}

Bytes Sha384(const Bytes &data)
{
    Bytes out(SHA384_DIGEST_LENGTH);
    SHA384(data.data(), data.size(), out.data());
    return out;
}

Bytes Sha1(const Bytes &data)
{
    Bytes out(SHA_DIGEST_LENGTH);
    SHA1(data.data(), data.size(), out.data());
    return out;
}

Bytes Sha384DigestInfo(const Bytes &hash)
{
    // RFC 8017 §9.2 note 1: the DER prefix of a SHA-384 DigestInfo.
    static const unsigned char kPrefix[] = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                            0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
    return Prefixed(kPrefix, sizeof kPrefix, hash);
}

EcKey GenerateEcKey(const std::string &curve)
{
    Owned<EVP_PKEY> pkey(EVP_EC_gen(GroupName(curve)));
    if (!pkey) {
        Fail("EVP_EC_gen");
    }
    EcKey key;
    key.curve = curve;
    key.ec_params = CurveNamed(curve).der_oid;
    key.private_value = KeyBn(pkey.get(), OSSL_PKEY_PARAM_PRIV_KEY, FieldBytes(curve));
    size_t size = 0;
    EVP_PKEY_get_octet_string_param(pkey.get(), OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0, &size);
    key.point.resize(size);
    if (EVP_PKEY_get_octet_string_param(pkey.get(), OSSL_PKEY_PARAM_PUB_KEY, key.point.data(), size, &size) != 1) {
        Fail("EC public point");
    }
    return key;
}

RsaKey GenerateRsaKey(int bits)
{
    Owned<EVP_PKEY> pkey(EVP_RSA_gen(static_cast<unsigned int>(bits)));
    if (!pkey) {
        Fail("EVP_RSA_gen");
    }
    RsaKey key;
    key.modulus = KeyBn(pkey.get(), OSSL_PKEY_PARAM_RSA_N);
    key.public_exponent = KeyBn(pkey.get(), OSSL_PKEY_PARAM_RSA_E);
    key.private_exponent = KeyBn(pkey.get(), OSSL_PKEY_PARAM_RSA_D);
    key.prime_1 = KeyBn(pkey.get(), OSSL_PKEY_PARAM_RSA_FACTOR1);
    key.prime_2 = KeyBn(pkey.get(), OSSL_PKEY_PARAM_RSA_FACTOR2);
    key.exponent_1 = KeyBn(pkey.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1);
    key.exponent_2 = KeyBn(pkey.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2);
    key.coefficient = KeyBn(pkey.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
    return key;
}

RsaKey RsaKeyFromPrimes(int prime_1_bits, int prime_2_bits)
{
    // BN_generate_prime_ex sets each prime's two top bits, so p * q has
    // exactly prime_1_bits + prime_2_bits bits.
    Owned<BN_CTX> ctx(BN_CTX_new());
    Owned<BIGNUM> p(BN_new()), q(BN_new()), e(BN_new()), n(BN_new()), d(BN_new());
    Owned<BIGNUM> p1(BN_new()), q1(BN_new()), lambda(BN_new()), gcd(BN_new());
    Owned<BIGNUM> dp(BN_new()), dq(BN_new()), qinv(BN_new());
    for (const BIGNUM *made : {p.get(), q.get(), e.get(), n.get(), d.get(), p1.get(), q1.get(), lambda.get(),
                               gcd.get(), dp.get(), dq.get(), qinv.get()}) {
        if (made == nullptr) {
            Fail("BN_new");
        }
    }
    if (!ctx || BN_set_word(e.get(), 65537) != 1) {
        Fail("BN_CTX_new");
    }
    do {
        if (BN_generate_prime_ex(p.get(), prime_1_bits, 0, nullptr, nullptr, nullptr) != 1 ||
            BN_generate_prime_ex(q.get(), prime_2_bits, 0, nullptr, nullptr, nullptr) != 1 ||
            BN_sub(p1.get(), p.get(), BN_value_one()) != 1 || BN_sub(q1.get(), q.get(), BN_value_one()) != 1 ||
            BN_gcd(gcd.get(), p1.get(), q1.get(), ctx.get()) != 1 ||
            BN_mul(lambda.get(), p1.get(), q1.get(), ctx.get()) != 1 ||
            BN_div(lambda.get(), nullptr, lambda.get(), gcd.get(), ctx.get()) != 1) {
            Fail("RSA primes");
        }
    } while (BN_cmp(p.get(), q.get()) == 0 || BN_mod_inverse(d.get(), e.get(), lambda.get(), ctx.get()) == nullptr);
    if (BN_mul(n.get(), p.get(), q.get(), ctx.get()) != 1 || BN_mod(dp.get(), d.get(), p1.get(), ctx.get()) != 1 ||
        BN_mod(dq.get(), d.get(), q1.get(), ctx.get()) != 1 ||
        BN_mod_inverse(qinv.get(), q.get(), p.get(), ctx.get()) == nullptr ||
        BN_num_bits(n.get()) != prime_1_bits + prime_2_bits) {
        Fail("RSA key from primes");
    }
    return RsaKey{BnBytes(n.get()),  BnBytes(e.get()),  BnBytes(d.get()),  BnBytes(p.get()),
                  BnBytes(q.get()),  BnBytes(dp.get()), BnBytes(dq.get()), BnBytes(qinv.get())};
}

Bytes EcdsaSignRaw(const EcKey &key, const Bytes &hash)
{
    Owned<EVP_PKEY> pkey = EcPrivate(key);
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(pkey.get(), nullptr));
    size_t der_len = 0;
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
        EVP_PKEY_sign(ctx.get(), nullptr, &der_len, hash.data(), hash.size()) != 1) {
        Fail("ECDSA sign");
    }
    Bytes der(der_len);
    if (EVP_PKEY_sign(ctx.get(), der.data(), &der_len, hash.data(), hash.size()) != 1) {
        Fail("ECDSA sign");
    }
    const unsigned char *cursor = der.data();
    Owned<ECDSA_SIG> sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der_len)));
    const int width = FieldBytes(key.curve);
    Bytes raw = BnBytes(ECDSA_SIG_get0_r(sig.get()), width);
    Bytes s = BnBytes(ECDSA_SIG_get0_s(sig.get()), width);
    raw.insert(raw.end(), s.begin(), s.end());
    return raw;
}

bool EcdsaVerifyRaw(const Bytes &point, const std::string &curve, const Bytes &hash, const Bytes &signature)
{
    const size_t width = static_cast<size_t>(FieldBytes(curve));
    if (signature.size() != 2 * width) {
        return false;
    }
    Owned<ECDSA_SIG> sig(ECDSA_SIG_new());
    ECDSA_SIG_set0(sig.get(), BN_bin2bn(signature.data(), static_cast<int>(width), nullptr),
                   BN_bin2bn(signature.data() + width, static_cast<int>(width), nullptr));
    unsigned char *der = nullptr;
    const int der_len = i2d_ECDSA_SIG(sig.get(), &der);
    Owned<EVP_PKEY> pkey = EcPublic(point, curve);
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(pkey.get(), nullptr));
    const bool ok = ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
                    EVP_PKEY_verify(ctx.get(), der, static_cast<size_t>(der_len), hash.data(), hash.size()) == 1;
    OPENSSL_free(der);
    return ok;
}

Bytes RsaPkcs1Sign(const RsaKey &key, const Bytes &digest_info)
{
    Owned<EVP_PKEY> pkey = RsaFrom(key, true);
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(pkey.get(), nullptr));
    size_t length = 0;
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_sign(ctx.get(), nullptr, &length, digest_info.data(), digest_info.size()) != 1) {
        Fail("RSA sign");
    }
    Bytes signature(length);
    if (EVP_PKEY_sign(ctx.get(), signature.data(), &length, digest_info.data(), digest_info.size()) != 1) {
        Fail("RSA sign");
    }
    signature.resize(length);
    return signature;
}

bool RsaPkcs1Verify(const Bytes &modulus, const Bytes &public_exponent, const Bytes &digest_info,
                    const Bytes &signature)
{
    RsaKey key;
    key.modulus = modulus;
    key.public_exponent = public_exponent;
    Owned<EVP_PKEY> pkey = RsaFrom(key, false);
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(pkey.get(), nullptr));
    return ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
           EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1 &&
           EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest_info.data(), digest_info.size()) == 1;
}

bool RsaPssSha256Verify(const Bytes &modulus, const Bytes &public_exponent, const Bytes &hash, const Bytes &signature)
{
    return RsaPssSha256VerifySalt(modulus, public_exponent, hash, signature, 32);
}

bool RsaPssSha256VerifySalt(const Bytes &modulus, const Bytes &public_exponent, const Bytes &hash,
                            const Bytes &signature, int salt_length)
{
    RsaKey key;
    key.modulus = modulus;
    key.public_exponent = public_exponent;
    Owned<EVP_PKEY> pkey = RsaFrom(key, false);
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(pkey.get(), nullptr));
    return ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
           EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) == 1 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha256()) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), salt_length) == 1 &&
           EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), hash.data(), hash.size()) == 1;
}

Bytes RsaRawPublic(const Bytes &modulus, const Bytes &public_exponent, const Bytes &signature)
{
    RsaKey key;
    key.modulus = modulus;
    key.public_exponent = public_exponent;
    Owned<EVP_PKEY> pkey = RsaFrom(key, false);
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(pkey.get(), nullptr));
    size_t length = 0;
    if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1 ||
        EVP_PKEY_verify_recover(ctx.get(), nullptr, &length, signature.data(), signature.size()) != 1) {
        return {};
    }
    Bytes out(length);
    if (EVP_PKEY_verify_recover(ctx.get(), out.data(), &length, signature.data(), signature.size()) != 1) {
        return {};
    }
    out.resize(length);
    return out;
}

Bytes AesEncrypt(const std::string &mode, const Bytes &key, const Bytes &iv, const Bytes &plaintext, const Bytes &aad)
{
    const std::string name =
        "AES-" + std::to_string(key.size() * 8) + (mode == "gcm" ? "-GCM" : mode == "ecb" ? "-ECB" : "-CBC");
    EVP_CIPHER *cipher = EVP_CIPHER_fetch(nullptr, name.c_str(), nullptr);
    Owned<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
    Bytes out(plaintext.size() + 32);
    int length = 0, final_length = 0;
    bool ok = cipher != nullptr && ctx != nullptr;
    if (ok && mode == "gcm") {
        ok = EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, nullptr, nullptr) == 1 &&
             EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) == 1 &&
             EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), iv.data()) == 1;
        int ignored = 0;
        ok = ok && (aad.empty() ||
                    EVP_EncryptUpdate(ctx.get(), nullptr, &ignored, aad.data(), static_cast<int>(aad.size())) == 1);
    } else if (ok) {
        ok = EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key.data(), iv.empty() ? nullptr : iv.data()) == 1 &&
             EVP_CIPHER_CTX_set_padding(ctx.get(), mode == "cbc-pad" ? 1 : 0) == 1;
    }
    ok = ok &&
         EVP_EncryptUpdate(ctx.get(), out.data(), &length, plaintext.data(), static_cast<int>(plaintext.size())) == 1 &&
         EVP_EncryptFinal_ex(ctx.get(), out.data() + length, &final_length) == 1;
    out.resize(ok ? static_cast<size_t>(length + final_length) : 0);
    if (ok && mode == "gcm") {
        Bytes tag(16);
        ok = EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag.data()) == 1;
        out.insert(out.end(), tag.begin(), tag.end());
    }
    EVP_CIPHER_free(cipher);
    return ok ? out : Bytes{};
}

Bytes AesKeyWrap(const Bytes &kek, const Bytes &key)
{
    const std::string name = "AES-" + std::to_string(kek.size() * 8) + "-WRAP";
    EVP_CIPHER *cipher = EVP_CIPHER_fetch(nullptr, name.c_str(), nullptr);
    Owned<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
    Bytes out(key.size() + 16);
    int length = 0, final_length = 0;
    const bool ok = cipher != nullptr && ctx != nullptr &&
                    EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, kek.data(), nullptr) == 1 &&
                    EVP_EncryptUpdate(ctx.get(), out.data(), &length, key.data(), static_cast<int>(key.size())) == 1 &&
                    EVP_EncryptFinal_ex(ctx.get(), out.data() + length, &final_length) == 1;
    EVP_CIPHER_free(cipher);
    out.resize(ok ? static_cast<size_t>(length + final_length) : 0);
    return out;
}

Bytes EcdhSecret(const EcKey &key, const Bytes &peer_point)
{
    Owned<EVP_PKEY> own = EcPrivate(key);
    Owned<EVP_PKEY> peer = EcPublic(peer_point, key.curve);
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(own.get(), nullptr));
    size_t length = 0;
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1 ||
        EVP_PKEY_derive(ctx.get(), nullptr, &length) != 1) {
        Fail("ECDH derive");
    }
    Bytes secret(length);
    if (EVP_PKEY_derive(ctx.get(), secret.data(), &length) != 1) {
        Fail("ECDH derive");
    }
    secret.resize(length);
    return secret;
}

} // namespace reference
} // namespace p11conf
