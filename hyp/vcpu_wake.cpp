// hyp/vcpu_wake.cpp: what the hosted hypervisor can still do to wake a
// vCPU whose hart waits, for the platform's stuck-run check
// (platform/wake_check.cpp). As in KVM, a vCPU in WFI (kvm_riscv_vcpu_wfi)
// or in a retentive SBI HSM suspend wakes when one of its VS interrupts
// enabled in vsie (hie) becomes pending; the hypervisor raises them:
//  - VSTIP from the host timer that SBI set_timer armed (without Sstc);
//    with Sstc the hart's own vstimecmp does it (HartWaitInfo::timer_mtime);
//  - VSEIP from the virtual PLIC's S context of the vCPU, whose only source
//    is the virtual UART, which interrupts only on input from the host;
//  - VSSIP from an SBI IPI, which only a running vCPU can send.
// A stopped vCPU (HSM) wakes only by hart_start from a running vCPU. (A
// marker sleep_until, cpu/marker.h, is the hart's own deadline: the hart
// reports it in HartWaitInfo.)
#include "hyp/vm.h"
#include "peripherals/plic.h"
#include "peripherals/uart16550.h"

namespace rvh::hyp {
namespace {
constexpr unsigned kVuartIrq = 10;  // the virtual UART's PLIC source (hyp/vm.cpp wires it)
}  // namespace

bool Vm::can_wake_vcpu(Vcpu& v) const {
  if (v.run_state() != RunState::kBlocked) return false;
  if (v.interrupt_pending()) return true;
  const CsrFile& c = v.csrs();
  if ((c.mie & csr::kMipVSTIP) && (v.timer_armed() || v.sstc_timer_armed())) return true;
  if (c.mie & csr::kMipVSEIP) {
    const unsigned ctx = 2 * v.id() + 1;  // the vCPU's S-mode context drives its VSEIP
    if (plic_contexts_[ctx].read()) return true;
    if (plic_->would_signal(ctx, kVuartIrq) && uart_->input_may_interrupt()) return true;
    // An assigned device (hyp/vm_assigned.cpp) or a virtio device with work
    // in flight may interrupt at any time.
    for (const AssignedDevice& d : config_.assigned)
      if (d.plic_source && plic_->would_signal(ctx, d.plic_source)) return true;
    for (const VirtioWindow& w : virtio_windows())
      if (plic_->would_signal(ctx, w.plic_source)) return true;
  }
  return false;
}

}  // namespace rvh::hyp
