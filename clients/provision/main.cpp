// p11forge-provision: a FreeRTOS device's provisioning and OTA code-sign
// check, run on a host against any PKCS #11 module loaded by path.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "commands.h"
#include "der_files.h"
#include "token_session.h"

namespace {

using namespace provision;

const char kUsage[] =
    "usage: p11forge-provision --module PATH [--token LABEL] [--pin PIN | --pin-file FILE] COMMAND [ARGS]\n"
    "\n"
    "  keygen [--key-type ec|rsa] [--id HEX | --no-id] [--label PRIV] [--public-label PUB]\n"
    "      C_GenerateKeyPair: EC P-256 (or RSA-2048) token key pair, labels \"Device Priv TLS Key\" and\n"
    "      \"Device Pub TLS Key\", both halves with one CKA_ID (default: 20 random bytes)\n"
    "  import-cert FILE [--label LABEL] [--id HEX]\n"
    "      C_CreateObject: X.509 certificate (PEM or DER) as \"Device Cert\"; CKA_ID defaults to the ID of\n"
    "      the token's public key that the certificate certifies\n"
    "  read-cert OUT [--label LABEL]\n"
    "      writes the certificate's CKA_VALUE (DER) to OUT\n"
    "  import-pubkey FILE [--label LABEL]\n"
    "      C_CreateObject: EC public key (PEM or DER SubjectPublicKeyInfo) as \"Code Verify Key\"\n"
    "  verify-image IMAGE SIGNATURE [--label LABEL] [--method update|digest|both] [--block-size N]\n"
    "      checks a DER ECDSA signature (openssl dgst -sha256 -sign) of IMAGE with \"Code Verify Key\":\n"
    "      C_VerifyUpdate with CKM_ECDSA_SHA256, and/or C_DigestUpdate (CKM_SHA256) + C_Verify (CKM_ECDSA)\n"
    "\n"
    "--token picks the token by label (default: the first initialized token); --pin logs in as the user.\n"
    "Exit status: 0 success, 1 error (the failing call and its CKR_ code are printed), 2 bad usage,\n"
    "3 signature invalid (CKR_SIGNATURE_INVALID).\n";

bool ParseHex(const std::string &text, Bytes *out)
{
    if (text.empty() || text.size() % 2 != 0) {
        return false;
    }
    out->clear();
    for (size_t i = 0; i < text.size(); i += 2) {
        char pair[3] = {text[i], text[i + 1], 0};
        char *end = nullptr;
        unsigned long value = std::strtoul(pair, &end, 16);
        if (end != pair + 2) {
            return false;
        }
        out->push_back(static_cast<unsigned char>(value));
    }
    return true;
}

int Usage(const char *problem)
{
    std::fprintf(stderr, "p11forge-provision: %s\n\n%s", problem, kUsage);
    return kExitUsage;
}

} // namespace

int main(int argc, char **argv)
{
    SessionOptions session;
    KeygenOptions keygen;
    CertOptions cert;
    VerifyOptions verify;
    std::string label;
    bool label_given = false;
    std::string pin_file;
    std::vector<std::string> positional;

    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            return kExitOk;
        }
        if (arg == "--no-id") {
            keygen.no_id = true;
            continue;
        }
        if (arg.rfind("--", 0) != 0) {
            positional.push_back(arg);
            continue;
        }
        if (i + 1 >= argc) {
            return Usage((arg + " needs a value").c_str());
        }
        std::string value = argv[++i];
        if (arg == "--module") {
            session.module_path = value;
        } else if (arg == "--token") {
            session.token_label = value;
        } else if (arg == "--pin") {
            session.pin = value;
        } else if (arg == "--pin-file") {
            pin_file = value;
        } else if (arg == "--label") {
            label = value;
            label_given = true;
        } else if (arg == "--public-label") {
            keygen.public_label = value;
        } else if (arg == "--key-type") {
            if (value != "ec" && value != "rsa") {
                return Usage("--key-type is ec or rsa");
            }
            keygen.key_type = value;
        } else if (arg == "--id") {
            if (!ParseHex(value, &keygen.id)) {
                return Usage("--id wants an even number of hexadecimal digits");
            }
            cert.id = keygen.id;
        } else if (arg == "--method") {
            if (value != "update" && value != "digest" && value != "both") {
                return Usage("--method is update, digest or both");
            }
            verify.method = value;
        } else if (arg == "--block-size") {
            char *end = nullptr;
            unsigned long size = std::strtoul(value.c_str(), &end, 10);
            if (value.empty() || *end != '\0' || size == 0 || size > (1ul << 24)) {
                return Usage("--block-size wants a number of bytes from 1 to 16777216");
            }
            verify.block_size = size;
        } else {
            return Usage(("unknown option " + arg).c_str());
        }
    }
    if (session.module_path.empty()) {
        return Usage("--module PATH is required");
    }
    if (positional.empty()) {
        return Usage("no command");
    }
    if (!pin_file.empty()) {
        Bytes pin;
        if (!ReadFile(pin_file, &pin)) {
            return kExitError;
        }
        session.pin.assign(pin.begin(), pin.end());
        // One line: the line end is not part of the PIN.
        while (!session.pin.empty() && (session.pin.back() == '\n' || session.pin.back() == '\r')) {
            session.pin.pop_back();
        }
    }

    const std::string command = positional[0];
    const size_t want = command == "keygen"                                  ? 1
                        : command == "import-cert" || command == "read-cert" ? 2
                        : command == "import-pubkey"                         ? 2
                        : command == "verify-image"                          ? 3
                                                                             : 0;
    if (want == 0) {
        return Usage(("unknown command " + command).c_str());
    }
    if (positional.size() != want) {
        return Usage(("wrong number of arguments for " + command).c_str());
    }
    if (keygen.no_id && !keygen.id.empty()) {
        return Usage("--id and --no-id exclude each other");
    }

    TokenSession token;
    if (token.Open(session) != CKR_OK) {
        return kExitError;
    }
    if (command == "keygen") {
        if (label_given) {
            keygen.private_label = label;
        }
        return Keygen(token, keygen);
    }
    if (command == "import-cert" || command == "read-cert") {
        if (label_given) {
            cert.label = label;
        }
        return command == "import-cert" ? ImportCert(token, positional[1], cert) : ReadCert(token, positional[1], cert);
    }
    if (command == "import-pubkey") {
        return ImportPublicKey(token, positional[1], label_given ? label : kCodeVerifyKeyLabel);
    }
    if (label_given) {
        verify.label = label;
    }
    return VerifyImage(token, positional[1], positional[2], verify);
}
