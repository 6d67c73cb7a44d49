/* A PIN-bound key's private value leaves the process's memory when the user
 * logs out (C_Logout, or the last session closing) and the token key with
 * it; the next user login opens it again from its record. Checked on the
 * store's own copy of the object (what a memory dump would show). */
#include "backend_api.h"
#include "library.h"
#include "object_test_support.h"
#include "objects/object_store.h"
#include "secrets/held_keys.h"

using namespace p11test;

namespace {

class MemorySealingTest : public ObjectTest {
  protected:
    // Some private key object in the store, whoever may see it, has its
    // private value in memory (a sealed one is never listed: it is invisible
    // until opened, and holds no value).
    static bool ValueInMemory()
    {
        std::vector<p11::ObjectRef> all;
        EXPECT_EQ(CKR_OK, p11::library().objects.search(p11::AttributeSet(), p11::Login::user, &all));
        for (const p11::ObjectRef &object : all) {
            if (object->klass == CKO_PRIVATE_KEY && object->attrs.has(CKA_VALUE)) {
                return true;
            }
        }
        return false;
    }
};

TEST_F(MemorySealingTest, LogoutDropsThePrivateValueAndTheTokenKey)
{
    CK_SESSION_HANDLE h = Open(true);
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, "1234"));
    CK_OBJECT_HANDLE key = CreateOk(h, EcPrivateTemplate("k", true));
    ASSERT_EQ(CKR_OK, SignOnce(h, key));
    EXPECT_TRUE(ValueInMemory());
    EXPECT_NE(nullptr, p11::held_token_key());

    ASSERT_EQ(CKR_OK, Logout(h));
    EXPECT_FALSE(ValueInMemory()) << "the private value stayed in memory after C_Logout";
    EXPECT_EQ(nullptr, p11::held_token_key());

    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, "1234"));
    std::vector<CK_OBJECT_HANDLE> keys = Find(h, Tmpl().Ulong(CKA_CLASS, CKO_PRIVATE_KEY));
    ASSERT_EQ(1u, keys.size());
    EXPECT_EQ(CKR_OK, SignOnce(h, keys[0])) << "the key did not open again at login";
}

TEST_F(MemorySealingTest, ClosingTheLastSessionDropsThemToo)
{
    CK_SESSION_HANDLE h = Open(true);
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, "1234"));
    CK_OBJECT_HANDLE key = CreateOk(h, EcPrivateTemplate("k", true));
    ASSERT_EQ(CKR_OK, SignOnce(h, key));
    ASSERT_EQ(CKR_OK, Close(h));
    EXPECT_FALSE(ValueInMemory()) << "the private value stayed in memory after the last session closed";
    EXPECT_EQ(nullptr, p11::held_token_key());

    h = Open(true);
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, "1234"));
    EXPECT_EQ(CKR_OK, SignOnce(h, key)) << "the handle stays the same across the implicit logout";
}

} // namespace
