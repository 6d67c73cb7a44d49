// Certificates, public keys and ECDSA signatures through libcrypto (see
// der_files.h). OpenSSL 3 interfaces only: the EC_KEY/RSA getters are
// deprecated there.
#include "der_files.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>

namespace provision {
namespace {

struct Free {
    void operator()(BIO *p) const { BIO_free(p); }
    void operator()(X509 *p) const { X509_free(p); }
    void operator()(EVP_PKEY *p) const { EVP_PKEY_free(p); }
    void operator()(BIGNUM *p) const { BN_free(p); }
    void operator()(ECDSA_SIG *p) const { ECDSA_SIG_free(p); }
};
template <typename T> using Owned = std::unique_ptr<T, Free>;

// i2d_* into a vector: the size pass, then the write pass.
template <typename T, typename F> bool Encode(const T *object, F i2d, Bytes *out)
{
    int size = i2d(object, nullptr);
    if (size <= 0) {
        return false;
    }
    out->resize(static_cast<size_t>(size));
    unsigned char *p = out->data();
    return i2d(object, &p) == size;
}

Bytes BignumBytes(const BIGNUM *bn)
{
    Bytes out(static_cast<size_t>(BN_num_bytes(bn)));
    BN_bn2bin(bn, out.data());
    return out;
}

bool PublicKeyOf(EVP_PKEY *pkey, PublicKeyAttributes *out)
{
    int type = EVP_PKEY_get_base_id(pkey);
    if (type == EVP_PKEY_RSA) {
        BIGNUM *n = nullptr;
        BIGNUM *e = nullptr;
        bool ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
                  EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) == 1;
        Owned<BIGNUM> hold_n(n), hold_e(e);
        if (!ok) {
            return false;
        }
        out->is_ec = false;
        out->modulus = BignumBytes(n);
        out->exponent = BignumBytes(e);
        return true;
    }
    if (type != EVP_PKEY_EC) {
        std::fprintf(stderr, "the key is neither EC nor RSA\n");
        return false;
    }
    char curve[64];
    size_t curve_len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, &curve_len) != 1) {
        std::fprintf(stderr, "the EC key has no named curve (explicit parameters are not supported)\n");
        return false;
    }
    int nid = OBJ_txt2nid(curve);
    const ASN1_OBJECT *oid = nid == NID_undef ? nullptr : OBJ_nid2obj(nid);
    if (oid == nullptr || !Encode(oid, i2d_ASN1_OBJECT, &out->ec_params)) {
        std::fprintf(stderr, "unknown curve %s\n", curve);
        return false;
    }
    // CKA_EC_POINT holds the uncompressed form, whatever the file used.
    unsigned char point[160];
    size_t point_len = 0;
    if (EVP_PKEY_set_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                       OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) != 1 ||
        EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point, &point_len) !=
            1 ||
        point_len == 0 || point[0] != 0x04 || point_len > 127) {
        std::fprintf(stderr, "cannot read the EC public point\n");
        return false;
    }
    // DER OCTET STRING, short-form length (P-256: 04 41 04‖X‖Y).
    out->is_ec = true;
    out->ec_point.assign({0x04, static_cast<unsigned char>(point_len)});
    out->ec_point.insert(out->ec_point.end(), point, point + point_len);
    return true;
}

} // namespace

bool ReadFile(const std::string &path, Bytes *data)
{
    std::FILE *file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        std::perror(path.c_str());
        return false;
    }
    data->clear();
    unsigned char block[65536];
    size_t got = 0;
    while ((got = std::fread(block, 1, sizeof block, file)) > 0) {
        data->insert(data->end(), block, block + got);
    }
    bool ok = std::ferror(file) == 0;
    (void)std::fclose(file); // read only: the read's own errors are checked above
    if (!ok) {
        std::fprintf(stderr, "%s: read error\n", path.c_str());
    }
    return ok;
}

bool WriteFile(const std::string &path, const Bytes &data)
{
    std::FILE *file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) {
        std::perror(path.c_str());
        return false;
    }
    bool ok = std::fwrite(data.data(), 1, data.size(), file) == data.size();
    ok = std::fclose(file) == 0 && ok;
    if (!ok) {
        std::fprintf(stderr, "%s: write error\n", path.c_str());
    }
    return ok;
}

bool ReadCertificate(const std::string &path, Certificate *out)
{
    Bytes file;
    if (!ReadFile(path, &file)) {
        return false;
    }
    Owned<BIO> bio(BIO_new_mem_buf(file.data(), static_cast<int>(file.size())));
    Owned<X509> cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!cert) {
        ERR_clear_error(); // not PEM: try DER
        const unsigned char *p = file.data();
        cert.reset(d2i_X509(nullptr, &p, static_cast<long>(file.size())));
    }
    if (!cert) {
        std::fprintf(stderr, "%s: not an X.509 certificate (PEM or DER)\n", path.c_str());
        return false;
    }
    if (!Encode(cert.get(), i2d_X509, &out->der) ||
        !Encode(X509_get_subject_name(cert.get()), i2d_X509_NAME, &out->subject) ||
        !Encode(X509_get_issuer_name(cert.get()), i2d_X509_NAME, &out->issuer) ||
        !Encode(X509_get0_serialNumber(cert.get()), i2d_ASN1_INTEGER, &out->serial)) {
        std::fprintf(stderr, "%s: cannot encode the certificate's fields\n", path.c_str());
        return false;
    }
    EVP_PKEY *key = X509_get0_pubkey(cert.get());
    if (key == nullptr || !PublicKeyOf(key, &out->key)) {
        std::fprintf(stderr, "%s: cannot read the certificate's public key\n", path.c_str());
        return false;
    }
    return true;
}

bool ReadPublicKey(const std::string &path, PublicKeyAttributes *out)
{
    Bytes file;
    if (!ReadFile(path, &file)) {
        return false;
    }
    Owned<BIO> bio(BIO_new_mem_buf(file.data(), static_cast<int>(file.size())));
    Owned<EVP_PKEY> key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key) {
        ERR_clear_error(); // not PEM: try DER
        const unsigned char *p = file.data();
        key.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(file.size())));
    }
    if (!key) {
        std::fprintf(stderr, "%s: not a public key (PEM or DER SubjectPublicKeyInfo)\n", path.c_str());
        return false;
    }
    return PublicKeyOf(key.get(), out);
}

bool EcdsaDerToRaw(const Bytes &der, size_t field_bytes, Bytes *raw)
{
    const unsigned char *p = der.data();
    Owned<ECDSA_SIG> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    // Trailing bytes after the SEQUENCE make it malformed too.
    if (!sig || p != der.data() + der.size()) {
        return false;
    }
    const BIGNUM *r = nullptr;
    const BIGNUM *s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    if (static_cast<size_t>(BN_num_bytes(r)) > field_bytes || static_cast<size_t>(BN_num_bytes(s)) > field_bytes) {
        return false;
    }
    raw->assign(2 * field_bytes, 0);
    int width = static_cast<int>(field_bytes);
    return BN_bn2binpad(r, raw->data(), width) == width && BN_bn2binpad(s, raw->data() + field_bytes, width) == width;
}

size_t FieldBytesOfPoint(const Bytes &ec_point)
{
    // 04 len 04‖X‖Y with a short-form length: P-256 and P-384.
    if (ec_point.size() < 4 || ec_point[0] != 0x04 || ec_point[1] >= 0x80 ||
        static_cast<size_t>(ec_point[1]) + 2 != ec_point.size() || ec_point[2] != 0x04 || (ec_point[1] - 1) % 2 != 0) {
        return 0;
    }
    return (ec_point[1] - 1u) / 2u;
}

} // namespace provision
