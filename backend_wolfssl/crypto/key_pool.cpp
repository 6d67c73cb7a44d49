/* KeyPool: a few atomic slots, each holding an idle key or nullptr. */
#include "key_pool.h"

#include "parsed_key.h"

namespace p11 {

ParsedKey *KeyPool::take()
{
    for (std::atomic<ParsedKey *> &slot : slots_) {
        // Cheap load first: an empty slot costs no write to the cache line.
        if (slot.load(std::memory_order_relaxed) == nullptr) {
            continue;
        }
        ParsedKey *key = slot.exchange(nullptr, std::memory_order_acquire);
        if (key != nullptr) {
            return key;
        }
    }
    return nullptr;
}

void KeyPool::put(ParsedKey *key)
{
    if (key == nullptr) {
        return;
    }
    for (std::atomic<ParsedKey *> &slot : slots_) {
        ParsedKey *empty = nullptr;
        if (slot.compare_exchange_strong(empty, key, std::memory_order_release, std::memory_order_relaxed)) {
            return;
        }
    }
    parsed_key_free(key);
}

void KeyPool::clear()
{
    for (std::atomic<ParsedKey *> &slot : slots_) {
        parsed_key_free(slot.exchange(nullptr, std::memory_order_acquire));
    }
}

std::size_t KeyPool::idle() const
{
    std::size_t n = 0;
    for (const std::atomic<ParsedKey *> &slot : slots_) {
        n += slot.load(std::memory_order_acquire) != nullptr ? 1 : 0;
    }
    return n;
}

} // namespace p11
