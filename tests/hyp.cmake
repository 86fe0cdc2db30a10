# The hosted hypervisor from the command line (tests/hyp_cli_test.sh).
if(TARGET rvh-vp)
  add_test(NAME hyp_cli COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/hyp_cli_test.sh $<TARGET_FILE:rvh-vp> ${CMAKE_BINARY_DIR}/sw)
  set_tests_properties(hyp_cli PROPERTIES LABELS "hyp;cli" SKIP_RETURN_CODE 77 TIMEOUT 120)
endif()
