// What the host tool reads and writes with OpenSSL's libcrypto (never the
// module): certificates (PEM or DER), public keys (PEM or DER
// SubjectPublicKeyInfo) in the byte forms PKCS #11 v2.40 stores, and ECDSA
// signatures converted from DER to the raw r‖s of CKM_ECDSA.
#ifndef P11FORGE_PROVISION_DER_FILES_H
#define P11FORGE_PROVISION_DER_FILES_H

#include <string>
#include <vector>

namespace provision {

using Bytes = std::vector<unsigned char>;

// A public key as PKCS #11 attributes hold it.
struct PublicKeyAttributes {
    bool is_ec = false;
    Bytes ec_params; // CKA_EC_PARAMS: DER of the named curve's OID
    Bytes ec_point;  // CKA_EC_POINT: DER OCTET STRING around 04‖X‖Y
    Bytes modulus;   // RSA: CKA_MODULUS, big-endian without leading zeros
    Bytes exponent;  // RSA: CKA_PUBLIC_EXPONENT
};

struct Certificate {
    Bytes der;     // CKA_VALUE
    Bytes subject; // CKA_SUBJECT: DER of the subject Name
    Bytes issuer;  // CKA_ISSUER
    Bytes serial;  // CKA_SERIAL_NUMBER: DER of the INTEGER
    PublicKeyAttributes key;
};

// Whole file; false (with the reason on stderr) when it cannot be read.
bool ReadFile(const std::string &path, Bytes *data);
bool WriteFile(const std::string &path, const Bytes &data);

// An X.509 certificate, PEM or DER.
bool ReadCertificate(const std::string &path, Certificate *out);

// A SubjectPublicKeyInfo, PEM or DER: EC on a named curve, or RSA.
bool ReadPublicKey(const std::string &path, PublicKeyAttributes *out);

// A DER ECDSA-Sig-Value (RFC 3279 §2.2.3, what `openssl dgst -sign` writes)
// as r‖s, each left-padded to field_bytes (32 for P-256). False when the DER
// is malformed or r or s is longer than field_bytes.
bool EcdsaDerToRaw(const Bytes &der, size_t field_bytes, Bytes *raw);

// The curve's field size in bytes from CKA_EC_POINT (DER OCTET STRING around
// an uncompressed point); 0 when the value is not of that form.
size_t FieldBytesOfPoint(const Bytes &ec_point);

} // namespace provision

#endif // P11FORGE_PROVISION_DER_FILES_H
