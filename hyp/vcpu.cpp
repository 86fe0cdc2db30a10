// hyp/vcpu.cpp: the services a vCPU offers to exit handlers and SBI
// extensions: guest time and the SBI timer, virtual interrupts, HSM start and
// park, guest memory reads, trap redirection and cost accounting. The exit
// dispatcher itself is in hyp/exit.cpp.
#include "hyp/vcpu.h"

#include <algorithm>

#include "hyp/vm.h"

namespace rvh::hyp {

Vcpu::Vcpu(sc_core::sc_module_name name, Vm& vm, Hart& hart, unsigned id)
    : sc_core::sc_module(name), vm_(vm), hart_(hart), id_(id) {
  SC_METHOD(timer_fired);
  sensitive << timer_event_;
  dont_initialize();
  hart_.observers.push_back(this);
}

Vcpu::~Vcpu() {
  auto& obs = hart_.observers;
  obs.erase(std::remove(obs.begin(), obs.end(), static_cast<HartObserver*>(this)), obs.end());
}

void Vcpu::charge(const std::string& what, uint64_t cycles) {
  hart_.cycles += cycles;
  stats_.hyp_cycles += cycles;
  stats_.cost_cycles[what] += cycles;
  if (recorder_ && exit_.active) exit_.event.charges.emplace_back(what, cycles);
}

uint64_t Vcpu::guest_time() {
  // The guest's time CSR: platform mtime at the hart's local time + htimedelta.
  return hart_.mtime_now() + hart_.csr.htimedelta;
}

// SBI set_timer without Sstc: the pending VS timer interrupt is cleared and a
// host timer is armed for the guest time `stime_value` (KVM: an hrtimer).
void Vcpu::set_timer(uint64_t stime_value) {
  hart_.csr.hvip &= ~csr::kMipVSTIP;
  hart_.update_irq();
  timer_event_.cancel();
  timer_armed_ = false;
  const uint64_t now = guest_time();
  if (stime_value <= now) {
    hart_.csr.hvip |= csr::kMipVSTIP;
    ++stats_.interrupts_injected["VSTIP"];
    hart_.update_irq();
    return;
  }
  if (stime_value == ~0ull) return;  // "never" (Linux writes -1 to disarm)
  const double seconds = static_cast<double>(stime_value - now) / static_cast<double>(vm_.timebase_hz);
  // A deadline after the end of SystemC time (about 213 days at 1 ps
  // resolution) never comes: it stays unarmed, like "never", rather than
  // overflowing the sc_time it would need.
  if (seconds >= (sc_core::sc_max_time() - hart_.local_time()).to_seconds()) return;
  // Relative to the hart's local time, which runs ahead of SystemC time.
  const sc_core::sc_time ahead = hart_.local_time() - sc_core::sc_time_stamp();
  timer_event_.notify(sc_core::sc_time(seconds, sc_core::SC_SEC) + ahead);
  timer_armed_ = true;
}

// The host timer expired: inject VSTIP. On hardware this host interrupt kicks
// the vCPU out of the guest (an exit and a re-entry) or wakes it from WFI;
// both are charged here.
void Vcpu::timer_fired() {
  timer_armed_ = false;
  hart_.csr.hvip |= csr::kMipVSTIP;
  ++stats_.interrupts_injected["VSTIP"];
  if (hart_.asleep()) {
    charge("wfi_wakeup", vm_.config().costs.wfi_wakeup);
  } else if (hsm_ == HsmState::kStarted || hsm_ == HsmState::kSuspended) {
    kick("host interrupt", "host_interrupt", vm_.config().costs.host_interrupt);
  }
  hart_.notify_wake();
}

// A host interrupt forces the running vCPU out of the guest: an exit of its
// own, charged `handler_cost` plus the world switch, then the re-entry.
void Vcpu::kick(const char* exit_name, const char* cost_class, uint64_t handler_cost) {
  begin_exit(false);
  name_exit(exit_name);
  ++stats_.host_interrupt_exits;
  ++stats_.exits;
  charge(cost_class, vm_.config().costs.world_switch() + handler_cost);
  end_exit();
}

void Vcpu::receive_ipi() {
  const bool was_pending = hart_.csr.hvip & csr::kMipVSSIP;
  set_software_interrupt(true);
  if (was_pending) return;  // already on its way: KVM's kick finds the request set
  if (hart_.asleep()) {
    if (hsm_ == HsmState::kStarted || hsm_ == HsmState::kSuspended)
      charge("wfi_wakeup", vm_.config().costs.wfi_wakeup);
  } else if (hsm_ == HsmState::kStarted || hsm_ == HsmState::kSuspended) {
    kick("host interrupt (IPI kick)", "ipi_delivery", vm_.config().costs.ipi_delivery);
  }
}

void Vcpu::set_software_interrupt(bool pending) {
  if (pending) {
    hart_.csr.hvip |= csr::kMipVSSIP;
    ++stats_.interrupts_injected["VSSIP"];
  } else {
    hart_.csr.hvip &= ~csr::kMipVSSIP;
  }
  hart_.notify_wake();
}

// Every VS-stage translation of this VM (its hgatp.VMID), as HFENCE.VVMA x0, x0.
void Vcpu::flush_guest_tlb() { hart_.sfence_vma(true, std::nullopt, std::nullopt); }

int64_t Vcpu::start(uint64_t start_addr, uint64_t opaque) {
  if (hsm_ != HsmState::kStopped) return kSbiErrAlreadyAvailable;
  // SBI HSM hart_start: a0 = hartid, a1 = opaque, satp = 0, sstatus.SIE = 0.
  hart_.x[10] = id_;
  hart_.x[11] = opaque;
  hart_.csr.vsatp = 0;
  hart_.csr.vsstatus &= ~csr::kMstatusSIE;
  hart_.csr.scounteren = 7;  // KVM's vCPU reset value
  hart_.csr.sepc = start_addr;
  hart_.csr.mstatus |= csr::kMstatusSPP;
  hart_.csr.hstatus |= csr::kHstatusSPV | csr::kHstatusSPVP;
  hart_.flush_tlb();
  hart_.enter_guest();
  hsm_ = HsmState::kStarted;
  hart_.unpark();
  return kSbiSuccess;
}

void Vcpu::suspend() { hsm_ = HsmState::kSuspended; }

void Vcpu::suspend_non_retentive(uint64_t resume_addr, uint64_t opaque) {
  // The resume state is set now; the guest sees it only when the hart wakes.
  hart_.x[10] = id_;
  hart_.x[11] = opaque;
  hart_.csr.vsatp = 0;
  hart_.csr.vsstatus &= ~csr::kMstatusSIE;
  hart_.csr.sepc = resume_addr;
  hart_.csr.mstatus |= csr::kMstatusSPP;
  hart_.csr.hstatus |= csr::kHstatusSPV | csr::kHstatusSPVP;
  hart_.flush_tlb();
  hsm_ = HsmState::kSuspended;
}

void Vcpu::sleep_changed(Hart& hart, bool asleep) {
  (void)hart;
  if (!asleep && hsm_ == HsmState::kSuspended) hsm_ = HsmState::kStarted;
}

void Vcpu::park() {
  hsm_ = HsmState::kStopped;
  hart_.park();
}

bool Vcpu::read_guest_virtual(uint64_t vaddr, unsigned size, uint64_t& value) {
  // HLV as the guest's supervisor: SPVP = 1.
  const uint64_t saved = hart_.csr.hstatus;
  hart_.csr.hstatus |= csr::kHstatusSPVP;
  bool ok = true;
  try {
    switch (size) {
      case 1: value = hart_.hyp_load<uint8_t>(vaddr, false); break;
      case 2: value = hart_.hyp_load<uint16_t>(vaddr, false); break;
      case 4: value = hart_.hyp_load<uint32_t>(vaddr, false); break;
      default: value = hart_.hyp_load<uint64_t>(vaddr, false); break;
    }
  } catch (const Trap&) {
    ok = false;
  }
  hart_.csr.hstatus = saved;
  return ok;
}

// Like kvm_riscv_vcpu_trap_redirect (with the Linux 6.3 SPP fix): the trap
// enters the guest's VS-mode as if the hardware had delegated it. The exit
// left sepc at the faulting pc and sstatus.SPP at the guest's privilege.
void Vcpu::redirect_trap(uint64_t cause, uint64_t tval) {
  auto& c = hart_.csr;
  const bool from_vs = c.mstatus & csr::kMstatusSPP;
  uint64_t vs = c.vsstatus & ~(csr::kMstatusSPP | csr::kMstatusSPIE | csr::kMstatusSIE);
  if (from_vs) vs |= csr::kMstatusSPP;
  if (c.vsstatus & csr::kMstatusSIE) vs |= csr::kMstatusSPIE;
  c.vsstatus = vs;
  c.vscause = cause;
  c.vstval = tval;
  c.vsepc = c.sepc;
  c.sepc = c.vstvec & ~3ull;
  c.mstatus |= csr::kMstatusSPP;  // the handler runs in VS-mode
  name_exit(std::string("redirect ") + exception_cause_name(cause));
  ++stats_.redirected_traps;
  charge("redirect", vm_.config().costs.redirect);
}

}  // namespace rvh::hyp
