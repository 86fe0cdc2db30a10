# What a guest cannot do to the hosted hypervisor: addresses beyond the
# G-stage, many unmapped addresses (tests/hyp_guest_limits_test.sh).
if(TARGET rvh-vp)
  add_test(NAME hyp_guest_limits
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/hyp_guest_limits_test.sh $<TARGET_FILE:rvh-vp> ${CMAKE_BINARY_DIR}/sw)
  set_tests_properties(hyp_guest_limits PROPERTIES LABELS "hyp;guest" SKIP_RETURN_CODE 77 TIMEOUT 240)
endif()
