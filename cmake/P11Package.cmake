# The CMake package (find_package(p11forge), docs/install.md): for projects
# that link a profile's token into their program instead of loading the module.
#   p11forge::<profile>   libp11forge-<profile>.a: the profile's entry points,
#                         backend and its own wolfCrypt build, in one archive
#   p11forge::pal_posix   libp11forge-pal-posix.a: the POSIX file PAL (a device
#                         links its own PAL instead, docs/porting.md)
#   p11forge::port        libp11forge-port.a: the host port layer both need
# with the headers under ${includedir}/p11forge (the PAL and profile
# interfaces; pkcs11.h is p11-kit's, found where this build found it).
include(CMakePackageConfigHelpers)

set(p11_package_dir ${CMAKE_INSTALL_LIBDIR}/cmake/p11forge)

function(p11_package_archive target output)
  add_library(${target} STATIC ${ARGN})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ${output} LINKER_LANGUAGE CXX)
  install(TARGETS ${target} ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
endfunction()

set(p11_package_system_libs "")
foreach(profile ${P11_PROFILES})
  get_target_property(backend p11forge-${profile} P11_BACKEND)
  set(objects $<TARGET_OBJECTS:p11forge_${profile}_objects> $<TARGET_OBJECTS:${backend}>)
  p11_wolfcrypt_for_settings(${PROJECT_SOURCE_DIR}/generated/${profile}/wolfcrypt_user_settings.h wolfcrypt)
  get_target_property(wolfcrypt_type ${wolfcrypt} TYPE)
  if(wolfcrypt_type STREQUAL "STATIC_LIBRARY")
    list(APPEND objects $<TARGET_OBJECTS:${wolfcrypt}>)
  else()
    set(p11_package_system_libs ${P11_WOLFSSL_LIBRARY}) # -DP11_WOLFSSL=system: Debian's libwolfssl
  endif()
  p11_package_archive(p11forge-${profile}-package p11forge-${profile} ${objects})
  install(FILES ${PROJECT_SOURCE_DIR}/generated/${profile}/profile.h
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/p11forge/${profile} COMPONENT dev)
endforeach()
p11_package_archive(p11forge-pal-posix-package p11forge-pal-posix
                    $<TARGET_OBJECTS:p11_pal_posix> $<TARGET_OBJECTS:p11_pal_label_index>)
p11_package_archive(p11forge-port-package p11forge-port $<TARGET_OBJECTS:p11_port>)
install(FILES ${PROJECT_SOURCE_DIR}/pal/core_pkcs11_pal.h ${PROJECT_SOURCE_DIR}/pal/core_pkcs11_pal_changes.h
              ${PROJECT_SOURCE_DIR}/pal/core_pkcs11_pal_device_key.h ${PROJECT_SOURCE_DIR}/pal/core_pkcs11_pal_lock.h
              ${PROJECT_SOURCE_DIR}/runtime/p11_profile.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/p11forge COMPONENT dev)

set(P11_PACKAGE_PROFILES ${P11_PROFILES})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/p11forgeConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/install/p11forgeConfig.cmake
  INSTALL_DESTINATION ${p11_package_dir}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_LIBDIR)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/install/p11forgeConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/install/p11forgeConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/install/p11forgeConfigVersion.cmake
        DESTINATION ${p11_package_dir} COMPONENT dev)
