/* Known answers shared by the device self-tests and the build machine's
 * provisioning (known_answers.c): an RSA-2048 key (public exponent 65537)
 * with its SHA-256 PKCS #1 v1.5 signature of "abc", and a P-384 public key
 * (CKA_EC_POINT, a DER OCTET STRING) with its ECDSA signature (r || s) of
 * SHA-256("abc"). */
#ifndef P11_SELFTEST_KNOWN_ANSWERS_H
#define P11_SELFTEST_KNOWN_ANSWERS_H

#ifdef __cplusplus
extern "C" {
#endif

extern const unsigned char known_rsa_modulus[256];
extern const unsigned char known_rsa_private_exponent[256];
extern const unsigned char known_rsa_prime1[128];
extern const unsigned char known_rsa_prime2[128];
extern const unsigned char known_rsa_exponent1[128];
extern const unsigned char known_rsa_exponent2[128];
extern const unsigned char known_rsa_coefficient[128];
extern const unsigned char known_rsa_signature_abc[256];
extern const unsigned char known_p384_ec_point[99];
extern const unsigned char known_p384_signature_abc_sha256[96];

#ifdef __cplusplus
}
#endif

#endif /* P11_SELFTEST_KNOWN_ANSWERS_H */
