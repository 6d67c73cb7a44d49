# Object store sources (added to p11_backend_wolfssl) and their tests.
target_sources(p11_backend_wolfssl PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/api_find.cpp
  ${CMAKE_CURRENT_LIST_DIR}/api_objects.cpp
  ${CMAKE_CURRENT_LIST_DIR}/attribute_rules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/attribute_tables.cpp
  ${CMAKE_CURRENT_LIST_DIR}/der_certificate.cpp
  ${CMAKE_CURRENT_LIST_DIR}/index_records.cpp
  ${CMAKE_CURRENT_LIST_DIR}/index_v1.cpp
  ${CMAKE_CURRENT_LIST_DIR}/indexed_storage.cpp
  ${CMAKE_CURRENT_LIST_DIR}/object_codec.cpp
  ${CMAKE_CURRENT_LIST_DIR}/object_index.cpp
  ${CMAKE_CURRENT_LIST_DIR}/object_store.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pal_io.cpp
  ${CMAKE_CURRENT_LIST_DIR}/record_labels.cpp
  ${CMAKE_CURRENT_LIST_DIR}/record_seal.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stored_object.cpp
  ${CMAKE_CURRENT_LIST_DIR}/token_storage.cpp
  ${CMAKE_CURRENT_LIST_DIR}/value_index.cpp)

if(BUILD_TESTING)
  # Two programs, each with its own p11_active_profile: a store that takes
  # any label (with an index record) and a device store with fixed labels.
  set(p11_objects_any_labels_tests
    ../../../pal/flash_sim/tests/failing_operator_new.cpp
    attributes_test.cpp access_test.cpp find_test.cpp storage_test.cpp codec_test.cpp paged_index_test.cpp
    key_cache_test.cpp value_index_test.cpp object_index_test.cpp object_table_test.cpp object_fields_test.cpp logout_race_test.cpp
    sealed_record_test.cpp
    memory_sealing_test.cpp)
  set(p11_objects_fixed_labels_tests fixed_labels_test.cpp)
  # Key material, usage attributes and operation rules through the API, with
  # OpenSSL checking the signatures (key_rules_support.cpp).
  set(p11_objects_key_rules_tests
    key_rules_support.cpp key_import_test.cpp key_usage_test.cpp key_size_test.cpp operation_mode_test.cpp)
  foreach(kind any_labels fixed_labels key_rules)
    list(TRANSFORM p11_objects_${kind}_tests PREPEND ${CMAKE_CURRENT_LIST_DIR}/tests/)
    add_executable(p11_objects_${kind}_test
      ${p11_objects_${kind}_tests}
      ${CMAKE_CURRENT_LIST_DIR}/tests/profile_${kind}.cpp
      ${CMAKE_CURRENT_LIST_DIR}/tests/object_test_support.cpp
      ${CMAKE_CURRENT_LIST_DIR}/tests/test_certificate.cpp
      ${CMAKE_CURRENT_LIST_DIR}/tests/test_keys.cpp
      ${CMAKE_CURRENT_SOURCE_DIR}/tests/backend_test_support.cpp)
    target_include_directories(p11_objects_${kind}_test PRIVATE
      ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/tests ${CMAKE_CURRENT_LIST_DIR}/tests
      ${PROJECT_SOURCE_DIR}/pal/flash_sim/tests)
    target_link_libraries(p11_objects_${kind}_test PRIVATE
      p11_backend_wolfssl p11_pal_memory p11_warnings GTest::gtest_main Threads::Threads)
    # Built like the backend: the tests hold its shared_ptr<const Object>, and
    # mixing RTTI and -fno-rtti copies of one template trips UBSan's vptr check.
    target_compile_options(p11_objects_${kind}_test PRIVATE -fno-rtti)
    if(kind STREQUAL "key_rules")
      find_package(OpenSSL REQUIRED COMPONENTS Crypto)
      target_link_libraries(p11_objects_${kind}_test PRIVATE OpenSSL::Crypto)
    endif()
    gtest_discover_tests(p11_objects_${kind}_test TEST_PREFIX "backend.objects.${kind}.")
  endforeach()
endif()
