// hyp/exit.cpp: exit dispatch, like KVM's kvm_riscv_vcpu_exit
// (arch/riscv/kvm/vcpu_exit.c): every trap from the guest that reaches HS
// arrives here with sepc, scause, stval, htval and htinst as the hardware
// wrote them; it is handled and charged to simulated time, and the
// scheduler (hyp/scheduler.cpp) carries out the outcome: the guest resumes
// with SRET semantics (Hart::enter_guest), blocks, or leaves the hart. Guest misbehaviour never
// aborts the simulator: an exit that cannot be handled stops the VM with a
// report of the trap CSRs.
#include <cstdio>
#include <sstream>

#include "hyp/exit_handlers.h"
#include "hyp/vcpu.h"
#include "hyp/vm.h"

namespace rvh::hyp {

ExitOutcome Vcpu::run_exit(Hart& hart, bool interrupt) {
  if (vm_.stop_info().stopped) return ExitOutcome::kStopped;  // the VM is gone: nothing to run or count
  // Nothing a guest does may take the simulator down: a handler that fails
  // stops the VM with its message.
  begin_exit(true);
  ExitOutcome outcome;
  try {
    outcome = dispatch_exit(hart, interrupt);
  } catch (const std::exception& e) {
    outcome = unsupported_exit(*this, std::string("hypervisor error: ") + e.what());
  }
  end_exit();
  return outcome;
}

ExitOutcome Vcpu::dispatch_exit(Hart& hart, bool interrupt) {
  auto& c = hart.csr;
  const HypCosts& costs = vm_.config().costs;
  ++stats_.exits;
  charge("world_switch", costs.world_switch());
  if (interrupt) {
    // No host interrupt is enabled while a guest runs (the hypervisor's own
    // timers are SystemC events); one arriving anyway is counted and the
    // guest resumes.
    name_exit("host interrupt");
    ++stats_.host_interrupt_exits;
    charge("host_interrupt", costs.host_interrupt);
    return ExitOutcome::kResume;
  }
  ExitOutcome outcome = ExitOutcome::kResume;
  switch (c.scause) {
    case csr::kCauseFetchAccess:
      if (!vm_.config().redirect_inst_access_fault) {
        // Before Linux 51c58956732b ("RISC-V: KVM: Add EXC_INST_ACCESS to the
        // case statement") KVM returned -EOPNOTSUPP for this cause.
        outcome = unsupported_exit(*this, "unsupported exit (instruction access fault not redirected)");
        break;
      }
      ++stats_.inst_access_exits;
      redirect_trap(c.scause, c.stval);
      break;
    case csr::kCauseIllegalInsn:
      ++stats_.instr_illegal_exits;
      redirect_trap(c.scause, c.stval);
      break;
    case csr::kCauseMisalignedLoad:
      ++stats_.load_misaligned_exits;
      redirect_trap(c.scause, c.stval);
      break;
    case csr::kCauseMisalignedStore:
      ++stats_.store_misaligned_exits;
      redirect_trap(c.scause, c.stval);
      break;
    case csr::kCauseLoadAccess:
      ++stats_.load_access_exits;
      redirect_trap(c.scause, c.stval);
      break;
    case csr::kCauseStoreAccess:
      ++stats_.store_access_exits;
      redirect_trap(c.scause, c.stval);
      break;
    case csr::kCauseVirtualInsn:
      ++stats_.virtual_insn_exits;
      outcome = emulate_virtual_instruction(*this);
      break;
    case csr::kCauseFetchGuestPageFault:
    case csr::kCauseLoadGuestPageFault:
    case csr::kCauseStoreGuestPageFault:
      outcome = guest_page_fault(*this);
      break;
    case csr::kCauseEcallVS:
      ++stats_.ecall_exit_stat;
      outcome = sbi_ecall(*this);
      break;
    case csr::kCauseBreakpoint:
      outcome = unsupported_exit(*this, "breakpoint (debug stop)");
      break;
    default:
      outcome = unsupported_exit(*this, "unsupported exit");
      break;
  }
  return outcome;
}

ExitOutcome unsupported_exit(Vcpu& v, const std::string& what) {
  v.name_exit("unsupported exit");
  const auto& c = v.hart().csr;
  std::ostringstream msg;
  msg << std::hex << "vcpu" << std::dec << v.id() << ": " << what << std::hex << "\n"
      << "  SEPC    0x" << c.sepc << "\n"
      << "  SSTATUS 0x" << c.mstatus << "\n"
      << "  HSTATUS 0x" << c.hstatus << "\n"
      << "  SCAUSE  0x" << c.scause << "\n"
      << "  STVAL   0x" << c.stval << "\n"
      << "  HTVAL   0x" << c.htval << "\n"
      << "  HTINST  0x" << c.htinst;
  v.vm().stop(3, msg.str());
  return ExitOutcome::kStopped;
}

}  // namespace rvh::hyp
