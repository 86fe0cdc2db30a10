# Every output option writes the path it is given as given (a device, a FIFO,
# through a symlink), and a path that cannot be written is a one-line error
# before the run (tests/output_paths_test.sh, docs/options.md "Output files").
if(TARGET rvh-vp)
  add_test(NAME output_paths
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/output_paths_test.sh $<TARGET_FILE:rvh-vp> ${CMAKE_BINARY_DIR}/sw)
  set_tests_properties(output_paths PROPERTIES LABELS "cli;report" TIMEOUT 300)
endif()
