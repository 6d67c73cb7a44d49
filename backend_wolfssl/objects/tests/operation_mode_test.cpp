/* A single-part and a multi-part run do not mix (v2.40 §5.10-§5.12): C_Digest
 * / C_Sign / C_Verify after an Update, or an Update / Final after a C_Digest
 * or C_Sign length query, answer CKR_OPERATION_ACTIVE and end the operation. */
#include "key_rules_support.h"

using namespace p11test;

namespace {

class OperationModeTest : public KeyRulesTest {
  protected:
    CK_RV DigestInit()
    {
        CK_MECHANISM mechanism = Mech(CKM_SHA256);
        return With(h, [&](p11_session *s) { return p11be_C_DigestInit(s, &mechanism); });
    }
    CK_RV Digest(const ByteVec &data, ByteVec *out, bool query = false)
    {
        ByteVec in = data;
        ByteVec buffer(32);
        CK_ULONG len = buffer.size();
        CK_RV rv = With(h, [&](p11_session *s) {
            return p11be_C_Digest(s, in.data(), in.size(), query ? nullptr : buffer.data(), &len);
        });
        if (rv == CKR_OK && out != nullptr && !query) {
            *out = buffer;
        }
        return rv;
    }
    CK_RV DigestUpdate(const ByteVec &part)
    {
        ByteVec in = part;
        return With(h, [&](p11_session *s) { return p11be_C_DigestUpdate(s, in.data(), in.size()); });
    }
    CK_RV DigestFinal(ByteVec *out, bool query = false)
    {
        ByteVec buffer(32);
        CK_ULONG len = buffer.size();
        CK_RV rv = With(h, [&](p11_session *s) {
            return p11be_C_DigestFinal(s, query ? nullptr : buffer.data(), &len);
        });
        if (rv == CKR_OK && out != nullptr && !query) {
            *out = buffer;
        }
        return rv;
    }
    const ByteVec data_{'a', 'b', 'c'};
};

TEST_F(OperationModeTest, DigestAfterDigestUpdateIsActiveAndEndsTheRun)
{
    ASSERT_EQ(CKR_OK, DigestInit());
    ASSERT_EQ(CKR_OK, DigestUpdate(data_));
    EXPECT_EQ(CKR_OPERATION_ACTIVE, Digest(data_, nullptr));
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, DigestFinal(nullptr));
}

TEST_F(OperationModeTest, DigestFinalAfterDigestLengthQueryIsActiveAndEndsTheRun)
{
    ASSERT_EQ(CKR_OK, DigestInit());
    ASSERT_EQ(CKR_OK, Digest(data_, nullptr, true));
    EXPECT_EQ(CKR_OPERATION_ACTIVE, DigestFinal(nullptr)) << "it would have been the hash of nothing";
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, Digest(data_, nullptr));
}

TEST_F(OperationModeTest, DigestUpdateAfterDigestLengthQueryIsActive)
{
    ASSERT_EQ(CKR_OK, DigestInit());
    ASSERT_EQ(CKR_OK, Digest(data_, nullptr, true));
    EXPECT_EQ(CKR_OPERATION_ACTIVE, DigestUpdate(data_));
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, DigestUpdate(data_));
}

TEST_F(OperationModeTest, DigestAfterItsLengthQueryGivesTheHash)
{
    ASSERT_EQ(CKR_OK, DigestInit());
    ASSERT_EQ(CKR_OK, Digest(data_, nullptr, true));
    ByteVec out;
    ASSERT_EQ(CKR_OK, Digest(data_, &out));
    EXPECT_EQ(Sha256(data_), out);
}

TEST_F(OperationModeTest, DigestFinalAfterItsLengthQueryGivesTheHash)
{
    ASSERT_EQ(CKR_OK, DigestInit());
    ASSERT_EQ(CKR_OK, DigestUpdate(data_));
    ASSERT_EQ(CKR_OK, DigestFinal(nullptr, true));
    ByteVec out;
    ASSERT_EQ(CKR_OK, DigestFinal(&out));
    EXPECT_EQ(Sha256(data_), out);
}

TEST_F(OperationModeTest, SignUpdateOrFinalAfterSignLengthQueryIsActive)
{
    CK_OBJECT_HANDLE key = CreateOk(h, EcPrivateTemplate("k", false));
    CK_ULONG length = 0;
    ASSERT_EQ(CKR_OK, SignInit(Mech(CKM_ECDSA_SHA256), key));
    ASSERT_EQ(CKR_OK, SignLengthQuery(data_, &length));
    EXPECT_EQ(CKR_OPERATION_ACTIVE, SignUpdate(data_));
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, SignFinal(nullptr));

    ASSERT_EQ(CKR_OK, SignInit(Mech(CKM_ECDSA_SHA256), key));
    ASSERT_EQ(CKR_OK, SignLengthQuery(data_, &length));
    EXPECT_EQ(CKR_OPERATION_ACTIVE, SignFinal(nullptr));
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, Sign(data_, nullptr));
}

TEST_F(OperationModeTest, SignAfterSignUpdateOrFinalLengthQueryIsActive)
{
    CK_OBJECT_HANDLE key = CreateOk(h, EcPrivateTemplate("k", false));
    ASSERT_EQ(CKR_OK, SignInit(Mech(CKM_ECDSA_SHA256), key));
    ASSERT_EQ(CKR_OK, SignUpdate(data_));
    EXPECT_EQ(CKR_OPERATION_ACTIVE, Sign(data_, nullptr));
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, SignFinal(nullptr));

    CK_ULONG length = 0;
    ASSERT_EQ(CKR_OK, SignInit(Mech(CKM_ECDSA_SHA256), key));
    ASSERT_EQ(CKR_OK, SignFinalLengthQuery(&length));
    EXPECT_EQ(CKR_OPERATION_ACTIVE, Sign(data_, nullptr));
}

TEST_F(OperationModeTest, VerifyAfterVerifyUpdateIsActive)
{
    CK_OBJECT_HANDLE pub = CreateOk(h, EcPublicTemplate("p", false));
    ASSERT_EQ(CKR_OK, VerifyInit(Mech(CKM_ECDSA_SHA256), pub));
    ASSERT_EQ(CKR_OK, VerifyUpdate(data_));
    EXPECT_EQ(CKR_OPERATION_ACTIVE, Verify(data_, ByteVec(64, 1)));
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, VerifyUpdate(data_));
}

} // namespace
