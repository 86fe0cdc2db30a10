// hyp/mmio_decode.h: decoding the instruction behind an MMIO guest-page
// fault (like KVM's kvm_riscv_vcpu_mmio_load/store): either the transformed
// instruction from htinst (bit 0 set; bit 1 clear means the original was
// compressed) or the raw instruction read from guest memory (16 or 32 bits).
#pragma once
#include <cstdint>
#include <string>

namespace rvh::hyp {

struct MmioInsn {
  enum Kind { kLoad, kStore, kUnsupported } kind = kUnsupported;
  unsigned width = 0;        // bytes: 1, 2, 4, 8
  bool sign_extend = false;  // loads: LB, LH, LW (and their compressed forms)
  unsigned reg = 0;          // rd for loads, rs2 for stores (x registers)
  unsigned length = 4;       // 2 or 4: how far pc advances
  std::string why;           // for kUnsupported: "AMO", "LR/SC", "FP load", "not a load/store", ...
  uint32_t insn = 0;         // the 32-bit (for a compressed original: expanded) encoding that
                             // was classified, bits 1:0 = 11; for traces. 0 when there is none
                             // (zero htinst, reserved compressed encoding); for an htinst
                             // value with bit 0 clear, the value itself.
};

// `bits`: htinst (from_htinst) or the instruction as fetched (low 16 bits
// for a compressed one). Never throws.
MmioInsn decode_mmio_instruction(uint32_t bits, bool from_htinst);

// The value a load writes to rd: `raw` holds `width` bytes read from the device.
uint64_t mmio_load_result(const MmioInsn& insn, uint64_t raw);

}  // namespace rvh::hyp
