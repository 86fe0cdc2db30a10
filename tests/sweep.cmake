# `rvh-vp sweep` on this machine (docs/sweeps.md): spec errors, a 12-point
# sweep checked against single runs, failed and timed-out points, resume
# after Ctrl-C, a changed spec, CSV export (tests/sweep_test.sh).
if(TARGET rvh-vp)
  add_test(NAME sweep_local
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/sweep_test.sh $<TARGET_FILE:rvh-vp> ${CMAKE_BINARY_DIR}/sw)
  set_tests_properties(sweep_local PROPERTIES LABELS "sweep;cli;hyp" SKIP_RETURN_CODE 77 TIMEOUT 300)
endif()

# The sweep's --report page and --plots files rendered by headless Chromium
# (tests/sweep_report_chromium_test.sh; png_check comes from reports.cmake).
if(TARGET rvh-vp AND TARGET png_check)
  add_test(NAME sweep_report_chromium
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/sweep_report_chromium_test.sh $<TARGET_FILE:rvh-vp> ${CMAKE_BINARY_DIR}/sw
            $<TARGET_FILE:png_check>)
  set_tests_properties(sweep_report_chromium PROPERTIES LABELS "sweep;report" SKIP_RETURN_CODE 77 TIMEOUT 240)
endif()
