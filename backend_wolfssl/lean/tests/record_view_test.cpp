/* The lean backend reads the records the full backend writes, by the same
 * rules: every record object_record_encode makes opens in place with the same
 * attribute values, every mutation of one (checksum redone or not) gets the
 * verdict object_record_decode gives, and the lean backend's small type
 * tables agree with the full backend's attribute rules. */
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "lean/record_view.h"
#include "lean/store_read.h"
#include "lean/token_record_patch.h"
#include "objects/attribute_rules.h"
#include "objects/object_codec.h"
#include "objects/record_labels.h"
#include "wolfcrypt.h"

namespace {

using p11::AttributeSet;
using p11::Bytes;
using p11::RecordStatus;

const CK_BYTE kP256Params[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};

AttributeSet EcPublicKey()
{
    AttributeSet attrs;
    attrs.set_ulong(CKA_CLASS, CKO_PUBLIC_KEY);
    attrs.set_ulong(CKA_KEY_TYPE, CKK_EC);
    attrs.set_bool(CKA_TOKEN, true);
    attrs.set_bool(CKA_PRIVATE, false);
    attrs.set_bool(CKA_VERIFY, true);
    attrs.set(CKA_LABEL, "Code Verify Key", 15);
    attrs.set(CKA_ID, nullptr, 0);
    attrs.set(CKA_EC_PARAMS, kP256Params, sizeof kP256Params);
    std::vector<CK_BYTE> point(67, 0x5a);
    point[0] = 0x04;
    point[1] = 65;
    point[2] = 0x04;
    attrs.set(CKA_EC_POINT, point.data(), point.size());
    const CK_MECHANISM_TYPE allowed[] = {CKM_ECDSA, CKM_ECDSA_SHA256};
    attrs.set(CKA_ALLOWED_MECHANISMS, allowed, sizeof allowed);
    attrs.set_ulong(CKA_KEY_GEN_MECHANISM, CK_UNAVAILABLE_INFORMATION);
    return attrs;
}

AttributeSet EcPrivateKey()
{
    AttributeSet attrs;
    attrs.set_ulong(CKA_CLASS, CKO_PRIVATE_KEY);
    attrs.set_ulong(CKA_KEY_TYPE, CKK_EC);
    attrs.set_bool(CKA_TOKEN, true);
    attrs.set_bool(CKA_PRIVATE, true);
    attrs.set_bool(CKA_SIGN, true);
    attrs.set(CKA_LABEL, "Device Priv TLS Key", 19);
    attrs.set(CKA_EC_PARAMS, kP256Params, sizeof kP256Params);
    const std::vector<CK_BYTE> scalar(32, 0x11);
    attrs.set(CKA_VALUE, scalar.data(), scalar.size());
    return attrs;
}

AttributeSet DataObject()
{
    AttributeSet attrs;
    attrs.set_ulong(CKA_CLASS, CKO_DATA);
    attrs.set_bool(CKA_TOKEN, true);
    attrs.set(CKA_LABEL, "data", 4);
    attrs.set(CKA_VALUE, nullptr, 0);
    return attrs;
}

// The key a private key's record is sealed under (the test profile's
// binding decides which one: both are this).
const p11::SecretKey &DeviceKey()
{
    static p11::SecretKey key;
    std::memset(key.bytes, 0x42, sizeof key.bytes);
    return key;
}

Bytes Encode(const AttributeSet &attrs)
{
    WC_RNG rng;
    EXPECT_EQ(0, wc_InitRng(&rng));
    p11::SealKeys keys;
    keys.token = &DeviceKey();
    keys.device = &DeviceKey();
    Bytes record;
    EXPECT_EQ(CKR_OK, p11::object_record_encode(attrs, keys, rng, &record));
    wc_FreeRng(&rng);
    return record;
}

RecordStatus FullVerdict(const Bytes &record)
{
    p11::SealKeys keys;
    keys.token = &DeviceKey();
    keys.device = &DeviceKey();
    AttributeSet out;
    p11::SecretsState secrets = p11::SecretsState::none;
    return p11::object_record_decode(record.data(), record.size(), keys, &out, &secrets);
}

RecordStatus LeanVerdict(const Bytes &record)
{
    p11::lean::RecordView view;
    return p11::lean::record_view_open(record.data(), record.size(), &view);
}

void RedoChecksum(Bytes *record)
{
    const std::size_t covered = record->size() - WC_SHA256_DIGEST_SIZE;
    ASSERT_EQ(0, wc_Sha256Hash(record->data(), static_cast<word32>(covered), record->data() + covered));
}

std::uint32_t VersionOf(const Bytes &record)
{
    return static_cast<std::uint32_t>(record[8]) << 24 | static_cast<std::uint32_t>(record[9]) << 16 |
           static_cast<std::uint32_t>(record[10]) << 8 | record[11];
}

// The lean backend does not open sealed boxes, so a box that does not open
// (the full backend's `unopened`) is a well-formed record to it; and it reads
// no format 1 record (a device's store never held one).
void ExpectSameVerdict(const Bytes &record, const std::string &what)
{
    const RecordStatus full = FullVerdict(record);
    const RecordStatus lean = LeanVerdict(record);
    if (record.size() >= 12 && VersionOf(record) == 1 && full == RecordStatus::ok) {
        EXPECT_EQ(RecordStatus::damaged, lean) << what;
        return;
    }
    const RecordStatus expected = full == RecordStatus::unopened ? RecordStatus::ok : full;
    EXPECT_EQ(expected, lean) << what << ": full backend says " << p11::record_status_name(full);
}

TEST(LeanRecordView, EveryRecordTheFullBackendWritesOpensWithTheSameValues)
{
    for (const AttributeSet &attrs : {EcPublicKey(), EcPrivateKey(), DataObject()}) {
        const Bytes record = Encode(attrs);
        p11::lean::RecordView view;
        ASSERT_EQ(RecordStatus::ok, p11::lean::record_view_open(record.data(), record.size(), &view));
        for (const p11::Attribute &attribute : attrs.items()) {
            const std::uint8_t *stored = nullptr;
            std::uint32_t stored_len = 0;
            const bool listed = p11::lean::record_find(view, attribute.type, &stored, &stored_len);
            if (p11::attribute_secret(attrs, attribute.type)) {
                EXPECT_FALSE(listed) << "a sealed attribute is not in the clear list: 0x" << std::hex << attribute.type;
                continue;
            }
            ASSERT_TRUE(listed) << std::hex << attribute.type;
            ASSERT_EQ(attribute.value.size(), p11::lean::host_size(attribute.type, stored_len)) << attribute.type;
            std::vector<std::uint8_t> host(attribute.value.size() + 1, 0xee);
            p11::lean::host_copy(attribute.type, stored, stored_len, host.data());
            EXPECT_EQ(0, std::memcmp(host.data(), attribute.value.data(), attribute.value.size())) << attribute.type;
            EXPECT_EQ(0xee, host.back()) << "nothing written past the value";
            EXPECT_TRUE(p11::lean::host_equal(attribute.type, stored, stored_len, attribute.value.data(),
                                              attribute.value.size()));
        }
    }
    const Bytes record = Encode(EcPublicKey());
    p11::lean::RecordView view;
    ASSERT_EQ(RecordStatus::ok, p11::lean::record_view_open(record.data(), record.size(), &view));
    const std::uint8_t *allowed = nullptr;
    std::uint32_t allowed_len = 0;
    ASSERT_TRUE(p11::lean::record_find(view, CKA_ALLOWED_MECHANISMS, &allowed, &allowed_len));
    EXPECT_TRUE(p11::lean::stored_ulongs_contain(allowed, allowed_len, CKM_ECDSA_SHA256));
    EXPECT_FALSE(p11::lean::stored_ulongs_contain(allowed, allowed_len, CKM_RSA_PKCS));
    CK_ULONG mechanism = 0;
    EXPECT_TRUE(p11::lean::record_ulong(view, CKA_KEY_GEN_MECHANISM, &mechanism));
    EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, mechanism);
}

TEST(LeanRecordView, EveryByteChangedGetsTheFullBackendsVerdict)
{
    for (const AttributeSet &attrs : {EcPublicKey(), EcPrivateKey()}) {
        const Bytes record = Encode(attrs);
        for (std::size_t at = 0; at < record.size(); ++at) {
            for (const std::uint8_t mask : {0x01, 0x02, 0x80, 0xff}) {
                Bytes changed = record;
                changed[at] ^= mask;
                EXPECT_EQ(RecordStatus::damaged, LeanVerdict(changed)) << "byte " << at << " without a new checksum";
                if (at + WC_SHA256_DIGEST_SIZE < record.size()) {
                    RedoChecksum(&changed);
                    ExpectSameVerdict(changed, "byte " + std::to_string(at) + " ^ " + std::to_string(mask));
                }
            }
        }
    }
}

TEST(LeanRecordView, EveryTruncationGetsTheFullBackendsVerdict)
{
    const Bytes record = Encode(EcPublicKey());
    for (std::size_t len = 0; len < record.size(); ++len) {
        Bytes cut(record.begin(), record.begin() + static_cast<std::ptrdiff_t>(len));
        EXPECT_EQ(RecordStatus::damaged, LeanVerdict(cut)) << len;
        if (len >= WC_SHA256_DIGEST_SIZE + 12) {
            RedoChecksum(&cut);
            ExpectSameVerdict(cut, "cut to " + std::to_string(len));
        }
    }
}

TEST(LeanRecordView, TypeTablesAgreeWithTheFullBackendsAttributeRules)
{
    const CK_OBJECT_CLASS classes[] = {CKO_DATA, CKO_CERTIFICATE, CKO_PUBLIC_KEY, CKO_PRIVATE_KEY, CKO_SECRET_KEY};
    const CK_KEY_TYPE key_types[] = {CKK_EC, CKK_RSA, CKK_GENERIC_SECRET, CKK_AES};
    for (CK_ATTRIBUTE_TYPE type = 0; type < 0x700; ++type) {
        EXPECT_EQ(p11::attribute_is_ulong(type), p11::lean::stored_as_ulong(type)) << std::hex << type;
        EXPECT_EQ(p11::attribute_is_bool(type), p11::lean::attribute_is_bool(type)) << std::hex << type;
        for (const CK_OBJECT_CLASS klass : classes) {
            for (const CK_KEY_TYPE key_type : key_types) {
                AttributeSet attrs;
                attrs.set_ulong(CKA_CLASS, klass);
                attrs.set_ulong(klass == CKO_CERTIFICATE ? CKA_CERTIFICATE_TYPE : CKA_KEY_TYPE,
                                klass == CKO_CERTIFICATE ? CKC_X_509 : key_type);
                EXPECT_EQ(p11::attribute_secret(attrs, type), p11::lean::sealed_attribute(klass, key_type, type))
                    << std::hex << "class " << klass << " key type " << key_type << " attribute " << type;
            }
        }
    }
}

TEST(LeanRecordView, ACountPatchedInPlaceIsWhatTheEncoderWrites)
{
    p11::TokenRecord record;
    record.token_initialized = true;
    std::memset(record.label, 'L', sizeof record.label);
    record.user_pin.present = true;
    record.user_pin.iterations = 1000;
    std::memset(record.user_pin.hash, 0x33, sizeof record.user_pin.hash);
    record.so_failures = 1;
    record.user_failures = 2;
    std::memset(record.instance, 0x99, sizeof record.instance);
    std::vector<std::uint8_t> patched(p11::token_record_size());
    ASSERT_TRUE(p11::token_record_encode(record, patched.data()));

    ASSERT_TRUE(p11::lean::token_record_patch_failures(patched.data(), patched.size(), true, 0x01020304));
    ASSERT_TRUE(p11::lean::token_record_patch_failures(patched.data(), patched.size(), false, 9));
    record.so_failures = 0x01020304;
    record.user_failures = 9;
    std::vector<std::uint8_t> expected(p11::token_record_size());
    ASSERT_TRUE(p11::token_record_encode(record, expected.data()));
    EXPECT_EQ(expected, patched);
    EXPECT_FALSE(p11::lean::token_record_patch_failures(patched.data(), patched.size() - 1, true, 0))
        << "only a version 2 record";
}

TEST(LeanRecordView, LabelsAreTheFullBackendsLabels)
{
    for (const std::uint64_t number : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{0x2a}, std::uint64_t{0xffffffff},
                                       std::uint64_t{0x100000000}, UINT64_MAX}) {
        char label[p11::lean::kLabelCapacity];
        std::size_t len = p11::lean::numbered_label("p11forge obj ", number, label);
        EXPECT_EQ(p11::object_record_label(number), std::string(label, len));
        len = p11::lean::numbered_label("p11forge page ", number, label);
        EXPECT_EQ(p11::index_page_label(number), std::string(label, len));
    }
}

} // namespace
