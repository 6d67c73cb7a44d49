// Operation state (v2.40 §5.6 C_GetOperationState, C_SetOperationState) with
// a digest active: the state is either saveable (a length query answers
// CKR_OK) or CKR_STATE_UNSAVEABLE; a saved state restored into a fresh session
// finishes the digest exactly as the original session does.
#include "module_fixture.h"
#include "openssl_reference.h"

namespace p11conf {
namespace {

class OperationState : public WithSession<> {
  protected:
    // C_DigestInit(CKM_SHA256) and C_DigestUpdate("ab") on `session`.
    void StartDigest(CK_SESSION_HANDLE session)
    {
        CK_MECHANISM mechanism = {CKM_SHA256, nullptr, 0};
        ASSERT_RV(fl()->C_DigestInit(session, &mechanism), CKR_OK);
        ByteVector part = {'a', 'b'};
        ASSERT_RV(fl()->C_DigestUpdate(session, part.data(), part.size()), CKR_OK);
    }

    // C_DigestUpdate("c") and C_DigestFinal on `session`.
    ByteVector FinishDigest(CK_SESSION_HANDLE session)
    {
        ByteVector part = {'c'}, digest(32);
        EXPECT_RV(fl()->C_DigestUpdate(session, part.data(), part.size()), CKR_OK);
        CK_ULONG length = digest.size();
        EXPECT_RV(fl()->C_DigestFinal(session, digest.data(), &length), CKR_OK);
        digest.resize(length);
        return digest;
    }
};

P11_CASE(OperationState, DigestStateLengthQueryIsOkOrStateUnsaveable, .group = "general",
         .functions = "C_GetOperationState C_DigestInit C_DigestUpdate", .mechanisms = "CKM_SHA256",
         .section = "v2.40 §5.6 C_GetOperationState")
{
    P11_SKIP_UNLESS(MechanismOffers(CKM_SHA256, CKF_DIGEST));
    ASSERT_NO_FATAL_FAILURE(StartDigest(session_));
    CK_ULONG length = 0;
    const CK_RV rv = fl()->C_GetOperationState(session_, nullptr, &length);
    ASSERT_TRUE(RvIsOneOf(rv, {CKR_OK, CKR_STATE_UNSAVEABLE}))
        << "C_GetOperationState(session_, NULL, &length) with a digest active";
    if (rv == CKR_OK) {
        EXPECT_GT(length, 0u) << "a saved state is not empty";
    }
    EXPECT_EQ(FinishDigest(session_), reference::Sha256({'a', 'b', 'c'})) << "the query leaves the digest running";
}

P11_CASE(OperationState, SavedDigestStateFinishesInAFreshSession, .group = "general",
         .functions = "C_SetOperationState C_GetOperationState C_DigestInit C_DigestUpdate C_DigestFinal",
         .mechanisms = "CKM_SHA256", .section = "v2.40 §5.6 C_SetOperationState")
{
    P11_SKIP_UNLESS(MechanismOffers(CKM_SHA256, CKF_DIGEST));
    ASSERT_NO_FATAL_FAILURE(StartDigest(session_));
    CK_ULONG length = 0;
    const CK_RV rv = fl()->C_GetOperationState(session_, nullptr, &length);
    if (rv == CKR_STATE_UNSAVEABLE) {
        GTEST_SKIP() << "not applicable: the module cannot save a digest's state (CKR_STATE_UNSAVEABLE)";
    }
    ASSERT_RV(fl()->C_GetOperationState(session_, nullptr, &length), CKR_OK);
    ByteVector state(length);
    ASSERT_RV(fl()->C_GetOperationState(session_, state.data(), &length), CKR_OK);
    state.resize(length);

    CK_SESSION_HANDLE fresh = CK_INVALID_HANDLE;
    ASSERT_RV(fl()->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, &fresh), CKR_OK);
    EXPECT_RV(fl()->C_SetOperationState(fresh, state.data(), state.size(), CK_INVALID_HANDLE, CK_INVALID_HANDLE),
              CKR_OK)
        << "a digest state needs no keys";
    const ByteVector expected = reference::Sha256({'a', 'b', 'c'});
    EXPECT_EQ(FinishDigest(fresh), expected) << "the restored digest continues after \"ab\"";
    EXPECT_EQ(FinishDigest(session_), expected) << "and the original session's digest is unchanged";
    fl()->C_CloseSession(fresh);
}

} // namespace
} // namespace p11conf
