# Using ebworker from another CMake project, three ways:
#
#   find_package(ebworker CONFIG REQUIRED)         # after `cmake --install` (this file's rules)
#   add_subdirectory(third_party/ebworker)         # a copy or a git submodule
#   FetchContent_Declare(ebworker GIT_REPOSITORY … GIT_TAG …) + FetchContent_MakeAvailable(ebworker)
#
# Each gives the target ebworker::ebworker; link it and call ebworker::run_cli from main.
# pkg-config users get ebworker.pc. Included at the end of the top CMakeLists.txt.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The same name in-tree as installed, so a user's CMakeLists reads the same either way.
add_library(ebworker::ebworker ALIAS ebworker)
target_compile_features(ebworker PUBLIC cxx_std_20)
# Installed headers keep the layout the sources include: "job/job.h", "middleware/dispatch.h".
target_include_directories(ebworker PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/ebworker>)

# A library built with ASan+UBSan needs their runtimes in whatever links it: carry the flag.
if(EBWORKER_SANITIZE)
  target_link_options(ebworker INTERFACE -fsanitize=address,undefined)
endif()

# Install rules by default only when ebworker is the top-level project (an add_subdirectory
# user's own install should not pick up ebworker's headers unless asked).
option(EBWORKER_INSTALL "Generate ebworker's install rules" ${PROJECT_IS_TOP_LEVEL})
if(NOT EBWORKER_INSTALL)
  return()
endif()

set(EBWORKER_CONFIG_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ebworker)

# Headers: src/**.h → include/ebworker/**.h, middleware/*.h → include/ebworker/middleware/.
install(DIRECTORY ${ebworker_SOURCE_DIR}/src/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ebworker
        COMPONENT development
        FILES_MATCHING PATTERN "*.h")
install(DIRECTORY ${ebworker_SOURCE_DIR}/middleware/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ebworker/middleware
        COMPONENT development
        FILES_MATCHING PATTERN "*.h")

# ebworker_warnings rides along only because a static library's private link items are
# exported ($<LINK_ONLY:…>); it adds nothing to a consumer's compile or link lines.
set_target_properties(ebworker_warnings PROPERTIES EXPORT_NAME warnings)
install(TARGETS ebworker ebworker_warnings
        EXPORT ebworkerTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)

# The example app, as bin/ebworker: what the container image runs.
if(TARGET ebworker_app)
  install(TARGETS ebworker_app RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
endif()

install(EXPORT ebworkerTargets
        NAMESPACE ebworker::
        DESTINATION ${EBWORKER_CONFIG_DIR}
        COMPONENT development)

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
get_target_property(EBWORKER_LIBRARY_TYPE ebworker TYPE)
if(EBWORKER_LIBRARY_TYPE STREQUAL "STATIC_LIBRARY")
  set(EBWORKER_PC_REQUIRES "Requires: spdlog, libpistache, openssl, libcurl, yaml-cpp, RapidJSON")
else()
  set(EBWORKER_PC_REQUIRES "Requires: spdlog, RapidJSON\nRequires.private: libpistache, openssl, libcurl, yaml-cpp")
endif()
set(EBWORKER_PC_SANITIZE "")
if(EBWORKER_SANITIZE)
  set(EBWORKER_PC_SANITIZE " -fsanitize=address,undefined")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/ebworker.pc.in ${CMAKE_CURRENT_BINARY_DIR}/ebworker.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ebworker.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT development)
