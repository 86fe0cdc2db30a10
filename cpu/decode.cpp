// cpu/decode.cpp: RV64GC decoder (unpriv spec, "RV32/64G Instruction Set
// Listings"). Every encoding not listed there decodes to insn::illegal,
// which raises illegal instruction with the instruction bits in tval.
#include "cpu/insns.h"
#include "cpu/marker.h"

namespace rvh {
namespace {

inline uint32_t bits(uint32_t v, unsigned hi, unsigned lo) { return (v >> lo) & ((1u << (hi - lo + 1)) - 1); }
inline int64_t sign(uint32_t w) { return static_cast<int64_t>(static_cast<int32_t>(w)) >> 31; }  // 0 or -1
inline int64_t imm_i(uint32_t w) { return static_cast<int64_t>(static_cast<int32_t>(w) >> 20); }
inline int64_t imm_s(uint32_t w) {
  return static_cast<int64_t>(static_cast<int32_t>(w) >> 25) * 32 + static_cast<int64_t>(bits(w, 11, 7));
}
inline int64_t imm_b(uint32_t w) {
  return sign(w) * 4096 + static_cast<int64_t>(bits(w, 7, 7) << 11 | bits(w, 30, 25) << 5 | bits(w, 11, 8) << 1);
}
inline int64_t imm_u(uint32_t w) { return static_cast<int64_t>(static_cast<int32_t>(w & 0xfffff000u)); }
inline int64_t imm_j(uint32_t w) {
  return sign(w) * (1 << 20) +
         static_cast<int64_t>(bits(w, 19, 12) << 12 | bits(w, 20, 20) << 11 | bits(w, 30, 21) << 1);
}

using H = InsnHandler;

struct Decoder {
  DecodedInsn d;
  uint32_t w;

  bool fp_dest = false;

  void set(H h, InsnClass c) { d.exec = h; d.cls = c; }
  void setf(H h, InsnClass c) { set(h, c); fp_dest = true; }
  void bad() { d.exec = insn::illegal; d.cls = InsnClass::kSystem; }

  void op_load() {
    static constexpr H h[8] = {insn::lb, insn::lh, insn::lw, insn::ld, insn::lbu, insn::lhu, insn::lwu, nullptr};
    H x = h[bits(w, 14, 12)];
    if (!x) return bad();
    d.imm = imm_i(w);
    set(x, InsnClass::kLoad);
  }
  void op_store() {
    static constexpr H h[8] = {insn::sb, insn::sh, insn::sw, insn::sd, nullptr, nullptr, nullptr, nullptr};
    H x = h[bits(w, 14, 12)];
    if (!x) return bad();
    d.imm = imm_s(w);
    set(x, InsnClass::kStore);
  }
  void op_branch() {
    static constexpr H h[8] = {insn::beq, insn::bne, nullptr, nullptr, insn::blt, insn::bge, insn::bltu, insn::bgeu};
    H x = h[bits(w, 14, 12)];
    if (!x) return bad();
    d.imm = imm_b(w);
    set(x, InsnClass::kBranch);
  }
  void op_imm() {
    const uint32_t f3 = bits(w, 14, 12);
    d.imm = imm_i(w);
    switch (f3) {
      case 0: return set(insn::addi, InsnClass::kAlu);
      case 2:
        // SLTI with rd = x0 is a custom HINT (unpriv spec, HINT table): the
        // simulator markers (cpu/marker.h) are those with imm[11:4] = 0x52.
        if (marker::is_marker(w)) return set(insn::marker, marker::kClass);
        return set(insn::slti, InsnClass::kAlu);
      case 3: return set(insn::sltiu, InsnClass::kAlu);
      case 4: return set(insn::xori, InsnClass::kAlu);
      case 6: return set(insn::ori, InsnClass::kAlu);
      case 7: return set(insn::andi, InsnClass::kAlu);
      case 1:
        if (bits(w, 31, 26) != 0) return bad();
        d.imm = bits(w, 25, 20);
        return set(insn::slli, InsnClass::kAlu);
      default: {
        const uint32_t top = bits(w, 31, 26);
        d.imm = bits(w, 25, 20);
        if (top == 0) return set(insn::srli, InsnClass::kAlu);
        if (top == 0x10) return set(insn::srai, InsnClass::kAlu);
        return bad();
      }
    }
  }
  void op_imm32() {
    const uint32_t f3 = bits(w, 14, 12), f7 = bits(w, 31, 25);
    if (f3 == 0) { d.imm = imm_i(w); return set(insn::addiw, InsnClass::kAlu); }
    d.imm = bits(w, 24, 20);
    if (f3 == 1 && f7 == 0) return set(insn::slliw, InsnClass::kAlu);
    if (f3 == 5 && f7 == 0) return set(insn::srliw, InsnClass::kAlu);
    if (f3 == 5 && f7 == 0x20) return set(insn::sraiw, InsnClass::kAlu);
    bad();
  }
  void op_reg() {
    const uint32_t f3 = bits(w, 14, 12), f7 = bits(w, 31, 25);
    if (f7 == 0) {
      static constexpr H h[8] = {insn::add, insn::sll, insn::slt, insn::sltu, insn::xor_, insn::srl, insn::or_, insn::and_};
      return set(h[f3], InsnClass::kAlu);
    }
    if (f7 == 0x20) {
      if (f3 == 0) return set(insn::sub, InsnClass::kAlu);
      if (f3 == 5) return set(insn::sra, InsnClass::kAlu);
      return bad();
    }
    if (f7 == 1) {
      static constexpr H h[8] = {insn::mul, insn::mulh, insn::mulhsu, insn::mulhu, insn::div, insn::divu, insn::rem, insn::remu};
      return set(h[f3], f3 < 4 ? InsnClass::kMul : InsnClass::kDiv);
    }
    bad();
  }
  void op_reg32() {
    const uint32_t f3 = bits(w, 14, 12), f7 = bits(w, 31, 25);
    if (f7 == 0) {
      if (f3 == 0) return set(insn::addw, InsnClass::kAlu);
      if (f3 == 1) return set(insn::sllw, InsnClass::kAlu);
      if (f3 == 5) return set(insn::srlw, InsnClass::kAlu);
      return bad();
    }
    if (f7 == 0x20) {
      if (f3 == 0) return set(insn::subw, InsnClass::kAlu);
      if (f3 == 5) return set(insn::sraw, InsnClass::kAlu);
      return bad();
    }
    if (f7 == 1) {
      static constexpr H h[8] = {insn::mulw, nullptr, nullptr, nullptr, insn::divw, insn::divuw, insn::remw, insn::remuw};
      if (!h[f3]) return bad();
      return set(h[f3], f3 == 0 ? InsnClass::kMul : InsnClass::kDiv);
    }
    bad();
  }
  void op_misc_mem() {
    const uint32_t f3 = bits(w, 14, 12);
    if (f3 == 0) return set(insn::fence, InsnClass::kFence);  // reserved fields: treated as FENCE
    if (f3 == 1) return set(insn::fence_i, InsnClass::kSystem);
    bad();
  }
  // HLV/HLVX/HSV (H spec, "Hypervisor Virtual-Machine Load and Store Instructions").
  void op_hyp_mem() {
    const uint32_t f7 = bits(w, 31, 25), rs2 = bits(w, 24, 20);
    if (f7 & 1) {  // HSV.B/H/W/D: rd must be 0
      if (bits(w, 11, 7) != 0) return bad();
      static constexpr H hsv[4] = {insn::hsv_b, insn::hsv_h, insn::hsv_w, insn::hsv_d};
      if (f7 < 0x31 || f7 > 0x37) return bad();
      return set(hsv[(f7 - 0x31) >> 1], InsnClass::kStore);
    }
    H x = nullptr;
    switch (f7) {
      case 0x30: x = rs2 == 0 ? insn::hlv_b : rs2 == 1 ? insn::hlv_bu : nullptr; break;
      case 0x32: x = rs2 == 0 ? insn::hlv_h : rs2 == 1 ? insn::hlv_hu : rs2 == 3 ? insn::hlvx_hu : nullptr; break;
      case 0x34: x = rs2 == 0 ? insn::hlv_w : rs2 == 1 ? insn::hlv_wu : rs2 == 3 ? insn::hlvx_wu : nullptr; break;
      case 0x36: x = rs2 == 0 ? insn::hlv_d : nullptr; break;
      default: break;
    }
    if (!x) return bad();
    set(x, InsnClass::kLoad);
  }
  void op_system() {
    const uint32_t f3 = bits(w, 14, 12);
    if (f3 == 4) return op_hyp_mem();
    if (f3 != 0) {
      static constexpr H h[8] = {nullptr, insn::csrrw, insn::csrrs, insn::csrrc, nullptr, insn::csrrwi, insn::csrrsi, insn::csrrci};
      d.imm = bits(w, 31, 20);  // CSR number
      return set(h[f3], InsnClass::kCsr);
    }
    switch (w) {
      case 0x00000073: return set(insn::ecall, InsnClass::kSystem);
      case 0x00100073: return set(insn::ebreak, InsnClass::kSystem);
      case 0x30200073: return set(insn::mret, InsnClass::kSystem);
      case 0x10200073: return set(insn::sret, InsnClass::kSystem);
      case 0x10500073: return set(insn::wfi, InsnClass::kSystem);
      default: break;
    }
    if (bits(w, 31, 25) == 0x09 && bits(w, 11, 7) == 0) return set(insn::sfence_vma, InsnClass::kSystem);
    if (bits(w, 31, 25) == 0x11 && bits(w, 11, 7) == 0) return set(insn::hfence_vvma, InsnClass::kSystem);
    if (bits(w, 31, 25) == 0x31 && bits(w, 11, 7) == 0) return set(insn::hfence_gvma, InsnClass::kSystem);
    bad();
  }
  void op_amo() {
    const uint32_t f3 = bits(w, 14, 12), f5 = bits(w, 31, 27);
    if (f3 != 2 && f3 != 3) return bad();
    const bool dw = f3 == 3;
    H x = nullptr;
    switch (f5) {
      case 0x02: if (bits(w, 24, 20) != 0) return bad(); x = dw ? insn::lr_d : insn::lr_w; break;
      case 0x03: x = dw ? insn::sc_d : insn::sc_w; break;
      case 0x01: x = dw ? insn::amoswap_d : insn::amoswap_w; break;
      case 0x00: x = dw ? insn::amoadd_d : insn::amoadd_w; break;
      case 0x04: x = dw ? insn::amoxor_d : insn::amoxor_w; break;
      case 0x0c: x = dw ? insn::amoand_d : insn::amoand_w; break;
      case 0x08: x = dw ? insn::amoor_d : insn::amoor_w; break;
      case 0x10: x = dw ? insn::amomin_d : insn::amomin_w; break;
      case 0x14: x = dw ? insn::amomax_d : insn::amomax_w; break;
      case 0x18: x = dw ? insn::amominu_d : insn::amominu_w; break;
      case 0x1c: x = dw ? insn::amomaxu_d : insn::amomaxu_w; break;
      default: return bad();
    }
    set(x, InsnClass::kAtomic);
  }
  // Rounding-mode field: 5 and 6 are reserved (illegal); 7 = dynamic, checked at run time.
  bool rm_ok() { d.rm = bits(w, 14, 12); return d.rm != 5 && d.rm != 6; }
  void op_fma(uint32_t opcode) {
    const uint32_t fmt = bits(w, 26, 25);
    if (fmt > 1 || !rm_ok()) return bad();
    static constexpr H s[4] = {insn::fmadd_s, insn::fmsub_s, insn::fnmsub_s, insn::fnmadd_s};
    static constexpr H dd[4] = {insn::fmadd_d, insn::fmsub_d, insn::fnmsub_d, insn::fnmadd_d};
    const unsigned idx = (opcode - 0x43) >> 2;
    setf(fmt ? dd[idx] : s[idx], InsnClass::kFpuFma);
  }
  void op_fp() {
    const uint32_t f7 = bits(w, 31, 25), f3 = bits(w, 14, 12), rs2 = bits(w, 24, 20);
    d.rm = f3;
    switch (f7) {
      case 0x00: if (!rm_ok()) return bad(); return setf(insn::fadd_s, InsnClass::kFpuAdd);
      case 0x01: if (!rm_ok()) return bad(); return setf(insn::fadd_d, InsnClass::kFpuAdd);
      case 0x04: if (!rm_ok()) return bad(); return setf(insn::fsub_s, InsnClass::kFpuAdd);
      case 0x05: if (!rm_ok()) return bad(); return setf(insn::fsub_d, InsnClass::kFpuAdd);
      case 0x08: if (!rm_ok()) return bad(); return setf(insn::fmul_s, InsnClass::kFpuMul);
      case 0x09: if (!rm_ok()) return bad(); return setf(insn::fmul_d, InsnClass::kFpuMul);
      case 0x0c: if (!rm_ok()) return bad(); return setf(insn::fdiv_s, InsnClass::kFpuDiv);
      case 0x0d: if (!rm_ok()) return bad(); return setf(insn::fdiv_d, InsnClass::kFpuDiv);
      case 0x2c: if (rs2 != 0 || !rm_ok()) return bad(); return setf(insn::fsqrt_s, InsnClass::kFpuSqrt);
      case 0x2d: if (rs2 != 0 || !rm_ok()) return bad(); return setf(insn::fsqrt_d, InsnClass::kFpuSqrt);
      case 0x10: case 0x11: {
        static constexpr H s[3] = {insn::fsgnj_s, insn::fsgnjn_s, insn::fsgnjx_s};
        static constexpr H dd[3] = {insn::fsgnj_d, insn::fsgnjn_d, insn::fsgnjx_d};
        if (f3 > 2) return bad();
        return setf(f7 & 1 ? dd[f3] : s[f3], InsnClass::kFpuMisc);
      }
      case 0x14: case 0x15: {
        if (f3 > 1) return bad();
        H x = (f7 & 1) ? (f3 ? insn::fmax_d : insn::fmin_d) : (f3 ? insn::fmax_s : insn::fmin_s);
        return setf(x, InsnClass::kFpuMisc);
      }
      case 0x20: if (rs2 != 1 || !rm_ok()) return bad(); return setf(insn::fcvt_s_d, InsnClass::kFpuMisc);
      case 0x21: if (rs2 != 0 || !rm_ok()) return bad(); return setf(insn::fcvt_d_s, InsnClass::kFpuMisc);
      case 0x50: case 0x51: {
        static constexpr H s[3] = {insn::fle_s, insn::flt_s, insn::feq_s};
        static constexpr H dd[3] = {insn::fle_d, insn::flt_d, insn::feq_d};
        if (f3 > 2) return bad();
        return set(f7 & 1 ? dd[f3] : s[f3], InsnClass::kFpuMisc);
      }
      case 0x60: case 0x61: {
        static constexpr H s[4] = {insn::fcvt_w_s, insn::fcvt_wu_s, insn::fcvt_l_s, insn::fcvt_lu_s};
        static constexpr H dd[4] = {insn::fcvt_w_d, insn::fcvt_wu_d, insn::fcvt_l_d, insn::fcvt_lu_d};
        if (rs2 > 3 || !rm_ok()) return bad();
        return set(f7 & 1 ? dd[rs2] : s[rs2], InsnClass::kFpuMisc);
      }
      case 0x68: case 0x69: {
        static constexpr H s[4] = {insn::fcvt_s_w, insn::fcvt_s_wu, insn::fcvt_s_l, insn::fcvt_s_lu};
        static constexpr H dd[4] = {insn::fcvt_d_w, insn::fcvt_d_wu, insn::fcvt_d_l, insn::fcvt_d_lu};
        if (rs2 > 3 || !rm_ok()) return bad();
        return setf(f7 & 1 ? dd[rs2] : s[rs2], InsnClass::kFpuMisc);
      }
      case 0x70: case 0x71:
        if (rs2 != 0) return bad();
        if (f3 == 0) return set(f7 & 1 ? insn::fmv_x_d : insn::fmv_x_w, InsnClass::kFpuMisc);
        if (f3 == 1) return set(f7 & 1 ? insn::fclass_d : insn::fclass_s, InsnClass::kFpuMisc);
        return bad();
      case 0x78: case 0x79:
        if (rs2 != 0 || f3 != 0) return bad();
        return setf(f7 & 1 ? insn::fmv_d_x : insn::fmv_w_x, InsnClass::kFpuMisc);
      default: return bad();
    }
  }

  void decode32() {
    d.rd = bits(w, 11, 7);
    d.rs1 = bits(w, 19, 15);
    d.rs2 = bits(w, 24, 20);
    d.rs3 = bits(w, 31, 27);
    switch (w & 0x7f) {
      case 0x37: d.imm = imm_u(w); return set(insn::lui, InsnClass::kAlu);
      case 0x17: d.imm = imm_u(w); return set(insn::auipc, InsnClass::kAlu);
      case 0x6f: d.imm = imm_j(w); return set(insn::jal, InsnClass::kJump);
      case 0x67:
        if (bits(w, 14, 12) != 0) return bad();
        d.imm = imm_i(w);
        return set(insn::jalr, InsnClass::kJump);
      case 0x63: return op_branch();
      case 0x03: return op_load();
      case 0x23: return op_store();
      case 0x13: return op_imm();
      case 0x1b: return op_imm32();
      case 0x33: return op_reg();
      case 0x3b: return op_reg32();
      case 0x0f: return op_misc_mem();
      case 0x73: return op_system();
      case 0x2f: return op_amo();
      case 0x07: {
        const uint32_t f3 = bits(w, 14, 12);
        d.imm = imm_i(w);
        if (f3 == 2) return setf(insn::flw, InsnClass::kLoad);
        if (f3 == 3) return setf(insn::fld, InsnClass::kLoad);
        return bad();
      }
      case 0x27: {
        const uint32_t f3 = bits(w, 14, 12);
        d.imm = imm_s(w);
        if (f3 == 2) return set(insn::fsw, InsnClass::kStore);
        if (f3 == 3) return set(insn::fsd, InsnClass::kStore);
        return bad();
      }
      case 0x43: case 0x47: case 0x4b: case 0x4f: return op_fma(w & 0x7f);
      case 0x53: return op_fp();
      default: return bad();
    }
  }
};

}  // namespace

DecodedInsn decode_instruction(uint32_t bits_in) {
  Decoder dec;
  if ((bits_in & 3) != 3) {
    const uint16_t c = static_cast<uint16_t>(bits_in);
    const uint32_t expanded = expand_compressed(c);
    dec.w = expanded;
    if (expanded == 0) dec.bad(); else dec.decode32();
    dec.d.len = 2;
    dec.d.raw = c;
  } else {
    dec.w = bits_in;
    dec.decode32();
    dec.d.len = 4;
    dec.d.raw = bits_in;
  }
  // Writes to x0 go to the sink register x[32], so integer handlers never test
  // for rd == 0. FP destinations keep their number (f0 is a real register).
  if (!dec.fp_dest && dec.d.rd == 0) dec.d.rd = 32;
  return dec.d;
}

}  // namespace rvh
