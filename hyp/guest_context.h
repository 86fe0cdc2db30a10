// hyp/guest_context.h: the part of a hart's state that belongs to the vCPU
// running on it, saved when the scheduler takes the vCPU off the hart and
// restored when it puts one on (KVM: kvm_arch_vcpu_put / kvm_arch_vcpu_load
// and the world switch). What the guest can see or change: its registers, pc
// and privilege (VS or VU), the VS CSRs, the H CSRs the hypervisor sets for
// it (hgatp with the VMID, hedeleg, henvcfg, htimedelta...), hvip and the VS
// bits of hie, and the CSRs a guest reaches without a VS copy (scounteren,
// senvcfg, fflags/frm). HS and M state (the hypervisor's own) stays on the
// hart.
#pragma once
#include <cstdint>

#include "cpu/hart.h"

namespace rvh::hyp {

struct GuestContext {
  uint64_t x[32] = {};
  uint64_t f[32] = {};
  uint64_t pc = 0;
  Priv priv = kPrivS;  // with V=1: VS or VU
  CsrFile csr;         // only the guest's fields are meaningful (guest_context.cpp)
};

// Copies the guest state out of `h`. With V=1 the guest is where it runs
// (pc, priv); in HS-mode during an exit, it is where the exit left it
// (sepc, sstatus.SPP).
void save_guest_context(const Hart& h, GuestContext& g);
// Puts `g` on `h` and switches the hart to the guest's mode at its pc
// (V=1). TLB entries stay: they are tagged with the VMID and ASID.
void load_guest_context(const GuestContext& g, Hart& h);

}  // namespace rvh::hyp
