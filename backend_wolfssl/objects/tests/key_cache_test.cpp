/* The parsed keys a key object caches for signing (crypto/key_pool.h) live
 * and die with the object: C_DestroyObject and C_Logout take them along. */
#include <memory>

#include "backend_api.h"
#include "library.h"
#include "object_test_support.h"
#include "objects/object_store.h"

using namespace p11test;

namespace {

const char kUserPin[] = "1234";

class KeyCacheTest : public ObjectTest {
  protected:
    static p11::ObjectRef Lookup(CK_OBJECT_HANDLE key)
    {
        return p11::library().objects.lookup(key, p11::Login::user);
    }
};

TEST_F(KeyCacheTest, SigningLeavesOneParsedKeyWithTheObject)
{
    CK_SESSION_HANDLE h = Open(true);
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    CK_OBJECT_HANDLE key = CreateOk(h, EcPrivateTemplate("k", false));
    EXPECT_EQ(0u, Lookup(key)->parsed_keys.idle()); // parsed on first use only
    ASSERT_EQ(CKR_OK, SignOnce(h, key));
    EXPECT_EQ(1u, Lookup(key)->parsed_keys.idle());
    ASSERT_EQ(CKR_OK, SignOnce(h, key)); // reused, not parsed again
    EXPECT_EQ(1u, Lookup(key)->parsed_keys.idle());
}

TEST_F(KeyCacheTest, DestroyObjectTakesItsParsedKeysAlong)
{
    CK_SESSION_HANDLE h = Open(true);
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    CK_OBJECT_HANDLE key = CreateOk(h, EcPrivateTemplate("k", true));
    ASSERT_EQ(CKR_OK, SignOnce(h, key));
    p11::ObjectRef object = Lookup(key);
    ASSERT_EQ(1u, object->parsed_keys.idle());
    ASSERT_EQ(CKR_OK, Destroy(h, key));
    // Only this test still holds it: the pool (and the key in it) go with it.
    EXPECT_EQ(1u, object.use_count());
    EXPECT_EQ(CKR_KEY_HANDLE_INVALID, SignOnce(h, key));
}

TEST_F(KeyCacheTest, LogoutTakesParsedPrivateKeysAlong)
{
    CK_SESSION_HANDLE h = Open(true);
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    CK_OBJECT_HANDLE session_key = CreateOk(h, EcPrivateTemplate("s", false));
    CK_OBJECT_HANDLE token_key = CreateOk(h, EcPrivateTemplate("t", true));
    ASSERT_EQ(CKR_OK, SignOnce(h, session_key));
    ASSERT_EQ(CKR_OK, SignOnce(h, token_key));
    p11::ObjectRef session_object = Lookup(session_key);
    p11::ObjectRef token_object = Lookup(token_key);
    ASSERT_EQ(CKR_OK, Logout(h));
    // The private session object is gone; the private token object lives on
    // under a new handle as a new Object, without the old parsed key: the
    // store holds neither old Object (only this test does).
    EXPECT_EQ(1u, session_object.use_count());
    EXPECT_EQ(1u, token_object.use_count());
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    std::vector<CK_OBJECT_HANDLE> found = Find(h, Tmpl().Str(CKA_LABEL, "t"));
    ASSERT_EQ(1u, found.size());
    EXPECT_EQ(0u, Lookup(found[0])->parsed_keys.idle());
    EXPECT_EQ(CKR_OK, SignOnce(h, found[0]));
}

} // namespace
