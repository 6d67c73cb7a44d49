/* Support for the key-rules tests: signing and verifying through the
 * backend as an entry point would, and OpenSSL (the independent
 * implementation) to check what the backend signs. */
#ifndef P11_OBJECTS_KEY_RULES_SUPPORT_H
#define P11_OBJECTS_KEY_RULES_SUPPORT_H

#include <climits>

#include "backend_api.h"
#include "object_test_support.h"

namespace p11test {

constexpr char kUserPin[] = "1234";

// Big-endian integers as the attributes carry them.
ByteVec Hex(const char *hex);
ByteVec PlusOne(ByteVec value);

// The P-256 group order n and generator coordinates (SEC 2 §2.4.2).
ByteVec P256Order();
ByteVec P256Gx();
ByteVec P256Gy();

// The first three bytes of SHA-1 (OpenSSL), as CKA_CHECK_VALUE has them.
ByteVec Sha1CheckValue(const ByteVec &value);
ByteVec Sha256(const ByteVec &data);

// OpenSSL checks: a raw r || s P-256 signature of `hash` under the point
// (04 || X || Y); an RSA-PSS (SHA-256, MGF1-SHA-256) signature of `hash`
// with salt length `salt` under n = kTestRsaModulus, e = 65537.
bool OpenSslVerifiesP256(const ByteVec &point, const ByteVec &hash, const ByteVec &signature);
bool OpenSslVerifiesPss(const ByteVec &hash, const ByteVec &signature, int salt);

class KeyRulesTest : public ObjectTest {
  protected:
    void SetUp() override
    {
        ObjectTest::SetUp();
        h = Open(true);
        ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    }

    CK_RV SignInit(CK_MECHANISM mechanism, CK_OBJECT_HANDLE key);
    CK_RV VerifyInit(CK_MECHANISM mechanism, CK_OBJECT_HANDLE key);
    // C_Sign with a buffer of `room` bytes; *signature gets what was written.
    CK_RV Sign(const ByteVec &data, ByteVec *signature, CK_ULONG room = 512);
    CK_RV SignLengthQuery(const ByteVec &data, CK_ULONG *length);
    CK_RV SignUpdate(const ByteVec &part);
    CK_RV SignFinal(ByteVec *signature, CK_ULONG room = 512);
    CK_RV SignFinalLengthQuery(CK_ULONG *length);
    CK_RV VerifyUpdate(const ByteVec &part);
    CK_RV Verify(const ByteVec &data, const ByteVec &signature);
    CK_RV ContextLogin(const char *pin);

    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
};

inline CK_MECHANISM Mech(CK_MECHANISM_TYPE type, void *param = nullptr, CK_ULONG len = 0)
{
    return CK_MECHANISM{type, param, len};
}

} // namespace p11test

#endif // P11_OBJECTS_KEY_RULES_SUPPORT_H
