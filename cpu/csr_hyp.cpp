// cpu/csr_hyp.cpp: the hypervisor (H) and virtual-supervisor (VS) CSRs,
// their WARL masks and aliasing (H spec, "Hypervisor and Virtual Supervisor
// CSRs"). GEILEN = 0: hgeip/hgeie and hstatus.VGEIN are read-only zero.
// VMIDLEN = 14. Access rules are in csr.cpp (csr_check_access).
#include "cpu/hart.h"

namespace rvh {
namespace {
using namespace csr;

uint64_t with_sd(uint64_t status) {
  return (status & ~kMstatusSD) | (((status & kMstatusFs) == kMstatusFs) ? kMstatusSD : 0);
}

// vsip/vsie bits 1, 5, 9 are the hip/hie bits 2, 6, 10 where hideleg delegates them.
uint64_t vs_view(uint64_t hbits, uint64_t hideleg) { return (hbits & hideleg & kVsInterrupts) >> 1; }

bool atp_mode_supported(uint64_t mode, bool guest_stage) {
  if (mode == kSatpModeBare) return true;
  return guest_stage ? (mode == kHgatpModeSv39x4 || mode == kHgatpModeSv48x4)
                     : (mode == kSatpModeSv39 || mode == kSatpModeSv48);
}
}  // namespace

bool Hart::hyp_csr_read(unsigned num, bool for_rmw, uint64_t& v) {
  switch (num) {
    case kHstatus: v = csr.hstatus; return true;
    case kHedeleg: v = csr.hedeleg; return true;
    case kHideleg: v = csr.hideleg; return true;
    case kHie: v = csr.mie & kVsInterrupts; return true;
    case kHip: v = (for_rmw ? csr.hvip : effective_mip()) & kVsInterrupts; return true;
    case kHvip: v = csr.hvip; return true;
    case kHtimedelta: v = csr.htimedelta; return true;
    case kHcounteren: v = csr.hcounteren; return true;
    case kHgeie: case kHgeip: v = 0; return true;
    case kHenvcfg: v = csr.henvcfg; return true;
    case kHtval: v = csr.htval; return true;
    case kHtinst: v = csr.htinst; return true;
    case kHgatp: v = csr.hgatp; return true;
    case kMtval2: v = csr.mtval2; return true;
    case kMtinst: v = csr.mtinst; return true;
    case kVsstatus: v = with_sd(csr.vsstatus); return true;
    case kVsie: v = vs_view(csr.mie, csr.hideleg); return true;
    case kVsip: v = vs_view(for_rmw ? csr.hvip : effective_mip(), csr.hideleg); return true;
    case kVstvec: v = csr.vstvec; return true;
    case kVsscratch: v = csr.vsscratch; return true;
    case kVsepc: v = csr.vsepc; return true;
    case kVscause: v = csr.vscause; return true;
    case kVstval: v = csr.vstval; return true;
    case kVsatp: v = csr.vsatp; return true;
    case kVstimecmp: v = csr.vstimecmp; return true;
    default: return false;
  }
}

bool Hart::hyp_csr_write(unsigned num, uint64_t v) {
  switch (num) {
    case kHstatus:
      csr.hstatus = (v & kHstatusWritable) | (2ull << 32);  // VSXL = 64, read-only
      return true;
    case kHedeleg: csr.hedeleg = v & kHedelegWritable; return true;
    case kHideleg: csr.hideleg = v & kVsInterrupts; update_irq(); return true;
    case kHie: csr.mie = (csr.mie & ~kVsInterrupts) | (v & kVsInterrupts); update_irq(); return true;
    case kHip:  // only VSSIP is writable in hip (an alias of hvip.VSSIP)
      csr.hvip = (csr.hvip & ~kMipVSSIP) | (v & kMipVSSIP);
      update_irq();
      return true;
    case kHvip: csr.hvip = v & kVsInterrupts; update_irq(); return true;
    case kHtimedelta: csr.htimedelta = v; update_stimecmp(); return true;
    case kHcounteren: csr.hcounteren = static_cast<uint32_t>(v); return true;
    case kHgeie: case kHgeip: return true;  // GEILEN = 0
    case kHenvcfg: {
      uint64_t mask = kEnvcfgFIOM;
      if (csr.menvcfg & kMenvcfgSTCE) mask |= kMenvcfgSTCE;  // read-only 0 unless menvcfg.STCE
      csr.henvcfg = v & mask;
      update_stimecmp();
      return true;
    }
    case kHtval: csr.htval = v; return true;
    case kHtinst: csr.htinst = v; return true;
    case kMtval2: csr.mtval2 = v; return true;
    case kMtinst: csr.mtinst = v; return true;
    case kHgatp: {
      // hgatp's fields are WARL (H spec: an unsupported MODE is not ignored
      // as for satp): an unsupported MODE keeps the old one, the other fields
      // are written. PPN[1:0] read as zero (16 KiB root).
      uint64_t mode = v >> kSatpModeShift;
      if (!atp_mode_supported(mode, true)) mode = csr.hgatp >> kSatpModeShift;
      const uint64_t next = (mode << kSatpModeShift) | (v & (kHgatpVmidMask << kHgatpVmidShift)) |
                            (v & kSatpPpnMask & ~3ull);
      if (next != csr.hgatp) {  // a new context, no invalidation (cpu/tlb.cpp)
        csr.hgatp = next;
        update_translation_context();
      }
      return true;
    }
    case kVsstatus: {
      const uint64_t next = (csr.vsstatus & ~kVsstatusWritable) | (v & kVsstatusWritable) | (2ull << 32);
      const bool context_changed = (next ^ csr.vsstatus) & (kMstatusSUM | kMstatusMXR);
      csr.vsstatus = with_sd(next);
      if (context_changed) update_translation_context();
      update_irq();
      return true;
    }
    case kVsie: {
      const uint64_t mask = csr.hideleg & kVsInterrupts;
      csr.mie = (csr.mie & ~mask) | ((v << 1) & mask);
      update_irq();
      return true;
    }
    case kVsip: {  // only SSIP (hvip.VSSIP) is writable through vsip
      const uint64_t mask = csr.hideleg & kMipVSSIP;
      csr.hvip = (csr.hvip & ~mask) | ((v << 1) & mask);
      update_irq();
      return true;
    }
    case kVstvec: csr.vstvec = (v & ~3ull) | ((v & 3) < 2 ? (v & 3) : (csr.vstvec & 3)); return true;
    case kVsscratch: csr.vsscratch = v; return true;
    case kVsepc: csr.vsepc = v & ~1ull; return true;
    case kVscause: csr.vscause = v; return true;
    case kVstval: csr.vstval = v; return true;
    case kVsatp: {
      const uint64_t mode = v >> kSatpModeShift;
      if (!atp_mode_supported(mode, false)) return true;
      const uint64_t next = (mode << kSatpModeShift) | (v & (kSatpAsidMask << kSatpAsidShift)) | (v & kSatpPpnMask);
      if (next != csr.vsatp) {  // a new context, no invalidation (cpu/tlb.cpp)
        csr.vsatp = next;
        update_translation_context();
      }
      return true;
    }
    case kVstimecmp: csr.vstimecmp = v; update_stimecmp(); return true;
    default: return false;
  }
}

}  // namespace rvh
