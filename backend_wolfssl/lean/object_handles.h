/* The handles of the lean backend's objects. A session object's carries
 * the top bit (session_objects.h); a token object's is its record number,
 * and for a private object also the login epoch below. Calls run one at a
 * time (lean_library.h), so the epoch needs no lock. */
#ifndef P11_LEAN_OBJECT_HANDLES_H
#define P11_LEAN_OBJECT_HANDLES_H

#include <cstdint>

#include "pkcs11.h"

namespace p11::lean {

inline constexpr CK_OBJECT_HANDLE kSessionObjectBit = ~(~static_cast<CK_OBJECT_HANDLE>(0) >> 1);

inline bool is_session_object(CK_OBJECT_HANDLE handle)
{
    return (handle & kSessionObjectBit) != 0;
}

// A token object's handle: its record number in the low kTokenIdBits and,
// for a private object, the login epoch it was handed out in above them
// (v2.40 §5.6: C_Logout invalidates the handles of private objects, "even if
// a user is later logged back into the token"). The epoch counts logouts
// from 1 and wraps after 255 (a CK_ULONG of 32 bits) or 65535.
inline constexpr unsigned kEpochBits = sizeof(CK_OBJECT_HANDLE) >= 8 ? 16 : 8;
inline constexpr unsigned kTokenIdBits = 8 * sizeof(CK_OBJECT_HANDLE) - 1 - kEpochBits;
inline constexpr std::uint64_t kTokenIdLimit = std::uint64_t{1} << kTokenIdBits; // record numbers below it

// The current epoch (1 .. 2^kEpochBits - 1; never 0, the public objects' field).
inline CK_OBJECT_HANDLE g_private_handle_epoch = 1;

inline CK_OBJECT_HANDLE token_handle(std::uint64_t id, bool is_private)
{
    return static_cast<CK_OBJECT_HANDLE>(id) | (is_private ? g_private_handle_epoch << kTokenIdBits : 0);
}

inline std::uint64_t token_id(CK_OBJECT_HANDLE handle)
{
    return handle & (kTokenIdLimit - 1);
}

// At C_Logout: every handle of a private object handed out so far dies.
inline void private_handles_expire()
{
    g_private_handle_epoch = g_private_handle_epoch % ((CK_OBJECT_HANDLE{1} << kEpochBits) - 1) + 1;
}

} // namespace p11::lean

#endif // P11_LEAN_OBJECT_HANDLES_H
