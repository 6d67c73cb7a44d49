# Crypto engine sources (added to p11_backend_wolfssl) and their tests.
target_sources(p11_backend_wolfssl PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/check_value.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ec_params.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ecc_thread_cache.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ecdsa_engine.cpp
  ${CMAKE_CURRENT_LIST_DIR}/hmac_engine.cpp
  ${CMAKE_CURRENT_LIST_DIR}/key_check.cpp
  ${CMAKE_CURRENT_LIST_DIR}/key_generation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/key_loading.cpp
  ${CMAKE_CURRENT_LIST_DIR}/key_pool.cpp
  ${CMAKE_CURRENT_LIST_DIR}/parsed_key.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pbkdf2_sha256.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rsa_engine.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sign_engine.cpp)

if(BUILD_TESTING)
  # OpenSSL's libcrypto is the independent implementation the engines are
  # checked against; it is used by these tests only, never by the module.
  find_package(OpenSSL REQUIRED COMPONENTS Crypto)
  add_executable(p11_crypto_test
    ${CMAKE_CURRENT_LIST_DIR}/tests/openssl_keys.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tests/wolfcrypt_rng.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tests/ec_params_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tests/ecdsa_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tests/rsa_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tests/hmac_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tests/key_generation_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tests/key_check_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tests/key_pool_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tests/pbkdf2_sha256_test.cpp
    ${PROJECT_SOURCE_DIR}/pal/flash_sim/tests/failing_operator_new.cpp)
  target_include_directories(p11_crypto_test PRIVATE
    ${CMAKE_CURRENT_LIST_DIR} ${CMAKE_CURRENT_LIST_DIR}/tests ${CMAKE_CURRENT_LIST_DIR}/..
    ${PROJECT_SOURCE_DIR}/pal/flash_sim/tests)
  # The C++ library first: failing_operator_new.cpp throws std::bad_alloc,
  # whose type information the backend archive's members also carry (they
  # catch it); taken from there it would pull in every entry point, which
  # this program (no profile, no PAL) cannot link.
  target_link_libraries(p11_crypto_test PRIVATE
    stdc++ p11_backend_wolfssl p11_warnings OpenSSL::Crypto GTest::gtest_main Threads::Threads)
  set_target_properties(p11_crypto_test PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
  gtest_discover_tests(p11_crypto_test TEST_PREFIX "crypto.")
endif()
