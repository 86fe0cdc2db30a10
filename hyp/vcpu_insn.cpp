// hyp/vcpu_insn.cpp: virtual-instruction exits, like KVM's vcpu_insn.c:
// the instruction comes from stval (or is read with HLVX when stval is 0);
// WFI blocks the vCPU until a virtual interrupt is pending and enabled;
// the hpm counters read as 0 (no PMU for guests), `seed` is illegal, and
// anything else is injected into the guest as an illegal instruction.
#include "hyp/exit_handlers.h"
#include "hyp/vcpu.h"
#include "hyp/vm.h"

namespace rvh::hyp {
namespace {
constexpr uint32_t kWfi = 0x10500073;
constexpr unsigned kCsrSeed = 0x015;

bool is_hpm_counter(unsigned csr_num) {
  return (csr_num >= csr::kHpmcounter3 && csr_num <= csr::kHpmcounter31);
}

ExitOutcome illegal_to_guest(Vcpu& v, uint32_t insn) {
  v.redirect_trap(csr::kCauseIllegalInsn, insn);
  return ExitOutcome::kResume;
}

// CSR instructions (SYSTEM, funct3 != 0, 4).
ExitOutcome emulate_csr(Vcpu& v, uint32_t insn) {
  const unsigned num = insn >> 20;
  const unsigned funct3 = (insn >> 12) & 7;
  const unsigned rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31;
  const bool writes = (funct3 == 1 || funct3 == 5) || rs1 != 0;
  if (num == kCsrSeed || !is_hpm_counter(num) || writes) return illegal_to_guest(v, insn);
  // Read-only hpmcounterN: no counters are given to guests, so they read 0.
  v.set_reg(rd, 0);
  v.hart().csr.sepc += 4;
  v.name_exit("csr emulation");
  ++v.stats().csr_exit_kernel;
  v.charge("csr_emulation", v.vm().config().costs.csr_emulation);
  return ExitOutcome::kResume;
}
}  // namespace

bool fetch_guest_instruction(Vcpu& v, uint32_t& insn) {
  Hart& h = v.hart();
  // HLVX runs with the guest's privilege from the exit (hstatus.SPVP).
  try {
    const uint64_t pc = h.csr.sepc;
    uint32_t lo = h.hyp_load<uint16_t>(pc, true);
    insn = lo;
    if ((lo & 3) == 3) insn |= static_cast<uint32_t>(h.hyp_load<uint16_t>(pc + 2, true)) << 16;
  } catch (const Trap& t) {
    // Like KVM: the fault of the unprivileged read goes to the guest.
    v.redirect_trap(t.cause == csr::kCauseLoadGuestPageFault ? csr::kCauseFetchGuestPageFault
                    : t.cause == csr::kCauseLoadPageFault    ? csr::kCauseFetchPageFault
                    : t.cause == csr::kCauseLoadAccess        ? csr::kCauseFetchAccess
                                                               : t.cause,
                    t.tval);
    return false;
  }
  v.charge("insn_fetch", v.vm().config().costs.insn_fetch);
  return true;
}

ExitOutcome emulate_virtual_instruction(Vcpu& v) {
  Hart& h = v.hart();
  uint32_t insn = static_cast<uint32_t>(h.csr.stval);
  if (insn == 0 && !fetch_guest_instruction(v, insn)) return ExitOutcome::kResume;
  if (insn == kWfi) {
    v.name_exit("wfi");
    ++v.stats().wfi_exit_stat;
    v.charge("wfi", v.vm().config().costs.wfi);
    h.csr.sepc += 4;
    // Block in simulated time until a VS interrupt is pending and enabled
    // in vsie (the hart's sleep checks mip & mie, whose VS bits are hip/hie).
    if ((h.effective_mip() & h.csr.mie & csr::kVsInterrupts) != 0) return ExitOutcome::kResume;
    return ExitOutcome::kResumeAndSleep;
  }
  const unsigned opcode = insn & 0x7f, funct3 = (insn >> 12) & 7;
  if (opcode == 0x73 && funct3 != 0 && funct3 != 4) return emulate_csr(v, insn);
  return illegal_to_guest(v, insn);
}

}  // namespace rvh::hyp
