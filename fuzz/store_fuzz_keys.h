/* The token and device keys the store-record fuzz target opens sealed
 * records with; fuzz/make_seeds.cpp seals its seed records under the same. */
#ifndef P11_FUZZ_STORE_FUZZ_KEYS_H
#define P11_FUZZ_STORE_FUZZ_KEYS_H

#include <cstddef>
#include <cstdint>

#include "objects/object_codec.h"

inline const p11::SealKeys &StoreFuzzKeys()
{
    static p11::SecretKey token;
    static p11::SecretKey device;
    static const p11::SealKeys keys = [] {
        for (std::size_t i = 0; i < sizeof token.bytes; ++i) {
            token.bytes[i] = static_cast<std::uint8_t>(i);
            device.bytes[i] = static_cast<std::uint8_t>(0xA0 + i);
        }
        p11::SealKeys both;
        both.token = &token;
        both.device = &device;
        return both;
    }();
    return keys;
}

#endif // P11_FUZZ_STORE_FUZZ_KEYS_H
