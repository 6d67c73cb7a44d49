/* SecretKey's copy and wipe (see token_key.h): on their own, so that code
 * holding a key (the PIN check) links without the token key's wrapping. */
#include "secrets/token_key.h"

#include <cstring>

#include "secure_wipe.h"

namespace p11 {

// The base's default constructor on purpose: a copy's reference count is its own.
SecretKey::SecretKey(const SecretKey &other) : RefCounted() // NOLINT(bugprone-copy-constructor-init)
{
    std::memcpy(bytes, other.bytes, sizeof bytes);
}

SecretKey &SecretKey::operator=(const SecretKey &other)
{
    if (this != &other) {
        std::memcpy(bytes, other.bytes, sizeof bytes);
    }
    return *this;
}

SecretKey::~SecretKey()
{
    secure_wipe(bytes, sizeof bytes);
}

} // namespace p11
