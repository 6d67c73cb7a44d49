/* Token key wrapping (see token_key.h). */
#include "secrets/token_key.h"

#include <cstring>

#include "secure_wipe.h"

namespace p11 {

namespace {

// "p11forge token key" and the slot: what the box belongs to.
void wrap_aad(WrapSlot slot, std::uint8_t (&aad)[19])
{
    static const char kContext[] = "p11forge token key";
    std::memcpy(aad, kContext, sizeof aad - 1);
    aad[sizeof aad - 1] = static_cast<std::uint8_t>(slot);
}

} // namespace

bool token_key_make(WC_RNG &rng, SecretKey *out)
{
    return wc_RNG_GenerateBlock(&rng, out->bytes, static_cast<word32>(sizeof out->bytes)) == 0;
}

bool token_key_wrap(const SecretKey &kek, WrapSlot slot, const SecretKey &key, WC_RNG &rng, KeyWrap *out)
{
    std::uint8_t aad[19];
    wrap_aad(slot, aad);
    KeyWrap wrap;
    if (!box_seal(kek.bytes, rng, aad, sizeof aad, key.bytes, sizeof key.bytes, wrap.box)) {
        return false;
    }
    wrap.present = true;
    *out = wrap;
    return true;
}

bool token_key_unwrap(const SecretKey &kek, WrapSlot slot, const KeyWrap &wrap, SecretKey *out)
{
    if (!wrap.present) {
        return false;
    }
    std::uint8_t aad[19];
    wrap_aad(slot, aad);
    SecretKey key;
    if (!box_open(kek.bytes, aad, sizeof aad, wrap.box, sizeof wrap.box, key.bytes)) {
        return false;
    }
    *out = key;
    return true;
}

} // namespace p11
