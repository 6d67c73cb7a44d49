/* Object test helpers (see object_test_support.h). */
#include "object_test_support.h"

#include <algorithm>
#include <cstring>

#include "core_pkcs11_pal.h"
#include "objects/index_v1.h"
#include "objects/record_labels.h"
#include "test_certificate.h"
#include "test_keys.h"

namespace p11test {

Tmpl::Tmpl(const Tmpl &other) : values_(other.values_), attrs_(other.attrs_), owner_(other.owner_)
{
    Rebind();
}

Tmpl &Tmpl::operator=(const Tmpl &other)
{
    values_ = other.values_;
    attrs_ = other.attrs_;
    owner_ = other.owner_;
    Rebind();
    return *this;
}

void Tmpl::Rebind()
{
    for (std::size_t i = 0; i < attrs_.size(); ++i) {
        if (owner_[i] >= 0) {
            ByteVec &stored = values_[static_cast<std::size_t>(owner_[i])];
            attrs_[i].pValue = stored.empty() ? nullptr : stored.data();
        }
    }
}

Tmpl &Tmpl::Bytes(CK_ATTRIBUTE_TYPE type, const ByteVec &value)
{
    values_.push_back(value);
    ByteVec &stored = values_.back();
    attrs_.push_back({type, stored.empty() ? nullptr : stored.data(), static_cast<CK_ULONG>(stored.size())});
    owner_.push_back(static_cast<long>(values_.size() - 1));
    return *this;
}

Tmpl &Tmpl::Ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value)
{
    ByteVec bytes(sizeof value);
    std::memcpy(bytes.data(), &value, sizeof value);
    return Bytes(type, bytes);
}

Tmpl &Tmpl::Bool(CK_ATTRIBUTE_TYPE type, bool value)
{
    return Bytes(type, ByteVec{static_cast<std::uint8_t>(value ? CK_TRUE : CK_FALSE)});
}

Tmpl &Tmpl::Str(CK_ATTRIBUTE_TYPE type, const std::string &value)
{
    return Bytes(type, ByteVec(value.begin(), value.end()));
}

Tmpl &Tmpl::Raw(CK_ATTRIBUTE_TYPE type, void *value, CK_ULONG len)
{
    attrs_.push_back({type, value, len});
    owner_.push_back(-1);
    return *this;
}

const ByteVec kP256Params = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
const ByteVec kP384Params = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};

ByteVec Filled(std::size_t size, std::uint8_t first)
{
    ByteVec bytes(size);
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] = static_cast<std::uint8_t>(first + i);
    }
    return bytes;
}

ByteVec RawPoint(std::size_t coordinate_size)
{
    // Imports are checked on the curve: a real point of the curve that size.
    if (coordinate_size == 48) {
        return kTestP384PublicPoint;
    }
    if (coordinate_size == 32) {
        return kTestEcPublicPoint;
    }
    ByteVec point{0x04};
    ByteVec xy = Filled(2 * coordinate_size, 0x11);
    point.insert(point.end(), xy.begin(), xy.end());
    return point;
}

ByteVec DerOctetString(const ByteVec &raw)
{
    // Sized first, then copied: GCC 12 warns falsely on inserting into a 2-byte vector.
    ByteVec der(raw.size() + 2);
    der[0] = 0x04;
    der[1] = static_cast<std::uint8_t>(raw.size());
    std::copy(raw.begin(), raw.end(), der.begin() + 2);
    return der;
}

ByteVec DerPoint(std::size_t coordinate_size)
{
    return DerOctetString(RawPoint(coordinate_size));
}

namespace {
Tmpl Base(CK_OBJECT_CLASS klass, const std::string &label, bool token)
{
    Tmpl t;
    t.Ulong(CKA_CLASS, klass).Str(CKA_LABEL, label).Bool(CKA_TOKEN, token);
    return t;
}
} // namespace

// As FreeRTOS provisions an EC key: value and params, no CKA_SENSITIVE.
Tmpl EcPrivateTemplate(const std::string &label, bool token)
{
    Tmpl t = Base(CKO_PRIVATE_KEY, label, token);
    t.Ulong(CKA_KEY_TYPE, CKK_EC)
        .Bool(CKA_SIGN, true)
        .Bytes(CKA_EC_PARAMS, kP256Params)
        .Bytes(CKA_VALUE, kTestEcPrivateValue);
    return t;
}

Tmpl EcPublicTemplate(const std::string &label, bool token)
{
    Tmpl t = Base(CKO_PUBLIC_KEY, label, token);
    t.Ulong(CKA_KEY_TYPE, CKK_EC)
        .Bool(CKA_VERIFY, true)
        .Bytes(CKA_EC_PARAMS, kP256Params)
        .Bytes(CKA_EC_POINT, DerOctetString(kTestEcPublicPoint));
    return t;
}

// As FreeRTOS provisions an RSA key: every CRT part.
Tmpl RsaPrivateTemplate(const std::string &label, bool token)
{
    Tmpl t = Base(CKO_PRIVATE_KEY, label, token);
    t.Ulong(CKA_KEY_TYPE, CKK_RSA)
        .Bool(CKA_SIGN, true)
        .Bytes(CKA_MODULUS, kTestRsaModulus)
        .Bytes(CKA_PUBLIC_EXPONENT, {0x01, 0x00, 0x01})
        .Bytes(CKA_PRIVATE_EXPONENT, kTestRsaPrivateExponent)
        .Bytes(CKA_PRIME_1, kTestRsaPrime1)
        .Bytes(CKA_PRIME_2, kTestRsaPrime2)
        .Bytes(CKA_EXPONENT_1, kTestRsaExponent1)
        .Bytes(CKA_EXPONENT_2, kTestRsaExponent2)
        .Bytes(CKA_COEFFICIENT, kTestRsaCoefficient);
    return t;
}

Tmpl RsaPublicTemplate(const std::string &label, bool token)
{
    Tmpl t = Base(CKO_PUBLIC_KEY, label, token);
    t.Ulong(CKA_KEY_TYPE, CKK_RSA).Bytes(CKA_MODULUS, kTestRsaModulus).Bytes(CKA_PUBLIC_EXPONENT, {0x01, 0x00, 0x01});
    return t;
}

Tmpl CertificateTemplate(const std::string &label, bool token)
{
    Tmpl t = Base(CKO_CERTIFICATE, label, token);
    t.Ulong(CKA_CERTIFICATE_TYPE, CKC_X_509)
        .Bytes(CKA_VALUE, ByteVec(kTestCertificate, kTestCertificate + kTestCertificateSize));
    return t;
}

Tmpl DataTemplate(const std::string &label, bool token)
{
    Tmpl t = Base(CKO_DATA, label, token);
    t.Str(CKA_APPLICATION, "tests").Str(CKA_VALUE, "data value");
    return t;
}

Tmpl SecretTemplate(const std::string &label, bool sensitive, bool extractable)
{
    Tmpl t = Base(CKO_SECRET_KEY, label, false);
    t.Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET)
        .Bool(CKA_SENSITIVE, sensitive)
        .Bool(CKA_EXTRACTABLE, extractable)
        .Bytes(CKA_VALUE, Filled(32, 0x70));
    return t;
}

CK_RV ObjectTest::Create(CK_SESSION_HANDLE h, Tmpl &t, CK_OBJECT_HANDLE *object)
{
    return With(h, [&](p11_session *s) { return p11be_C_CreateObject(s, t.data(), t.size(), object); });
}

CK_OBJECT_HANDLE ObjectTest::CreateOk(CK_SESSION_HANDLE h, Tmpl t)
{
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    EXPECT_EQ(CKR_OK, Create(h, t, &object));
    return object;
}

CK_RV ObjectTest::Destroy(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object)
{
    return With(h, [&](p11_session *s) { return p11be_C_DestroyObject(s, object); });
}

CK_RV ObjectTest::SignOnce(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE key)
{
    CK_MECHANISM mechanism = {CKM_ECDSA, nullptr, 0};
    CK_BYTE hash[32] = {1, 2, 3};
    CK_BYTE sig[64];
    CK_ULONG len = sizeof sig;
    return With(h, [&](p11_session *s) {
        CK_RV rv = p11be_C_SignInit(s, &mechanism, key);
        return rv == CKR_OK ? p11be_C_Sign(s, hash, sizeof hash, sig, &len) : rv;
    });
}

CK_RV ObjectTest::GetAttrs(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, CK_ATTRIBUTE *attrs, CK_ULONG count)
{
    return With(h, [&](p11_session *s) { return p11be_C_GetAttributeValue(s, object, attrs, count); });
}

CK_RV ObjectTest::Set(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, Tmpl t)
{
    return With(h, [&](p11_session *s) { return p11be_C_SetAttributeValue(s, object, t.data(), t.size()); });
}

CK_RV ObjectTest::Copy(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, Tmpl t, CK_OBJECT_HANDLE *copy)
{
    return With(h, [&](p11_session *s) { return p11be_C_CopyObject(s, object, t.data(), t.size(), copy); });
}

ByteVec ObjectTest::Get(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type)
{
    CK_ATTRIBUTE attr = {type, nullptr, 0};
    EXPECT_EQ(CKR_OK, GetAttrs(h, object, &attr, 1)) << "size of attribute 0x" << std::hex << type;
    if (attr.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
        return {};
    }
    ByteVec value(attr.ulValueLen);
    attr.pValue = value.data();
    EXPECT_EQ(CKR_OK, GetAttrs(h, object, &attr, 1)) << "attribute 0x" << std::hex << type;
    value.resize(attr.ulValueLen == CK_UNAVAILABLE_INFORMATION ? 0 : attr.ulValueLen);
    return value;
}

CK_ULONG ObjectTest::GetUlong(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type)
{
    ByteVec bytes = Get(h, object, type);
    CK_ULONG value = CK_UNAVAILABLE_INFORMATION;
    EXPECT_EQ(sizeof value, bytes.size());
    if (bytes.size() == sizeof value) {
        std::memcpy(&value, bytes.data(), sizeof value);
    }
    return value;
}

bool ObjectTest::GetBool(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type)
{
    ByteVec bytes = Get(h, object, type);
    EXPECT_EQ(1u, bytes.size());
    return bytes.size() == 1 && bytes[0] == CK_TRUE;
}

CK_RV ObjectTest::FindInit(CK_SESSION_HANDLE h, Tmpl &t)
{
    return With(h, [&](p11_session *s) { return p11be_C_FindObjectsInit(s, t.data(), t.size()); });
}

CK_RV ObjectTest::FindNext(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE *out, CK_ULONG max, CK_ULONG *count)
{
    return With(h, [&](p11_session *s) { return p11be_C_FindObjects(s, out, max, count); });
}

CK_RV ObjectTest::FindFinal(CK_SESSION_HANDLE h)
{
    return With(h, [](p11_session *s) { return p11be_C_FindObjectsFinal(s); });
}

std::vector<CK_OBJECT_HANDLE> ObjectTest::Find(CK_SESSION_HANDLE h, Tmpl t, CK_ULONG batch)
{
    std::vector<CK_OBJECT_HANDLE> all;
    EXPECT_EQ(CKR_OK, FindInit(h, t));
    std::vector<CK_OBJECT_HANDLE> buffer(batch);
    for (;;) {
        CK_ULONG count = 0;
        EXPECT_EQ(CKR_OK, FindNext(h, buffer.data(), batch, &count));
        EXPECT_LE(count, batch);
        if (count == 0 || count > batch) {
            break;
        }
        all.insert(all.end(), buffer.begin(), buffer.begin() + count);
    }
    EXPECT_EQ(CKR_OK, FindFinal(h));
    return all;
}

bool PalHas(const std::string &label)
{
    return PKCS11_PAL_FindObject(reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(label.data())), label.size()) !=
           CK_INVALID_HANDLE;
}

ByteVec PalRead(const std::string &label)
{
    ByteVec bytes;
    CK_OBJECT_HANDLE handle =
        PKCS11_PAL_FindObject(reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(label.data())), label.size());
    CK_BYTE_PTR data = nullptr;
    CK_ULONG size = 0;
    CK_BBOOL is_private = CK_FALSE;
    if (handle != CK_INVALID_HANDLE && PKCS11_PAL_GetObjectValue(handle, &data, &size, &is_private) == CKR_OK) {
        bytes.assign(data, data + size);
        PKCS11_PAL_GetObjectValueCleanup(data, size);
    }
    return bytes;
}

void PalWrite(const std::string &label, ByteVec bytes)
{
    CK_ATTRIBUTE attr = {CKA_LABEL, const_cast<char *>(label.data()), static_cast<CK_ULONG>(label.size())};
    EXPECT_NE(CK_INVALID_HANDLE, PKCS11_PAL_SaveObject(&attr, bytes.data(), bytes.size()));
}

void PalDestroy(const std::string &label)
{
    CK_OBJECT_HANDLE handle =
        PKCS11_PAL_FindObject(reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(label.data())), label.size());
    ASSERT_NE(CK_INVALID_HANDLE, handle) << label;
    EXPECT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(handle)) << label;
}

void RewriteAsFormat1(std::uint64_t next_id, const std::set<std::string> &labels, std::uint64_t pages)
{
    for (std::uint64_t page = 0; page < pages; ++page) {
        PalDestroy(p11::index_page_label(page));
    }
    p11::IndexV1 index;
    index.next_id = next_id;
    index.labels.assign(labels.begin(), labels.end()); // sorted, as the format writes them
    std::vector<std::uint8_t> bytes = p11::index_v1_encode(index);
    PalWrite(p11::kIndexRecordLabel, ByteVec(bytes.begin(), bytes.end()));
}

} // namespace p11test
