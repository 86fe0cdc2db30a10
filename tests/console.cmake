# The console (issue 17; docs/running.md "The console"): OpenSBI + U-Boot
# behind a real pseudo-terminal (Ctrl-C to the guest, the Ctrl-A keys, the
# terminal modes before and after, SIGTERM), over TCP, a Unix socket and a
# pty, --serial-log, early input, bad --serial values (tests/console_test.py).
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(WARNING "python3 not found: the console tests are not registered (Debian: apt install python3)")
  return()
endif()
# The same firmware as tests/firmware.cmake (included after this file).
set(RVH_CONSOLE_FW_JUMP /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf)
set(RVH_CONSOLE_UBOOT /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin)
foreach(case ctrl_c keys sigterm hyp tcp pty unix log early bad_options)
  add_test(NAME console_${case}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/console_test.py ${case}
            --vp $<TARGET_FILE:rvh-vp> --bios ${RVH_CONSOLE_FW_JUMP} --uboot ${RVH_CONSOLE_UBOOT})
  set_tests_properties(console_${case} PROPERTIES LABELS console SKIP_RETURN_CODE 77 TIMEOUT 300)
endforeach()
set_tests_properties(console_hyp PROPERTIES LABELS "console;hyp")
