/* Wrong-PIN counts changed in place (see token_record_patch.h). */
#include "lean/token_record_patch.h"

#include "token_record.h"
#include "wolfcrypt.h"

namespace p11::lean {

bool token_record_patch_failures(std::uint8_t *record, std::size_t len, bool so, std::uint32_t count)
{
    if (len != token_record_size()) {
        return false;
    }
    std::uint8_t *at = record + kTokenRecordSoFailuresAt + (so ? 0 : 4);
    for (int i = 0; i < 4; ++i) {
        at[i] = static_cast<std::uint8_t>(count >> (24 - 8 * i));
    }
    const std::size_t covered = len - WC_SHA256_DIGEST_SIZE;
    return wc_Sha256Hash(record, static_cast<word32>(covered), record + covered) == 0;
}

} // namespace p11::lean
