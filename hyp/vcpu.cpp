// hyp/vcpu.cpp: the services a vCPU offers to exit handlers and SBI
// extensions: guest time and the SBI timer, virtual interrupts, HSM start and
// park, guest memory reads, trap redirection and cost accounting. The exit
// dispatcher itself is in hyp/exit.cpp.
#include "hyp/vcpu.h"

#include <algorithm>

#include "hyp/scheduler.h"
#include "hyp/vm.h"

namespace rvh::hyp {

Vcpu::Vcpu(sc_core::sc_module_name name, Vm& vm, Scheduler& scheduler, unsigned id, const GuestContext& initial)
    : sc_core::sc_module(name), vm_(vm), scheduler_(scheduler), id_(id), context_(initial) {
  SC_METHOD(timer_fired);
  sensitive << timer_event_;
  dont_initialize();
  SC_METHOD(sstc_fired);
  sensitive << sstc_event_;
  dont_initialize();
}

Vcpu::~Vcpu() = default;

void Vcpu::charge(const std::string& what, uint64_t cycles) {
  if (!hart_) {  // off its hart: charged when it is put on one
    charge_or_defer(what.c_str(), cycles);
    return;
  }
  hart_->cycles += cycles;
  stats_.hyp_cycles += cycles;
  stats_.cost_cycles[what] += cycles;
  if (recorder_ && exit_.active) exit_.event.charges.emplace_back(what, cycles);
}

void Vcpu::charge_or_defer(const char* what, uint64_t cycles) {
  if (hart_) {
    charge(what, cycles);
    return;
  }
  deferred_cycles_ += cycles;
  deferred_class_ = what;
}

void Vcpu::assigned_irq_taken(uint64_t cycles) {
  ++stats_.assigned_irqs;
  // The physical interrupt takes the hart out of the guest and back in.
  charge_or_defer("assigned_irq", cycles + vm_.config().costs.world_switch());
}

uint64_t Vcpu::guest_time() {
  // The guest's time CSR: platform mtime at the hart's local time + htimedelta.
  if (hart_) return hart_->mtime_now() + hart_->csr.htimedelta;
  return scheduler_.mtime_now() + context_.csr.htimedelta;
}

bool Vcpu::interrupt_pending() const {
  const CsrFile& c = csrs();
  uint64_t pending = c.hvip & csr::kVsInterrupts;
  if (hart_) {
    pending = hart_->effective_mip();
  } else if ((c.henvcfg & csr::kMenvcfgSTCE) && c.vstimecmp != ~0ull &&
             scheduler_.mtime_now() + c.htimedelta >= c.vstimecmp) {
    pending |= csr::kMipVSTIP;  // Sstc: vstimecmp reached
  }
  return (pending & c.mie & csr::kVsInterrupts) != 0;
}

void Vcpu::set_virtual_interrupt(uint64_t bit, bool pending, const char* name) {
  CsrFile& c = csrs();
  if (pending) {
    c.hvip |= bit;
    if (name) ++stats_.interrupts_injected[name];
  } else {
    c.hvip &= ~bit;
  }
  if (hart_) {
    hart_->notify_wake();
  } else if (pending && run_state_ == RunState::kBlocked && interrupt_pending()) {
    scheduler_.make_runnable(*this);
  }
}

// A blocked vCPU off its hart that an interrupt makes runnable: the wake-up
// work (KVM: kvm_vcpu_wake_up) is charged when it is put on a hart.
void Vcpu::wake_if_blocked(const char* cost_class, uint64_t cycles) {
  if (hart_ || run_state_ != RunState::kBlocked || !interrupt_pending()) return;
  charge_or_defer(cost_class, cycles);
  scheduler_.make_runnable(*this);
}

// SBI set_timer without Sstc: the pending VS timer interrupt is cleared and a
// host timer is armed for the guest time `stime_value` (KVM: an hrtimer).
void Vcpu::set_timer(uint64_t stime_value) {
  Hart& h = hart();  // an SBI call: the vCPU is on its hart
  h.csr.hvip &= ~csr::kMipVSTIP;
  h.update_irq();
  timer_event_.cancel();
  timer_armed_ = false;
  timer_deadline_set_ = false;
  const uint64_t now = guest_time();
  if (stime_value <= now) {
    h.csr.hvip |= csr::kMipVSTIP;
    ++stats_.interrupts_injected["VSTIP"];
    h.update_irq();
    return;
  }
  if (stime_value == ~0ull) return;  // "never" (Linux writes -1 to disarm)
  const double seconds = static_cast<double>(stime_value - now) / static_cast<double>(vm_.timebase_hz);
  // A deadline after the end of SystemC time (about 213 days at 1 ps
  // resolution) never comes: it stays unarmed, like "never", rather than
  // overflowing the sc_time it would need.
  if (seconds >= (sc_core::sc_max_time() - h.local_time()).to_seconds()) return;
  // Relative to the hart's local time, which runs ahead of SystemC time.
  const sc_core::sc_time ahead = h.local_time() - sc_core::sc_time_stamp();
  const sc_core::sc_time delay = sc_core::sc_time(seconds, sc_core::SC_SEC) + ahead;
  timer_event_.notify(delay);
  timer_armed_ = true;
  timer_deadline_ = sc_core::sc_time_stamp() + delay;
  timer_deadline_set_ = true;
}

// The host timer expired: inject VSTIP. On hardware this host interrupt kicks
// the vCPU out of the guest (an exit and a re-entry) or wakes it from WFI;
// both are charged here. A vCPU off its hart is made runnable.
void Vcpu::timer_fired() {
  timer_armed_ = false;
  CsrFile& c = csrs();
  c.hvip |= csr::kMipVSTIP;
  ++stats_.interrupts_injected["VSTIP"];
  if (!hart_) {
    wake_if_blocked("wfi_wakeup", vm_.config().costs.wfi_wakeup);
    return;
  }
  if (hart_->asleep()) {
    charge("wfi_wakeup", vm_.config().costs.wfi_wakeup);
  } else if (hsm_ == HsmState::kStarted || hsm_ == HsmState::kSuspended) {
    kick("host interrupt", "host_interrupt", vm_.config().costs.host_interrupt);
  }
  hart_->notify_wake();
}

void Vcpu::set_external_interrupt(bool level) {
  CsrFile& c = csrs();
  if (!level || (c.hvip & csr::kMipVSEIP)) {
    set_virtual_interrupt(csr::kMipVSEIP, level, nullptr);
    return;
  }
  c.hvip |= csr::kMipVSEIP;
  ++stats_.interrupts_injected["VSEIP"];
  if (!hart_) {
    wake_if_blocked("wfi_wakeup", vm_.config().costs.wfi_wakeup);
    return;
  }
  const bool running = hsm_ == HsmState::kStarted || hsm_ == HsmState::kSuspended;
  if (hart_->asleep()) {
    if (running) charge("wfi_wakeup", vm_.config().costs.wfi_wakeup);
  } else if (running) {
    kick("host interrupt (external)", "host_interrupt", vm_.config().costs.host_interrupt);
  }
  hart_->notify_wake();
}

// With Sstc the guest's vstimecmp raises its timer interrupt by itself on
// its hart; off the hart the hypervisor keeps a host timer for it (KVM:
// kvm_riscv_vcpu_timer_blocking), armed at detach.
void Vcpu::sstc_fired() {
  sstc_armed_ = false;
  wake_if_blocked("wfi_wakeup", vm_.config().costs.wfi_wakeup);
}

void Vcpu::guest_interrupt_taken(uint64_t cause) {
  if (cause != csr::kIrqVSTI || !hart_) return;
  // The deadline of the timer that raised it: SBI set_timer's host timer
  // (hvip.VSTIP), else the guest's own vstimecmp (Sstc).
  sc_core::sc_time deadline;
  const CsrFile& c = hart_->csr;
  if (timer_deadline_set_ && (c.hvip & csr::kMipVSTIP)) {
    deadline = timer_deadline_;
    timer_deadline_set_ = false;
  } else if ((c.henvcfg & csr::kMenvcfgSTCE) && c.vstimecmp != ~0ull) {
    deadline = hart_->instant_of_time(c.vstimecmp);
  } else {
    return;
  }
  const sc_core::sc_time now = hart_->local_time();
  if (now < deadline) return;  // raised early (a deadline already past at set_timer)
  const uint64_t ps = static_cast<uint64_t>((now - deadline).value() * sc_core::sc_get_time_resolution().to_seconds() * 1e12 + 0.5);
  stats_.timer_latency_ns.add(ps / 1000);
  stats_.timer_latency_total_ps += ps;
  if (ps > stats_.timer_latency_max_ps) stats_.timer_latency_max_ps = ps;
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

void Vcpu::reschedule_exit() {
  begin_exit(true);
  name_exit("host interrupt (reschedule)");
  ++stats_.host_interrupt_exits;
  ++stats_.exits;
  charge("host_interrupt", vm_.config().costs.world_switch() + vm_.config().costs.host_interrupt);
  end_exit();
}

void Vcpu::receive_ipi() {
  const bool was_pending = csrs().hvip & csr::kMipVSSIP;
  set_software_interrupt(true);
  if (was_pending) return;  // already on its way: KVM's kick finds the request set
  if (!hart_) {
    wake_if_blocked("wfi_wakeup", vm_.config().costs.wfi_wakeup);
  } else if (hart_->asleep()) {
    if (hsm_ == HsmState::kStarted || hsm_ == HsmState::kSuspended)
      charge("wfi_wakeup", vm_.config().costs.wfi_wakeup);
  } else if (hsm_ == HsmState::kStarted || hsm_ == HsmState::kSuspended) {
    kick("host interrupt (IPI kick)", "ipi_delivery", vm_.config().costs.ipi_delivery);
  }
}

void Vcpu::set_software_interrupt(bool pending) {
  CsrFile& c = csrs();
  if (pending) {
    c.hvip |= csr::kMipVSSIP;
    ++stats_.interrupts_injected["VSSIP"];
  } else {
    c.hvip &= ~csr::kMipVSSIP;
  }
  if (hart_) hart_->notify_wake();
}

// Every VS-stage translation of this VM (its hgatp.VMID), as HFENCE.VVMA x0,
// x0; off its hart, at the next entry (KVM: a request the vCPU handles
// before it enters the guest).
void Vcpu::flush_guest_tlb() {
  if (hart_)
    hart_->sfence_vma(true, std::nullopt, std::nullopt);
  else
    flush_on_attach_ = true;
}

int64_t Vcpu::start(uint64_t start_addr, uint64_t opaque) {
  if (hsm_ != HsmState::kStopped) return kSbiErrAlreadyAvailable;
  // A stopped vCPU is off every hart (the scheduler detaches it).
  // SBI HSM hart_start: a0 = hartid, a1 = opaque, satp = 0, sstatus.SIE = 0.
  GuestContext& g = context_;
  g.x[10] = id_;
  g.x[11] = opaque;
  g.csr.vsatp = 0;
  g.csr.vsstatus &= ~csr::kMstatusSIE;
  g.csr.scounteren = 7;  // KVM's vCPU reset value
  g.pc = start_addr;
  g.priv = kPrivS;
  full_flush_on_attach_ = true;
  hsm_ = HsmState::kStarted;
  scheduler_.make_runnable(*this);
  return kSbiSuccess;
}

void Vcpu::suspend() { hsm_ = HsmState::kSuspended; }

void Vcpu::suspend_non_retentive(uint64_t resume_addr, uint64_t opaque) {
  // The resume state is set now; the guest sees it only when the hart wakes.
  Hart& h = hart();
  h.x[10] = id_;
  h.x[11] = opaque;
  h.csr.vsatp = 0;
  h.csr.vsstatus &= ~csr::kMstatusSIE;
  h.csr.sepc = resume_addr;
  h.csr.mstatus |= csr::kMstatusSPP;
  h.csr.hstatus |= csr::kHstatusSPV | csr::kHstatusSPVP;
  h.flush_tlb();
  hsm_ = HsmState::kSuspended;
}

void Vcpu::woke_on_hart() {
  if (hsm_ == HsmState::kSuspended) hsm_ = HsmState::kStarted;
  if (run_state_ == RunState::kBlocked) set_run_state(RunState::kRunning);
}

void Vcpu::set_run_state(RunState s) {
  if (s == run_state_) return;
  run_state_ = s;
  if (scheduler_.on_run_state) scheduler_.on_run_state(*this);
}

void Vcpu::park() { hsm_ = HsmState::kStopped; }

void Vcpu::attach(Hart& h) {
  hart_ = &h;
  sstc_event_.cancel();
  sstc_armed_ = false;
  load_guest_context(context_, h);
  h.csr.mip &= ~csr::kMipSSIP;  // no reschedule request is left over for it
  h.update_irq();
  if (full_flush_on_attach_) {
    h.hfence_gvma(std::nullopt, vm_.config().vmid);  // every translation of its VMID, both stages
  } else if (flush_on_attach_) {
    h.sfence_vma(true, std::nullopt, std::nullopt);
  }
  full_flush_on_attach_ = flush_on_attach_ = false;
  h.flush_instret_by_priv();
  base_vs_ = h.stats.instret_by_priv[kModeVS];
  base_vu_ = h.stats.instret_by_priv[kModeVU];
  base_cycles_ = h.cycles;
  if (hsm_ == HsmState::kSuspended && interrupt_pending()) hsm_ = HsmState::kStarted;
  if (deferred_cycles_) {
    const uint64_t cycles = deferred_cycles_;
    deferred_cycles_ = 0;
    charge(deferred_class_, cycles);
  }
  ++stats_.scheduled_in;
}

void Vcpu::detach() {
  Hart& h = *hart_;
  h.flush_instret_by_priv();
  stats_.guest_instructions_vs += h.stats.instret_by_priv[kModeVS] - base_vs_;
  stats_.guest_instructions_vu += h.stats.instret_by_priv[kModeVU] - base_vu_;
  stats_.cycles += h.cycles - base_cycles_;
  save_guest_context(h, context_);
  // Sstc: the guest's own timer must still wake it off the hart.
  const CsrFile& c = context_.csr;
  if ((c.henvcfg & csr::kMenvcfgSTCE) && c.vstimecmp != ~0ull && (c.mie & csr::kMipVSTIP) &&
      hsm_ != HsmState::kStopped) {
    const sc_core::sc_time at = h.instant_of_time(c.vstimecmp);
    if (at != sc_core::sc_max_time()) {
      sstc_event_.notify(at > sc_core::sc_time_stamp() ? at - sc_core::sc_time_stamp() : sc_core::SC_ZERO_TIME);
      sstc_armed_ = true;
    }
  }
  last_hart_ = static_cast<int>(h.config().hart_id);
  hart_ = nullptr;
}

void Vcpu::stop_timers() {
  timer_event_.cancel();
  sstc_event_.cancel();
  timer_armed_ = sstc_armed_ = false;
}

void Vcpu::counters(uint64_t& vs, uint64_t& vu, uint64_t& cycles) {
  vs = stats_.guest_instructions_vs;
  vu = stats_.guest_instructions_vu;
  cycles = stats_.cycles;
  if (!hart_) return;
  hart_->flush_instret_by_priv();
  vs += hart_->stats.instret_by_priv[kModeVS] - base_vs_;
  vu += hart_->stats.instret_by_priv[kModeVU] - base_vu_;
  cycles += hart_->cycles - base_cycles_;
}

bool Vcpu::read_guest_virtual(uint64_t vaddr, unsigned size, uint64_t& value) {
  // HLV as the guest's supervisor: SPVP = 1 (in an exit: on its hart).
  Hart& h = hart();
  const uint64_t saved = h.csr.hstatus;
  h.csr.hstatus |= csr::kHstatusSPVP;
  bool ok = true;
  try {
    switch (size) {
      case 1: value = h.hyp_load<uint8_t>(vaddr, false); break;
      case 2: value = h.hyp_load<uint16_t>(vaddr, false); break;
      case 4: value = h.hyp_load<uint32_t>(vaddr, false); break;
      default: value = h.hyp_load<uint64_t>(vaddr, false); break;
    }
  } catch (const Trap&) {
    ok = false;
  }
  h.csr.hstatus = saved;
  return ok;
}

// Like kvm_riscv_vcpu_trap_redirect (with the Linux 6.3 SPP fix): the trap
// enters the guest's VS-mode as if the hardware had delegated it. The exit
// left sepc at the faulting pc and sstatus.SPP at the guest's privilege.
void Vcpu::redirect_trap(uint64_t cause, uint64_t tval) {
  auto& c = hart().csr;
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
