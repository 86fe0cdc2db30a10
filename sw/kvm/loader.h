/* loader.h - puts the guest image into guest RAM. */
#ifndef RVH_KVM_LOADER_H
#define RVH_KVM_LOADER_H

#include <stddef.h>
#include <stdint.h>

struct guest_image {
    int is_elf;
    uint64_t entry;
    uint64_t lo, hi;      /* guest-physical range written: [lo, hi) */
};

/* Loads `path` into `ram` (guest-physical [ram_base, ram_base+ram_size)):
 * an ELF64 RISC-V file has its PT_LOAD segments copied to their physical
 * addresses (p_paddr, the bss part zeroed) and enters at e_entry; anything
 * else is a raw binary loaded and entered at GUEST_RAW_LOAD. Returns 0, or
 * -1 with a one-line reason in err. */
int load_guest(const char *path, uint8_t *ram, uint64_t ram_base, uint64_t ram_size,
               struct guest_image *out, char *err, size_t errlen);

#endif
