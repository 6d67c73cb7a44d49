/* Message digesting (v2.40 §5.10) for the lean backend: SHA-256 only. The
 * §5.2 output convention (a NULL buffer asks for the length, a small one
 * gets CKR_BUFFER_TOO_SMALL, both keep the operation); single-part and
 * multi-part runs do not mix (CKR_OPERATION_ACTIVE, the run ends). */
#include "lean/lean_library.h"
#include "p11_backend.h"
#include "p11_profile.h"
#include "secure_wipe.h"

using namespace p11;
using namespace p11::lean;

namespace {

constexpr CK_ULONG kDigestSize = WC_SHA256_DIGEST_SIZE;


CK_RV check_output(CK_BYTE_PTR out, CK_ULONG_PTR out_len, bool *query)
{
    *query = out == nullptr;
    if (*query) {
        *out_len = kDigestSize;
        return CKR_OK;
    }
    if (*out_len < kDigestSize) {
        *out_len = kDigestSize;
        return CKR_BUFFER_TOO_SMALL;
    }
    return CKR_OK;
}

CK_RV finish(DigestState &op, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
    const CK_RV rv = wc_Sha256Final(&op.sha, out) == 0 ? CKR_OK : CKR_FUNCTION_FAILED;
    if (rv == CKR_OK) {
        *out_len = kDigestSize;
    }
    digest_end(op);
    return rv;
}

/* The start of C_Digest (multi false) and of C_DigestUpdate and C_DigestFinal
 * (multi true): an operation must be active and not begun in the other
 * form, which ends it (§5.10); from now on it is in this one. */
CK_RV begin_run(DigestState &op, bool multi)
{
    if (!op.active) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if (multi ? op.single_part : op.multi_part) {
        digest_end(op);
        return CKR_OPERATION_ACTIVE;
    }
    (multi ? op.multi_part : op.single_part) = true;
    return CKR_OK;
}

} // namespace

namespace p11::lean {

bool sha256_feed(wc_Sha256 &sha, const CK_BYTE *data, CK_ULONG len)
{
    const CK_ULONG kChunk = 1ul << 30; // wolfCrypt takes word32 lengths
    while (len > 0) {
        const CK_ULONG n = len < kChunk ? len : kChunk;
        if (wc_Sha256Update(&sha, data, static_cast<word32>(n)) != 0) {
            return false;
        }
        data += n;
        len -= n;
    }
    return true;
}

void digest_end(DigestState &op)
{
    if (op.active) {
        wc_Sha256Free(&op.sha);
    }
    secure_wipe(&op.sha, sizeof op.sha); // holds what was digested
    op.active = false;
}

} // namespace p11::lean

extern "C" {

CK_RV p11be_C_DigestInit(p11_session *session, CK_MECHANISM_PTR pMechanism)
{
    DigestState &op = session->digest;
    if (op.active) {
        return CKR_OPERATION_ACTIVE;
    }
    CK_MECHANISM_INFO info;
    if (pMechanism->mechanism != CKM_SHA256 || !mechanism_info(CKM_SHA256, &info) || (info.flags & CKF_DIGEST) == 0) {
        return CKR_MECHANISM_INVALID;
    }
    if ((p11_active_profile.deviations & P11_DEVIATION_DIGEST_IGNORES_PARAMETERS) == 0 &&
        (pMechanism->pParameter != nullptr || pMechanism->ulParameterLen != 0)) {
        return CKR_MECHANISM_PARAM_INVALID;
    }
    if (wc_InitSha256(&op.sha) != 0) {
        return CKR_FUNCTION_FAILED;
    }
    op.active = true;
    op.single_part = false;
    op.multi_part = false;
    return CKR_OK;
}

CK_RV p11be_C_Digest(p11_session *session, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pDigest,
                     CK_ULONG_PTR pulDigestLen)
{
    DigestState &op = session->digest;
    const CK_RV begun = begin_run(op, false);
    if (begun != CKR_OK) {
        return begun;
    }
    bool query = false;
    const CK_RV rv = check_output(pDigest, pulDigestLen, &query);
    if (rv != CKR_OK || query) {
        return rv; // the data is not consumed: the call can be repeated
    }
    if (!sha256_feed(op.sha, pData, ulDataLen)) {
        digest_end(op);
        return CKR_FUNCTION_FAILED;
    }
    return finish(op, pDigest, pulDigestLen);
}

CK_RV p11be_C_DigestUpdate(p11_session *session, CK_BYTE_PTR pPart, CK_ULONG ulPartLen)
{
    DigestState &op = session->digest;
    const CK_RV begun = begin_run(op, true);
    if (begun != CKR_OK) {
        return begun;
    }
    if (!sha256_feed(op.sha, pPart, ulPartLen)) {
        digest_end(op);
        return CKR_FUNCTION_FAILED;
    }
    return CKR_OK;
}

CK_RV p11be_C_DigestKey(p11_session *session, CK_OBJECT_HANDLE hKey)
{
    (void)session;
    (void)hKey;
    return CKR_FUNCTION_NOT_SUPPORTED; // a lean token holds no secret key to digest
}

CK_RV p11be_C_DigestFinal(p11_session *session, CK_BYTE_PTR pDigest, CK_ULONG_PTR pulDigestLen)
{
    DigestState &op = session->digest;
    const CK_RV begun = begin_run(op, true);
    if (begun != CKR_OK) {
        return begun;
    }
    bool query = false;
    const CK_RV rv = check_output(pDigest, pulDigestLen, &query);
    if (rv != CKR_OK || query) {
        return rv;
    }
    return finish(op, pDigest, pulDigestLen);
}

} // extern "C"
