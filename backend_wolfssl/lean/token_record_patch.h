/* The lean backend changes a stored token record only by its wrong-PIN
 * counts, so it patches them in the stored bytes and seals the record again
 * instead of carrying token_record_encode (token_record.h). */
#ifndef P11_LEAN_TOKEN_RECORD_PATCH_H
#define P11_LEAN_TOKEN_RECORD_PATCH_H

#include <cstddef>
#include <cstdint>

namespace p11::lean {

// Sets one count (so: the SO's) in a version 2 record of token_record_size()
// bytes and writes its checksum again; false when the record is not that
// size or wolfCrypt could not hash.
bool token_record_patch_failures(std::uint8_t *record, std::size_t len, bool so, std::uint32_t count);

} // namespace p11::lean

#endif // P11_LEAN_TOKEN_RECORD_PATCH_H
