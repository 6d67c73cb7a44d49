# Every external dependency is reached through one target here, so that a
# firmware build (or a wolfCrypt built from source) changes only this file.

# pkcs11.h: p11-kit's header from Debian libp11-kit-dev, included as "pkcs11.h".
find_path(P11_PKCS11_INCLUDE_DIR pkcs11.h
  PATHS /usr/include/p11-kit-1/p11-kit
  REQUIRED)
add_library(p11_pkcs11_headers INTERFACE)
target_include_directories(p11_pkcs11_headers INTERFACE ${P11_PKCS11_INCLUDE_DIR})

# Warnings for our own (hand-written) code.
add_library(p11_warnings INTERFACE)
target_compile_options(p11_warnings INTERFACE -Wall -Wextra -Werror)

find_package(GTest REQUIRED)
include(GoogleTest)

# wolfCrypt: Debian's libwolfssl-dev (headers in /usr/include/wolfssl). A
# firmware build swaps this for a wolfCrypt built with its user_settings.h.
if(NOT TARGET p11_wolfssl)
  find_path(P11_WOLFSSL_INCLUDE_DIR wolfssl/options.h REQUIRED)
  find_library(P11_WOLFSSL_LIBRARY wolfssl REQUIRED)
  add_library(p11_wolfssl INTERFACE)
  target_include_directories(p11_wolfssl INTERFACE ${P11_WOLFSSL_INCLUDE_DIR})
  target_link_libraries(p11_wolfssl INTERFACE ${P11_WOLFSSL_LIBRARY})
endif()

# OpenSSL's libcrypto: only the tests use it, as an independent implementation
# to check signatures against.
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
