/* Message digesting (v2.40 §5.10) with wolfCrypt: CKM_SHA_1, CKM_SHA256,
 * CKM_SHA384, CKM_SHA512. Output follows §5.2: a NULL buffer asks for the
 * length and a too-small one gets CKR_BUFFER_TOO_SMALL, both leaving the
 * operation active; any other result ends it. C_Digest after C_DigestUpdate,
 * and C_DigestUpdate/C_DigestFinal after C_Digest, answer CKR_OPERATION_ACTIVE
 * and end the operation (a single-part and a multi-part run do not mix). */
#include "digest.h"

#include <cstddef>
#include "backend_api.h"
#include "out_of_memory.h"
#include "library.h"
#include "mechanism_catalog.h"
#include "secure_wipe.h"
#include "session.h"

namespace p11 {

namespace {

// The bytes of the hash state in use: wiping all of wc_HashAlg (sized for
// SHA-512 with its AVX buffers) after each short SHA-256 digest would cost
// more than the rest of the call's bookkeeping.
std::size_t state_size(enum wc_HashType type)
{
    switch (type) {
#if P11_HAVE_SHA1
    case WC_HASH_TYPE_SHA:
        return sizeof(wc_Sha);
#endif
#if P11_HAVE_SHA384 || P11_HAVE_SHA512
    case WC_HASH_TYPE_SHA384:
    case WC_HASH_TYPE_SHA512:
        return sizeof(wc_Sha512);
#endif
    case WC_HASH_TYPE_SHA256:
        return sizeof(wc_Sha256);
    default:
        return sizeof(wc_HashAlg);
    }
}

void release_state(DigestOperation *op)
{
    wc_HashFree(&op->state, op->type);
    secure_wipe(&op->state, state_size(op->type)); // the state may hold what was digested
    op->active = false;
}

} // namespace

void digest_operation_free(DigestOperation *op)
{
    if (op == nullptr) {
        return;
    }
    if (op->active) {
        release_state(op);
    }
    delete op;
}

void digest_operation_end(p11_session *session)
{
    DigestOperation *op = session->digest;
    if (op == nullptr) {
        return;
    }
    session->digest = nullptr;
    release_state(op);
    // Kept for the session's next digest: a 64-byte C_Digest should not pay
    // for an allocation.
    if (session->digest_spare == nullptr) {
        session->digest_spare = op;
    } else {
        delete op;
    }
}

} // namespace p11

using namespace p11;

namespace {

bool hash_type_of(CK_MECHANISM_TYPE mechanism, enum wc_HashType *type)
{
    switch (mechanism) {
    case CKM_SHA_1:
        *type = WC_HASH_TYPE_SHA;
        return true;
    case CKM_SHA256:
        *type = WC_HASH_TYPE_SHA256;
        return true;
    case CKM_SHA384:
        *type = WC_HASH_TYPE_SHA384;
        return true;
    case CKM_SHA512:
        *type = WC_HASH_TYPE_SHA512;
        return true;
    default:
        return false;
    }
}

void end_operation(p11_session *session)
{
    digest_operation_end(session);
}

// Feeds data in chunks wolfCrypt's word32 lengths can hold.
bool update(DigestOperation *op, const CK_BYTE *data, CK_ULONG len)
{
    const CK_ULONG kChunk = 1ul << 30;
    while (len > 0) {
        CK_ULONG n = len < kChunk ? len : kChunk;
        if (wc_HashUpdate(&op->state, op->type, data, static_cast<word32>(n)) != 0) {
            return false;
        }
        data += n;
        len -= n;
    }
    return true;
}

// The §5.2 buffer convention; CKR_OK means the output fits.
CK_RV check_output(const DigestOperation *op, CK_BYTE_PTR out, CK_ULONG_PTR out_len, bool *query)
{
    *query = out == nullptr;
    if (out == nullptr) {
        *out_len = op->size;
        return CKR_OK;
    }
    if (*out_len < op->size) {
        *out_len = op->size;
        return CKR_BUFFER_TOO_SMALL;
    }
    return CKR_OK;
}

// Marks the operation multi-part; false (and the operation ended) when
// C_Digest already used it as a single-part one.
bool begin_multi_part(p11_session *session)
{
    if (session->digest->single_part) {
        end_operation(session);
        return false;
    }
    session->digest->multi_part = true;
    return true;
}

CK_RV finish(p11_session *session, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
    DigestOperation *op = session->digest;
    CK_RV rv = wc_HashFinal(&op->state, op->type, out) == 0 ? CKR_OK : CKR_FUNCTION_FAILED;
    if (rv == CKR_OK) {
        *out_len = op->size;
    }
    end_operation(session);
    return rv;
}

} // namespace

extern "C" {

CK_RV p11be_C_DigestInit(p11_session *session, CK_MECHANISM_PTR pMechanism)
P11_TRY {
    LockGuard guard(session->op_lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    if (session->digest != nullptr) {
        return CKR_OPERATION_ACTIVE;
    }
    CK_MECHANISM_INFO info;
    enum wc_HashType type;
    if (!mechanism_offered(profile(), pMechanism->mechanism, &info) ||
        (info.flags & CKF_DIGEST) == 0 || !hash_type_of(pMechanism->mechanism, &type)) {
        return CKR_MECHANISM_INVALID;
    }
    // The SHA mechanisms take no parameter; a profile declaring corePKCS11's
    // deviation never reads the (possibly uninitialized) fields.
    if ((profile().deviations & P11_DEVIATION_DIGEST_IGNORES_PARAMETERS) == 0 &&
        (pMechanism->pParameter != nullptr || pMechanism->ulParameterLen != 0)) {
        return CKR_MECHANISM_PARAM_INVALID;
    }
    DigestOperation *op = session->digest_spare;
    if (op == nullptr) {
        op = new (std::nothrow) DigestOperation;
        if (op == nullptr) {
            return CKR_HOST_MEMORY;
        }
    }
    session->digest_spare = nullptr;
    op->type = type;
    op->size = static_cast<CK_ULONG>(wc_HashGetDigestSize(type));
    if (wc_HashInit(&op->state, type) != 0) {
        op->active = false;
        session->digest_spare = op;
        return CKR_FUNCTION_FAILED;
    }
    op->active = true;
    op->single_part = false;
    op->multi_part = false;
    session->digest = op;
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_Digest(p11_session *session, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                     CK_BYTE_PTR pDigest, CK_ULONG_PTR pulDigestLen)
P11_TRY {
    LockGuard guard(session->op_lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    if (session->digest == nullptr) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if (session->digest->multi_part) {
        // C_Digest cannot finish what C_DigestUpdate started; the run ends.
        end_operation(session);
        return CKR_OPERATION_ACTIVE;
    }
    session->digest->single_part = true;
    bool query = false;
    CK_RV rv = check_output(session->digest, pDigest, pulDigestLen, &query);
    if (rv != CKR_OK || query) {
        return rv; // the data is not consumed, so the call can be repeated
    }
    if (!update(session->digest, pData, ulDataLen)) {
        end_operation(session);
        return CKR_FUNCTION_FAILED;
    }
    return finish(session, pDigest, pulDigestLen);
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_DigestUpdate(p11_session *session, CK_BYTE_PTR pPart, CK_ULONG ulPartLen)
P11_TRY {
    LockGuard guard(session->op_lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    if (session->digest == nullptr) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if (!begin_multi_part(session)) {
        return CKR_OPERATION_ACTIVE;
    }
    if (!update(session->digest, pPart, ulPartLen)) {
        end_operation(session);
        return CKR_FUNCTION_FAILED;
    }
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_DigestFinal(p11_session *session, CK_BYTE_PTR pDigest, CK_ULONG_PTR pulDigestLen)
P11_TRY {
    LockGuard guard(session->op_lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    if (session->digest == nullptr) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if (!begin_multi_part(session)) {
        return CKR_OPERATION_ACTIVE;
    }
    bool query = false;
    CK_RV rv = check_output(session->digest, pDigest, pulDigestLen, &query);
    if (rv != CKR_OK || query) {
        return rv;
    }
    return finish(session, pDigest, pulDigestLen);
} P11_HOST_MEMORY_ON_BAD_ALLOC

} // extern "C"
