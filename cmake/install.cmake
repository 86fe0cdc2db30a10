# cmake/install.cmake: what `cmake --install` puts under the prefix
# (docs/library.md):
#   include/rvhvp/{cpu,peripherals,hyp,debug,platform}/*.h   the public headers
#   lib/librvh_{cpu,peripherals,hyp,debug,platform}.a    the libraries
#   bin/rvh-vp, bin/rvh-vp-sweep                         the simulator, and `rvh-vp sweep`
#   lib/cmake/rvhvp/                                     the CMake package:
#     rvhvpConfig.cmake, rvhvpConfigVersion.cmake, rvhvpTargets*.cmake
#     (targets rvhvp::cpu, ::peripherals, ::hyp, ::debug, ::platform) and FindLibfdt.cmake
# The libraries hold no main() or sc_main(): those are in platform/main.cpp,
# which only the rvh-vp executable compiles.
include(CMakePackageConfigHelpers)

set(RVH_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/rvhvp)
set(_rvh_libraries cpu peripherals hyp debug platform)

foreach(_lib IN LISTS _rvh_libraries)
  set_target_properties(rvh_${_lib} PROPERTIES EXPORT_NAME ${_lib})
  file(GLOB _headers CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${_lib}/*.h)
  install(FILES ${_headers} DESTINATION ${RVH_INSTALL_INCLUDEDIR}/${_lib})
  install(TARGETS rvh_${_lib} EXPORT rvhvpTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
endforeach()

if(TARGET rvh-vp)
  install(TARGETS rvh-vp rvh-vp-sweep RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(EXPORT rvhvpTargets NAMESPACE rvhvp:: DESTINATION ${RVH_INSTALL_CMAKEDIR})

configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/rvhvpConfig.cmake.in
  ${CMAKE_BINARY_DIR}/cmake/rvhvpConfig.cmake
  INSTALL_DESTINATION ${RVH_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR)
# 0.x: a minor version may change the API, so only the same minor matches.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/cmake/rvhvpConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/cmake/rvhvpConfig.cmake
              ${CMAKE_BINARY_DIR}/cmake/rvhvpConfigVersion.cmake
              ${CMAKE_SOURCE_DIR}/cmake/FindLibfdt.cmake
        DESTINATION ${RVH_INSTALL_CMAKEDIR})
