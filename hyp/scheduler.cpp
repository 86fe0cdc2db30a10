// hyp/scheduler.cpp: see scheduler.h.
#define SC_INCLUDE_DYNAMIC_PROCESSES  // sc_spawn (one method per hart for its time slice)
#include "hyp/scheduler.h"

#include <algorithm>

#include "hyp/vcpu.h"
#include "hyp/vm.h"

namespace rvh::hyp {
namespace {
// The HS software interrupt is the scheduler's "reschedule" host interrupt:
// raised on a hart whose time slice ended, it brings the guest out (an
// exit, as the host timer tick would on hardware).
constexpr uint64_t kRescheduleCause = csr::kInterruptBit | csr::kIrqSSI;
}  // namespace

Scheduler::Scheduler(sc_core::sc_module_name name, const std::vector<Hart*>& harts, const HypCosts& costs)
    : sc_core::sc_module(name), costs_(costs) {
  for (unsigned i = 0; i < harts.size(); ++i) {
    auto s = std::make_unique<Slot>();
    s->hart = harts[i];
    s->index = i;
    Slot* slot = s.get();
    slots_.push_back(std::move(s));
    sc_core::sc_spawn_options o;
    o.spawn_method();
    o.dont_initialize();
    o.set_sensitivity(&slot->slice_end);
    sc_core::sc_spawn([this, slot] { slice_expired(*slot); }, sc_core::sc_gen_unique_name("slice"), &o);

    // The hart belongs to the hypervisor: HS/M state as KVM leaves it for
    // guest runs (kvm_arch_vcpu_create / kvm_riscv_vcpu_load). What belongs
    // to a vCPU comes with its context (hyp/guest_context.h).
    Hart& h = *harts[i];
    auto& c = h.csr;
    h.exit_handler = this;
    h.observers.push_back(this);
    h.on_guest_interrupt = [this, slot](Hart&, uint64_t cause) {
      if (slot->current) slot->current->guest_interrupt_taken(cause);
    };
    // PMP: let S/U reach all of physical memory (what firmware would do).
    c.pmpaddr[0] = ~0ull >> 10;
    c.pmpcfg[0] = csr::kPmpR | csr::kPmpW | csr::kPmpX | (csr::kPmpNapot << csr::kPmpAShift);
    c.medeleg = csr::kDelegableExceptions;
    c.mideleg = csr::kSupervisorInterrupts | csr::kVsInterrupts;
    // As OpenSBI leaves it for the kernel: every counter reaches HS, so a
    // guest access to one hcounteren does not grant is a virtual-instruction
    // exit the hypervisor emulates (KVM: vcpu_pmu.c), not an illegal instruction.
    c.mcounteren = 0xffffffffu;
    c.menvcfg = csr::kMenvcfgSTCE;
    c.hideleg = csr::kVsInterrupts;
    // The HS-level FS stays on while the guest runs (KVM keeps the guest's FP
    // context live in sstatus.FS); the guest controls its own vsstatus.FS.
    c.mstatus |= 1ull << csr::kMstatusFsShift;
    c.mie = csr::kMipSSIP;  // the reschedule interrupt; the VS bits come with each vCPU
    h.flush_tlb();
    h.set_mode(kPrivS, false);  // HS, idle until a vCPU is put on it
    h.park();
  }
}

Scheduler::~Scheduler() {
  for (auto& s : slots_) {
    auto& obs = s->hart->observers;
    obs.erase(std::remove(obs.begin(), obs.end(), static_cast<HartObserver*>(this)), obs.end());
    s->hart->exit_handler = nullptr;
    s->hart->on_guest_interrupt = nullptr;
  }
}

uint16_t Scheduler::vmid_for(unsigned vm_index) const {
  if (costs_.vmid_bits == 0) return 0;
  const unsigned usable = (1u << costs_.vmid_bits) - 1;  // VMID 0 is left unused, as KVM does
  return static_cast<uint16_t>(vm_index % usable + 1);
}

void Scheduler::add_vcpu(Vcpu& v) { vcpus_.push_back(&v); }

uint64_t Scheduler::mtime_now() const {
  const Hart& h = *slots_.front()->hart;
  return h.read_mtime ? h.read_mtime(sc_core::sc_time_stamp())
                      : static_cast<uint64_t>(sc_core::sc_time_stamp().to_seconds() * h.config().timebase_hz);
}

Scheduler::Slot& Scheduler::slot_of(Hart& h) {
  for (auto& s : slots_)
    if (s->hart == &h) return *s;
  throw std::logic_error("scheduler: unknown hart");
}

// --- putting vCPUs on harts ---

void Scheduler::attach(Slot& s, Vcpu& v) {
  Hart& h = *s.hart;
  v.attach(h);  // clears a reschedule interrupt meant for the vCPU before
  s.reschedule_pending = false;
  v.set_run_state(RunState::kRunning);
  s.current = &v;
  s.slice_start = h.observation_time();
  if (s.last && s.last != &v) {
    const bool other_vm = &s.last->vm() != &v.vm();
    ++(other_vm ? stats_.vm_switches : stats_.vcpu_switches);
    v.charge("vcpu_switch", costs_.vcpu_switch);
    if (other_vm) {
      v.charge("vm_switch", costs_.vm_switch);
      // Translations of the VM that ran before carry the same VMID: they
      // must go (KVM flushes at VMID roll-over for the same reason).
      if (s.last->vm().config().vmid == v.vm().config().vmid) {
        h.hfence_gvma(std::nullopt, v.vm().config().vmid);
        ++stats_.gstage_flushes;
        v.charge("gstage_flush", costs_.gstage_flush);
      }
    }
  }
  if (v.last_hart() >= 0 && static_cast<unsigned>(v.last_hart()) != h.config().hart_id) {
    // Other vCPUs of the VM may have left stale entries of its VMID here.
    h.hfence_gvma(std::nullopt, v.vm().config().vmid);
    ++stats_.migrations;
    ++v.stats().migrations;
  }
  s.last = &v;
  if (!queue_.empty()) arm_slice(s);
}

void Scheduler::detach(Slot& s) {
  s.current->detach();
  s.current = nullptr;
}

void Scheduler::run_next(Slot& s) {
  Hart& h = *s.hart;
  if (h.halted()) return;
  if (queue_.empty()) {
    h.set_mode(kPrivS, false);
    h.park();
    return;
  }
  Vcpu& v = *queue_.front();
  queue_.pop_front();
  attach(s, v);
}

// A hart with nothing on it (parked) is the first choice, the vCPU's last
// hart or its home hart before others; else a hart whose vCPU is blocked.
Scheduler::Slot* Scheduler::idle_slot_for(Vcpu& v) {
  const int home = static_cast<int>(std::find(vcpus_.begin(), vcpus_.end(), &v) - vcpus_.begin()) %
                   static_cast<int>(slots_.size());
  auto free = [](const Slot& s) { return !s.current && !s.hart->halted(); };
  auto blocked = [](const Slot& s) {
    return s.current && s.current->run_state() == RunState::kBlocked && !s.hart->halted();
  };
  for (auto pred : {+free, +blocked}) {
    if (v.last_hart() >= 0 && pred(*slots_[v.last_hart()])) return slots_[v.last_hart()].get();
    if (pred(*slots_[home])) return slots_[home].get();
    for (auto& s : slots_)
      if (pred(*s)) return s.get();
  }
  return nullptr;
}

void Scheduler::make_runnable(Vcpu& v) {
  if (v.vm().stop_info().stopped) return;
  if (v.loaded()) {  // blocked on its sleeping hart: the hart wakes by itself
    v.hart().notify_wake();
    return;
  }
  if (v.run_state() == RunState::kQueued || v.run_state() == RunState::kRunning) return;
  if (Slot* s = idle_slot_for(v)) {
    if (s->current) {
      ++s->current->stats().blocked_switches;
      Vcpu& blocked = *s->current;
      detach(*s);
      blocked.set_run_state(RunState::kBlocked);
    }
    attach(*s, v);
    s->hart->unpark();
    return;
  }
  enqueue(v);
}

// A runnable vCPU waits: every hart that runs one gets its slice end armed.
void Scheduler::enqueue(Vcpu& v) {
  v.set_run_state(RunState::kQueued);
  queue_.push_back(&v);
  for (auto& s : slots_)
    if (s->current && s->current->run_state() == RunState::kRunning) arm_slice(*s);
}

// --- time slices ---

void Scheduler::arm_slice(Slot& s) {
  const sc_core::sc_time end = s.slice_start + slice();
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  s.slice_end.notify(end > now ? end - now : sc_core::SC_ZERO_TIME);  // an earlier notification wins
}

unsigned Scheduler::pending_reschedules() const {
  unsigned n = 0;
  for (const auto& s : slots_) n += s->reschedule_pending;
  return n;
}

void Scheduler::slice_expired(Slot& s) {
  if (!s.current || s.current->run_state() != RunState::kRunning || s.reschedule_pending) return;
  if (queue_.size() <= pending_reschedules()) return;  // enough harts are being asked already
  // (The slice began at the hart's local time, which may be ahead of
  // SystemC time.)
  if (s.slice_start + slice() > sc_core::sc_time_stamp()) {
    arm_slice(s);  // a new slice began since this was armed
    return;
  }
  s.reschedule_pending = true;
  ++stats_.reschedule_interrupts;
  s.hart->csr.mip |= csr::kMipSSIP;
  s.hart->notify_wake();
}

// --- exits ---

void Scheduler::handle_exit(Hart& h, bool interrupt) {
  Slot& s = slot_of(h);
  Vcpu* v = s.current;
  if (!v) {  // nothing to run (cannot happen: an idle hart is parked in HS)
    h.park();
    return;
  }
  ExitOutcome outcome;
  bool reschedule = false;
  if (interrupt && h.csr.scause == kRescheduleCause) {
    h.csr.mip &= ~csr::kMipSSIP;
    h.update_irq();
    s.reschedule_pending = false;
    reschedule = true;
    if (v->vm().stop_info().stopped) {
      outcome = ExitOutcome::kStopped;
    } else {
      v->reschedule_exit();
      outcome = ExitOutcome::kResume;
    }
  } else {
    outcome = v->run_exit(h, interrupt);
  }
  if (v->vm().stop_info().stopped) outcome = ExitOutcome::kStopped;

  switch (outcome) {
    case ExitOutcome::kResume: {
      h.enter_guest();
      const bool slice_used = h.local_time() >= s.slice_start + slice();
      if (!queue_.empty() && (reschedule || slice_used)) {
        ++stats_.preemptions;
        ++v->stats().preempted;
        detach(s);
        run_next(s);
        enqueue(*v);
      }
      return;
    }
    case ExitOutcome::kResumeAndSleep:
      h.enter_guest();
      v->set_run_state(RunState::kBlocked);
      if (queue_.empty()) {
        h.sleep_until_interrupt();  // it stays on the hart, which sleeps
        return;
      }
      ++v->stats().blocked_switches;
      detach(s);
      run_next(s);
      if (v->interrupt_pending()) enqueue(*v);  // woke already: it waits its turn
      return;
    case ExitOutcome::kPark:
      v->park();
      detach(s);
      v->set_run_state(RunState::kStopped);
      run_next(s);
      return;
    case ExitOutcome::kStopped:
      detach(s);
      v->set_run_state(RunState::kStopped);
      run_next(s);
      return;
  }
}

void Scheduler::sleep_changed(Hart& h, bool asleep) {
  if (asleep) return;
  Slot& s = slot_of(h);
  if (s.current) s.current->woke_on_hart();
}

void Scheduler::vm_stopped(Vm& vm) {
  for (Vcpu* v : vcpus_)
    if (&v->vm() == &vm) v->stop_timers();
  queue_.erase(std::remove_if(queue_.begin(), queue_.end(), [&vm](Vcpu* v) { return &v->vm() == &vm; }),
               queue_.end());
  for (Vcpu* v : vcpus_)
    if (&v->vm() == &vm && !v->loaded()) v->set_run_state(RunState::kStopped);

  bool any_left = false;
  for (Vcpu* v : vcpus_) any_left |= !v->vm().stop_info().stopped;
  if (!any_left) {
    for (auto& s : slots_) s->hart->halt();
    if (on_all_stopped) on_all_stopped();
    return;
  }
  // Harts running the VM's vCPUs: the one whose exit this is carries on
  // in handle_exit; the others get off it now (asleep) or at their next
  // instruction (a reschedule interrupt).
  const sc_core::sc_process_handle self = sc_core::sc_get_current_process_handle();
  for (auto& sp : slots_) {
    Slot& s = *sp;
    if (!s.current || &s.current->vm() != &vm) continue;
    if (self.valid() && self.get_parent_object() == s.hart) continue;
    if (s.hart->asleep()) {
      Vcpu& v = *s.current;
      detach(s);
      v.set_run_state(RunState::kStopped);
      if (!queue_.empty()) {
        run_next(s);
        s.hart->unpark();
      } else {
        s.hart->park();
      }
    } else if (!s.reschedule_pending) {
      s.reschedule_pending = true;
      s.hart->csr.mip |= csr::kMipSSIP;
      s.hart->notify_wake();
    }
  }
}

void Scheduler::reset() {
  for (auto& s : slots_) {
    if (s->current) detach(*s);
    s->last = nullptr;
    s->reschedule_pending = false;
    s->hart->csr.mip &= ~csr::kMipSSIP;
    s->hart->set_mode(kPrivS, false);
    s->hart->park();
  }
  queue_.clear();
  for (Vcpu* v : vcpus_) {
    v->park();
    v->stop_timers();
    v->set_run_state(RunState::kStopped);
  }
  stats_ = SchedulerStats{};
}

// --- the stuck-run check and statistics ---

bool Scheduler::blocked_can_wake(const Vcpu& v) const {
  if (v.vm().stop_info().stopped) return false;
  if (v.run_state() == RunState::kQueued) return true;
  if (v.run_state() != RunState::kBlocked) return false;
  return v.vm().can_wake_vcpu(const_cast<Vcpu&>(v));
}

bool Scheduler::hart_can_wake(unsigned h, const HartWaitInfo& w) const {
  (void)w;
  if (h >= slots_.size()) return false;
  // Its own vCPU, or any other that could be put on it.
  for (const Vcpu* v : vcpus_)
    if (blocked_can_wake(*v)) return true;
  return false;
}

nlohmann::json Scheduler::stats_json() const {
  return {{"harts", slots_.size()},
          {"vcpus", vcpus_.size()},
          {"time_slice_ns", costs_.time_slice_ns},
          {"vmid_bits", costs_.vmid_bits},
          {"vcpu_switches", stats_.vcpu_switches},
          {"vm_switches", stats_.vm_switches},
          {"gstage_flushes", stats_.gstage_flushes},
          {"migrations", stats_.migrations},
          {"preemptions", stats_.preemptions},
          {"reschedule_interrupts", stats_.reschedule_interrupts}};
}

}  // namespace rvh::hyp
