# `rvh-vp bench` (docs/benchmarks.md): the cost model's consistency and the
# table's rows, on the real benchmark guests.
if(TARGET rvh-vp AND RVH_SW_TEST_PROGRAMS)
  add_executable(bench_consistency_test ${CMAKE_CURRENT_SOURCE_DIR}/bench/bench_consistency_test.cpp)
  target_link_libraries(bench_consistency_test PRIVATE GTest::gtest GTest::gtest_main nlohmann_json::nlohmann_json)
  target_compile_definitions(bench_consistency_test PRIVATE RVH_VP="$<TARGET_FILE:rvh-vp>"
                             RVH_SW_DIR="${RVH_SW_OUTPUT_DIR}")
  add_dependencies(bench_consistency_test rvh-vp)
  add_test(NAME bench_consistency COMMAND bench_consistency_test)
  set_tests_properties(bench_consistency PROPERTIES LABELS "bench;hyp" TIMEOUT 180)
  add_test(NAME bench_table COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/bench/bench_table_test.sh $<TARGET_FILE:rvh-vp>)
  set_tests_properties(bench_table PROPERTIES LABELS "bench;hyp" TIMEOUT 120)
endif()
