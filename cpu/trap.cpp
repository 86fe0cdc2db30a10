// cpu/trap.cpp: trap entry, xRET, WFI and interrupt selection (priv spec
// 3.1.6-3.1.9, 3.3.1-3.3.3, 4.1.1; H spec "Traps", "Trap Entry",
// "Trap Return", "Hypervisor Interrupt Registers").
#include "cpu/hart.h"


#include "cpu/insns.h"

namespace rvh {
namespace {
using namespace csr;
// Priority order for simultaneous interrupts at one level (priv spec 3.1.9,
// H spec: ... SEI, SSI, STI, SGEI, VSEI, VSSI, VSTI).
constexpr unsigned kIrqPriority[] = {kIrqMEI, kIrqMSI, kIrqMTI, kIrqSEI, kIrqSSI,
                                     kIrqSTI, kIrqSGEI, kIrqVSEI, kIrqVSSI, kIrqVSTI};

int highest(uint64_t set) {
  for (unsigned irq : kIrqPriority)
    if (set & (1ull << irq)) return static_cast<int>(irq);
  return -1;
}

// Which pending interrupt would be taken now (or -1). Interrupts for a more
// privileged level come first: M, then HS, then VS.
int select_interrupt(const CsrFile& c, uint64_t pending, Priv priv, bool virt) {
  const uint64_t m = pending & ~c.mideleg;
  const uint64_t hs = pending & c.mideleg & ~c.hideleg;
  const uint64_t vs = pending & c.mideleg & c.hideleg;
  const bool m_enabled = priv < kPrivM || (c.mstatus & kMstatusMIE);
  const bool hs_enabled = virt || priv < kPrivS || (priv == kPrivS && (c.mstatus & kMstatusSIE));
  const bool vs_enabled = virt && (priv == kPrivU || (c.vsstatus & kMstatusSIE));
  if (m_enabled && m) return highest(m);
  if (hs_enabled && hs) return highest(hs);
  if (vs_enabled && vs) return highest(vs);
  return -1;
}

// Bits of a trap into VS-mode's cause: VS-level interrupt codes are
// translated to the supervisor ones (H spec, hideleg).
uint64_t vs_cause(uint64_t cause, bool interrupt) {
  if (interrupt && (cause == kIrqVSSI || cause == kIrqVSTI || cause == kIrqVSEI)) return cause - 1;
  return cause;
}

uint64_t tvec_target(uint64_t tvec, uint64_t cause, bool interrupt) {
  return (tvec & ~3ull) + ((interrupt && (tvec & 1)) ? 4 * cause : 0);
}

// xstatus after trap entry: xPIE <- xIE, xIE <- 0, xPP <- previous privilege.
uint64_t enter_s(uint64_t status, Priv from) {
  uint64_t s = status & ~(kMstatusSPP | kMstatusSPIE | kMstatusSIE);
  if (from == kPrivS) s |= kMstatusSPP;
  if (status & kMstatusSIE) s |= kMstatusSPIE;
  return s;
}
}  // namespace

void Hart::update_irq() {
  run_stop_.irq_ready = select_interrupt(csr, effective_mip() & csr.mie, priv, virt) >= 0;
  if (__builtin_expect(!observers.empty(), 0))
    for (HartObserver* o : observers) o->interrupts_changed(*this);
}

int Hart::take_interrupt_if_any() {
  const int irq = select_interrupt(csr, effective_mip() & csr.mie, priv, virt);
  if (irq >= 0) {
    ++stats.interrupts;
    take_trap(static_cast<uint64_t>(irq), 0, true);
  }
  return irq;
}

// htinst/mtinst for an explicit memory access that faulted: the trapping
// load/store/AMO/HLV/HSV, transformed (H spec, "Transformed Instruction or
// Pseudoinstruction"): immediate cleared, rs1 replaced by the offset of the
// faulting address from the original one, bit 1 cleared if it was compressed.
uint64_t Hart::transformed_instruction(const Trap& t) const {
  if (t.tinst) return t.tinst;  // a pseudoinstruction from the VS-stage walk
  switch (t.cause) {
    case kCauseMisalignedLoad: case kCauseLoadAccess: case kCauseMisalignedStore:
    case kCauseStoreAccess: case kCauseLoadPageFault: case kCauseStorePageFault:
    case kCauseLoadGuestPageFault: case kCauseStoreGuestPageFault:
      break;
    default:
      return 0;
  }
  const uint32_t word = trapped_insn_bits_;
  const bool compressed = (word & 3) != 3;
  const uint32_t insn = compressed ? expand_compressed(static_cast<uint16_t>(word)) : word;
  const unsigned rs1 = (insn >> 15) & 31;
  const int64_t imm_i = static_cast<int32_t>(insn) >> 20;
  const int64_t imm_s = (static_cast<int32_t>(insn) >> 25) * 32 + ((insn >> 7) & 31);
  uint64_t original = 0;
  uint32_t kept = 0;
  switch (insn & 0x7f) {
    case 0x03: case 0x07:  // loads: funct3, rd, opcode
      original = x[rs1] + imm_i;
      kept = insn & 0x00007fff;
      break;
    case 0x23: case 0x27:  // stores: rs2, funct3, opcode
      original = x[rs1] + imm_s;
      kept = insn & 0x01f0707f;
      break;
    case 0x2f:  // atomics: everything but rs1
      original = x[rs1];
      kept = insn & ~0x000f8000u;
      break;
    case 0x73:  // HLV/HLVX/HSV: everything but rs1
      if (((insn >> 12) & 7) != 4) return 0;
      original = x[rs1];
      kept = insn & ~0x000f8000u;
      break;
    default:
      return 0;
  }
  const uint64_t offset = (t.tval - original) & 31;
  uint32_t transformed = kept | static_cast<uint32_t>(offset << 15);
  if (compressed) transformed &= ~2u;
  return transformed;
}

void Hart::take_trap(const Trap& t, bool interrupt) {
  if (__builtin_expect(watched_, 0)) {
    // A VM exit: a hosted hypervisor owns the hart and the trap does not go to VS.
    const uint64_t hdeleg = interrupt ? csr.hideleg : csr.hedeleg;
    const bool to_vs = virt && priv <= kPrivS && ((hdeleg >> t.cause) & 1);
    const std::vector<InsnWatcher*> watchers = watchers_;
    for (InsnWatcher* w : watchers) w->trap_taken(*this, t, interrupt, exit_handler && !to_vs);
  }
  reservation = ~0ull;
  ++stats.traps;
  cycles += cfg_.cpi.trap_entry_cycles;
  const uint64_t cause = t.cause;
  const bool from_virt = virt;
  const Priv from = priv;
  const uint64_t int_bit = interrupt ? kInterruptBit : 0;
  const uint64_t mdeleg = interrupt ? csr.mideleg : csr.medeleg;

  // With a hosted hypervisor, HS- and M-mode belong to it: everything not
  // delegated to VS is an exit (cpu/exit_handler.h).
  const bool to_hs = (from <= kPrivS && ((mdeleg >> cause) & 1)) || exit_handler;
  if (to_hs) {
    const uint64_t hdeleg = interrupt ? csr.hideleg : csr.hedeleg;
    if (from_virt && ((hdeleg >> cause) & 1) && from <= kPrivS) {
      // Into VS-mode: hstatus and the HS-level sstatus are untouched, V stays 1.
      const uint64_t c = vs_cause(cause, interrupt);
      csr.vscause = c | int_bit;
      csr.vsepc = pc;
      csr.vstval = t.tval;
      csr.vsstatus = enter_s(csr.vsstatus, from);
      pc = tvec_target(csr.vstvec, c, interrupt);
      set_mode(kPrivS, true);
      if (interrupt && on_guest_interrupt) on_guest_interrupt(*this, cause);
      return;
    }
    // Into HS-mode.
    csr.scause = cause | int_bit;
    csr.sepc = pc;
    csr.stval = t.tval;
    csr.htval = t.tval2;
    csr.htinst = interrupt ? 0 : transformed_instruction(t);
    uint64_t h = csr.hstatus & ~(kHstatusSPV | kHstatusGVA);
    if (from_virt) {
      h |= kHstatusSPV;
      h = (h & ~kHstatusSPVP) | (from == kPrivS ? kHstatusSPVP : 0);
    }
    if (t.gva) h |= kHstatusGVA;
    csr.hstatus = h;
    csr.mstatus = enter_s(csr.mstatus, from);
    pc = tvec_target(csr.stvec, cause, interrupt);
    set_mode(kPrivS, false);
    if (exit_handler) exit_handler->handle_exit(*this, interrupt);
    return;
  }
  // Into M-mode.
  sdtrig.trap_into_m();
  csr.mcause = cause | int_bit;
  csr.mepc = pc;
  csr.mtval = t.tval;
  csr.mtval2 = t.tval2;
  csr.mtinst = interrupt ? 0 : transformed_instruction(t);
  uint64_t s = csr.mstatus & ~(kMstatusMPP | kMstatusMPIE | kMstatusMIE | kMstatusMPV | kMstatusGVA);
  s |= static_cast<uint64_t>(from) << kMstatusMppShift;
  if (csr.mstatus & kMstatusMIE) s |= kMstatusMPIE;
  if (from_virt) s |= kMstatusMPV;
  if (t.gva) s |= kMstatusGVA;
  csr.mstatus = s;
  pc = tvec_target(csr.mtvec, cause, interrupt);
  set_mode(kPrivM, false);
}

// MRET (H spec "Trap Return"): the new mode comes from MPP and MPV (MPV is
// ignored when MPP=M); MPV <- 0, MPP <- U, MIE <- MPIE, MPIE <- 1.
void Hart::do_mret() {
  const Priv next = static_cast<Priv>((csr.mstatus & kMstatusMPP) >> kMstatusMppShift);
  const bool next_virt = next != kPrivM && (csr.mstatus & kMstatusMPV);
  uint64_t s = csr.mstatus & ~(kMstatusMIE | kMstatusMPP | kMstatusMPV);
  if (s & kMstatusMPIE) s |= kMstatusMIE;
  s |= kMstatusMPIE;
  if (next != kPrivM) s &= ~kMstatusMPRV;
  csr.mstatus = s;
  sdtrig.mret();
  reservation = ~0ull;
  npc = csr.mepc;
  const ModeIndex ran_in = mode();
  set_mode(next, next_virt);
  count_retiring_in(ran_in);
}

// SRET: with V=0 the new mode comes from sstatus.SPP and hstatus.SPV (SPV
// <- 0); with V=1 (VS-mode) from vsstatus.SPP, staying in V=1.
void Hart::do_sret() {
  const ModeIndex ran_in = mode();
  Priv next;
  bool next_virt;
  if (!virt) {
    next = (csr.mstatus & kMstatusSPP) ? kPrivS : kPrivU;
    next_virt = csr.hstatus & kHstatusSPV;
    csr.hstatus &= ~kHstatusSPV;
    uint64_t s = csr.mstatus & ~(kMstatusSIE | kMstatusSPP | kMstatusMPRV);
    if (s & kMstatusSPIE) s |= kMstatusSIE;
    csr.mstatus = s | kMstatusSPIE;
    npc = csr.sepc;
  } else {
    next = (csr.vsstatus & kMstatusSPP) ? kPrivS : kPrivU;
    next_virt = true;
    uint64_t s = csr.vsstatus & ~(kMstatusSIE | kMstatusSPP);
    if (s & kMstatusSPIE) s |= kMstatusSIE;
    csr.vsstatus = s | kMstatusSPIE;
    npc = csr.vsepc;
  }
  reservation = ~0ull;
  set_mode(next, next_virt);
  count_retiring_in(ran_in);
}

// WFI (priv 3.3.3, H spec): illegal in U-mode and, with mstatus.TW, in any
// mode below M (TW comes before VTW); virtual instruction in VU-mode and in
// VS-mode with hstatus.VTW. Otherwise the hart sleeps until an interrupt is
// pending and enabled in mie, whatever the global enables say.
void Hart::do_wfi(const DecodedInsn& d) {
  if (priv != kPrivM && (csr.mstatus & kMstatusTW)) illegal(d.raw);
  if (!virt && priv == kPrivU) illegal(d.raw);
  if (virt && (priv == kPrivU || (csr.hstatus & kHstatusVTW))) virtual_insn(d.raw);
  if ((effective_mip() & csr.mie) == 0) run_stop_.wfi_pending = true;
}

}  // namespace rvh
