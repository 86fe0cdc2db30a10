# A wrong timing configuration is one clear line and exit status 2; values
# at the documented limits run (docs/timing.md "Ranges").
if(TARGET rvh-vp)
  add_test(NAME config_errors
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/config_errors_test.sh $<TARGET_FILE:rvh-vp> ${CMAKE_BINARY_DIR}/sw)
  set_tests_properties(config_errors PROPERTIES LABELS "cli;config" TIMEOUT 120)
endif()
