# Integration tests: every self-checking program from sw/ (see
# sw/CMakeLists.txt, rvh_add_sw_program(... TEST)) runs
#   sw_qemu_<name>   on qemu-system-riscv64 -M virt (skipped if not installed;
#                    not registered for NO_QEMU programs, whose checks QEMU
#                    need not pass: behaviour the spec allows, not requires)
#   sw_rvhvp_<name>  on the rvh-vp simulator (only if the rvh-vp target exists)
# and must exit 0 printing "PASS: <name>". Labels: sw, qemu / rvhvp, plus
# the program's own labels (e.g. bench).
# Included by tests/CMakeLists.txt and, for standalone sw/ builds, by
# sw/CMakeLists.txt.
get_property(_rvh_sw_progs GLOBAL PROPERTY RVH_SW_TEST_PROGRAMS)
get_property(_rvh_sw_dir GLOBAL PROPERTY RVH_SW_OUTPUT_DIR)
set(_rvh_sw_runner ${CMAKE_CURRENT_LIST_DIR}/run_sw_test.sh)

foreach(_name IN LISTS _rvh_sw_progs)
  get_property(_cpu GLOBAL PROPERTY RVH_SW_QEMU_CPU_${_name})
  get_property(_tmo GLOBAL PROPERTY RVH_SW_TIMEOUT_${_name})
  get_property(_labels GLOBAL PROPERTY RVH_SW_LABELS_${_name})
  get_property(_no_qemu GLOBAL PROPERTY RVH_SW_NO_QEMU_${_name})
  set(_elf ${_rvh_sw_dir}/${_name}.elf)

  if(NOT _no_qemu)
    add_test(NAME sw_qemu_${_name}
             COMMAND ${_rvh_sw_runner} qemu ${_elf} ${_name})
    set_tests_properties(sw_qemu_${_name} PROPERTIES
      LABELS "sw;qemu;${_labels}"
      SKIP_RETURN_CODE 77
      TIMEOUT ${_tmo}
      ENVIRONMENT "RVH_SW_TIMEOUT=${_tmo};RVH_QEMU_CPU=${_cpu}")
  endif()

  if(TARGET rvh-vp)
    add_test(NAME sw_rvhvp_${_name}
             COMMAND ${_rvh_sw_runner} $<TARGET_FILE:rvh-vp> ${_elf} ${_name})
    set_tests_properties(sw_rvhvp_${_name} PROPERTIES
      LABELS "sw;rvhvp;${_labels}"
      SKIP_RETURN_CODE 77
      TIMEOUT ${_tmo}
      ENVIRONMENT "RVH_SW_TIMEOUT=${_tmo}")
  endif()
endforeach()
