// cpu/insn_int.cpp: RV64I and M semantics (unpriv spec, "RV64I", "M").
// rd == 0 was remapped by the decoder to the sink register x[32].
#include "cpu/hart.h"
#include "cpu/insns.h"

namespace rvh::insn {
namespace {
inline int64_t sx(uint64_t v) { return static_cast<int64_t>(v); }
inline uint64_t sext32(uint64_t v) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))); }
inline void branch(Hart& h, const DecodedInsn& d, bool taken) {
  if (taken) {
    h.npc = h.pc + d.imm;
    h.cycles += h.config().cpi.branch_taken_penalty;
  }
}
}  // namespace

RVH_INSN(illegal) { h.illegal(d.raw); }
RVH_INSN(lui) { h.x[d.rd] = d.imm; }
RVH_INSN(auipc) { h.x[d.rd] = h.pc + d.imm; }
RVH_INSN(jal) {
  h.x[d.rd] = h.npc;
  h.npc = h.pc + d.imm;
}
RVH_INSN(jalr) {
  const uint64_t target = (h.x[d.rs1] + d.imm) & ~1ull;
  h.x[d.rd] = h.npc;
  h.npc = target;
}
RVH_INSN(beq) { branch(h, d, h.x[d.rs1] == h.x[d.rs2]); }
RVH_INSN(bne) { branch(h, d, h.x[d.rs1] != h.x[d.rs2]); }
RVH_INSN(blt) { branch(h, d, sx(h.x[d.rs1]) < sx(h.x[d.rs2])); }
RVH_INSN(bge) { branch(h, d, sx(h.x[d.rs1]) >= sx(h.x[d.rs2])); }
RVH_INSN(bltu) { branch(h, d, h.x[d.rs1] < h.x[d.rs2]); }
RVH_INSN(bgeu) { branch(h, d, h.x[d.rs1] >= h.x[d.rs2]); }

RVH_INSN(addi) { h.x[d.rd] = h.x[d.rs1] + d.imm; }
RVH_INSN(slti) { h.x[d.rd] = sx(h.x[d.rs1]) < d.imm; }
RVH_INSN(sltiu) { h.x[d.rd] = h.x[d.rs1] < static_cast<uint64_t>(d.imm); }
RVH_INSN(xori) { h.x[d.rd] = h.x[d.rs1] ^ d.imm; }
RVH_INSN(ori) { h.x[d.rd] = h.x[d.rs1] | d.imm; }
RVH_INSN(andi) { h.x[d.rd] = h.x[d.rs1] & d.imm; }
RVH_INSN(slli) { h.x[d.rd] = h.x[d.rs1] << d.imm; }
RVH_INSN(srli) { h.x[d.rd] = h.x[d.rs1] >> d.imm; }
RVH_INSN(srai) { h.x[d.rd] = static_cast<uint64_t>(sx(h.x[d.rs1]) >> d.imm); }
RVH_INSN(addiw) { h.x[d.rd] = sext32(h.x[d.rs1] + d.imm); }
RVH_INSN(slliw) { h.x[d.rd] = sext32(h.x[d.rs1] << d.imm); }
RVH_INSN(srliw) { h.x[d.rd] = sext32(static_cast<uint32_t>(h.x[d.rs1]) >> d.imm); }
RVH_INSN(sraiw) { h.x[d.rd] = sext32(static_cast<uint64_t>(static_cast<int32_t>(h.x[d.rs1]) >> d.imm)); }

RVH_INSN(add) { h.x[d.rd] = h.x[d.rs1] + h.x[d.rs2]; }
RVH_INSN(sub) { h.x[d.rd] = h.x[d.rs1] - h.x[d.rs2]; }
RVH_INSN(sll) { h.x[d.rd] = h.x[d.rs1] << (h.x[d.rs2] & 63); }
RVH_INSN(slt) { h.x[d.rd] = sx(h.x[d.rs1]) < sx(h.x[d.rs2]); }
RVH_INSN(sltu) { h.x[d.rd] = h.x[d.rs1] < h.x[d.rs2]; }
RVH_INSN(xor_) { h.x[d.rd] = h.x[d.rs1] ^ h.x[d.rs2]; }
RVH_INSN(srl) { h.x[d.rd] = h.x[d.rs1] >> (h.x[d.rs2] & 63); }
RVH_INSN(sra) { h.x[d.rd] = static_cast<uint64_t>(sx(h.x[d.rs1]) >> (h.x[d.rs2] & 63)); }
RVH_INSN(or_) { h.x[d.rd] = h.x[d.rs1] | h.x[d.rs2]; }
RVH_INSN(and_) { h.x[d.rd] = h.x[d.rs1] & h.x[d.rs2]; }
RVH_INSN(addw) { h.x[d.rd] = sext32(h.x[d.rs1] + h.x[d.rs2]); }
RVH_INSN(subw) { h.x[d.rd] = sext32(h.x[d.rs1] - h.x[d.rs2]); }
RVH_INSN(sllw) { h.x[d.rd] = sext32(h.x[d.rs1] << (h.x[d.rs2] & 31)); }
RVH_INSN(srlw) { h.x[d.rd] = sext32(static_cast<uint32_t>(h.x[d.rs1]) >> (h.x[d.rs2] & 31)); }
RVH_INSN(sraw) {
  h.x[d.rd] = sext32(static_cast<uint64_t>(static_cast<int32_t>(h.x[d.rs1]) >> (h.x[d.rs2] & 31)));
}

// M extension. Division by zero and overflow follow the spec's table
// ("Semantics for division by zero and division overflow"): no traps.
RVH_INSN(mul) { h.x[d.rd] = h.x[d.rs1] * h.x[d.rs2]; }
RVH_INSN(mulh) {
  h.x[d.rd] = static_cast<uint64_t>((static_cast<__int128>(sx(h.x[d.rs1])) * sx(h.x[d.rs2])) >> 64);
}
RVH_INSN(mulhsu) {
  h.x[d.rd] = static_cast<uint64_t>(
      (static_cast<__int128>(sx(h.x[d.rs1])) * static_cast<__int128>(static_cast<unsigned __int128>(h.x[d.rs2]))) >> 64);
}
RVH_INSN(mulhu) {
  h.x[d.rd] = static_cast<uint64_t>((static_cast<unsigned __int128>(h.x[d.rs1]) * h.x[d.rs2]) >> 64);
}
RVH_INSN(div) {
  const int64_t a = sx(h.x[d.rs1]), b = sx(h.x[d.rs2]);
  if (b == 0) h.x[d.rd] = ~0ull;
  else if (a == INT64_MIN && b == -1) h.x[d.rd] = static_cast<uint64_t>(a);
  else h.x[d.rd] = static_cast<uint64_t>(a / b);
}
RVH_INSN(divu) {
  const uint64_t a = h.x[d.rs1], b = h.x[d.rs2];
  h.x[d.rd] = b == 0 ? ~0ull : a / b;
}
RVH_INSN(rem) {
  const int64_t a = sx(h.x[d.rs1]), b = sx(h.x[d.rs2]);
  if (b == 0) h.x[d.rd] = static_cast<uint64_t>(a);
  else if (a == INT64_MIN && b == -1) h.x[d.rd] = 0;
  else h.x[d.rd] = static_cast<uint64_t>(a % b);
}
RVH_INSN(remu) {
  const uint64_t a = h.x[d.rs1], b = h.x[d.rs2];
  h.x[d.rd] = b == 0 ? a : a % b;
}
RVH_INSN(mulw) { h.x[d.rd] = sext32(h.x[d.rs1] * h.x[d.rs2]); }
RVH_INSN(divw) {
  const int32_t a = static_cast<int32_t>(h.x[d.rs1]), b = static_cast<int32_t>(h.x[d.rs2]);
  int32_t r;
  if (b == 0) r = -1;
  else if (a == INT32_MIN && b == -1) r = a;
  else r = a / b;
  h.x[d.rd] = sext32(static_cast<uint32_t>(r));
}
RVH_INSN(divuw) {
  const uint32_t a = static_cast<uint32_t>(h.x[d.rs1]), b = static_cast<uint32_t>(h.x[d.rs2]);
  h.x[d.rd] = sext32(b == 0 ? ~0u : a / b);
}
RVH_INSN(remw) {
  const int32_t a = static_cast<int32_t>(h.x[d.rs1]), b = static_cast<int32_t>(h.x[d.rs2]);
  int32_t r;
  if (b == 0) r = a;
  else if (a == INT32_MIN && b == -1) r = 0;
  else r = a % b;
  h.x[d.rd] = sext32(static_cast<uint32_t>(r));
}
RVH_INSN(remuw) {
  const uint32_t a = static_cast<uint32_t>(h.x[d.rs1]), b = static_cast<uint32_t>(h.x[d.rs2]);
  h.x[d.rd] = sext32(b == 0 ? a : a % b);
}

}  // namespace rvh::insn
