# KVM host userspace (issue 12, sw/kvm/README.md). Included by the
# top-level CMakeLists next to sw/linux/linux.cmake.
#   kvm_initrd  custom target -> ${RVH_KVM_INITRD} (<build>/kvm/initrd.cpio):
#               /init (host_init.c), /vmm (vmm.c ...) and /guests/<name>.elf
#               for ${RVH_KVM_GUESTS} (built by sw/CMakeLists.txt)
# In ALL when riscv64-linux-gnu-gcc is found and sw/ builds the guests
# (riscv64-unknown-elf-gcc); otherwise skipped with a STATUS message.
# Needs (Debian): gcc-riscv64-linux-gnu libc6-dev-riscv64-cross cpio
find_program(RVH_LINUX_GNU_CC riscv64-linux-gnu-gcc)
set(RVH_KVM_SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(RVH_KVM_DIR ${CMAKE_BINARY_DIR}/kvm)
set(RVH_KVM_INITRD ${RVH_KVM_DIR}/initrd.cpio)
set(RVH_KVM_GUESTS g_smoke_all gb_micro)

# Runs at the end of the top-level CMakeLists, once sw/ has defined sw_all.
function(rvh_kvm_add_initrd)
  if(NOT RVH_LINUX_GNU_CC)
    message(STATUS "kvm: riscv64-linux-gnu-gcc not found - kvm_initrd (KVM host VMM and "
                   "initrd) skipped (Debian: apt install gcc-riscv64-linux-gnu "
                   "libc6-dev-riscv64-cross cpio)")
    return()
  endif()
  if(NOT TARGET sw_all)
    message(STATUS "kvm: the guest programs of sw/ are not built - kvm_initrd skipped")
    return()
  endif()
  get_property(_sw_out GLOBAL PROPERTY RVH_SW_OUTPUT_DIR)
  set(_src ${RVH_KVM_SOURCE_DIR})
  set(_flags -static -O2 -pthread -Wall -Wextra)
  set(_vmm_sources ${_src}/vmm.c ${_src}/devices.c ${_src}/console.c ${_src}/loader.c
      ${_src}/fdt.c ${_src}/guest_dt.c ${_src}/guest_trap.c)
  set(_vmm_headers ${_src}/vmm.h ${_src}/devices.h ${_src}/loader.h ${_src}/fdt.h
      ${_src}/guest_dt.h ${_src}/guest_trap.h ${_src}/riscv_regs.h)
  add_custom_command(
    OUTPUT ${RVH_KVM_DIR}/vmm
    COMMAND ${CMAKE_COMMAND} -E make_directory ${RVH_KVM_DIR}
    COMMAND ${RVH_LINUX_GNU_CC} ${_flags} -o ${RVH_KVM_DIR}/vmm ${_vmm_sources}
    DEPENDS ${_vmm_sources} ${_vmm_headers}
    COMMENT "kvm: vmm (static, riscv64-linux-gnu)"
    VERBATIM)
  add_custom_command(
    OUTPUT ${RVH_KVM_DIR}/init
    COMMAND ${CMAKE_COMMAND} -E make_directory ${RVH_KVM_DIR}
    COMMAND ${RVH_LINUX_GNU_CC} ${_flags} -o ${RVH_KVM_DIR}/init ${_src}/host_init.c
    DEPENDS ${_src}/host_init.c
    COMMENT "kvm: host /init (static, riscv64-linux-gnu)"
    VERBATIM)
  string(REPLACE ";" " " _guest_names "${RVH_KVM_GUESTS}")
  set(_guests "")
  foreach(g ${RVH_KVM_GUESTS})
    list(APPEND _guests ${_sw_out}/${g}.elf)
  endforeach()
  add_custom_command(
    OUTPUT ${RVH_KVM_INITRD}
    COMMAND ${_src}/mkinitrd.sh ${RVH_KVM_INITRD} ${RVH_KVM_DIR}/init ${RVH_KVM_DIR}/vmm
            ${_guests}
    DEPENDS ${_src}/mkinitrd.sh ${RVH_KVM_DIR}/init ${RVH_KVM_DIR}/vmm ${_guests}
    COMMENT "kvm: initrd.cpio (init, vmm, ${_guest_names})"
    VERBATIM)
  add_custom_target(kvm_initrd ALL DEPENDS ${RVH_KVM_INITRD}
    SOURCES ${_vmm_sources} ${_vmm_headers} ${_src}/host_init.c ${_src}/mkinitrd.sh)
  # The guest ELFs are outputs of sw/'s custom commands: build them first.
  add_dependencies(kvm_initrd sw_all)
endfunction()
cmake_language(DEFER CALL rvh_kvm_add_initrd)
