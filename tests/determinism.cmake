# Determinism: the same command twice gives the same instruction counts and
# simulated time (DESIGN.md "Runs are deterministic").
if(TARGET rvh-vp)
  add_test(NAME determinism_uboot_smp2
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/determinism.sh $<TARGET_FILE:rvh-vp>
            /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf
            /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin)
  set_tests_properties(determinism_uboot_smp2 PROPERTIES LABELS "determinism" SKIP_RETURN_CODE 77 TIMEOUT 300)
endif()
