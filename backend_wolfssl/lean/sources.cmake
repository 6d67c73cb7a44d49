# The lean backend (lean_library.h): a token of provisioned keys for
# profiles with `backend: lean`. Built per wolfCrypt settings, like the full backend, from
# its own sources and the record-format code it shares with the full one.
# The lean backend for the wolfCrypt of a settings file; *out names it.
# `generated` is the profile's folder: the backend implements exactly the
# p11_backend.h the generator wrote for it.
function(p11_lean_backend_for_settings settings generated out)
  p11_wolfcrypt_for_settings(${settings} wolfcrypt)
  string(REPLACE "p11_wolfcrypt_" "p11_backend_lean_" target ${wolfcrypt})
  get_filename_component(profile ${generated} NAME)
  string(APPEND target "_${profile}")
  set(${out} ${target} PARENT_SCOPE)
  if(TARGET ${target})
    return()
  endif()
  set(dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  set(sources
    ${dir}/key_use.cpp
    ${dir}/lean_api_digest.cpp
    ${dir}/lean_api_general.cpp
    ${dir}/lean_api_lock.cpp
    ${dir}/lean_api_objects.cpp
    ${dir}/lean_api_random.cpp
    ${dir}/lean_api_session.cpp
    ${dir}/lean_api_slot.cpp
    ${dir}/lean_api_verify.cpp
    ${dir}/lean_mechanisms.cpp
    ${dir}/lean_token.cpp
    ${dir}/record_view.cpp
    ${dir}/store_read.cpp
    ${dir}/token_record_patch.cpp
    # shared with the full backend: the formats and the PIN check
    ${dir}/../objects/record_seal.cpp
    ${dir}/../pin_verifier.cpp
    ${dir}/../crypto/pbkdf2_sha256.cpp
    ${dir}/../secrets/secret_key.cpp
    ${dir}/../token_record.cpp)
  # What a profile adds to verifying, each only when it selects it: signing
  # opens sealed values (AES-GCM, which only its wolfCrypt settings build),
  # making objects seals them and writes the store, destroying writes it.
  set(has "")
  foreach(function C_SignInit C_GenerateKeyPair C_CreateObject C_DestroyObject)
    file(STRINGS ${generated}/profile.h line REGEX "^#define P11_PROFILE_HAS_${function} ")
    if(line)
      list(APPEND has ${function})
    endif()
  endforeach()
  set(seals OFF)
  set(makes OFF)
  if(C_SignInit IN_LIST has)
    list(APPEND sources ${dir}/lean_api_sign.cpp)
    set(seals ON)
  endif()
  if(C_GenerateKeyPair IN_LIST has)
    list(APPEND sources ${dir}/lean_api_keygen.cpp)
    set(makes ON)
  endif()
  if(C_CreateObject IN_LIST has)
    list(APPEND sources ${dir}/lean_api_create.cpp ${dir}/key_import.cpp ${dir}/../objects/der_certificate.cpp
         ${dir}/../crypto/check_value.cpp)
    set(makes ON)
  endif()
  if(makes)
    list(APPEND sources ${dir}/session_objects.cpp ${dir}/new_object.cpp ${dir}/new_object_store.cpp ${dir}/record_write.cpp
         ${dir}/store_write.cpp ${dir}/../objects/attribute_tables.cpp)
    set(seals ON)
  endif()
  if(C_DestroyObject IN_LIST has)
    list(APPEND sources ${dir}/lean_api_destroy.cpp ${dir}/store_write.cpp)
  endif()
  if(seals)
    list(APPEND sources ${dir}/sealed_value.cpp ${dir}/../secrets/gcm_box.cpp)
  endif()
  list(REMOVE_DUPLICATES sources)
  if(P11_FIRMWARE)
    add_library(${target} OBJECT ${sources})
  else()
    add_library(${target} STATIC ${sources})
  endif()
  target_include_directories(${target}
    PUBLIC ${PROJECT_SOURCE_DIR}/runtime ${PROJECT_SOURCE_DIR}/pal
    PRIVATE ${PROJECT_SOURCE_DIR}/backend_wolfssl ${PROJECT_SOURCE_DIR}/port ${generated})
  target_link_libraries(${target} PUBLIC p11_pkcs11_headers ${wolfcrypt} p11_port PRIVATE p11_warnings)
  # One call at a time on every platform (lean_library.h), no exceptions.
  target_compile_definitions(${target} PUBLIC P11_PORT_THREADS=0 PRIVATE
    P11FORGE_VERSION_MAJOR=${PROJECT_VERSION_MAJOR} P11FORGE_VERSION_MINOR=${PROJECT_VERSION_MINOR})
  target_compile_options(${target} PRIVATE -fno-exceptions -fno-rtti)
  if(C_CreateObject IN_LIST has)
    target_compile_definitions(${target} PRIVATE P11_LEAN_CREATES=1)
  endif()
  if(makes)
    target_compile_definitions(${target} PRIVATE P11_LEAN_SESSION_OBJECTS=1)
  endif()
  set_target_properties(${target} PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF
                        P11_LEAN ON)
endfunction()

if(BUILD_TESTING AND NOT P11_FIRMWARE)
  # The record reading and writing against the full backend's encoder, index
  # and rules (its objects' test profile: a store that takes any label).
  add_executable(p11_lean_record_test
    ${CMAKE_CURRENT_LIST_DIR}/tests/record_view_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tests/store_write_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tests/new_object_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/new_object.cpp
    ${CMAKE_CURRENT_LIST_DIR}/record_view.cpp
    ${CMAKE_CURRENT_LIST_DIR}/record_write.cpp
    ${CMAKE_CURRENT_LIST_DIR}/session_objects.cpp
    ${CMAKE_CURRENT_LIST_DIR}/store_read.cpp
    ${CMAKE_CURRENT_LIST_DIR}/store_write.cpp
    ${CMAKE_CURRENT_LIST_DIR}/token_record_patch.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../objects/tests/profile_any_labels.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../objects/tests/test_certificate.cpp)
  target_include_directories(p11_lean_record_test PRIVATE ${PROJECT_SOURCE_DIR}/backend_wolfssl
    ${PROJECT_SOURCE_DIR}/port)
  target_link_libraries(p11_lean_record_test PRIVATE
    p11_backend_wolfssl p11_pal_memory p11_warnings GTest::gtest_main Threads::Threads)
  target_compile_definitions(p11_lean_record_test PRIVATE P11_LEAN_CREATES=1 P11_LEAN_SESSION_OBJECTS=1)
  gtest_discover_tests(p11_lean_record_test TEST_PREFIX "backend.lean.")
endif()
