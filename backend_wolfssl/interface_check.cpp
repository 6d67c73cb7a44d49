// Compiled with each profile's generated p11_backend.h: if a generated
// declaration and the backend's own disagree on a type, this file does not
// compile, so the C linkage between them can never silently mismatch.
#include "p11_backend.h"
#include "backend_api.h"
