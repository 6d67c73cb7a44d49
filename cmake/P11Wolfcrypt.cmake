# wolfCrypt for the backend, one of two ways (cache option P11_WOLFSSL):
#   source  (default) a static wolfCrypt built from Debian's wolfssl source
#           package per distinct user_settings.h: each profile's generated
#           generated/<profile>/wolfcrypt_user_settings.h (only its
#           algorithms, SP math, x86_64 assembly on x86_64). Profiles whose
#           files are identical share one build (targets keyed by the hash).
#   system  Debian's libwolfssl-dev, one build for everything.
#
# p11_wolfcrypt_for_settings(<user_settings.h> <out-var>) names the wolfCrypt
# target for a settings file; p11_backend_for_settings (below) the backend
# compiled against it: both must agree, wolfCrypt's structure layouts depend
# on the settings. p11_wolfssl is the superset build (the full profile's
# settings, every algorithm the backend implements) for the backend's own
# tests, benchmarks and other users that are not one profile's module.

set(P11_WOLFSSL source CACHE STRING
    "wolfCrypt: 'source' (built per profile from Debian's wolfssl source package) or 'system' (libwolfssl-dev)")
set_property(CACHE P11_WOLFSSL PROPERTY STRINGS source system)
set(P11_WOLFSSL_SOURCE_DIR "" CACHE PATH
    "With P11_WOLFSSL=source: an extracted wolfSSL source tree to build (default: fetch Debian's into the build folder)")
set(P11_WOLFSSL_SUPERSET_SETTINGS ${PROJECT_SOURCE_DIR}/generated/full/wolfcrypt_user_settings.h)

if(P11_WOLFSSL STREQUAL "system")
  find_path(P11_WOLFSSL_INCLUDE_DIR wolfssl/options.h REQUIRED)
  find_library(P11_WOLFSSL_LIBRARY wolfssl REQUIRED)
  add_library(p11_wolfssl INTERFACE)
  target_include_directories(p11_wolfssl INTERFACE ${P11_WOLFSSL_INCLUDE_DIR})
  target_link_libraries(p11_wolfssl INTERFACE ${P11_WOLFSSL_LIBRARY})
  # For the scripts that compile and link a module by hand (codegen and PAL tests).
  set(P11_WOLFSSL_LINK_ARGS "-lwolfssl")
  set(P11_WOLFSSL_COMPILE_ARGS "")

  function(p11_wolfcrypt_for_settings settings out)
    set(${out} p11_wolfssl PARENT_SCOPE)
  endfunction()
  return()
elseif(NOT P11_WOLFSSL STREQUAL "source")
  message(FATAL_ERROR "P11_WOLFSSL must be 'source' or 'system', not '${P11_WOLFSSL}'")
endif()

enable_language(ASM)
if(P11_WOLFSSL_SOURCE_DIR)
  set(P11_WOLFSSL_TREE ${P11_WOLFSSL_SOURCE_DIR})
else()
  # Fetched once per build folder; the script re-uses what it extracted.
  execute_process(
    COMMAND ${PROJECT_SOURCE_DIR}/tools/fetch-wolfssl-source.sh ${CMAKE_BINARY_DIR}/_deps/wolfssl
    OUTPUT_VARIABLE fetch_output ERROR_VARIABLE fetch_error RESULT_VARIABLE fetch_rc
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT fetch_rc EQUAL 0)
    message(FATAL_ERROR "p11forge: fetching Debian's wolfssl source failed:\n${fetch_error}\n"
                        "Pass -DP11_WOLFSSL_SOURCE_DIR=<wolfSSL tree> or -DP11_WOLFSSL=system.")
  endif()
  string(REGEX REPLACE ".*\n" "" P11_WOLFSSL_TREE "${fetch_output}") # its last line
endif()
if(NOT EXISTS ${P11_WOLFSSL_TREE}/wolfcrypt/src/ecc.c)
  message(FATAL_ERROR "p11forge: ${P11_WOLFSSL_TREE} is not a wolfSSL source tree")
endif()
message(STATUS "p11forge: wolfCrypt built from ${P11_WOLFSSL_TREE}")

# Every wolfCrypt file the backend can need. Each guards its own content, so
# a file whose algorithm the settings leave out (sha.c with NO_SHA, sha512.c
# without SHA-384/512, the SP file of the other word size) compiles to an
# empty object: the settings alone decide what is in the library.
set(P11_WOLFCRYPT_C_FILES
  aes.c asn.c coding.c ecc.c error.c hash.c hmac.c logging.c memory.c pwdbased.c random.c rsa.c
  sha.c sha256.c sha512.c sp_int.c wc_encrypt.c wc_port.c wolfmath.c)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  list(APPEND P11_WOLFCRYPT_C_FILES cpuid.c sp_x86_64.c)
  set(P11_WOLFCRYPT_ASM_FILES sha256_asm.S sha512_asm.S sp_x86_64_asm.S)
else()
  # Portable C; each SP file builds only for its word size. sp_cortexm.c is
  # empty unless the settings ask for the Cortex-M assembly.
  list(APPEND P11_WOLFCRYPT_C_FILES sp_c32.c sp_c64.c sp_cortexm.c)
  set(P11_WOLFCRYPT_ASM_FILES "")
endif()

# The wolfCrypt target of a settings file, made on first use.
function(p11_wolfcrypt_for_settings settings out)
  if(NOT EXISTS ${settings})
    message(FATAL_ERROR "p11forge: no wolfCrypt settings file ${settings}")
  endif()
  # Re-configure when the file changes (the key below is its content).
  set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${settings})
  file(SHA256 ${settings} digest)
  string(SUBSTRING ${digest} 0 12 key)
  set(target p11_wolfcrypt_${key})
  set(${out} ${target} PARENT_SCOPE)
  if(TARGET ${target})
    return()
  endif()
  # wolfSSL (its .S files too) includes the settings as "user_settings.h".
  set(settings_dir ${CMAKE_BINARY_DIR}/wolfcrypt/${key})
  configure_file(${settings} ${settings_dir}/user_settings.h COPYONLY)
  set(sources ${P11_WOLFCRYPT_C_FILES} ${P11_WOLFCRYPT_ASM_FILES})
  list(TRANSFORM sources PREPEND ${P11_WOLFSSL_TREE}/wolfcrypt/src/)
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} SYSTEM PUBLIC ${settings_dir} ${P11_WOLFSSL_TREE})
  # P11_WOLFCRYPT_FROM_SOURCE: its internal (WOLFSSL_LOCAL) functions link
  # too, which Debian's shared library does not export (lean_api_verify.cpp).
  target_compile_definitions(${target} PUBLIC WOLFSSL_USER_SETTINGS P11_WOLFCRYPT_FROM_SOURCE)
  set_target_properties(${target} PROPERTIES C_STANDARD 11 C_EXTENSIONS ON)
  if(P11_FIRMWARE)
    # The firmware section of the settings (the port's heap, entropy, no threads).
    target_compile_definitions(${target} PUBLIC P11_FIRMWARE)
    target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/port/p11_wolfcrypt_seed.c)
    target_link_libraries(${target} PUBLIC p11_port)
    # Hashing, HMAC and the DRBG's output keep their few hundred bytes of
    # temporaries on the stack, without WOLFSSL_SMALL_STACK: they then never
    # allocate, so a full heap cannot fail a record checksum, a PIN
    # derivation or a random draw (and C_Login makes no allocation per
    # SHA-256 block). Struct layouts do not depend on it for these files.
    set(on_stack sha256.c hash.c hmac.c random.c)
    list(TRANSFORM on_stack PREPEND ${P11_WOLFSSL_TREE}/wolfcrypt/src/)
    set_property(SOURCE ${on_stack} TARGET_DIRECTORY ${target} APPEND PROPERTY COMPILE_DEFINITIONS
                 NO_WOLFSSL_SMALL_STACK)
  else()
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  endif()
  # Sanitizers (asan and tsan presets), for wolfCrypt only; Debian's library
  # was not instrumented at all. ASan stays on: it checks our calls into
  # wolfCrypt too. UBSan is off: the SP math shifts signed 64-bit words left
  # by design (sp_x86_64.c: "left shift of 3671188412 by 32 places cannot be
  # represented in type 'long int'"), which GCC defines as two's complement.
  # TSan is off: the run-time CPU feature detection (cpuid.c, the SHA-2 and
  # SP x86_64 code) sets shared flags on first use without a lock, a race on
  # identical values that would stop the thread tests.
  if(CMAKE_C_FLAGS MATCHES "-fsanitize=[a-z,-]*undefined")
    target_compile_options(${target} PRIVATE -fno-sanitize=undefined)
  endif()
  if(CMAKE_C_FLAGS MATCHES "-fsanitize=[a-z,-]*thread")
    target_compile_options(${target} PRIVATE -fno-sanitize=thread)
  endif()
  if(NOT P11_FIRMWARE)
    find_package(Threads REQUIRED)
    target_link_libraries(${target} PUBLIC Threads::Threads)
  endif()
endfunction()

if(P11_FIRMWARE)
  # Only the profiles' own wolfCrypt builds (p11_add_profile).
  return()
endif()
p11_wolfcrypt_for_settings(${P11_WOLFSSL_SUPERSET_SETTINGS} p11_wolfcrypt_superset)
add_library(p11_wolfssl ALIAS ${p11_wolfcrypt_superset})
# For the scripts that compile and link a module by hand (codegen and PAL
# tests): flags as one shell-quoted string each.
string(REPLACE "p11_wolfcrypt_" "" superset_key ${p11_wolfcrypt_superset})
set(P11_WOLFSSL_LINK_ARGS "$<TARGET_FILE:${p11_wolfcrypt_superset}> -lpthread")
set(P11_WOLFSSL_COMPILE_ARGS
    "-DWOLFSSL_USER_SETTINGS -I${CMAKE_BINARY_DIR}/wolfcrypt/${superset_key} -I${P11_WOLFSSL_TREE}")
