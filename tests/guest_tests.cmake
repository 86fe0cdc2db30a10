# S-mode guest programs from sw/guest (see sw/CMakeLists.txt,
# rvh_add_guest_program). Each runs three ways and must exit 0 printing
# "PASS: <name>":
#   guest_qemu_<name>  QEMU virt + OpenSBI fw_jump (-smp n)    labels guest;qemu
#   guest_bare_<name>  rvh-vp --bios fw_jump.elf --kernel      labels guest;bare
#   guest_hyp_<name>   rvh-vp --hyp --kernel (hosted hypervisor) labels guest;hyp
# The runner (tests/run_guest_test.sh) exits 77 (skip) when QEMU or OpenSBI
# is missing, or when rvh-vp --help does not mention --hyp.
# Included by tests/CMakeLists.txt and, for standalone sw/ builds (QEMU
# only), by sw/CMakeLists.txt.
get_property(_rvh_guest_progs GLOBAL PROPERTY RVH_GUEST_PROGRAMS)
get_property(_rvh_guest_dir GLOBAL PROPERTY RVH_SW_OUTPUT_DIR)
set(_rvh_guest_runner ${CMAKE_CURRENT_LIST_DIR}/run_guest_test.sh)
set(RVH_GUEST_OPENSBI /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
    CACHE FILEPATH "OpenSBI fw_jump.elf for the guest_qemu_* and guest_bare_* tests")

foreach(_name IN LISTS _rvh_guest_progs)
  get_property(_smp GLOBAL PROPERTY RVH_GUEST_SMP_${_name})
  get_property(_tmo GLOBAL PROPERTY RVH_GUEST_TIMEOUT_${_name})
  get_property(_cpu GLOBAL PROPERTY RVH_GUEST_QEMU_CPU_${_name})
  get_property(_labels GLOBAL PROPERTY RVH_GUEST_LABELS_${_name})
  set(_elf ${_rvh_guest_dir}/${_name}.elf)
  set(_env "RVH_GUEST_TIMEOUT=${_tmo};RVH_GUEST_SMP=${_smp};RVH_QEMU_CPU=${_cpu};RVH_OPENSBI=${RVH_GUEST_OPENSBI}")

  add_test(NAME guest_qemu_${_name} COMMAND ${_rvh_guest_runner} qemu qemu ${_elf} ${_name})
  set_tests_properties(guest_qemu_${_name} PROPERTIES
    LABELS "guest;qemu;${_labels}" SKIP_RETURN_CODE 77 TIMEOUT ${_tmo}
    ENVIRONMENT "${_env}")

  if(TARGET rvh-vp)
    add_test(NAME guest_bare_${_name}
             COMMAND ${_rvh_guest_runner} bare $<TARGET_FILE:rvh-vp> ${_elf} ${_name})
    set_tests_properties(guest_bare_${_name} PROPERTIES
      LABELS "guest;bare;${_labels}" SKIP_RETURN_CODE 77 TIMEOUT ${_tmo}
      ENVIRONMENT "${_env}")
    add_test(NAME guest_hyp_${_name}
             COMMAND ${_rvh_guest_runner} hyp $<TARGET_FILE:rvh-vp> ${_elf} ${_name})
    set_tests_properties(guest_hyp_${_name} PROPERTIES
      LABELS "guest;hyp;${_labels}" SKIP_RETURN_CODE 77 TIMEOUT ${_tmo}
      ENVIRONMENT "${_env}")
  endif()
endforeach()
