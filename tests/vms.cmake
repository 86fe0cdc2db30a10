# Several VMs on shared harts (issue 14; docs/hypervisor.md "Several VMs"):
# U-Boot pairs driven through their own consoles, Linux next to U-Boot, three
# 2-vCPU VMs on two harts, an isolation pair, a failing VM, determinism and
# the VMID what-if (tests/vms_test.py). Label "vms".
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(WARNING "python3 not found: the VM tests are not registered (Debian: apt install python3)")
  return()
endif()
set(_rvh_vms_uboot /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin)
foreach(case uboot_pair_1hart uboot_pair_2harts three_vms consoles per_vm_config busy_neighbour isolation failing_vm determinism vmid_whatif linux_uboot)
  add_test(NAME vms_${case}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/vms_test.py ${case}
            --vp $<TARGET_FILE:rvh-vp> --sw ${CMAKE_BINARY_DIR}/sw --uboot ${_rvh_vms_uboot}
            --linux "${RVH_LINUX_IMAGE}")
  set_tests_properties(vms_${case} PROPERTIES LABELS "vms;hyp" SKIP_RETURN_CODE 77 TIMEOUT 600)
endforeach()
if(RVH_LINUX_TESTS)
  set_tests_properties(vms_linux_uboot PROPERTIES LABELS "vms;hyp;linux" FIXTURES_REQUIRED linux_image)
endif()
