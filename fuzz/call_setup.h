/* The token every input of the call-sequence fuzz target starts from:
 * prepared once per process through the profile's own functions (token
 * initialized, user PIN set, token objects of each kind the profile can
 * make), then kept as the in-memory PAL's snapshot. */
#ifndef P11_FUZZ_CALL_SETUP_H
#define P11_FUZZ_CALL_SETUP_H

#include <cstdint>
#include <string>
#include <vector>

#include "pkcs11.h"

struct Token {
    CK_FUNCTION_LIST *module = nullptr;
    CK_SLOT_ID slot = 0;
    std::string so_pin;
    std::string user_pin;
    std::vector<CK_MECHANISM_TYPE> mechanisms; // C_GetMechanismList's, or the profile's
    std::vector<std::string> labels;           // the only labels the store takes; empty: any
    std::vector<std::uint8_t> ec_point;        // of the prepared EC key (empty when none)
    std::vector<std::uint8_t> rsa_modulus;     // of the prepared RSA key (empty when none)
};

// CKA_EC_PARAMS of P-256: the DER OID 1.2.840.10045.3.1.7 (RFC 5480).
inline constexpr CK_BYTE kP256Params[] = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};

// Made on first use; the module is finalized and its store snapshotted.
const Token &PreparedToken();

// Puts the store back as PreparedToken() left it.
void RestorePreparedToken();

#endif // P11_FUZZ_CALL_SETUP_H
