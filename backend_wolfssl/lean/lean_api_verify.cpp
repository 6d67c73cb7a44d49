/* Verifying (v2.40 §5.12) for the lean backend: ECDSA on P-256 and RSA
 * PKCS #1 v1.5, raw or over SHA-256. C_VerifyInit checks the key as
 * signature_operation.cpp does and keeps a copy of its public material (a
 * record is not held between calls), so the key the run started with is the
 * one it ends with. The §5.12 rules: C_Verify after C_VerifyUpdate is
 * CKR_OPERATION_ACTIVE; a mechanism without a multi-part form answers
 * CKR_FUNCTION_NOT_SUPPORTED to C_VerifyUpdate/Final; every call but a
 * second C_VerifyInit ends the run. */
#include <cstring>

#include "crypto/big_endian_bits.h"
#include "crypto/constant_time.h"
#include "lean/key_use.h"
#include "lean/lean_library.h"
#include "lean/p256.h"
#include "lean/store_read.h"
#include "p11_backend.h"
#include "p11_port.h"
#include "secure_wipe.h"

#if defined(P11_WOLFCRYPT_FROM_SOURCE) && defined(WOLFSSL_HAVE_SP_ECC)
#include <wolfssl/wolfcrypt/sp.h>
#endif

using namespace p11;
using namespace p11::lean;

namespace {

// The DigestInfo prefix of SHA-256 (RFC 8017 §9.2, note 1).
constexpr std::uint8_t kSha256DigestInfo[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                              0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
constexpr std::size_t kPkcs1Overhead = 11;
constexpr std::size_t kMaxModulusBytes = 512;

bool ecdsa(CK_MECHANISM_TYPE mechanism)
{
    return mechanism == CKM_ECDSA || mechanism == CKM_ECDSA_SHA256;
}

bool hashing(CK_MECHANISM_TYPE mechanism)
{
    return mechanism == CKM_ECDSA_SHA256 || mechanism == CKM_SHA256_RSA_PKCS;
}



bool size_in_range(const CK_MECHANISM_INFO &info, CK_ULONG size)
{
    return info.ulMaxKeySize == 0 || (size >= info.ulMinKeySize && size <= info.ulMaxKeySize);
}

// Keeps the key's public material in op: the point (EC), or the modulus
// without leading zeros followed by the exponent (RSA).
CK_RV take_key(const RecordView &key, const CK_MECHANISM_INFO &info, VerifyState *op)
{
    const std::uint8_t *a = nullptr;
    const std::uint8_t *b = nullptr;
    std::uint32_t a_len = 0;
    std::uint32_t b_len = 0;
    if (ecdsa(op->mechanism)) {
        if (!record_find(key, CKA_EC_PARAMS, &a, &a_len) || !record_find(key, CKA_EC_POINT, &b, &b_len)) {
            return CKR_TEMPLATE_INCOMPLETE;
        }
        if (!is_p256_params(a, a_len) || !size_in_range(info, 256)) {
            return CKR_KEY_SIZE_RANGE; // a curve this token does not verify on
        }
        a = p256_raw_point(b, b_len);
        if (a == nullptr) {
            return CKR_FUNCTION_FAILED;
        }
        a_len = kP256Point;
        b_len = 0;
        op->signature_length = 2 * kP256Field;
    } else {
        if (!record_find(key, CKA_MODULUS, &a, &a_len) || !record_find(key, CKA_PUBLIC_EXPONENT, &b, &b_len)) {
            return CKR_TEMPLATE_INCOMPLETE;
        }
        const CK_ULONG bits = big_endian_bits(a, a_len);
        if (!size_in_range(info, bits) || bits == 0 || (bits + 7) / 8 > kMaxModulusBytes || b_len == 0 ||
            b_len > 8) {
            return CKR_KEY_SIZE_RANGE;
        }
        a += a_len - (bits + 7) / 8; // without leading zeros
        a_len = static_cast<std::uint32_t>((bits + 7) / 8);
        op->signature_length = a_len;
    }
    op->material = static_cast<std::uint8_t *>(p11_port_malloc(a_len + b_len));
    if (op->material == nullptr) {
        return CKR_HOST_MEMORY;
    }
    std::memcpy(op->material, a, a_len);
    if (b_len != 0) {
        std::memcpy(op->material + a_len, b, b_len);
    }
    op->material_len = a_len + b_len;
    return CKR_OK;
}


#if defined(P11_WOLFCRYPT_FROM_SOURCE) && defined(WOLFSSL_HAVE_SP_ECC)
// wolfCrypt built with the token: its P-256 SP code verifies directly, and
// ecc.c (its key objects, curve tables and DER) is not linked at all.
int p256_verify(const VerifyState &op, const std::uint8_t *input, const std::uint8_t *sig, int *valid)
{
    struct Numbers {
        mp_int x, y, z, r, s;
    };
    auto *n = static_cast<Numbers *>(p11_port_malloc(sizeof(Numbers))); // wide integers: off the stack
    if (n == nullptr) {
        return MEMORY_E;
    }
    int rc = mp_init_multi(&n->x, &n->y, &n->z, &n->r, &n->s, nullptr);
    if (rc == MP_OKAY) {
        const std::uint8_t *point = op.material + 1; // after the 0x04 of an uncompressed point
        rc = mp_read_unsigned_bin(&n->x, point, kP256Field);
        rc = rc == MP_OKAY ? mp_read_unsigned_bin(&n->y, point + kP256Field, kP256Field) : rc;
        rc = rc == MP_OKAY ? mp_set(&n->z, 1) : rc;
        rc = rc == MP_OKAY ? mp_read_unsigned_bin(&n->r, sig, kP256Field) : rc;
        rc = rc == MP_OKAY ? mp_read_unsigned_bin(&n->s, sig + kP256Field, kP256Field) : rc;
        rc = rc == MP_OKAY ? sp_ecc_verify_256(input, kP256Field, &n->x, &n->y, &n->z, &n->r, &n->s, valid, nullptr)
                           : rc;
    }
    secure_wipe(n, sizeof *n);
    p11_port_free(n);
    return rc;
}
#else
// Debian's shared wolfCrypt: through its public ECC API.
int p256_verify(const VerifyState &op, const std::uint8_t *input, const std::uint8_t *sig, int *valid)
{
    struct Work {
        ecc_key key;
        mp_int r;
        mp_int s;
    };
    auto *work = static_cast<Work *>(p11_port_malloc(sizeof(Work))); // wide integers: off the stack
    if (work == nullptr) {
        return MEMORY_E;
    }
    int rc = wc_ecc_init(&work->key);
    if (rc == 0) {
        rc = wc_ecc_import_x963_ex(op.material, static_cast<word32>(op.material_len), &work->key, ECC_SECP256R1);
        rc = rc == 0 ? mp_init_multi(&work->r, &work->s, nullptr, nullptr, nullptr, nullptr) : rc;
        rc = rc == 0 ? mp_read_unsigned_bin(&work->r, sig, kP256Field) : rc;
        rc = rc == 0 ? mp_read_unsigned_bin(&work->s, sig + kP256Field, kP256Field) : rc;
        rc = rc == 0 ? wc_ecc_verify_hash_ex(&work->r, &work->s, input, kP256Field, valid, &work->key) : rc;
        wc_ecc_free(&work->key);
    }
    p11_port_free(work);
    return rc;
}
#endif

// ECDSA over `hash` (any length: the leftmost field bytes are used, FIPS
// 186-4 §6.4; a shorter one as an integer).
CK_RV verify_ecdsa(const VerifyState &op, const std::uint8_t *hash, std::size_t hash_len, const std::uint8_t *sig)
{
    if (hash_len == 0) {
        return CKR_DATA_LEN_RANGE;
    }
    // No valid signature has r or s out of [1, n-1], and wolfCrypt's SP
    // code checks neither: with s = n its inversion never ends (seen: a
    // verify that hung), so a hostile signature would stop the device.
    if (!in_p256_range(sig) || !in_p256_range(sig + kP256Field)) { // r and s are in [1, n-1]
        return CKR_SIGNATURE_INVALID;
    }
    std::uint8_t input[kP256Field];
    const std::size_t len = hash_len < kP256Field ? hash_len : kP256Field;
    std::memset(input, 0, sizeof input - len);
    std::memcpy(input + sizeof input - len, hash, len);
    int valid = 0;
    const int rc = p256_verify(op, input, sig, &valid);
    if (rc == MEMORY_E || rc == MP_MEM) {
        return CKR_HOST_MEMORY;
    }
    return rc == 0 && valid == 1 ? CKR_OK : CKR_SIGNATURE_INVALID;
}

// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.2) of `input` (the DigestInfo, or raw data).
CK_RV verify_pkcs1(const VerifyState &op, const std::uint8_t *input, std::size_t len, const std::uint8_t *sig)
{
    const std::size_t modulus = op.signature_length;
    if (len + kPkcs1Overhead > modulus) {
        return CKR_DATA_LEN_RANGE;
    }
    auto *key = static_cast<RsaKey *>(p11_port_malloc(sizeof(RsaKey)));
    if (key == nullptr) {
        return CKR_HOST_MEMORY;
    }
    CK_RV rv = CKR_FUNCTION_FAILED;
    if (wc_InitRsaKey(key, nullptr) == 0) {
        std::uint8_t block[kMaxModulusBytes];
        std::memcpy(block, sig, modulus); // verified in place: the caller's signature stays
        std::uint8_t *recovered = nullptr;
        int rc = wc_RsaPublicKeyDecodeRaw(op.material, static_cast<word32>(modulus), op.material + modulus,
                                          static_cast<word32>(op.material_len - modulus), key);
        if (rc == 0) {
            rc = wc_RsaSSL_VerifyInline(block, static_cast<word32>(modulus), &recovered, key);
            // Negative: bad padding or a value not below the modulus.
            rv = rc == MEMORY_E                                      ? CKR_HOST_MEMORY
                 : rc < 0 || static_cast<std::size_t>(rc) != len      ? CKR_SIGNATURE_INVALID
                 : constant_time_equal(recovered, input, len)        ? CKR_OK
                                                                     : CKR_SIGNATURE_INVALID;
        } else if (rc == MEMORY_E) {
            rv = CKR_HOST_MEMORY;
        }
        wc_FreeRsaKey(key);
    }
    p11_port_free(key);
    return rv;
}

// The end of every run: the signature checked against the data (raw) or
// the hash of everything fed (hashing mechanisms).
CK_RV finish(VerifyState &op, const std::uint8_t *data, CK_ULONG data_len, const std::uint8_t *sig, CK_ULONG sig_len)
{
    if (sig == nullptr || sig_len != op.signature_length) {
        return CKR_SIGNATURE_LEN_RANGE;
    }
    std::uint8_t input[sizeof kSha256DigestInfo + WC_SHA256_DIGEST_SIZE];
    std::size_t input_len = 0;
    if (op.hashing) {
        const bool pkcs1 = !ecdsa(op.mechanism);
        const std::size_t prefix = pkcs1 ? sizeof kSha256DigestInfo : 0;
        std::memcpy(input, kSha256DigestInfo, prefix);
        if (wc_Sha256Final(&op.sha, input + prefix) != 0) {
            return CKR_FUNCTION_FAILED;
        }
        data = input;
        data_len = prefix + WC_SHA256_DIGEST_SIZE;
        input_len = data_len;
    }
    const CK_RV rv = ecdsa(op.mechanism) ? verify_ecdsa(op, data, data_len, sig) : verify_pkcs1(op, data, data_len, sig);
    secure_wipe(input, input_len);
    return rv;
}

} // namespace

namespace p11::lean {

void verify_end(VerifyState &op)
{
    if (op.hashing) {
        wc_Sha256Free(&op.sha);
    }
    secure_wipe(&op.sha, sizeof op.sha);
    p11_port_free(op.material);
    op = VerifyState();
}

} // namespace p11::lean

extern "C" {

CK_RV p11be_C_VerifyInit(p11_session *session, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
    VerifyState &op = session->verify;
    if (op.active) {
        return CKR_OPERATION_ACTIVE;
    }
    const CK_MECHANISM_TYPE mechanism = pMechanism->mechanism;
    const KeyUse use = {CKF_VERIFY, CKO_PUBLIC_KEY, ecdsa(mechanism) ? CKK_EC : CKK_RSA, CKA_VERIFY};
    CK_MECHANISM_INFO info;
    ObjectRead key;
    const CK_RV usable = key_for_use(*pMechanism, hKey, use, &key, &info);
    if (usable != CKR_OK) {
        return usable;
    }
    const RecordView &view = key.view();
    VerifyState started;
    started.mechanism = mechanism;
    CK_RV rv = take_key(view, info, &started);
    if (rv == CKR_OK && hashing(mechanism)) {
        rv = wc_InitSha256(&started.sha) == 0 ? CKR_OK : CKR_FUNCTION_FAILED;
        started.hashing = rv == CKR_OK;
    }
    if (rv != CKR_OK) {
        verify_end(started);
        return rv;
    }
    started.active = true;
    op = started;
    return CKR_OK;
}

CK_RV p11be_C_Verify(p11_session *session, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
                     CK_ULONG ulSignatureLen)
{
    VerifyState &op = session->verify;
    if (!op.active) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    CK_RV rv = CKR_OPERATION_ACTIVE; // mixing one-shot and multi-part ends the run
    if (!op.multi_part) {
        rv = op.hashing && !sha256_feed(op.sha, pData, ulDataLen) ? CKR_FUNCTION_FAILED
                                                         : finish(op, pData, ulDataLen, pSignature, ulSignatureLen);
    }
    verify_end(op);
    return rv;
}

CK_RV p11be_C_VerifyUpdate(p11_session *session, CK_BYTE_PTR pPart, CK_ULONG ulPartLen)
{
    VerifyState &op = session->verify;
    if (!op.active) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    const CK_RV rv = !op.hashing ? CKR_FUNCTION_NOT_SUPPORTED : sha256_feed(op.sha, pPart, ulPartLen) ? CKR_OK
                                                                                            : CKR_FUNCTION_FAILED;
    if (rv != CKR_OK) {
        verify_end(op);
        return rv;
    }
    op.multi_part = true;
    return CKR_OK;
}

CK_RV p11be_C_VerifyFinal(p11_session *session, CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen)
{
    VerifyState &op = session->verify;
    if (!op.active) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    const CK_RV rv = !op.hashing ? CKR_FUNCTION_NOT_SUPPORTED : finish(op, nullptr, 0, pSignature, ulSignatureLen);
    verify_end(op);
    return rv;
}

} // extern "C"
