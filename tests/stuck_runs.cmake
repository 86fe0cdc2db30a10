# Runs that can never progress end with a message and exit status 4; runs
# that sleep legitimately do not; --max-time bounds a sleeping run; SIGINT
# and SIGTERM end a run with its summary and --stats (tests/stuck_runs_test.sh).
if(TARGET rvh-vp)
  add_test(NAME stuck_runs
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/stuck_runs_test.sh $<TARGET_FILE:rvh-vp> ${CMAKE_BINARY_DIR}/sw
            ${RVH_GUEST_OPENSBI})
  set_tests_properties(stuck_runs PROPERTIES LABELS "cli;stuck" TIMEOUT 600)
endif()
