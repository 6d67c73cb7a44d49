/* The stored forms on their own: object records, the index records, the DER
 * certificate walker and the EC point forms. */
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "objects/der_certificate.h"
#include "crypto/ec_params.h"
#include "objects/object_codec.h"
#include "objects/index_records.h"
#include "objects/index_v1.h"
#include "objects/record_labels.h"
#include "objects/stored_ulong.h"
#include "test_certificate.h"
#include "wolfcrypt.h"

namespace {

p11::AttributeSet SampleAttributes()
{
    p11::AttributeSet attrs;
    attrs.set_ulong(CKA_CLASS, CKO_DATA);
    attrs.set_bool(CKA_TOKEN, true);
    attrs.set(CKA_LABEL, "label", 5);
    attrs.set(CKA_VALUE, nullptr, 0);
    return attrs;
}

// A record without secrets: no key needed.
p11::Bytes Encode(const p11::AttributeSet &attrs)
{
    WC_RNG rng;
    EXPECT_EQ(0, wc_InitRng(&rng));
    p11::Bytes record;
    EXPECT_EQ(CKR_OK, p11::object_record_encode(attrs, p11::SealKeys{}, rng, &record));
    wc_FreeRng(&rng);
    return record;
}

p11::RecordStatus Decode(const std::uint8_t *data, std::size_t len, p11::AttributeSet *out)
{
    p11::SecretsState secrets = p11::SecretsState::opened;
    const p11::RecordStatus status = p11::object_record_decode(data, len, p11::SealKeys{}, out, &secrets);
    if (status == p11::RecordStatus::ok) {
        EXPECT_EQ(p11::SecretsState::none, secrets);
    }
    return status;
}

} // namespace

TEST(ObjectCodecTest, RecordRoundTripsAndHasItsAdvertisedSize)
{
    p11::AttributeSet attrs = SampleAttributes();
    p11::Bytes record = Encode(attrs);
    EXPECT_EQ(p11::object_record_size(attrs), record.size());
    EXPECT_EQ(0, std::memcmp(record.data(), "P11FOBJT", 8));
    p11::AttributeSet decoded;
    ASSERT_EQ(p11::RecordStatus::ok, Decode(record.data(), record.size(), &decoded));
    ASSERT_EQ(attrs.size(), decoded.size());
    for (const p11::Attribute &attribute : attrs.items()) {
        ASSERT_NE(nullptr, decoded.get(attribute.type));
        EXPECT_EQ(attribute.value, *decoded.get(attribute.type));
    }
}

TEST(ObjectCodecTest, UlongValuesAreStoredAsEightBigEndianBytes)
{
    p11::AttributeSet attrs;
    attrs.set_ulong(CKA_CLASS, 0x0102);
    p11::Bytes record = Encode(attrs);
    // magic 8 | version 4 | count 4 | type 4 | length 4 | value 8 | binding 1 | box length 4 | SHA-256 32
    ASSERT_EQ(8u + 4 + 4 + 4 + 4 + 8 + 1 + 4 + 32, record.size());
    const unsigned char expected[] = {0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0x01, 0x02};
    EXPECT_EQ(0, std::memcmp(record.data() + 20, expected, sizeof expected));
}

TEST(ObjectCodecTest, EveryFlippedByteIsDetected)
{
    p11::Bytes record = Encode(SampleAttributes());
    for (std::size_t i = 0; i < record.size(); ++i) {
        p11::Bytes damaged = record;
        damaged[i] ^= 0x40;
        p11::AttributeSet out;
        EXPECT_EQ(p11::RecordStatus::damaged, Decode(damaged.data(), damaged.size(), &out)) << "byte " << i;
    }
}

TEST(ObjectCodecTest, TruncatedAndEmptyRecordsAreDamaged)
{
    p11::Bytes record = Encode(SampleAttributes());
    p11::AttributeSet out;
    for (std::size_t len = 0; len < record.size(); ++len) {
        EXPECT_EQ(p11::RecordStatus::damaged, Decode(record.data(), len, &out)) << len;
    }
    EXPECT_EQ(p11::RecordStatus::damaged, Decode(nullptr, 0, &out));
}

TEST(IndexV1Test, RoundTripsAndRejectsDamage)
{
    p11::IndexV1 index;
    index.next_id = 42;
    index.labels = {p11::object_record_label(1), p11::object_record_label(41)};
    std::vector<std::uint8_t> bytes = p11::index_v1_encode(index);
    p11::IndexV1 decoded;
    ASSERT_EQ(p11::RecordStatus::ok, p11::index_v1_decode(bytes.data(), bytes.size(), &decoded));
    EXPECT_EQ(42u, decoded.next_id);
    EXPECT_EQ(index.labels, decoded.labels);
    bytes[bytes.size() / 2] ^= 1;
    EXPECT_EQ(p11::RecordStatus::damaged, p11::index_v1_decode(bytes.data(), bytes.size(), &decoded));
}

// Format 1 wrote its labels from a std::set: increasing, each once. A file
// listing one twice (which would load the object twice) or out of order was
// not written by it, even with a valid checksum.
TEST(IndexV1Test, LabelsRepeatedOrOutOfOrderAreDamage)
{
    for (const auto &labels : {std::vector<std::string>{p11::object_record_label(5), p11::object_record_label(5)},
                               std::vector<std::string>{p11::object_record_label(6), p11::object_record_label(5)}}) {
        p11::IndexV1 index;
        index.next_id = 7;
        index.labels = labels;
        std::vector<std::uint8_t> bytes = p11::index_v1_encode(index);
        p11::IndexV1 decoded;
        EXPECT_EQ(p11::RecordStatus::damaged, p11::index_v1_decode(bytes.data(), bytes.size(), &decoded));
    }
}

TEST(RecordLabelsTest, ObjectLabelsParseBackAndNothingElseDoes)
{
    EXPECT_EQ("p11forge obj 00000029", p11::object_record_label(41));
    EXPECT_EQ("p11forge obj 123456789", p11::object_record_label(0x123456789));
    EXPECT_EQ("p11forge page 00000003", p11::index_page_label(3));
    for (std::uint64_t id : {std::uint64_t{1}, std::uint64_t{256}, std::uint64_t{257}, std::uint64_t{0x123456789}}) {
        std::uint64_t parsed = 0;
        ASSERT_TRUE(p11::parse_object_record_label(p11::object_record_label(id), &parsed)) << id;
        EXPECT_EQ(id, parsed);
    }
    std::uint64_t parsed = 0;
    for (const char *other : {"p11forge obj 0000002A", "p11forge obj 0000002", "p11forge obj 00000000",
                              "p11forge obj 0000002a ", "p11forge obj 0000000002a", "p11forge index", "Device Cert"}) {
        EXPECT_FALSE(p11::parse_object_record_label(other, &parsed)) << other;
    }
}

// Labels are storage keys: every number its own label, whatever the C
// library's printf does with 64-bit values (newlib-nano printed one label
// for every object).
TEST(RecordLabelsTest, EveryNumberHasItsOwnLabel)
{
    EXPECT_EQ("p11forge obj 00000001", p11::object_record_label(1));
    EXPECT_EQ("p11forge obj abcdef01", p11::object_record_label(0xabcdef01));
    EXPECT_EQ("p11forge obj ffffffffffffffff", p11::object_record_label(UINT64_MAX));
    EXPECT_EQ("p11forge page 00000000", p11::index_page_label(0));
    EXPECT_EQ("p11forge page 100000000", p11::index_page_label(std::uint64_t{1} << 32));
    std::set<std::string> labels;
    for (std::uint64_t id = 1; id <= 1000; ++id) {
        labels.insert(p11::object_record_label(id));
    }
    EXPECT_EQ(1000u, labels.size());
}

// The on-disk form of CK_ULONG does not depend on the word size: "unavailable"
// (all ones) written by a 64-bit build reads as all ones in 32 bits.
TEST(StoredUlongTest, ThirtyTwoAndSixtyFourBitBuildsAgree)
{
    EXPECT_EQ(UINT64_MAX, p11::stored_ulong<std::uint32_t>(0xffffffffu));
    EXPECT_EQ(UINT64_MAX, p11::stored_ulong<std::uint64_t>(UINT64_MAX));
    EXPECT_EQ(0x80000001u, p11::stored_ulong<std::uint32_t>(0x80000001u));
    std::uint32_t narrow = 0;
    ASSERT_TRUE(p11::loaded_ulong(UINT64_MAX, &narrow));
    EXPECT_EQ(0xffffffffu, narrow);
    ASSERT_TRUE(p11::loaded_ulong(std::uint64_t{0x80000001}, &narrow));
    EXPECT_EQ(0x80000001u, narrow);
    EXPECT_FALSE(p11::loaded_ulong(std::uint64_t{0x100000000}, &narrow)) << "a value 32 bits cannot hold";
    std::uint64_t wide = 0;
    ASSERT_TRUE(p11::loaded_ulong(UINT64_MAX, &wide));
    EXPECT_EQ(UINT64_MAX, wide);
}

// CKA_ALLOWED_MECHANISMS (an array of CK_ULONG) is stored as 8-byte
// little-endian elements, and reads back as the host's array.
TEST(ObjectCodecTest, MechanismArraysAreStoredAsEightBytesAnElement)
{
    p11::AttributeSet attrs;
    attrs.set_ulong(CKA_CLASS, CKO_DATA);
    const CK_MECHANISM_TYPE mechanisms[] = {CKM_ECDSA, CKM_SHA256_RSA_PKCS};
    attrs.set(CKA_ALLOWED_MECHANISMS, mechanisms, sizeof mechanisms);
    p11::Bytes record = Encode(attrs);
    const unsigned char expected[] = {0x41, 0x10, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_NE(record.end(), std::search(record.begin(), record.end(), expected, expected + sizeof expected));
    p11::AttributeSet decoded;
    ASSERT_EQ(p11::RecordStatus::ok, Decode(record.data(), record.size(), &decoded));
    ASSERT_NE(nullptr, decoded.get(CKA_ALLOWED_MECHANISMS));
    EXPECT_EQ(*attrs.get(CKA_ALLOWED_MECHANISMS), *decoded.get(CKA_ALLOWED_MECHANISMS));
}

TEST(RecordLabelsTest, PagesHoldTwoHundredFiftySixNumbers)
{
    EXPECT_EQ(0u, p11::page_of(1));
    EXPECT_EQ(0u, p11::slot_of(1));
    EXPECT_EQ(0u, p11::page_of(256));
    EXPECT_EQ(255u, p11::slot_of(256));
    EXPECT_EQ(1u, p11::page_of(257));
    EXPECT_EQ(0u, p11::slot_of(257));
    EXPECT_EQ(257u, p11::id_at(1, 0));
}

TEST(IndexRecordsTest, HeadRoundTripsAndEveryTruncationOrFlipIsDamage)
{
    p11::IndexHead head{3, 7};
    std::vector<std::uint8_t> bytes = p11::index_head_encode(head);
    p11::IndexRecord decoded;
    ASSERT_EQ(p11::RecordStatus::ok, p11::index_record_decode(bytes.data(), bytes.size(), &decoded));
    EXPECT_EQ(2u, decoded.version);
    EXPECT_EQ(3u, decoded.head.first_page);
    EXPECT_EQ(7u, decoded.head.end_page);
    for (std::size_t len = 0; len < bytes.size(); ++len) {
        EXPECT_EQ(p11::RecordStatus::damaged, p11::index_record_decode(bytes.data(), len, &decoded)) << len;
    }
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::vector<std::uint8_t> flipped = bytes;
        flipped[i] ^= 0x10;
        EXPECT_EQ(p11::RecordStatus::damaged, p11::index_record_decode(flipped.data(), flipped.size(), &decoded))
            << i;
    }
}

TEST(IndexRecordsTest, HeadRecordMayHoldAWholeFormat1Index)
{
    p11::IndexV1 index;
    index.next_id = 9;
    index.labels = {p11::object_record_label(8)};
    std::vector<std::uint8_t> bytes = p11::index_v1_encode(index);
    p11::IndexRecord decoded;
    ASSERT_EQ(p11::RecordStatus::ok, p11::index_record_decode(bytes.data(), bytes.size(), &decoded));
    EXPECT_EQ(1u, decoded.version);
    EXPECT_EQ(9u, decoded.v1.next_id);
    EXPECT_EQ(index.labels, decoded.v1.labels);
}

namespace {
// A later writer's record, sealed as that writer would seal it.
std::vector<std::uint8_t> WithVersion(std::vector<std::uint8_t> bytes, std::uint8_t version)
{
    bytes[11] = version;
    EXPECT_EQ(0, wc_Sha256Hash(bytes.data(), static_cast<word32>(bytes.size() - 32), bytes.data() + bytes.size() - 32));
    return bytes;
}
} // namespace

TEST(IndexRecordsTest, NewerHeadAndPageAreToldApartFromDamage)
{
    p11::IndexRecord head;
    std::vector<std::uint8_t> bytes = WithVersion(p11::index_head_encode(p11::IndexHead{0, 1}), 3);
    EXPECT_EQ(p11::RecordStatus::newer_version, p11::index_record_decode(bytes.data(), bytes.size(), &head));
    p11::IndexPage page;
    bytes = WithVersion(p11::index_page_encode(p11::IndexPage{}), 2);
    EXPECT_EQ(p11::RecordStatus::newer_version, p11::index_page_decode(bytes.data(), bytes.size(), &page));
}

TEST(IndexRecordsTest, HeadWithFirstPagePastEndIsDamage)
{
    std::vector<std::uint8_t> bytes = p11::index_head_encode(p11::IndexHead{5, 4});
    p11::IndexRecord decoded;
    EXPECT_EQ(p11::RecordStatus::damaged, p11::index_record_decode(bytes.data(), bytes.size(), &decoded));
}

TEST(IndexRecordsTest, PageRoundTripsWithFixedSize)
{
    p11::IndexPage page;
    page.page = 0x1234;
    page.used = 200;
    page.live.set(0).set(7).set(8).set(199);
    std::vector<std::uint8_t> bytes = p11::index_page_encode(page);
    p11::IndexPage full;
    full.used = 256;
    full.live.set();
    EXPECT_EQ(bytes.size(), p11::index_page_encode(full).size());
    p11::IndexPage decoded;
    ASSERT_EQ(p11::RecordStatus::ok, p11::index_page_decode(bytes.data(), bytes.size(), &decoded));
    EXPECT_EQ(page.page, decoded.page);
    EXPECT_EQ(page.used, decoded.used);
    EXPECT_EQ(page.live, decoded.live);
    for (std::size_t len = 0; len < bytes.size(); ++len) {
        EXPECT_EQ(p11::RecordStatus::damaged, p11::index_page_decode(bytes.data(), len, &decoded)) << len;
    }
    bytes[bytes.size() / 2] ^= 1;
    EXPECT_EQ(p11::RecordStatus::damaged, p11::index_page_decode(bytes.data(), bytes.size(), &decoded));
}

TEST(IndexRecordsTest, PageWithALiveSlotNeverHandedOutIsDamage)
{
    p11::IndexPage page;
    page.used = 3;
    page.live.set(3);
    std::vector<std::uint8_t> bytes = p11::index_page_encode(page);
    p11::IndexPage decoded;
    EXPECT_EQ(p11::RecordStatus::damaged, p11::index_page_decode(bytes.data(), bytes.size(), &decoded));
    page.used = 257;
    page.live.reset();
    bytes = p11::index_page_encode(page);
    EXPECT_EQ(p11::RecordStatus::damaged, p11::index_page_decode(bytes.data(), bytes.size(), &decoded));
}

TEST(DerCertificateTest, FindsTheFieldsOpenSslReports)
{
    p11::CertificateFields fields;
    ASSERT_TRUE(p11::parse_certificate(p11test::kTestCertificate, p11test::kTestCertificateSize, &fields));
    EXPECT_EQ(p11test::kTestCertificate + p11test::kTestCertificateSerial.offset, fields.serial.data);
    EXPECT_EQ(p11test::kTestCertificateSerial.size, fields.serial.size);
    EXPECT_EQ(p11test::kTestCertificate + p11test::kTestCertificateIssuer.offset, fields.issuer.data);
    EXPECT_EQ(p11test::kTestCertificateIssuer.size, fields.issuer.size);
    EXPECT_EQ(p11test::kTestCertificate + p11test::kTestCertificateSubject.offset, fields.subject.data);
    EXPECT_EQ(p11test::kTestCertificateSubject.size, fields.subject.size);
}

TEST(DerCertificateTest, EveryTruncationIsRejected)
{
    p11::CertificateFields fields;
    for (std::size_t len = 0; len < p11test::kTestCertificateSize; ++len) {
        EXPECT_FALSE(p11::parse_certificate(p11test::kTestCertificate, len, &fields)) << len;
    }
}

// DER pieces to build certificates that differ from the test certificate in
// one structural point (X.690 §8.1: tag, definite length, contents).
using Der = std::vector<unsigned char>;

Der DerElement(unsigned char tag, const Der &content)
{
    Der out{tag};
    const std::size_t n = content.size();
    if (n < 0x80) {
        out.push_back(static_cast<unsigned char>(n));
    } else if (n < 0x100) {
        out.insert(out.end(), {0x81, static_cast<unsigned char>(n)});
    } else {
        out.insert(out.end(), {0x82, static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)});
    }
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

// Size of the tag and length octets of the element at p (short or long form).
std::size_t HeaderSize(const unsigned char *p)
{
    return (p[1] & 0x80) ? 2 + (p[1] & 0x7f) : 2;
}

std::size_t ElementSize(const unsigned char *p)
{
    std::size_t length = p[1];
    if (p[1] & 0x80) {
        length = 0;
        for (std::size_t i = 0; i < (p[1] & 0x7fu); ++i) {
            length = (length << 8) | p[2 + i];
        }
    }
    return HeaderSize(p) + length;
}

// The three elements of the test certificate: tbsCertificate,
// signatureAlgorithm, signatureValue (RFC 5280 §4.1).
std::vector<Der> CertificateParts()
{
    const unsigned char *cert = p11test::kTestCertificate;
    const unsigned char *p = cert + HeaderSize(cert);
    std::vector<Der> parts;
    for (int i = 0; i < 3; ++i) {
        parts.emplace_back(p, p + ElementSize(p));
        p += parts.back().size();
    }
    return parts;
}

Der Joined(const std::vector<Der> &parts)
{
    Der out;
    for (const Der &part : parts) {
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

bool Parses(const Der &der)
{
    p11::CertificateFields fields;
    return p11::parse_certificate(der.data(), der.size(), &fields);
}

TEST(DerCertificateTest, RebuiltFromItsPartsItStillParses)
{
    const Der rebuilt = DerElement(0x30, Joined(CertificateParts()));
    ASSERT_EQ(Der(p11test::kTestCertificate, p11test::kTestCertificate + p11test::kTestCertificateSize), rebuilt);
    EXPECT_TRUE(Parses(rebuilt));
}

TEST(DerCertificateTest, AnElementMoreOrLessInTheCertificateSequenceIsRejected)
{
    std::vector<Der> parts = CertificateParts();
    std::vector<Der> extra = parts;
    extra.push_back({0x05, 0x00}); // a NULL after signatureValue
    EXPECT_FALSE(Parses(DerElement(0x30, Joined(extra))));
    std::vector<Der> unsigned_parts(parts.begin(), parts.begin() + 2); // no signatureValue
    EXPECT_FALSE(Parses(DerElement(0x30, Joined(unsigned_parts))));
    parts[2][0] = 0x04; // signatureValue as an OCTET STRING, not a BIT STRING
    EXPECT_FALSE(Parses(DerElement(0x30, Joined(parts))));
}

TEST(DerCertificateTest, ASerialNumberWithoutContentOctetsIsRejected)
{
    // X.690 §8.3.1: an INTEGER has one or more contents octets; 02 00 is none.
    std::vector<Der> parts = CertificateParts();
    const Der &tbs = parts[0];
    const std::size_t tbs_at = p11test::kTestCertificateSize - Joined(parts).size(); // the outer header
    const std::size_t serial_at = p11test::kTestCertificateSerial.offset - tbs_at;
    ASSERT_EQ(0x02, tbs[serial_at]);
    Der content(tbs.begin() + static_cast<long>(HeaderSize(tbs.data())), tbs.begin() + static_cast<long>(serial_at));
    content.insert(content.end(), {0x02, 0x00});
    content.insert(content.end(), tbs.begin() + static_cast<long>(serial_at + p11test::kTestCertificateSerial.size),
                   tbs.end());
    parts[0] = DerElement(0x30, content);
    EXPECT_FALSE(Parses(DerElement(0x30, Joined(parts))));
    content[serial_at - HeaderSize(tbs.data()) + 1] = 0x01; // 02 01 <next byte>: one octet, parses as a serial
    content.insert(content.begin() + static_cast<long>(serial_at - HeaderSize(tbs.data()) + 2), 0x07);
    parts[0] = DerElement(0x30, content);
    EXPECT_TRUE(Parses(DerElement(0x30, Joined(parts)))) << "the same certificate with a one-octet serial";
}

TEST(EcEncodingTest, CurvesAndPointForms)
{
    const unsigned char p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    const p11::EcCurve *curve = p11::ec_curve_from_params(p256, sizeof p256);
    ASSERT_NE(nullptr, curve);
    EXPECT_EQ(256u, curve->bits);
    EXPECT_EQ(nullptr, p11::ec_curve_from_params(p256, sizeof p256 - 1));
    unsigned char raw[65] = {0x04};
    p11::Bytes der;
    ASSERT_EQ(curve, p11::ec_point_normalize(raw, sizeof raw, &der));
    EXPECT_EQ(67u, der.size());
    p11::Bytes again;
    ASSERT_EQ(curve, p11::ec_point_normalize(der.data(), der.size(), &again));
    EXPECT_EQ(der, again);
    raw[0] = 0x03;
    EXPECT_EQ(nullptr, p11::ec_point_normalize(raw, sizeof raw, &der));
}
