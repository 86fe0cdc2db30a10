# The Linux workload as a guest with a virtio-blk disk (issue 15). Labels
# "linux;disk". Each runs tests/disk_test.sh on an ext4 image it makes with
# e2fsprogs (skipped, code 77, without them):
#   disk_linux_guest          /init checks a file's SHA-256 on /dev/vda and
#                             writes one; the host finds it with debugfs and
#                             e2fsck -fn passes
#   disk_linux_guest_smp2     the same with --smp 2
#   disk_linux_guest_ro       --disk IMG,ro: a read-only mount, image unchanged
#   disk_abnormal_stop        /init's stress mode stopped at seeded random
#                             points by --max-insns; the image keeps its size
#                             and is consistent once its journal is replayed
# Named after tests/linux.cmake so that it is included after it (RVH_LINUX_TESTS,
# the linux_image fixture).
if(RVH_LINUX_TESTS AND TARGET rvh-vp)
  set(_rvh_disk_runner ${CMAKE_CURRENT_LIST_DIR}/disk_test.sh)
  foreach(_t IN ITEMS "disk_linux_guest;check;1" "disk_linux_guest_smp2;check;2"
                      "disk_linux_guest_ro;ro;1" "disk_abnormal_stop;abnormal;1")
    list(GET _t 0 _name)
    list(GET _t 1 _mode)
    list(GET _t 2 _smp)
    add_test(NAME ${_name}
             COMMAND ${_rvh_disk_runner} ${_mode} $<TARGET_FILE:rvh-vp> ${RVH_LINUX_IMAGE} ${_smp})
    set_tests_properties(${_name} PROPERTIES
      LABELS "linux;disk" FIXTURES_REQUIRED linux_image SKIP_RETURN_CODE 77
      TIMEOUT 900 ENVIRONMENT "RVH_LINUX_TIMEOUT=600")
  endforeach()
endif()
