# p11_add_profile(<name> [GENERATED_DIR <dir>] [CONFORMANCE_ARGS <args>...])
#
# For one generated profile: the shared PKCS #11 module p11forge-<name>
# (exports C_GetFunctionList and the C_ symbols), the static library
# p11forge-<name>-static (for firmware and tests), and a CTest run of the
# conformance runner (p11conform, cmake/P11Conformance.cmake) against the
# module with the profile.

set(P11_SOURCE_ROOT ${CMAKE_CURRENT_LIST_DIR}/..)
set(P11_PYTHON /usr/bin/python3 CACHE FILEPATH "Python with jinja2, yaml and clang (Debian's)")
set(P11_GENERATED_FILES entry_points.c p11_backend.h profile.h profile.c conformance_profile.txt
                        wolfcrypt_user_settings.h firmware_budgets.txt)

# The PAL the modules are built with: C files defining the six
# PKCS11_PAL_* functions of pal/core_pkcs11_pal.h. Default: the POSIX file
# PAL. A device port builds its host module with
#   cmake -DP11_PAL_SOURCES="path/to/port.c;path/to/more.c" ...
# (relative paths are taken from the source root; see docs/porting.md).
set(P11_PAL_DEFAULT_SOURCES pal/posix/pal_posix.c pal/posix/pal_posix_device_key.c pal/posix/pal_posix_journal.c
  pal/posix/pal_posix_log.c pal/common/pal_label_index.c)
set(P11_PAL_SOURCES "${P11_PAL_DEFAULT_SOURCES}" CACHE STRING
    "C sources of the PAL the PKCS #11 modules link (default: the POSIX file PAL)")
# A build folder configured with an earlier default keeps it in its cache:
# a list of the POSIX PAL's own files means the default, whatever it holds now.
set(p11_pal_is_posix TRUE)
foreach(source ${P11_PAL_SOURCES})
  if(NOT source MATCHES "^pal/(posix|common)/")
    set(p11_pal_is_posix FALSE)
  endif()
endforeach()
if(p11_pal_is_posix AND NOT P11_PAL_SOURCES STREQUAL P11_PAL_DEFAULT_SOURCES)
  set(P11_PAL_SOURCES "${P11_PAL_DEFAULT_SOURCES}" CACHE STRING
      "C sources of the PAL the PKCS #11 modules link (default: the POSIX file PAL)" FORCE)
endif()

# Can this machine regenerate? (Firmware builds need neither Python nor libclang.)
execute_process(COMMAND ${P11_PYTHON} -c "import jinja2, yaml, clang.cindex"
                RESULT_VARIABLE _p11_codegen_missing OUTPUT_QUIET ERROR_QUIET)
if(_p11_codegen_missing EQUAL 0)
  set(P11_CAN_GENERATE ON)
else()
  set(P11_CAN_GENERATE OFF)
  message(STATUS "p11forge: generator tools missing; using the checked-in generated/ as is")
endif()
file(GLOB P11_CODEGEN_INPUTS CONFIGURE_DEPENDS
  ${P11_SOURCE_ROOT}/codegen/*.py ${P11_SOURCE_ROOT}/codegen/p11gen/*.py
  ${P11_SOURCE_ROOT}/codegen/templates/*.j2 ${P11_SOURCE_ROOT}/spec/rules.yaml ${P11_SOURCE_ROOT}/spec/return_values.yaml
  ${P11_SOURCE_ROOT}/spec/backend_mechanisms.yaml
  ${P11_SOURCE_ROOT}/spec/profiles/*.yaml)

function(p11_add_profile name)
  cmake_parse_arguments(ARG "" "GENERATED_DIR;PROFILE_DIR" "CONFORMANCE_ARGS" ${ARGN})
  if(NOT ARG_GENERATED_DIR)
    set(ARG_GENERATED_DIR ${P11_SOURCE_ROOT}/generated/${name})
  endif()
  if(NOT ARG_PROFILE_DIR)
    set(ARG_PROFILE_DIR ${P11_SOURCE_ROOT}/spec/profiles)
  endif()
  set(gen ${ARG_GENERATED_DIR})
  list(TRANSFORM P11_GENERATED_FILES PREPEND ${gen}/ OUTPUT_VARIABLE outputs)

  if(P11_CAN_GENERATE)
    # Regenerate into the (checked-in) folder when an input changes.
    get_filename_component(out_root ${gen} DIRECTORY)
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND ${P11_PYTHON} ${P11_SOURCE_ROOT}/codegen/generate.py
              --profile-dir ${ARG_PROFILE_DIR} --profile ${name} --out ${out_root}
      DEPENDS ${P11_CODEGEN_INPUTS} ${ARG_PROFILE_DIR}/${name}.yaml ${P11_PKCS11_INCLUDE_DIR}/pkcs11.h
      COMMENT "Generating profile ${name}"
      VERBATIM)
  endif()

  # The profile's wolfCrypt settings choose its wolfCrypt and backend build
  # (read at configure time: a regenerated file re-runs the configure step).
  set(settings ${gen}/wolfcrypt_user_settings.h)
  if(NOT EXISTS ${settings} AND P11_CAN_GENERATE)
    get_filename_component(out_root ${gen} DIRECTORY)
    execute_process(COMMAND ${P11_PYTHON} ${P11_SOURCE_ROOT}/codegen/generate.py
                            --profile-dir ${ARG_PROFILE_DIR} --profile ${name} --out ${out_root})
  endif()
  # backend: lean (profile.h says so) links the verify-only backend, whose
  # sources include the generated p11_backend.h themselves.
  file(STRINGS ${gen}/profile.h lean REGEX "^#define P11_PROFILE_BACKEND_LEAN 1$")
  if(lean)
    p11_lean_backend_for_settings(${settings} ${gen} backend)
    set(interface_check "")
  else()
    p11_backend_for_settings(${settings} backend)
    set(interface_check ${P11_SOURCE_ROOT}/backend_wolfssl/interface_check.cpp)
  endif()

  # Entry points + profile data, compiled once for the module and the static library.
  add_library(p11forge_${name}_objects OBJECT
    ${gen}/entry_points.c ${gen}/profile.c ${interface_check})
  target_include_directories(p11forge_${name}_objects PRIVATE ${gen} ${P11_SOURCE_ROOT}/backend_wolfssl)
  target_link_libraries(p11forge_${name}_objects PRIVATE ${backend} p11_warnings)

  if(P11_FIRMWARE)
    # Firmware: the static library only, named like the host's module; the
    # image links it with the device's PAL (p11_module_pal) and port.
    p11_wolfcrypt_for_settings(${settings} wolfcrypt)
    add_library(p11forge-${name} STATIC
      $<TARGET_OBJECTS:p11forge_${name}_objects> $<TARGET_OBJECTS:${backend}>)
    target_link_libraries(p11forge-${name} PUBLIC ${wolfcrypt} p11_port p11_pkcs11_headers)
    target_include_directories(p11forge-${name} INTERFACE ${gen})
    set_target_properties(p11forge-${name} PROPERTIES P11_BACKEND ${backend})
    return()
  endif()
  add_library(p11forge-${name} SHARED $<TARGET_OBJECTS:p11forge_${name}_objects>)
  # -z nodelete: once loaded, a module stays for the life of the process
  # (dlclose leaves it). The seed's PAL has no finalize, so what the PAL holds
  # (the POSIX PAL's label index) lives as long as the process; unmapped under
  # it, it would be lost. The full backend's initial-exec thread-local cache
  # kept its modules loaded anyway; the lean backend has none.
  target_link_libraries(p11forge-${name} PRIVATE ${backend} p11_module_pal
                        -Wl,--no-undefined -Wl,--exclude-libs,ALL -Wl,-z,nodelete)
  set_target_properties(p11forge-${name} PROPERTIES PREFIX "" OUTPUT_NAME p11forge-${name}
                        P11_BACKEND ${backend})

  add_library(p11forge-${name}-static STATIC $<TARGET_OBJECTS:p11forge_${name}_objects>)
  target_link_libraries(p11forge-${name}-static PUBLIC ${backend})

  if(BUILD_TESTING)
    # A fresh store per run: the conformance run starts from the profile's first state.
    set(store ${CMAKE_CURRENT_BINARY_DIR}/stores/conformance-${name})
    add_test(NAME conformance.${name}.fresh_store
             COMMAND ${CMAKE_COMMAND} -E rm -rf ${store})
    set_tests_properties(conformance.${name}.fresh_store PROPERTIES FIXTURES_SETUP store_${name})
    # A built-in profile by name; one from elsewhere (a test's) by its file.
    set(profile_arg ${name})
    if(NOT ARG_PROFILE_DIR STREQUAL "${P11_SOURCE_ROOT}/spec/profiles")
      set(profile_arg ${ARG_PROFILE_DIR}/${name}.yaml)
    endif()
    add_test(NAME conformance.${name}
             COMMAND p11conform --module $<TARGET_FILE:p11forge-${name}> --profile ${profile_arg} --strict-profile
                     --report-md ${CMAKE_CURRENT_BINARY_DIR}/reports/conformance-${name}.md
                     --report-junit ${CMAKE_CURRENT_BINARY_DIR}/reports/conformance-${name}.xml
                     --report-coverage ${CMAKE_CURRENT_BINARY_DIR}/reports/conformance-${name}-coverage.md
                     ${ARG_CONFORMANCE_ARGS})
    set_tests_properties(conformance.${name} PROPERTIES
      FIXTURES_REQUIRED store_${name} ENVIRONMENT "P11FORGE_STORE_DIR=${store}")
  endif()
endfunction()
