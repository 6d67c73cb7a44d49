// Code-sign verification as FreeRTOS OTA does it: the signer's public key is
// stored as "Code Verify Key"; an image is checked block by block against
// the signature that came with it, which OTA turns from DER into the raw
// r‖s that CKM_ECDSA wants (v2.40 Mechanisms §2.3.1).
#include <cstdio>

#include "commands.h"
#include "der_files.h"

namespace provision {
namespace {

// Feeds the image to `update` in blocks of block_size, as OTA receives it.
template <typename Update> CK_RV ForEachBlock(const std::string &path, size_t block_size, Update update)
{
    std::FILE *file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        std::perror(path.c_str());
        return CKR_GENERAL_ERROR;
    }
    Bytes block(block_size);
    CK_RV rv = CKR_OK;
    size_t got = 0;
    while (rv == CKR_OK && (got = std::fread(block.data(), 1, block.size(), file)) > 0) {
        rv = update(block.data(), static_cast<CK_ULONG>(got));
    }
    if (rv == CKR_OK && std::ferror(file) != 0) {
        std::fprintf(stderr, "%s: read error\n", path.c_str());
        rv = CKR_GENERAL_ERROR;
    }
    (void)std::fclose(file); // read only: the read's own errors are checked above
    return rv;
}

// C_VerifyInit(CKM_ECDSA_SHA256) + C_VerifyUpdate per block + C_VerifyFinal:
// the module hashes.
CK_RV VerifyStreaming(TokenSession &token, CK_OBJECT_HANDLE key, const std::string &image, Bytes &signature,
                      size_t block_size)
{
    CK_FUNCTION_LIST *fl = token.fl();
    CK_SESSION_HANDLE session = token.session();
    CK_MECHANISM mechanism{CKM_ECDSA_SHA256, nullptr, 0};
    CK_RV rv = Report(fl->C_VerifyInit(session, &mechanism, key), "C_VerifyInit(CKM_ECDSA_SHA256)");
    if (rv != CKR_OK) {
        return rv;
    }
    rv = ForEachBlock(image, block_size, [&](CK_BYTE *data, CK_ULONG len) {
        return Report(fl->C_VerifyUpdate(session, data, len), "C_VerifyUpdate");
    });
    if (rv != CKR_OK) {
        // A failed C_VerifyUpdate ends the operation (v2.40 §5.13); a read
        // error does not, so end it with a final that cannot pass.
        fl->C_VerifyFinal(session, nullptr, 0);
        return rv;
    }
    return fl->C_VerifyFinal(session, signature.data(), signature.size());
}

// C_DigestInit(CKM_SHA256) + C_DigestUpdate per block + C_DigestFinal, then
// C_VerifyInit(CKM_ECDSA) + C_Verify on the 32-byte hash.
CK_RV VerifyDigest(TokenSession &token, CK_OBJECT_HANDLE key, const std::string &image, Bytes &signature,
                   size_t block_size)
{
    CK_FUNCTION_LIST *fl = token.fl();
    CK_SESSION_HANDLE session = token.session();
    CK_MECHANISM sha256{CKM_SHA256, nullptr, 0};
    CK_RV rv = Report(fl->C_DigestInit(session, &sha256), "C_DigestInit(CKM_SHA256)");
    if (rv != CKR_OK) {
        return rv;
    }
    rv = ForEachBlock(image, block_size, [&](CK_BYTE *data, CK_ULONG len) {
        return Report(fl->C_DigestUpdate(session, data, len), "C_DigestUpdate");
    });
    CK_BYTE hash[32];
    CK_ULONG hash_len = sizeof hash;
    // C_DigestFinal also ends the operation after a read error.
    CK_RV final_rv = fl->C_DigestFinal(session, hash, &hash_len);
    if (rv != CKR_OK || Report(final_rv, "C_DigestFinal") != CKR_OK) {
        return rv != CKR_OK ? rv : final_rv;
    }
    if (hash_len != sizeof hash) {
        std::fprintf(stderr, "C_DigestFinal(CKM_SHA256) gave %lu bytes, not 32\n",
                     static_cast<unsigned long>(hash_len));
        return CKR_GENERAL_ERROR;
    }
    CK_MECHANISM ecdsa{CKM_ECDSA, nullptr, 0};
    if ((rv = Report(fl->C_VerifyInit(session, &ecdsa, key), "C_VerifyInit(CKM_ECDSA)")) != CKR_OK) {
        return rv;
    }
    return fl->C_Verify(session, hash, hash_len, signature.data(), signature.size());
}

} // namespace

int ImportPublicKey(TokenSession &token, const std::string &path, const std::string &label)
{
    PublicKeyAttributes key;
    if (!ReadPublicKey(path, &key)) {
        return kExitError;
    }
    if (!key.is_ec) {
        std::fprintf(stderr, "%s: an EC key is needed (FreeRTOS OTA verifies ECDSA signatures)\n", path.c_str());
        return kExitError;
    }
    // FreeRTOS's provisioning replaces the verification key.
    if (DestroyByLabel(token, CKO_PUBLIC_KEY, label) != CKR_OK) {
        return kExitError;
    }
    CK_OBJECT_CLASS klass = CKO_PUBLIC_KEY;
    CK_KEY_TYPE key_type = CKK_EC;
    CK_BBOOL yes = CK_TRUE;
    // FreeRTOS's public-key template (corePKCS11's provisioning demo).
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &klass, sizeof klass},
                           {CKA_KEY_TYPE, &key_type, sizeof key_type},
                           {CKA_TOKEN, &yes, sizeof yes},
                           {CKA_LABEL, const_cast<char *>(label.data()), label.size()},
                           {CKA_VERIFY, &yes, sizeof yes},
                           {CKA_EC_PARAMS, key.ec_params.data(), key.ec_params.size()},
                           {CKA_EC_POINT, key.ec_point.data(), key.ec_point.size()}};
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    if (Report(token.fl()->C_CreateObject(token.session(), tmpl, sizeof tmpl / sizeof tmpl[0], &handle),
               "C_CreateObject(CKO_PUBLIC_KEY)") != CKR_OK) {
        return kExitError;
    }
    std::printf("stored public key \"%s\"\n", label.c_str());
    return kExitOk;
}

int VerifyImage(TokenSession &token, const std::string &image_path, const std::string &signature_path,
                const VerifyOptions &options)
{
    std::vector<CK_OBJECT_HANDLE> found;
    if (token.FindByLabel(CKO_PUBLIC_KEY, options.label, &found) != CKR_OK) {
        return kExitError;
    }
    if (found.size() != 1) {
        std::fprintf(stderr, "%zu public keys labelled \"%s\" on the token (want one)\n", found.size(),
                     options.label.c_str());
        return kExitError;
    }
    Bytes point;
    if (Report(token.Attribute(found[0], CKA_EC_POINT, &point), "C_GetAttributeValue(CKA_EC_POINT)") != CKR_OK) {
        return kExitError;
    }
    size_t field_bytes = FieldBytesOfPoint(point);
    Bytes der;
    Bytes signature;
    if (field_bytes == 0) {
        std::fprintf(stderr, "\"%s\": CKA_EC_POINT is not an uncompressed point in an OCTET STRING\n",
                     options.label.c_str());
        return kExitError;
    }
    if (!ReadFile(signature_path, &der)) {
        return kExitError;
    }
    if (!EcdsaDerToRaw(der, field_bytes, &signature)) {
        std::fprintf(stderr, "%s: not a DER ECDSA signature for a %zu-bit curve\n", signature_path.c_str(),
                     8 * field_bytes);
        return kExitError;
    }

    struct Method {
        const char *name;
        const char *calls;
        CK_RV (*run)(TokenSession &, CK_OBJECT_HANDLE, const std::string &, Bytes &, size_t);
    };
    const Method kMethods[] = {
        {"update", "C_VerifyInit(CKM_ECDSA_SHA256) + C_VerifyUpdate + C_VerifyFinal", VerifyStreaming},
        {"digest", "C_DigestInit(CKM_SHA256) + C_DigestUpdate + C_DigestFinal + C_Verify(CKM_ECDSA)", VerifyDigest},
    };
    int valid = 0;
    int invalid = 0;
    int failed = 0;
    for (const Method &method : kMethods) {
        if (options.method != "both" && options.method != method.name) {
            continue;
        }
        CK_RV rv = method.run(token, found[0], image_path, signature, options.block_size);
        if (rv == CKR_OK) {
            ++valid;
            std::printf("%s: signature valid (%s)\n", method.name, method.calls);
        } else if (rv == CKR_SIGNATURE_INVALID) {
            ++invalid;
            std::printf("%s: signature INVALID, CKR_SIGNATURE_INVALID (%s)\n", method.name, method.calls);
        } else {
            ++failed;
            std::fprintf(stderr, "%s: %s (%s)\n", method.name, RvName(rv).c_str(), method.calls);
        }
    }
    if (failed > 0) {
        return kExitError;
    }
    if (valid > 0 && invalid > 0) {
        std::fprintf(stderr, "the two methods disagree: the module is wrong in one of them\n");
        return kExitError;
    }
    return invalid > 0 ? kExitSignatureInvalid : kExitOk;
}

} // namespace provision
