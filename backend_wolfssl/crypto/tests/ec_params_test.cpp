/* CKA_EC_PARAMS and CKA_EC_POINT decoding and encoding. */
#include <gtest/gtest.h>

#include "crypto/ec_params.h"
#include "openssl_keys.h"

using namespace p11;
using namespace p11test;

namespace {

Bytes raw_point(const EcCurve &curve, unsigned char fill)
{
    Bytes point(1 + 2 * curve.field_bytes, fill);
    point[0] = 0x04;
    return point;
}

} // namespace

TEST(EcParams, P256OidNamesA256BitCurve)
{
    const EcCurve *curve = ec_curve_from_params(kP256Params);
    ASSERT_NE(curve, nullptr);
    EXPECT_EQ(curve->bits, 256u);
    EXPECT_EQ(curve->field_bytes, 32u);
}

TEST(EcParams, P384OidNamesA384BitCurve)
{
    const EcCurve *curve = ec_curve_from_params(kP384Params);
    ASSERT_NE(curve, nullptr);
    EXPECT_EQ(curve->bits, 384u);
    EXPECT_EQ(curve->field_bytes, 48u);
}

TEST(EcParams, OtherCurvesAndMalformedParamsAreNotSupported)
{
    EXPECT_EQ(ec_curve_from_params(from_hex("06052b81040023")), nullptr);         // P-521
    EXPECT_EQ(ec_curve_from_params(from_hex("06082a8648ce3d0301")), nullptr);     // truncated
    EXPECT_EQ(ec_curve_from_params(from_hex("06082a8648ce3d03010700")), nullptr); // trailing byte
    EXPECT_EQ(ec_curve_from_params(from_hex("130a7072696d6532353676")), nullptr); // a curve name string
    EXPECT_EQ(ec_curve_from_params(Bytes()), nullptr);
}

TEST(EcParams, DerPointOf67BytesDecodesToTheRawPoint)
{
    const EcCurve &curve = *ec_curve_from_params(kP256Params);
    Bytes raw = raw_point(curve, 0x11);
    Bytes der = ec_point_to_der(raw.data(), raw.size());
    ASSERT_EQ(der.size(), 67u);
    EXPECT_EQ(der[0], 0x04);
    EXPECT_EQ(der[1], 0x41);
    Bytes decoded;
    ASSERT_TRUE(ec_point_to_raw(curve, der, &decoded));
    EXPECT_EQ(decoded, raw);
}

TEST(EcParams, DerPointOfP384Is99Bytes)
{
    const EcCurve &curve = *ec_curve_from_params(kP384Params);
    Bytes raw = raw_point(curve, 0x22);
    Bytes der = ec_point_to_der(raw.data(), raw.size());
    ASSERT_EQ(der.size(), 99u);
    EXPECT_EQ(der[1], 0x61);
    Bytes decoded;
    ASSERT_TRUE(ec_point_to_raw(curve, der, &decoded));
    EXPECT_EQ(decoded, raw);
}

TEST(EcParams, BareUncompressedPointIsAccepted)
{
    const EcCurve &curve = *ec_curve_from_params(kP256Params);
    Bytes raw = raw_point(curve, 0x33);
    Bytes decoded;
    ASSERT_TRUE(ec_point_to_raw(curve, raw, &decoded));
    EXPECT_EQ(decoded, raw);
}

TEST(EcParams, PointsOfTheWrongFormOrSizeAreRejected)
{
    const EcCurve &p256 = *ec_curve_from_params(kP256Params);
    const EcCurve &p384 = *ec_curve_from_params(kP384Params);
    Bytes raw = raw_point(p256, 0x44);
    Bytes der = ec_point_to_der(raw.data(), raw.size());
    Bytes out;
    EXPECT_FALSE(ec_point_to_raw(p384, der, &out)); // a P-256 point for P-384
    Bytes compressed(raw.begin(), raw.begin() + 33);
    compressed[0] = 0x02;
    EXPECT_FALSE(ec_point_to_raw(p256, compressed, &out));
    Bytes wrapped_compressed = ec_point_to_der(compressed.data(), compressed.size());
    EXPECT_FALSE(ec_point_to_raw(p256, wrapped_compressed, &out));
    Bytes bad_length = der;
    bad_length[1] = 0x40;
    EXPECT_FALSE(ec_point_to_raw(p256, bad_length, &out));
    Bytes trailing = der;
    trailing.push_back(0);
    EXPECT_FALSE(ec_point_to_raw(p256, trailing, &out));
    Bytes not_octet_string = der;
    not_octet_string[0] = 0x03;
    EXPECT_FALSE(ec_point_to_raw(p256, not_octet_string, &out));
    EXPECT_FALSE(ec_point_to_raw(p256, Bytes(), &out));
}

TEST(EcParams, NonMinimalDerLengthIsRejected)
{
    const EcCurve &curve = *ec_curve_from_params(kP256Params);
    Bytes raw = raw_point(curve, 0x55);
    Bytes non_minimal = {0x04, 0x81, 0x41};
    non_minimal.insert(non_minimal.end(), raw.begin(), raw.end());
    Bytes out;
    EXPECT_FALSE(ec_point_to_raw(curve, non_minimal, &out));
}
