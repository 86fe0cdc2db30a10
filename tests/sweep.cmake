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

# docs/sweeps.md's example, repeated as a user would: the world switch
# against the Linux guest's overhead, locally and on a single-node Slurm
# cluster (tests/sweep_linux_test.sh). Included after linux.cmake
# (RVH_LINUX_TESTS, the linux_image fixture).
if(RVH_LINUX_TESTS AND TARGET rvh-vp)
  add_test(NAME sweep_linux_world_switch
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/sweep_linux_test.sh $<TARGET_FILE:rvh-vp> ${RVH_LINUX_IMAGE}
            ${CMAKE_SOURCE_DIR}/examples/sweeps/world_switch_linux.json)
  set_tests_properties(sweep_linux_world_switch PROPERTIES
    LABELS "linux;sweep;slurm" FIXTURES_REQUIRED linux_image SKIP_RETURN_CODE 77 TIMEOUT 900
    RESOURCE_LOCK slurm_cluster)
endif()
