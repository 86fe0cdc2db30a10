# Simulator marker HINTs (cpu/marker.h, docs/benchmarks.md): what rvh-vp
# records of them in --stats, for a bare program (sw/tests/markers.c) and
# for the benchmark guest under --hyp.
if(TARGET rvh-vp AND RVH_SW_TEST_PROGRAMS)
  add_executable(markers_stats_test ${CMAKE_CURRENT_SOURCE_DIR}/markers/markers_stats_test.cpp)
  target_link_libraries(markers_stats_test PRIVATE GTest::gtest GTest::gtest_main nlohmann_json::nlohmann_json)
  target_compile_definitions(markers_stats_test PRIVATE RVH_VP="$<TARGET_FILE:rvh-vp>"
                             RVH_SW_DIR="${RVH_SW_OUTPUT_DIR}")
  add_dependencies(markers_stats_test rvh-vp)
  add_test(NAME markers_stats COMMAND markers_stats_test)
  set_tests_properties(markers_stats PROPERTIES LABELS "bench;hyp;markers" TIMEOUT 120)
endif()
