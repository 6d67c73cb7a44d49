/* The one curve of the lean backend: P-256's encodings in PKCS #11. */
#ifndef P11_LEAN_P256_H
#define P11_LEAN_P256_H

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace p11::lean {

// CKA_EC_PARAMS: the DER of prime256v1's OID (1.2.840.10045.3.1.7, RFC 5480 §2.1.1.1).
inline constexpr std::uint8_t kP256Params[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
// A coordinate, the scalar, r and s.
inline constexpr std::size_t kP256Field = 32;
// The uncompressed point 0x04 || X || Y, and CKA_EC_POINT: its DER OCTET STRING.
inline constexpr std::size_t kP256Point = 1 + 2 * kP256Field;
inline constexpr std::size_t kP256PointDer = 2 + kP256Point;
// The order n (SEC 2 §2.4.2), big-endian.
inline constexpr std::uint8_t kP256Order[kP256Field] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};

inline bool is_p256_params(const std::uint8_t *value, std::size_t len)
{
    return len == sizeof kP256Params && std::memcmp(value, kP256Params, len) == 0;
}

// The uncompressed point inside a CKA_EC_POINT: the DER OCTET STRING
// PKCS #11 specifies, or the bare point many callers store; NULL for neither.
inline const std::uint8_t *p256_raw_point(const std::uint8_t *value, std::size_t len)
{
    if (len == kP256PointDer && value[0] == 0x04 && value[1] == kP256Point) {
        value += 2;
        len -= 2;
    }
    return len == kP256Point && value[0] == 0x04 ? value : nullptr;
}

// A big-endian number of kP256Field bytes in [1, n-1]: a scalar, r or s.
inline bool in_p256_range(const std::uint8_t *value)
{
    static constexpr std::uint8_t kZero[kP256Field] = {};
    return std::memcmp(value, kZero, kP256Field) != 0 && std::memcmp(value, kP256Order, kP256Field) < 0;
}

} // namespace p11::lean

#endif // P11_LEAN_P256_H
