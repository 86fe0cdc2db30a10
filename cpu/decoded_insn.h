// cpu/decoded_insn.h: the compact, pre-decoded form of one instruction.
// The decoder turns raw bits into this once; the decode cache keeps it.
#pragma once
#include <cstdint>

namespace rvh {

class Hart;
struct DecodedInsn;
using InsnHandler = void (*)(Hart&, const DecodedInsn&);

// Instruction classes for the CPI table (timing model, docs/timing.md).
enum class InsnClass : uint8_t {
  kAlu, kMul, kDiv, kLoad, kStore, kBranch, kJump, kCsr, kSystem, kAtomic,
  kFpuAdd, kFpuMul, kFpuFma, kFpuDiv, kFpuSqrt, kFpuMisc, kFence, kCount
};

struct DecodedInsn {
  InsnHandler exec = nullptr;
  int64_t imm = 0;
  uint32_t raw = 0;      // instruction bits as fetched (16-bit ones zero-extended)
  uint8_t rd = 0;        // 0 is remapped to the sink register 32 for integer writes
  uint8_t rs1 = 0, rs2 = 0, rs3 = 0;
  uint8_t len = 4;       // 2 for compressed instructions
  uint8_t rm = 0;        // FP rounding mode field / misc small operand
  InsnClass cls = InsnClass::kAlu;
  uint16_t cycles = 1;   // cost from the CPI table, filled in by the hart
  uint16_t offset = 0;   // in a block: bytes from the block's first instruction
};
static_assert(sizeof(DecodedInsn) == 32, "two instructions per cache line");

// Decode one instruction (32-bit, or a 16-bit one in the low half).
// Unknown/illegal encodings decode to a handler that raises illegal instruction.
DecodedInsn decode_instruction(uint32_t bits);

}  // namespace rvh
