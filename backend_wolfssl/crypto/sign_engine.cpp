/* The mechanism-independent part of the sign engines: which family and hash
 * each mechanism uses, parameter and key checks at init, multi-part hashing,
 * the DigestInfo of the hash-then-sign PKCS #1 v1.5 mechanisms, and the
 * lifecycle (see sign_engine.h). */
#include "sign_engine_internal.h"

#include <cstring>
#include <memory>
#include <new>

#include "secure_wipe.h"

namespace p11 {

namespace {

struct MechanismRule {
    CK_MECHANISM_TYPE type;
    SignFamily family;
    enum wc_HashType hash; // hashed by the engine before signing
    bool multipart;
};

const MechanismRule kRules[] = {
    {CKM_RSA_PKCS, SignFamily::rsa_pkcs1, WC_HASH_TYPE_NONE, false},
    {CKM_RSA_X_509, SignFamily::rsa_x509, WC_HASH_TYPE_NONE, false},
    {CKM_RSA_PKCS_PSS, SignFamily::rsa_pss, WC_HASH_TYPE_NONE, false},
    {CKM_SHA256_RSA_PKCS, SignFamily::rsa_pkcs1, WC_HASH_TYPE_SHA256, true},
    {CKM_SHA384_RSA_PKCS, SignFamily::rsa_pkcs1, WC_HASH_TYPE_SHA384, true},
    {CKM_SHA256_RSA_PKCS_PSS, SignFamily::rsa_pss, WC_HASH_TYPE_SHA256, true},
    {CKM_SHA256_HMAC, SignFamily::hmac, WC_HASH_TYPE_NONE, true},
    {CKM_ECDSA, SignFamily::ecdsa, WC_HASH_TYPE_NONE, false},
    {CKM_ECDSA_SHA256, SignFamily::ecdsa, WC_HASH_TYPE_SHA256, true},
    {CKM_ECDSA_SHA384, SignFamily::ecdsa, WC_HASH_TYPE_SHA384, true},
};

// A DER DigestInfo of SHA-512 is 83 bytes; this is room for any hash.
constexpr std::size_t kMaxDigestInfo = 128;

const MechanismRule *find_rule(CK_MECHANISM_TYPE type)
{
    for (const MechanismRule &rule : kRules) {
        if (rule.type == type) {
            return &rule;
        }
    }
    return nullptr;
}

bool key_fits(SignFamily family, SignPurpose purpose, CK_KEY_TYPE key_type, CK_OBJECT_CLASS key_class)
{
    if (family == SignFamily::hmac) {
        return key_class == CKO_SECRET_KEY && (key_type == CKK_GENERIC_SECRET || key_type == CKK_SHA256_HMAC);
    }
    CK_KEY_TYPE wanted = family == SignFamily::ecdsa ? CKK_EC : CKK_RSA;
    CK_OBJECT_CLASS wanted_class = purpose == SignPurpose::sign ? CKO_PRIVATE_KEY : CKO_PUBLIC_KEY;
    return key_type == wanted && key_class == wanted_class;
}

// Feeds data in chunks wolfCrypt's word32 lengths can hold.
CK_RV hash_update(SignEngine *engine, const unsigned char *data, CK_ULONG len)
{
    const CK_ULONG kChunk = 1ul << 30;
    while (len > 0) {
        CK_ULONG n = len < kChunk ? len : kChunk;
        int rc = engine->family == SignFamily::hmac
                     ? (hmac_engine_update(engine, data, n) == CKR_OK ? 0 : -1)
                     : wc_HashUpdate(&engine->hash, engine->hash_type, data, static_cast<word32>(n));
        if (rc != 0) {
            return CKR_FUNCTION_FAILED;
        }
        data += n;
        len -= n;
    }
    return CKR_OK;
}

// The family's input for a hash-then-sign mechanism: the digest, or for
// PKCS #1 v1.5 the DigestInfo around it (RFC 8017 §9.2).
CK_RV finish_hash(SignEngine *engine, unsigned char *input, std::size_t *input_len)
{
    unsigned char digest[WC_MAX_DIGEST_SIZE];
    int size = wc_HashGetDigestSize(engine->hash_type);
    if (size <= 0 || wc_HashFinal(&engine->hash, engine->hash_type, digest) != 0) {
        return CKR_FUNCTION_FAILED;
    }
    if (engine->family != SignFamily::rsa_pkcs1) {
        std::memcpy(input, digest, static_cast<std::size_t>(size));
        *input_len = static_cast<std::size_t>(size);
    } else {
        int oid = wc_HashGetOID(engine->hash_type);
        word32 len = oid > 0 ? wc_EncodeSignature(input, digest, static_cast<word32>(size), oid) : 0;
        if (len == 0) {
            secure_wipe(digest, sizeof digest);
            return CKR_FUNCTION_FAILED;
        }
        *input_len = len;
    }
    secure_wipe(digest, sizeof digest);
    return CKR_OK;
}

CK_RV load_key(SignEngine *engine, CK_KEY_TYPE key_type, CK_OBJECT_CLASS key_class, const AttributeSet &key,
               KeyPool *pool)
{
    if (engine->family == SignFamily::hmac) {
        return hmac_engine_load(engine, key_class, key);
    }
    ParsedKey *parsed = pool != nullptr ? pool->take() : nullptr;
    if (parsed == nullptr) {
        CK_RV rv = parsed_key_make(key_type, key_class, key, &parsed);
        if (rv != CKR_OK) {
            return rv;
        }
    }
    engine->key = parsed;
    engine->pool = pool;
    return engine->family == SignFamily::ecdsa ? ecdsa_engine_load(engine) : rsa_engine_load(engine);
}

// Back to the pool for the next operation, unless wolfCrypt failed while
// using it: then the key's internal state is not trusted and it goes.
void release_key(SignEngine *engine)
{
    rsa_engine_release(engine);
    engine->ec = nullptr;
    if (engine->key == nullptr) {
        return;
    }
    if (engine->pool != nullptr && !engine->key_spoiled) {
        engine->pool->put(engine->key);
    } else {
        parsed_key_free(engine->key);
    }
    engine->key = nullptr;
}

// The results that say something about the input, not about the key.
bool key_still_good(CK_RV rv)
{
    return rv == CKR_OK || rv == CKR_SIGNATURE_INVALID || rv == CKR_SIGNATURE_LEN_RANGE || rv == CKR_DATA_LEN_RANGE ||
           rv == CKR_DATA_INVALID;
}

CK_RV family_sign(SignEngine *engine, const unsigned char *input, std::size_t len, unsigned char *signature)
{
    CK_RV rv;
    switch (engine->family) {
    case SignFamily::ecdsa:
        rv = ecdsa_engine_sign(engine, input, len, signature);
        break;
    case SignFamily::hmac:
        return CKR_FUNCTION_FAILED; // HMAC has no separate input step
    default:
        rv = rsa_engine_sign(engine, input, len, signature);
        break;
    }
    engine->key_spoiled = !key_still_good(rv);
    return rv;
}

CK_RV family_verify(SignEngine *engine, const unsigned char *input, std::size_t len, const unsigned char *signature)
{
    CK_RV rv;
    switch (engine->family) {
    case SignFamily::ecdsa:
        rv = ecdsa_engine_verify(engine, input, len, signature);
        break;
    case SignFamily::hmac:
        return CKR_FUNCTION_FAILED;
    default:
        rv = rsa_engine_verify(engine, input, len, signature);
        break;
    }
    engine->key_spoiled = !key_still_good(rv);
    return rv;
}

bool usable(const SignEngine *engine, SignPurpose purpose)
{
    return engine != nullptr && !engine->finished && engine->purpose == purpose;
}

} // namespace

bool sign_engine_supports(CK_MECHANISM_TYPE mechanism)
{
    return find_rule(mechanism) != nullptr;
}

bool sign_engine_multipart_allowed(CK_MECHANISM_TYPE mechanism)
{
    const MechanismRule *rule = find_rule(mechanism);
    return rule != nullptr && rule->multipart;
}

bool sign_key_fits(CK_MECHANISM_TYPE mechanism, CK_KEY_TYPE key_type, CK_OBJECT_CLASS key_class, SignPurpose purpose)
{
    const MechanismRule *rule = find_rule(mechanism);
    return rule == nullptr || key_fits(rule->family, purpose, key_type, key_class);
}

CK_RV sign_engine_init(const CK_MECHANISM *mechanism, CK_KEY_TYPE key_type, CK_OBJECT_CLASS key_class,
                       const AttributeSet &key, SignPurpose purpose, WC_RNG *rng, SignEngine **out, KeyPool *pool)
{
    if (mechanism == nullptr || out == nullptr) {
        return CKR_ARGUMENTS_BAD;
    }
    *out = nullptr;
    const MechanismRule *rule = find_rule(mechanism->mechanism);
    if (rule == nullptr) {
        return CKR_MECHANISM_INVALID;
    }
    // Only PSS takes a parameter (checked once the modulus is known).
    bool has_parameter = mechanism->pParameter != nullptr || mechanism->ulParameterLen != 0;
    if (rule->family != SignFamily::rsa_pss && has_parameter) {
        return CKR_MECHANISM_PARAM_INVALID;
    }
    if (rule->family == SignFamily::rsa_pss &&
        (mechanism->pParameter == nullptr || mechanism->ulParameterLen != sizeof(CK_RSA_PKCS_PSS_PARAMS))) {
        return CKR_MECHANISM_PARAM_INVALID;
    }
    if (!key_fits(rule->family, purpose, key_type, key_class)) {
        return CKR_KEY_TYPE_INCONSISTENT;
    }
    // Freed however the scope ends, a std::bad_alloc while loading the key included.
    std::unique_ptr<SignEngine, void (*)(SignEngine *)> owned(new (std::nothrow) SignEngine{}, sign_engine_free);
    SignEngine *engine = owned.get();
    if (engine == nullptr) {
        return CKR_HOST_MEMORY;
    }
    engine->mechanism = rule->type;
    engine->purpose = purpose;
    engine->family = rule->family;
    engine->multipart = rule->multipart;
    engine->rng = rng;
    engine->hash_type = rule->family == SignFamily::hmac ? WC_HASH_TYPE_NONE : rule->hash;
    engine->pss_hash = WC_HASH_TYPE_NONE;
    CK_RV rv = load_key(engine, key_type, key_class, key, pool);
    if (rv == CKR_OK && rule->family == SignFamily::rsa_pss) {
        rv = rsa_engine_set_pss_params(engine, mechanism, rule->hash);
    }
    if (rv == CKR_OK && engine->hash_type != WC_HASH_TYPE_NONE) {
        if (wc_HashInit(&engine->hash, engine->hash_type) == 0) {
            engine->hash_ready = true;
        } else {
            rv = CKR_FUNCTION_FAILED;
        }
    }
    if (rv != CKR_OK) {
        return rv;
    }
    *out = owned.release();
    return CKR_OK;
}

CK_RV sign_engine_update(SignEngine *engine, const unsigned char *part, CK_ULONG part_len)
{
    if (engine == nullptr || engine->finished) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if (!engine->multipart) {
        return CKR_FUNCTION_NOT_SUPPORTED;
    }
    if (part == nullptr && part_len != 0) {
        return CKR_ARGUMENTS_BAD;
    }
    return hash_update(engine, part, part_len);
}

CK_ULONG sign_engine_signature_length(const SignEngine *engine)
{
    return engine == nullptr ? 0 : engine->signature_length;
}

CK_RV sign_engine_sign_final(SignEngine *engine, unsigned char *signature, CK_ULONG *signature_len)
{
    if (!usable(engine, SignPurpose::sign)) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if (!engine->multipart) {
        return CKR_FUNCTION_NOT_SUPPORTED;
    }
    if (signature == nullptr || signature_len == nullptr) {
        return CKR_ARGUMENTS_BAD;
    }
    engine->finished = true;
    CK_RV rv;
    if (engine->family == SignFamily::hmac) {
        rv = hmac_engine_sign(engine, signature);
    } else {
        unsigned char input[kMaxDigestInfo];
        std::size_t input_len = 0;
        rv = finish_hash(engine, input, &input_len);
        if (rv == CKR_OK) {
            rv = family_sign(engine, input, input_len, signature);
        }
        secure_wipe(input, sizeof input);
    }
    if (rv == CKR_OK) {
        *signature_len = engine->signature_length;
    }
    return rv;
}

CK_RV sign_engine_verify_final(SignEngine *engine, const unsigned char *signature, CK_ULONG signature_len)
{
    if (!usable(engine, SignPurpose::verify)) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if (!engine->multipart) {
        return CKR_FUNCTION_NOT_SUPPORTED;
    }
    engine->finished = true;
    if (signature == nullptr || signature_len != engine->signature_length) {
        return CKR_SIGNATURE_LEN_RANGE;
    }
    if (engine->family == SignFamily::hmac) {
        return hmac_engine_verify(engine, signature);
    }
    unsigned char input[kMaxDigestInfo];
    std::size_t input_len = 0;
    CK_RV rv = finish_hash(engine, input, &input_len);
    if (rv == CKR_OK) {
        rv = family_verify(engine, input, input_len, signature);
    }
    secure_wipe(input, sizeof input);
    return rv;
}

CK_RV sign_engine_sign(SignEngine *engine, const unsigned char *data, CK_ULONG data_len, unsigned char *signature,
                       CK_ULONG *signature_len)
{
    if (!usable(engine, SignPurpose::sign)) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if ((data == nullptr && data_len != 0) || signature == nullptr || signature_len == nullptr) {
        return CKR_ARGUMENTS_BAD;
    }
    if (engine->multipart) {
        CK_RV rv = hash_update(engine, data, data_len);
        if (rv != CKR_OK) {
            engine->finished = true;
            return rv;
        }
        return sign_engine_sign_final(engine, signature, signature_len);
    }
    engine->finished = true;
    CK_RV rv = family_sign(engine, data, data_len, signature);
    if (rv == CKR_OK) {
        *signature_len = engine->signature_length;
    }
    return rv;
}

CK_RV sign_engine_verify(SignEngine *engine, const unsigned char *data, CK_ULONG data_len,
                         const unsigned char *signature, CK_ULONG signature_len)
{
    if (!usable(engine, SignPurpose::verify)) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if (data == nullptr && data_len != 0) {
        return CKR_ARGUMENTS_BAD;
    }
    if (engine->multipart) {
        CK_RV rv = hash_update(engine, data, data_len);
        if (rv != CKR_OK) {
            engine->finished = true;
            return rv;
        }
        return sign_engine_verify_final(engine, signature, signature_len);
    }
    engine->finished = true;
    if (signature == nullptr || signature_len != engine->signature_length) {
        return CKR_SIGNATURE_LEN_RANGE;
    }
    return family_verify(engine, data, data_len, signature);
}

void sign_engine_free(SignEngine *engine)
{
    if (engine == nullptr) {
        return;
    }
    if (engine->hash_ready) {
        wc_HashFree(&engine->hash, engine->hash_type);
    }
    release_key(engine);
    hmac_engine_release(engine);
    secure_wipe(engine, sizeof *engine);
    delete engine;
}

} // namespace p11
