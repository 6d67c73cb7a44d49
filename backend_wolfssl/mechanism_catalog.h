/* What the backend really implements, per mechanism: key-size range and
 * flags. A mechanism is offered only when it is both in the profile and in
 * this catalog; its flags are the intersection and its key range the
 * overlap (a profile max of 0 puts no upper bound; key-less mechanisms such
 * as digests report 0..0). A mechanism whose overlap is empty is not offered. */
#ifndef P11_BACKEND_MECHANISM_CATALOG_H
#define P11_BACKEND_MECHANISM_CATALOG_H

#include "p11_profile.h"
#include "pkcs11.h"

namespace p11 {

// True and *info filled when the mechanism is offered.
bool mechanism_offered(const p11_profile &profile, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO *info);

// Number of offered mechanisms; writes up to `capacity` of them to `list`
// (which may be NULL), in the profile's order.
CK_ULONG mechanism_offered_list(const p11_profile &profile, CK_MECHANISM_TYPE *list,
                                CK_ULONG capacity);

} // namespace p11

#endif // P11_BACKEND_MECHANISM_CATALOG_H
