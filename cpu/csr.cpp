// cpu/csr.cpp: CSR access rules and WARL behaviour (priv spec chapters 2,
// 3, 4; Sstc; unpriv "Zicsr", "Zicntr", F's fcsr). Any CSR number not
// handled here raises illegal instruction with the instruction bits in tval.
#include "cpu/hart.h"

namespace rvh {
namespace {
using namespace csr;

constexpr uint64_t kMisaValue = (2ull << 62) | (1 << ('A' - 'A')) | (1 << ('C' - 'A')) | (1 << ('D' - 'A')) |
                                 (1 << ('F' - 'A')) | (1 << ('H' - 'A')) | (1 << ('I' - 'A')) |
                                 (1 << ('M' - 'A')) | (1 << ('S' - 'A')) | (1 << ('U' - 'A'));

bool is_counter(unsigned num) { return num >= kCycle && num <= kHpmcounter31; }
bool is_pmpcfg(unsigned num) { return num >= kPmpcfg0 && num <= kPmpcfg15; }
bool is_pmpaddr(unsigned num) { return num >= kPmpaddr0 && num <= kPmpaddr63; }
// Registers that exist in this implementation (reads of anything else are illegal).
bool exists(unsigned num) {
  switch (num) {
    case kFflags: case kFrm: case kFcsr:
    case kSstatus: case kSie: case kStvec: case kScounteren: case kSenvcfg: case kSscratch:
    case kSepc: case kScause: case kStval: case kSip: case kStimecmp: case kSatp:
    case kMvendorid: case kMarchid: case kMimpid: case kMhartid: case kMconfigptr:
    case kMstatus: case kMisa: case kMedeleg: case kMideleg: case kMie: case kMtvec:
    case kMcounteren: case kMenvcfg: case kMcountinhibit: case kMscratch: case kMepc:
    case kMcause: case kMtval: case kMip: case kMcycle: case kMinstret:
    case kMtinst: case kMtval2:
    // Hypervisor and virtual-supervisor CSRs (H spec).
    case kHstatus: case kHedeleg: case kHideleg: case kHie: case kHtimedelta: case kHcounteren:
    case kHgeie: case kHenvcfg: case kHtval: case kHip: case kHvip: case kHtinst: case kHgatp:
    case kHgeip:
    case kVsstatus: case kVsie: case kVstvec: case kVsscratch: case kVsepc: case kVscause:
    case kVstval: case kVsip: case kVstimecmp: case kVsatp:
      return true;
    default:
      break;
  }
  if (is_counter(num)) return true;
  if (Sdtrig::is_trigger_csr(num)) return true;  // M-level: M-mode only, illegal with V=1
  if (num >= kMhpmcounter3 && num <= kMhpmcounter31) return true;
  if (num >= kMhpmevent3 && num <= kMhpmevent31) return true;
  if (is_pmpcfg(num)) return (num & 1) == 0;  // RV64: odd pmpcfg registers do not exist
  return is_pmpaddr(num);
}

}  // namespace

// While V=1 the supervisor CSR numbers reach the VS registers (H spec,
// "Hypervisor and Virtual Supervisor CSRs").
unsigned virtual_csr_alias(unsigned num) {
  switch (num) {
    case kSstatus: return kVsstatus;
    case kSie: return kVsie;
    case kStvec: return kVstvec;
    case kSscratch: return kVsscratch;
    case kSepc: return kVsepc;
    case kScause: return kVscause;
    case kStval: return kVstval;
    case kSip: return kVsip;
    case kSatp: return kVsatp;
    case kStimecmp: return kVstimecmp;
    default: return num;
  }
}

uint64_t legal_tvec(uint64_t v, uint64_t old) {
  // MODE 0 (direct) and 1 (vectored) are legal; reserved modes keep the old mode.
  const uint64_t mode = (v & 3) < 2 ? (v & 3) : (old & 3);
  return (v & ~3ull) | mode;
}

// mip as software and the interrupt logic see it: software-writable bits,
// the interrupt lines, Sstc's STIP, and the VS-level bits of hip (hvip,
// and VSTIP from vstimecmp). GEILEN = 0: no guest external interrupts.
uint64_t Hart::effective_mip() const {
  uint64_t mip = csr.mip | mip_lines_ | (csr.hvip & kVsInterrupts) | vstimecmp_vstip_;
  if (csr.menvcfg & kMenvcfgSTCE) mip = (mip & ~kMipSTIP) | stimecmp_stip_;
  return mip;
}

// mcountinhibit bit 0 = CY, bit 2 = IR.
static unsigned inhibit_bit(bool is_cycle) { return is_cycle ? 1u : 4u; }

uint64_t Hart::read_counter(bool is_cycle) const {
  if (csr.mcountinhibit & inhibit_bit(is_cycle)) return counter_frozen_[is_cycle];
  return (is_cycle ? cycles : instret) + counter_adjust_[is_cycle];
}

void Hart::write_counter(bool is_cycle, uint64_t value) {
  if (csr.mcountinhibit & inhibit_bit(is_cycle)) {
    counter_frozen_[is_cycle] = value;
    return;
  }
  // The writing instruction still counts itself after the write: the next
  // instruction must read `value` (cycle: plus the cycles of this one).
  const uint64_t base = is_cycle ? cycles + cfg_.cpi.of(InsnClass::kCsr) : instret + 1;
  counter_adjust_[is_cycle] = value - base;
}

void Hart::write_countinhibit(uint32_t value) {
  for (bool is_cycle : {false, true}) {
    const unsigned bit = inhibit_bit(is_cycle);
    const bool was = csr.mcountinhibit & bit, now = value & bit;
    if (!was && now) counter_frozen_[is_cycle] = read_counter(is_cycle);
    if (was && !now) {
      csr.mcountinhibit &= ~bit;
      write_counter(is_cycle, counter_frozen_[is_cycle]);
    }
  }
  csr.mcountinhibit = value;
}

// Whether an access is allowed, illegal (cause 2) or, with V=1, a virtual
// instruction (cause 22): priv spec 2.1 and 3.1.11, Sstc, and the H spec's
// rule that an HS-qualified access prevented only by V=1 is virtual.
void Hart::csr_check_access(unsigned num, bool write, uint32_t insn_bits) {
  const unsigned level = (num >> 8) & 3;  // 0 U, 1 S, 2 H/VS, 3 M
  const bool fp_csr = num == kFflags || num == kFrm || num == kFcsr;
  const unsigned counter = num - kCycle;  // valid when is_counter(num)
  if (!exists(num)) illegal(insn_bits);
  if (write && (num >> 10) == 3) illegal(insn_bits);  // read-only CSR space
  if (!virt) {
    const unsigned required = level == 2 ? static_cast<unsigned>(kPrivS) : level;  // H and VS CSRs belong to HS
    if (priv < required) illegal(insn_bits);
    if ((num == kSatp || num == kHgatp) && priv == kPrivS && (csr.mstatus & kMstatusTVM)) illegal(insn_bits);
    if (fp_csr && ((csr.mstatus >> kMstatusFsShift) & 3) == 0) illegal(insn_bits);
    if (is_counter(num)) {
      if (priv < kPrivM && !((csr.mcounteren >> counter) & 1)) illegal(insn_bits);
      if (priv < kPrivS && !((csr.scounteren >> counter) & 1)) illegal(insn_bits);
    }
    if ((num == kStimecmp || num == kVstimecmp) && priv < kPrivM &&
        (!(csr.menvcfg & kMenvcfgSTCE) || !(csr.mcounteren & 2)))
      illegal(insn_bits);
    return;
  }
  // V=1. First: would the access be legal in HS-mode (with mstatus.TVM=0)?
  if (level == 3) illegal(insn_bits);
  if (fp_csr && (((csr.mstatus >> kMstatusFsShift) & 3) == 0 || ((csr.vsstatus >> kMstatusFsShift) & 3) == 0))
    illegal(insn_bits);
  if (is_counter(num) && !((csr.mcounteren >> counter) & 1)) illegal(insn_bits);
  if (num == kStimecmp && (!(csr.menvcfg & kMenvcfgSTCE) || !(csr.mcounteren & 2))) illegal(insn_bits);
  // It is HS-qualified: what V=1 forbids is a virtual instruction.
  if (level == 2) virtual_insn(insn_bits);
  if (priv == kPrivU && level == 1) virtual_insn(insn_bits);
  if (is_counter(num)) {
    if (!((csr.hcounteren >> counter) & 1)) virtual_insn(insn_bits);
    if (priv == kPrivU && !((csr.scounteren >> counter) & 1)) virtual_insn(insn_bits);
  }
  if (num == kSatp && (csr.hstatus & kHstatusVTVM)) virtual_insn(insn_bits);
  if (num == kStimecmp && (!(csr.henvcfg & kMenvcfgSTCE) || !(csr.hcounteren & 2))) virtual_insn(insn_bits);
}

uint64_t Hart::csr_read(unsigned num, uint32_t insn_bits, bool for_rmw) {
  if (virt) num = virtual_csr_alias(num);
  uint64_t hyp_value = 0;
  if (hyp_csr_read(num, for_rmw, hyp_value)) return hyp_value;
  switch (num) {
    case kFflags: return csr.fflags;
    case kFrm: return csr.frm;
    case kFcsr: return static_cast<uint64_t>(csr.frm) << 5 | csr.fflags;
    case kCycle: case kMcycle: return read_counter(true);
    case kInstret: case kMinstret: return read_counter(false);
    case kTime: return mtime_now() + (virt ? csr.htimedelta : 0);
    case kSstatus: return csr.mstatus & kSstatusMask;
    case kMstatus: return csr.mstatus;
    case kSie: return csr.mie & csr.mideleg & kSupervisorInterrupts;
    case kMie: return csr.mie;
    case kSip: return (for_rmw ? csr.mip : effective_mip()) & csr.mideleg & kSupervisorInterrupts;
    case kMip: return for_rmw ? (csr.mip | (csr.hvip & kMipVSSIP)) : effective_mip();  // VSSIP aliases hvip
    case kStvec: return csr.stvec;
    case kMtvec: return csr.mtvec;
    case kScounteren: return csr.scounteren;
    case kMcounteren: return csr.mcounteren;
    case kSenvcfg: return csr.senvcfg;
    case kMenvcfg: return csr.menvcfg;
    case kSscratch: return csr.sscratch;
    case kMscratch: return csr.mscratch;
    case kSepc: return csr.sepc;
    case kMepc: return csr.mepc;
    case kScause: return csr.scause;
    case kMcause: return csr.mcause;
    case kStval: return csr.stval;
    case kMtval: return csr.mtval;
    case kStimecmp: return csr.stimecmp;
    case kSatp: return csr.satp;
    case kMvendorid: case kMarchid: case kMimpid: case kMconfigptr: return 0;
    case kMhartid: return csr.mhartid;
    case kMisa: return kMisaValue;
    case kMedeleg: return csr.medeleg;
    case kMideleg: return csr.mideleg | kVsInterrupts;  // VS bits read-only one (H spec)
    case kMcountinhibit: return csr.mcountinhibit;
    default: break;
  }
  if (is_pmpcfg(num)) {
    const unsigned first = (num - kPmpcfg0) * 4;  // 8 entries per even register
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; ++i)
      if (first + i < kNumPmpEntries) v |= static_cast<uint64_t>(csr.pmpcfg[first + i]) << (8 * i);
    return v;
  }
  if (is_pmpaddr(num)) {
    const unsigned i = num - kPmpaddr0;
    return i < kNumPmpEntries ? csr.pmpaddr[i] : 0;
  }
  if (Sdtrig::is_trigger_csr(num)) return sdtrig.read_csr(num);
  if (exists(num)) return 0;  // hpm counters and events: read-only zero here
  illegal(insn_bits);
}

void Hart::csr_write(unsigned num, uint64_t v, uint32_t insn_bits) {
  if (virt) num = virtual_csr_alias(num);
  if (hyp_csr_write(num, v)) return;
  switch (num) {
    case kFflags: csr.fflags = v & 0x1f; set_fs_dirty(); return;
    case kFrm: csr.frm = v & 7; set_fs_dirty(); return;
    case kFcsr: csr.fflags = v & 0x1f; csr.frm = (v >> 5) & 7; set_fs_dirty(); return;
    case kMcycle: write_counter(true, v); return;
    case kMinstret: write_counter(false, v); return;
    case kSstatus: {
      const uint64_t mask = kSstatusMask & kMstatusWritable;
      csr_write(kMstatus, (csr.mstatus & ~mask) | (v & mask), insn_bits);
      return;
    }
    case kMstatus: {
      uint64_t next = (csr.mstatus & ~kMstatusWritable) | (v & kMstatusWritable);
      if (((next & kMstatusMPP) >> kMstatusMppShift) == 2) next = (next & ~kMstatusMPP) | (csr.mstatus & kMstatusMPP);
      next |= kMstatusUXL & (2ull << 32);
      next |= kMstatusSXL & (2ull << 34);
      next = (next & ~kMstatusSD) | (((next & kMstatusFs) == kMstatusFs) ? kMstatusSD : 0);
      const uint64_t changed = next ^ csr.mstatus;
      csr.mstatus = next;
      // TLB arrays are per mode, so MPRV/MPP/MPV only change which one is
      // used; SUM and MXR are part of the entries' context (cpu/tlb.cpp).
      if (changed & (kMstatusSUM | kMstatusMXR)) update_translation_context();
      on_mstatus_change();
      return;
    }
    case kSie: {
      const uint64_t mask = csr.mideleg & kSupervisorInterrupts;
      csr.mie = (csr.mie & ~mask) | (v & mask);
      update_irq();
      return;
    }
    case kMie: csr.mie = v & kAllInterrupts; update_irq(); return;
    case kSip: {
      // Only SSIP is writable through sip (when delegated).
      const uint64_t mask = kMipSSIP & csr.mideleg;
      csr.mip = (csr.mip & ~mask) | (v & mask);
      update_irq();
      return;
    }
    case kMip: {
      uint64_t mask = kMipSSIP | kMipSTIP | kMipSEIP;
      if (csr.menvcfg & kMenvcfgSTCE) mask &= ~kMipSTIP;  // STIP follows stimecmp (Sstc)
      csr.mip = (csr.mip & ~mask) | (v & mask);
      csr.hvip = (csr.hvip & ~kMipVSSIP) | (v & kMipVSSIP);  // mip.VSSIP aliases hvip.VSSIP
      update_irq();
      return;
    }
    case kStvec: csr.stvec = legal_tvec(v, csr.stvec); return;
    case kMtvec: csr.mtvec = legal_tvec(v, csr.mtvec); return;
    case kScounteren: csr.scounteren = static_cast<uint32_t>(v); return;
    case kMcounteren: csr.mcounteren = static_cast<uint32_t>(v); return;
    case kSenvcfg: csr.senvcfg = v & kEnvcfgFIOM; return;
    case kMenvcfg:
      csr.menvcfg = v & (kEnvcfgFIOM | kMenvcfgSTCE);
      if (!(csr.menvcfg & kMenvcfgSTCE)) csr.henvcfg &= ~kMenvcfgSTCE;  // henvcfg.STCE is read-only 0 then
      update_stimecmp();
      return;
    case kSscratch: csr.sscratch = v; return;
    case kMscratch: csr.mscratch = v; return;
    case kSepc: csr.sepc = v & ~1ull; return;
    case kMepc: csr.mepc = v & ~1ull; return;
    case kScause: csr.scause = v; return;
    case kMcause: csr.mcause = v; return;
    case kStval: csr.stval = v; return;
    case kMtval: csr.mtval = v; return;
    case kStimecmp: csr.stimecmp = v; update_stimecmp(); return;
    case kSatp: {
      const uint64_t mode = v >> kSatpModeShift;
      // An unsupported MODE makes the whole write have no effect (priv 4.1.11).
      if (mode != kSatpModeBare && mode != kSatpModeSv39 && mode != kSatpModeSv48) return;
      const uint64_t next = (mode << kSatpModeShift) | (v & (kSatpAsidMask << kSatpAsidShift)) | (v & kSatpPpnMask);
      if (next != csr.satp) {  // invalidates nothing (priv 4.1.11); see cpu/tlb.cpp
        csr.satp = next;
        update_translation_context();
      }
      return;
    }
    case kMedeleg: csr.medeleg = v & kDelegableExceptions; return;
    case kMideleg: csr.mideleg = (v & kSupervisorInterrupts) | kVsInterrupts; update_irq(); return;
    case kMcountinhibit: write_countinhibit(static_cast<uint32_t>(v & 0xfffffffd)); return;
    default: break;
  }
  if (is_pmpcfg(num)) {
    const unsigned first = (num - kPmpcfg0) * 4;
    for (unsigned i = 0; i < 8 && first + i < kNumPmpEntries; ++i) {
      const unsigned e = first + i;
      if (csr.pmpcfg[e] & kPmpL) continue;  // locked entries ignore writes
      uint8_t cfg = static_cast<uint8_t>(v >> (8 * i)) & 0x9f;
      if ((cfg & (kPmpR | kPmpW)) == kPmpW) cfg &= ~kPmpW;  // R=0,W=1 is reserved: keep W clear
      csr.pmpcfg[e] = cfg;
    }
    on_translation_change();
    return;
  }
  if (is_pmpaddr(num)) {
    const unsigned i = num - kPmpaddr0;
    if (i >= kNumPmpEntries) return;
    // Locked entries, and the address of an entry below a locked TOR entry, are not writable.
    if (csr.pmpcfg[i] & kPmpL) return;
    if (i + 1 < kNumPmpEntries && (csr.pmpcfg[i + 1] & kPmpL) &&
        ((csr.pmpcfg[i + 1] >> kPmpAShift) & 3) == kPmpTor)
      return;
    csr.pmpaddr[i] = v & ((1ull << 54) - 1);
    on_translation_change();
    return;
  }
  if (Sdtrig::is_trigger_csr(num)) {
    sdtrig.write_csr(*this, num, v);
    return;
  }
  if (exists(num)) return;  // read-only-zero hpm counters/events ignore writes
  illegal(insn_bits);
}

}  // namespace rvh
