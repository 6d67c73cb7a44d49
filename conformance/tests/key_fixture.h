// What the behaviour tests that use keys share: key templates for keys OpenSSL
// made (the reference), key pairs the module generates, signing and verifying
// with the v2.40 §5.2 length query, a self-signed certificate, and cleanup of
// every object a test made, so fixed-label stores get their labels back.
#ifndef P11CONF_TESTS_KEY_FIXTURE_H
#define P11CONF_TESTS_KEY_FIXTURE_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstring>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "module_fixture.h"
#include "named_curves.h"
#include "openssl_reference.h"

namespace p11conf {

namespace ref = reference;

// CKA_EC_PARAMS of P-256 (as FreeRTOS passes it) and of P-384 (named_curves.h: defined
// before these in every file that includes this one, so initialized first).
inline const ByteVector kP256Params = CurveNamed("P-256").der_oid;
inline const ByteVector kP384Params = CurveNamed("P-384").der_oid;
inline const ByteVector kMessage = {'F', 'r', 'e', 'e', 'R', 'T', 'O', 'S', ' ', 'P', 'K', 'C', 'S', '#', '1', '1'};

// One RSA key per size and run: OpenSSL takes a while to make one.
inline const ref::RsaKey &ReferenceRsaKeyOfSize(CK_ULONG bits)
{
    static std::mutex lock; // thread cases ask at once
    static std::map<CK_ULONG, ref::RsaKey> keys;
    const std::lock_guard<std::mutex> hold(lock);
    auto found = keys.find(bits);
    if (found == keys.end()) {
        found = keys.emplace(bits, ref::GenerateRsaKey(static_cast<int>(bits))).first;
    }
    return found->second;
}

inline const ref::RsaKey &ReferenceRsaKey()
{
    return ReferenceRsaKeyOfSize(2048);
}

// A 32-byte HMAC key.
inline ByteVector HmacSecret()
{
    ByteVector secret(32);
    for (size_t i = 0; i < secret.size(); ++i) {
        secret[i] = static_cast<unsigned char>(0x30 + i);
    }
    return secret;
}

// The value of CKA_ALLOWED_MECHANISMS: an array of CK_MECHANISM_TYPE.
inline ByteVector MechanismList(std::initializer_list<CK_MECHANISM_TYPE> types)
{
    ByteVector out(types.size() * sizeof(CK_MECHANISM_TYPE));
    if (!out.empty()) {
        std::memcpy(out.data(), types.begin(), out.size());
    }
    return out;
}

// A mechanism with the parameters this suite uses: PSS with SHA-256, MGF1
// SHA-256 and a 32-byte salt; the others take none.
class Mechanism {
  public:
    explicit Mechanism(CK_MECHANISM_TYPE type) : value_{type, nullptr, 0}
    {
        if (type == CKM_RSA_PKCS_PSS || type == CKM_SHA256_RSA_PKCS_PSS) {
            value_.pParameter = &pss_;
            value_.ulParameterLen = sizeof(pss_);
        }
    }
    Mechanism(const Mechanism &) = delete;
    Mechanism &operator=(const Mechanism &) = delete;
    CK_MECHANISM *get() { return &value_; }

  private:
    CK_RSA_PKCS_PSS_PARAMS pss_ = {CKM_SHA256, CKG_MGF1_SHA256, 32};
    CK_MECHANISM value_;
};

// A self-signed X.509 certificate (DER) and its subject name (DER).
struct Certificate {
    ByteVector der;
    ByteVector subject;
};

inline Certificate SelfSignedCertificate(const std::string &common_name)
{
    Certificate out;
    EVP_PKEY *key = EVP_EC_gen("prime256v1");
    X509 *cert = X509_new();
    if (key == nullptr || cert == nullptr) {
        ADD_FAILURE() << "OpenSSL could not make a certificate";
        EVP_PKEY_free(key);
        X509_free(cert);
        return out;
    }
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 0x11);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 86400L * 365);
    X509_set_pubkey(cert, key);
    X509_NAME *name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>(common_name.c_str()),
                               -1, -1, 0);
    X509_set_issuer_name(cert, name);
    if (X509_sign(cert, key, EVP_sha256()) > 0) {
        out.der.resize(static_cast<size_t>(i2d_X509(cert, nullptr)));
        unsigned char *cursor = out.der.data();
        i2d_X509(cert, &cursor);
        out.subject.resize(static_cast<size_t>(i2d_X509_NAME(name, nullptr)));
        cursor = out.subject.data();
        i2d_X509_NAME(name, &cursor);
    } else {
        ADD_FAILURE() << "OpenSSL could not sign a certificate";
    }
    X509_free(cert);
    EVP_PKEY_free(key);
    return out;
}

// Templates without CKA_TOKEN and CKA_LABEL (the fixture adds them).
inline Template EcPublicTemplate(const ref::EcKey &key)
{
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_VERIFY, true);
    tmpl.Bytes(CKA_EC_PARAMS, key.ec_params).Bytes(CKA_EC_POINT, ref::DerOctetString(key.point));
    return tmpl;
}

inline Template EcPrivateTemplate(const ref::EcKey &key)
{
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
    tmpl.Bytes(CKA_EC_PARAMS, key.ec_params).Bytes(CKA_VALUE, key.private_value);
    return tmpl;
}

// An X.509 certificate object of cert: class, type, subject and value (v2.40 §4.6.3).
inline Template CertificateTemplate(const Certificate &cert)
{
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_CERTIFICATE).Ulong(CKA_CERTIFICATE_TYPE, CKC_X_509);
    tmpl.Bytes(CKA_SUBJECT, cert.subject).Bytes(CKA_VALUE, cert.der);
    return tmpl;
}

inline Template RsaPublicTemplate(const ref::RsaKey &key)
{
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_RSA).Bool(CKA_VERIFY, true);
    tmpl.Bytes(CKA_MODULUS, key.modulus).Bytes(CKA_PUBLIC_EXPONENT, key.public_exponent);
    return tmpl;
}

inline Template RsaPrivateTemplate(const ref::RsaKey &key)
{
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_RSA).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
    tmpl.Bytes(CKA_MODULUS, key.modulus).Bytes(CKA_PUBLIC_EXPONENT, key.public_exponent);
    tmpl.Bytes(CKA_PRIVATE_EXPONENT, key.private_exponent).Bytes(CKA_PRIME_1, key.prime_1);
    tmpl.Bytes(CKA_PRIME_2, key.prime_2).Bytes(CKA_EXPONENT_1, key.exponent_1);
    tmpl.Bytes(CKA_EXPONENT_2, key.exponent_2).Bytes(CKA_COEFFICIENT, key.coefficient);
    return tmpl;
}

inline Template HmacTemplate(const ByteVector &secret)
{
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET);
    tmpl.Bool(CKA_SIGN, true).Bool(CKA_VERIFY, true).Bytes(CKA_VALUE, secret);
    return tmpl;
}

// An AES key value of `size` bytes (16, 24 or 32).
inline ByteVector AesSecret(size_t size = 32)
{
    ByteVector secret(size);
    for (size_t i = 0; i < secret.size(); ++i) {
        secret[i] = static_cast<unsigned char>(0xA0 ^ (i * 7));
    }
    return secret;
}

// An AES secret key (CKO_SECRET_KEY, CKK_AES) for encryption and decryption.
inline Template AesTemplate(const ByteVector &secret)
{
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_AES);
    tmpl.Bool(CKA_ENCRYPT, true).Bool(CKA_DECRYPT, true).Bytes(CKA_VALUE, secret);
    return tmpl;
}

struct KeyPair {
    CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
    bool ok() const { return public_key != CK_INVALID_HANDLE && private_key != CK_INVALID_HANDLE; }
};

// Opens an R/W session and logs the user in (skipping when it cannot);
// destroys what the test kept, then removes what it provisioned.
class KeyTest : public ModuleTest {
  protected:
    void SetUp() override
    {
        ModuleTest::SetUp();
        ASSERT_NO_FATAL_FAILURE(Initialize());
        if (!OpenSession() || !LoginUser()) {
            GTEST_SKIP() << skip_reason();
        }
    }

    void TearDown() override
    {
        DestroyKept();
        ModuleTest::TearDown();
        RemoveProvisioned();
    }

    // Destroys the kept objects from a fresh logged-in R/W session (the test
    // may have logged out or left only R/O sessions open).
    void DestroyKept()
    {
        if (created_.empty() && kept_token_labels_.empty()) {
            return;
        }
        CK_SESSION_HANDLE cleanup = CK_INVALID_HANDLE;
        if (fl()->C_OpenSession(slot_, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &cleanup) == CKR_OK) {
            std::string pin = UserPin();
            if (!pin.empty()) {
                fl()->C_Login(cleanup, CKU_USER, reinterpret_cast<CK_UTF8CHAR *>(&pin[0]), pin.size());
            }
            for (auto object = created_.rbegin(); object != created_.rend(); ++object) {
                fl()->C_DestroyObject(cleanup, *object);
            }
            // A C_Logout in the test gave private token objects new handles
            // (v2.40 §5.6): those are found again by their label.
            for (const std::string &label : kept_token_labels_) {
                DestroyByLabel(cleanup, label);
            }
            fl()->C_CloseSession(cleanup);
        }
        created_.clear();
        kept_token_labels_.clear();
    }

    void DestroyByLabel(CK_SESSION_HANDLE session, const std::string &label)
    {
        CK_BBOOL on_token = CK_TRUE;
        CK_ATTRIBUTE query[] = {{CKA_LABEL, const_cast<char *>(label.data()), label.size()},
                                {CKA_TOKEN, &on_token, sizeof(on_token)}};
        CK_OBJECT_HANDLE found[8];
        CK_ULONG count = 0;
        if (fl()->C_FindObjectsInit(session, query, 2) != CKR_OK) {
            return;
        }
        fl()->C_FindObjects(session, found, 8, &count);
        fl()->C_FindObjectsFinal(session);
        for (CK_ULONG i = 0; i < count; ++i) {
            fl()->C_DestroyObject(session, found[i]);
        }
    }

    // Skips unless the module offers the mechanism with the flags.
    bool Offers(CK_MECHANISM_TYPE type, CK_FLAGS flags) { return MechanismOffers(type, flags); }

    // Offers(), and `bits` within the mechanism's ulMinKeySize..ulMaxKeySize
    // of CK_MECHANISM_INFO (bits for RSA and EC keys); else skip_reason().
    bool OffersKeySize(CK_MECHANISM_TYPE type, CK_FLAGS flags, CK_ULONG bits)
    {
        if (!Offers(type, flags)) {
            return false;
        }
        CK_MECHANISM_INFO info{};
        if (!MechanismInfoOf(type, &info) || bits < info.ulMinKeySize || bits > info.ulMaxKeySize) {
            skip_reason_ = "not applicable: the module does not offer " + MechanismName(type) + " with " +
                           std::to_string(bits) + "-bit keys";
            return false;
        }
        return true;
    }

    // The smallest usual RSA size (2048, 3072, 4096 bits) the module offers
    // `type` with (CK_MECHANISM_INFO); 2048 when it does not say. Cases that
    // only need some RSA key use it, so a profile of larger keys runs them.
    CK_ULONG OfferedRsaBits(CK_MECHANISM_TYPE type)
    {
        CK_MECHANISM_INFO info{};
        if (MechanismInfoOf(type, &info)) {
            for (CK_ULONG bits : {2048UL, 3072UL, 4096UL}) {
                if (bits >= info.ulMinKeySize && bits <= info.ulMaxKeySize) {
                    return bits;
                }
            }
        }
        return 2048;
    }

    CK_OBJECT_HANDLE Keep(CK_OBJECT_HANDLE object)
    {
        if (object != CK_INVALID_HANDLE) {
            created_.push_back(object);
        }
        return object;
    }

    // Keeps every object of `found` (a search's result) for cleanup.
    std::vector<CK_OBJECT_HANDLE> KeepAll(std::vector<CK_OBJECT_HANDLE> found)
    {
        for (CK_OBJECT_HANDLE object : found) {
            Keep(object);
        }
        return found;
    }

    // A label unique to the running test (see TestObjectLabel).
    std::string Label(const std::string &role, bool token_object = false) const
    {
        return TestObjectLabel(role, token_object);
    }

    // C_CreateObject of `tmpl` plus CKA_TOKEN and a label for `role`; kept for cleanup.
    CK_OBJECT_HANDLE CreateObject(Template &tmpl, const std::string &role, bool token)
    {
        tmpl.Bool(CKA_TOKEN, token).Text(CKA_LABEL, Label(role, token));
        if (token) {
            kept_token_labels_.push_back(Label(role, token));
        }
        return Keep(Create(tmpl));
    }

    // C_CreateObject of `tmpl` as a session object labelled for `role`, for a
    // test that checks the result itself; an object it makes is kept for
    // cleanup and its handle stored in *object.
    CK_RV TryCreateObject(Template &tmpl, const std::string &role, CK_OBJECT_HANDLE *object = nullptr)
    {
        tmpl.Bool(CKA_TOKEN, false).Text(CKA_LABEL, Label(role, false));
        CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
        const CK_RV rv = fl()->C_CreateObject(session_, tmpl.data(), tmpl.size(), &handle);
        if (rv == CKR_OK) {
            Keep(handle);
        }
        if (object != nullptr) {
            *object = rv == CKR_OK ? handle : CK_INVALID_HANDLE;
        }
        return rv;
    }

    // One attribute read in two calls (size, then value); the return code
    // of the first failing call, the value in *value.
    CK_RV ReadAttribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type, ByteVector *value, CK_ULONG *length = nullptr)
    {
        CK_ATTRIBUTE query = {type, nullptr, 0};
        CK_RV rv = fl()->C_GetAttributeValue(session_, object, &query, 1);
        if (length != nullptr) {
            *length = query.ulValueLen;
        }
        value->clear();
        if (rv != CKR_OK || query.ulValueLen == 0 || query.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
            return rv;
        }
        value->resize(query.ulValueLen);
        query.pValue = value->data();
        rv = fl()->C_GetAttributeValue(session_, object, &query, 1);
        value->resize(rv == CKR_OK ? query.ulValueLen : 0);
        return rv;
    }

    // Puts an object the test only reads or verifies with into the module: a
    // session object through C_CreateObject when the profile has it, else a
    // token object through the provisioning module (ModuleTest::Provision,
    // which re-initializes: make this the first object of the test).
    // CK_INVALID_HANDLE with skip_reason() when neither is possible.
    CK_OBJECT_HANDLE Install(Template &tmpl, const std::string &role, CK_OBJECT_CLASS klass)
    {
        if (ActiveProfile().Has("C_CreateObject")) {
            return CreateObject(tmpl, role, false);
        }
        const std::string label = Label(role, true);
        tmpl.Bool(CKA_TOKEN, true).Text(CKA_LABEL, label);
        return Provision(tmpl, label, klass);
    }

    // Install for a key the token may have no use for (no mechanism of the
    // token could use it: `may_decline`): its C_CreateObject may then
    // decline it with CKR_ATTRIBUTE_VALUE_INVALID or CKR_CURVE_NOT_SUPPORTED,
    // and CK_INVALID_HANDLE comes back with *declined set to that code. Any
    // other failure, or a decline of a key the token could use, fails the case.
    CK_OBJECT_HANDLE InstallUnlessDeclined(Template &tmpl, const std::string &role, CK_OBJECT_CLASS klass,
                                           bool may_decline, CK_RV *declined)
    {
        *declined = CKR_OK;
        if (!ActiveProfile().Has("C_CreateObject")) {
            return Install(tmpl, role, klass);
        }
        tmpl.Bool(CKA_TOKEN, false).Text(CKA_LABEL, Label(role, false));
        CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
        const CK_RV rv = fl()->C_CreateObject(session_, tmpl.data(), tmpl.size(), &handle);
        if (may_decline && (rv == CKR_ATTRIBUTE_VALUE_INVALID || rv == CKR_CURVE_NOT_SUPPORTED)) {
            *declined = rv;
            skip_reason_ = "not applicable: the token declines the key (" + RvName(rv) +
                           "), and no mechanism it offers could use it";
            return CK_INVALID_HANDLE;
        }
        EXPECT_RV_OF("C_CreateObject(session_, template, count, &handle)", rv, CKR_OK);
        return Keep(rv == CKR_OK ? handle : CK_INVALID_HANDLE);
    }

    // Does the token offer an RSA mechanism that needs a private key?
    bool OffersRsaPrivateOperation()
    {
        const CK_MECHANISM_TYPE rsa[] = {CKM_RSA_PKCS,           CKM_RSA_X_509,      CKM_SHA256_RSA_PKCS,
                                         CKM_SHA384_RSA_PKCS,    CKM_SHA512_RSA_PKCS, CKM_RSA_PKCS_PSS,
                                         CKM_SHA256_RSA_PKCS_PSS, CKM_RSA_PKCS_OAEP};
        for (CK_MECHANISM_TYPE type : rsa) {
            CK_MECHANISM_INFO info{};
            if (MechanismInfoOf(type, &info) &&
                (info.flags & (CKF_SIGN | CKF_SIGN_RECOVER | CKF_DECRYPT | CKF_UNWRAP)) != 0) {
                return true;
            }
        }
        return false;
    }

    // Install for several objects put at once (a key pair: one provisioning,
    // so neither handle goes stale): (template, role, class) each.
    struct Installed {
        Template *tmpl;
        std::string role;
        CK_OBJECT_CLASS klass;
    };
    std::vector<CK_OBJECT_HANDLE> InstallAll(const std::vector<Installed> &objects)
    {
        std::vector<CK_OBJECT_HANDLE> handles;
        if (ActiveProfile().Has("C_CreateObject")) {
            for (const Installed &object : objects) {
                handles.push_back(CreateObject(*object.tmpl, object.role, false));
            }
            return handles;
        }
        std::vector<Provided> provided;
        for (const Installed &object : objects) {
            const std::string label = Label(object.role, true);
            object.tmpl->Bool(CKA_TOKEN, true).Text(CKA_LABEL, label);
            provided.push_back({object.tmpl, label, object.klass});
        }
        return ProvisionAll(provided);
    }

    // An OpenSSL EC key's two halves under FreeRTOS's TLS roles, through
    // InstallAll: a token that signs with provisioned keys is judged too.
    KeyPair InstallEcPair(const ref::EcKey &key)
    {
        Template priv = EcPrivateTemplate(key);
        Template pub = EcPublicTemplate(key);
        const std::vector<CK_OBJECT_HANDLE> handles = InstallAll(
            {{&priv, "Device Priv TLS Key", CKO_PRIVATE_KEY}, {&pub, "Device Pub TLS Key", CKO_PUBLIC_KEY}});
        KeyPair pair;
        pair.private_key = handles[0];
        pair.public_key = handles[1];
        return pair;
    }

    // C_GenerateKeyPair with FreeRTOS's P-256 templates (the public key a
    // session object); CKA_SENSITIVE true on the private key when asked.
    KeyPair GenerateP256(bool token, bool sensitive = false) { return GenerateEc(kP256Params, token, sensitive); }

    // The same templates with another curve's CKA_EC_PARAMS.
    KeyPair GenerateEc(const ByteVector &ec_params, bool token, bool sensitive = false)
    {
        Template pub;
        pub.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_VERIFY, true).Bytes(CKA_EC_PARAMS, ec_params);
        pub.Text(CKA_LABEL, Label("Device Pub TLS Key"));
        Template priv;
        priv.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, token).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
        priv.Text(CKA_LABEL, Label("Device Priv TLS Key", token));
        if (sensitive) {
            priv.Bool(CKA_SENSITIVE, true);
        }
        return GeneratePair(CKM_EC_KEY_PAIR_GEN, pub, priv);
    }

    // C_GenerateKeyPair of an RSA pair of `bits`, session objects.
    KeyPair GenerateRsa(CK_ULONG bits, bool sensitive = false)
    {
        Template pub;
        pub.Ulong(CKA_KEY_TYPE, CKK_RSA).Bool(CKA_TOKEN, false).Bool(CKA_VERIFY, true);
        pub.Ulong(CKA_MODULUS_BITS, bits).Bytes(CKA_PUBLIC_EXPONENT, ByteVector{0x01, 0x00, 0x01});
        pub.Text(CKA_LABEL, Label("Device Pub TLS Key"));
        Template priv;
        priv.Ulong(CKA_KEY_TYPE, CKK_RSA).Bool(CKA_TOKEN, false).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
        priv.Text(CKA_LABEL, Label("Device Priv TLS Key"));
        if (sensitive) {
            priv.Bool(CKA_SENSITIVE, true);
        }
        return GeneratePair(CKM_RSA_PKCS_KEY_PAIR_GEN, pub, priv);
    }

    KeyPair GeneratePair(CK_MECHANISM_TYPE type, Template &pub, Template &priv)
    {
        CK_MECHANISM mechanism = {type, nullptr, 0};
        KeyPair pair;
        EXPECT_RV(fl()->C_GenerateKeyPair(session_, &mechanism, pub.data(), pub.size(), priv.data(), priv.size(),
                                          &pair.public_key, &pair.private_key),
                  CKR_OK)
            << "v2.40 §5.14 C_GenerateKeyPair";
        Keep(pair.public_key);
        Keep(pair.private_key);
        return pair;
    }

    // The uncompressed point (04||X||Y) inside a public key's CKA_EC_POINT.
    ByteVector EcPoint(CK_OBJECT_HANDLE public_key)
    {
        ByteVector der = Attribute(public_key, CKA_EC_POINT);
        if (der.size() < 3 || der[0] != 0x04) {
            ADD_FAILURE() << "CKA_EC_POINT is not a DER OCTET STRING (mechanisms v2.40 §2.3)";
            return {};
        }
        const size_t skip = der[1] == 0x81 ? 3 : 2;
        return ByteVector(der.begin() + static_cast<long>(skip), der.end());
    }

    CK_RV SignInit(CK_MECHANISM_TYPE type, CK_OBJECT_HANDLE key)
    {
        Mechanism mechanism(type);
        return fl()->C_SignInit(session_, mechanism.get(), key);
    }

    CK_RV VerifyInit(CK_MECHANISM_TYPE type, CK_OBJECT_HANDLE key)
    {
        Mechanism mechanism(type);
        return fl()->C_VerifyInit(session_, mechanism.get(), key);
    }

    // C_SignInit, the NULL-buffer length query (as FreeRTOS does), C_Sign;
    // empty with a test failure on error.
    ByteVector Sign(CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE type, ByteVector data)
    {
        const CK_RV init = SignInit(type, key);
        EXPECT_TRUE(RvIsOneOf(init, {CKR_OK})) << "C_SignInit with " << MechanismName(type);
        if (init != CKR_OK) {
            return {};
        }
        CK_ULONG length = 0;
        EXPECT_RV(fl()->C_Sign(session_, data.data(), data.size(), nullptr, &length), CKR_OK)
            << "C_Sign length query, v2.40 §5.2";
        if (ActiveProfile().Declares("sign_length_query_ends_operation") && SignInit(type, key) != CKR_OK) {
            ADD_FAILURE() << "C_SignInit after the length query, which the profile declares ends the operation";
            return {};
        }
        ByteVector signature(length);
        const CK_RV rv = fl()->C_Sign(session_, data.data(), data.size(), signature.data(), &length);
        EXPECT_TRUE(RvIsOneOf(rv, {CKR_OK})) << "C_Sign with " << MechanismName(type);
        signature.resize(rv == CKR_OK ? length : 0);
        return signature;
    }

    // C_VerifyInit and C_Verify; the C_VerifyInit error when it fails.
    CK_RV Verify(CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE type, ByteVector data, ByteVector signature)
    {
        const CK_RV rv = VerifyInit(type, key);
        if (rv != CKR_OK) {
            ADD_FAILURE() << "C_VerifyInit with " << MechanismName(type) << " returned " << RvName(rv);
            return rv;
        }
        return fl()->C_Verify(session_, data.data(), data.size(), signature.data(), signature.size());
    }

    // C_Verify without a C_VerifyInit before it.
    CK_RV VerifyWithoutInit()
    {
        ByteVector data(32, 0x11), signature(64, 0x22);
        return fl()->C_Verify(session_, data.data(), data.size(), signature.data(), signature.size());
    }

    // Reads one attribute into a buffer filled with 0xA5; true when the
    // buffer was left as it was.
    bool ReadLeavesBufferUntouched(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type, CK_RV *rv, CK_ULONG *length)
    {
        unsigned char buffer[512];
        std::memset(buffer, 0xA5, sizeof(buffer));
        CK_ATTRIBUTE query = {type, buffer, sizeof(buffer)};
        *rv = fl()->C_GetAttributeValue(session_, object, &query, 1);
        *length = query.ulValueLen;
        for (unsigned char byte : buffer) {
            if (byte != 0xA5) {
                return false;
            }
        }
        return true;
    }

    std::vector<CK_OBJECT_HANDLE> created_;
    std::vector<std::string> kept_token_labels_; // token objects made by CreateObject
};

} // namespace p11conf

#endif // P11CONF_TESTS_KEY_FIXTURE_H
