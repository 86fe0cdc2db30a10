// hyp/mmio_decode.cpp: classifies the instruction behind an MMIO guest-page
// fault. Two sources:
//  - htinst (from_htinst): a transformed instruction (H spec, "Transformed
//    Instruction or Pseudoinstruction for mtinst or htinst"). Bit 0 set:
//    bits 1:0 = 11 for a 32-bit original, 01 for a compressed one (the
//    transform of its 32-bit expansion with bit 1 cleared). Bits 1:0 = 00:
//    zero or a pseudoinstruction (implicit VS-stage page-table access).
//  - raw (!from_htinst): the instruction as fetched from guest memory
//    (HLVX); bits 1:0 != 11 means a 16-bit instruction in the low half.
// Either way the instruction is reduced to a 32-bit encoding and classified
// by opcode/funct3 (the immediate and rs1 fields are ignored: a transformed
// load/store has them zeroed / replaced by the address offset).
#include "hyp/mmio_decode.h"

#include "cpu/insns.h"

namespace rvh::hyp {
namespace {

constexpr uint32_t kOpLoad = 0x03, kOpLoadFp = 0x07, kOpStore = 0x23, kOpStoreFp = 0x27,
                   kOpAmo = 0x2f, kOpSystem = 0x73;

MmioInsn unsupported(unsigned length, uint32_t insn, const char* why) {
  MmioInsn m;
  m.kind = MmioInsn::kUnsupported;
  m.length = length;
  m.insn = insn;
  m.why = why;
  return m;
}

MmioInsn access(MmioInsn::Kind kind, unsigned width, bool sign_extend, unsigned reg,
                unsigned length, uint32_t insn) {
  MmioInsn m;
  m.kind = kind;
  m.width = width;
  m.sign_extend = sign_extend;
  m.reg = reg;
  m.length = length;
  m.insn = insn;
  return m;
}

// `insn`: a 32-bit encoding (bits 1:0 = 11). `length`: of the original.
MmioInsn classify(uint32_t insn, unsigned length) {
  const uint32_t opcode = insn & 0x7f;
  const uint32_t funct3 = (insn >> 12) & 7;
  const unsigned rd = (insn >> 7) & 0x1f;
  const unsigned rs2 = (insn >> 20) & 0x1f;
  switch (opcode) {
    case kOpLoad:
      switch (funct3) {
        case 0: return access(MmioInsn::kLoad, 1, true, rd, length, insn);   // LB
        case 1: return access(MmioInsn::kLoad, 2, true, rd, length, insn);   // LH
        case 2: return access(MmioInsn::kLoad, 4, true, rd, length, insn);   // LW
        case 3: return access(MmioInsn::kLoad, 8, false, rd, length, insn);  // LD
        case 4: return access(MmioInsn::kLoad, 1, false, rd, length, insn);  // LBU
        case 5: return access(MmioInsn::kLoad, 2, false, rd, length, insn);  // LHU
        case 6: return access(MmioInsn::kLoad, 4, false, rd, length, insn);  // LWU
        default: return unsupported(length, insn, "not a load/store");       // reserved
      }
    case kOpStore:
      if (funct3 <= 3)  // SB, SH, SW, SD
        return access(MmioInsn::kStore, 1u << funct3, false, rs2, length, insn);
      return unsupported(length, insn, "not a load/store");
    case kOpLoadFp:
    case kOpStoreFp:
      // funct3 1..4: FLH/FLW/FLD/FLQ (FSH/...); the others are vector accesses.
      if (funct3 >= 1 && funct3 <= 4) return unsupported(length, insn, "FP load/store on MMIO");
      return unsupported(length, insn, "vector load/store on MMIO");
    case kOpAmo: {
      const uint32_t funct5 = insn >> 27;
      if (funct5 == 0x02 || funct5 == 0x03) return unsupported(length, insn, "LR/SC on MMIO");
      return unsupported(length, insn, "AMO on MMIO");
    }
    case kOpSystem:
      // HLV/HLVX/HSV: funct3 = 100, funct7 = 0110xxx. Virtual instructions in
      // VS/VU, so a guest cannot make one reach a G-stage MMIO fault.
      if (funct3 == 4 && (insn >> 28) == 0x6)
        return unsupported(length, insn, "hypervisor load/store");
      return unsupported(length, insn, "not a load/store");
    default:
      return unsupported(length, insn, "not a load/store");
  }
}

bool is_pseudoinstruction(uint32_t v) {
  return v == 0x00002000 || v == 0x00002020 || v == 0x00003000 || v == 0x00003020;
}

}  // namespace

MmioInsn decode_mmio_instruction(uint32_t bits, bool from_htinst) {
  if (from_htinst) {
    if (bits == 0) return unsupported(4, 0, "htinst is zero (no transformed instruction)");
    if ((bits & 1) == 0) {
      if (is_pseudoinstruction(bits))
        return unsupported(4, bits, "pseudoinstruction (implicit VS-stage access)");
      return unsupported(4, bits, "not a load/store");
    }
    // Bit 1 clear: the original was compressed; the value is the transform
    // of its 32-bit expansion with bit 1 cleared.
    const unsigned length = (bits & 2) ? 4 : 2;
    return classify(bits | 3, length);
  }
  if ((bits & 3) != 3) {
    const uint16_t c = static_cast<uint16_t>(bits);
    const uint32_t expanded = expand_compressed(c);
    if (expanded == 0) return unsupported(2, 0, "reserved compressed encoding");
    return classify(expanded, 2);
  }
  return classify(bits, 4);
}

uint64_t mmio_load_result(const MmioInsn& insn, uint64_t raw) {
  switch (insn.width) {
    case 1: return insn.sign_extend ? static_cast<uint64_t>(int64_t{static_cast<int8_t>(raw)})
                                    : (raw & 0xffu);
    case 2: return insn.sign_extend ? static_cast<uint64_t>(int64_t{static_cast<int16_t>(raw)})
                                    : (raw & 0xffffu);
    case 4: return insn.sign_extend ? static_cast<uint64_t>(int64_t{static_cast<int32_t>(raw)})
                                    : (raw & 0xffffffffu);
    case 8: return raw;
    default: return 0;
  }
}

}  // namespace rvh::hyp
