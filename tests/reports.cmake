# Reports (docs/reports.md): --timeline, --vcd, --report, `rvh-vp report`
# and `rvh-vp compare` from the command line (tests/reports_test.sh), and
# the HTML page rendered by headless Chromium (tests/report_chromium_test.sh).
add_executable(timeline_check ${CMAKE_CURRENT_SOURCE_DIR}/tools/timeline_check.cpp)
target_link_libraries(timeline_check PRIVATE nlohmann_json::nlohmann_json)
set_target_properties(timeline_check PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})

if(TARGET rvh-vp)
  add_test(NAME reports_cli
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/reports_test.sh $<TARGET_FILE:rvh-vp> ${CMAKE_BINARY_DIR}/sw
            $<TARGET_FILE:timeline_check> $<TARGET_FILE:console_driver> ${CMAKE_SOURCE_DIR})
  set_tests_properties(reports_cli PROPERTIES LABELS "report;cli;hyp" SKIP_RETURN_CODE 77 TIMEOUT 180)

  find_package(PNG)
  if(PNG_FOUND)
    add_executable(png_check ${CMAKE_CURRENT_SOURCE_DIR}/tools/png_check.cpp)
    target_link_libraries(png_check PRIVATE PNG::PNG)
    set_target_properties(png_check PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
    add_test(NAME report_chromium
      COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/report_chromium_test.sh $<TARGET_FILE:rvh-vp> ${CMAKE_BINARY_DIR}/sw
              $<TARGET_FILE:png_check>)
    set_tests_properties(report_chromium PROPERTIES LABELS report SKIP_RETURN_CODE 77 TIMEOUT 180)
  else()
    message(WARNING "libpng not found: the report_chromium test is not built (apt-get install libpng-dev)")
  endif()
endif()
