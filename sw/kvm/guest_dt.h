/* guest_dt.h - the guest's device tree. */
#ifndef RVH_KVM_GUEST_DT_H
#define RVH_KVM_GUEST_DT_H

#include "fdt.h"

#include <stdint.h>

struct guest_dt_params {
    unsigned nvcpus;
    uint64_t ram_base, ram_size;
    const char *bootargs;   /* /chosen bootargs, NULL for none */
    int vcpu0_fd;           /* for the ISA and timer frequency KVM gives a vCPU */
};

/* Facts the tree states, for the VMM's start line. */
struct guest_dt_info {
    uint32_t timebase;
    char isa[256];
};

/* Writes the tree into f (finished: f->blob, f->blob_len): cpus with
 * riscv,isa (the host's /proc/device-tree, reduced to what KVM gives a
 * vCPU) and timebase-frequency (the host's), memory, /soc with the PLIC,
 * the UART and the test device, /chosen. */
void guest_dt_build(struct fdt *f, const struct guest_dt_params *p, struct guest_dt_info *info);

#endif
