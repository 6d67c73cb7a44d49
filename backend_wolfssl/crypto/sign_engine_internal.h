/* The state of a sign/verify operation and the interface between the
 * mechanism-independent part (sign_engine.cpp: dispatch, hashing, lengths)
 * and the algorithm families (ecdsa_engine.cpp, rsa_engine.cpp,
 * hmac_engine.cpp). Not for use outside crypto/. */
#ifndef P11_BACKEND_CRYPTO_SIGN_ENGINE_INTERNAL_H
#define P11_BACKEND_CRYPTO_SIGN_ENGINE_INTERNAL_H

#include <cstddef>

#include "ec_params.h"
#include "key_pool.h"
#include "parsed_key.h"
#include "sign_engine.h"
#include "wolfcrypt.h"
#include "wolfcrypt_failure.h"

namespace p11 {

enum class SignFamily { ecdsa, rsa_pkcs1, rsa_pss, rsa_x509, hmac };

struct SignEngine {
    CK_MECHANISM_TYPE mechanism;
    SignPurpose purpose;
    SignFamily family;
    bool multipart;
    bool finished; // a final call ran: the engine takes no more input
    WC_RNG *rng;
    CK_ULONG signature_length;

    // Hash-then-sign mechanisms (not HMAC, which hashes inside Hmac).
    enum wc_HashType hash_type; // WC_HASH_TYPE_NONE for the raw mechanisms
    bool hash_ready;            // `hash` holds a state to free
    wc_HashAlg hash;

    // ECDSA and RSA: the parsed key, taken from `pool` (the key object's
    // idle keys, may be NULL) or parsed at init, and given back at free
    // unless `key_spoiled` (wolfCrypt failed halfway through using it).
    ParsedKey *key;
    KeyPool *pool;
    bool key_spoiled;
    // Shortcuts into `key`, by family; HMAC has its own state.
    ecc_key *ec;
    const EcCurve *curve;
    RsaKey *rsa;
    CK_ULONG modulus_bits;
    Hmac *hmac;

    // CK_RSA_PKCS_PSS_PARAMS, translated to wolfCrypt's terms.
    enum wc_HashType pss_hash;
    int pss_mgf;
    int pss_salt_len;
};

// Each family: take up engine->key at init (setting signature_length), sign
// or verify the mechanism input (the hash for ECDSA and PSS, the DigestInfo
// for PKCS #1 v1.5, the raw block for X.509), let go of the key before it
// goes back to the pool. HMAC loads its own key from the attributes.
CK_RV ecdsa_engine_load(SignEngine *engine);
CK_RV ecdsa_engine_sign(SignEngine *engine, const unsigned char *hash, std::size_t hash_len, unsigned char *signature);
CK_RV ecdsa_engine_verify(SignEngine *engine, const unsigned char *hash, std::size_t hash_len,
                          const unsigned char *signature);

CK_RV rsa_engine_load(SignEngine *engine);
// After rsa_engine_load (the salt bound depends on the modulus size).
// `mechanism_hash` is the hash a CKM_SHAx_RSA_PKCS_PSS mechanism fixes, or
// WC_HASH_TYPE_NONE for CKM_RSA_PKCS_PSS.
CK_RV rsa_engine_set_pss_params(SignEngine *engine, const CK_MECHANISM *mechanism, enum wc_HashType mechanism_hash);
CK_RV rsa_engine_sign(SignEngine *engine, const unsigned char *input, std::size_t input_len, unsigned char *signature);
CK_RV rsa_engine_verify(SignEngine *engine, const unsigned char *input, std::size_t input_len,
                        const unsigned char *signature);
void rsa_engine_release(SignEngine *engine);

CK_RV hmac_engine_load(SignEngine *engine, CK_OBJECT_CLASS key_class, const AttributeSet &key);
CK_RV hmac_engine_update(SignEngine *engine, const unsigned char *data, std::size_t len);
CK_RV hmac_engine_sign(SignEngine *engine, unsigned char *mac);
CK_RV hmac_engine_verify(SignEngine *engine, const unsigned char *mac);
void hmac_engine_release(SignEngine *engine);

} // namespace p11

#endif // P11_BACKEND_CRYPTO_SIGN_ENGINE_INTERNAL_H
