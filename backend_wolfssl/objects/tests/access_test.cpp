/* Who may see and change which object: R/O sessions, login, session object
 * lifetime, handles, and the store API the crypto code uses
 * (object_for_use, object_store_add). */
#include <algorithm>
#include <atomic>
#include <thread>

#include "object_test_support.h"
#include "objects/attribute_rules.h"
#include "objects/object_store.h"

using namespace p11test;

namespace {
const char kUserPin[] = "1234";
} // namespace

using AccessTest = ObjectTest;

TEST_F(AccessTest, ReadOnlySessionCannotCreateTokenObject)
{
    CK_SESSION_HANDLE ro = Open(false);
    ASSERT_EQ(CKR_OK, Login(ro, CKU_USER, kUserPin));
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    Tmpl token = DataTemplate("t", true);
    EXPECT_EQ(CKR_SESSION_READ_ONLY, Create(ro, token, &object));
    EXPECT_EQ(CK_INVALID_HANDLE, object);
    // A R/O session may still make session objects, private ones too.
    Tmpl session = EcPrivateTemplate("s", false);
    EXPECT_EQ(CKR_OK, Create(ro, session, &object));
}

TEST_F(AccessTest, ReadOnlySessionCannotChangeOrDestroyTokenObject)
{
    CK_SESSION_HANDLE rw = Open(true);
    CK_SESSION_HANDLE ro = Open(false);
    CK_OBJECT_HANDLE token = CreateOk(rw, DataTemplate("t", true));
    Tmpl label;
    label.Str(CKA_LABEL, "changed");
    EXPECT_EQ(CKR_SESSION_READ_ONLY, Set(ro, token, label));
    EXPECT_EQ(CKR_SESSION_READ_ONLY, Destroy(ro, token));
    CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
    EXPECT_EQ(CKR_SESSION_READ_ONLY, Copy(ro, token, Tmpl(), &copy));
    EXPECT_EQ((ByteVec{'t'}), Get(ro, token, CKA_LABEL));
    // Session objects are the R/O session's to change.
    CK_OBJECT_HANDLE mine = CreateOk(ro, DataTemplate("s", false));
    EXPECT_EQ(CKR_OK, Set(ro, mine, label));
    EXPECT_EQ(CKR_OK, Destroy(ro, mine));
}

TEST_F(AccessTest, PrivateObjectNeedsUserLogin)
{
    CK_SESSION_HANDLE h = Open(true);
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    Tmpl key = EcPrivateTemplate("k", false); // private by default
    EXPECT_EQ(CKR_USER_NOT_LOGGED_IN, Create(h, key, &object));
    Tmpl data = DataTemplate("d", false);
    data.Bool(CKA_PRIVATE, true);
    EXPECT_EQ(CKR_USER_NOT_LOGGED_IN, Create(h, data, &object));
    Tmpl open = DataTemplate("d", true);
    EXPECT_EQ(CKR_OK, Create(h, open, &object)); // R/W public session: public token objects
}

TEST_F(AccessTest, PrivateObjectInvisibleBeforeLogin)
{
    CK_SESSION_HANDLE h = Open(true);
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    CK_OBJECT_HANDLE key = CreateOk(h, EcPrivateTemplate("Device Priv TLS Key", true));
    CK_OBJECT_HANDLE pub = CreateOk(h, EcPublicTemplate("Device Pub TLS Key", true));
    ASSERT_EQ(CKR_OK, Logout(h));

    CK_ATTRIBUTE attr = {CKA_CLASS, nullptr, 0};
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, GetAttrs(h, key, &attr, 1));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Destroy(h, key));
    p11::ObjectRef ref;
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, With(h, [&](p11_session *s) { return p11::object_for_use(s, key, &ref); }));
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{pub}), Find(h, Tmpl()));

    // After a new login the key is back under a new handle; the old one stays
    // invalid (v2.40 §5.6 C_Logout).
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    std::vector<CK_OBJECT_HANDLE> found = Find(h, Tmpl());
    ASSERT_EQ(2u, found.size());
    EXPECT_EQ(pub, found[0]);
    EXPECT_NE(key, found[1]);
    EXPECT_EQ(CKO_PRIVATE_KEY, GetUlong(h, found[1], CKA_CLASS));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, GetAttrs(h, key, &attr, 1));
}

TEST_F(AccessTest, SoSeesNoPrivateObjects)
{
    CK_SESSION_HANDLE h = Open(true);
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    CK_OBJECT_HANDLE key = CreateOk(h, EcPrivateTemplate("k", true));
    ASSERT_EQ(CKR_OK, Logout(h));
    ASSERT_EQ(CKR_OK, Login(h, CKU_SO, "87654321"));
    CK_ATTRIBUTE attr = {CKA_CLASS, nullptr, 0};
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, GetAttrs(h, key, &attr, 1));
}

TEST_F(AccessTest, SessionObjectVisibleToOtherSessionsUntilItsSessionCloses)
{
    CK_SESSION_HANDLE maker = Open(true);
    CK_SESSION_HANDLE other = Open(false);
    CK_OBJECT_HANDLE object = CreateOk(maker, DataTemplate("shared", false));
    EXPECT_EQ((ByteVec{'s', 'h', 'a', 'r', 'e', 'd'}), Get(other, object, CKA_LABEL));
    Tmpl by_label;
    by_label.Str(CKA_LABEL, "shared");
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{object}), Find(other, by_label));

    ASSERT_EQ(CKR_OK, Close(maker));
    CK_ATTRIBUTE attr = {CKA_LABEL, nullptr, 0};
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, GetAttrs(other, object, &attr, 1));
    Tmpl again;
    again.Str(CKA_LABEL, "shared");
    EXPECT_TRUE(Find(other, again).empty());
}

TEST_F(AccessTest, CloseAllSessionsDestroysSessionObjectsButNotTokenObjects)
{
    CK_SESSION_HANDLE h = Open(true);
    CreateOk(h, DataTemplate("session", false));
    CreateOk(h, DataTemplate("token", true));
    ASSERT_EQ(CKR_OK, p11be_C_CloseAllSessions(0));
    CK_SESSION_HANDLE next = Open(false);
    Tmpl session;
    session.Str(CKA_LABEL, "session");
    EXPECT_TRUE(Find(next, session).empty());
    Tmpl token;
    token.Str(CKA_LABEL, "token");
    EXPECT_EQ(1u, Find(next, token).size());
}

TEST_F(AccessTest, ObjectHandlesAreUniqueNonZeroAndNeverReused)
{
    CK_SESSION_HANDLE h = Open(true);
    std::vector<CK_OBJECT_HANDLE> seen;
    for (int round = 0; round < 3; ++round) {
        CK_OBJECT_HANDLE a = CreateOk(h, DataTemplate("a", false));
        CK_OBJECT_HANDLE b = CreateOk(h, DataTemplate("b", true));
        EXPECT_EQ(CKR_OK, Destroy(h, a));
        seen.push_back(a);
        seen.push_back(b);
    }
    Restart();
    h = Open(true);
    for (CK_OBJECT_HANDLE handle : Find(h, Tmpl())) {
        seen.push_back(handle); // token objects get new handles after a restart
    }
    seen.push_back(CreateOk(h, DataTemplate("c", false)));
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen.end(), std::adjacent_find(seen.begin(), seen.end()));
    EXPECT_EQ(seen.end(), std::find(seen.begin(), seen.end(), CK_INVALID_HANDLE));
}

TEST_F(AccessTest, DestroyUnknownHandleIsObjectHandleInvalid)
{
    CK_SESSION_HANDLE h = Open(true);
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Destroy(h, 0));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Destroy(h, 999999));
    CK_OBJECT_HANDLE object = CreateOk(h, DataTemplate("d", false));
    EXPECT_EQ(CKR_OK, Destroy(h, object));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Destroy(h, object));
    CK_ULONG size = 0;
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID,
              With(h, [&](p11_session *s) { return p11be_C_GetObjectSize(s, object, &size); }));
}

TEST_F(AccessTest, UndestroyableObjectIsActionProhibited)
{
    CK_SESSION_HANDLE h = Open(true);
    Tmpl t = DataTemplate("keep", false);
    t.Bool(CKA_DESTROYABLE, false);
    CK_OBJECT_HANDLE object = CreateOk(h, t);
    EXPECT_EQ(CKR_ACTION_PROHIBITED, Destroy(h, object));
    EXPECT_EQ((ByteVec{'k', 'e', 'e', 'p'}), Get(h, object, CKA_LABEL));
}

TEST_F(AccessTest, ObjectForUseKeepsKeyAliveAfterDestroy)
{
    CK_SESSION_HANDLE h = Open(true);
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    CK_OBJECT_HANDLE key = CreateOk(h, EcPrivateTemplate("k", false));
    p11::ObjectRef ref;
    ASSERT_EQ(CKR_OK, With(h, [&](p11_session *s) { return p11::object_for_use(s, key, &ref); }));
    ASSERT_TRUE(ref);
    EXPECT_EQ(key, ref->handle);
    EXPECT_EQ(CKO_PRIVATE_KEY, ref->klass);
    ASSERT_EQ(CKR_OK, Destroy(h, key));
    // The holder still has the whole key, including the secret value.
    ASSERT_NE(nullptr, ref->attrs.get(CKA_VALUE));
    EXPECT_EQ(kTestEcPrivateValue, ByteVec(ref->attrs.get(CKA_VALUE)->begin(), ref->attrs.get(CKA_VALUE)->end()));
    p11::ObjectRef again;
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, With(h, [&](p11_session *s) { return p11::object_for_use(s, key, &again); }));
}

TEST_F(AccessTest, SetAttributeValueSwapsInANewObject)
{
    CK_SESSION_HANDLE h = Open(true);
    CK_OBJECT_HANDLE object = CreateOk(h, DataTemplate("before", false));
    p11::ObjectRef held;
    ASSERT_EQ(CKR_OK, With(h, [&](p11_session *s) { return p11::object_for_use(s, object, &held); }));
    Tmpl t;
    t.Str(CKA_LABEL, "after");
    ASSERT_EQ(CKR_OK, Set(h, object, t));
    const p11::ByteView *old_label = held->attrs.get(CKA_LABEL);
    ASSERT_NE(nullptr, old_label);
    EXPECT_EQ("before", std::string(old_label->begin(), old_label->end()));
    EXPECT_EQ((ByteVec{'a', 'f', 't', 'e', 'r'}), Get(h, object, CKA_LABEL));
}

TEST_F(AccessTest, ObjectStoreAddIsAllOrNone)
{
    CK_SESSION_HANDLE h = Open(true);
    Tmpl pub = EcPublicTemplate("Device Pub TLS Key", true);
    Tmpl priv = EcPrivateTemplate("Device Priv TLS Key", true);
    std::vector<p11::AttributeSet> pair(2);
    ASSERT_EQ(CKR_OK, p11::build_object(pub.data(), pub.size(), p11::ObjectOrigin::create, p11::kNotImplied,
                                        p11::kNotImplied, &pair[0]));
    ASSERT_EQ(CKR_OK, p11::build_object(priv.data(), priv.size(), p11::ObjectOrigin::create, p11::kNotImplied,
                                        p11::kNotImplied, &pair[1]));
    CK_OBJECT_HANDLE handles[2] = {CK_INVALID_HANDLE, CK_INVALID_HANDLE};
    // Not logged in: the private half may not be made, so neither is.
    EXPECT_EQ(CKR_USER_NOT_LOGGED_IN, With(h, [&](p11_session *s) { return p11::object_store_add(s, pair, handles); }));
    EXPECT_TRUE(Find(h, Tmpl()).empty());
    EXPECT_FALSE(PalHas("p11forge obj 00000001"));

    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    ASSERT_EQ(CKR_OK, With(h, [&](p11_session *s) { return p11::object_store_add(s, pair, handles); }));
    EXPECT_NE(CK_INVALID_HANDLE, handles[0]);
    EXPECT_NE(handles[0], handles[1]);
    EXPECT_EQ(CKO_PUBLIC_KEY, GetUlong(h, handles[0], CKA_CLASS));
    EXPECT_EQ(CKO_PRIVATE_KEY, GetUlong(h, handles[1], CKA_CLASS));
}

TEST_F(AccessTest, GetObjectSizeIsTheRecordSize)
{
    CK_SESSION_HANDLE h = Open(true);
    CK_OBJECT_HANDLE object = CreateOk(h, DataTemplate("sized", true));
    CK_ULONG size = 0;
    ASSERT_EQ(CKR_OK, With(h, [&](p11_session *s) { return p11be_C_GetObjectSize(s, object, &size); }));
    EXPECT_EQ(PalRead("p11forge obj 00000001").size(), size);
    EXPECT_GT(size, 0u);
}

TEST_F(AccessTest, ThreadsCreateFindAndDestroyOnTheirOwnSessions)
{
    constexpr int kThreads = 4;
    constexpr int kRounds = 50;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
            if (OpenRv(CKF_SERIAL_SESSION | CKF_RW_SESSION, &h) != CKR_OK) {
                ++failures;
                return;
            }
            const std::string label = "thread " + std::to_string(t);
            for (int i = 0; i < kRounds; ++i) {
                Tmpl t1 = DataTemplate(label, i % 2 == 0);
                CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
                Tmpl by_label;
                by_label.Str(CKA_LABEL, label);
                CK_OBJECT_HANDLE found[4];
                CK_ULONG count = 0;
                bool ok = Create(h, t1, &object) == CKR_OK && FindInit(h, by_label) == CKR_OK &&
                          FindNext(h, found, 4, &count) == CKR_OK && FindFinal(h) == CKR_OK && count == 1 &&
                          found[0] == object && Destroy(h, object) == CKR_OK;
                if (!ok) {
                    ++failures;
                }
            }
        });
    }
    for (std::thread &thread : threads) {
        thread.join();
    }
    EXPECT_EQ(0, failures.load());
}

// Searches hold object references across C_FindObjects calls while other
// threads rename and destroy those objects (run under TSan).
TEST_F(AccessTest, ThreadsFindWhileOthersRenameAndDestroyTheSameObjects)
{
    constexpr int kWriters = 2;
    constexpr int kFinders = 2;
    constexpr int kRounds = 60;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) {
        threads.emplace_back([&, w] {
            CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
            if (OpenRv(CKF_SERIAL_SESSION | CKF_RW_SESSION, &h) != CKR_OK) {
                ++failures;
                return;
            }
            for (int i = 0; i < kRounds; ++i) {
                CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
                Tmpl made = DataTemplate("shared", (i + w) % 2 == 0);
                Tmpl renamed;
                renamed.Str(CKA_LABEL, "renamed");
                Tmpl back;
                back.Str(CKA_LABEL, "shared");
                bool ok = Create(h, made, &object) == CKR_OK && Set(h, object, renamed) == CKR_OK &&
                          Set(h, object, back) == CKR_OK && Destroy(h, object) == CKR_OK;
                if (!ok) {
                    ++failures;
                }
            }
        });
    }
    for (int f = 0; f < kFinders; ++f) {
        threads.emplace_back([&] {
            CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
            if (OpenRv(CKF_SERIAL_SESSION, &h) != CKR_OK) {
                ++failures;
                return;
            }
            for (int i = 0; i < kRounds; ++i) {
                Tmpl by_label;
                by_label.Str(CKA_LABEL, "shared");
                CK_ULONG total = 0;
                CK_ULONG count = 0;
                CK_OBJECT_HANDLE found[1];
                bool ok = FindInit(h, by_label) == CKR_OK;
                do {
                    ok = ok && FindNext(h, found, 1, &count) == CKR_OK;
                    total += count;
                } while (ok && count != 0);
                ok = ok && FindFinal(h) == CKR_OK && total <= kWriters;
                if (!ok) {
                    ++failures;
                }
            }
        });
    }
    for (std::thread &thread : threads) {
        thread.join();
    }
    EXPECT_EQ(0, failures.load());
}
