# The GDB stub (issue 13): Debian's gdb-multiarch in batch mode and a raw
# RSP client against rvh-vp (tests/gdb/gdb_test.py), on a bare-metal
# program, OpenSBI + U-Boot and a --hyp guest.
find_program(RVH_GDB_MULTIARCH gdb-multiarch)
find_package(Python3 COMPONENTS Interpreter)
if(NOT RVH_GDB_MULTIARCH OR NOT Python3_Interpreter_FOUND)
  message(WARNING "gdb-multiarch or python3 not found: the GDB tests are not registered "
                  "(Debian: apt install gdb-multiarch python3)")
  return()
endif()
foreach(case bare smp determinism uboot guest ctrl_c bad_input)
  add_test(NAME gdb_${case}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/gdb/gdb_test.py ${case}
            --vp $<TARGET_FILE:rvh-vp> --sw ${CMAKE_BINARY_DIR}/sw)
  set_tests_properties(gdb_${case} PROPERTIES LABELS gdb SKIP_RETURN_CODE 77 TIMEOUT 400)
endforeach()
set_tests_properties(gdb_uboot gdb_ctrl_c PROPERTIES LABELS "gdb;firmware")
set_tests_properties(gdb_guest PROPERTIES LABELS "gdb;hyp")
