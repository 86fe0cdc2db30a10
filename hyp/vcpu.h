// hyp/vcpu.h: one virtual CPU, bound to one hart for the whole run (one
// vCPU per hart). It is the hart's ExitHandler: every trap that reaches HS
// arrives in handle_exit(), is dispatched like kvm_riscv_vcpu_exit
// (hyp/exit.cpp), charged to simulated time, and the guest resumes.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include <systemc>

#include "cpu/hart.h"
#include "cpu/hart_observer.h"
#include "hyp/cost_histogram.h"
#include "hyp/exit_trace.h"
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
  std::map<std::string, uint64_t> sbi_calls;          // "time.set_timer" -> count
  std::map<std::string, uint64_t> interrupts_injected;  // "VSSIP", "VSTIP", "VSEIP"
  std::map<std::string, uint64_t> cost_cycles;         // per exit class, cycles charged
  std::map<std::string, CostHistogram> exit_costs;     // per exit name (hyp/exit_trace.h), cycles per exit
  uint64_t hyp_cycles = 0;  // all cycles charged to the hypervisor
};

enum class HsmState : uint64_t {
  kStarted = 0, kStopped = 1, kStartPending = 2, kStopPending = 3,
  kSuspended = 4, kSuspendPending = 5, kResumePending = 6,
};

// The vCPU observes its hart to see a suspended vCPU wake (HSM state).
class Vcpu : public sc_core::sc_module, public ExitHandler, public HartObserver {
 public:
  SC_HAS_PROCESS(Vcpu);
  Vcpu(sc_core::sc_module_name name, Vm& vm, Hart& hart, unsigned id);
  ~Vcpu() override;

  Hart& hart() { return hart_; }
  unsigned id() const { return id_; }
  Vm& vm() { return vm_; }
  VcpuStats& stats() { return stats_; }

  // Guest registers (x0 reads 0, writes to x0 are dropped).
  uint64_t reg(unsigned i) const { return i ? hart_.x[i] : 0; }
  void set_reg(unsigned i, uint64_t v) { if (i) hart_.x[i] = v; }

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

  // --- exits ---
  void handle_exit(Hart& hart, bool interrupt) override;
  // Like kvm_riscv_vcpu_trap_redirect: the trap goes to the guest's VS-mode.
  void redirect_trap(uint64_t cause, uint64_t tval);
  // Charges `cycles` of hypervisor work of class `what` to simulated time.
  void charge(const std::string& what, uint64_t cycles);
  // Park this vCPU until HSM start (used at VM creation and for hart_stop).
  void park();
  // Names the exit being handled (the first name given wins), e.g.
  // "sbi time.set_timer"; see hyp/exit_trace.h.
  void name_exit(std::string name);
  // Every exit is reported to `r` (null: none, the default).
  void set_exit_recorder(ExitRecorder* r) { recorder_ = r; }
  // HartObserver: the hart stops sleeping (a suspended vCPU resumes).
  void sleep_changed(Hart& hart, bool asleep) override;

 private:
  Vm& vm_;
  Hart& hart_;
  unsigned id_;
  VcpuStats stats_;
  HsmState hsm_ = HsmState::kStopped;
  sc_core::sc_event timer_event_;
  bool timer_armed_ = false;
  void timer_fired();
  void kick(const char* exit_name, const char* cost_class, uint64_t handler_cost);
  void dispatch_exit(Hart& hart, bool interrupt);

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
