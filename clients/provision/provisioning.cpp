// Provisioning as a FreeRTOS device does it: a key pair generated in the
// token under the FreeRTOS labels, then the certificate a CA issued for it
// stored beside it, and read back.
#include <cstdio>

#include "commands.h"
#include "der_files.h"

namespace provision {
namespace {

// DER OID of prime256v1 (RFC 5480 §2.1.1.1), FREERTOS.md's CKA_EC_PARAMS.
const CK_BYTE kP256Params[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};

// The CKA_ID of the token's public key that the certificate certifies
// (same CKA_EC_POINT, or same CKA_MODULUS), so that clients pair the
// certificate with its key as they pair the key halves; empty when none.
CK_RV IdOfCertifiedKey(TokenSession &token, const PublicKeyAttributes &key, Bytes *id)
{
    id->clear();
    CK_OBJECT_CLASS klass = CKO_PUBLIC_KEY;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &klass, sizeof klass}};
    std::vector<CK_OBJECT_HANDLE> keys;
    CK_RV rv = token.Find(tmpl, 1, &keys);
    if (rv != CKR_OK) {
        return rv;
    }
    for (CK_OBJECT_HANDLE handle : keys) {
        Bytes value;
        // A key of the other type answers CKR_ATTRIBUTE_TYPE_INVALID: not this one.
        if (token.Attribute(handle, key.is_ec ? CKA_EC_POINT : CKA_MODULUS, &value) != CKR_OK ||
            value != (key.is_ec ? key.ec_point : key.modulus)) {
            continue;
        }
        return Report(token.Attribute(handle, CKA_ID, id), "C_GetAttributeValue(CKA_ID)");
    }
    return CKR_OK;
}

} // namespace

std::string Hex(const Bytes &bytes)
{
    static const char kDigits[] = "0123456789abcdef";
    std::string text;
    for (unsigned char byte : bytes) {
        text += kDigits[byte >> 4];
        text += kDigits[byte & 0x0f];
    }
    return text;
}

CK_RV DestroyByLabel(TokenSession &token, CK_OBJECT_CLASS klass, const std::string &label)
{
    std::vector<CK_OBJECT_HANDLE> found;
    CK_RV rv = token.FindByLabel(klass, label, &found);
    for (size_t i = 0; rv == CKR_OK && i < found.size(); ++i) {
        rv = Report(token.fl()->C_DestroyObject(token.session(), found[i]), "C_DestroyObject");
        if (rv == CKR_OK) {
            std::printf("replaced the previous \"%s\"\n", label.c_str());
        }
    }
    return rv;
}

int Keygen(TokenSession &token, const KeygenOptions &options)
{
    CK_FUNCTION_LIST *fl = token.fl();
    Bytes id = options.id;
    if (!options.no_id && id.empty()) {
        // The FreeRTOS subset has no C_SetAttributeValue, so the CKA_ID must
        // be in the templates, before the public point exists (OpenSC's
        // SHA-1 of the point is not possible): 20 random bytes, the size of
        // that hash.
        id.resize(20);
        if (Report(fl->C_GenerateRandom(token.session(), id.data(), id.size()), "C_GenerateRandom") != CKR_OK) {
            return kExitError;
        }
    }
    // FreeRTOS's provisioning replaces the device key pair.
    if (DestroyByLabel(token, CKO_PRIVATE_KEY, options.private_label) != CKR_OK ||
        DestroyByLabel(token, CKO_PUBLIC_KEY, options.public_label) != CKR_OK) {
        return kExitError;
    }

    bool ec = options.key_type == "ec";
    CK_KEY_TYPE key_type = ec ? CKK_EC : CKK_RSA;
    CK_BBOOL yes = CK_TRUE;
    CK_ULONG modulus_bits = 2048;
    CK_BYTE exponent[] = {0x01, 0x00, 0x01};
    auto *priv_label = const_cast<char *>(options.private_label.data());
    auto *pub_label = const_cast<char *>(options.public_label.data());
    // FreeRTOS's templates (corePKCS11's provisioning demo), plus:
    // - CKA_TOKEN on the public half: FreeRTOS leaves it out, which in
    //   v2.40 §4.4 makes a session object that is gone when this tool exits;
    //   corePKCS11 keeps it only because its PAL stores by label.
    // - CKA_ID on both halves: OpenSSL's pkcs11 engine (libp11 0.4.12) reads
    //   the EC public point from the CKO_PUBLIC_KEY with the private key's
    //   CKA_ID (CKA_EC_POINT is not a private-key attribute in v2.40); without
    //   an ID it finds no public key and cannot make a CSR.
    std::vector<CK_ATTRIBUTE> pub = {{CKA_KEY_TYPE, &key_type, sizeof key_type},
                                     {CKA_VERIFY, &yes, sizeof yes},
                                     {CKA_LABEL, pub_label, options.public_label.size()},
                                     {CKA_TOKEN, &yes, sizeof yes}};
    std::vector<CK_ATTRIBUTE> priv = {{CKA_KEY_TYPE, &key_type, sizeof key_type},
                                      {CKA_TOKEN, &yes, sizeof yes},
                                      {CKA_PRIVATE, &yes, sizeof yes},
                                      {CKA_SIGN, &yes, sizeof yes},
                                      {CKA_LABEL, priv_label, options.private_label.size()}};
    if (ec) {
        pub.push_back({CKA_EC_PARAMS, const_cast<CK_BYTE *>(kP256Params), sizeof kP256Params});
    } else {
        pub.push_back({CKA_MODULUS_BITS, &modulus_bits, sizeof modulus_bits});
        pub.push_back({CKA_PUBLIC_EXPONENT, exponent, sizeof exponent});
    }
    if (!id.empty()) {
        pub.push_back({CKA_ID, id.data(), id.size()});
        priv.push_back({CKA_ID, id.data(), id.size()});
    }
    CK_MECHANISM mechanism{ec ? CKM_EC_KEY_PAIR_GEN : CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE pub_handle = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE priv_handle = CK_INVALID_HANDLE;
    CK_RV rv = fl->C_GenerateKeyPair(token.session(), &mechanism, pub.data(), pub.size(), priv.data(), priv.size(),
                                     &pub_handle, &priv_handle);
    if (Report(rv, ec ? "C_GenerateKeyPair(CKM_EC_KEY_PAIR_GEN, P-256)"
                      : "C_GenerateKeyPair(CKM_RSA_PKCS_KEY_PAIR_GEN, 2048)") != CKR_OK) {
        return kExitError;
    }
    std::printf("generated %s key pair \"%s\" / \"%s\", CKA_ID %s\n", ec ? "EC P-256" : "RSA-2048",
                options.private_label.c_str(), options.public_label.c_str(), id.empty() ? "(none)" : Hex(id).c_str());
    return kExitOk;
}

int ImportCert(TokenSession &token, const std::string &path, const CertOptions &options)
{
    Certificate cert;
    if (!ReadCertificate(path, &cert)) {
        return kExitError;
    }
    Bytes id = options.id;
    if (id.empty()) {
        if (IdOfCertifiedKey(token, cert.key, &id) != CKR_OK) {
            return kExitError;
        }
        if (id.empty()) {
            std::fprintf(stderr, "note: no public key on the token with an ID matches the certificate; "
                                 "storing it without CKA_ID\n");
        }
    }
    if (DestroyByLabel(token, CKO_CERTIFICATE, options.label) != CKR_OK) {
        return kExitError;
    }
    CK_OBJECT_CLASS klass = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE cert_type = CKC_X_509;
    CK_BBOOL yes = CK_TRUE;
    // FreeRTOS's certificate template (class, type, value, label, token,
    // subject), plus issuer and serial (v2.40 §4.6.3) and the key's ID.
    std::vector<CK_ATTRIBUTE> tmpl = {{CKA_CLASS, &klass, sizeof klass},
                                      {CKA_CERTIFICATE_TYPE, &cert_type, sizeof cert_type},
                                      {CKA_TOKEN, &yes, sizeof yes},
                                      {CKA_LABEL, const_cast<char *>(options.label.data()), options.label.size()},
                                      {CKA_VALUE, cert.der.data(), cert.der.size()},
                                      {CKA_SUBJECT, cert.subject.data(), cert.subject.size()},
                                      {CKA_ISSUER, cert.issuer.data(), cert.issuer.size()},
                                      {CKA_SERIAL_NUMBER, cert.serial.data(), cert.serial.size()}};
    if (!id.empty()) {
        tmpl.push_back({CKA_ID, id.data(), id.size()});
    }
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    if (Report(token.fl()->C_CreateObject(token.session(), tmpl.data(), tmpl.size(), &handle),
               "C_CreateObject(CKO_CERTIFICATE)") != CKR_OK) {
        return kExitError;
    }
    std::printf("stored certificate \"%s\" (%zu bytes DER), CKA_ID %s\n", options.label.c_str(), cert.der.size(),
                id.empty() ? "(none)" : Hex(id).c_str());
    return kExitOk;
}

int ReadCert(TokenSession &token, const std::string &out_path, const CertOptions &options)
{
    std::vector<CK_OBJECT_HANDLE> found;
    if (token.FindByLabel(CKO_CERTIFICATE, options.label, &found) != CKR_OK) {
        return kExitError;
    }
    if (found.size() != 1) {
        std::fprintf(stderr, "%zu certificates labelled \"%s\" on the token (want one)\n", found.size(),
                     options.label.c_str());
        return kExitError;
    }
    Bytes der;
    if (Report(token.Attribute(found[0], CKA_VALUE, &der), "C_GetAttributeValue(CKA_VALUE)") != CKR_OK) {
        return kExitError;
    }
    return WriteFile(out_path, der) ? kExitOk : kExitError;
}

} // namespace provision
