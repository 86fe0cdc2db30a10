// Unit tests for the RV64GC decoder (cpu/decode.cpp) and the RVC expander
// (cpu/rvc.cpp): handler identity, operand fields and immediates for every
// major opcode, illegal and reserved encodings, rounding-mode checks, the x0
// sink remapping, and C expansions against their 32-bit counterparts.
//
// Encodings were produced with riscv64-unknown-elf-as -march=rv64gc
// (objdump -M no-aliases); the assembly is in the comment next to each word.
#include "tests/unit/hart_test_util.h"  // sc_main, enc::

#include "cpu/decoded_insn.h"
#include "cpu/insns.h"
#include "cpu/marker.h"

namespace rvh {
namespace {
using test::enc::b;
using test::enc::j;

constexpr uint8_t kSink = 32;
constexpr int N = -1000;  // "don't check" marker for a field

struct Case {
  uint32_t bits;
  InsnHandler exec;
  int rd, rs1, rs2;
  int64_t imm;
  bool check_imm;
  const char* text;
};

#define I_(bits, h, rd, rs1, rs2, imm, text) Case{bits, insn::h, rd, rs1, rs2, imm, true, text}
#define R_(bits, h, rd, rs1, rs2, text) Case{bits, insn::h, rd, rs1, rs2, 0, false, text}

void check(const Case& c) {
  SCOPED_TRACE(c.text);
  const DecodedInsn d = decode_instruction(c.bits);
  EXPECT_EQ(d.exec, c.exec) << std::hex << c.bits;
  EXPECT_EQ(d.len, 4);
  EXPECT_EQ(d.raw, c.bits);
  if (c.rd != N) {
    EXPECT_EQ(d.rd, c.rd);
  }
  if (c.rs1 != N) {
    EXPECT_EQ(d.rs1, c.rs1);
  }
  if (c.rs2 != N) {
    EXPECT_EQ(d.rs2, c.rs2);
  }
  if (c.check_imm) {
    EXPECT_EQ(d.imm, c.imm);
  }
}

TEST(Decode, UpperImmediateAndJumps) {
  const Case cases[] = {
      I_(0xfffff537, lui, 10, N, N, -4096, "lui a0,0xfffff"),
      I_(0x12345317, auipc, 6, N, N, 0x12345000, "auipc t1,0x12345"),
      I_(0x7fe000ef, jal, 1, N, N, 0x7fe, "jal ra,.+0x7fe"),
      I_(0x8100006f, jal, kSink, N, N, -0xffff0, "jal zero,.-0xffff0"),
      I_(0xfff605e7, jalr, 11, 12, N, -1, "jalr a1,-1(a2)"),
  };
  for (const Case& c : cases) check(c);
}

TEST(Decode, BranchesWithNegativeAndPositiveOffsets) {
  const Case cases[] = {
      I_(0x80b50063, beq, N, 10, 11, -4096, "beq a0,a1,.-4096"),
      I_(0xfeb54fe3, blt, N, 10, 11, -2, "blt a0,a1,.-2"),
      I_(0x00628463, beq, N, 5, 6, 8, "beq t0,t1,.+8"),
      I_(0x00b51463, bne, N, 10, 11, 8, "bne a0,a1,.+8"),
      I_(0x00b55463, bge, N, 10, 11, 8, "bge a0,a1,.+8"),
      I_(0x00947463, bgeu, N, 8, 9, 8, "bgeu s0,s1,.+8"),
      I_(0x00946463, bltu, N, 8, 9, 8, "bltu s0,s1,.+8"),
      I_(b(1, 5, 6, 4094), bne, N, 5, 6, 4094, "bne t0,t1,.+4094"),
  };
  for (const Case& c : cases) check(c);
  // A branch with funct3 2 or 3 does not exist.
  EXPECT_EQ(decode_instruction(0x00b52463).exec, insn::illegal);
  EXPECT_EQ(decode_instruction(0x00b53463).exec, insn::illegal);
}

TEST(Decode, LoadsAndStores) {
  const Case cases[] = {
      I_(0xfff10503, lb, 10, 2, N, -1, "lb a0,-1(sp)"),
      I_(0x7ff11503, lh, 10, 2, N, 2047, "lh a0,2047(sp)"),
      I_(0x80012503, lw, 10, 2, N, -2048, "lw a0,-2048(sp)"),
      I_(0x00853483, ld, 9, 10, N, 8, "ld s1,8(a0)"),
      I_(0x0015c503, lbu, 10, 11, N, 1, "lbu a0,1(a1)"),
      I_(0x0015d503, lhu, 10, 11, N, 1, "lhu a0,1(a1)"),
      I_(0x0015e503, lwu, 10, 11, N, 1, "lwu a0,1(a1)"),
      I_(0xfea10fa3, sb, N, 2, 10, -1, "sb a0,-1(sp)"),
      I_(0x7eb11fa3, sh, N, 2, 11, 2047, "sh a1,2047(sp)"),
      I_(0x80c12023, sw, N, 2, 12, -2048, "sw a2,-2048(sp)"),
      I_(0xfe953c23, sd, N, 10, 9, -8, "sd s1,-8(a0)"),
  };
  for (const Case& c : cases) check(c);
  EXPECT_EQ(decode_instruction(0x0015f503).exec, insn::illegal);  // load funct3 7
  EXPECT_EQ(decode_instruction(0x00a5c023).exec, insn::illegal);  // store funct3 4
}

TEST(Decode, ImmediateArithmetic) {
  const Case cases[] = {
      I_(0xfff58513, addi, 10, 11, N, -1, "addi a0,a1,-1"),
      I_(0x8005a513, slti, 10, 11, N, -2048, "slti a0,a1,-2048"),
      I_(0x7ff5b513, sltiu, 10, 11, N, 2047, "sltiu a0,a1,2047"),
      I_(0xfff5c513, xori, 10, 11, N, -1, "xori a0,a1,-1"),
      I_(0x0555e513, ori, 10, 11, N, 0x55, "ori a0,a1,85"),
      I_(0x00f5f513, andi, 10, 11, N, 15, "andi a0,a1,15"),
      I_(0x03f59513, slli, 10, 11, N, 63, "slli a0,a1,63"),
      I_(0x0215d513, srli, 10, 11, N, 33, "srli a0,a1,33"),
      I_(0x43f5d513, srai, 10, 11, N, 63, "srai a0,a1,63"),
      I_(0xffb5851b, addiw, 10, 11, N, -5, "addiw a0,a1,-5"),
      I_(0x01f5951b, slliw, 10, 11, N, 31, "slliw a0,a1,31"),
      I_(0x0015d51b, srliw, 10, 11, N, 1, "srliw a0,a1,1"),
      I_(0x41f5d51b, sraiw, 10, 11, N, 31, "sraiw a0,a1,31"),
  };
  for (const Case& c : cases) check(c);
  // slliw with shamt[5] set is reserved on RV64.
  EXPECT_EQ(decode_instruction(0x0205951b).exec, insn::illegal);
}

TEST(Decode, RegisterArithmeticAndM) {
  const Case cases[] = {
      R_(0x00c58533, add, 10, 11, 12, "add"),     R_(0x40c58533, sub, 10, 11, 12, "sub"),
      R_(0x00c59533, sll, 10, 11, 12, "sll"),     R_(0x00c5a533, slt, 10, 11, 12, "slt"),
      R_(0x00c5b533, sltu, 10, 11, 12, "sltu"),   R_(0x00c5c533, xor_, 10, 11, 12, "xor"),
      R_(0x00c5d533, srl, 10, 11, 12, "srl"),     R_(0x40c5d533, sra, 10, 11, 12, "sra"),
      R_(0x00c5e533, or_, 10, 11, 12, "or"),      R_(0x00c5f533, and_, 10, 11, 12, "and"),
      R_(0x00c5853b, addw, 10, 11, 12, "addw"),   R_(0x40c5853b, subw, 10, 11, 12, "subw"),
      R_(0x00c5953b, sllw, 10, 11, 12, "sllw"),   R_(0x00c5d53b, srlw, 10, 11, 12, "srlw"),
      R_(0x40c5d53b, sraw, 10, 11, 12, "sraw"),   R_(0x02c58533, mul, 10, 11, 12, "mul"),
      R_(0x02c59533, mulh, 10, 11, 12, "mulh"),   R_(0x02c5a533, mulhsu, 10, 11, 12, "mulhsu"),
      R_(0x02c5b533, mulhu, 10, 11, 12, "mulhu"), R_(0x02c5c533, div, 10, 11, 12, "div"),
      R_(0x02c5d533, divu, 10, 11, 12, "divu"),   R_(0x02c5e533, rem, 10, 11, 12, "rem"),
      R_(0x02c5f533, remu, 10, 11, 12, "remu"),   R_(0x02c5853b, mulw, 10, 11, 12, "mulw"),
      R_(0x02c5c53b, divw, 10, 11, 12, "divw"),   R_(0x02c5d53b, divuw, 10, 11, 12, "divuw"),
      R_(0x02c5e53b, remw, 10, 11, 12, "remw"),   R_(0x02c5f53b, remuw, 10, 11, 12, "remuw"),
  };
  for (const Case& c : cases) check(c);
  EXPECT_EQ(decode_instruction(0x40c59533).exec, insn::illegal);  // funct7 0x20 with sll
  EXPECT_EQ(decode_instruction(0x02c5953b).exec, insn::illegal);  // mulw funct3 1
}

TEST(Decode, SystemFenceAndCsr) {
  const Case cases[] = {
      R_(0x0330000f, fence, N, N, N, "fence rw,rw"),
      R_(0x0000100f, fence_i, N, N, N, "fence.i"),
      R_(0x00000073, ecall, N, N, N, "ecall"),
      R_(0x00100073, ebreak, N, N, N, "ebreak"),
      R_(0x30200073, mret, N, N, N, "mret"),
      R_(0x10200073, sret, N, N, N, "sret"),
      R_(0x10500073, wfi, N, N, N, "wfi"),
      R_(0x12b50073, sfence_vma, N, 10, 11, "sfence.vma a0,a1"),
      I_(0x30059573, csrrw, 10, 11, N, 0x300, "csrrw a0,mstatus,a1"),
      I_(0x7c05a573, csrrs, 10, 11, N, 0x7c0, "csrrs a0,0x7c0,a1"),
      I_(0x1005b573, csrrc, 10, 11, N, 0x100, "csrrc a0,sstatus,a1"),
      I_(0x340fd573, csrrwi, 10, 31, N, 0x340, "csrrwi a0,mscratch,31"),
      I_(0x3040e573, csrrsi, 10, 1, N, 0x304, "csrrsi a0,mie,1"),
      I_(0x34417573, csrrci, 10, 2, N, 0x344, "csrrci a0,mip,2"),
      I_(0xfff025f3, csrrs, 11, 0, N, 0xfff, "csrrs a1,0xfff,zero: CSR number is unsigned"),
  };
  for (const Case& c : cases) check(c);
  EXPECT_EQ(decode_instruction(0x00004073).exec, insn::illegal);  // SYSTEM funct3 4
  EXPECT_EQ(decode_instruction(0x00200073).exec, insn::illegal);  // uret (no N extension)
  EXPECT_EQ(decode_instruction(0x0000200f).exec, insn::illegal);  // MISC-MEM funct3 2
}

TEST(Decode, Atomics) {
  const Case cases[] = {
      R_(0x1005a52f, lr_w, 10, 11, N, "lr.w a0,(a1)"),
      R_(0x18c5a52f, sc_w, 10, 11, 12, "sc.w a0,a2,(a1)"),
      R_(0x1605b52f, lr_d, 10, 11, N, "lr.d.aqrl a0,(a1)"),
      R_(0x18c5b52f, sc_d, 10, 11, 12, "sc.d a0,a2,(a1)"),
      R_(0x08c5a52f, amoswap_w, 10, 11, 12, "amoswap.w"),
      R_(0x00c5b52f, amoadd_d, 10, 11, 12, "amoadd.d"),
      R_(0x20c5a52f, amoxor_w, 10, 11, 12, "amoxor.w"),
      R_(0x60c5b52f, amoand_d, 10, 11, 12, "amoand.d"),
      R_(0x40c5a52f, amoor_w, 10, 11, 12, "amoor.w"),
      R_(0x80c5b52f, amomin_d, 10, 11, 12, "amomin.d"),
      R_(0xa0c5a52f, amomax_w, 10, 11, 12, "amomax.w"),
      R_(0xc0c5b52f, amominu_d, 10, 11, 12, "amominu.d"),
      R_(0xe0c5a52f, amomaxu_w, 10, 11, 12, "amomaxu.w"),
  };
  for (const Case& c : cases) check(c);
  EXPECT_EQ(decode_instruction(0x10c5a52f).exec, insn::illegal);  // lr.w with rs2 != 0
  EXPECT_EQ(decode_instruction(0x00c5952f).exec, insn::illegal);  // AMO funct3 1
}

TEST(Decode, FloatingPoint) {
  const Case cases[] = {
      I_(0xffc5a507, flw, 10, 11, N, -4, "flw fa0,-4(a1)"),
      I_(0x0085b007, fld, 0, 11, N, 8, "fld ft0,8(a1): f0 is not remapped"),
      I_(0xfea5ae27, fsw, N, 11, 10, -4, "fsw fa0,-4(a1)"),
      I_(0x7ff5bc27, fsd, N, 11, 31, 2040, "fsd ft11,2040(a1)"),
      R_(0x68c58543, fmadd_s, 10, 11, 12, "fmadd.s fa0,fa1,fa2,fa3,rne"),
      R_(0x6ac5f547, fmsub_d, 10, 11, 12, "fmsub.d fa0,fa1,fa2,fa3,dyn"),
      R_(0x68c5954b, fnmsub_s, 10, 11, 12, "fnmsub.s fa0,fa1,fa2,fa3,rtz"),
      R_(0x6ac5c54f, fnmadd_d, 10, 11, 12, "fnmadd.d fa0,fa1,fa2,fa3,rmm"),
      R_(0x00208053, fadd_s, 0, 1, 2, "fadd.s ft0,ft1,ft2,rne"),
      R_(0x0a20f053, fsub_d, 0, 1, 2, "fsub.d ft0,ft1,ft2"),
      R_(0x105231d3, fmul_s, 3, 4, 5, "fmul.s ft3,ft4,ft5,rup"),
      R_(0x1a5221d3, fdiv_d, 3, 4, 5, "fdiv.d ft3,ft4,ft5,rdn"),
      R_(0x58038353, fsqrt_s, 6, 7, N, "fsqrt.s ft6,ft7,rne"),
      R_(0x5a03f353, fsqrt_d, 6, 7, N, "fsqrt.d ft6,ft7"),
      R_(0x203100d3, fsgnj_s, 1, 2, 3, "fsgnj.s"),
      R_(0x223110d3, fsgnjn_d, 1, 2, 3, "fsgnjn.d"),
      R_(0x203120d3, fsgnjx_s, 1, 2, 3, "fsgnjx.s"),
      R_(0x2a3100d3, fmin_d, 1, 2, 3, "fmin.d"),
      R_(0x283110d3, fmax_s, 1, 2, 3, "fmax.s"),
      R_(0x401170d3, fcvt_s_d, 1, 2, N, "fcvt.s.d"),
      R_(0x420100d3, fcvt_d_s, 1, 2, N, "fcvt.d.s"),
      R_(0xa020a553, feq_s, 10, 1, 2, "feq.s a0"),
      R_(0xa2209553, flt_d, 10, 1, 2, "flt.d a0"),
      R_(0xa0208053, fle_s, kSink, 1, 2, "fle.s zero: integer rd 0 -> sink"),
      R_(0xc0009553, fcvt_w_s, 10, 1, N, "fcvt.w.s a0,ft1,rtz"),
      R_(0xc230f553, fcvt_lu_d, 10, 1, N, "fcvt.lu.d a0,ft1"),
      R_(0xd0257053, fcvt_s_l, 0, 10, N, "fcvt.s.l ft0,a0"),
      R_(0xd2100053, fcvt_d_wu, 0, 0, N, "fcvt.d.wu ft0,zero"),
      R_(0xe0008553, fmv_x_w, 10, 1, N, "fmv.x.w a0,ft1"),
      R_(0xe2009553, fclass_d, 10, 1, N, "fclass.d a0,ft1"),
      R_(0xf0050053, fmv_w_x, 0, 10, N, "fmv.w.x ft0,a0"),
      R_(0xf2000053, fmv_d_x, 0, 0, N, "fmv.d.x ft0,zero"),
  };
  for (const Case& c : cases) check(c);
  const DecodedInsn fma = decode_instruction(0x68c58543);
  EXPECT_EQ(fma.rs3, 13);
  EXPECT_EQ(fma.rm, 0);
  EXPECT_EQ(decode_instruction(0x6ac5f547).rm, 7);
  EXPECT_EQ(decode_instruction(0x6ac5c54f).rm, 4);
  EXPECT_EQ(decode_instruction(0xc0009553).rm, 1);
}

TEST(Decode, ReservedRoundingModesAreIllegal) {
  // rm field (bits 14:12) = 5 or 6 is reserved (unpriv "F", rounding modes).
  const uint32_t with_rm[] = {
      0x00208053,  // fadd.s ft0,ft1,ft2
      0x0a20f053,  // fsub.d
      0x105231d3,  // fmul.s
      0x1a5221d3,  // fdiv.d
      0x58038353,  // fsqrt.s
      0x68c58543,  // fmadd.s
      0x6ac5c54f,  // fnmadd.d
      0xc0009553,  // fcvt.w.s
      0xd0257053,  // fcvt.s.l
      0x401170d3,  // fcvt.s.d
  };
  for (uint32_t w : with_rm) {
    for (uint32_t rm : {5u, 6u}) {
      const uint32_t bits = (w & ~0x7000u) | rm << 12;
      const DecodedInsn d = decode_instruction(bits);
      EXPECT_EQ(d.exec, insn::illegal) << std::hex << bits;
      EXPECT_EQ(d.raw, bits);
    }
    // rm 7 (dynamic) is decoded; it is checked against frm at run time.
    EXPECT_NE(decode_instruction((w & ~0x7000u) | 7u << 12).exec, insn::illegal) << std::hex << w;
  }
}

TEST(Decode, AllZerosAndAllOnesAreIllegal) {
  const DecodedInsn z = decode_instruction(0x00000000);
  EXPECT_EQ(z.exec, insn::illegal);
  EXPECT_EQ(z.len, 2);  // a 16-bit parcel (c.addi4spn with nzuimm 0)
  EXPECT_EQ(z.raw, 0u);
  const DecodedInsn o = decode_instruction(0xffffffff);
  EXPECT_EQ(o.exec, insn::illegal);
  EXPECT_EQ(o.len, 4);
  EXPECT_EQ(o.raw, 0xffffffffu);
}

// Simulator marker HINTs (cpu/marker.h): exactly `slti x0, rs1, 0x520..0x52f`.
// Every neighbour stays the ordinary instruction (or HINT) it is.
TEST(Decode, MarkerHintsAreExactlySltiX0WithImm0x52x) {
  const Case markers[] = {
      I_(0x52052013, marker, kSink, 10, N, 0x520, "slti zero,a0,1312 (name)"),
      I_(0x52452013, marker, kSink, 10, N, 0x524, "slti zero,a0,1316 (sleep_until)"),
      I_(0x52fda013, marker, kSink, 27, N, 0x52f, "slti zero,s11,1327 (reserved op 15)"),
      I_(0x52102013, marker, kSink, 0, N, 0x521, "slti zero,zero,1313 (begin)"),
  };
  for (const Case& c : markers) {
    check(c);
    EXPECT_EQ(decode_instruction(c.bits).cls, InsnClass::kAlu) << c.text;
    EXPECT_TRUE(marker::is_marker(c.bits)) << c.text;
  }
  EXPECT_EQ(marker::encode(marker::kSleepUntil, 10), 0x52452013u);
  const Case neighbours[] = {
      I_(0x52452093, slti, 1, 10, N, 0x524, "slti ra,a0,1316"),
      I_(0x51f52013, slti, kSink, 10, N, 0x51f, "slti zero,a0,1311"),
      I_(0x53052013, slti, kSink, 10, N, 0x530, "slti zero,a0,1328"),
      I_(0xae052013, slti, kSink, 10, N, -0x520, "slti zero,a0,-1312"),
      I_(0x72052013, slti, kSink, 10, N, 0x720, "slti zero,a0,1824"),
      I_(0x52453013, sltiu, kSink, 10, N, 0x524, "sltiu zero,a0,1316"),
      I_(0x52450013, addi, kSink, 10, N, 0x524, "addi zero,a0,1316"),
  };
  for (const Case& c : neighbours) {
    check(c);
    EXPECT_FALSE(marker::is_marker(c.bits)) << c.text;
  }
}

TEST(Decode, RdZeroIsRemappedToSinkForIntegerDestinationsOnly) {
  EXPECT_EQ(decode_instruction(0x00000013).rd, kSink);  // addi zero,zero,0 (nop)
  EXPECT_EQ(decode_instruction(0x00001037).rd, kSink);  // lui zero,1
  EXPECT_EQ(decode_instruction(0x0000006f).rd, kSink);  // j .
  EXPECT_EQ(decode_instruction(0x00003003).rd, kSink);  // ld zero,0(zero)
  EXPECT_EQ(decode_instruction(0x30001073).rd, kSink);  // csrw mstatus,zero
  EXPECT_EQ(decode_instruction(0xe0008053).rd, kSink);  // fmv.x.w zero,ft1
  EXPECT_EQ(decode_instruction(0xc0001053).rd, kSink);  // fcvt.w.s zero,ft0,rtz
  // FP destinations: f0 is a real register.
  EXPECT_EQ(decode_instruction(0x00002007).rd, 0);  // flw ft0,0(zero)
  EXPECT_EQ(decode_instruction(0x0085b007).rd, 0);  // fld ft0,8(a1)
  EXPECT_EQ(decode_instruction(0x00208053).rd, 0);  // fadd.s ft0,ft1,ft2
  EXPECT_EQ(decode_instruction(0x00c58043).rd, 0);  // fmadd.s ft0,fa1,fa2,ft0
  EXPECT_EQ(decode_instruction(0xf2000053).rd, 0);  // fmv.d.x ft0,zero
  EXPECT_EQ(decode_instruction(0xd2100053).rd, 0);  // fcvt.d.wu ft0,zero
  EXPECT_EQ(decode_instruction(0x203100d3 & ~0xf80u).rd, 0);  // fsgnj.s ft0,ft2,ft3
  // Compressed: c.fldsp ft0 keeps 0 (fld ft0,0(sp)).
  EXPECT_EQ(decode_instruction(0x2002).rd, 0);
}

TEST(Decode, ReservedCompressedEncodingsAreIllegal) {
  const struct {
    uint16_t c;
    const char* what;
  } reserved[] = {
      {0x0000, "c.addi4spn, all zero"},
      {0x0008, "c.addi4spn a0,sp,0 (nzuimm 0)"},
      {0x6501, "c.lui a0,0 (nzimm 0)"},
      {0x6101, "c.addi16sp sp,0 (nzimm 0)"},
      {0x8002, "c.jr x0"},
      {0x4002, "c.lwsp x0"},
      {0x6002, "c.ldsp x0"},
      {0x2001, "c.addiw x0"},
      {0x8000, "quadrant 0 funct3 4"},
      {0x9c41, "reserved C.SUBW/C.ADDW slot (funct2 2)"},
      {0x9c61, "reserved C.SUBW/C.ADDW slot (funct2 3)"},
  };
  for (const auto& r : reserved) {
    SCOPED_TRACE(r.what);
    EXPECT_EQ(expand_compressed(r.c), 0u) << std::hex << r.c;
    const DecodedInsn d = decode_instruction(r.c);
    EXPECT_EQ(d.exec, insn::illegal);
    EXPECT_EQ(d.len, 2);
    EXPECT_EQ(d.raw, r.c);
  }
}

TEST(Decode, CompressedExpansionsMatch32BitForms) {
  const struct {
    uint16_t c;
    uint32_t w;
    const char* what;
  } pairs[] = {
      {0x1fe8, 0x3fc10513, "c.addi4spn a0,sp,1020 / addi a0,sp,1020"},
      {0x3de8, 0x0f85b507, "c.fld fa0,248(a1)"},
      {0x5de8, 0x07c5a503, "c.lw a0,124(a1)"},
      {0x7ce0, 0x0f84b403, "c.ld s0,248(s1)"},
      {0xa588, 0x00a5b427, "c.fsd fa0,8(a1)"},
      {0xc1a8, 0x04a5a023, "c.sw a0,64(a1)"},
      {0xe0c0, 0x0884b023, "c.sd s0,128(s1)"},
      {0x0001, 0x00000013, "c.nop"},
      {0x1501, 0xfe050513, "c.addi a0,-32"},
      {0x257d, 0x01f5051b, "c.addiw a0,31"},
      {0x5501, 0xfe000513, "c.li a0,-32"},
      {0x7501, 0xfffe0537, "c.lui a0,0xfffe0"},
      {0x6485, 0x000014b7, "c.lui s1,1"},
      {0x7101, 0xe0010113, "c.addi16sp sp,-512"},
      {0x617d, 0x1f010113, "c.addi16sp sp,496"},
      {0x907d, 0x03f45413, "c.srli s0,63"},
      {0x8785, 0x4017d793, "c.srai a5,1"},
      {0x997d, 0xfff57513, "c.andi a0,-1"},
      {0x8d0d, 0x40b50533, "c.sub a0,a1"},
      {0x8d2d, 0x00b54533, "c.xor a0,a1"},
      {0x8d4d, 0x00b56533, "c.or a0,a1"},
      {0x8d6d, 0x00b57533, "c.and a0,a1"},
      {0x9d0d, 0x40b5053b, "c.subw a0,a1"},
      {0x9d2d, 0x00b5053b, "c.addw a0,a1"},
      {0xd001, b(0, 8, 0, -256), "c.beqz s0,.-256"},
      {0xeff5, b(1, 15, 0, 252), "c.bnez a5,.+252"},
      {0xb001, j(0, -2048), "c.j .-2048"},
      {0x157e, 0x03f51513, "c.slli a0,63"},
      {0x357e, 0x1f813507, "c.fldsp fa0,504(sp)"},
      {0x557e, 0x0fc12503, "c.lwsp a0,252(sp)"},
      {0x74fe, 0x1f813483, "c.ldsp s1,504(sp)"},
      {0x8082, 0x00008067, "c.jr ra"},
      {0x852e, 0x00b00533, "c.mv a0,a1"},
      {0x9002, 0x00100073, "c.ebreak"},
      {0x9502, 0x000500e7, "c.jalr a0"},
      {0x952e, 0x00b50533, "c.add a0,a1"},
      {0xbfaa, 0x1ea13c27, "c.fsdsp fa0,504(sp)"},
      {0xdfaa, 0x0ea12e23, "c.swsp a0,252(sp)"},
      {0xffa6, 0x1e913c23, "c.sdsp s1,504(sp)"},
  };
  for (const auto& p : pairs) {
    SCOPED_TRACE(p.what);
    EXPECT_EQ(expand_compressed(p.c), p.w) << std::hex << p.c;
    const DecodedInsn dc = decode_instruction(p.c);
    const DecodedInsn dw = decode_instruction(p.w);
    EXPECT_NE(dc.exec, insn::illegal);
    EXPECT_EQ(dc.exec, dw.exec);
    EXPECT_EQ(dc.rd, dw.rd);
    EXPECT_EQ(dc.rs1, dw.rs1);
    EXPECT_EQ(dc.rs2, dw.rs2);
    EXPECT_EQ(dc.imm, dw.imm);
    EXPECT_EQ(dc.cls, dw.cls);
    EXPECT_EQ(dc.len, 2);
    EXPECT_EQ(dc.raw, p.c);
    EXPECT_EQ(dw.len, 4);
  }
}

// The test encoder (hart_test_util.h) against the assembler.
TEST(Decode, TestEncoderMatchesAssembler) {
  using namespace test;
  EXPECT_EQ(enc::b(0, a0, a1, -4096), 0x80b50063u);
  EXPECT_EQ(enc::b(4, a0, a1, -2), 0xfeb54fe3u);
  EXPECT_EQ(enc::jal(ra, 0x7fe), 0x7fe000efu);
  EXPECT_EQ(enc::jal(zero, -0xffff0), 0x8100006fu);
  EXPECT_EQ(enc::jalr(a1, a2, -1), 0xfff605e7u);
  EXPECT_EQ(enc::lui(a0, 0xfffff), 0xfffff537u);
  EXPECT_EQ(enc::auipc(t1, 0x12345), 0x12345317u);
  EXPECT_EQ(enc::lb(a0, sp, -1), 0xfff10503u);
  EXPECT_EQ(enc::ld(s1, a0, 8), 0x00853483u);
  EXPECT_EQ(enc::sb(a0, sp, -1), 0xfea10fa3u);
  EXPECT_EQ(enc::sw(a2, sp, -2048), 0x80c12023u);
  EXPECT_EQ(enc::sd(s1, a0, -8), 0xfe953c23u);
  EXPECT_EQ(enc::addi(a0, a1, -1), 0xfff58513u);
  EXPECT_EQ(enc::slli(a0, a1, 63), 0x03f59513u);
  EXPECT_EQ(enc::add(a0, a1, a2), 0x00c58533u);
  EXPECT_EQ(enc::csrrw(a0, 0x300, a1), 0x30059573u);
  EXPECT_EQ(enc::csrrs(a0, 0x7c0, a1), 0x7c05a573u);
  EXPECT_EQ(enc::csrrc(a0, 0x100, a1), 0x1005b573u);
  EXPECT_EQ(enc::csrrwi(a0, 0x340, 31), 0x340fd573u);
  EXPECT_EQ(enc::csrrsi(a0, 0x304, 1), 0x3040e573u);
  EXPECT_EQ(enc::csrrci(a0, 0x344, 2), 0x34417573u);
  EXPECT_EQ(enc::sfence_vma(a0, a1), 0x12b50073u);
  EXPECT_EQ(enc::lr_w(a0, a1), 0x1005a52fu);
  EXPECT_EQ(enc::sc_w(a0, a2, a1), 0x18c5a52fu);
  EXPECT_EQ(enc::sc_d(a0, a2, a1), 0x18c5b52fu);
  EXPECT_EQ(enc::amoadd_d(a0, a2, a1), 0x00c5b52fu);
  EXPECT_EQ(enc::fence_i(), 0x0000100fu);
}

}  // namespace
}  // namespace rvh
