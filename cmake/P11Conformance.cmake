# p11_add_conformance_runner(PROFILES <name>...)
#
# The conformance runner p11conform: one binary for every module and profile.
# It holds the generated skeletons of every function (generated/conformance/),
# the hand-written behaviour tests (conformance/tests/) and the resolved text
# of the built-in profiles; a profile is chosen at run time (--profile).

set(P11_CONFORMANCE_GENERATED ${P11_SOURCE_ROOT}/generated/conformance)
set(P11_CONFORMANCE_GENERATED_FILES skeleton_tests.cpp function_list_guard.cpp constant_names.cpp
                                    return_value_table.cpp)

# Loading any module by path (dlopen + C_GetFunctionList): the runner,
# p11bench and p11forge-provision share it.
# Hosts only: a firmware build has no dynamic loader.
if(NOT P11_FIRMWARE)
  add_library(p11_module_loader STATIC ${P11_SOURCE_ROOT}/conformance/module_loader.cpp)
  target_include_directories(p11_module_loader PUBLIC ${P11_SOURCE_ROOT}/conformance)
  target_link_libraries(p11_module_loader PUBLIC p11_pkcs11_headers ${CMAKE_DL_LIBS} PRIVATE p11_warnings)
endif()

function(p11_add_conformance_runner)
  cmake_parse_arguments(ARG "" "" "PROFILES" ${ARGN})
  set(gen ${P11_CONFORMANCE_GENERATED})
  list(TRANSFORM P11_CONFORMANCE_GENERATED_FILES PREPEND ${gen}/ OUTPUT_VARIABLE shared_outputs)
  if(P11_CAN_GENERATE)
    add_custom_command(
      OUTPUT ${shared_outputs}
      COMMAND ${P11_PYTHON} ${P11_SOURCE_ROOT}/codegen/generate.py --only-shared
              --out ${P11_SOURCE_ROOT}/generated
      DEPENDS ${P11_CODEGEN_INPUTS} ${P11_PKCS11_INCLUDE_DIR}/pkcs11.h
      COMMENT "Generating the conformance skeletons"
      VERBATIM)
  endif()

  # The built-in profiles: each profile's resolved text, embedded.
  set(profile_texts "")
  foreach(name ${ARG_PROFILES})
    list(APPEND profile_texts ${P11_SOURCE_ROOT}/generated/${name}/conformance_profile.txt)
  endforeach()
  set(embedded ${CMAKE_CURRENT_BINARY_DIR}/conformance/builtin_profiles.cpp)
  add_custom_command(
    OUTPUT ${embedded}
    COMMAND ${CMAKE_COMMAND} -DOUT=${embedded} "-DNAMES=${ARG_PROFILES}" "-DFILES=${profile_texts}"
            -P ${P11_SOURCE_ROOT}/cmake/P11EmbedProfiles.cmake
    DEPENDS ${profile_texts} ${P11_SOURCE_ROOT}/cmake/P11EmbedProfiles.cmake
    COMMENT "Embedding the built-in conformance profiles"
    VERBATIM)

  set(c ${P11_SOURCE_ROOT}/conformance)
  file(GLOB behaviour_tests CONFIGURE_DEPENDS ${c}/tests/*_test.cpp)
  add_executable(p11conform
    ${c}/runner_main.cpp ${c}/runtime_profile.cpp ${c}/case_registry.cpp ${c}/case_selection.cpp
    ${c}/rv_check.cpp ${c}/return_value_check.cpp ${c}/return_value_table.cpp ${c}/coverage_report.cpp ${c}/call_trace.cpp ${c}/case_use.cpp ${c}/second_process.cpp ${c}/module_fixture.cpp ${c}/token_setup.cpp ${c}/openssl_reference.cpp
    ${c}/module_info.cpp ${c}/run_start.cpp ${c}/console_listener.cpp ${c}/test_report.cpp ${c}/markdown_report.cpp ${c}/junit_report.cpp
    ${embedded} ${shared_outputs} ${behaviour_tests})
  target_include_directories(p11conform PRIVATE ${c})
  # Designated initializers in P11_CASE; the modules stay C++17.
  target_compile_features(p11conform PRIVATE cxx_std_20)
  # Failure locations are shown relative to the source tree (SuitePath).
  get_filename_component(p11_source_root ${P11_SOURCE_ROOT} ABSOLUTE)
  target_compile_definitions(p11conform PRIVATE P11CONF_SOURCE_ROOT="${p11_source_root}/"
    P11CONF_CODEGEN_DIR="${P11_SOURCE_ROOT}/codegen" P11CONF_PYTHON="${P11_PYTHON}")
  target_link_libraries(p11conform PRIVATE p11_module_loader p11_pkcs11_headers GTest::gtest Threads::Threads OpenSSL::Crypto
                        ${CMAKE_DL_LIBS} p11_warnings)
endfunction()

# The suite against SoftHSMv2 (Debian softhsm2), its failures explained in
# conformance/softhsm2/KNOWN_FAILURES.md.
function(p11_add_softhsm2_run)
  find_file(P11_SOFTHSM2_MODULE libsofthsm2.so PATHS /usr/lib/softhsm /usr/lib/x86_64-linux-gnu/softhsm
            NO_DEFAULT_PATH)
  find_program(P11_SOFTHSM2_UTIL softhsm2-util)
  if(NOT P11_CAN_GENERATE)
    return() # the SoftHSMv2 profile is a YAML file, resolved by the generator
  endif()
  if(NOT P11_SOFTHSM2_MODULE OR NOT P11_SOFTHSM2_UTIL)
    message(WARNING "softhsm2 missing: the SoftHSMv2 conformance run is not added (tools/install-deps.sh installs it)")
    return()
  endif()
  add_test(NAME conformance.softhsm2
           COMMAND ${P11_SOURCE_ROOT}/conformance/softhsm2/run_softhsm2.sh $<TARGET_FILE:p11conform>
                   ${CMAKE_BINARY_DIR}/reports ${P11_SOFTHSM2_MODULE})
  # SoftHSMv2's own leaks are not ours to report.
  set_tests_properties(conformance.softhsm2 PROPERTIES ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0" TIMEOUT 900)
endfunction()

# The runner's own tests: profile format, selection, reports, command line.
function(p11_add_conformance_self_tests)
  set(c ${P11_SOURCE_ROOT}/conformance)
  add_executable(p11conform_self_test
    ${c}/self_tests/runtime_profile_test.cpp ${c}/self_tests/case_selection_test.cpp ${c}/self_tests/report_test.cpp
    ${c}/self_tests/return_value_check_test.cpp ${c}/return_value_check.cpp ${c}/return_value_table.cpp
    ${c}/runtime_profile.cpp ${c}/case_registry.cpp ${c}/case_selection.cpp ${c}/rv_check.cpp
    ${c}/test_report.cpp ${c}/markdown_report.cpp ${c}/junit_report.cpp ${c}/call_trace.cpp ${c}/case_use.cpp
    ${CMAKE_CURRENT_BINARY_DIR}/conformance/builtin_profiles.cpp ${P11_CONFORMANCE_GENERATED}/constant_names.cpp
    ${P11_CONFORMANCE_GENERATED}/return_value_table.cpp)
  target_include_directories(p11conform_self_test PRIVATE ${c})
  target_compile_features(p11conform_self_test PRIVATE cxx_std_20)
  get_filename_component(p11_source_root ${P11_SOURCE_ROOT} ABSOLUTE)
  target_compile_definitions(p11conform_self_test PRIVATE P11CONF_SOURCE_ROOT="${p11_source_root}/"
    P11CONF_CODEGEN_DIR="${P11_SOURCE_ROOT}/codegen" P11CONF_PYTHON="${P11_PYTHON}")
  target_link_libraries(p11conform_self_test PRIVATE p11_pkcs11_headers GTest::gtest_main p11_warnings)
  gtest_discover_tests(p11conform_self_test TEST_PREFIX conformance.runner.)
  add_test(NAME conformance.runner.command_line
           COMMAND ${c}/self_tests/cli_test.sh $<TARGET_FILE:p11conform> $<TARGET_FILE:p11forge-freertos>)
  # A minimal profile judged fairly: a module without C_Login and without the
  # mechanism queries, provisioned by the freertos module over its store
  # (conformance.verify-without-login; generated into the build folder).
  if(P11_CAN_GENERATE AND TARGET p11forge-freertos)
    p11_add_profile(verify-without-login PROFILE_DIR ${c}/self_tests/profiles
                    GENERATED_DIR ${CMAKE_BINARY_DIR}/generated/verify-without-login
                    CONFORMANCE_ARGS --init-token --provision-module $<TARGET_FILE:p11forge-freertos>)
  endif()
  # docs/profiles.md's examples: generated, built and run like any profile,
  # so the page never shows a profile that does not work.
  if(P11_CAN_GENERATE AND TARGET p11forge-freertos)
    set(examples ${P11_SOURCE_ROOT}/docs/examples/profiles)
    p11_add_profile(verify-only-p256 PROFILE_DIR ${examples}
                    GENERATED_DIR ${CMAKE_BINARY_DIR}/generated/verify-only-p256
                    CONFORMANCE_ARGS --init-token --provision-module $<TARGET_FILE:p11forge-freertos>)
    p11_add_profile(rsa3072-only PROFILE_DIR ${examples} GENERATED_DIR ${CMAKE_BINARY_DIR}/generated/rsa3072-only
                    CONFORMANCE_ARGS --init-token)
  endif()
endfunction()
