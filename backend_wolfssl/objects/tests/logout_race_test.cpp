/* C_Logout in one thread while another changes or destroys a private token
 * object: whichever comes first, the answer and the store agree. A change
 * that answered CKR_OK is stored and seen after the next login; one that
 * answered CKR_OBJECT_HANDLE_INVALID left nothing behind. (Logout gives
 * private token objects new handles; a change caught in between used to be
 * stored yet answered CKR_OBJECT_HANDLE_INVALID, and a destroy answered
 * CKR_OK while the object stayed.) */
#include <string>
#include <thread>

#include "backend_api.h"
#include "library.h"
#include "object_test_support.h"
#include "objects/object_store.h"

using namespace p11test;

namespace {

constexpr int kRounds = 150;

class LogoutRaceTest : public ObjectTest {
  protected:
    // A private token data object, created with the user logged in on `h`.
    CK_OBJECT_HANDLE MakePrivate(CK_SESSION_HANDLE h, const std::string &label)
    {
        Tmpl t = DataTemplate(label, true);
        t.Bool(CKA_PRIVATE, true);
        return CreateOk(h, t);
    }
    static std::string PalLabelOf(CK_OBJECT_HANDLE object)
    {
        p11::ObjectRef ref = p11::library().objects.lookup(object, p11::Login::user);
        return ref ? ref->pal_label : std::string();
    }
    static bool StoreHolds(const std::string &pal_label, const std::string &text)
    {
        const ByteVec bytes = PalRead(pal_label);
        return std::string(bytes.begin(), bytes.end()).find(text) != std::string::npos;
    }
};

TEST_F(LogoutRaceTest, SetAttributeValueAnswersWhatWasStored)
{
    CK_SESSION_HANDLE h = Open(true);
    CK_SESSION_HANDLE other = Open(true);
    for (int round = 0; round < kRounds; ++round) {
        ASSERT_EQ(CKR_OK, Login(h, CKU_USER, "1234"));
        const CK_OBJECT_HANDLE object = MakePrivate(h, "before " + std::to_string(round));
        const std::string pal_label = PalLabelOf(object);
        const std::string renamed = "renamed " + std::to_string(round);
        CK_RV set = CKR_GENERAL_ERROR;
        std::thread changer([&] { set = Set(h, object, Tmpl().Str(CKA_LABEL, renamed)); });
        std::thread leaver([&] { (void)Logout(other); });
        changer.join();
        leaver.join();
        ASSERT_TRUE(set == CKR_OK || set == CKR_OBJECT_HANDLE_INVALID || set == CKR_USER_NOT_LOGGED_IN) << set;
        const bool stored = StoreHolds(pal_label, renamed);
        ASSERT_EQ(CKR_OK, Login(h, CKU_USER, "1234"));
        const bool seen = Find(h, Tmpl().Str(CKA_LABEL, renamed)).size() == 1;
        EXPECT_EQ(set == CKR_OK, stored) << "round " << round << ": answered 0x" << std::hex << set;
        EXPECT_EQ(stored, seen) << "round " << round << ": the store and the process disagree";
        ASSERT_EQ(CKR_OK, Logout(h));
    }
}

TEST_F(LogoutRaceTest, DestroyObjectAnswersWhatWasStored)
{
    CK_SESSION_HANDLE h = Open(true);
    CK_SESSION_HANDLE other = Open(true);
    for (int round = 0; round < kRounds; ++round) {
        ASSERT_EQ(CKR_OK, Login(h, CKU_USER, "1234"));
        const std::string label = "doomed " + std::to_string(round);
        const CK_OBJECT_HANDLE object = MakePrivate(h, label);
        const std::string pal_label = PalLabelOf(object);
        CK_RV destroyed = CKR_GENERAL_ERROR;
        std::thread destroyer([&] { destroyed = Destroy(h, object); });
        std::thread leaver([&] { (void)Logout(other); });
        destroyer.join();
        leaver.join();
        const bool stored = PalHas(pal_label);
        ASSERT_EQ(CKR_OK, Login(h, CKU_USER, "1234"));
        const bool seen = Find(h, Tmpl().Str(CKA_LABEL, label)).size() == 1;
        EXPECT_EQ(destroyed == CKR_OK, !stored) << "round " << round << ": answered 0x" << std::hex << destroyed;
        EXPECT_EQ(stored, seen) << "round " << round << ": the store and the process disagree";
        ASSERT_EQ(CKR_OK, Logout(h));
    }
}

} // namespace
