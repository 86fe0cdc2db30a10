# cmake/FindLibfdt.cmake: finds libfdt (Debian: libfdt-dev), which ships
# neither a pkg-config file nor a CMake package. Used by the rvh-vp build
# and installed next to rvhvpConfig.cmake for find_package(rvhvp).
# Defines Libfdt_FOUND and the imported target Libfdt::Libfdt.
find_path(LIBFDT_INCLUDE_DIR libfdt.h)
find_library(LIBFDT_LIBRARY fdt)
mark_as_advanced(LIBFDT_INCLUDE_DIR LIBFDT_LIBRARY)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libfdt REQUIRED_VARS LIBFDT_LIBRARY LIBFDT_INCLUDE_DIR)

if(Libfdt_FOUND AND NOT TARGET Libfdt::Libfdt)
  add_library(Libfdt::Libfdt UNKNOWN IMPORTED)
  set_target_properties(Libfdt::Libfdt PROPERTIES
    IMPORTED_LOCATION "${LIBFDT_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LIBFDT_INCLUDE_DIR}")
endif()
