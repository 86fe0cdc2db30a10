# Errors a run meets while it is set up: simulated RAM the host cannot
# allocate, an ELF entry point outside its loadable segments
# (tests/startup_errors_test.sh).
if(TARGET rvh-vp)
  add_test(NAME startup_errors
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/startup_errors_test.sh $<TARGET_FILE:rvh-vp> ${CMAKE_BINARY_DIR}/sw)
  set_tests_properties(startup_errors PROPERTIES LABELS "cli" TIMEOUT 120)
endif()
