/* Support for the key-rules tests (see key_rules_support.h). */
#include "key_rules_support.h"

#include <memory>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

namespace p11test {

namespace {

struct Freer {
    void operator()(EVP_PKEY *p) const { EVP_PKEY_free(p); }
    void operator()(EVP_PKEY_CTX *p) const { EVP_PKEY_CTX_free(p); }
    void operator()(OSSL_PARAM_BLD *p) const { OSSL_PARAM_BLD_free(p); }
    void operator()(OSSL_PARAM *p) const { OSSL_PARAM_free(p); }
    void operator()(BIGNUM *p) const { BN_free(p); }
    void operator()(ECDSA_SIG *p) const { ECDSA_SIG_free(p); }
};
template <typename T> using Owned = std::unique_ptr<T, Freer>;

Owned<EVP_PKEY> FromParams(const char *type, OSSL_PARAM_BLD *builder)
{
    Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(builder));
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY *pkey = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        return nullptr;
    }
    return Owned<EVP_PKEY>(pkey);
}

bool VerifyWith(EVP_PKEY *pkey, const ByteVec &hash, const ByteVec &der, int pss_salt)
{
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(pkey, nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) {
        return false;
    }
    if (pss_salt >= 0 && (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) != 1 ||
                          EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1 ||
                          EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha256()) != 1 ||
                          EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), pss_salt) != 1)) {
        return false;
    }
    return EVP_PKEY_verify(ctx.get(), der.data(), der.size(), hash.data(), hash.size()) == 1;
}

} // namespace

ByteVec Hex(const char *hex)
{
    ByteVec out;
    for (const char *p = hex; p[0] != '\0' && p[1] != '\0'; p += 2) {
        out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(p, 2), nullptr, 16)));
    }
    return out;
}

ByteVec PlusOne(ByteVec value)
{
    for (std::size_t i = value.size(); i-- > 0;) {
        if (++value[i] != 0) {
            break;
        }
    }
    return value;
}

ByteVec P256Order()
{
    return Hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
}

ByteVec P256Gx()
{
    return Hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296");
}

ByteVec P256Gy()
{
    return Hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
}

ByteVec Sha1CheckValue(const ByteVec &value)
{
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(value.data(), value.size(), digest);
    return ByteVec(digest, digest + 3);
}

ByteVec Sha256(const ByteVec &data)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(data.data(), data.size(), digest);
    return ByteVec(digest, digest + sizeof digest);
}

bool OpenSslVerifiesP256(const ByteVec &point, const ByteVec &hash, const ByteVec &signature)
{
    Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
    if (!builder || signature.size() != 64 ||
        OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
        return false;
    }
    Owned<EVP_PKEY> pkey = FromParams("EC", builder.get());
    Owned<ECDSA_SIG> sig(ECDSA_SIG_new());
    BIGNUM *r = BN_bin2bn(signature.data(), 32, nullptr);
    BIGNUM *s = BN_bin2bn(signature.data() + 32, 32, nullptr);
    if (!pkey || !sig || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return false;
    }
    unsigned char *der = nullptr;
    int der_len = i2d_ECDSA_SIG(sig.get(), &der);
    if (der_len <= 0) {
        return false;
    }
    ByteVec der_sig(der, der + der_len);
    OPENSSL_free(der);
    return VerifyWith(pkey.get(), hash, der_sig, -1);
}

bool OpenSslVerifiesPss(const ByteVec &hash, const ByteVec &signature, int salt)
{
    Owned<BIGNUM> n(BN_bin2bn(kTestRsaModulus.data(), static_cast<int>(kTestRsaModulus.size()), nullptr));
    Owned<BIGNUM> e(BN_new());
    Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
    if (!n || !e || !builder || BN_set_word(e.get(), 65537) != 1 ||
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
        return false;
    }
    Owned<EVP_PKEY> pkey = FromParams("RSA", builder.get());
    return pkey && VerifyWith(pkey.get(), hash, signature, salt);
}

CK_RV KeyRulesTest::SignInit(CK_MECHANISM mechanism, CK_OBJECT_HANDLE key)
{
    return With(h, [&](p11_session *s) { return p11be_C_SignInit(s, &mechanism, key); });
}

CK_RV KeyRulesTest::VerifyInit(CK_MECHANISM mechanism, CK_OBJECT_HANDLE key)
{
    return With(h, [&](p11_session *s) { return p11be_C_VerifyInit(s, &mechanism, key); });
}

CK_RV KeyRulesTest::Sign(const ByteVec &data, ByteVec *signature, CK_ULONG room)
{
    ByteVec out(room);
    CK_ULONG len = room;
    ByteVec in = data;
    CK_RV rv = With(h, [&](p11_session *s) { return p11be_C_Sign(s, in.data(), in.size(), out.data(), &len); });
    if (rv == CKR_OK && signature != nullptr) {
        out.resize(len);
        *signature = out;
    }
    return rv;
}

CK_RV KeyRulesTest::SignLengthQuery(const ByteVec &data, CK_ULONG *length)
{
    ByteVec in = data;
    return With(h, [&](p11_session *s) { return p11be_C_Sign(s, in.data(), in.size(), nullptr, length); });
}

CK_RV KeyRulesTest::SignUpdate(const ByteVec &part)
{
    ByteVec in = part;
    return With(h, [&](p11_session *s) { return p11be_C_SignUpdate(s, in.data(), in.size()); });
}

CK_RV KeyRulesTest::SignFinal(ByteVec *signature, CK_ULONG room)
{
    ByteVec out(room);
    CK_ULONG len = room;
    CK_RV rv = With(h, [&](p11_session *s) { return p11be_C_SignFinal(s, out.data(), &len); });
    if (rv == CKR_OK && signature != nullptr) {
        out.resize(len);
        *signature = out;
    }
    return rv;
}

CK_RV KeyRulesTest::SignFinalLengthQuery(CK_ULONG *length)
{
    return With(h, [&](p11_session *s) { return p11be_C_SignFinal(s, nullptr, length); });
}

CK_RV KeyRulesTest::VerifyUpdate(const ByteVec &part)
{
    ByteVec in = part;
    return With(h, [&](p11_session *s) { return p11be_C_VerifyUpdate(s, in.data(), in.size()); });
}

CK_RV KeyRulesTest::Verify(const ByteVec &data, const ByteVec &signature)
{
    ByteVec in = data;
    ByteVec sig = signature;
    return With(h, [&](p11_session *s) { return p11be_C_Verify(s, in.data(), in.size(), sig.data(), sig.size()); });
}

CK_RV KeyRulesTest::ContextLogin(const char *pin)
{
    return Login(h, CKU_CONTEXT_SPECIFIC, pin);
}

} // namespace p11test
