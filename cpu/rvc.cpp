// cpu/rvc.cpp: expansion of RV64C compressed instructions to their 32-bit
// equivalents (unpriv spec, "C" Standard Extension, RVC instruction listings).
// Reserved encodings return 0, which the decoder treats as illegal; HINTs
// expand to their (harmless) base instruction.
#include "cpu/insns.h"

namespace rvh {
namespace {

inline uint32_t bit(uint32_t v, unsigned b) { return (v >> b) & 1; }
inline uint32_t bits(uint32_t v, unsigned hi, unsigned lo) { return (v >> lo) & ((1u << (hi - lo + 1)) - 1); }
inline int32_t sext(uint32_t v, unsigned width) {
  return static_cast<int32_t>(v << (32 - width)) >> (32 - width);
}

// Base-format encoders.
uint32_t enc_r(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, uint32_t rs2, uint32_t f7) {
  return op | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}
uint32_t enc_i(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, int32_t imm) {
  return op | rd << 7 | f3 << 12 | rs1 << 15 | (static_cast<uint32_t>(imm) & 0xfff) << 20;
}
uint32_t enc_s(uint32_t op, uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  uint32_t i = static_cast<uint32_t>(imm);
  return op | (i & 0x1f) << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | ((i >> 5) & 0x7f) << 25;
}
uint32_t enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  uint32_t i = static_cast<uint32_t>(imm);
  return 0x63 | bit(i, 11) << 7 | bits(i, 4, 1) << 8 | f3 << 12 | rs1 << 15 | rs2 << 20 |
         bits(i, 10, 5) << 25 | bit(i, 12) << 31;
}
uint32_t enc_j(uint32_t rd, int32_t imm) {
  uint32_t i = static_cast<uint32_t>(imm);
  return 0x6f | rd << 7 | bits(i, 19, 12) << 12 | bit(i, 11) << 20 | bits(i, 10, 1) << 21 |
         bit(i, 20) << 31;
}
uint32_t enc_u(uint32_t op, uint32_t rd, int32_t imm) {
  return op | rd << 7 | (static_cast<uint32_t>(imm) & 0xfffff000u);
}

constexpr uint32_t kOpLoad = 0x03, kOpLoadFp = 0x07, kOpImm = 0x13, kOpImm32 = 0x1b,
                   kOpStore = 0x23, kOpStoreFp = 0x27, kOp = 0x33, kOp32 = 0x3b, kOpLui = 0x37,
                   kOpJalr = 0x67, kOpSystem = 0x73;

uint32_t quadrant0(uint32_t c) {
  const uint32_t rdp = bits(c, 4, 2) + 8, rs1p = bits(c, 9, 7) + 8;
  // Offsets for 8-byte (LD/SD/FLD/FSD) and 4-byte (LW/SW) forms.
  const int32_t off8 = static_cast<int32_t>(bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6);
  const int32_t off4 = static_cast<int32_t>(bits(c, 12, 10) << 3 | bit(c, 6) << 2 | bit(c, 5) << 6);
  switch (bits(c, 15, 13)) {
    case 0: {  // C.ADDI4SPN
      uint32_t imm = bits(c, 12, 11) << 4 | bits(c, 10, 7) << 6 | bit(c, 6) << 2 | bit(c, 5) << 3;
      if (imm == 0) return 0;
      return enc_i(kOpImm, rdp, 0, 2, static_cast<int32_t>(imm));
    }
    case 1: return enc_i(kOpLoadFp, rdp, 3, rs1p, off8);    // C.FLD
    case 2: return enc_i(kOpLoad, rdp, 2, rs1p, off4);      // C.LW
    case 3: return enc_i(kOpLoad, rdp, 3, rs1p, off8);      // C.LD
    case 5: return enc_s(kOpStoreFp, 3, rs1p, rdp, off8);   // C.FSD
    case 6: return enc_s(kOpStore, 2, rs1p, rdp, off4);     // C.SW
    case 7: return enc_s(kOpStore, 3, rs1p, rdp, off8);     // C.SD
    default: return 0;
  }
}

uint32_t quadrant1(uint32_t c) {
  const uint32_t rd = bits(c, 11, 7);
  const int32_t imm6 = sext(bit(c, 12) << 5 | bits(c, 6, 2), 6);
  const uint32_t rdp = bits(c, 9, 7) + 8, rs2p = bits(c, 4, 2) + 8;
  switch (bits(c, 15, 13)) {
    case 0: return enc_i(kOpImm, rd, 0, rd, imm6);  // C.ADDI / C.NOP
    case 1:                                          // C.ADDIW
      if (rd == 0) return 0;
      return enc_i(kOpImm32, rd, 0, rd, imm6);
    case 2: return enc_i(kOpImm, rd, 0, 0, imm6);   // C.LI
    case 3:
      if (rd == 2) {  // C.ADDI16SP
        int32_t imm = sext(bit(c, 12) << 9 | bit(c, 6) << 4 | bit(c, 5) << 6 | bits(c, 4, 3) << 7 |
                               bit(c, 2) << 5, 10);
        if (imm == 0) return 0;
        return enc_i(kOpImm, 2, 0, 2, imm);
      } else {  // C.LUI
        int32_t imm = sext(bit(c, 12) << 17 | bits(c, 6, 2) << 12, 18);
        if (imm == 0) return 0;
        return enc_u(kOpLui, rd, imm);
      }
    case 4: {
      const uint32_t shamt = bit(c, 12) << 5 | bits(c, 6, 2);
      switch (bits(c, 11, 10)) {
        case 0: return enc_i(kOpImm, rdp, 5, rdp, static_cast<int32_t>(shamt));           // C.SRLI
        case 1: return enc_i(kOpImm, rdp, 5, rdp, static_cast<int32_t>(shamt | 0x400));   // C.SRAI
        case 2: return enc_i(kOpImm, rdp, 7, rdp, imm6);                                 // C.ANDI
        default: {
          static constexpr uint32_t f3_for[4] = {0, 4, 6, 7};  // SUB, XOR, OR, AND
          const uint32_t sel = bits(c, 6, 5);
          if (bit(c, 12) == 0)
            return enc_r(kOp, rdp, f3_for[sel], rdp, rs2p, sel == 0 ? 0x20 : 0);
          if (sel == 0) return enc_r(kOp32, rdp, 0, rdp, rs2p, 0x20);  // C.SUBW
          if (sel == 1) return enc_r(kOp32, rdp, 0, rdp, rs2p, 0);     // C.ADDW
          return 0;
        }
      }
    }
    case 5: {  // C.J
      int32_t imm = sext(bit(c, 12) << 11 | bit(c, 11) << 4 | bits(c, 10, 9) << 8 | bit(c, 8) << 10 |
                             bit(c, 7) << 6 | bit(c, 6) << 7 | bits(c, 5, 3) << 1 | bit(c, 2) << 5, 12);
      return enc_j(0, imm);
    }
    default: {  // C.BEQZ / C.BNEZ
      int32_t imm = sext(bit(c, 12) << 8 | bits(c, 11, 10) << 3 | bits(c, 6, 5) << 6 | bits(c, 4, 3) << 1 |
                             bit(c, 2) << 5, 9);
      return enc_b(bits(c, 15, 13) == 6 ? 0 : 1, rdp, 0, imm);
    }
  }
}

uint32_t quadrant2(uint32_t c) {
  const uint32_t rd = bits(c, 11, 7), rs2 = bits(c, 6, 2);
  const int32_t ldsp_off = static_cast<int32_t>(bit(c, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6);
  const int32_t sdsp_off = static_cast<int32_t>(bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6);
  switch (bits(c, 15, 13)) {
    case 0: return enc_i(kOpImm, rd, 1, rd, static_cast<int32_t>(bit(c, 12) << 5 | rs2));  // C.SLLI
    case 1: return enc_i(kOpLoadFp, rd, 3, 2, ldsp_off);                                 // C.FLDSP
    case 2: {                                                                            // C.LWSP
      if (rd == 0) return 0;
      int32_t off = static_cast<int32_t>(bit(c, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6);
      return enc_i(kOpLoad, rd, 2, 2, off);
    }
    case 3:  // C.LDSP
      if (rd == 0) return 0;
      return enc_i(kOpLoad, rd, 3, 2, ldsp_off);
    case 4:
      if (bit(c, 12) == 0) {
        if (rs2 == 0) {  // C.JR
          if (rd == 0) return 0;
          return enc_i(kOpJalr, 0, 0, rd, 0);
        }
        return enc_r(kOp, rd, 0, 0, rs2, 0);  // C.MV
      }
      if (rs2 == 0) {
        if (rd == 0) return 0x00100073;          // C.EBREAK
        return enc_i(kOpJalr, 1, 0, rd, 0);      // C.JALR
      }
      return enc_r(kOp, rd, 0, rd, rs2, 0);      // C.ADD
    case 5: return enc_s(kOpStoreFp, 3, 2, rs2, sdsp_off);  // C.FSDSP
    case 6: {                                                // C.SWSP
      int32_t off = static_cast<int32_t>(bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6);
      return enc_s(kOpStore, 2, 2, rs2, off);
    }
    default: return enc_s(kOpStore, 3, 2, rs2, sdsp_off);   // C.SDSP
  }
  (void)kOpSystem;
}

}  // namespace

uint32_t expand_compressed(uint16_t c) {
  switch (c & 3) {
    case 0: return quadrant0(c);
    case 1: return quadrant1(c);
    case 2: return quadrant2(c);
    default: return 0;
  }
}

}  // namespace rvh
