/* Attributes that restrict a key are enforced where the operation starts:
 * CKA_ALLOWED_MECHANISMS at *Init (v2.40 §4.7), CKA_ALWAYS_AUTHENTICATE
 * through C_Login(CKU_CONTEXT_SPECIFIC) (§4.9, §5.6); mechanism parameters
 * are checked without overflow (RSA-PSS sLen). */
#include <climits>

#include "key_rules_support.h"

using namespace p11test;

namespace {

class KeyUsageTest : public KeyRulesTest {
  protected:
    CK_OBJECT_HANDLE EcKey(bool always_authenticate, CK_ULONG allowed_count = 0,
                           const CK_MECHANISM_TYPE *allowed = nullptr)
    {
        Tmpl t = EcPrivateTemplate("key", false);
        t.Bool(CKA_PRIVATE, true);
        if (always_authenticate) {
            t.Bool(CKA_ALWAYS_AUTHENTICATE, true);
        }
        if (allowed != nullptr) {
            t.Raw(CKA_ALLOWED_MECHANISMS, const_cast<CK_MECHANISM_TYPE *>(allowed),
                  allowed_count * sizeof(CK_MECHANISM_TYPE));
        }
        return CreateOk(h, t);
    }
    const ByteVec hash_ = Sha256(ByteVec{'f', 'i', 'r', 'm', 'w', 'a', 'r', 'e'});
};

TEST_F(KeyUsageTest, AllowedMechanismsLimitSignInit)
{
    const CK_MECHANISM_TYPE only[] = {CKM_ECDSA_SHA256};
    CK_OBJECT_HANDLE key = EcKey(false, 1, only);
    EXPECT_EQ(CKR_MECHANISM_INVALID, SignInit(Mech(CKM_ECDSA), key)) << "raw ECDSA is not in the key's list";
    ASSERT_EQ(CKR_OK, SignInit(Mech(CKM_ECDSA_SHA256), key));
    ByteVec signature;
    EXPECT_EQ(CKR_OK, Sign(ByteVec{'m'}, &signature));
}

TEST_F(KeyUsageTest, AllowedMechanismsLimitVerifyInit)
{
    Tmpl t = EcPublicTemplate("pub", false);
    const CK_MECHANISM_TYPE only[] = {CKM_ECDSA_SHA256};
    t.Raw(CKA_ALLOWED_MECHANISMS, const_cast<CK_MECHANISM_TYPE *>(only), sizeof only);
    CK_OBJECT_HANDLE key = CreateOk(h, t);
    EXPECT_EQ(CKR_MECHANISM_INVALID, VerifyInit(Mech(CKM_ECDSA), key));
    EXPECT_EQ(CKR_OK, VerifyInit(Mech(CKM_ECDSA_SHA256), key));
}

TEST_F(KeyUsageTest, EmptyAllowedMechanismsPutNoLimit)
{
    const CK_MECHANISM_TYPE none[] = {CKM_ECDSA};
    CK_OBJECT_HANDLE key = EcKey(false, 0, none);
    EXPECT_EQ(CKR_OK, SignInit(Mech(CKM_ECDSA), key));
}

TEST_F(KeyUsageTest, AlwaysAuthenticateKeyDoesNotSignWithoutContextLogin)
{
    CK_OBJECT_HANDLE key = EcKey(true);
    ASSERT_EQ(CKR_OK, SignInit(Mech(CKM_ECDSA), key));
    CK_ULONG length = 0;
    EXPECT_EQ(CKR_OK, SignLengthQuery(hash_, &length)) << "a length query does not use the key";
    EXPECT_EQ(64u, length);
    EXPECT_EQ(CKR_USER_NOT_LOGGED_IN, Sign(hash_, nullptr));
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, Sign(hash_, nullptr)) << "the refused C_Sign ended the operation";
}

TEST_F(KeyUsageTest, AlwaysAuthenticateKeySignsOnceAfterContextLogin)
{
    CK_OBJECT_HANDLE key = EcKey(true);
    ASSERT_EQ(CKR_OK, SignInit(Mech(CKM_ECDSA), key));
    ASSERT_EQ(CKR_OK, ContextLogin(kUserPin));
    ByteVec signature;
    ASSERT_EQ(CKR_OK, Sign(hash_, &signature));
    EXPECT_TRUE(OpenSslVerifiesP256(kTestEcPublicPoint, hash_, signature));
    // One operation per login.
    ASSERT_EQ(CKR_OK, SignInit(Mech(CKM_ECDSA), key));
    EXPECT_EQ(CKR_USER_NOT_LOGGED_IN, Sign(hash_, nullptr));
}

TEST_F(KeyUsageTest, AlwaysAuthenticateCoversAWholeMultiPartOperation)
{
    CK_OBJECT_HANDLE key = EcKey(true);
    ASSERT_EQ(CKR_OK, SignInit(Mech(CKM_ECDSA_SHA256), key));
    EXPECT_EQ(CKR_USER_NOT_LOGGED_IN, SignUpdate(ByteVec{'a'}));
    ASSERT_EQ(CKR_OK, SignInit(Mech(CKM_ECDSA_SHA256), key));
    ASSERT_EQ(CKR_OK, ContextLogin(kUserPin));
    ASSERT_EQ(CKR_OK, SignUpdate(ByteVec{'f', 'i', 'r', 'm'}));
    ASSERT_EQ(CKR_OK, SignUpdate(ByteVec{'w', 'a', 'r', 'e'}));
    ByteVec signature;
    ASSERT_EQ(CKR_OK, SignFinal(&signature));
    EXPECT_TRUE(OpenSslVerifiesP256(kTestEcPublicPoint, hash_, signature));
}

TEST_F(KeyUsageTest, ContextLoginWithWrongPinIsIncorrectAndSignsNothing)
{
    CK_OBJECT_HANDLE key = EcKey(true);
    ASSERT_EQ(CKR_OK, SignInit(Mech(CKM_ECDSA), key));
    EXPECT_EQ(CKR_PIN_INCORRECT, ContextLogin("9999"));
    EXPECT_EQ(CKR_USER_NOT_LOGGED_IN, Sign(hash_, nullptr));
    EXPECT_TRUE(TokenInfo().flags & CKF_USER_PIN_COUNT_LOW) << "a wrong context PIN counts as a wrong PIN";
}

TEST_F(KeyUsageTest, ContextLoginWithoutAnOperationWaitingIsNotInitialized)
{
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, ContextLogin(kUserPin));
    CK_OBJECT_HANDLE plain = EcKey(false);
    ASSERT_EQ(CKR_OK, SignInit(Mech(CKM_ECDSA), plain));
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, ContextLogin(kUserPin)) << "this key does not ask for it";
    ByteVec signature;
    EXPECT_EQ(CKR_OK, Sign(hash_, &signature));
}

TEST_F(KeyUsageTest, PssSaltLengthsThatWouldWrapAreRefused)
{
    CK_OBJECT_HANDLE key = CreateOk(h, RsaPrivateTemplate("rsa", false));
    CK_OBJECT_HANDLE pub = CreateOk(h, RsaPublicTemplate("rsa-pub", false));
    const CK_ULONG em_len = 256; // ceil((2048 - 1) / 8)
    const CK_ULONG largest = em_len - 32 - 2;
    for (CK_ULONG salt : {ULONG_MAX, ULONG_MAX - 1, ULONG_MAX - 33, largest + 1}) {
        CK_RSA_PKCS_PSS_PARAMS params = {CKM_SHA256, CKG_MGF1_SHA256, salt};
        EXPECT_EQ(CKR_MECHANISM_PARAM_INVALID, SignInit(Mech(CKM_RSA_PKCS_PSS, &params, sizeof params), key)) << salt;
        EXPECT_EQ(CKR_MECHANISM_PARAM_INVALID, VerifyInit(Mech(CKM_RSA_PKCS_PSS, &params, sizeof params), pub))
            << salt;
    }
    CK_RSA_PKCS_PSS_PARAMS params = {CKM_SHA256, CKG_MGF1_SHA256, largest};
    ASSERT_EQ(CKR_OK, SignInit(Mech(CKM_RSA_PKCS_PSS, &params, sizeof params), key));
    ByteVec signature;
    ASSERT_EQ(CKR_OK, Sign(hash_, &signature));
    EXPECT_TRUE(OpenSslVerifiesPss(hash_, signature, static_cast<int>(largest)));
}

} // namespace
