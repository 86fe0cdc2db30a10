// hyp/exit_handlers.h: the handlers exit.cpp dispatches to, one file each:
// vcpu_insn.cpp (virtual instructions), gstage_fault.cpp (guest-page faults
// and MMIO), vcpu_sbi.cpp (ECALL from VS).
#pragma once
#include <cstdint>
#include <string>

namespace rvh::hyp {

class Vcpu;

enum class ExitOutcome {
  kResume,          // re-enter the guest at sepc
  kResumeAndSleep,  // re-enter, but block until a virtual interrupt (WFI, HSM suspend)
  kPark,            // the vCPU stops (HSM hart_stop)
  kStopped,         // the VM stopped
};

ExitOutcome emulate_virtual_instruction(Vcpu& v);
ExitOutcome guest_page_fault(Vcpu& v);
ExitOutcome sbi_ecall(Vcpu& v);
// Stops the VM with a report of the trap CSRs (exit code 3).
ExitOutcome unsupported_exit(Vcpu& v, const std::string& what);

// Reads the instruction at the guest's sepc with HLVX (both halves of a
// 32-bit one). On a fault the trap is redirected to the guest and false is
// returned.
bool fetch_guest_instruction(Vcpu& v, uint32_t& insn);

}  // namespace rvh::hyp
