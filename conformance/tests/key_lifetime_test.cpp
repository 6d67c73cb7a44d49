// The lifetime of generated keys (v2.40 §4.4, §5.6 C_Logout, §5.7
// C_DestroyObject): made by C_GenerateKeyPair alone, so a token that makes
// its keys but imports none is judged on destruction, persistence, session
// objects and read-only sessions as a creating token is.
#include <string>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

class KeyLifetime : public KeyTest {
  protected:
    bool CanGenerate() { return Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR); }

    // A P-256 pair whose both halves are token objects (or both session ones)
    // under labels unique to the case.
    KeyPair GenerateBoth(bool token)
    {
        Template pub;
        pub.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, token).Bool(CKA_VERIFY, true).Bytes(CKA_EC_PARAMS, kP256Params);
        pub.Text(CKA_LABEL, Label("Device Pub TLS Key", token));
        Template priv;
        priv.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, token).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
        priv.Text(CKA_LABEL, Label("Device Priv TLS Key", token));
        if (token) {
            kept_token_labels_.push_back(Label("Device Pub TLS Key", token));
            kept_token_labels_.push_back(Label("Device Priv TLS Key", token));
        }
        return GeneratePair(CKM_EC_KEY_PAIR_GEN, pub, priv);
    }

    std::vector<CK_OBJECT_HANDLE> FindKey(const std::string &role, bool token)
    {
        Template query;
        query.Text(CKA_LABEL, Label(role, token)).Bool(CKA_TOKEN, token);
        return Find(query);
    }

    CK_RV ClassOf(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object)
    {
        CK_OBJECT_CLASS klass = 0;
        CK_ATTRIBUTE query = {CKA_CLASS, &klass, sizeof klass};
        return fl()->C_GetAttributeValue(session, object, &query, 1);
    }

    void Reinitialize()
    {
        ASSERT_RV(fl()->C_Finalize(nullptr), CKR_OK);
        ASSERT_NO_FATAL_FAILURE(Initialize());
        ASSERT_TRUE(OpenSession());
        ASSERT_TRUE(LoginUser());
    }
};

P11_CASE(KeyLifetime, DestroyedGeneratedKeysAreGoneAndCannotBeDestroyedTwice, .group = "keys",
         .functions = "C_GenerateKeyPair C_DestroyObject C_GetAttributeValue C_FindObjectsInit C_FindObjects "
                      "C_FindObjectsFinal",
         .mechanisms = "CKM_EC_KEY_PAIR_GEN", .section = "v2.40 §5.7 C_DestroyObject")
{
    P11_SKIP_UNLESS(CanGenerate());
    for (bool token : {false, true}) {
        const KeyPair pair = GenerateBoth(token);
        ASSERT_TRUE(pair.ok());
        ASSERT_RV(fl()->C_DestroyObject(session_, pair.private_key), CKR_OK) << (token ? "token" : "session");
        EXPECT_RV(ClassOf(session_, pair.private_key), CKR_OBJECT_HANDLE_INVALID) << "a destroyed object's handle";
        EXPECT_RV(fl()->C_DestroyObject(session_, pair.private_key), CKR_OBJECT_HANDLE_INVALID) << "destroyed twice";
        EXPECT_TRUE(FindKey("Device Priv TLS Key", token).empty()) << "C_FindObjects still finds the destroyed key";
        EXPECT_EQ(FindKey("Device Pub TLS Key", token).size(), 1u) << "its other half is still there";
        EXPECT_RV(ClassOf(session_, pair.public_key), CKR_OK);
    }
}

P11_CASE(KeyLifetime, GeneratedTokenKeysOutliveFinalizeAndADestroyedOneStaysDestroyed, .group = "keys",
         .functions = "C_GenerateKeyPair C_DestroyObject C_Finalize C_FindObjectsInit C_FindObjects "
                      "C_FindObjectsFinal C_SignInit C_Sign",
         .mechanisms = "CKM_EC_KEY_PAIR_GEN CKM_ECDSA", .section = "v2.40 §4.4 CKA_TOKEN")
{
    P11_SKIP_UNLESS(CanGenerate() && Offers(CKM_ECDSA, CKF_SIGN));
    const KeyPair kept = GenerateBoth(true);
    ASSERT_TRUE(kept.ok());
    const ByteVector point = EcPoint(kept.public_key);
    Template doomed_pub;
    doomed_pub.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, true).Bytes(CKA_EC_PARAMS, kP256Params);
    doomed_pub.Text(CKA_LABEL, Label("Code Verify Key", true));
    Template doomed_priv;
    doomed_priv.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, true).Bool(CKA_PRIVATE, true);
    doomed_priv.Text(CKA_LABEL, Label("Claim Key", true));
    kept_token_labels_.push_back(Label("Code Verify Key", true));
    kept_token_labels_.push_back(Label("Claim Key", true));
    const KeyPair doomed = GeneratePair(CKM_EC_KEY_PAIR_GEN, doomed_pub, doomed_priv);
    ASSERT_TRUE(doomed.ok());
    ASSERT_RV(fl()->C_DestroyObject(session_, doomed.private_key), CKR_OK);
    created_.clear(); // handles do not survive C_Finalize; the labels clean up
    ASSERT_NO_FATAL_FAILURE(Reinitialize());
    EXPECT_TRUE(FindKey("Claim Key", true).empty()) << "a destroyed token key came back after C_Initialize";
    EXPECT_EQ(FindKey("Code Verify Key", true).size(), 1u) << "its public half, not destroyed, is there";
    const std::vector<CK_OBJECT_HANDLE> priv = FindKey("Device Priv TLS Key", true);
    const std::vector<CK_OBJECT_HANDLE> pub = FindKey("Device Pub TLS Key", true);
    ASSERT_EQ(priv.size(), 1u) << "a generated token key is gone after C_Finalize / C_Initialize";
    ASSERT_EQ(pub.size(), 1u);
    EXPECT_EQ(EcPoint(pub[0]), point) << "the public key read back is another one";
    const ByteVector hash = ref::Sha256(kMessage);
    EXPECT_TRUE(ref::EcdsaVerifyRaw(point, "P-256", hash, Sign(priv[0], CKM_ECDSA, hash)))
        << "the private key read back does not sign for its public key";
}

P11_CASE(KeyLifetime, AReadOnlySessionCannotDestroyAGeneratedTokenKey, .group = "keys",
         .functions = "C_GenerateKeyPair C_DestroyObject C_GetAttributeValue", .mechanisms = "CKM_EC_KEY_PAIR_GEN",
         .section = "v2.40 §5.7 C_DestroyObject")
{
    P11_SKIP_UNLESS(CanGenerate());
    const KeyPair pair = GenerateBoth(true);
    ASSERT_TRUE(pair.ok());
    CK_SESSION_HANDLE read_only = CK_INVALID_HANDLE;
    ASSERT_RV(fl()->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, &read_only), CKR_OK);
    EXPECT_RV(fl()->C_DestroyObject(read_only, pair.public_key), CKR_SESSION_READ_ONLY);
    EXPECT_RV(ClassOf(read_only, pair.public_key), CKR_OK) << "the key is still there";
    const KeyPair session_pair = GenerateBoth(false);
    ASSERT_TRUE(session_pair.ok());
    EXPECT_RV(fl()->C_DestroyObject(read_only, session_pair.public_key), CKR_OK)
        << "a read-only session may destroy session objects";
    EXPECT_RV(fl()->C_CloseSession(read_only), CKR_OK);
}

P11_CASE(KeyLifetime, SessionKeysAreSeenByEverySessionAndGoWithTheirOwn, .group = "keys",
         .functions = "C_GenerateKeyPair C_CloseSession C_GetAttributeValue C_SignInit",
         .mechanisms = "CKM_EC_KEY_PAIR_GEN CKM_ECDSA", .section = "v2.40 §4.4 CKA_TOKEN")
{
    P11_SKIP_UNLESS(CanGenerate());
    const CK_SESSION_HANDLE first = session_;
    ASSERT_TRUE(OpenSession());
    const KeyPair pair = GenerateBoth(false); // owned by the second session
    ASSERT_TRUE(pair.ok());
    EXPECT_RV(ClassOf(first, pair.private_key), CKR_OK) << "another session of the application sees it";
    ASSERT_RV(fl()->C_CloseSession(session_), CKR_OK);
    session_ = first;
    created_.clear();
    EXPECT_RV(ClassOf(first, pair.public_key), CKR_OBJECT_HANDLE_INVALID)
        << "a session object outlived the session that made it";
    EXPECT_RV(ClassOf(first, pair.private_key), CKR_OBJECT_HANDLE_INVALID);
    EXPECT_TRUE(FindKey("Device Priv TLS Key", false).empty());
}

P11_CASE(KeyLifetime, LogoutDestroysGeneratedPrivateSessionKeys, .group = "keys",
         .functions = "C_GenerateKeyPair C_Logout C_Login C_GetAttributeValue", .mechanisms = "CKM_EC_KEY_PAIR_GEN",
         .section = "v2.40 §5.6 C_Logout")
{
    P11_SKIP_UNLESS(CanGenerate() && ActiveProfile().Has("C_Login"));
    const KeyPair pair = GenerateBoth(false);
    ASSERT_TRUE(pair.ok());
    ASSERT_RV(fl()->C_Logout(session_), CKR_OK);
    ASSERT_TRUE(LoginUser());
    EXPECT_RV(ClassOf(session_, pair.private_key), CKR_OBJECT_HANDLE_INVALID)
        << "C_Logout destroys the application's private session objects";
    EXPECT_TRUE(FindKey("Device Priv TLS Key", false).empty());
    EXPECT_RV(ClassOf(session_, pair.public_key), CKR_OK) << "a public session object stays";
}

P11_CASE(KeyLifetime, AKeyGeneratedNotDestroyableIsActionProhibited, .group = "keys",
         .functions = "C_GenerateKeyPair C_DestroyObject C_GetAttributeValue", .mechanisms = "CKM_EC_KEY_PAIR_GEN",
         .section = "v2.40 §5.7 C_DestroyObject")
{
    P11_SKIP_UNLESS(CanGenerate());
    Template pub;
    pub.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, false).Bytes(CKA_EC_PARAMS, kP256Params);
    pub.Bool(CKA_DESTROYABLE, false).Text(CKA_LABEL, Label("Code Verify Key"));
    Template priv;
    priv.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, false).Bool(CKA_PRIVATE, true);
    priv.Text(CKA_LABEL, Label("Claim Key"));
    const KeyPair pair = GeneratePair(CKM_EC_KEY_PAIR_GEN, pub, priv);
    ASSERT_TRUE(pair.ok());
    EXPECT_RV(fl()->C_DestroyObject(session_, pair.public_key), CKR_ACTION_PROHIBITED);
    EXPECT_RV(ClassOf(session_, pair.public_key), CKR_OK) << "the key is still there";
    EXPECT_RV(fl()->C_DestroyObject(session_, pair.private_key), CKR_OK);
}

} // namespace
} // namespace p11conf
