/* Test support (see openssl_keys.h). */
#include "openssl_keys.h"

#include <cstdio>
#include <cstdlib>
#include <map>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

namespace p11test {

using p11::SignEngine;
using p11::SignPurpose;

const Bytes kP256Params = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
const Bytes kP384Params = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "OpenSSL test support failed: %s\n", what);
    std::abort();
}

Bytes bn_bytes(EVP_PKEY *pkey, const char *name, int pad = 0)
{
    BIGNUM *bn = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) {
        fail(name);
    }
    int len = pad > 0 ? pad : BN_num_bytes(bn);
    Bytes out(static_cast<std::size_t>(len));
    if (pad > 0) {
        BN_bn2binpad(bn, out.data(), len);
    } else {
        BN_bn2bin(bn, out.data());
    }
    BN_clear_free(bn);
    return out;
}

Bytes ec_raw_point(EVP_PKEY *pkey)
{
    unsigned char buf[200];
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, buf, sizeof buf, &len) != 1) {
        fail("EC public key");
    }
    return Bytes(buf, buf + len);
}

Bytes der_octet_string(const Bytes &content)
{
    Bytes der = {0x04, static_cast<unsigned char>(content.size())};
    der.insert(der.end(), content.begin(), content.end());
    return der;
}

void push_bn(OSSL_PARAM_BLD *bld, const char *name, const p11::ByteView *value, std::vector<BIGNUM *> *keep)
{
    BIGNUM *bn = BN_bin2bn(value->data(), static_cast<int>(value->size()), nullptr);
    keep->push_back(bn);
    OSSL_PARAM_BLD_push_BN(bld, name, bn);
}

Pkey pkey_from_params(const char *type, OSSL_PARAM_BLD *bld, int selection)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
    EVP_PKEY *pkey = nullptr;
    if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx) != 1 || EVP_PKEY_fromdata(ctx, &pkey, selection, params) != 1) {
        fail("EVP_PKEY_fromdata");
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return Pkey(pkey);
}

CK_OBJECT_CLASS class_for(CK_KEY_TYPE key_type, SignPurpose purpose)
{
    if (key_type == CKK_GENERIC_SECRET) {
        return CKO_SECRET_KEY;
    }
    return purpose == SignPurpose::sign ? CKO_PRIVATE_KEY : CKO_PUBLIC_KEY;
}

} // namespace

Bytes bytes_of(const std::string &text)
{
    return Bytes(text.begin(), text.end());
}

Bytes from_hex(const std::string &hex)
{
    Bytes out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<unsigned char>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    }
    return out;
}

std::string to_hex(p11::ByteView bytes)
{
    static const char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
    return out;
}

Pkey ossl_ec_generate(const char *group)
{
    EVP_PKEY *pkey = EVP_EC_gen(group);
    if (pkey == nullptr) {
        fail("EVP_EC_gen");
    }
    return Pkey(pkey);
}

EVP_PKEY *ossl_rsa_cached(unsigned bits)
{
    static std::map<unsigned, Pkey> cache;
    auto it = cache.find(bits);
    if (it == cache.end()) {
        EVP_PKEY *pkey = EVP_RSA_gen(bits);
        if (pkey == nullptr) {
            fail("EVP_RSA_gen");
        }
        it = cache.emplace(bits, Pkey(pkey)).first;
    }
    return it->second.get();
}

AttributeSet ec_private_attrs(EVP_PKEY *pkey, const Bytes &params, bool with_point)
{
    AttributeSet attrs;
    int field = (EVP_PKEY_get_bits(pkey) + 7) / 8;
    attrs.set(CKA_EC_PARAMS, params.data(), params.size());
    Bytes d = bn_bytes(pkey, OSSL_PKEY_PARAM_PRIV_KEY, field);
    attrs.set(CKA_VALUE, d.data(), d.size());
    if (with_point) {
        Bytes point = der_octet_string(ec_raw_point(pkey));
        attrs.set(CKA_EC_POINT, point.data(), point.size());
    }
    return attrs;
}

AttributeSet ec_public_attrs(EVP_PKEY *pkey, const Bytes &params)
{
    AttributeSet attrs;
    attrs.set(CKA_EC_PARAMS, params.data(), params.size());
    Bytes point = der_octet_string(ec_raw_point(pkey));
    attrs.set(CKA_EC_POINT, point.data(), point.size());
    return attrs;
}

AttributeSet rsa_private_attrs(EVP_PKEY *pkey)
{
    const std::pair<CK_ATTRIBUTE_TYPE, const char *> kParts[] = {
        {CKA_MODULUS, OSSL_PKEY_PARAM_RSA_N},
        {CKA_PUBLIC_EXPONENT, OSSL_PKEY_PARAM_RSA_E},
        {CKA_PRIVATE_EXPONENT, OSSL_PKEY_PARAM_RSA_D},
        {CKA_PRIME_1, OSSL_PKEY_PARAM_RSA_FACTOR1},
        {CKA_PRIME_2, OSSL_PKEY_PARAM_RSA_FACTOR2},
        {CKA_EXPONENT_1, OSSL_PKEY_PARAM_RSA_EXPONENT1},
        {CKA_EXPONENT_2, OSSL_PKEY_PARAM_RSA_EXPONENT2},
        {CKA_COEFFICIENT, OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
    };
    AttributeSet attrs;
    for (const auto &part : kParts) {
        Bytes value = bn_bytes(pkey, part.second);
        attrs.set(part.first, value.data(), value.size());
    }
    return attrs;
}

AttributeSet rsa_public_attrs(EVP_PKEY *pkey)
{
    AttributeSet attrs;
    Bytes n = bn_bytes(pkey, OSSL_PKEY_PARAM_RSA_N);
    Bytes e = bn_bytes(pkey, OSSL_PKEY_PARAM_RSA_E);
    attrs.set(CKA_MODULUS, n.data(), n.size());
    attrs.set(CKA_PUBLIC_EXPONENT, e.data(), e.size());
    return attrs;
}

Pkey ec_pkey_from_attrs(const AttributeSet &attrs, const char *group)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    std::vector<BIGNUM *> keep;
    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
    const p11::ByteView *point = attrs.get(CKA_EC_POINT);
    if (point == nullptr) {
        fail("CKA_EC_POINT");
    }
    Bytes raw(point->begin() + 2, point->end()); // after the OCTET STRING header
    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, raw.data(), raw.size());
    const p11::ByteView *value = attrs.get(CKA_VALUE);
    if (value != nullptr) {
        push_bn(bld, OSSL_PKEY_PARAM_PRIV_KEY, value, &keep);
    }
    Pkey pkey = pkey_from_params("EC", bld, value != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
    OSSL_PARAM_BLD_free(bld);
    for (BIGNUM *bn : keep) {
        BN_clear_free(bn);
    }
    return pkey;
}

Pkey rsa_pkey_from_attrs(const AttributeSet &attrs)
{
    const std::pair<CK_ATTRIBUTE_TYPE, const char *> kParts[] = {
        {CKA_MODULUS, OSSL_PKEY_PARAM_RSA_N},
        {CKA_PUBLIC_EXPONENT, OSSL_PKEY_PARAM_RSA_E},
        {CKA_PRIVATE_EXPONENT, OSSL_PKEY_PARAM_RSA_D},
        {CKA_PRIME_1, OSSL_PKEY_PARAM_RSA_FACTOR1},
        {CKA_PRIME_2, OSSL_PKEY_PARAM_RSA_FACTOR2},
        {CKA_EXPONENT_1, OSSL_PKEY_PARAM_RSA_EXPONENT1},
        {CKA_EXPONENT_2, OSSL_PKEY_PARAM_RSA_EXPONENT2},
        {CKA_COEFFICIENT, OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
    };
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    std::vector<BIGNUM *> keep;
    bool is_private = attrs.has(CKA_PRIVATE_EXPONENT);
    for (const auto &part : kParts) {
        if (attrs.has(part.first)) {
            push_bn(bld, part.second, attrs.get(part.first), &keep);
        }
    }
    Pkey pkey = pkey_from_params("RSA", bld, is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
    OSSL_PARAM_BLD_free(bld);
    for (BIGNUM *bn : keep) {
        BN_clear_free(bn);
    }
    return pkey;
}

Bytes ossl_hash(const EVP_MD *md, const Bytes &data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) {
        fail("EVP_Digest");
    }
    return Bytes(out, out + len);
}

Bytes sha256_digest_info(const Bytes &data)
{
    Bytes info = from_hex("3031300d060960864801650304020105000420");
    Bytes hash = ossl_hash(EVP_sha256(), data);
    info.insert(info.end(), hash.begin(), hash.end());
    return info;
}

Bytes ecdsa_der_to_raw(const Bytes &der, std::size_t field_bytes)
{
    const unsigned char *p = der.data();
    ECDSA_SIG *sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    if (sig == nullptr) {
        fail("d2i_ECDSA_SIG");
    }
    const BIGNUM *r = nullptr;
    const BIGNUM *s = nullptr;
    ECDSA_SIG_get0(sig, &r, &s);
    Bytes raw(2 * field_bytes);
    BN_bn2binpad(r, raw.data(), static_cast<int>(field_bytes));
    BN_bn2binpad(s, raw.data() + field_bytes, static_cast<int>(field_bytes));
    ECDSA_SIG_free(sig);
    return raw;
}

Bytes ecdsa_raw_to_der(const Bytes &raw)
{
    const int half = static_cast<int>(raw.size() / 2);
    ECDSA_SIG *sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(raw.data(), half, nullptr), BN_bin2bn(raw.data() + half, half, nullptr));
    unsigned char *der = nullptr;
    int len = i2d_ECDSA_SIG(sig, &der);
    Bytes out(der, der + (len > 0 ? len : 0));
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
    return out;
}

Bytes ossl_sign(EVP_PKEY *pkey, const Bytes &input, const Configure &configure)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
    if (ctx == nullptr || EVP_PKEY_sign_init(ctx) != 1) {
        fail("EVP_PKEY_sign_init");
    }
    if (configure) {
        configure(ctx);
    }
    std::size_t len = 0;
    if (EVP_PKEY_sign(ctx, nullptr, &len, input.data(), input.size()) != 1) {
        fail("EVP_PKEY_sign length");
    }
    Bytes sig(len);
    if (EVP_PKEY_sign(ctx, sig.data(), &len, input.data(), input.size()) != 1) {
        fail("EVP_PKEY_sign");
    }
    sig.resize(len);
    EVP_PKEY_CTX_free(ctx);
    return sig;
}

bool ossl_verify(EVP_PKEY *pkey, const Bytes &input, const Bytes &sig, const Configure &configure)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
    if (ctx == nullptr || EVP_PKEY_verify_init(ctx) != 1) {
        fail("EVP_PKEY_verify_init");
    }
    if (configure) {
        configure(ctx);
    }
    bool ok = EVP_PKEY_verify(ctx, sig.data(), sig.size(), input.data(), input.size()) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

Bytes ossl_digest_sign(EVP_PKEY *pkey, const EVP_MD *md, const Bytes &data, const Configure &configure)
{
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = nullptr;
    if (EVP_DigestSignInit(mctx, &pctx, md, nullptr, pkey) != 1) {
        fail("EVP_DigestSignInit");
    }
    if (configure) {
        configure(pctx);
    }
    std::size_t len = 0;
    if (EVP_DigestSign(mctx, nullptr, &len, data.data(), data.size()) != 1) {
        fail("EVP_DigestSign length");
    }
    Bytes sig(len);
    if (EVP_DigestSign(mctx, sig.data(), &len, data.data(), data.size()) != 1) {
        fail("EVP_DigestSign");
    }
    sig.resize(len);
    EVP_MD_CTX_free(mctx);
    return sig;
}

bool ossl_digest_verify(EVP_PKEY *pkey, const EVP_MD *md, const Bytes &data, const Bytes &sig,
                        const Configure &configure)
{
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = nullptr;
    if (EVP_DigestVerifyInit(mctx, &pctx, md, nullptr, pkey) != 1) {
        fail("EVP_DigestVerifyInit");
    }
    if (configure) {
        configure(pctx);
    }
    bool ok = EVP_DigestVerify(mctx, sig.data(), sig.size(), data.data(), data.size()) == 1;
    EVP_MD_CTX_free(mctx);
    return ok;
}

Bytes ossl_rsa_public_raw(EVP_PKEY *pkey, const Bytes &sig)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
    if (ctx == nullptr || EVP_PKEY_verify_recover_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) != 1) {
        fail("EVP_PKEY_verify_recover_init");
    }
    Bytes out(sig.size());
    std::size_t len = out.size();
    if (EVP_PKEY_verify_recover(ctx, out.data(), &len, sig.data(), sig.size()) != 1) {
        fail("EVP_PKEY_verify_recover");
    }
    out.resize(len);
    EVP_PKEY_CTX_free(ctx);
    return out;
}

Bytes ossl_rsa_private_raw(EVP_PKEY *pkey, const Bytes &block)
{
    return ossl_sign(pkey, block, [](EVP_PKEY_CTX *ctx) { EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING); });
}

CK_MECHANISM mechanism(CK_MECHANISM_TYPE type, void *param, CK_ULONG param_len)
{
    CK_MECHANISM mech;
    mech.mechanism = type;
    mech.pParameter = param;
    mech.ulParameterLen = param_len;
    return mech;
}

CK_RV engine_init_result(const CK_MECHANISM &mech, CK_KEY_TYPE key_type, CK_OBJECT_CLASS key_class,
                         const AttributeSet &key, SignPurpose purpose)
{
    SignEngine *engine = nullptr;
    CK_RV rv = p11::sign_engine_init(&mech, key_type, key_class, key, purpose, test_rng(), &engine);
    p11::sign_engine_free(engine);
    return rv;
}

CK_RV engine_sign(const CK_MECHANISM &mech, CK_KEY_TYPE key_type, const AttributeSet &key, const Bytes &data,
                  Bytes *sig)
{
    SignEngine *engine = nullptr;
    CK_RV rv = p11::sign_engine_init(&mech, key_type, class_for(key_type, SignPurpose::sign), key, SignPurpose::sign,
                                     test_rng(), &engine);
    if (rv != CKR_OK) {
        return rv;
    }
    sig->assign(p11::sign_engine_signature_length(engine), 0);
    CK_ULONG len = 0;
    rv = p11::sign_engine_sign(engine, data.data(), data.size(), sig->data(), &len);
    if (rv == CKR_OK) {
        sig->resize(len);
    }
    p11::sign_engine_free(engine);
    return rv;
}

CK_RV engine_verify(const CK_MECHANISM &mech, CK_KEY_TYPE key_type, const AttributeSet &key, const Bytes &data,
                    const Bytes &sig)
{
    SignEngine *engine = nullptr;
    CK_RV rv = p11::sign_engine_init(&mech, key_type, class_for(key_type, SignPurpose::verify), key,
                                     SignPurpose::verify, test_rng(), &engine);
    if (rv != CKR_OK) {
        return rv;
    }
    rv = p11::sign_engine_verify(engine, data.data(), data.size(), sig.data(), sig.size());
    p11::sign_engine_free(engine);
    return rv;
}

CK_RV engine_sign_parts(const CK_MECHANISM &mech, CK_KEY_TYPE key_type, const AttributeSet &key, const Bytes &data,
                        std::size_t part, Bytes *sig)
{
    SignEngine *engine = nullptr;
    CK_RV rv = p11::sign_engine_init(&mech, key_type, class_for(key_type, SignPurpose::sign), key, SignPurpose::sign,
                                     test_rng(), &engine);
    for (std::size_t off = 0; rv == CKR_OK && off < data.size(); off += part) {
        std::size_t n = std::min(part, data.size() - off);
        rv = p11::sign_engine_update(engine, data.data() + off, n);
    }
    if (rv == CKR_OK) {
        sig->assign(p11::sign_engine_signature_length(engine), 0);
        CK_ULONG len = 0;
        rv = p11::sign_engine_sign_final(engine, sig->data(), &len);
        if (rv == CKR_OK) {
            sig->resize(len);
        }
    }
    p11::sign_engine_free(engine);
    return rv;
}

CK_RV engine_verify_parts(const CK_MECHANISM &mech, CK_KEY_TYPE key_type, const AttributeSet &key, const Bytes &data,
                          std::size_t part, const Bytes &sig)
{
    SignEngine *engine = nullptr;
    CK_RV rv = p11::sign_engine_init(&mech, key_type, class_for(key_type, SignPurpose::verify), key,
                                     SignPurpose::verify, test_rng(), &engine);
    for (std::size_t off = 0; rv == CKR_OK && off < data.size(); off += part) {
        std::size_t n = std::min(part, data.size() - off);
        rv = p11::sign_engine_update(engine, data.data() + off, n);
    }
    if (rv == CKR_OK) {
        rv = p11::sign_engine_verify_final(engine, sig.data(), sig.size());
    }
    p11::sign_engine_free(engine);
    return rv;
}

} // namespace p11test
