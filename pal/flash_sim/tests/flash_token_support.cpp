/* FlashTokenTest helpers (see flash_token_support.h). */
#include "flash_token_support.h"

#include <cstring>

#include "backend_api.h"

namespace p11flash {

const ObjectKind kObjectKinds[5] = {
    {"DataObject", p11test::DataTemplate, CKA_VALUE},
    {"Certificate", p11test::CertificateTemplate, CKA_VALUE},
    {"EcPrivateKey", p11test::EcPrivateTemplate, CKA_EC_PARAMS},
    {"EcPublicKey", p11test::EcPublicTemplate, CKA_EC_POINT},
    {"RsaPrivateKey", p11test::RsaPrivateTemplate, CKA_MODULUS},
};

void FlashTokenTest::SetUp()
{
    ASSERT_EQ(0, flash_sim_reset(&kTokenFlash));
    ASSERT_EQ(CKR_OK, p11be_C_Initialize(nullptr));
}

void FlashTokenTest::TearDown()
{
    flash_sim_power_cycle();
    if (p11be_initialized()) {
        EXPECT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
    }
}

CK_SESSION_HANDLE FlashTokenTest::OpenUser()
{
    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_EQ(CKR_OK, p11be_C_OpenSession(0, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &h));
    EXPECT_EQ(CKR_OK, With(h, [](p11_session *s) {
                  return p11be_C_Login(s, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char *>("1234")), 4);
              }));
    return h;
}

CK_RV FlashTokenTest::PowerOnAndInitialize()
{
    flash_sim_power_cycle();
    return p11be_C_Initialize(nullptr);
}

CK_RV FlashTokenTest::Create(CK_SESSION_HANDLE h, Tmpl t, CK_OBJECT_HANDLE *object)
{
    CK_OBJECT_HANDLE ignored = CK_INVALID_HANDLE;
    return With(h, [&](p11_session *s) {
        return p11be_C_CreateObject(s, t.data(), t.size(), object != nullptr ? object : &ignored);
    });
}

CK_RV FlashTokenTest::Destroy(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object)
{
    return With(h, [&](p11_session *s) { return p11be_C_DestroyObject(s, object); });
}

CK_RV FlashTokenTest::SetLabel(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, const std::string &label)
{
    Tmpl t;
    t.Str(CKA_LABEL, label);
    return With(h, [&](p11_session *s) { return p11be_C_SetAttributeValue(s, object, t.data(), t.size()); });
}

std::vector<CK_OBJECT_HANDLE> FlashTokenTest::FindByLabel(CK_SESSION_HANDLE h, const std::string &label)
{
    Tmpl t;
    t.Str(CKA_LABEL, label);
    std::vector<CK_OBJECT_HANDLE> found;
    EXPECT_EQ(CKR_OK, With(h, [&](p11_session *s) { return p11be_C_FindObjectsInit(s, t.data(), t.size()); }));
    for (;;) {
        CK_OBJECT_HANDLE batch[8];
        CK_ULONG count = 0;
        EXPECT_EQ(CKR_OK, With(h, [&](p11_session *s) { return p11be_C_FindObjects(s, batch, 8, &count); }));
        if (count == 0 || count > 8) {
            break;
        }
        found.insert(found.end(), batch, batch + count);
    }
    EXPECT_EQ(CKR_OK, With(h, [](p11_session *s) { return p11be_C_FindObjectsFinal(s); }));
    return found;
}

std::optional<ByteVec> FlashTokenTest::Attr(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type)
{
    CK_ATTRIBUTE attr = {type, nullptr, 0};
    if (With(h, [&](p11_session *s) { return p11be_C_GetAttributeValue(s, object, &attr, 1); }) != CKR_OK) {
        return std::nullopt;
    }
    ByteVec value(attr.ulValueLen);
    attr.pValue = value.data();
    if (With(h, [&](p11_session *s) { return p11be_C_GetAttributeValue(s, object, &attr, 1); }) != CKR_OK) {
        return std::nullopt;
    }
    return value;
}

ByteVec FlashTokenTest::Expected(const ObjectKind &kind)
{
    Tmpl t = kind.make("any", true);
    for (CK_ULONG i = 0; i < t.size(); i++) {
        if (t.data()[i].type == kind.check) {
            const auto *p = static_cast<const std::uint8_t *>(t.data()[i].pValue);
            return ByteVec(p, p + t.data()[i].ulValueLen);
        }
    }
    ADD_FAILURE() << kind.name << " template has no check attribute";
    return {};
}

void FlashTokenTest::ExpectOne(CK_SESSION_HANDLE h, const std::string &label, const ObjectKind &kind)
{
    std::vector<CK_OBJECT_HANDLE> found = FindByLabel(h, label);
    ASSERT_EQ(1u, found.size()) << label;
    EXPECT_EQ(Expected(kind), Attr(h, found[0], kind.check)) << label;
}

std::vector<unsigned char> FlashTokenTest::SaveImage()
{
    std::vector<unsigned char> image(flash_sim_image_size());
    EXPECT_EQ(FLASH_OK, flash_sim_image_save(image.data(), image.size()));
    return image;
}

void FlashTokenTest::LoadImage(const std::vector<unsigned char> &image)
{
    flash_sim_power_cycle();
    ASSERT_EQ(FLASH_OK, flash_sim_image_load(image.data(), image.size()));
}

CK_RV FlashTokenTest::RunWithCutAfter(const std::vector<unsigned char> &image, unsigned long n,
                                      const std::function<CK_RV(CK_SESSION_HANDLE)> &run, bool *cut)
{
    LoadImage(image);
    EXPECT_EQ(CKR_OK, p11be_C_Initialize(nullptr));
    CK_SESSION_HANDLE h = OpenUser();
    flash_sim_cut_after(n);
    CK_RV rv = run(h);
    *cut = flash_sim_cut_reached() != 0;
    EXPECT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
    return rv;
}

CK_RV FlashTokenTest::PowerOnCapturingErrors(std::string *errors)
{
    testing::internal::CaptureStderr();
    CK_RV rv = PowerOnAndInitialize();
    *errors = testing::internal::GetCapturedStderr();
    return rv;
}

} // namespace p11flash
