# The bare-metal virtio-blk driver (sw/guest/lib/virtio_blk.c) in
# sw/guest/g_virtio_blk.c on the hosted hypervisor's virtio-blk (--disk
# IMG[,ro]; docs/io.md) and, as the driver's oracle, on QEMU's
# (tests/virtio_guest_test.py). Labels "hyp;virtio" ("virtio" for QEMU's).
find_package(Python3 COMPONENTS Interpreter)
get_property(_rvh_vblk_dir GLOBAL PROPERTY RVH_SW_OUTPUT_DIR)
if(NOT Python3_Interpreter_FOUND OR NOT _rvh_vblk_dir OR NOT TARGET sw_all)
  return()
endif()
set(_rvh_vblk_elf ${_rvh_vblk_dir}/g_virtio_blk.elf)
if(TARGET rvh-vp)
  foreach(case verify write_at_stop read_only no_event_idx big_blocks fail_status)
    add_test(NAME virtio_guest_${case}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/virtio_guest_test.py ${case}
              --vp $<TARGET_FILE:rvh-vp> --elf ${_rvh_vblk_elf})
    set_tests_properties(virtio_guest_${case} PROPERTIES LABELS "hyp;virtio" TIMEOUT 180)
  endforeach()
  # `rvh-vp bench`'s I/O cost section (docs/io.md "I/O cost").
  add_test(NAME virtio_guest_bench_io
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/virtio_guest_test.py bench_io
            --vp $<TARGET_FILE:rvh-vp> --elf ${_rvh_vblk_elf})
  set_tests_properties(virtio_guest_bench_io PROPERTIES LABELS "hyp;virtio;bench" TIMEOUT 300)
endif()
add_test(NAME virtio_guest_qemu
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/virtio_guest_test.py qemu --elf ${_rvh_vblk_elf})
set_tests_properties(virtio_guest_qemu PROPERTIES LABELS "virtio" SKIP_RETURN_CODE 77 TIMEOUT 180)
