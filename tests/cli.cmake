# The rvh-vp command line as a user meets it: errors are one clear line and a
# non-zero exit, never a crash; --dump-dtb/--dtb round-trip; HTIF programs
# end the run with their exit code.
if(TARGET rvh-vp)
  add_test(NAME cli_errors_and_options
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/cli_test.sh $<TARGET_FILE:rvh-vp> ${CMAKE_BINARY_DIR}/sw)
  set_tests_properties(cli_errors_and_options PROPERTIES LABELS "cli" TIMEOUT 120)
endif()
# The timing configuration moves real runs' figures as docs/timing.md says.
if(TARGET rvh-vp)
  add_test(NAME config_effects
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/config_effects_test.sh $<TARGET_FILE:rvh-vp> ${CMAKE_BINARY_DIR}/sw)
  set_tests_properties(config_effects PROPERTIES LABELS "cli;config" SKIP_RETURN_CODE 77 TIMEOUT 120)
endif()
