# `rvh-vp sweep --executor slurm` on a real single-node Slurm cluster that the
# test starts and stops itself (tests/sweep_slurm_test.sh, tests/slurm/cluster.sh;
# docs/sweeps.md "On a Slurm cluster"). Skipped without slurm-wlm and munge.
if(TARGET rvh-vp)
  add_test(NAME sweep_slurm
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/sweep_slurm_test.sh $<TARGET_FILE:rvh-vp> ${CMAKE_BINARY_DIR}/sw)
  set_tests_properties(sweep_slurm PROPERTIES LABELS "sweep;slurm" SKIP_RETURN_CODE 77 TIMEOUT 300
    RESOURCE_LOCK slurm_cluster)
endif()
