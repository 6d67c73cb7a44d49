// The tool's commands: what a FreeRTOS device's provisioning code
// (keygen, import-cert, read-cert) and its OTA code-signing check
// (import-pubkey, verify-image) do through PKCS #11.
#ifndef P11FORGE_PROVISION_COMMANDS_H
#define P11FORGE_PROVISION_COMMANDS_H

#include <string>

#include "token_session.h"

namespace provision {

// Exit status of the tool (documented in --help and docs/code-signing.md).
enum ExitCode {
    kExitOk = 0,
    kExitError = 1,            // a PKCS #11 call failed (its CKR_ name printed), a file could not be used
    kExitUsage = 2,            // bad command line
    kExitSignatureInvalid = 3, // the module answered CKR_SIGNATURE_INVALID
};

// FreeRTOS's labels (corePKCS11's core_pkcs11_config_defaults.h).
constexpr const char *kDevicePrivateKeyLabel = "Device Priv TLS Key";
constexpr const char *kDevicePublicKeyLabel = "Device Pub TLS Key";
constexpr const char *kDeviceCertLabel = "Device Cert";
constexpr const char *kCodeVerifyKeyLabel = "Code Verify Key";

struct KeygenOptions {
    std::string key_type = "ec"; // "ec" (P-256) or "rsa" (2048 bits)
    std::string private_label = kDevicePrivateKeyLabel;
    std::string public_label = kDevicePublicKeyLabel;
    Bytes id;           // CKA_ID of both halves; empty: 20 random bytes from the token
    bool no_id = false; // FreeRTOS's templates exactly: no CKA_ID
};

struct CertOptions {
    std::string label = kDeviceCertLabel;
    Bytes id; // empty: the CKA_ID of the token's public key the certificate certifies
};

struct VerifyOptions {
    std::string label = kCodeVerifyKeyLabel;
    std::string method = "both"; // "update", "digest" or "both"
    size_t block_size = 4096;    // OTA hands the image over in blocks
};

int Keygen(TokenSession &token, const KeygenOptions &options);
int ImportCert(TokenSession &token, const std::string &path, const CertOptions &options);
int ReadCert(TokenSession &token, const std::string &out_path, const CertOptions &options);
int ImportPublicKey(TokenSession &token, const std::string &path, const std::string &label);
int VerifyImage(TokenSession &token, const std::string &image_path, const std::string &signature_path,
                const VerifyOptions &options);

// Destroys every object of this class and label (FreeRTOS's provisioning
// replaces objects this way); prints what it removed.
CK_RV DestroyByLabel(TokenSession &token, CK_OBJECT_CLASS klass, const std::string &label);

std::string Hex(const Bytes &bytes);

} // namespace provision

#endif // P11FORGE_PROVISION_COMMANDS_H
