/* ValueIndex: open addressing, linear probing, backward-shift erase (no
 * tombstones, so lookups stay short however many objects come and go). */
#include "objects/value_index.h"

#include <algorithm>
#include <utility>

#include "objects/flat_probe.h"

namespace p11 {

namespace {

constexpr std::size_t kMinCapacity = 16;

} // namespace

std::size_t ValueIndex::home(std::size_t key) const
{
    return flat_home(key, shift_);
}

std::size_t ValueIndex::probe(std::size_t key) const
{
    const std::size_t mask = slots_.size() - 1;
    std::size_t at = home(key);
    while (slots_[at].used() && slots_[at].key != key) {
        at = (at + 1) & mask;
    }
    return at;
}

void ValueIndex::grow()
{
    std::vector<Slot, LineAllocator<Slot>> old = std::move(slots_);
    const std::size_t capacity = old.empty() ? kMinCapacity : old.size() * 2;
    slots_ = std::vector<Slot, LineAllocator<Slot>>(capacity);
    shift_ = flat_shift_for(capacity);
    for (Slot &slot : old) {
        if (slot.used()) {
            slots_[probe(slot.key)] = std::move(slot);
        }
    }
}

void ValueIndex::insert(std::size_t key, const ObjectRef &object)
{
    if ((keys_ + 1) * 2 > slots_.size()) {
        grow();
    }
    Slot &slot = slots_[probe(key)];
    if (!slot.used()) {
        slot.key = key;
        slot.one = object;
        ++keys_;
        return;
    }
    if (slot.one != nullptr) {
        slot.many = std::make_unique<Group>();
        slot.many->insert(slot.one);
        slot.one = nullptr;
    }
    slot.many->insert(object);
}

void ValueIndex::erase(std::size_t key, CK_OBJECT_HANDLE handle)
{
    if (slots_.empty()) {
        return;
    }
    const std::size_t at = probe(key);
    Slot &slot = slots_[at];
    if (slot.one != nullptr) {
        if (slot.one->handle == handle) {
            vacate(at);
        }
        return;
    }
    if (slot.many == nullptr || !slot.many->erase(handle)) {
        return;
    }
    if (slot.many->size() == 0) {
        vacate(at);
    } else if (slot.many->size() == 1) {
        // Back to one object: inline again, so its lookups skip the group.
        slot.one = slot.many->only();
        slot.many.reset();
    }
}

void ValueIndex::vacate(std::size_t at)
{
    const std::size_t mask = slots_.size() - 1;
    slots_[at] = Slot();
    --keys_;
    for (std::size_t next = (at + 1) & mask; slots_[next].used(); next = (next + 1) & mask) {
        if (flat_fills_hole(next, home(slots_[next].key), at, mask)) {
            slots_[at] = std::move(slots_[next]);
            slots_[next] = Slot();
            at = next;
        }
    }
}

ValueIndex::Hits ValueIndex::find(std::size_t key) const
{
    Hits hits;
    if (slots_.empty()) {
        return hits;
    }
    const Slot &slot = slots_[probe(key)];
    if (slot.one != nullptr) {
        hits.one_ = &slot.one;
    } else if (slot.many != nullptr) {
        hits.many_ = slot.many.get();
    }
    return hits;
}

void ValueIndex::clear()
{
    slots_.clear();
    slots_.shrink_to_fit();
    keys_ = 0;
    shift_ = 64;
}

std::vector<ValueIndex::Group::Entry>::iterator ValueIndex::Group::position(CK_OBJECT_HANDLE handle)
{
    return std::lower_bound(entries_.begin(), entries_.end(), handle,
                            [](const Entry &entry, CK_OBJECT_HANDLE key) { return entry.handle < key; });
}

void ValueIndex::Group::insert(const ObjectRef &object)
{
    const CK_OBJECT_HANDLE handle = object->handle;
    if (entries_.empty() || entries_.back().handle < handle) {
        entries_.push_back(Entry{handle, object});
        ++live_;
        return;
    }
    auto at = position(handle);
    if (at != entries_.end() && at->handle == handle) {
        live_ += at->object == nullptr ? 1 : 0;
        at->object = object;
        return;
    }
    entries_.insert(at, Entry{handle, object});
    ++live_;
}

bool ValueIndex::Group::erase(CK_OBJECT_HANDLE handle)
{
    auto at = position(handle);
    if (at == entries_.end() || at->handle != handle || at->object == nullptr) {
        return false;
    }
    at->object.reset();
    --live_;
    while (!entries_.empty() && entries_.back().object == nullptr) {
        entries_.pop_back();
    }
    if (entries_.size() > 2 * live_ + 8) {
        entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                      [](const Entry &entry) { return entry.object == nullptr; }),
                       entries_.end());
    }
    return true;
}

ObjectRef ValueIndex::Group::only() const
{
    for (const Entry &entry : entries_) {
        if (entry.object != nullptr) {
            return entry.object;
        }
    }
    return ObjectRef();
}

} // namespace p11
