/* AttributeSet: a sorted vector of (type, view), the values in one buffer. */
#include "attribute_set.h"

#include <algorithm>
#include <cstring>

#include "secure_wipe.h"

namespace p11 {

std::vector<Attribute>::const_iterator AttributeSet::lower_bound(CK_ATTRIBUTE_TYPE type) const
{
    return std::lower_bound(items_.begin(), items_.end(), type,
                            [](const Attribute &a, CK_ATTRIBUTE_TYPE t) { return a.type < t; });
}

namespace {

// Wiped bytes tolerated before a change compacts the buffer.
constexpr std::size_t kGarbageSlack = 64;

} // namespace

AttributeSet::AttributeSet(const AttributeSet &other) : items_(other.items_)
{
    compact(0); // the views still point into `other`'s buffer: copied from there
}

const ByteView *AttributeSet::get(CK_ATTRIBUTE_TYPE type) const
{
    auto it = lower_bound(type);
    return it != items_.end() && it->type == type ? &it->value : nullptr;
}

bool AttributeSet::get_bool(CK_ATTRIBUTE_TYPE type, bool *out) const
{
    const ByteView *value = get(type);
    if (value == nullptr || value->size() != sizeof(CK_BBOOL)) {
        return false;
    }
    *out = (*value)[0] != CK_FALSE;
    return true;
}

bool AttributeSet::get_ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG *out) const
{
    const ByteView *value = get(type);
    if (value == nullptr || value->size() != sizeof(CK_ULONG)) {
        return false;
    }
    std::memcpy(out, value->data(), sizeof(CK_ULONG));
    return true;
}

bool AttributeSet::bool_or(CK_ATTRIBUTE_TYPE type, bool fallback) const
{
    bool value = fallback;
    return get_bool(type, &value) ? value : fallback;
}

CK_ULONG AttributeSet::ulong_or(CK_ATTRIBUTE_TYPE type, CK_ULONG fallback) const
{
    CK_ULONG value = fallback;
    return get_ulong(type, &value) ? value : fallback;
}

void AttributeSet::set(CK_ATTRIBUTE_TYPE type, const void *value, std::size_t size)
{
    const auto *bytes = static_cast<const unsigned char *>(value);
    if (size != 0 && bytes >= buffer_.data() && bytes < buffer_.data() + buffer_.size()) {
        // One of this set's own values: copied out first, the buffer may move.
        const Bytes copy(bytes, bytes + size);
        set(type, copy.data(), copy.size());
        return;
    }
    auto it = items_.begin() + (lower_bound(type) - items_.cbegin());
    const bool present = it != items_.end() && it->type == type;
    if (present && size <= it->value.size()) {
        unsigned char *at = buffer_.data() + (it->value.data() - buffer_.data());
        if (size != 0) {
            std::memcpy(at, bytes, size);
        }
        discard(ByteView(at + size, it->value.size() - size));
        it->value.size_ = size;
        return;
    }
    // What may fail to allocate comes first, so a failed set changes nothing
    // (hosts answer std::bad_alloc with CKR_HOST_MEMORY; out_of_memory.h).
    if (!present) {
        const std::size_t index = static_cast<std::size_t>(it - items_.begin());
        if (items_.size() == items_.capacity()) {
            items_.reserve(items_.empty() ? 8 : 2 * items_.size());
        }
        it = items_.begin() + static_cast<std::ptrdiff_t>(index);
    }
    if (buffer_.size() + size > buffer_.capacity() || garbage_ > kGarbageSlack) {
        compact(size);
    }
    if (present) {
        discard(it->value);
    }
    const std::size_t offset = buffer_.size();
    buffer_.insert(buffer_.end(), bytes, bytes + size); // within capacity: no view moves
    const ByteView view(buffer_.data() + offset, size);
    if (present) {
        it->value = view;
    } else {
        items_.insert(it, Attribute{type, view});
    }
}

void AttributeSet::discard(const ByteView &value)
{
    if (value.size() != 0) {
        secure_wipe(buffer_.data() + (value.data() - buffer_.data()), value.size());
        garbage_ += value.size();
    }
}

void AttributeSet::compact(std::size_t extra)
{
    std::size_t live = 0;
    for (const Attribute &attribute : items_) {
        live += attribute.value.size();
    }
    Bytes fresh;
    // Room to grow when this is an append (a record being decoded adds one
    // value at a time); exactly the live bytes for a copy.
    fresh.reserve(extra == 0 ? live : live + extra + (live + extra) / 2);
    for (Attribute &attribute : items_) {
        const std::size_t offset = fresh.size();
        fresh.insert(fresh.end(), attribute.value.begin(), attribute.value.end());
        attribute.value.data_ = fresh.data() + offset;
    }
    buffer_.swap(fresh); // the old buffer is wiped as it goes
    garbage_ = 0;
}

void AttributeSet::set_bool(CK_ATTRIBUTE_TYPE type, bool value)
{
    const CK_BBOOL byte = value ? CK_TRUE : CK_FALSE;
    set(type, &byte, sizeof(byte));
}

void AttributeSet::set_ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value) { set(type, &value, sizeof(value)); }

void AttributeSet::erase(CK_ATTRIBUTE_TYPE type)
{
    auto it = items_.begin() + (lower_bound(type) - items_.cbegin());
    if (it != items_.end() && it->type == type) {
        discard(it->value);
        items_.erase(it);
    }
}

} // namespace p11
