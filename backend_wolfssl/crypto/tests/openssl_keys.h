/* Test support: keys and signatures from OpenSSL's libcrypto, the
 * independent implementation the engines are checked against, plus
 * conversions between EVP_PKEY and PKCS #11 attribute sets and small helpers
 * to run an engine operation in one call. */
#ifndef P11_CRYPTO_TESTS_OPENSSL_KEYS_H
#define P11_CRYPTO_TESTS_OPENSSL_KEYS_H

#include <functional>
#include <memory>
#include <string>

#include <openssl/evp.h>

#include "attribute_set.h"
#include "crypto/sign_engine.h"
#include "pkcs11.h"

namespace p11test {

using p11::AttributeSet;
using p11::Bytes;

struct PkeyDeleter {
    void operator()(EVP_PKEY *pkey) const { EVP_PKEY_free(pkey); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// DER named-curve OIDs as CKA_EC_PARAMS carries them.
extern const Bytes kP256Params;
extern const Bytes kP384Params;

Bytes bytes_of(const std::string &text);
Bytes from_hex(const std::string &hex);
std::string to_hex(p11::ByteView bytes);

// A process-wide DRBG for the engines.
WC_RNG *test_rng();
// The calling thread's own DRBG, for tests that sign from several threads.
WC_RNG *thread_test_rng();

// OpenSSL key generation ("P-256" / "P-384"; RSA bits). RSA keys are cached
// per size: generating one per test would dominate the run time.
Pkey ossl_ec_generate(const char *group);
EVP_PKEY *ossl_rsa_cached(unsigned bits);

// EVP_PKEY -> PKCS #11 attributes (values exactly as PKCS #11 defines them).
AttributeSet ec_private_attrs(EVP_PKEY *pkey, const Bytes &params, bool with_point);
AttributeSet ec_public_attrs(EVP_PKEY *pkey, const Bytes &params);
AttributeSet rsa_private_attrs(EVP_PKEY *pkey);
AttributeSet rsa_public_attrs(EVP_PKEY *pkey);

// PKCS #11 attributes -> EVP_PKEY: private when the private parts are there.
Pkey ec_pkey_from_attrs(const AttributeSet &attrs, const char *group);
Pkey rsa_pkey_from_attrs(const AttributeSet &attrs);

Bytes ossl_hash(const EVP_MD *md, const Bytes &data);
// The DER DigestInfo of a SHA-256 hash (RFC 8017 §9.2 note 1 prefix).
Bytes sha256_digest_info(const Bytes &data);

// ECDSA signature forms: DER (OpenSSL) <-> raw r || s (PKCS #11).
Bytes ecdsa_der_to_raw(const Bytes &der, std::size_t field_bytes);
Bytes ecdsa_raw_to_der(const Bytes &raw);

// EVP_PKEY_sign / EVP_PKEY_verify on a precomputed input, with `configure`
// setting padding and the like on the context.
using Configure = std::function<void(EVP_PKEY_CTX *)>;
Bytes ossl_sign(EVP_PKEY *pkey, const Bytes &input, const Configure &configure = nullptr);
bool ossl_verify(EVP_PKEY *pkey, const Bytes &input, const Bytes &sig, const Configure &configure = nullptr);
// EVP_DigestSign / EVP_DigestVerify (hash-then-sign).
Bytes ossl_digest_sign(EVP_PKEY *pkey, const EVP_MD *md, const Bytes &data, const Configure &configure = nullptr);
bool ossl_digest_verify(EVP_PKEY *pkey, const EVP_MD *md, const Bytes &data, const Bytes &sig,
                        const Configure &configure = nullptr);
// Raw RSA with the public key (for CKM_RSA_X_509).
Bytes ossl_rsa_public_raw(EVP_PKEY *pkey, const Bytes &sig);
Bytes ossl_rsa_private_raw(EVP_PKEY *pkey, const Bytes &block);

// One engine operation from init to final.
CK_MECHANISM mechanism(CK_MECHANISM_TYPE type, void *param = nullptr, CK_ULONG param_len = 0);
CK_RV engine_sign(const CK_MECHANISM &mech, CK_KEY_TYPE key_type, const AttributeSet &key, const Bytes &data,
                  Bytes *sig);
CK_RV engine_verify(const CK_MECHANISM &mech, CK_KEY_TYPE key_type, const AttributeSet &key, const Bytes &data,
                    const Bytes &sig);
// Same, fed in `part`-byte pieces through sign_engine_update.
CK_RV engine_sign_parts(const CK_MECHANISM &mech, CK_KEY_TYPE key_type, const AttributeSet &key, const Bytes &data,
                        std::size_t part, Bytes *sig);
CK_RV engine_verify_parts(const CK_MECHANISM &mech, CK_KEY_TYPE key_type, const AttributeSet &key, const Bytes &data,
                          std::size_t part, const Bytes &sig);
// The result of sign_engine_init alone (the engine is freed).
CK_RV engine_init_result(const CK_MECHANISM &mech, CK_KEY_TYPE key_type, CK_OBJECT_CLASS key_class,
                         const AttributeSet &key, p11::SignPurpose purpose);

} // namespace p11test

#endif // P11_CRYPTO_TESTS_OPENSSL_KEYS_H
