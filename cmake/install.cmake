# Using ebworker from another CMake project, three ways:
#
#   find_package(ebworker CONFIG REQUIRED)         # after `cmake --install` (this file's rules)
#   add_subdirectory(third_party/ebworker)         # a copy or a git submodule
#   FetchContent_Declare(ebworker GIT_REPOSITORY … GIT_TAG …) + FetchContent_MakeAvailable(ebworker)
#
# Each gives the targets ebworker::client (the web tier: enqueue only), ebworker::worker (the
# worker, the daemon, the command line: call ebworker::run_cli from main) and ebworker::ebworker
# (both). pkg-config users get ebworker-client.pc, ebworker-worker.pc and ebworker.pc.
# Included at the end of the top CMakeLists.txt.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

foreach(lib ebworker_client ebworker_worker)
  target_include_directories(${lib} PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  # A library built with ASan+UBSan needs their runtimes in whatever links it: carry the flag.
  if(EBWORKER_SANITIZE)
    target_link_options(${lib} INTERFACE -fsanitize=address,undefined)
  endif()
endforeach()

# Install rules by default only when ebworker is the top-level project (an add_subdirectory
# user's own install should not pick up ebworker's headers unless asked).
option(EBWORKER_INSTALL "Generate ebworker's install rules" ${PROJECT_IS_TOP_LEVEL})
if(NOT EBWORKER_INSTALL)
  return()
endif()

set(EBWORKER_CONFIG_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ebworker)

# Headers: the public API only, include/ebworker/ → <prefix>/include/ebworker/.
install(DIRECTORY ${ebworker_SOURCE_DIR}/include/ebworker
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT development
        FILES_MATCHING PATTERN "*.h")

# ebworker_warnings rides along only because a static library's private link items are
# exported ($<LINK_ONLY:…>); it adds nothing to a consumer's compile or link lines.
set_target_properties(ebworker_warnings PROPERTIES EXPORT_NAME warnings)
# Two export sets, so that a web tier can find the client without pistache and yaml-cpp
# installed: find_package(ebworker CONFIG REQUIRED COMPONENTS client).
install(TARGETS ebworker_client ebworker_warnings
        EXPORT ebworkerClientTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(TARGETS ebworker_worker ebworker
        EXPORT ebworkerWorkerTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)

# `ebworker dev`'s local SQS: the launcher and the npm manifest that pins fauxqs, for
# `npm ci --prefix <prefix>/share/ebworker/local-sqs`. A binary finds them from its own path
# (bin/../share/ebworker/local-sqs) or, built against this package, from the prefix configured
# here (src/cli/fauxqs_launcher.cc).
install(FILES ${ebworker_SOURCE_DIR}/scripts/fauxqs.mjs
              ${ebworker_SOURCE_DIR}/package.json
              ${ebworker_SOURCE_DIR}/package-lock.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/ebworker/local-sqs
        COMPONENT runtime)
set_property(SOURCE ${ebworker_SOURCE_DIR}/src/cli/fauxqs_launcher.cc APPEND PROPERTY
             COMPILE_DEFINITIONS "EBWORKER_INSTALL_DATADIR=\"${CMAKE_INSTALL_FULL_DATADIR}/ebworker\"")

# The example app, as bin/ebworker: what the container image runs.
if(TARGET ebworker_app)
  install(TARGETS ebworker_app RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
endif()

foreach(set ebworkerClientTargets ebworkerWorkerTargets)
  install(EXPORT ${set}
          NAMESPACE ebworker::
          DESTINATION ${EBWORKER_CONFIG_DIR}
          COMPONENT development)
endforeach()

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/ebworkerConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/ebworkerConfig.cmake
  INSTALL_DESTINATION ${EBWORKER_CONFIG_DIR})
# 0.x: a new minor version may change the API, so only the same major.minor matches.
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/ebworkerConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ebworkerConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/ebworkerConfigVersion.cmake
        DESTINATION ${EBWORKER_CONFIG_DIR}
        COMPONENT development)

# pkg-config: relocatable (prefix found from the .pc file's own place, so `cmake --install
# --prefix DIR` works). A static library needs its dependencies on every link: Requires.
file(RELATIVE_PATH EBWORKER_PC_TO_PREFIX
     /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" EBWORKER_PC_TO_PREFIX "${EBWORKER_PC_TO_PREFIX}")
set(EBWORKER_PC_SANITIZE "")
if(EBWORKER_SANITIZE)
  set(EBWORKER_PC_SANITIZE " -fsanitize=address,undefined")
endif()
# A static library needs its dependencies on every link (Requires); a shared one only its
# public ones (Requires.private for the rest).
get_target_property(EBWORKER_LIBRARY_TYPE ebworker_client TYPE)
function(ebworker_pc NAME DESCRIPTION LIB PUBLIC_REQUIRES PRIVATE_REQUIRES)
  if(PRIVATE_REQUIRES STREQUAL "")
    set(EBWORKER_PC_REQUIRES "Requires: ${PUBLIC_REQUIRES}")
  elseif(EBWORKER_LIBRARY_TYPE STREQUAL "STATIC_LIBRARY")
    set(EBWORKER_PC_REQUIRES "Requires: ${PUBLIC_REQUIRES}, ${PRIVATE_REQUIRES}")
  else()
    set(EBWORKER_PC_REQUIRES "Requires: ${PUBLIC_REQUIRES}\nRequires.private: ${PRIVATE_REQUIRES}")
  endif()
  set(EBWORKER_PC_NAME ${NAME})
  set(EBWORKER_PC_DESCRIPTION ${DESCRIPTION})
  set(EBWORKER_PC_LIBS "${LIB}")
  configure_file(${CMAKE_CURRENT_FUNCTION_LIST_DIR}/ebworker.pc.in ${CMAKE_CURRENT_BINARY_DIR}/${NAME}.pc @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/${NAME}.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
          COMPONENT development)
endfunction()
ebworker_pc(ebworker-client "Enqueue jobs for the ebworker worker tier (web-tier client)"
            "-lebworker_client" "spdlog, RapidJSON" "openssl, libcurl")
ebworker_pc(ebworker-worker "Background jobs for the AWS Elastic Beanstalk worker tier"
            "-lebworker_worker" "ebworker-client" "libpistache, openssl, libcurl, yaml-cpp")
ebworker_pc(ebworker "ebworker: the worker and the web-tier client"
            "" "ebworker-worker, ebworker-client" "")
