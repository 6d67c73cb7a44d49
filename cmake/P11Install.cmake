# cmake --install (docs/install.md): what a packager or `cmake --install
# --prefix` puts where, with GNUInstallDirs.
#   ${libdir}/pkcs11/p11forge-<profile>.so   the modules of P11_INSTALL_PROFILES
#                                          (the multiarch folder p11-kit and OpenSC look in)
#   ${datadir}/p11-kit/modules/p11forge-<profile>.module
#                                          p11-kit registration of each, by absolute path
#   ${bindir}/p11conform, p11forge-provision
#   ${datadir}/p11forge/profiles/<name>.txt  every built profile, resolved (p11conform --profile FILE)
#   ${mandir}/man1/p11conform.1, p11forge-provision.1
#   ${docdir}/                              README.md and docs/*.md
#   ${libdir}/libp11forge-*.a, ${includedir}/p11forge/, ${libdir}/cmake/p11forge/
#                                          the CMake package (cmake/P11Package.cmake)
include(GNUInstallDirs)

set(P11_INSTALL_PROFILES full CACHE STRING
    "Profiles whose modules cmake --install installs and registers with p11-kit (hosts: full)")
# Debian's multiarch libdir (lib/x86_64-linux-gnu) keeps its pkcs11/ folder
# where p11-kit's own modules live.
set(P11_INSTALL_MODULEDIR ${CMAKE_INSTALL_LIBDIR}/pkcs11 CACHE STRING
    "Where the PKCS #11 modules go, relative to the prefix")

foreach(profile ${P11_INSTALL_PROFILES})
  if(NOT TARGET p11forge-${profile})
    message(FATAL_ERROR "P11_INSTALL_PROFILES: no profile ${profile} is built (have: ${P11_PROFILES})")
  endif()
  install(TARGETS p11forge-${profile} LIBRARY DESTINATION ${P11_INSTALL_MODULEDIR} COMPONENT module)
  # The module file names the module by its installed absolute path, so it
  # works whatever p11-kit's own module folder is. Written at install time:
  # `cmake --install --prefix` may change the prefix after configuring.
  set(module_dir ${CMAKE_INSTALL_DATADIR}/p11-kit/modules)
  install(CODE "
    set(prefix \"\${CMAKE_INSTALL_PREFIX}\")
    set(module \"\${prefix}/${P11_INSTALL_MODULEDIR}/p11forge-${profile}.so\")
    if(IS_ABSOLUTE \"${P11_INSTALL_MODULEDIR}\")
      set(module \"${P11_INSTALL_MODULEDIR}/p11forge-${profile}.so\")
    elseif(prefix STREQUAL \"/usr\" AND \"${P11_INSTALL_MODULEDIR}\" STREQUAL \"${CMAKE_INSTALL_LIBDIR}/pkcs11\")
      # p11-kit's own module folder: the bare name, the same file on every architecture.
      set(module \"p11forge-${profile}.so\")
    endif()
    set(out \"\$ENV{DESTDIR}\${prefix}/${module_dir}/p11forge-${profile}.module\")
    message(STATUS \"Installing: \${out}\")
    file(WRITE \"\${out}\" \"# p11forge's PKCS #11 module, profile ${profile} (docs/install.md).
# Its token store is the folder P11FORGE_STORE_DIR names, else \$XDG_DATA_HOME/p11forge/store or
# ~/.local/share/p11forge/store: an agent (ssh-agent, gpg-agent, a browser) must have it set when it starts.
module: \${module}
\")" COMPONENT module)
endforeach()

# p11conform is built with the tests (it is a GoogleTest program).
foreach(program p11conform p11forge-provision)
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
  endif()
endforeach()
foreach(profile ${P11_PROFILES})
  install(FILES ${PROJECT_SOURCE_DIR}/generated/${profile}/conformance_profile.txt
          DESTINATION ${CMAKE_INSTALL_DATADIR}/p11forge/profiles RENAME ${profile}.txt COMPONENT tools)
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/docs/man/p11conform.1 ${PROJECT_SOURCE_DIR}/docs/man/p11forge-provision.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tools)
file(GLOB p11_docs ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${p11_docs} DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT tools)

# The CMake package for projects that link a profile (find_package(p11forge)).
include(P11Package)
