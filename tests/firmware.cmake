# Firmware boots: Debian's OpenSBI 1.1 (fw_jump) + U-Boot (qemu-riscv64_smode)
# on rvh-vp, driven through the UART like a person at the console.
add_executable(console_driver ${CMAKE_CURRENT_SOURCE_DIR}/tools/console_driver.cpp)
set_target_properties(console_driver PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})

set(RVH_OPENSBI_FW_JUMP /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf)
set(RVH_UBOOT_SMODE /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin)

function(rvh_add_firmware_test name script)
  add_test(NAME ${name}
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/firmware/run_if_present.sh ${RVH_OPENSBI_FW_JUMP} ${RVH_UBOOT_SMODE} --
            $<TARGET_FILE:console_driver> ${CMAKE_CURRENT_SOURCE_DIR}/firmware/${script} --
            $<TARGET_FILE:rvh-vp> --bios ${RVH_OPENSBI_FW_JUMP} --kernel ${RVH_UBOOT_SMODE} ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS firmware SKIP_RETURN_CODE 77 TIMEOUT 300)
endfunction()

rvh_add_firmware_test(firmware_uboot_prompt uboot_prompt.script)
rvh_add_firmware_test(firmware_uboot_smp4 uboot_smp4.script --smp 4)

# The same U-Boot as a guest of the hosted hypervisor (--hyp): no OpenSBI,
# the hypervisor provides SBI and the virtual UART.
add_test(NAME firmware_uboot_guest
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/firmware/run_if_present.sh ${RVH_UBOOT_SMODE} --
          $<TARGET_FILE:console_driver> ${CMAKE_CURRENT_SOURCE_DIR}/firmware/uboot_guest.script --
          $<TARGET_FILE:rvh-vp> --hyp --kernel ${RVH_UBOOT_SMODE})
set_tests_properties(firmware_uboot_guest PROPERTIES LABELS "firmware;hyp" SKIP_RETURN_CODE 77 TIMEOUT 300)
