# Real Linux 6.1 KVM on rvh-vp (issue 12, sw/kvm, sw/linux/kvm.config).
# Label "kvm".
#   kvm_build          fixture setup: sw/linux/build.sh --kvm -> ${RVH_KVM_HOST_IMAGE}
#                      (cached: a no-op when the Image is up to date)
#   kvm_smoke_1/2      the host boots on OpenSBI (2 harts), its /init runs our VMM
#                      with g_smoke_all on 1 / 2 vCPUs (tests/run_kvm_test.sh)
#   kvm_bench_1/2      the same with gb_micro: its BENCH lines and "BENCH done"
#   kvm_calibration    `rvh-vp calibrate` (tests/kvm/kvm_calibration_test.cpp):
#                      the cost file, the hosted hypervisor with it against the
#                      real KVM per operation (10 %) and for g_smoke_all's whole
#                      run (15 %), and a what-if calibration (hart.cpi.load=3)
# Registered with the Linux tests (RVH_LINUX_TESTS) when the VMM and the guests
# can be built (riscv64-linux-gnu-gcc, sw/).
get_property(_rvh_kvm_sw_programs GLOBAL PROPERTY RVH_SW_TEST_PROGRAMS)
if(RVH_LINUX_TESTS AND RVH_LINUX_GNU_CC AND _rvh_kvm_sw_programs AND TARGET rvh-vp)
  add_test(NAME kvm_build
           COMMAND ${CMAKE_COMMAND} -E env RVH_LINUX_TARBALL=${RVH_LINUX_TARBALL}
                   ${RVH_LINUX_BUILD_SCRIPT} --kvm ${RVH_KVM_HOST_DIR})
  set_tests_properties(kvm_build PROPERTIES LABELS "kvm;linux" FIXTURES_SETUP kvm_host_image TIMEOUT 3600)

  set(_rvh_kvm_runner ${CMAKE_CURRENT_LIST_DIR}/run_kvm_test.sh)
  set(_rvh_kvm_opensbi /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf)
  # name; guest; vCPUs; the guest's success line
  foreach(_t IN ITEMS "kvm_smoke_1;g_smoke_all;1;PASS: g_smoke_all" "kvm_smoke_2;g_smoke_all;2;PASS: g_smoke_all"
                      "kvm_bench_1;gb_micro;1;BENCH done" "kvm_bench_2;gb_micro;2;BENCH done")
    list(GET _t 0 _name)
    list(GET _t 1 _guest)
    list(GET _t 2 _vcpus)
    list(GET _t 3 _success)
    add_test(NAME ${_name}
             COMMAND ${_rvh_kvm_runner} $<TARGET_FILE:rvh-vp> ${RVH_KVM_HOST_IMAGE} ${RVH_KVM_INITRD}
                     ${_guest} ${_vcpus} 2 "${_success}")
    set_tests_properties(${_name} PROPERTIES
      LABELS "kvm;linux" FIXTURES_REQUIRED kvm_host_image TIMEOUT 900
      ENVIRONMENT "RVH_KVM_TIMEOUT=840;RVH_OPENSBI=${_rvh_kvm_opensbi}")
  endforeach()

  get_property(_rvh_kvm_sw_dir GLOBAL PROPERTY RVH_SW_OUTPUT_DIR)
  add_executable(kvm_calibration_test ${CMAKE_CURRENT_SOURCE_DIR}/kvm/kvm_calibration_test.cpp)
  target_link_libraries(kvm_calibration_test PRIVATE GTest::gtest GTest::gtest_main nlohmann_json::nlohmann_json)
  target_compile_definitions(kvm_calibration_test PRIVATE RVH_VP="$<TARGET_FILE:rvh-vp>"
                             RVH_KVM_HOST_IMAGE="${RVH_KVM_HOST_IMAGE}" RVH_KVM_INITRD="${RVH_KVM_INITRD}"
                             RVH_OPENSBI="${_rvh_kvm_opensbi}" RVH_SW_DIR="${_rvh_kvm_sw_dir}")
  add_dependencies(kvm_calibration_test rvh-vp)
  add_test(NAME kvm_calibration COMMAND kvm_calibration_test)
  set_tests_properties(kvm_calibration PROPERTIES
    LABELS "kvm;linux" FIXTURES_REQUIRED kvm_host_image TIMEOUT 900)
endif()
