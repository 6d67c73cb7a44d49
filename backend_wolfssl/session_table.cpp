/* SessionTable: open addressing, linear probing, tombstones for removals. */
#include "session_table.h"

#include <new>

namespace p11 {

namespace {

std::size_t hash_handle(CK_SESSION_HANDLE handle)
{
    // Fibonacci hashing spreads the sequential handles over the table.
    return static_cast<std::size_t>(static_cast<unsigned long long>(handle) *
                                    0x9E3779B97F4A7C15ull >> 17);
}

} // namespace

SessionTable::~SessionTable()
{
    delete[] slots_;
}

std::size_t SessionTable::index_of(CK_SESSION_HANDLE handle) const
{
    return hash_handle(handle) & (capacity_ - 1);
}

p11_session *SessionTable::find(CK_SESSION_HANDLE handle) const
{
    if (handle == CK_INVALID_HANDLE || capacity_ == 0) {
        return nullptr;
    }
    for (std::size_t i = index_of(handle), n = 0; n < capacity_; i = (i + 1) & (capacity_ - 1), ++n) {
        const Slot &slot = slots_[i];
        if (slot.handle == CK_INVALID_HANDLE) {
            return nullptr;
        }
        if (slot.handle == handle) {
            return slot.session;
        }
    }
    return nullptr;
}

bool SessionTable::grow()
{
    // Rehash into a table at most half full, dropping the tombstones.
    std::size_t capacity = capacity_ == 0 ? 16 : capacity_;
    while ((count_ + 1) * 2 > capacity) {
        capacity *= 2;
    }
    Slot *slots = new (std::nothrow) Slot[capacity];
    if (slots == nullptr) {
        return false;
    }
    for (std::size_t i = 0; i < capacity_; ++i) {
        if (slots_[i].session == nullptr) {
            continue;
        }
        std::size_t j = hash_handle(slots_[i].handle) & (capacity - 1);
        while (slots[j].handle != CK_INVALID_HANDLE) {
            j = (j + 1) & (capacity - 1);
        }
        slots[j] = slots_[i];
    }
    delete[] slots_;
    slots_ = slots;
    capacity_ = capacity;
    used_ = count_;
    return true;
}

bool SessionTable::insert(p11_session *session)
{
    // Keep live + tombstones under 3/4 so probe chains stay short.
    if ((used_ + 1) * 4 > capacity_ * 3 && !grow()) {
        return false;
    }
    std::size_t i = index_of(session->handle);
    while (slots_[i].handle != CK_INVALID_HANDLE) {
        i = (i + 1) & (capacity_ - 1);
    }
    slots_[i].handle = session->handle;
    slots_[i].session = session;
    ++used_;
    ++count_;
    if (session->read_write()) {
        ++rw_count_;
    }
    return true;
}

p11_session *SessionTable::remove(CK_SESSION_HANDLE handle)
{
    if (handle == CK_INVALID_HANDLE || capacity_ == 0) {
        return nullptr;
    }
    for (std::size_t i = index_of(handle), n = 0; n < capacity_; i = (i + 1) & (capacity_ - 1), ++n) {
        Slot &slot = slots_[i];
        if (slot.handle == CK_INVALID_HANDLE) {
            return nullptr;
        }
        if (slot.handle == handle) {
            p11_session *session = slot.session;
            if (session == nullptr) {
                return nullptr;
            }
            slot.session = nullptr; // tombstone: keeps later probe chains intact
            --count_;
            if (session->read_write()) {
                --rw_count_;
            }
            return session;
        }
    }
    return nullptr;
}

} // namespace p11
