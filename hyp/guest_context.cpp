// hyp/guest_context.cpp: see guest_context.h. The list of CSRs follows the
// H extension chapter: the VS CSRs that substitute for the S CSRs while
// V=1, and the H CSRs KVM keeps per vCPU (kvm_vcpu_csr, kvm_vcpu_config).
#include "hyp/guest_context.h"

#include <algorithm>

namespace rvh::hyp {
namespace {
// What of sstatus belongs to the guest: nothing but SPP as "the guest's
// privilege at the exit" (the hypervisor's SIE/SPIE/SUM/MXR stay).
template <typename From, typename To>
void copy_guest_csrs(const From& s, To& d) {
  d.vsstatus = s.vsstatus;
  d.vstvec = s.vstvec;
  d.vsscratch = s.vsscratch;
  d.vsepc = s.vsepc;
  d.vscause = s.vscause;
  d.vstval = s.vstval;
  d.vsatp = s.vsatp;
  d.vstimecmp = s.vstimecmp;
  d.hvip = s.hvip;
  d.hedeleg = s.hedeleg;
  d.hideleg = s.hideleg;
  d.hcounteren = s.hcounteren;
  d.henvcfg = s.henvcfg;
  d.htimedelta = s.htimedelta;
  d.hgatp = s.hgatp;
  d.scounteren = s.scounteren;
  d.senvcfg = s.senvcfg;
  d.fflags = s.fflags;
  d.frm = s.frm;
  // hstatus: the guest-visible fields (VTW, VTSR, VTVM, HU, SPVP, VSXL);
  // SPV and GVA describe the exit being handled.
  d.hstatus = s.hstatus;
  // The VS bits of mie are hie/vsie.
  d.mie = (d.mie & ~csr::kVsInterrupts) | (s.mie & csr::kVsInterrupts);
}
}  // namespace

void save_guest_context(const Hart& h, GuestContext& g) {
  std::copy(h.x, h.x + 32, g.x);
  std::copy(h.f, h.f + 32, g.f);
  if (h.virt) {
    g.pc = h.pc;
    g.priv = h.priv;
  } else {
    g.pc = h.csr.sepc;
    g.priv = (h.csr.mstatus & csr::kMstatusSPP) ? kPrivS : kPrivU;
  }
  copy_guest_csrs(h.csr, g.csr);
}

void load_guest_context(const GuestContext& g, Hart& h) {
  std::copy(g.x, g.x + 32, h.x);
  h.x[0] = 0;
  std::copy(g.f, g.f + 32, h.f);
  copy_guest_csrs(g.csr, h.csr);
  h.csr.hstatus &= ~(csr::kHstatusSPV | csr::kHstatusGVA);
  h.reservation = ~0ull;
  h.pc = g.pc;
  h.set_mode(g.priv, true);
  h.update_translation_context();
  // Written as a CSR instruction would: the hart recomputes its Sstc
  // compare (a VS timer already due is pending before the first
  // instruction) and the interrupt state.
  h.hyp_csr_write(csr::kVstimecmp, g.csr.vstimecmp);
  h.update_irq();
}

}  // namespace rvh::hyp
