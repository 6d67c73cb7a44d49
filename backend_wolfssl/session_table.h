/* Session handle -> session, O(1): an open-addressing hash table with linear
 * probing. Handles come from a process-wide counter and are never 0, so 0
 * marks an empty slot. It allocates with new (std::nothrow) and reports
 * failure instead of throwing. Not thread safe: the library lock guards it. */
#ifndef P11_BACKEND_SESSION_TABLE_H
#define P11_BACKEND_SESSION_TABLE_H

#include <cstddef>

#include "session.h"

namespace p11 {

class SessionTable {
public:
    SessionTable() = default;
    ~SessionTable();
    SessionTable(const SessionTable &) = delete;
    SessionTable &operator=(const SessionTable &) = delete;

    // false when memory ran out (the table is unchanged then).
    bool insert(p11_session *session);
    p11_session *find(CK_SESSION_HANDLE handle) const;
    // The removed session (its table reference now belongs to the caller), or NULL.
    p11_session *remove(CK_SESSION_HANDLE handle);

    std::size_t count() const { return count_; }
    std::size_t rw_count() const { return rw_count_; }

    // Empties the table, handing each session (and its table reference) to
    // fn, and frees its slots.
    template <typename Fn> void drain(Fn fn)
    {
        for (std::size_t i = 0; i < capacity_; ++i) {
            p11_session *session = slots_[i].session;
            slots_[i] = Slot{};
            if (session != nullptr) {
                fn(session);
            }
        }
        count_ = 0;
        rw_count_ = 0;
        used_ = 0;
        // Its storage too: after C_Finalize a device has every byte back.
        delete[] slots_;
        slots_ = nullptr;
        capacity_ = 0;
    }

private:
    struct Slot {
        CK_SESSION_HANDLE handle = CK_INVALID_HANDLE; // 0: never used
        p11_session *session = nullptr;               // NULL with handle != 0: removed
    };

    std::size_t index_of(CK_SESSION_HANDLE handle) const;
    bool grow();

    Slot *slots_ = nullptr;
    std::size_t capacity_ = 0; // a power of two
    std::size_t count_ = 0;    // live sessions
    std::size_t rw_count_ = 0;
    std::size_t used_ = 0;     // live + removed slots (probe chains)
};

} // namespace p11

#endif // P11_BACKEND_SESSION_TABLE_H
