/* A copy of a short attribute value (CKA_LABEL, CKA_ID) kept inside the
 * Object, so that a find compares it in the cache lines it already read for
 * the Object instead of reaching for the attribute's own heap buffer. A value
 * longer than the room is not copied: the caller compares the attribute. */
#ifndef P11_BACKEND_OBJECTS_INLINE_VALUE_H
#define P11_BACKEND_OBJECTS_INLINE_VALUE_H

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "wiping_allocator.h"

namespace p11 {

class InlineValue {
  public:
    static constexpr std::size_t kRoom = 32; // most labels, a SHA-1 or SHA-256 id

    enum class Match : std::uint8_t { yes, no, unknown };

    // value: the attribute, or NULL when the object lacks it.
    void assign(const ByteView *value)
    {
        if (value == nullptr) {
            state_ = State::absent;
        } else if (value->size() > kRoom) {
            state_ = State::too_long;
        } else {
            state_ = State::kept;
            size_ = static_cast<std::uint8_t>(value->size());
            if (size_ != 0) {
                std::memcpy(bytes_, value->data(), size_);
            }
        }
    }

    // Whether the attribute equals `wanted`; unknown when both are too long.
    Match compare(ByteView wanted) const
    {
        switch (state_) {
        case State::absent:
            return Match::no;
        case State::kept:
            return wanted.size() == size_ && (size_ == 0 || std::memcmp(bytes_, wanted.data(), size_) == 0) ? Match::yes
                                                                                                            : Match::no;
        case State::too_long:
            break;
        }
        return wanted.size() <= kRoom ? Match::no : Match::unknown;
    }

  private:
    enum class State : std::uint8_t { absent, kept, too_long };
    State state_ = State::absent;
    std::uint8_t size_ = 0;
    unsigned char bytes_[kRoom] = {};
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_INLINE_VALUE_H
