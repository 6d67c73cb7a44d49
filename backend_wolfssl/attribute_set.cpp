/* AttributeSet: a sorted vector of (type, bytes). */
#include "attribute_set.h"

#include <algorithm>
#include <cstring>

namespace p11 {

std::vector<Attribute>::const_iterator AttributeSet::lower_bound(CK_ATTRIBUTE_TYPE type) const
{
    return std::lower_bound(items_.begin(), items_.end(), type,
                            [](const Attribute &a, CK_ATTRIBUTE_TYPE t) { return a.type < t; });
}

const Bytes *AttributeSet::get(CK_ATTRIBUTE_TYPE type) const
{
    auto it = lower_bound(type);
    return it != items_.end() && it->type == type ? &it->value : nullptr;
}

bool AttributeSet::get_bool(CK_ATTRIBUTE_TYPE type, bool *out) const
{
    const Bytes *value = get(type);
    if (value == nullptr || value->size() != sizeof(CK_BBOOL)) {
        return false;
    }
    *out = (*value)[0] != CK_FALSE;
    return true;
}

bool AttributeSet::get_ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG *out) const
{
    const Bytes *value = get(type);
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
    auto it = items_.begin() + (lower_bound(type) - items_.cbegin());
    if (it != items_.end() && it->type == type) {
        it->value.assign(bytes, bytes + size);
        return;
    }
    Attribute attribute{type, Bytes(bytes, bytes + size)};
    items_.insert(it, std::move(attribute));
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
        items_.erase(it);
    }
}

} // namespace p11
