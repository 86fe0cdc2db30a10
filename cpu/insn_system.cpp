// cpu/insn_system.cpp: Zicsr, Zifencei, FENCE and the privileged
// instructions (priv spec, "Machine-Level ISA" / "Supervisor-Level ISA").
#include "cpu/hart.h"
#include "cpu/insns.h"

namespace rvh::insn {
namespace {
constexpr uint8_t kX0 = 32;  // the decoder's sink register for rd = x0

// Tells the watchers (the commit log) of a CSR write, with the CSR as it
// reads back; nothing is read unless one is installed.
void report_csr_write(Hart& h, unsigned num, uint32_t bits) {
  if (__builtin_expect(h.watched(), 0)) h.notify_csr_written(num, h.csr_read(num, bits, false));
}

// CSRRW/CSRRWI: no read (and no read side effects) when rd is x0.
void csr_swap(Hart& h, const DecodedInsn& d, uint64_t value) {
  const unsigned num = static_cast<unsigned>(d.imm);
  h.csr_check_access(num, true, d.raw);
  const uint64_t old = d.rd == kX0 ? 0 : h.csr_read(num, d.raw, false);
  h.csr_write(num, value, d.raw);
  report_csr_write(h, num, d.raw);
  h.x[d.rd] = old;
}
// CSRRS/CSRRC(I): no write when the source register/immediate field is 0.
void csr_set_clear(Hart& h, const DecodedInsn& d, uint64_t mask, bool set) {
  const unsigned num = static_cast<unsigned>(d.imm);
  const bool write = d.rs1 != 0;
  h.csr_check_access(num, write, d.raw);
  const uint64_t old = h.csr_read(num, d.raw, false);
  if (write) {
    // A read-modify-write of mip/sip starts from the software-writable SEIP
    // bit, not the value ORed with the external line (priv spec, "mip and mie").
    const uint64_t base = h.csr_read(num, d.raw, true);
    h.csr_write(num, set ? (base | mask) : (base & ~mask), d.raw);
    report_csr_write(h, num, d.raw);
  }
  h.x[d.rd] = old;
}
}  // namespace

RVH_INSN(csrrw) { csr_swap(h, d, h.x[d.rs1]); }
RVH_INSN(csrrs) { csr_set_clear(h, d, h.x[d.rs1], true); }
RVH_INSN(csrrc) { csr_set_clear(h, d, h.x[d.rs1], false); }
RVH_INSN(csrrwi) { csr_swap(h, d, d.rs1); }
RVH_INSN(csrrsi) { csr_set_clear(h, d, d.rs1, true); }
RVH_INSN(csrrci) { csr_set_clear(h, d, d.rs1, false); }

RVH_INSN(fence) { (void)h; (void)d; }
// The decode cache is keyed by instruction bits, so it never holds stale
// code: FENCE.I has nothing to invalidate.
RVH_INSN(fence_i) { (void)h; (void)d; }

// Causes: 8 from U/VU, 9 from HS, 10 from VS, 11 from M (H spec table).
RVH_INSN(ecall) {
  (void)d;
  static constexpr uint64_t cause[4] = {csr::kCauseEcallU, csr::kCauseEcallS, 0, csr::kCauseEcallM};
  h.raise(h.virt && h.priv == kPrivS ? csr::kCauseEcallVS : cause[h.priv], 0);
}
RVH_INSN(ebreak) {
  (void)d;
  throw Trap{csr::kCauseBreakpoint, h.pc, 0, 0, h.virt};  // tval is a guest VA when V=1
}
RVH_INSN(mret) {
  if (h.priv != kPrivM) h.illegal(d.raw);
  h.do_mret();
}
// SRET: illegal in U and with mstatus.TSR in HS; virtual in VU and, with
// hstatus.VTSR, in VS (mstatus.TSR does not apply to VS-mode).
RVH_INSN(sret) {
  if (h.virt) {
    if (h.priv == kPrivU || (h.csr.hstatus & csr::kHstatusVTSR)) h.virtual_insn(d.raw);
  } else if (h.priv == kPrivU || (h.priv == kPrivS && (h.csr.mstatus & csr::kMstatusTSR))) {
    h.illegal(d.raw);
  }
  h.do_sret();
}
RVH_INSN(wfi) { h.do_wfi(d); }
// SFENCE.VMA: as SRET, with TVM/VTVM. In VS-mode it fences VS-stage
// translations of the current VMID (as HFENCE.VVMA), otherwise HS-level ones.
RVH_INSN(sfence_vma) {
  if (h.virt) {
    if (h.priv == kPrivU || (h.csr.hstatus & csr::kHstatusVTVM)) h.virtual_insn(d.raw);
  } else if (h.priv == kPrivU || (h.priv == kPrivS && (h.csr.mstatus & csr::kMstatusTVM))) {
    h.illegal(d.raw);
  }
  h.sfence_vma(h.virt, d.rs1 ? std::optional<uint64_t>(h.x[d.rs1]) : std::nullopt,
               d.rs2 ? std::optional<uint64_t>(h.x[d.rs2]) : std::nullopt);
}

}  // namespace rvh::insn
