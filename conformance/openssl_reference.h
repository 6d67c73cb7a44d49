// An independent implementation to check the module against: OpenSSL's
// libcrypto makes the reference keys and signatures and verifies the
// module's. A module is never checked against itself only.
#ifndef P11CONF_OPENSSL_REFERENCE_H
#define P11CONF_OPENSSL_REFERENCE_H

#include <string>
#include <vector>

namespace p11conf {
namespace reference {

using Bytes = std::vector<unsigned char>;

struct EcKey {
    std::string curve;  // "P-256" or "P-384"; "P-224", "P-521" for the key-size cases
    Bytes ec_params;    // DER named-curve OID (CKA_EC_PARAMS)
    Bytes private_value; // big-endian scalar, field size (CKA_VALUE)
    Bytes point;        // uncompressed 04||X||Y
};

struct RsaKey {
    Bytes modulus, public_exponent, private_exponent, prime_1, prime_2, exponent_1, exponent_2, coefficient;
};

EcKey GenerateEcKey(const std::string &curve);
RsaKey GenerateRsaKey(int bits);
// An RSA key (e = 65537) of prime_1_bits + prime_2_bits modulus bits, built
// from two primes: OpenSSL's key generation rounds odd sizes such as 2049
// down to a multiple of 8.
RsaKey RsaKeyFromPrimes(int prime_1_bits, int prime_2_bits);

// DER OCTET STRING around an uncompressed point (CKA_EC_POINT).
Bytes DerOctetString(const Bytes &content);
Bytes Sha256(const Bytes &data);
// The 51-byte DER DigestInfo of a SHA-256 hash (what CKM_RSA_PKCS signs).
Bytes Sha256DigestInfo(const Bytes &hash);
Bytes Sha384(const Bytes &data);
Bytes Sha1(const Bytes &data);
// The 67-byte DER DigestInfo of a SHA-384 hash (what CKM_SHA384_RSA_PKCS signs).
Bytes Sha384DigestInfo(const Bytes &hash);

// ECDSA over a hash; the signature is raw r||s (each field-size bytes).
Bytes EcdsaSignRaw(const EcKey &key, const Bytes &hash);
bool EcdsaVerifyRaw(const Bytes &point, const std::string &curve, const Bytes &hash, const Bytes &signature);
// HMAC-SHA256 (RFC 2104).
Bytes HmacSha256(const Bytes &key, const Bytes &data);
// RSA PKCS #1 v1.5 over ready-made DigestInfo bytes (no hashing inside).
Bytes RsaPkcs1Sign(const RsaKey &key, const Bytes &digest_info);
bool RsaPkcs1Verify(const Bytes &modulus, const Bytes &public_exponent, const Bytes &digest_info,
                    const Bytes &signature);
// RSASSA-PSS (RFC 8017 §8.1) over a SHA-256 hash with MGF1-SHA-256 and a salt
// of exactly 32 bytes: the parameters CK_RSA_PKCS_PSS_PARAMS{CKM_SHA256,
// CKG_MGF1_SHA256, 32} name.
bool RsaPssSha256Verify(const Bytes &modulus, const Bytes &public_exponent, const Bytes &hash, const Bytes &signature);
// The same with a salt of exactly `salt_length` bytes.
bool RsaPssSha256VerifySalt(const Bytes &modulus, const Bytes &public_exponent, const Bytes &hash,
                            const Bytes &signature, int salt_length);
// The raw RSA public operation signature^e mod n, modulus-length bytes
// (RSAVP1, RFC 8017 §5.2.2; what undoes a CKM_RSA_X_509 signature); empty
// when OpenSSL refuses the input.
Bytes RsaRawPublic(const Bytes &modulus, const Bytes &public_exponent, const Bytes &signature);

// AES (16-, 24- or 32-byte key) as the PKCS #11 mechanisms name it: "ecb" (no
// padding; the input a multiple of 16), "cbc-pad" (PKCS #7 padding, 16-byte
// IV) or "gcm" (the 16-byte tag appended, as CKM_AES_GCM returns it; `iv` the
// nonce, `aad` the additional data). Empty when OpenSSL refuses the input.
Bytes AesEncrypt(const std::string &mode, const Bytes &key, const Bytes &iv, const Bytes &plaintext,
                 const Bytes &aad = {});
// AES key wrap without padding (RFC 3394, default IV; CKM_AES_KEY_WRAP).
Bytes AesKeyWrap(const Bytes &kek, const Bytes &key);
// The ECDH shared secret (the x-coordinate, field size bytes) of a private key
// and a peer's uncompressed point on the same curve.
Bytes EcdhSecret(const EcKey &key, const Bytes &peer_point);

} // namespace reference
} // namespace p11conf

#endif // P11CONF_OPENSSL_REFERENCE_H
