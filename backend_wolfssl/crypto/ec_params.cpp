/* CKA_EC_PARAMS and CKA_EC_POINT decoding and encoding (see ec_params.h). */
#include "ec_params.h"

#include <cstring>

#include "wolfcrypt.h"

namespace p11 {

namespace {

constexpr unsigned char kDerOctetString = 0x04;
constexpr unsigned char kUncompressedPoint = 0x04;

// DER OBJECT IDENTIFIERs: prime256v1 (1.2.840.10045.3.1.7), secp384r1 (1.3.132.0.34).
const unsigned char kP256Oid[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
#if P11_HAVE_P384
const unsigned char kP384Oid[] = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
#endif

// A curve the linked wolfCrypt leaves out is unknown here, like any other.
const EcCurve kCurves[] = {
    {ECC_SECP256R1, 256, 32, kP256Oid, sizeof kP256Oid},
#if P11_HAVE_P384
    {ECC_SECP384R1, 384, 48, kP384Oid, sizeof kP384Oid},
#endif
};

// Reads a DER length at data[*pos]; definite forms of up to two octets,
// minimal encoding only (DER forbids the others).
bool read_der_length(const unsigned char *data, std::size_t len, std::size_t *pos, std::size_t *out)
{
    if (*pos >= len) {
        return false;
    }
    unsigned char first = data[(*pos)++];
    if (first < 0x80) {
        *out = first;
        return true;
    }
    std::size_t octets = first & 0x7f;
    if (octets == 0 || octets > 2 || *pos + octets > len || data[*pos] == 0) {
        return false;
    }
    std::size_t value = 0;
    for (std::size_t i = 0; i < octets; ++i) {
        value = (value << 8) | data[(*pos)++];
    }
    if (value < 0x80 || (octets == 2 && value < 0x100)) {
        return false;
    }
    *out = value;
    return true;
}

} // namespace

const EcCurve *ec_curve_from_params(const unsigned char *params, std::size_t len)
{
    if (params == nullptr) {
        return nullptr;
    }
    for (const EcCurve &curve : kCurves) {
        if (len == curve.params_der_len && std::memcmp(params, curve.params_der, len) == 0) {
            return &curve;
        }
    }
    return nullptr;
}

bool ec_params_is_named_curve(const unsigned char *params, std::size_t len)
{
    // Tag 06, a short-form length covering the rest, at least one arc byte,
    // and a last byte that ends its arc (X.690 §8.19: bit 8 clear).
    return params != nullptr && len >= 3 && len <= 2 + 127 && params[0] == 0x06 && params[1] == len - 2 &&
           (params[len - 1] & 0x80) == 0;
}

const EcCurve *ec_curve_from_params(ByteView params)
{
    return ec_curve_from_params(params.data(), params.size());
}

bool ec_point_to_raw(const EcCurve &curve, const unsigned char *point, std::size_t len, Bytes *raw)
{
    const std::size_t raw_len = 1 + 2 * curve.field_bytes;
    if (point == nullptr || len == 0) {
        return false;
    }
    // A bare point is told apart by its exact length: a DER OCTET STRING
    // holding a point of this curve is always longer.
    if (len == raw_len && point[0] == kUncompressedPoint) {
        raw->assign(point, point + len);
        return true;
    }
    std::size_t pos = 0;
    std::size_t content_len = 0;
    if (point[pos++] != kDerOctetString || !read_der_length(point, len, &pos, &content_len) ||
        content_len != len - pos || content_len != raw_len || point[pos] != kUncompressedPoint) {
        return false;
    }
    raw->assign(point + pos, point + len);
    return true;
}

bool ec_point_to_raw(const EcCurve &curve, ByteView point, Bytes *raw)
{
    return ec_point_to_raw(curve, point.data(), point.size(), raw);
}

Bytes ec_point_to_der(const unsigned char *raw, std::size_t len)
{
    Bytes der;
    der.reserve(len + 4);
    der.push_back(kDerOctetString);
    if (len < 0x80) {
        der.push_back(static_cast<unsigned char>(len));
    } else if (len < 0x100) {
        der.push_back(0x81);
        der.push_back(static_cast<unsigned char>(len));
    } else {
        der.push_back(0x82);
        der.push_back(static_cast<unsigned char>(len >> 8));
        der.push_back(static_cast<unsigned char>(len));
    }
    der.insert(der.end(), raw, raw + len);
    return der;
}

const EcCurve *ec_point_normalize(const unsigned char *point, std::size_t len, Bytes *der)
{
    for (const EcCurve &curve : kCurves) {
        Bytes raw;
        if (ec_point_to_raw(curve, point, len, &raw)) {
            *der = ec_point_to_der(raw.data(), raw.size());
            return &curve;
        }
    }
    return nullptr;
}

} // namespace p11
