/* The lean backend's writes are the full backend's: a record it encodes is
 * the full encoder's, byte for byte where nothing is random, and decodes
 * there with the same values (secrets too); objects it adds or removes load
 * in the full backend's IndexedStorage as that backend's own, with its page
 * rules (pages of 256, emptied pages, damaged pages and heads, pages beyond
 * the head), and objects the full backend stored keep their numbers. */
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "core_pkcs11_pal.h"
#include "lean/record_write.h"
#include "lean/store_read.h"
#include "lean/store_write.h"
#include "objects/indexed_storage.h"
#include "objects/object_codec.h"
#include "objects/record_labels.h"
#include "pal_memory.h"
#include "secrets/held_keys.h"
#include "wolfcrypt.h"

namespace {

using p11::AttributeSet;
using p11::Bytes;

const CK_BYTE kP256Params[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
const CK_BBOOL kTrue = CK_TRUE;
const CK_BBOOL kFalse = CK_FALSE;

// A data object's template in the client's form, labelled `label`.
struct DataObject {
    explicit DataObject(std::string text) : label(std::move(text))
    {
        attrs[0] = {CKA_CLASS, &klass, sizeof klass};
        attrs[1] = {CKA_TOKEN, const_cast<CK_BBOOL *>(&kTrue), 1};
        attrs[2] = {CKA_PRIVATE, const_cast<CK_BBOOL *>(&kFalse), 1};
        attrs[3] = {CKA_LABEL, label.data(), static_cast<CK_ULONG>(label.size())};
        attrs[4] = {CKA_VALUE, nullptr, 0};
    }
    Bytes Encode() const
    {
        p11::lean::RecordParts parts;
        parts.attrs = attrs;
        parts.count = 5;
        Bytes out(p11::lean::record_encoded_size(parts));
        EXPECT_EQ(CKR_OK, p11::lean::record_encode(parts, nullptr, nullptr, out.data()));
        return out;
    }
    CK_OBJECT_CLASS klass = CKO_DATA;
    std::string label;
    CK_ATTRIBUTE attrs[5];
};

const p11::SecretKey &TestKey()
{
    static p11::SecretKey key;
    std::memset(key.bytes, 0x42, sizeof key.bytes);
    return key;
}

AttributeSet FullDecode(const Bytes &record, p11::SecretsState *secrets = nullptr)
{
    p11::SealKeys keys;
    keys.device = &TestKey();
    AttributeSet out;
    p11::SecretsState state = p11::SecretsState::none;
    EXPECT_EQ(p11::RecordStatus::ok, p11::object_record_decode(record.data(), record.size(), keys, &out, &state));
    if (secrets != nullptr) {
        *secrets = state;
    }
    return out;
}

Bytes PalRead(const std::string &label)
{
    CK_OBJECT_HANDLE handle =
        PKCS11_PAL_FindObject(reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(label.data())), label.size());
    if (handle == CK_INVALID_HANDLE) {
        return {};
    }
    CK_BYTE_PTR data = nullptr;
    CK_ULONG len = 0;
    CK_BBOOL is_private = CK_FALSE;
    EXPECT_EQ(CKR_OK, PKCS11_PAL_GetObjectValue(handle, &data, &len, &is_private));
    Bytes out(data, data + len);
    PKCS11_PAL_GetObjectValueCleanup(data, len);
    return out;
}

bool PalHas(const std::string &label)
{
    return PKCS11_PAL_FindObject(reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(label.data())), label.size()) !=
           CK_INVALID_HANDLE;
}

void PalWrite(const std::string &label, const Bytes &bytes)
{
    CK_ATTRIBUTE attribute = {CKA_LABEL, const_cast<char *>(label.data()), static_cast<CK_ULONG>(label.size())};
    ASSERT_NE(CK_INVALID_HANDLE,
              PKCS11_PAL_SaveObject(&attribute, const_cast<CK_BYTE_PTR>(bytes.data()), bytes.size()));
}

class LeanStoreWrite : public testing::Test {
  protected:
    void SetUp() override
    {
        p11_pal_memory_reset();
        ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
        ASSERT_EQ(CKR_OK, p11::sealing_rng_start()); // the full backend's writes seal with it
    }
    void TearDown() override { p11::held_keys_stop(); }

    // The labels of the objects the full backend loads, in its order.
    std::vector<std::string> FullLoad()
    {
        p11::IndexedStorage storage;
        std::vector<p11::StoredObject> objects;
        storage.load(&objects, true);
        std::vector<std::string> labels;
        for (const p11::StoredObject &object : objects) {
            const p11::ByteView *label = object.attrs.get(CKA_LABEL);
            labels.emplace_back(label == nullptr ? "" : std::string(label->begin(), label->end()));
        }
        std::sort(labels.begin(), labels.end());
        return labels;
    }

    // The full backend adds one data object; its handle (record number).
    CK_OBJECT_HANDLE FullAdd(const std::string &label)
    {
        p11::IndexedStorage storage;
        std::vector<p11::StoredObject> loaded;
        storage.load(&loaded, true);
        AttributeSet attrs = FullDecode(DataObject(label).Encode());
        std::vector<std::string> pal_labels;
        EXPECT_EQ(CKR_OK, storage.add({&attrs}, &pal_labels));
        std::uint64_t id = 0;
        EXPECT_TRUE(p11::parse_object_record_label(pal_labels.at(0), &id));
        return static_cast<CK_OBJECT_HANDLE>(id);
    }

    CK_OBJECT_HANDLE LeanAdd(const std::string &label)
    {
        const Bytes record = DataObject(label).Encode();
        const p11::lean::NewRecord one{record.data(), record.size()};
        CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
        EXPECT_EQ(CKR_OK, p11::lean::store_add(&one, 1, &handle));
        return handle;
    }

    std::vector<CK_OBJECT_HANDLE> LeanAddMany(int count, int first = 0)
    {
        std::vector<CK_OBJECT_HANDLE> made;
        for (int i = first; i < first + count; ++i) {
            made.push_back(LeanAdd("object " + std::to_string(i)));
        }
        return made;
    }

    static std::vector<std::string> Names(int count, int first = 0)
    {
        std::vector<std::string> names;
        for (int i = first; i < first + count; ++i) {
            names.push_back("object " + std::to_string(i));
        }
        std::sort(names.begin(), names.end());
        return names;
    }
};

TEST(LeanRecordWrite, APublicRecordIsTheFullEncodersByteForByte)
{
    AttributeSet full;
    full.set_ulong(CKA_CLASS, CKO_PUBLIC_KEY);
    full.set_ulong(CKA_KEY_TYPE, CKK_EC);
    full.set_bool(CKA_TOKEN, true);
    full.set(CKA_LABEL, "Code Verify Key", 15);
    full.set(CKA_ID, nullptr, 0);
    full.set(CKA_EC_PARAMS, kP256Params, sizeof kP256Params);
    const CK_MECHANISM_TYPE allowed[] = {CKM_ECDSA, CKM_ECDSA_SHA256};
    full.set(CKA_ALLOWED_MECHANISMS, allowed, sizeof allowed);
    full.set_ulong(CKA_KEY_GEN_MECHANISM, CK_UNAVAILABLE_INFORMATION);

    std::vector<CK_ATTRIBUTE> lean;
    for (const p11::Attribute &attribute : full.items()) {
        lean.push_back({attribute.type, const_cast<unsigned char *>(attribute.value.data()),
                        static_cast<CK_ULONG>(attribute.value.size())});
    }
    p11::lean::RecordParts parts;
    parts.attrs = lean.data();
    parts.count = lean.size();
    Bytes written(p11::lean::record_encoded_size(parts));
    ASSERT_EQ(CKR_OK, p11::lean::record_encode(parts, nullptr, nullptr, written.data()));

    WC_RNG rng;
    ASSERT_EQ(0, wc_InitRng(&rng));
    Bytes expected;
    ASSERT_EQ(CKR_OK, p11::object_record_encode(full, p11::SealKeys{}, rng, &expected));
    wc_FreeRng(&rng);
    EXPECT_EQ(expected, written);
}

TEST(LeanRecordWrite, SealedSecretsOpenInTheFullBackendUnderTheDeviceKeyOnly)
{
    const CK_OBJECT_CLASS klass = CKO_PRIVATE_KEY;
    const CK_KEY_TYPE type = CKK_EC;
    const CK_BYTE scalar[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
    const CK_ATTRIBUTE attrs[] = {
        {CKA_CLASS, const_cast<CK_OBJECT_CLASS *>(&klass), sizeof klass},
        {CKA_KEY_TYPE, const_cast<CK_KEY_TYPE *>(&type), sizeof type},
        {CKA_TOKEN, const_cast<CK_BBOOL *>(&kTrue), 1},
        {CKA_PRIVATE, const_cast<CK_BBOOL *>(&kTrue), 1},
        {CKA_SIGN, const_cast<CK_BBOOL *>(&kTrue), 1},
        {CKA_EC_PARAMS, const_cast<CK_BYTE *>(kP256Params), sizeof kP256Params},
    };
    const CK_ATTRIBUTE secrets[] = {{CKA_VALUE, const_cast<CK_BYTE *>(scalar), sizeof scalar}};
    p11::lean::RecordParts parts{attrs, 6, secrets, 1};
    Bytes record(p11::lean::record_encoded_size(parts));
    WC_RNG rng;
    ASSERT_EQ(0, wc_InitRng(&rng));
    ASSERT_EQ(CKR_OK, p11::lean::record_encode(parts, &TestKey().bytes, &rng, record.data()));
    wc_FreeRng(&rng);
    // The scalar is nowhere in clear.
    EXPECT_EQ(record.end(), std::search(record.begin(), record.end(), scalar, scalar + sizeof scalar));

    p11::SecretsState state = p11::SecretsState::none;
    const AttributeSet decoded = FullDecode(record, &state);
    EXPECT_EQ(p11::SecretsState::opened, state);
    const p11::ByteView *value = decoded.get(CKA_VALUE);
    ASSERT_NE(nullptr, value);
    EXPECT_EQ(Bytes(scalar, scalar + sizeof scalar), Bytes(value->begin(), value->end()));
    EXPECT_EQ(CKO_PRIVATE_KEY, decoded.ulong_or(CKA_CLASS, 0));
    EXPECT_EQ(CKK_EC, decoded.ulong_or(CKA_KEY_TYPE, 0));
    EXPECT_TRUE(decoded.bool_or(CKA_SIGN, false));

    p11::SealKeys other;
    p11::SecretKey wrong;
    std::memset(wrong.bytes, 0x43, sizeof wrong.bytes);
    other.device = &wrong;
    AttributeSet out;
    EXPECT_EQ(p11::RecordStatus::unopened,
              p11::object_record_decode(record.data(), record.size(), other, &out, &state));
}

TEST(LeanRecordWrite, AUlongAttributeOfTheWrongLengthIsNotStored)
{
    const CK_BYTE short_class[2] = {0, 0};
    const CK_ATTRIBUTE bad_ulong[] = {{CKA_CLASS, const_cast<CK_BYTE *>(short_class), sizeof short_class}};
    EXPECT_EQ(0u, p11::lean::record_encoded_size({bad_ulong, 1, nullptr, 0}));
    const CK_ATTRIBUTE bad_array[] = {{CKA_ALLOWED_MECHANISMS, const_cast<CK_BYTE *>(short_class), 3}};
    EXPECT_EQ(0u, p11::lean::record_encoded_size({bad_array, 1, nullptr, 0}));
    const CK_ATTRIBUTE no_value[] = {{CKA_LABEL, nullptr, 4}};
    EXPECT_EQ(0u, p11::lean::record_encoded_size({no_value, 1, nullptr, 0}));
    Bytes out(64);
    EXPECT_EQ(CKR_GENERAL_ERROR, p11::lean::record_encode({bad_ulong, 1, nullptr, 0}, nullptr, nullptr, out.data()));
    // Secrets need a key to seal them under.
    const CK_ATTRIBUTE secret[] = {{CKA_VALUE, const_cast<CK_BYTE *>(short_class), sizeof short_class}};
    EXPECT_EQ(CKR_GENERAL_ERROR, p11::lean::record_encode({secret, 1, secret, 1}, nullptr, nullptr, out.data()));
}

TEST_F(LeanStoreWrite, ObjectsItAddsLoadInTheFullBackendAndSeeTheLeanReader)
{
    const std::vector<CK_OBJECT_HANDLE> made = LeanAddMany(3);
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{1, 2, 3}), made);
    EXPECT_EQ(Names(3), FullLoad());
    std::vector<CK_OBJECT_HANDLE> listed;
    ASSERT_TRUE(p11::lean::for_each_listed(
        [](CK_OBJECT_HANDLE handle, void *context) {
            static_cast<std::vector<CK_OBJECT_HANDLE> *>(context)->push_back(handle);
            return true;
        },
        &listed));
    EXPECT_EQ(made, listed);
    // Head and copy both written, equal.
    EXPECT_FALSE(PalRead(p11::kIndexRecordLabel).empty());
    EXPECT_EQ(PalRead(p11::kIndexRecordLabel), PalRead(p11::kIndexCopyLabel));
}

TEST_F(LeanStoreWrite, NumbersTheFullBackendHandedOutAreNeverHandedOutAgain)
{
    const CK_OBJECT_HANDLE a = FullAdd("full a");
    const CK_OBJECT_HANDLE b = FullAdd("full b");
    const CK_OBJECT_HANDLE c = LeanAdd("lean c");
    EXPECT_GT(c, b);
    EXPECT_GT(b, a);
    ASSERT_EQ(CKR_OK, p11::lean::store_remove(c));
    const CK_OBJECT_HANDLE d = LeanAdd("lean d");
    EXPECT_GT(d, c); // a destroyed object's number is not reused
    const CK_OBJECT_HANDLE e = FullAdd("full e");
    EXPECT_GT(e, d);
    EXPECT_EQ((std::vector<std::string>{"full a", "full b", "full e", "lean d"}), FullLoad());
}

TEST_F(LeanStoreWrite, ARemovedObjectLeavesItsPageThenItsRecordAndOnlyOnce)
{
    const CK_OBJECT_HANDLE a = FullAdd("full a");
    const CK_OBJECT_HANDLE b = FullAdd("full b");
    ASSERT_EQ(CKR_OK, p11::lean::store_remove(a));
    EXPECT_FALSE(PalHas(p11::object_record_label(a)));
    EXPECT_TRUE(PalHas(p11::object_record_label(b)));
    EXPECT_EQ((std::vector<std::string>{"full b"}), FullLoad());
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, p11::lean::store_remove(a));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, p11::lean::store_remove(b + 1)); // never handed out
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, p11::lean::store_remove(CK_INVALID_HANDLE));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, p11::lean::store_remove(5 * p11::kIdsPerPage)); // no such page
    EXPECT_EQ((std::vector<std::string>{"full b"}), FullLoad());
}

TEST_F(LeanStoreWrite, ObjectsSpreadOverPagesAndAnEmptiedPageBeforeTheLastGoes)
{
    const std::vector<CK_OBJECT_HANDLE> made = LeanAddMany(300);
    EXPECT_TRUE(PalHas(p11::index_page_label(0)));
    EXPECT_TRUE(PalHas(p11::index_page_label(1)));
    EXPECT_FALSE(PalHas(p11::index_page_label(2)));
    EXPECT_EQ(Names(300), FullLoad());
    for (std::size_t i = 0; i < p11::kIdsPerPage; ++i) {
        ASSERT_EQ(CKR_OK, p11::lean::store_remove(made[i]));
    }
    EXPECT_FALSE(PalHas(p11::index_page_label(0))); // emptied, not the last: not stored
    EXPECT_EQ(Names(300 - p11::kIdsPerPage, p11::kIdsPerPage), FullLoad());
    // The emptied last page stays, so its numbers are not handed out again.
    for (std::size_t i = p11::kIdsPerPage; i < made.size(); ++i) {
        ASSERT_EQ(CKR_OK, p11::lean::store_remove(made[i]));
    }
    EXPECT_TRUE(PalHas(p11::index_page_label(1)));
    EXPECT_EQ(made.back() + 1, LeanAdd("after"));
    EXPECT_EQ((std::vector<std::string>{"after"}), FullLoad());
}

TEST_F(LeanStoreWrite, ObjectsAddedTogetherNeverStraddleTwoPages)
{
    LeanAddMany(p11::kIdsPerPage - 1);
    const Bytes first = DataObject("pair 1").Encode();
    const Bytes second = DataObject("pair 2").Encode();
    const p11::lean::NewRecord pair[] = {{first.data(), first.size()}, {second.data(), second.size()}};
    CK_OBJECT_HANDLE handles[2] = {};
    ASSERT_EQ(CKR_OK, p11::lean::store_add(pair, 2, handles));
    EXPECT_EQ(p11::kIdsPerPage + 1, handles[0]); // the first slot of page 1
    EXPECT_EQ(p11::kIdsPerPage + 2, handles[1]);
    EXPECT_EQ(p11::kIdsPerPage + 1, FullLoad().size());
    // The full backend's last page (page 0, slot 255 unused) is left as it was.
    const std::vector<CK_OBJECT_HANDLE> next = LeanAddMany(1, 1000);
    EXPECT_EQ(p11::kIdsPerPage + 3, next[0]);
}

TEST_F(LeanStoreWrite, AnEmptiedLastPageIsDroppedWhenANewPageTakesOver)
{
    const std::vector<CK_OBJECT_HANDLE> made = LeanAddMany(p11::kIdsPerPage);
    for (CK_OBJECT_HANDLE handle : made) {
        ASSERT_EQ(CKR_OK, p11::lean::store_remove(handle));
    }
    EXPECT_TRUE(PalHas(p11::index_page_label(0)));
    EXPECT_EQ(p11::kIdsPerPage + 1, LeanAdd("next page"));
    EXPECT_FALSE(PalHas(p11::index_page_label(0)));
    EXPECT_EQ((std::vector<std::string>{"next page"}), FullLoad());
}

TEST_F(LeanStoreWrite, AHeadLostWithItsCopyIntactIsWrittenAgain)
{
    LeanAddMany(2);
    const Bytes head = PalRead(p11::kIndexRecordLabel);
    PalWrite(p11::kIndexRecordLabel, Bytes(head.size(), 0x00));
    EXPECT_EQ(3u, LeanAdd("third"));
    EXPECT_EQ(head, PalRead(p11::kIndexRecordLabel));
    EXPECT_EQ(Names(2).size() + 1, FullLoad().size());
}

TEST_F(LeanStoreWrite, AnUnreadableIndexIsNeverWritten)
{
    const std::vector<CK_OBJECT_HANDLE> made = LeanAddMany(2);
    const Bytes head = PalRead(p11::kIndexRecordLabel);
    Bytes damaged = head;
    damaged[damaged.size() / 2] ^= 0x01;
    PalWrite(p11::kIndexRecordLabel, damaged);
    PalWrite(p11::kIndexCopyLabel, damaged);
    const Bytes record = DataObject("refused").Encode();
    const p11::lean::NewRecord one{record.data(), record.size()};
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    EXPECT_EQ(CKR_DEVICE_ERROR, p11::lean::store_add(&one, 1, &handle));
    EXPECT_EQ(CKR_DEVICE_ERROR, p11::lean::store_remove(made[0]));
    EXPECT_EQ(damaged, PalRead(p11::kIndexRecordLabel));
    EXPECT_FALSE(PalHas(p11::object_record_label(3)));
    EXPECT_TRUE(PalHas(p11::object_record_label(made[0])));
}

TEST_F(LeanStoreWrite, ADamagedLastPageIsNeverOverwrittenAndNewObjectsStartTheNext)
{
    const std::vector<CK_OBJECT_HANDLE> made = LeanAddMany(2);
    const std::string page0 = p11::index_page_label(0);
    Bytes damaged = PalRead(page0);
    damaged[10] ^= 0x01;
    PalWrite(page0, damaged);
    EXPECT_EQ(p11::kIdsPerPage + 1, LeanAdd("on page 1"));
    EXPECT_EQ(damaged, PalRead(page0));
    EXPECT_EQ(CKR_DEVICE_ERROR, p11::lean::store_remove(made[0])); // its page cannot be read
    EXPECT_EQ((std::vector<std::string>{"on page 1"}), FullLoad());
}

TEST_F(LeanStoreWrite, APageStoredBeyondTheHeadIsTakenInNotOverwritten)
{
    LeanAddMany(1);
    const Bytes head_before = PalRead(p11::kIndexRecordLabel);
    LeanAddMany(p11::kIdsPerPage, 1); // fills page 0 and starts page 1
    // As if the create that started page 1 was cut before its head.
    PalWrite(p11::kIndexRecordLabel, head_before);
    PalWrite(p11::kIndexCopyLabel, head_before);
    const CK_OBJECT_HANDLE next = LeanAdd("after the cut");
    EXPECT_EQ(p11::kIdsPerPage + 2, next);
    EXPECT_EQ(p11::kIdsPerPage + 2, FullLoad().size());
}

TEST_F(LeanStoreWrite, MoreThanAPageAtOnceIsRefused)
{
    const Bytes record = DataObject("x").Encode();
    std::vector<p11::lean::NewRecord> many(p11::kIdsPerPage + 1, p11::lean::NewRecord{record.data(), record.size()});
    std::vector<CK_OBJECT_HANDLE> handles(many.size());
    EXPECT_EQ(CKR_GENERAL_ERROR, p11::lean::store_add(many.data(), many.size(), handles.data()));
    EXPECT_TRUE(FullLoad().empty());
    EXPECT_FALSE(PalHas(p11::kIndexRecordLabel));
}

} // namespace
