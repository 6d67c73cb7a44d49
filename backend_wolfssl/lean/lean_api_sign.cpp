/* Signing (v2.40 §5.11) for a lean profile: ECDSA on P-256, raw (CKM_ECDSA)
 * or over SHA-256, with private keys sealed under the device key. C_SignInit
 * checks the key as signature_operation.cpp does, opens its sealed scalar
 * (sealed_value.h) and keeps it until the run ends, when it is wiped. The
 * rules are api_sign.cpp's: the §5.2 output convention (NULL: the length
 * only; too small: CKR_BUFFER_TOO_SMALL) keeps the run, any other result
 * ends it; C_Sign cannot end a run C_SignUpdate started, nor C_SignUpdate /
 * C_SignFinal continue one a C_Sign length query started
 * (CKR_OPERATION_ACTIVE, the run ends); a CKA_ALWAYS_AUTHENTICATE key signs
 * only after C_Login(CKU_CONTEXT_SPECIFIC). */
#include <cstring>

#include "crypto/wolfcrypt_failure.h"
#include "lean/key_use.h"
#include "lean/lean_library.h"
#include "lean/p256.h"
#include "lean/sealed_value.h"
#include "lean/store_read.h"
#include "p11_backend.h"
#include "p11_port.h"
#include "p11_profile.h"
#include "secure_wipe.h"

#if P11_LEAN_SIGNS

#if defined(P11_WOLFCRYPT_FROM_SOURCE) && defined(WOLFSSL_HAVE_SP_ECC)
#include <wolfssl/wolfcrypt/sp.h>
#endif

using namespace p11;
using namespace p11::lean;

namespace {

constexpr CK_ULONG kSignatureLength = 2 * kP256Field; // r || s (v2.40 Mechanisms §2.3.1)


struct Numbers {
    mp_int d, r, s;
};

#if defined(P11_WOLFCRYPT_FROM_SOURCE) && defined(WOLFSSL_HAVE_SP_ECC)
// wolfCrypt built with the token: its P-256 SP code signs directly, and
// ecc.c (its key objects, curve tables and DER) is not linked at all.
int p256_sign(const std::uint8_t (&scalar)[kP256Field], const std::uint8_t *input, WC_RNG *rng, Numbers *n)
{
    int rc = mp_init_multi(&n->d, &n->r, &n->s, nullptr, nullptr, nullptr);
    rc = rc == MP_OKAY ? mp_read_unsigned_bin(&n->d, scalar, kP256Field) : rc;
    return rc == MP_OKAY ? sp_ecc_sign_256(input, kP256Field, rng, &n->d, &n->r, &n->s, nullptr, nullptr) : rc;
}
#else
// Debian's shared wolfCrypt: through its public ECC API.
int p256_sign(const std::uint8_t (&scalar)[kP256Field], const std::uint8_t *input, WC_RNG *rng, Numbers *n)
{
    auto *key = static_cast<ecc_key *>(p11_port_malloc(sizeof(ecc_key)));
    if (key == nullptr) {
        return MEMORY_E;
    }
    int rc = wc_ecc_init(key);
    if (rc == 0) {
        rc = wc_ecc_import_private_key_ex(scalar, kP256Field, nullptr, 0, key, ECC_SECP256R1);
        rc = rc == 0 ? mp_init_multi(&n->r, &n->s, nullptr, nullptr, nullptr, nullptr) : rc;
        rc = rc == 0 ? wc_ecc_sign_hash_ex(input, kP256Field, rng, key, &n->r, &n->s) : rc;
        wc_ecc_free(key);
    }
    secure_wipe(key, sizeof *key);
    p11_port_free(key);
    return rc;
}
#endif

// ECDSA over `hash` (any length: the leftmost field bytes are used, FIPS
// 186-4 §6.4; a shorter one as an integer), r || s into signature.
CK_RV sign_ecdsa(const SignState &op, const std::uint8_t *hash, std::size_t hash_len, std::uint8_t *signature)
{
    if (hash_len == 0) {
        return CKR_DATA_LEN_RANGE;
    }
    WC_RNG *rng = library().rng;
    if (rng == nullptr) {
        return CKR_FUNCTION_FAILED;
    }
    std::uint8_t input[kP256Field];
    const std::size_t len = hash_len < kP256Field ? hash_len : kP256Field;
    std::memset(input, 0, sizeof input - len);
    std::memcpy(input + sizeof input - len, hash, len);
    auto *n = static_cast<Numbers *>(p11_port_malloc(sizeof(Numbers))); // wide integers: off the stack
    if (n == nullptr) {
        return CKR_HOST_MEMORY;
    }
    int rc = p256_sign(op.scalar, input, rng, n);
    // r and s are below the order, so each fits the field size, left-padded.
    rc = rc == 0 ? mp_to_unsigned_bin_len(&n->r, signature, kP256Field) : rc;
    rc = rc == 0 ? mp_to_unsigned_bin_len(&n->s, signature + kP256Field, kP256Field) : rc;
    secure_wipe(n, sizeof *n); // the scalar's copy
    p11_port_free(n);
    secure_wipe(input, sizeof input);
    return rc == 0 ? CKR_OK : wolfcrypt_failure(rc);
}

// The private scalar, left-padded to the field size.
CK_RV take_scalar(const RecordView &key, SignState *op)
{
    std::uint8_t value[kP256Field];
    std::size_t len = 0;
    const CK_RV rv = sealed_value(library(), key, CKA_VALUE, value, sizeof value, &len);
    if (rv == CKR_OK) {
        std::memset(op->scalar, 0, sizeof op->scalar - len);
        std::memcpy(op->scalar + sizeof op->scalar - len, value, len);
    }
    secure_wipe(value, sizeof value);
    return rv == CKR_TEMPLATE_INCOMPLETE ? CKR_KEY_HANDLE_INVALID : rv; // a private key without its value
}

// The §5.2 convention: CKR_OK with *query set when only the length was asked.
CK_RV check_output(CK_BYTE_PTR out, CK_ULONG_PTR out_len, bool *query)
{
    *query = out == nullptr;
    if (*query) {
        *out_len = kSignatureLength;
        return CKR_OK;
    }
    if (*out_len < kSignatureLength) {
        *out_len = kSignatureLength;
        return CKR_BUFFER_TOO_SMALL;
    }
    return CKR_OK;
}

// CKA_ALWAYS_AUTHENTICATE without C_Login(CKU_CONTEXT_SPECIFIC).
bool key_use_refused(const SignState &op)
{
    return op.needs_context_login && !op.context_login_done;
}

// The signature of the data (raw) or of the hash of everything fed.
CK_RV finish(SignState &op, const std::uint8_t *data, CK_ULONG data_len, CK_BYTE_PTR signature,
             CK_ULONG_PTR signature_len)
{
    std::uint8_t hash[WC_SHA256_DIGEST_SIZE];
    if (op.hashing) {
        if (wc_Sha256Final(&op.sha, hash) != 0) {
            return CKR_FUNCTION_FAILED;
        }
        data = hash;
        data_len = sizeof hash;
    }
    const CK_RV rv = sign_ecdsa(op, data, data_len, signature);
    secure_wipe(hash, sizeof hash);
    if (rv == CKR_OK) {
        *signature_len = kSignatureLength;
    }
    return rv;
}

} // namespace

namespace p11::lean {

void sign_end(SignState &op)
{
    if (op.hashing) {
        wc_Sha256Free(&op.sha);
    }
    secure_wipe(&op, sizeof op);
    op = SignState();
}

CK_RV sign_context_login(Library &lib, p11_session *session, const CK_UTF8CHAR *pin, CK_ULONG pin_len)
{
    SignState &op = session->sign;
    if (!op.active || !op.needs_context_login) {
        return CKR_OPERATION_NOT_INITIALIZED; // §5.6: "improper use of this user type"
    }
    if (lib.login != Login::user) {
        return CKR_OPERATION_NOT_INITIALIZED; // no user to re-authenticate (api_login.cpp)
    }
    const CK_RV rv = token_pin_attempt(lib, false, pin, pin_len);
    if (rv == CKR_OK) {
        op.context_login_done = true;
    }
    return rv;
}

} // namespace p11::lean

extern "C" {

CK_RV p11be_C_SignInit(p11_session *session, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
    SignState &op = session->sign;
    if (op.active) {
        return CKR_OPERATION_ACTIVE;
    }
    const KeyUse use = {CKF_SIGN, CKO_PRIVATE_KEY, CKK_EC, CKA_SIGN};
    CK_MECHANISM_INFO info;
    ObjectRead key;
    const CK_RV usable = key_for_use(*pMechanism, hKey, use, &key, &info);
    if (usable != CKR_OK) {
        return usable;
    }
    const RecordView &view = key.view();
    const std::uint8_t *value = nullptr;
    std::uint32_t value_len = 0;
    if (!record_find(view, CKA_EC_PARAMS, &value, &value_len)) {
        return CKR_TEMPLATE_INCOMPLETE;
    }
    const bool p256 = is_p256_params(value, value_len);
    if (!p256 || !(info.ulMaxKeySize == 0 || (info.ulMinKeySize <= 256 && 256 <= info.ulMaxKeySize))) {
        return CKR_KEY_SIZE_RANGE; // a curve this token does not sign on
    }
    SignState started;
    CK_RV rv = take_scalar(view, &started);
    if (rv == CKR_OK && pMechanism->mechanism == CKM_ECDSA_SHA256) {
        rv = wc_InitSha256(&started.sha) == 0 ? CKR_OK : CKR_FUNCTION_FAILED;
        started.hashing = rv == CKR_OK;
    }
    if (rv != CKR_OK) {
        sign_end(started);
        return rv;
    }
    started.needs_context_login = record_bool(view, CKA_ALWAYS_AUTHENTICATE, false);
    started.active = true;
    op = started;
    secure_wipe(&started, sizeof started); // the scalar's copy on the stack
    return CKR_OK;
}

CK_RV p11be_C_Sign(p11_session *session, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
                   CK_ULONG_PTR pulSignatureLen)
{
    SignState &op = session->sign;
    if (!op.active) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if (op.multi_part) {
        sign_end(op); // mixing one-shot and multi-part ends the run
        return CKR_OPERATION_ACTIVE;
    }
    op.single_part = true;
    bool query = false;
    CK_RV rv = check_output(pSignature, pulSignatureLen, &query);
    if (query && (p11_active_profile.deviations & P11_DEVIATION_SIGN_LENGTH_QUERY_ENDS_OPERATION) != 0) {
        sign_end(op); // corePKCS11's behaviour, declared by the profile
    }
    if (rv != CKR_OK || query) {
        return rv;
    }
    if (key_use_refused(op)) {
        rv = CKR_USER_NOT_LOGGED_IN;
    } else if (op.hashing && !sha256_feed(op.sha, pData, ulDataLen)) {
        rv = CKR_FUNCTION_FAILED;
    } else {
        rv = finish(op, pData, ulDataLen, pSignature, pulSignatureLen);
    }
    sign_end(op);
    return rv;
}

CK_RV p11be_C_SignUpdate(p11_session *session, CK_BYTE_PTR pPart, CK_ULONG ulPartLen)
{
    SignState &op = session->sign;
    if (!op.active) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    const CK_RV rv = op.single_part        ? CKR_OPERATION_ACTIVE
                     : key_use_refused(op) ? CKR_USER_NOT_LOGGED_IN
                     : !op.hashing         ? CKR_FUNCTION_NOT_SUPPORTED
                     : sha256_feed(op.sha, pPart, ulPartLen) ? CKR_OK
                                                             : CKR_FUNCTION_FAILED;
    if (rv != CKR_OK) {
        sign_end(op);
        return rv;
    }
    op.multi_part = true;
    return CKR_OK;
}

CK_RV p11be_C_SignFinal(p11_session *session, CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen)
{
    SignState &op = session->sign;
    if (!op.active) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if (op.single_part) {
        sign_end(op);
        return CKR_OPERATION_ACTIVE;
    }
    op.multi_part = true;
    bool query = false;
    CK_RV rv = check_output(pSignature, pulSignatureLen, &query);
    if (rv != CKR_OK || query) {
        return rv;
    }
    rv = key_use_refused(op) ? CKR_USER_NOT_LOGGED_IN
         : !op.hashing       ? CKR_FUNCTION_NOT_SUPPORTED
                             : finish(op, nullptr, 0, pSignature, pulSignatureLen);
    sign_end(op);
    return rv;
}

} // extern "C"

#endif // P11_LEAN_SIGNS
