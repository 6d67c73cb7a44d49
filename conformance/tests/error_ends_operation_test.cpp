// A call refused for its arguments ends the operation it was part of: v2.40
// §5.10 "A call to C_Digest always terminates the active digest operation
// unless it returns CKR_BUFFER_TOO_SMALL or is a successful call ... to
// determine the length", §5.11 "A call to C_SignUpdate which results in an
// error terminates the current signature operation" and "A call to C_Verify
// always terminates the active verification operation". The argument checks
// in front of the operation must end it too, not return before it.
#include <string>

#include "key_fixture.h"

namespace p11conf {
namespace {

class ErrorEndsOperation : public KeyTest {
  protected:
    CK_OBJECT_HANDLE HmacKey()
    {
        Template tmpl = HmacTemplate(HmacSecret());
        return CreateObject(tmpl, "HMAC Key", false);
    }
};

P11_CASE(ErrorEndsOperation, DigestWithANullDataPointerEndsTheOperation, .group = "digest",
         .functions = "C_DigestInit C_Digest", .mechanisms = "CKM_SHA256", .section = "v2.40 §5.10 C_Digest")
{
    CK_MECHANISM mechanism = {CKM_SHA256, nullptr, 0};
    ASSERT_RV(fl()->C_DigestInit(session_, &mechanism), CKR_OK);
    ByteVector digest(32);
    CK_ULONG length = digest.size();
    ASSERT_RV(fl()->C_Digest(session_, nullptr, 3, digest.data(), &length), CKR_ARGUMENTS_BAD) << "pData NULL, 3 bytes";
    ByteVector data = kMessage;
    length = digest.size();
    EXPECT_RV(fl()->C_Digest(session_, data.data(), data.size(), digest.data(), &length), CKR_OPERATION_NOT_INITIALIZED)
        << "the refused C_Digest ended the operation";
}

P11_CASE(ErrorEndsOperation, SignUpdateWithANullPartEndsTheOperation, .group = "keys",
         .functions = "C_CreateObject C_SignInit C_SignUpdate C_SignFinal", .mechanisms = "CKM_SHA256_HMAC",
         .section = "v2.40 §5.11 C_SignUpdate")
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256_HMAC, CKF_SIGN));
    const CK_OBJECT_HANDLE key = HmacKey();
    ASSERT_NE(key, CK_INVALID_HANDLE);
    ASSERT_RV(SignInit(CKM_SHA256_HMAC, key), CKR_OK);
    ASSERT_RV(fl()->C_SignUpdate(session_, nullptr, 8), CKR_ARGUMENTS_BAD) << "pPart NULL, 8 bytes";
    ByteVector data = kMessage;
    EXPECT_RV(fl()->C_SignUpdate(session_, data.data(), data.size()), CKR_OPERATION_NOT_INITIALIZED)
        << "the refused C_SignUpdate ended the operation";
}

P11_CASE(ErrorEndsOperation, VerifyWithANullSignatureEndsTheOperation, .group = "keys",
         .functions = "C_CreateObject C_VerifyInit C_Verify", .mechanisms = "CKM_SHA256_HMAC",
         .section = "v2.40 §5.11 C_Verify")
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256_HMAC, CKF_VERIFY));
    const CK_OBJECT_HANDLE key = HmacKey();
    ASSERT_NE(key, CK_INVALID_HANDLE);
    ASSERT_RV(VerifyInit(CKM_SHA256_HMAC, key), CKR_OK);
    ByteVector data = kMessage, mac(32, 0x01);
    ASSERT_RV(fl()->C_Verify(session_, data.data(), data.size(), nullptr, 32), CKR_ARGUMENTS_BAD)
        << "pSignature NULL, 32 bytes";
    EXPECT_RV(fl()->C_Verify(session_, data.data(), data.size(), mac.data(), mac.size()), CKR_OPERATION_NOT_INITIALIZED)
        << "the refused C_Verify ended the operation";
}

} // namespace
} // namespace p11conf
