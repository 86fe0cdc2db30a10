// hyp/scheduler.h: the vCPU scheduler of the hosted hypervisor. It owns the
// harts (it is their ExitHandler) and decides which vCPU each one runs, as
// the host kernel's scheduler does for KVM's vCPU threads:
//  - round robin over one run queue, with a time slice in simulated time
//    (hyp.time_slice_ns). A hart whose vCPU has used its slice while others
//    wait is interrupted (a host interrupt: an exit) and takes the next one;
//  - a vCPU that blocks (WFI, HSM suspend) or stops (HSM hart_stop, its VM
//    stopped) leaves its hart to a waiting vCPU. With nobody waiting it
//    stays on the sleeping hart, so one vCPU per hart costs nothing extra;
//  - a blocked vCPU whose virtual interrupt becomes pending (timer, IPI,
//    virtual PLIC) is runnable again, off its hart too.
// Putting a vCPU on a hart that last ran another one charges hyp.vcpu_switch,
// plus hyp.vm_switch if that one belonged to another VM; VMs that share a
// VMID (hyp.vmid_bits) also flush the G-stage TLB (hyp.gstage_flush, and
// the refills). A vCPU that moves to another hart flushes its VMID there
// first, as KVM's kvm_riscv_local_tlb_sanitize does.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>
#include <systemc>

#include "cpu/hart.h"
#include "hyp/costs.h"

namespace rvh::hyp {

class Vcpu;
class Vm;

struct SchedulerStats {
  uint64_t vcpu_switches = 0;   // another vCPU of the same VM put on a hart
  uint64_t vm_switches = 0;     // a vCPU of another VM put on a hart
  uint64_t gstage_flushes = 0;  // VM switches between VMs sharing a VMID
  uint64_t migrations = 0;      // vCPUs put on another hart than last time (TLB sanitize)
  uint64_t preemptions = 0;     // time slices ended with others waiting
  uint64_t reschedule_interrupts = 0;  // host interrupts sent to end a time slice
};

class Scheduler : public sc_core::sc_module, public ExitHandler, public HartObserver {
 public:
  // `costs`: the platform's hyp.* configuration (switch costs, time slice,
  // VMID bits); each VM has its own for its exits.
  Scheduler(sc_core::sc_module_name name, const std::vector<Hart*>& harts, const HypCosts& costs);
  ~Scheduler() override;

  unsigned num_harts() const { return static_cast<unsigned>(slots_.size()); }
  Hart& hart(unsigned i) { return *slots_.at(i)->hart; }
  const HypCosts& costs() const { return costs_; }
  // The VMID of the index-th VM under hyp.vmid_bits.
  uint16_t vmid_for(unsigned vm_index) const;
  // The scheduler learns of every vCPU (Vm's constructor).
  void add_vcpu(Vcpu& v);
  // The vCPU on hart i (running, or blocked on the sleeping hart), or null.
  Vcpu* current(unsigned hart) const { return slots_.at(hart)->current; }

  // A stopped vCPU was started (HSM), or a blocked one has an interrupt.
  void make_runnable(Vcpu& v);
  // Its VM stopped: its vCPUs leave their harts; with no VM left the harts
  // halt and on_all_stopped runs.
  void vm_stopped(Vm& vm);
  std::function<void()> on_all_stopped;
  // Called whenever a vCPU's RunState changes (reports: --timeline), on
  // whichever process changed it; Vcpu::loaded() tells whether it is on a
  // hart (and Vcpu::hart() which).
  std::function<void(Vcpu&)> on_run_state;

  // Every vCPU off its hart and stopped (HSM), the queue empty, the harts
  // idle in HS (unit tests start each test from there).
  void reset();

  // mtime now (SystemC time), for vCPUs off any hart.
  uint64_t mtime_now() const;

  // ExitHandler / HartObserver.
  void handle_exit(Hart& hart, bool interrupt) override;
  void sleep_changed(Hart& hart, bool asleep) override;

  // Whether something the hypervisor does can still wake hart h
  // (platform/wake_check.cpp): a vCPU waiting to run, or a blocked one
  // whose interrupt can still come.
  bool hart_can_wake(unsigned h, const HartWaitInfo& w) const;

  const SchedulerStats& stats() const { return stats_; }
  nlohmann::json stats_json() const;

 private:
  struct Slot {
    Hart* hart = nullptr;
    unsigned index = 0;
    Vcpu* current = nullptr;  // on the hart (running or blocked)
    Vcpu* last = nullptr;     // the last vCPU that was on it
    sc_core::sc_time slice_start;
    sc_core::sc_event slice_end;
    bool reschedule_pending = false;  // SSIP raised, exit not taken yet
  };
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Vcpu*> vcpus_;
  std::deque<Vcpu*> queue_;  // runnable, off any hart
  HypCosts costs_;
  SchedulerStats stats_;

  Slot& slot_of(Hart& h);
  void attach(Slot& s, Vcpu& v);
  void detach(Slot& s);
  // The hart of `s` takes the next queued vCPU, or parks with none.
  void run_next(Slot& s);
  Slot* idle_slot_for(Vcpu& v);
  void enqueue(Vcpu& v);
  sc_core::sc_time slice() const { return sc_core::sc_time(static_cast<double>(costs_.time_slice_ns), sc_core::SC_NS); }
  void arm_slice(Slot& s);
  void slice_expired(Slot& s);
  unsigned pending_reschedules() const;
  bool blocked_can_wake(const Vcpu& v) const;
};

}  // namespace rvh::hyp
