/* Object records with secrets (objects/object_codec.h): the secret values
 * never appear in the record, open only under the key they are bound to,
 * and the tag covers every attribute, not only the secrets. Records from
 * before encryption (format 1) are read and reported as clear. The profile
 * of this program binds private keys to the PIN (token key). */
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "objects/object_codec.h"
#include "test_keys.h"
#include "wolfcrypt.h"

namespace {

struct Rng {
    Rng() { EXPECT_EQ(0, wc_InitRng(&rng)); }
    ~Rng() { wc_FreeRng(&rng); }
    WC_RNG rng;
};

p11::AttributeSet EcPrivateKey(bool is_private)
{
    p11::AttributeSet attrs;
    attrs.set_ulong(CKA_CLASS, CKO_PRIVATE_KEY);
    attrs.set_ulong(CKA_KEY_TYPE, CKK_EC);
    attrs.set_bool(CKA_TOKEN, true);
    attrs.set_bool(CKA_PRIVATE, is_private);
    attrs.set_bool(CKA_SIGN, true);
    attrs.set(CKA_LABEL, "ec key", 6);
    attrs.set(CKA_VALUE, p11test::kTestEcPrivateValue.data(), p11test::kTestEcPrivateValue.size());
    return attrs;
}

p11::AttributeSet RsaPrivateKey()
{
    p11::AttributeSet attrs;
    attrs.set_ulong(CKA_CLASS, CKO_PRIVATE_KEY);
    attrs.set_ulong(CKA_KEY_TYPE, CKK_RSA);
    attrs.set_bool(CKA_TOKEN, true);
    attrs.set_bool(CKA_PRIVATE, true);
    attrs.set(CKA_MODULUS, p11test::kTestRsaModulus.data(), p11test::kTestRsaModulus.size());
    attrs.set(CKA_PRIVATE_EXPONENT, p11test::kTestRsaPrivateExponent.data(), p11test::kTestRsaPrivateExponent.size());
    attrs.set(CKA_PRIME_1, p11test::kTestRsaPrime1.data(), p11test::kTestRsaPrime1.size());
    attrs.set(CKA_PRIME_2, p11test::kTestRsaPrime2.data(), p11test::kTestRsaPrime2.size());
    attrs.set(CKA_EXPONENT_1, p11test::kTestRsaExponent1.data(), p11test::kTestRsaExponent1.size());
    attrs.set(CKA_EXPONENT_2, p11test::kTestRsaExponent2.data(), p11test::kTestRsaExponent2.size());
    attrs.set(CKA_COEFFICIENT, p11test::kTestRsaCoefficient.data(), p11test::kTestRsaCoefficient.size());
    return attrs;
}

p11::SecretKey Key(std::uint8_t seed)
{
    p11::SecretKey key;
    std::memset(key.bytes, seed, sizeof key.bytes);
    return key;
}

bool Contains(const p11::Bytes &record, const p11test::ByteVec &value)
{
    return std::search(record.begin(), record.end(), value.begin(), value.end()) != record.end();
}

// Recomputes the SHA-256 at the end, as an attacker who edits a record would.
void Reseal(p11::Bytes *record)
{
    const std::size_t covered = record->size() - WC_SHA256_DIGEST_SIZE;
    ASSERT_EQ(0, wc_Sha256Hash(record->data(), static_cast<word32>(covered), record->data() + covered));
}

p11::RecordStatus Decode(const p11::Bytes &record, const p11::SealKeys &keys, p11::AttributeSet *out,
                         p11::SecretsState *secrets)
{
    return p11::object_record_decode(record.data(), record.size(), keys, out, secrets);
}

} // namespace

TEST(SealedRecordTest, PrivateKeyValuesAreNotInTheRecordAndOpenUnderTheTokenKey)
{
    Rng r;
    const p11::SecretKey token_key = Key(1);
    const p11::SecretKey device_key = Key(2);
    const p11::SealKeys keys{&token_key, &device_key};
    for (const p11::AttributeSet &attrs : {EcPrivateKey(true), RsaPrivateKey()}) {
        EXPECT_EQ(p11::SecretBinding::token_key, p11::secret_binding(attrs));
        p11::Bytes record;
        ASSERT_EQ(CKR_OK, p11::object_record_encode(attrs, keys, r.rng, &record));
        EXPECT_EQ(p11::object_record_size(attrs), record.size());
        for (CK_ATTRIBUTE_TYPE type : {CKA_VALUE, CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2, CKA_EXPONENT_1,
                                       CKA_EXPONENT_2, CKA_COEFFICIENT}) {
            const p11::ByteView *value = attrs.get(type);
            if (value != nullptr) {
                EXPECT_FALSE(Contains(record, p11test::ByteVec(value->begin(), value->end())))
                    << "attribute 0x" << std::hex << type << " in clear";
            }
        }
        if (attrs.has(CKA_MODULUS)) {
            EXPECT_TRUE(Contains(record, p11test::kTestRsaModulus)) << "public parts stay readable";
        }
        p11::AttributeSet out;
        p11::SecretsState secrets = p11::SecretsState::none;
        ASSERT_EQ(p11::RecordStatus::ok, Decode(record, keys, &out, &secrets));
        EXPECT_EQ(p11::SecretsState::opened, secrets);
        ASSERT_EQ(attrs.size(), out.size());
        for (const p11::Attribute &attribute : attrs.items()) {
            ASSERT_NE(nullptr, out.get(attribute.type));
            EXPECT_EQ(attribute.value, *out.get(attribute.type));
        }
    }
}

TEST(SealedRecordTest, WithoutTheTokenKeyTheRecordReadsSealedAndWithAnotherKeyNotAtAll)
{
    Rng r;
    const p11::SecretKey token_key = Key(1);
    const p11::SecretKey device_key = Key(2);
    p11::Bytes record;
    ASSERT_EQ(CKR_OK, p11::object_record_encode(EcPrivateKey(true), p11::SealKeys{&token_key, &device_key}, r.rng,
                                                &record));
    p11::AttributeSet out;
    p11::SecretsState secrets = p11::SecretsState::none;
    ASSERT_EQ(p11::RecordStatus::ok, Decode(record, p11::SealKeys{nullptr, &device_key}, &out, &secrets));
    EXPECT_EQ(p11::SecretsState::sealed, secrets);
    EXPECT_FALSE(out.has(CKA_VALUE));
    EXPECT_TRUE(out.has(CKA_LABEL));

    const p11::SecretKey other = Key(3);
    EXPECT_EQ(p11::RecordStatus::unopened, Decode(record, p11::SealKeys{&other, &device_key}, &out, &secrets));
    EXPECT_EQ(p11::RecordStatus::unopened, Decode(record, p11::SealKeys{&device_key, &token_key}, &out, &secrets))
        << "the device key opens no token-key record";
}

TEST(SealedRecordTest, KeysUsableWithoutLoginBindToTheDeviceKey)
{
    Rng r;
    const p11::SecretKey token_key = Key(1);
    const p11::SecretKey device_key = Key(2);
    const p11::AttributeSet attrs = EcPrivateKey(false);
    EXPECT_EQ(p11::SecretBinding::device_key, p11::secret_binding(attrs));
    p11::Bytes record;
    EXPECT_EQ(CKR_DEVICE_ERROR, p11::object_record_encode(attrs, p11::SealKeys{&token_key, nullptr}, r.rng, &record));
    ASSERT_EQ(CKR_OK, p11::object_record_encode(attrs, p11::SealKeys{nullptr, &device_key}, r.rng, &record));
    EXPECT_FALSE(Contains(record, p11test::kTestEcPrivateValue));
    p11::AttributeSet out;
    p11::SecretsState secrets = p11::SecretsState::none;
    ASSERT_EQ(p11::RecordStatus::ok, Decode(record, p11::SealKeys{nullptr, &device_key}, &out, &secrets));
    EXPECT_EQ(p11::SecretsState::opened, secrets);
    EXPECT_EQ(p11test::kTestEcPrivateValue, p11test::ByteVec(out.get(CKA_VALUE)->begin(), out.get(CKA_VALUE)->end()));
    EXPECT_EQ(p11::RecordStatus::unopened, Decode(record, p11::SealKeys{&token_key, nullptr}, &out, &secrets));
    const p11::SecretKey other = Key(9);
    EXPECT_EQ(p11::RecordStatus::unopened, Decode(record, p11::SealKeys{nullptr, &other}, &out, &secrets));
}

TEST(SealedRecordTest, NoTokenKeyNoPinBoundRecord)
{
    Rng r;
    const p11::SecretKey device_key = Key(2);
    p11::Bytes record;
    EXPECT_EQ(CKR_USER_NOT_LOGGED_IN,
              p11::object_record_encode(EcPrivateKey(true), p11::SealKeys{nullptr, &device_key}, r.rng, &record));
}

// An attacker who can write the store edits a public attribute of a sealed
// key (turning on a usage, renaming it) and redoes the SHA-256: the tag no
// longer matches.
TEST(SealedRecordTest, TheTagCoversEveryAttributeOfASealedKey)
{
    Rng r;
    const p11::SecretKey token_key = Key(1);
    const p11::SealKeys keys{&token_key, nullptr};
    p11::Bytes record;
    ASSERT_EQ(CKR_OK, p11::object_record_encode(EcPrivateKey(true), keys, r.rng, &record));
    const char label[] = "ec key";
    auto at = std::search(record.begin(), record.end(), label, label + 6);
    ASSERT_NE(record.end(), at);
    p11::Bytes edited = record;
    edited[static_cast<std::size_t>(at - record.begin())] = 'E';
    Reseal(&edited);
    p11::AttributeSet out;
    p11::SecretsState secrets = p11::SecretsState::none;
    EXPECT_EQ(p11::RecordStatus::unopened, Decode(edited, keys, &out, &secrets));

    // Every single byte before the checksum, checksum redone: never opened.
    for (std::size_t i = 0; i + WC_SHA256_DIGEST_SIZE < record.size(); ++i) {
        p11::Bytes changed = record;
        changed[i] ^= 0x04;
        Reseal(&changed);
        EXPECT_NE(p11::RecordStatus::ok, Decode(changed, keys, &out, &secrets)) << "byte " << i;
    }
}

// A sealed box moved into another record (same key) does not open there.
TEST(SealedRecordTest, ABoxDoesNotOpenInAnotherRecord)
{
    Rng r;
    const p11::SecretKey token_key = Key(1);
    const p11::SealKeys keys{&token_key, nullptr};
    p11::AttributeSet a = EcPrivateKey(true);
    p11::AttributeSet b = EcPrivateKey(true);
    b.set(CKA_LABEL, "EC KEY", 6); // same size, other label
    p11::Bytes ra, rb;
    ASSERT_EQ(CKR_OK, p11::object_record_encode(a, keys, r.rng, &ra));
    ASSERT_EQ(CKR_OK, p11::object_record_encode(b, keys, r.rng, &rb));
    ASSERT_EQ(ra.size(), rb.size());
    const std::size_t box_len = p11test::kTestEcPrivateValue.size() + 4 + 8 + p11::kBoxOverhead;
    const std::size_t box_at = ra.size() - WC_SHA256_DIGEST_SIZE - box_len;
    std::copy(ra.begin() + static_cast<long>(box_at), ra.begin() + static_cast<long>(box_at + box_len),
              rb.begin() + static_cast<long>(box_at));
    Reseal(&rb);
    p11::AttributeSet out;
    p11::SecretsState secrets = p11::SecretsState::none;
    EXPECT_EQ(p11::RecordStatus::unopened, Decode(rb, keys, &out, &secrets));
}

// Format 1 (before encryption): the attribute list is all, secrets included.
TEST(SealedRecordTest, AFormatOneRecordReadsAsClear)
{
    const p11::AttributeSet attrs = EcPrivateKey(true);
    p11::Bytes record(8 + 4 + 4, 0);
    std::memcpy(record.data(), "P11FOBJT", 8);
    record[11] = 1; // version
    record[15] = static_cast<std::uint8_t>(attrs.size());
    for (const p11::Attribute &attribute : attrs.items()) {
        const bool wide = attribute.type == CKA_CLASS || attribute.type == CKA_KEY_TYPE;
        const std::size_t size = wide ? 8 : attribute.value.size();
        const std::uint8_t head[8] = {0, 0, static_cast<std::uint8_t>(attribute.type >> 8),
                                      static_cast<std::uint8_t>(attribute.type), 0, 0, 0,
                                      static_cast<std::uint8_t>(size)};
        record.insert(record.end(), head, head + 8);
        if (wide) {
            CK_ULONG value = 0;
            std::memcpy(&value, attribute.value.data(), sizeof value);
            for (int shift = 56; shift >= 0; shift -= 8) {
                record.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(value) >> shift));
            }
        } else {
            record.insert(record.end(), attribute.value.begin(), attribute.value.end());
        }
    }
    record.resize(record.size() + WC_SHA256_DIGEST_SIZE);
    Reseal(&record);
    p11::AttributeSet out;
    p11::SecretsState secrets = p11::SecretsState::none;
    ASSERT_EQ(p11::RecordStatus::ok, Decode(record, p11::SealKeys{}, &out, &secrets));
    EXPECT_EQ(p11::SecretsState::legacy_clear, secrets);
    EXPECT_EQ(p11test::kTestEcPrivateValue, p11test::ByteVec(out.get(CKA_VALUE)->begin(), out.get(CKA_VALUE)->end()));
}
