/* AES-256-GCM boxes through wolfCrypt (see gcm_box.h). */
#include "secrets/gcm_box.h"

#include "secure_wipe.h"

namespace p11 {

namespace {

// wolfCrypt's Aes holds the expanded key: wiped and freed on every path.
class GcmKey {
  public:
    explicit GcmKey(const std::uint8_t (&key)[kBoxKeySize])
    {
        ok_ = wc_AesInit(&aes_, nullptr, INVALID_DEVID) == 0;
        inited_ = ok_;
        ok_ = ok_ && wc_AesGcmSetKey(&aes_, key, static_cast<word32>(kBoxKeySize)) == 0;
    }
    ~GcmKey()
    {
        if (inited_) {
            wc_AesFree(&aes_);
        }
        secure_wipe(&aes_, sizeof aes_);
    }
    GcmKey(const GcmKey &) = delete;
    GcmKey &operator=(const GcmKey &) = delete;
    bool ok() const { return ok_; }
    Aes *get() { return &aes_; }

  private:
    Aes aes_;
    bool ok_ = false;
    bool inited_ = false;
};

} // namespace

bool box_seal(const std::uint8_t (&key)[kBoxKeySize], WC_RNG &rng, const std::uint8_t *aad, std::size_t aad_len,
              const std::uint8_t *plain, std::size_t len, std::uint8_t *out)
{
    GcmKey gcm(key);
    std::uint8_t *nonce = out;
    std::uint8_t *cipher = out + kBoxNonceSize;
    std::uint8_t *tag = cipher + len;
    const bool ok = gcm.ok() && wc_RNG_GenerateBlock(&rng, nonce, static_cast<word32>(kBoxNonceSize)) == 0 &&
                    wc_AesGcmEncrypt(gcm.get(), cipher, plain, static_cast<word32>(len), nonce,
                                     static_cast<word32>(kBoxNonceSize), tag, static_cast<word32>(kBoxTagSize), aad,
                                     static_cast<word32>(aad_len)) == 0;
    if (!ok) {
        secure_wipe(out, len + kBoxOverhead);
    }
    return ok;
}

bool box_open(const std::uint8_t (&key)[kBoxKeySize], const std::uint8_t *aad, std::size_t aad_len,
              const std::uint8_t *box, std::size_t box_len, std::uint8_t *plain)
{
    if (box_len < kBoxOverhead) {
        return false;
    }
    const std::size_t len = box_len - kBoxOverhead;
    GcmKey gcm(key);
    const std::uint8_t *nonce = box;
    const std::uint8_t *cipher = box + kBoxNonceSize;
    const std::uint8_t *tag = cipher + len;
    // wolfCrypt compares the tag in constant time (ConstantCompare).
    const bool ok = gcm.ok() && wc_AesGcmDecrypt(gcm.get(), plain, cipher, static_cast<word32>(len), nonce,
                                                 static_cast<word32>(kBoxNonceSize), tag,
                                                 static_cast<word32>(kBoxTagSize), aad,
                                                 static_cast<word32>(aad_len)) == 0;
    if (!ok) {
        secure_wipe(plain, len);
    }
    return ok;
}

} // namespace p11
