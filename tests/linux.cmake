# Linux 6.1 workload (sw/linux) on rvh-vp, bare (OpenSBI fw_jump + Image) and
# as a guest of the hosted hypervisor (--hyp). Label "linux".
#   linux_build        fixture setup: sw/linux/build.sh -> ${RVH_LINUX_IMAGE}
#                      (cached: a no-op when the Image is up to date)
#   linux_bare         rvh-vp --bios fw_jump.elf --kernel Image
#   linux_bare_smp4    the same with --smp 4
#   linux_guest        rvh-vp --hyp --kernel Image
#   linux_guest_smp2   the same with --smp 2
# Each boot runs tests/run_linux_test.sh, which checks /init's markers, the
# hart count and the power-off in the run summary.
# RVH_LINUX_TESTS: register these tests (default ON when the Linux source
# tarball and the riscv64-linux-gnu cross compiler are installed).
find_program(RVH_LINUX_CROSS_CC riscv64-linux-gnu-gcc)
if(EXISTS "${RVH_LINUX_TARBALL}" AND RVH_LINUX_CROSS_CC)
  set(_rvh_linux_default ON)
else()
  set(_rvh_linux_default OFF)
endif()
option(RVH_LINUX_TESTS "Register the Linux boot tests (label linux; builds a kernel)" ${_rvh_linux_default})

if(RVH_LINUX_TESTS AND TARGET rvh-vp)
  add_test(NAME linux_build
           COMMAND ${CMAKE_COMMAND} -E env RVH_LINUX_TARBALL=${RVH_LINUX_TARBALL}
                   ${RVH_LINUX_BUILD_SCRIPT} ${RVH_LINUX_DIR})
  set_tests_properties(linux_build PROPERTIES
    LABELS linux FIXTURES_SETUP linux_image TIMEOUT 3600)

  set(_rvh_linux_runner ${CMAKE_CURRENT_LIST_DIR}/run_linux_test.sh)
  foreach(_t IN ITEMS "linux_bare;bare;1" "linux_bare_smp4;bare;4"
                      "linux_guest;guest;1" "linux_guest_smp2;guest;2")
    list(GET _t 0 _name)
    list(GET _t 1 _mode)
    list(GET _t 2 _smp)
    add_test(NAME ${_name}
             COMMAND ${_rvh_linux_runner} ${_mode} $<TARGET_FILE:rvh-vp> ${RVH_LINUX_IMAGE} ${_smp})
    set_tests_properties(${_name} PROPERTIES
      LABELS "linux;${_mode}" FIXTURES_REQUIRED linux_image SKIP_RETURN_CODE 77
      TIMEOUT 900 ENVIRONMENT "RVH_LINUX_TIMEOUT=840;RVH_OPENSBI=${RVH_GUEST_OPENSBI}")
  endforeach()

  # The guest without Sstc: its timer goes through SBI set_timer.
  add_test(NAME linux_guest_nosstc COMMAND ${_rvh_linux_runner} guest $<TARGET_FILE:rvh-vp> ${RVH_LINUX_IMAGE} 1)
  set_tests_properties(linux_guest_nosstc PROPERTIES
    LABELS "linux;guest" FIXTURES_REQUIRED linux_image SKIP_RETURN_CODE 77 TIMEOUT 900
    ENVIRONMENT "RVH_LINUX_TIMEOUT=840;RVH_LINUX_GUEST_ARGS=--no-guest-sstc")

  # A guest boot is deterministic (issue: same instructions and simulated time twice).
  add_test(NAME linux_guest_determinism
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/same_twice.sh $<TARGET_FILE:rvh-vp> --no-stdin --hyp
                   --guest-memory 256M --kernel ${RVH_LINUX_IMAGE} --append "console=ttyS0 earlycon=sbi")
  set_tests_properties(linux_guest_determinism PROPERTIES
    LABELS "linux;guest;determinism" FIXTURES_REQUIRED linux_image TIMEOUT 900)
endif()
