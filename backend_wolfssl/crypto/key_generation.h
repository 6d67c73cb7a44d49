/* Key pair generation for C_GenerateKeyPair (CKM_EC_KEY_PAIR_GEN,
 * CKM_RSA_PKCS_KEY_PAIR_GEN): only the key material attributes; the object
 * layer adds class, key type, label, flags. Nothing is written to *pub or
 * *priv unless the whole pair was made. */
#ifndef P11_BACKEND_CRYPTO_KEY_GENERATION_H
#define P11_BACKEND_CRYPTO_KEY_GENERATION_H

#include "attribute_set.h"
#include "pkcs11.h"

// wolfCrypt's DRBG; declared, not included, so callers that also use
// OpenSSL headers (the tests) need not see wolfSSL's.
struct WC_RNG;

namespace p11 {

// `ec_params` is the CKA_EC_PARAMS of the public template (P-256 or P-384,
// else CKR_ATTRIBUTE_VALUE_INVALID). Sets CKA_EC_PARAMS and CKA_EC_POINT
// (DER OCTET STRING) on both halves and CKA_VALUE (the scalar, field-size
// big-endian) on the private one.
CK_RV generate_ec_key_pair(ByteView ec_params, WC_RNG *rng, AttributeSet *pub, AttributeSet *priv);

// `modulus_bits` in kRsaMinBits .. kRsaMaxBits and a multiple of 8 (else
// CKR_ATTRIBUTE_VALUE_INVALID). `public_exponent` is big-endian; empty means 65537;
// it must be odd, at least 3 and fit in 32 bits (else
// CKR_ATTRIBUTE_VALUE_INVALID). Sets CKA_MODULUS and CKA_PUBLIC_EXPONENT on
// both halves and CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2,
// CKA_EXPONENT_1, CKA_EXPONENT_2, CKA_COEFFICIENT on the private one.
CK_RV generate_rsa_key_pair(CK_ULONG modulus_bits, ByteView public_exponent, WC_RNG *rng, AttributeSet *pub,
                            AttributeSet *priv);

} // namespace p11

#endif // P11_BACKEND_CRYPTO_KEY_GENERATION_H
