/* Signature and MAC engines behind C_SignInit .. C_VerifyFinal: one object
 * per operation, created at *Init from the key's attributes and used by the
 * single-part and multi-part calls. The caller owns the PKCS #11 rules that
 * are not about cryptography: sessions, operation state, CKA_SIGN/CKA_VERIFY,
 * and the output-buffer convention (a NULL or short buffer is answered from
 * sign_engine_signature_length, so the final calls always have room).
 *
 * Mechanisms: CKM_ECDSA (input: a hash of any non-zero length, truncated
 * per FIPS 186-4), CKM_ECDSA_SHA256, CKM_ECDSA_SHA384 (signature raw r || s);
 * CKM_RSA_PKCS, CKM_SHA256_RSA_PKCS, CKM_SHA384_RSA_PKCS;
 * CKM_RSA_PKCS_PSS, CKM_SHA256_RSA_PKCS_PSS; CKM_RSA_X_509; CKM_SHA256_HMAC.
 *
 * The RNG given at init is used by the final calls of ECDSA signing and of
 * every RSA private operation (blinding); the caller serializes access to it
 * if it is shared. */
#ifndef P11_BACKEND_CRYPTO_SIGN_ENGINE_H
#define P11_BACKEND_CRYPTO_SIGN_ENGINE_H

#include "attribute_set.h"
#include "pkcs11.h"

// wolfCrypt's DRBG; declared, not included, so callers that also use
// OpenSSL headers (the tests) need not see wolfSSL's.
struct WC_RNG;

namespace p11 {

class KeyPool; // key_pool.h

enum class SignPurpose { sign, verify };

struct SignEngine;

// True for the mechanisms this engine implements.
bool sign_engine_supports(CK_MECHANISM_TYPE mechanism);

// False for mechanisms PKCS #11 allows only as a single C_Sign / C_Verify
// (CKM_ECDSA, CKM_RSA_PKCS, CKM_RSA_X_509, CKM_RSA_PKCS_PSS): the caller
// refuses C_SignUpdate / C_VerifyUpdate for them.
bool sign_engine_multipart_allowed(CK_MECHANISM_TYPE mechanism);

// Whether a key of this type and class can serve the mechanism for the
// purpose (an unknown mechanism: true, sign_engine_init refuses it).
bool sign_key_fits(CK_MECHANISM_TYPE mechanism, CK_KEY_TYPE key_type, CK_OBJECT_CLASS key_class, SignPurpose purpose);

// Creates the operation. Results: CKR_MECHANISM_INVALID (not offered by an engine
// here), CKR_MECHANISM_PARAM_INVALID, CKR_KEY_TYPE_INCONSISTENT (key type or
// class does not fit the mechanism and purpose: signing takes a private key,
// verifying a public key, HMAC a secret key), CKR_KEY_SIZE_RANGE,
// CKR_TEMPLATE_INCOMPLETE (key material missing, e.g. an RSA private key
// without its CRT parts), CKR_FUNCTION_FAILED (unusable key material),
// CKR_HOST_MEMORY. On CKR_OK, *out is freed with sign_engine_free.
// `pool` (may be NULL) holds the idle parsed keys of the key object the
// attributes belong to: an EC or RSA key is taken from it when one waits
// there (no decoding) and given back by sign_engine_free. It must outlive
// the engine and belong to exactly these attributes.
CK_RV sign_engine_init(const CK_MECHANISM *mechanism, CK_KEY_TYPE key_type, CK_OBJECT_CLASS key_class,
                       const AttributeSet &key, SignPurpose purpose, WC_RNG *rng, SignEngine **out,
                       KeyPool *pool = nullptr);

// Multi-part input. CKR_FUNCTION_NOT_SUPPORTED for a single-part mechanism.
CK_RV sign_engine_update(SignEngine *engine, const unsigned char *part, CK_ULONG part_len);

// The exact length sign_engine_sign_final / sign_engine_sign write.
CK_ULONG sign_engine_signature_length(const SignEngine *engine);

// Ends a multi-part signature; `signature` has sign_engine_signature_length
// bytes of room. The engine is spent afterwards (whatever the result).
CK_RV sign_engine_sign_final(SignEngine *engine, unsigned char *signature, CK_ULONG *signature_len);

// Ends a multi-part verification: CKR_OK, CKR_SIGNATURE_INVALID or
// CKR_SIGNATURE_LEN_RANGE. The engine is spent afterwards.
CK_RV sign_engine_verify_final(SignEngine *engine, const unsigned char *signature, CK_ULONG signature_len);

// Single-part C_Sign / C_Verify, for every mechanism. CKR_DATA_LEN_RANGE when
// the input does not fit a single-part mechanism (e.g. CKM_RSA_PKCS data
// longer than k - 11, a CKM_RSA_PKCS_PSS hash of the wrong length),
// CKR_DATA_INVALID when CKM_RSA_X_509 input is not below the modulus.
CK_RV sign_engine_sign(SignEngine *engine, const unsigned char *data, CK_ULONG data_len, unsigned char *signature,
                       CK_ULONG *signature_len);
CK_RV sign_engine_verify(SignEngine *engine, const unsigned char *data, CK_ULONG data_len,
                         const unsigned char *signature, CK_ULONG signature_len);

// Wipes and frees the operation (nullptr is allowed).
void sign_engine_free(SignEngine *engine);

} // namespace p11

#endif // P11_BACKEND_CRYPTO_SIGN_ENGINE_H
