# The library as a user meets it (docs/library.md): cmake --install of this
# build into a temporary prefix, the examples/ project configured against it
# with find_package(rvhvp), built, and run on sw/examples/accel_device.c,
# which must print PASS and exit 0, then with the device assigned to a guest
# (sw/guest/g_accel_device.c, next to sw/guest/g_accel_probe.c:
# tests/accel_guest_test.sh). Label: install.
get_property(_rvh_sw_dir GLOBAL PROPERTY RVH_SW_OUTPUT_DIR)
if(TARGET rvh-vp AND TARGET sw_all)
  add_test(NAME install_example
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/install_test.sh ${CMAKE_COMMAND} ${CMAKE_BINARY_DIR}
            ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/install-test ${_rvh_sw_dir}/accel_device.elf
            ${CMAKE_CXX_COMPILER} ${_rvh_sw_dir}/g_accel_device.elf ${_rvh_sw_dir}/g_accel_probe.elf)
  set_tests_properties(install_example PROPERTIES LABELS "install" TIMEOUT 300)
endif()
