# Secrets at rest (added to p11_backend_wolfssl) and their tests.
target_sources(p11_backend_wolfssl PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/device_key.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gcm_box.cpp
  ${CMAKE_CURRENT_LIST_DIR}/held_keys.cpp
  ${CMAKE_CURRENT_LIST_DIR}/secret_key.cpp
  ${CMAKE_CURRENT_LIST_DIR}/token_key.cpp)

if(BUILD_TESTING)
  add_executable(p11_secrets_test
    ${CMAKE_CURRENT_LIST_DIR}/tests/gcm_box_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tests/token_key_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tests/pin_verifier_test.cpp)
  target_include_directories(p11_secrets_test PRIVATE ${CMAKE_CURRENT_LIST_DIR}/..)
  target_link_libraries(p11_secrets_test PRIVATE
    p11_backend_wolfssl p11_warnings GTest::gtest_main Threads::Threads)
  set_target_properties(p11_secrets_test PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
  gtest_discover_tests(p11_secrets_test TEST_PREFIX "secrets.")
endif()
