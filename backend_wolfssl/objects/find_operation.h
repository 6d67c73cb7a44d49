/* A search in progress on a session (C_FindObjectsInit .. C_FindObjectsFinal):
 * the matching objects, fixed at C_FindObjectsInit, and how far
 * C_FindObjects has got. References, not handles, so that C_FindObjects
 * need not look each handle up again (only those of objects changed or
 * destroyed meanwhile). Guarded by the session's op_lock. */
#ifndef P11_BACKEND_OBJECTS_FIND_OPERATION_H
#define P11_BACKEND_OBJECTS_FIND_OPERATION_H

#include <cstddef>
#include <vector>

#include "objects/object.h"

namespace p11 {

struct FindOperation {
    std::vector<ObjectRef> found;
    std::size_t next = 0;
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_FIND_OPERATION_H
