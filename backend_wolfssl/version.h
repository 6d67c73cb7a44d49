/* The library and token versions the info structures report: the project
 * version from CMake (project(p11forge VERSION ...)). */
#ifndef P11_BACKEND_VERSION_H
#define P11_BACKEND_VERSION_H

#ifndef P11FORGE_VERSION_MAJOR
#define P11FORGE_VERSION_MAJOR 0
#endif
#ifndef P11FORGE_VERSION_MINOR
#define P11FORGE_VERSION_MINOR 1
#endif

namespace p11 {

constexpr unsigned char kVersionMajor = P11FORGE_VERSION_MAJOR;
constexpr unsigned char kVersionMinor = P11FORGE_VERSION_MINOR;
constexpr char kManufacturer[] = "p11forge";
constexpr char kLibraryDescription[] = "p11forge wolfCrypt backend";
constexpr char kSlotDescription[] = "p11forge software slot";
constexpr char kTokenModel[] = "wolfCrypt";

} // namespace p11

#endif // P11_BACKEND_VERSION_H
