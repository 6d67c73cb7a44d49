/* A search in progress on a session (C_FindObjectsInit .. C_FindObjectsFinal):
 * the matching handles, fixed at C_FindObjectsInit, and how far
 * C_FindObjects has got. Guarded by the session's op_lock. */
#ifndef P11_BACKEND_OBJECTS_FIND_OPERATION_H
#define P11_BACKEND_OBJECTS_FIND_OPERATION_H

#include <cstddef>
#include <vector>

#include "pkcs11.h"

namespace p11 {

struct FindOperation {
    std::vector<CK_OBJECT_HANDLE> found;
    std::size_t next = 0;
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_FIND_OPERATION_H
