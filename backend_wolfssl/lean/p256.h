/* The one curve of the lean backend: P-256's encodings in PKCS #11. */
#ifndef P11_LEAN_P256_H
#define P11_LEAN_P256_H

#include <cstddef>
#include <cstdint>

namespace p11::lean {

// CKA_EC_PARAMS: the DER of prime256v1's OID (1.2.840.10045.3.1.7, RFC 5480 §2.1.1.1).
inline constexpr std::uint8_t kP256Params[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
// A coordinate, the scalar, r and s.
inline constexpr std::size_t kP256Field = 32;
// The uncompressed point 0x04 || X || Y, and CKA_EC_POINT: its DER OCTET STRING.
inline constexpr std::size_t kP256Point = 1 + 2 * kP256Field;
inline constexpr std::size_t kP256PointDer = 2 + kP256Point;

} // namespace p11::lean

#endif // P11_LEAN_P256_H
