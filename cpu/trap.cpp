// cpu/trap.cpp: trap entry, xRET, WFI and interrupt selection (priv spec
// 3.1.6-3.1.9, 3.3.1-3.3.3, 4.1.1).
#include "cpu/hart.h"

#include <cstdio>

namespace rvh {
namespace {
using namespace csr;
// Priority order for simultaneous interrupts (priv spec 3.1.9).
constexpr unsigned kIrqPriority[] = {kIrqMEI, kIrqMSI, kIrqMTI, kIrqSEI, kIrqSSI, kIrqSTI};

// Which pending interrupt would be taken now (or -1).
int select_interrupt(uint64_t pending, uint64_t mideleg, Priv priv, uint64_t mstatus) {
  const uint64_t m = pending & ~mideleg;
  const uint64_t s = pending & mideleg;
  const bool m_enabled = priv < kPrivM || (mstatus & kMstatusMIE);
  const bool s_enabled = priv < kPrivS || (priv == kPrivS && (mstatus & kMstatusSIE));
  uint64_t takeable = (m_enabled ? m : 0) | (s_enabled ? s : 0);
  if (!takeable) return -1;
  // M-level interrupts always win over S-level ones.
  if (m_enabled && m) takeable = m;
  for (unsigned irq : kIrqPriority)
    if (takeable & (1ull << irq)) return static_cast<int>(irq);
  return -1;
}
}  // namespace

void Hart::update_irq() {
  irq_ready_ = select_interrupt(effective_mip() & csr.mie, csr.mideleg, priv, csr.mstatus) >= 0;
}

int Hart::take_interrupt_if_any() {
  const int irq = select_interrupt(effective_mip() & csr.mie, csr.mideleg, priv, csr.mstatus);
  if (irq >= 0) {
    ++stats.interrupts;
    take_trap(static_cast<uint64_t>(irq), 0, true);
  }
  return irq;
}

void Hart::take_trap(uint64_t cause, uint64_t tval, bool interrupt) {
  reservation = ~0ull;
  ++stats.traps;
  cycles += cfg_.cpi.trap_entry_cycles;
  if (trace)
    std::fprintf(stderr, "hart%u trap %s %lu tval %016lx at %016lx\n", cfg_.hart_id, interrupt ? "interrupt" : "exception",
                 static_cast<unsigned long>(cause), static_cast<unsigned long>(tval), static_cast<unsigned long>(pc));
  const uint64_t deleg = interrupt ? csr.mideleg : csr.medeleg;
  const uint64_t mcause_value = cause | (interrupt ? kInterruptBit : 0);
  if (priv <= kPrivS && ((deleg >> cause) & 1)) {
    csr.scause = mcause_value;
    csr.sepc = pc;
    csr.stval = tval;
    uint64_t s = csr.mstatus & ~(kMstatusSPP | kMstatusSPIE | kMstatusSIE);
    if (priv == kPrivS) s |= kMstatusSPP;
    if (csr.mstatus & kMstatusSIE) s |= kMstatusSPIE;
    csr.mstatus = s;
    pc = (csr.stvec & ~3ull) + ((interrupt && (csr.stvec & 1)) ? 4 * cause : 0);
    set_priv(kPrivS);
  } else {
    csr.mcause = mcause_value;
    csr.mepc = pc;
    csr.mtval = tval;
    uint64_t s = csr.mstatus & ~(kMstatusMPP | kMstatusMPIE | kMstatusMIE);
    s |= static_cast<uint64_t>(priv) << kMstatusMppShift;
    if (csr.mstatus & kMstatusMIE) s |= kMstatusMPIE;
    csr.mstatus = s;
    pc = (csr.mtvec & ~3ull) + ((interrupt && (csr.mtvec & 1)) ? 4 * cause : 0);
    set_priv(kPrivM);
  }
}

void Hart::do_mret() {
  const Priv next = static_cast<Priv>((csr.mstatus & kMstatusMPP) >> kMstatusMppShift);
  uint64_t s = csr.mstatus & ~(kMstatusMIE | kMstatusMPP);
  if (s & kMstatusMPIE) s |= kMstatusMIE;
  s |= kMstatusMPIE;
  if (next != kPrivM) s &= ~kMstatusMPRV;
  csr.mstatus = s;
  reservation = ~0ull;
  npc = csr.mepc;
  const Priv ran_in = priv;
  set_priv(next);
  count_retiring_in(ran_in);
}

void Hart::do_sret() {
  const Priv next = (csr.mstatus & kMstatusSPP) ? kPrivS : kPrivU;
  uint64_t s = csr.mstatus & ~(kMstatusSIE | kMstatusSPP | kMstatusMPRV);
  if (s & kMstatusSPIE) s |= kMstatusSIE;
  s |= kMstatusSPIE;
  csr.mstatus = s;
  reservation = ~0ull;
  npc = csr.sepc;
  const Priv ran_in = priv;
  set_priv(next);
  count_retiring_in(ran_in);
}

// WFI (priv 3.3.3): illegal in U-mode (S-mode exists) and in S-mode with
// mstatus.TW. Otherwise the hart sleeps until an interrupt is pending and
// enabled in mie, whatever the global enables say.
void Hart::do_wfi(const DecodedInsn& d) {
  if (priv == kPrivU || (priv == kPrivS && (csr.mstatus & kMstatusTW))) illegal(d.raw);
  if ((effective_mip() & csr.mie) == 0) wfi_pending_ = true;
}

}  // namespace rvh
