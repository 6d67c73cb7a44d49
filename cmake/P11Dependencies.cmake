# Every external dependency is reached through one target here, so that a
# firmware build (or a wolfCrypt built from source) changes only this file.

# pkcs11.h: p11-kit's header from Debian libp11-kit-dev, included as "pkcs11.h".
# A header only: cross builds take it from the build machine too.
find_path(P11_PKCS11_INCLUDE_DIR pkcs11.h
  PATHS /usr/include/p11-kit-1/p11-kit
  NO_CMAKE_FIND_ROOT_PATH
  REQUIRED)
add_library(p11_pkcs11_headers INTERFACE)
target_include_directories(p11_pkcs11_headers INTERFACE ${P11_PKCS11_INCLUDE_DIR})

# Warnings for our own (hand-written) code; errors only when asked for (the
# presets and CI do): a packager's compiler or flags may warn where ours
# do not, and a mutant (conformance/mutation) may leave a variable unused.
option(P11_WERROR "Treat warnings in our own code as errors" OFF)
add_library(p11_warnings INTERFACE)
target_compile_options(p11_warnings INTERFACE -Wall -Wextra $<$<BOOL:${P11_WERROR}>:-Werror>)

if(BUILD_TESTING)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()

# wolfCrypt: built from source per profile settings (default) or Debian's
# libwolfssl-dev (-DP11_WOLFSSL=system); see P11Wolfcrypt.cmake.
include(P11Wolfcrypt)

# OpenSSL's libcrypto: only the tests use it, as an independent implementation
# to check signatures against.
if(NOT P11_FIRMWARE)
  find_package(OpenSSL REQUIRED COMPONENTS Crypto)
  # Hosts only: firmware has no threads library (port/p11_port.h).
  find_package(Threads REQUIRED)
endif()
