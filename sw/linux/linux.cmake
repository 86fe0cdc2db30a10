# Linux workload (sw/linux/build.sh): Linux 6.1 Image with a built-in
# initramfs holding sw/linux/init.c. Included by the top-level CMakeLists.
#   linux_image   custom target (not in ALL): builds into ${CMAKE_BINARY_DIR}/linux
#                 (a link into ${RVH_LINUX_CACHE_DIR}) -> ${RVH_LINUX_IMAGE}
# Needs (Debian): linux-source-6.1 gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
#                 bc bison flex libssl-dev cpio
set(RVH_LINUX_TARBALL /usr/src/linux-source-6.1.tar.xz CACHE FILEPATH
    "Linux source tarball for sw/linux/build.sh (Debian: linux-source-6.1)")
# The kernel trees take ~10 min each to build, so they live outside the build
# tree, shared by every build tree and clone of this user (sw/linux/build.sh
# keys each step on its inputs and takes a lock): ${CMAKE_BINARY_DIR}/linux is
# a symbolic link to ${RVH_LINUX_CACHE_DIR}/linux. Set RVH_LINUX_CACHE_DIR
# empty to keep them inside the build tree. A build tree that already has a
# real directory there keeps it.
if(NOT "$ENV{HOME}" STREQUAL "")
  set(_rvh_linux_cache_default "$ENV{HOME}/.cache/rvh-vp")
else()
  set(_rvh_linux_cache_default "")
endif()
set(RVH_LINUX_CACHE_DIR "${_rvh_linux_cache_default}" CACHE PATH
    "Where the kernel builds live, shared by build trees (empty: inside the build tree)")

# rvh_linux_dir(NAME): ${CMAKE_BINARY_DIR}/NAME, linked to the shared cache.
function(rvh_linux_dir name)
  set(dir ${CMAKE_BINARY_DIR}/${name})
  if(RVH_LINUX_CACHE_DIR AND (IS_SYMLINK ${dir} OR NOT EXISTS ${dir}))
    file(MAKE_DIRECTORY ${RVH_LINUX_CACHE_DIR}/${name})
    file(REMOVE ${dir})
    file(CREATE_LINK ${RVH_LINUX_CACHE_DIR}/${name} ${dir} SYMBOLIC)
  endif()
endfunction()
rvh_linux_dir(linux)
rvh_linux_dir(linux-kvm)

set(RVH_LINUX_DIR ${CMAKE_BINARY_DIR}/linux)
set(RVH_LINUX_IMAGE ${RVH_LINUX_DIR}/Image)
set(RVH_LINUX_BUILD_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/build.sh)

add_custom_target(linux_image
  COMMAND ${CMAKE_COMMAND} -E env RVH_LINUX_TARBALL=${RVH_LINUX_TARBALL}
          ${RVH_LINUX_BUILD_SCRIPT} ${RVH_LINUX_DIR}
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
  USES_TERMINAL
  COMMENT "Building the Linux workload (sw/linux/build.sh) into ${RVH_LINUX_DIR}"
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/build.sh ${CMAKE_CURRENT_LIST_DIR}/init.c
          ${CMAKE_CURRENT_LIST_DIR}/rvh.config)

# The KVM host (issue 12, sw/linux/build.sh --kvm): the same kernel source with
# kvm.config added; its userspace comes from the initrd of sw/kvm.
#   kvm_host_image  custom target (not in ALL) -> ${RVH_KVM_HOST_IMAGE}
set(RVH_KVM_HOST_DIR ${CMAKE_BINARY_DIR}/linux-kvm)
set(RVH_KVM_HOST_IMAGE ${RVH_KVM_HOST_DIR}/Image)
add_custom_target(kvm_host_image
  COMMAND ${CMAKE_COMMAND} -E env RVH_LINUX_TARBALL=${RVH_LINUX_TARBALL}
          ${RVH_LINUX_BUILD_SCRIPT} --kvm ${RVH_KVM_HOST_DIR}
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
  USES_TERMINAL
  COMMENT "Building the KVM host kernel (sw/linux/build.sh --kvm) into ${RVH_KVM_HOST_DIR}"
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/kvm.config)
