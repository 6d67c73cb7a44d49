// The named curves the suite knows: its name for a curve, OpenSSL's group
// name, the bytes of a coordinate (and of the private value, r and s), and
// the DER of the curve's OID — CKA_EC_PARAMS (RFC 5480 §2.1.1.1).
#ifndef P11CONF_NAMED_CURVES_H
#define P11CONF_NAMED_CURVES_H

#include <string>
#include <vector>

namespace p11conf {

struct NamedCurve {
    const char *name;
    const char *openssl_group;
    int field_bytes;
    std::vector<unsigned char> der_oid;
};

inline const NamedCurve kNamedCurves[] = {
    {"P-256", "prime256v1", 32, {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}},
    {"P-384", "secp384r1", 48, {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22}},
    {"P-521", "secp521r1", 66, {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23}},
    {"P-224", "secp224r1", 28, {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x21}},
};

// The curve of that name; P-256 for a name the suite does not know.
inline const NamedCurve &CurveNamed(const std::string &name)
{
    for (const NamedCurve &curve : kNamedCurves) {
        if (name == curve.name) {
            return curve;
        }
    }
    return kNamedCurves[0];
}

} // namespace p11conf

#endif // P11CONF_NAMED_CURVES_H
