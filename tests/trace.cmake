# The commit-log trace (docs/debugging.md "Commit-log trace"):
# commit_log_test (tests/unit) also needs the disassembler library, and
# tests/trace_test.sh checks the trace of sw/tests/trace_demo.S line for
# line against tests/trace/trace_demo.expected, every filter, --trace-file
# and --trace-disasm, and the option errors.
if(TARGET commit_log_test)
  target_link_libraries(commit_log_test PRIVATE rvh_disasm)
endif()
if(TARGET rvh-vp AND TARGET sw_trace_demo)
  add_test(NAME trace
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/trace_test.sh $<TARGET_FILE:rvh-vp> ${RVH_SW_OUTPUT_DIR}
            ${CMAKE_CURRENT_SOURCE_DIR}/trace)
  set_tests_properties(trace PROPERTIES LABELS "cli;trace" TIMEOUT 300)
endif()
