/* The stored forms on their own: object records, the index record, the DER
 * certificate walker and the EC point forms. */
#include <gtest/gtest.h>

#include <cstring>

#include "objects/der_certificate.h"
#include "crypto/ec_params.h"
#include "objects/object_codec.h"
#include "objects/storage_index.h"
#include "test_certificate.h"

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

} // namespace

TEST(ObjectCodecTest, RecordRoundTripsAndHasItsAdvertisedSize)
{
    p11::AttributeSet attrs = SampleAttributes();
    p11::Bytes record;
    p11::object_record_encode(attrs, &record);
    EXPECT_EQ(p11::object_record_size(attrs), record.size());
    EXPECT_EQ(0, std::memcmp(record.data(), "P11FOBJT", 8));
    p11::AttributeSet decoded;
    ASSERT_EQ(p11::RecordStatus::ok, p11::object_record_decode(record.data(), record.size(), &decoded));
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
    p11::Bytes record;
    p11::object_record_encode(attrs, &record);
    // magic 8 | version 4 | count 4 | type 4 | length 4 | value 8
    ASSERT_EQ(8u + 4 + 4 + 4 + 4 + 8 + 32, record.size());
    const unsigned char expected[] = {0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0x01, 0x02};
    EXPECT_EQ(0, std::memcmp(record.data() + 20, expected, sizeof expected));
}

TEST(ObjectCodecTest, EveryFlippedByteIsDetected)
{
    p11::Bytes record;
    p11::object_record_encode(SampleAttributes(), &record);
    for (std::size_t i = 0; i < record.size(); ++i) {
        p11::Bytes damaged = record;
        damaged[i] ^= 0x40;
        p11::AttributeSet out;
        EXPECT_EQ(p11::RecordStatus::damaged, p11::object_record_decode(damaged.data(), damaged.size(), &out))
            << "byte " << i;
    }
}

TEST(ObjectCodecTest, TruncatedAndEmptyRecordsAreDamaged)
{
    p11::Bytes record;
    p11::object_record_encode(SampleAttributes(), &record);
    p11::AttributeSet out;
    for (std::size_t len = 0; len < record.size(); ++len) {
        EXPECT_EQ(p11::RecordStatus::damaged, p11::object_record_decode(record.data(), len, &out)) << len;
    }
    EXPECT_EQ(p11::RecordStatus::damaged, p11::object_record_decode(nullptr, 0, &out));
}

TEST(StorageIndexTest, IndexRoundTripsAndRejectsDamage)
{
    p11::StorageIndex index;
    index.next_id = 42;
    index.labels = {p11::object_record_label(1), p11::object_record_label(41)};
    EXPECT_EQ("p11forge obj 00000029", p11::object_record_label(41));
    std::vector<std::uint8_t> bytes = p11::storage_index_encode(index);
    p11::StorageIndex decoded;
    ASSERT_EQ(p11::RecordStatus::ok, p11::storage_index_decode(bytes.data(), bytes.size(), &decoded));
    EXPECT_EQ(42u, decoded.next_id);
    EXPECT_EQ(index.labels, decoded.labels);
    bytes[bytes.size() / 2] ^= 1;
    EXPECT_EQ(p11::RecordStatus::damaged, p11::storage_index_decode(bytes.data(), bytes.size(), &decoded));
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
