/* The idle parsed keys of one key object, so that C_SignInit / C_VerifyInit
 * reuse a decoded wolfCrypt key instead of decoding the attributes again.
 * An operation takes a key out (or parses a fresh one when none is idle) and
 * puts it back when it ends; a wolfCrypt key is never used by two operations
 * at once. At most kSlots keys wait here, so memory stays bounded: a key put
 * back into a full pool is freed. Lock-free (one atomic exchange per take
 * and put), so threads signing with one key never wait for each other and
 * no application mutex callback (v2.40 §5.4) is involved.
 *
 * The pool lives in the Object and dies with it: the idle keys are wiped
 * when the store drops its last reference (C_DestroyObject, a closed
 * session, C_Logout, C_Finalize). A copy of the pool starts empty, because a
 * copied Object (C_SetAttributeValue, renumbering) may hold other material. */
#ifndef P11_BACKEND_CRYPTO_KEY_POOL_H
#define P11_BACKEND_CRYPTO_KEY_POOL_H

#include <atomic>
#include <cstddef>

namespace p11 {

struct ParsedKey; // parsed_key.h

class KeyPool {
  public:
    // Two operations on one key at the same time is the common worst case
    // (one per core here); more just parse a key for the extra operation.
    static constexpr std::size_t kSlots = 2;

    KeyPool() = default;
    KeyPool(const KeyPool &) : KeyPool() {}
    KeyPool &operator=(const KeyPool &) = delete;
    ~KeyPool() { clear(); }

    // An idle key (now the caller's), or nullptr when none waits.
    ParsedKey *take();
    // Hands a key back for the next operation; frees it when the pool is full.
    void put(ParsedKey *key);
    // Frees and wipes every idle key.
    void clear();
    // Idle keys now (for tests).
    std::size_t idle() const;

  private:
    std::atomic<ParsedKey *> slots_[kSlots] = {};
};

} // namespace p11

#endif // P11_BACKEND_CRYPTO_KEY_POOL_H
