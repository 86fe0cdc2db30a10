// hyp/vcpu.h: one virtual CPU. The scheduler (hyp/scheduler.h) puts it on a
// hart (attach: its GuestContext is loaded) and takes it off (detach: saved).
// While it is on a hart, every trap of the guest that reaches HS arrives in
// run_exit(), is dispatched like kvm_riscv_vcpu_exit (hyp/exit.cpp) and
// charged to simulated time; the scheduler then resumes it, blocks it or
// runs another vCPU. Off a hart, interrupts are injected into its saved
// context and make it runnable.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include <systemc>

#include "cpu/hart.h"
#include "cpu/hart_observer.h"
#include "hyp/cost_histogram.h"
#include "hyp/exit_handlers.h"
#include "hyp/exit_trace.h"
#include "hyp/guest_context.h"
#include "hyp/sbi.h"

namespace rvh::hyp {

class Vm;

// KVM's per-vCPU statistics (kvm_vcpu_stat), plus ours.
struct VcpuStats {
  uint64_t exits = 0;
  uint64_t ecall_exit_stat = 0, wfi_exit_stat = 0;
  uint64_t mmio_exit_user = 0, mmio_exit_kernel = 0;
  uint64_t csr_exit_user = 0, csr_exit_kernel = 0;
  uint64_t instr_illegal_exits = 0, load_misaligned_exits = 0, store_misaligned_exits = 0;
  uint64_t load_access_exits = 0, store_access_exits = 0;
  uint64_t inst_access_exits = 0;   // ours: the seed patch's class
  uint64_t gstage_map_faults = 0;
  uint64_t virtual_insn_exits = 0, host_interrupt_exits = 0, redirected_traps = 0;
  uint64_t unmapped_mmio = 0;
  uint64_t unmapped_mmio_unreported = 0;  // of those, not named on stderr (Vm::report_unmapped's limit)
  uint64_t assigned_irqs = 0;  // an assigned device's physical interrupts forwarded to this vCPU's VM
  std::map<std::string, uint64_t> sbi_calls;          // "time.set_timer" -> count
  std::map<std::string, uint64_t> interrupts_injected;  // "VSSIP", "VSTIP", "VSEIP"
  std::map<std::string, uint64_t> cost_cycles;         // per exit class, cycles charged
  std::map<std::string, CostHistogram> exit_costs;     // per exit name (hyp/exit_trace.h), cycles per exit
  uint64_t hyp_cycles = 0;  // all cycles charged to the hypervisor
  // Scheduling (hyp/scheduler.h).
  uint64_t scheduled_in = 0;      // times put on a hart
  uint64_t preempted = 0;         // taken off at the end of its time slice
  uint64_t blocked_switches = 0;  // taken off while blocked (WFI, suspend) for another vCPU
  uint64_t migrations = 0;        // put on a different hart than last time
  // Guest instructions and hart cycles while on a hart (the cycles include
  // the hypervisor's and the time asleep in WFI).
  uint64_t guest_instructions_vs = 0, guest_instructions_vu = 0, cycles = 0;
  // Timer interrupt latency: from the deadline the guest programmed (SBI
  // set_timer, or vstimecmp with Sstc) to the entry of its handler, in ps.
  CostHistogram timer_latency_ns;
  uint64_t timer_latency_max_ps = 0, timer_latency_total_ps = 0;
};

enum class HsmState : uint64_t {
  kStarted = 0, kStopped = 1, kStartPending = 2, kStopPending = 3,
  kSuspended = 4, kSuspendPending = 5, kResumePending = 6,
};

// Where the scheduler has a vCPU.
enum class RunState : uint8_t {
  kStopped,  // HSM stopped, or its VM stopped: not runnable
  kQueued,   // runnable, waiting for a hart
  kRunning,  // on a hart, running
  kBlocked,  // waiting for a virtual interrupt (WFI, HSM suspend); on a
             // sleeping hart or off any hart
};

class Scheduler;

class Vcpu : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Vcpu);
  Vcpu(sc_core::sc_module_name name, Vm& vm, Scheduler& scheduler, unsigned id, const GuestContext& initial);
  ~Vcpu() override;

  // The hart the vCPU is on; only while loaded() (every exit handler runs
  // with the vCPU on its hart).
  Hart& hart() { return *hart_; }
  bool loaded() const { return hart_ != nullptr; }
  unsigned id() const { return id_; }
  Vm& vm() { return vm_; }
  const Vm& vm() const { return vm_; }
  VcpuStats& stats() { return stats_; }
  const VcpuStats& stats() const { return stats_; }
  RunState run_state() const { return run_state_; }

  // The guest's registers and CSRs wherever they are now: on its hart, or
  // in the saved context.
  uint64_t* gprs() { return hart_ ? hart_->x : context_.x; }
  CsrFile& csrs() { return hart_ ? hart_->csr : context_.csr; }
  const CsrFile& csrs() const { return hart_ ? hart_->csr : context_.csr; }

  // Guest registers (x0 reads 0, writes to x0 are dropped).
  uint64_t reg(unsigned i) { return i ? gprs()[i] : 0; }
  void set_reg(unsigned i, uint64_t v) { if (i) gprs()[i] = v; }

  // --- services for SBI extensions ---
  uint64_t guest_time();                       // time CSR as the guest reads it now
  void set_timer(uint64_t stime_value);        // SBI set_timer (clears VSTIP, fires later)
  bool timer_armed() const { return timer_armed_; }  // set_timer's host timer will fire
  void set_software_interrupt(bool pending);   // hvip.VSSIP, waking the vCPU
  // An IPI from another vCPU: VSSIP, and the kick that delivers it (KVM's
  // kvm_vcpu_kick): a running target takes an exit (hyp.ipi_delivery plus
  // the world switch), a sleeping one is woken (hyp.wfi_wakeup).
  void receive_ipi();
  void flush_guest_tlb();                      // remote fences
  HsmState hsm_state() const { return hsm_; }
  // HSM hart_start of this (stopped) vCPU: it enters VS-mode at start_addr
  // with a0 = vCPU id, a1 = opaque, satp/vsatp = 0, SIE = 0.
  int64_t start(uint64_t start_addr, uint64_t opaque);
  // HSM hart_suspend of this (running) vCPU, called from its ECALL exit,
  // which then lets the hart sleep until an interrupt: the vCPU is SUSPENDED
  // until it wakes, then STARTED. Retentive: the call returns normally.
  // Non-retentive: it wakes at resume_addr in VS-mode with a0 = vCPU id,
  // a1 = opaque, vsatp = 0, vsstatus.SIE = 0 (SBI HSM resume state).
  void suspend();
  void suspend_non_retentive(uint64_t resume_addr, uint64_t opaque);
  // Reads guest virtual memory as the guest would (HLV with SPVP = VS).
  bool read_guest_virtual(uint64_t vaddr, unsigned size, uint64_t& value);

  // A VS interrupt is pending and enabled in vsie: a blocked vCPU wakes.
  bool interrupt_pending() const;
  // hvip bit `bit` (VSSIP, VSTIP, VSEIP) set or cleared, counted as an
  // injection under `name` when set; a blocked vCPU off its hart becomes
  // runnable, one on a sleeping hart wakes it.
  void set_virtual_interrupt(uint64_t bit, bool pending, const char* name);

  // --- exits ---
  // Handles the trap that brought the hart (this vCPU's) to HS and says
  // what happens next; the scheduler carries it out.
  ExitOutcome run_exit(Hart& hart, bool interrupt);
  // The scheduler's own exit: a host interrupt that asks for a reschedule
  // (the end of a time slice, or the VM stopped elsewhere).
  void reschedule_exit();
  // Like kvm_riscv_vcpu_trap_redirect: the trap goes to the guest's VS-mode.
  void redirect_trap(uint64_t cause, uint64_t tval);
  // Charges `cycles` of hypervisor work of class `what` to simulated time.
  void charge(const std::string& what, uint64_t cycles);
  // The host took an assigned device's interrupt for this VM (hyp/vm_assigned.cpp):
  // counted, and `cycles` plus a world switch charged ("assigned_irq"), at
  // the next entry if the vCPU is off its hart.
  void assigned_irq_taken(uint64_t cycles);
  // The VM's virtual PLIC raised or dropped this vCPU's external interrupt
  // line (VSEIP). Raising it works like the host timer's injection: a
  // blocked vCPU is woken (wfi_wakeup), a running one is kicked out of the
  // guest and back (KVM: kvm_riscv_vcpu_set_interrupt, then kvm_vcpu_kick).
  void set_external_interrupt(bool level);
  // Park this vCPU until HSM start (used at VM creation and for hart_stop).
  void park();
  // Names the exit being handled (the first name given wins), e.g.
  // "sbi time.set_timer"; see hyp/exit_trace.h.
  void name_exit(std::string name);
  // Every exit is reported to `r` (null: none, the default).
  void set_exit_recorder(ExitRecorder* r) { recorder_ = r; }
  // The hart stopped sleeping with this vCPU on it (a suspended vCPU resumes).
  void woke_on_hart();
  // A VS interrupt entered the guest's handler (Hart::on_guest_interrupt).
  void guest_interrupt_taken(uint64_t cause);

  // --- the scheduler's side (hyp/scheduler.cpp) ---
  void attach(Hart& h);   // load the context onto `h`
  void detach();          // save it and leave the hart
  void set_run_state(RunState s);  // tells Scheduler::on_run_state
  int last_hart() const { return last_hart_; }
  void stop_timers();     // the VM stopped
  bool sstc_timer_armed() const { return sstc_armed_; }
  uint64_t context_pc() const { return context_.pc; }  // where it resumes, off its hart  // off its hart, vstimecmp will wake it
  // Guest instructions (VS, VU) and hart cycles so far, including the
  // current stay on a hart.
  void counters(uint64_t& vs, uint64_t& vu, uint64_t& cycles);

 private:
  Vm& vm_;
  Scheduler& scheduler_;
  Hart* hart_ = nullptr;
  unsigned id_;
  GuestContext context_;
  RunState run_state_ = RunState::kStopped;
  int last_hart_ = -1;
  bool flush_on_attach_ = false;        // a remote fence or a start came while off its hart
  bool full_flush_on_attach_ = false;   // HSM start: nothing of the VM's old translations stays
  uint64_t deferred_cycles_ = 0;        // hypervisor work for it while off its hart
  std::string deferred_class_;
  uint64_t base_vs_ = 0, base_vu_ = 0, base_cycles_ = 0;  // the hart's counters at attach
  VcpuStats stats_;
  HsmState hsm_ = HsmState::kStopped;
  sc_core::sc_event timer_event_;
  bool timer_armed_ = false;
  sc_core::sc_time timer_deadline_;     // SBI set_timer's deadline (latency)
  bool timer_deadline_set_ = false;
  sc_core::sc_event sstc_event_;        // vstimecmp of a vCPU off its hart (Sstc)
  bool sstc_armed_ = false;
  void timer_fired();
  void sstc_fired();
  void wake_if_blocked(const char* cost_class, uint64_t cycles);
  void charge_or_defer(const char* what, uint64_t cycles);
  void kick(const char* exit_name, const char* cost_class, uint64_t handler_cost);
  ExitOutcome dispatch_exit(Hart& hart, bool interrupt);

  // The exit being handled (hyp/exit_trace.cpp).
  struct CurrentExit {
    bool active = false;
    std::string name;
    uint64_t start_cycles = 0, start_hyp_cycles = 0;
    ExitEvent event;  // filled only with a recorder
  };
  CurrentExit exit_;
  ExitRecorder* recorder_ = nullptr;
  void begin_exit(bool trap);
  void end_exit();

  friend class ExitDispatcher;
};


}  // namespace rvh::hyp
