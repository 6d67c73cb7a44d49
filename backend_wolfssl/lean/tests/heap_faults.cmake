# The lean signer under a failing heap (lean_sign_heap_test.cpp): the
# freertos-tls entry points and lean backend linked with the in-memory PAL,
# p11_port_malloc wrapped, over the store the fuzz directory's provisioning
# program makes with the freertos module (included after fuzz/).
if(BUILD_TESTING AND NOT P11_FIRMWARE AND TARGET p11forge-freertos-tls AND TARGET p11fuzz_store_freertos)
  set(gen ${PROJECT_SOURCE_DIR}/generated/freertos-tls)
  get_target_property(backend p11forge-freertos-tls P11_BACKEND)
  add_executable(p11_lean_sign_heap_test ${CMAKE_CURRENT_LIST_DIR}/lean_sign_heap_test.cpp
                 ${gen}/entry_points.c ${gen}/profile.c)
  target_include_directories(p11_lean_sign_heap_test PRIVATE ${gen} ${PROJECT_SOURCE_DIR}/runtime)
  target_link_libraries(p11_lean_sign_heap_test PRIVATE ${backend} p11_pal_memory p11_warnings GTest::gtest_main)
  target_link_options(p11_lean_sign_heap_test PRIVATE -Wl,--wrap=p11_port_malloc)
  target_compile_definitions(p11_lean_sign_heap_test PRIVATE
    P11_PROVISIONED_STORE="${CMAKE_BINARY_DIR}/fuzz/provisioned-freertos.store")
  add_dependencies(p11_lean_sign_heap_test p11fuzz_store_freertos)
  gtest_discover_tests(p11_lean_sign_heap_test TEST_PREFIX "backend.lean.")
endif()

# The lean writer under a failing heap (lean_keygen_heap_test.cpp): the
# freertos-keygen entry points and lean backend on a fresh in-memory store.
if(BUILD_TESTING AND NOT P11_FIRMWARE AND TARGET p11forge-freertos-keygen)
  set(gen ${PROJECT_SOURCE_DIR}/generated/freertos-keygen)
  get_target_property(backend p11forge-freertos-keygen P11_BACKEND)
  add_executable(p11_lean_keygen_heap_test ${CMAKE_CURRENT_LIST_DIR}/lean_keygen_heap_test.cpp
                 ${gen}/entry_points.c ${gen}/profile.c)
  target_include_directories(p11_lean_keygen_heap_test PRIVATE ${gen} ${PROJECT_SOURCE_DIR}/runtime)
  target_link_libraries(p11_lean_keygen_heap_test PRIVATE ${backend} p11_pal_memory p11_warnings GTest::gtest_main)
  target_link_options(p11_lean_keygen_heap_test PRIVATE -Wl,--wrap=p11_port_malloc,--wrap=p11_port_heap_refusals)
  gtest_discover_tests(p11_lean_keygen_heap_test TEST_PREFIX "backend.lean.")
endif()
