/* rv64im: RV64I arithmetic, shifts, W-forms, compares; M-extension
 * multiply-high variants and the DIV/REM corner cases (by zero, overflow),
 * whose results the spec fixes (no trap). */
#include "rvh.h"

#define OP_RR(insn, a, b) ({ uint64_t r__; \
    __asm__ volatile(insn " %0, %1, %2" : "=r"(r__) : "r"((uint64_t)(a)), "r"((uint64_t)(b))); r__; })
#define OP_RI(insn, a, imm) ({ uint64_t r__; \
    __asm__ volatile(insn " %0, %1, %2" : "=r"(r__) : "r"((uint64_t)(a)), "i"(imm)); r__; })

#define I64MIN 0x8000000000000000ULL
#define ALL1   0xffffffffffffffffULL

static void test_base(void)
{
  CHECK_EQ(OP_RR("add", 0x7fffffffffffffffULL, 1), I64MIN);
  CHECK_EQ(OP_RR("sub", 0, 1), ALL1);
  CHECK_EQ(OP_RI("addi", 5, -6), ALL1);
  CHECK_EQ(OP_RR("and", 0xff00ff00ff00ff00ULL, 0x0ff00ff00ff00ff0ULL), 0x0f000f000f000f00ULL);
  CHECK_EQ(OP_RR("or", 0xff00ULL, 0x00ffULL), 0xffffULL);
  CHECK_EQ(OP_RR("xor", ALL1, 0x1234ULL), ~0x1234ULL);
  CHECK_EQ(OP_RI("xori", 0x1234ULL, -1), ~0x1234ULL);
  CHECK_EQ(OP_RI("andi", ALL1, -2048), 0xfffffffffffff800ULL);
  CHECK_EQ(OP_RI("ori", 0, 0x7ff), 0x7ffULL);
  CHECK_EQ(OP_RR("slt", -1, 0), 1);
  CHECK_EQ(OP_RR("sltu", -1, 0), 0);
  CHECK_EQ(OP_RI("slti", I64MIN, 0), 1);
  CHECK_EQ(OP_RI("sltiu", 5, -1), 1); /* imm sign-extended, compared unsigned */
  /* shifts: only low 6 bits of rs2 are used */
  CHECK_EQ(OP_RR("sll", 1, 63), I64MIN);
  CHECK_EQ(OP_RR("sll", 1, 64 + 3), 8);
  CHECK_EQ(OP_RR("srl", I64MIN, 63), 1);
  CHECK_EQ(OP_RR("sra", I64MIN, 63), ALL1);
  CHECK_EQ(OP_RR("sra", I64MIN, 64 + 4), 0xf800000000000000ULL);
  CHECK_EQ(OP_RI("srai", 0x8000000000000010ULL, 4), 0xf800000000000001ULL);
  CHECK_EQ(OP_RI("srli", 0x8000000000000010ULL, 4), 0x0800000000000001ULL);
  CHECK_EQ(OP_RI("slli", 3, 62), 0xc000000000000000ULL);
  /* lui / auipc sign extension on RV64 */
  uint64_t r;
  __asm__ volatile("lui %0, 0x80000" : "=r"(r));
  CHECK_EQ(r, 0xffffffff80000000ULL);
  __asm__ volatile("lui %0, 0x7ffff" : "=r"(r));
  CHECK_EQ(r, 0x7ffff000ULL);
  uint64_t pc1, pc2;
  __asm__ volatile("1: auipc %0, 0\n la %1, 1b" : "=r"(pc1), "=r"(pc2));
  CHECK_EQ(pc1, pc2);
}

static void test_w_forms(void)
{
  CHECK_EQ(OP_RR("addw", 0x7fffffff, 1), 0xffffffff80000000ULL);
  CHECK_EQ(OP_RR("addw", 0xffffffff00000001ULL, 0x0000000100000001ULL), 2);
  CHECK_EQ(OP_RR("subw", 0, 1), ALL1);
  CHECK_EQ(OP_RR("subw", 0x80000000ULL, 1), 0x7fffffffULL);
  CHECK_EQ(OP_RI("addiw", 0x7fffffffULL, 1), 0xffffffff80000000ULL);
  CHECK_EQ(OP_RI("addiw", 0x123456789ULL, 0), 0x23456789ULL); /* sext.w */
  CHECK_EQ(OP_RR("sllw", 1, 31), 0xffffffff80000000ULL);
  CHECK_EQ(OP_RR("sllw", 1, 32 + 1), 2); /* low 5 bits */
  CHECK_EQ(OP_RR("srlw", 0xffffffff80000000ULL, 31), 1);
  CHECK_EQ(OP_RR("srlw", 0x80000000ULL, 0), 0xffffffff80000000ULL);
  CHECK_EQ(OP_RR("sraw", 0x80000000ULL, 31), ALL1);
  CHECK_EQ(OP_RI("sraiw", 0x80000010ULL, 4), 0xfffffffff8000001ULL);
  CHECK_EQ(OP_RI("srliw", 0x80000010ULL, 4), 0x08000001ULL);
  CHECK_EQ(OP_RI("slliw", 0xffffffffULL, 31), 0xffffffff80000000ULL);
  CHECK_EQ(OP_RI("srliw", 0xffffffff00000000ULL, 0), 0);
}

static void test_mul(void)
{
  CHECK_EQ(OP_RR("mul", 0x100000001ULL, 0x100000001ULL), 0x0000000200000001ULL);
  CHECK_EQ(OP_RR("mul", -3, 7), (uint64_t)-21);
  CHECK_EQ(OP_RR("mulh", ALL1, ALL1), 0);            /* (-1)*(-1) = 1 */
  CHECK_EQ(OP_RR("mulhu", ALL1, ALL1), 0xfffffffffffffffeULL);
  CHECK_EQ(OP_RR("mulhsu", ALL1, ALL1), ALL1);       /* -1 * (2^64-1) */
  CHECK_EQ(OP_RR("mulh", I64MIN, I64MIN), 0x4000000000000000ULL);
  CHECK_EQ(OP_RR("mulhu", I64MIN, 2), 1);
  CHECK_EQ(OP_RR("mulhsu", I64MIN, ALL1), 0x8000000000000000ULL);
  CHECK_EQ(OP_RR("mulhsu", 2, ALL1), 1);
  CHECK_EQ(OP_RR("mulh", 0x7fffffffffffffffULL, -2), ALL1);
  CHECK_EQ(OP_RR("mulw", 0x10000ULL, 0x10000ULL), 0);
  CHECK_EQ(OP_RR("mulw", 0x7fffffffULL, 2), 0xfffffffffffffffeULL);
  CHECK_EQ(OP_RR("mulw", 0xffffffff00000003ULL, 5), 15);
}

static void test_div(void)
{
  /* division by zero: quotient all ones, remainder = dividend */
  CHECK_EQ(OP_RR("div", 1234, 0), ALL1);
  CHECK_EQ(OP_RR("divu", 1234, 0), ALL1);
  CHECK_EQ(OP_RR("rem", -1234, 0), (uint64_t)-1234);
  CHECK_EQ(OP_RR("remu", 1234, 0), 1234);
  CHECK_EQ(OP_RR("divw", 1234, 0x100000000ULL), ALL1); /* low word of rs2 = 0 */
  CHECK_EQ(OP_RR("divuw", 1234, 0), ALL1);
  CHECK_EQ(OP_RR("remw", 0x80001234ULL, 0), 0xffffffff80001234ULL);
  CHECK_EQ(OP_RR("remuw", 0x80001234ULL, 0), 0xffffffff80001234ULL);
  /* signed overflow: quotient = dividend, remainder = 0 */
  CHECK_EQ(OP_RR("div", I64MIN, -1), I64MIN);
  CHECK_EQ(OP_RR("rem", I64MIN, -1), 0);
  CHECK_EQ(OP_RR("divw", 0x80000000ULL, -1), 0xffffffff80000000ULL);
  CHECK_EQ(OP_RR("remw", 0x80000000ULL, -1), 0);
  /* rounding toward zero, remainder sign follows dividend */
  CHECK_EQ(OP_RR("div", -7, 2), (uint64_t)-3);
  CHECK_EQ(OP_RR("rem", -7, 2), (uint64_t)-1);
  CHECK_EQ(OP_RR("div", 7, -2), (uint64_t)-3);
  CHECK_EQ(OP_RR("rem", 7, -2), 1);
  CHECK_EQ(OP_RR("divu", ALL1, 2), 0x7fffffffffffffffULL);
  CHECK_EQ(OP_RR("remu", ALL1, 10), 5);
  CHECK_EQ(OP_RR("divuw", 0xfffffffeULL, 2), 0x7fffffffULL);
  CHECK_EQ(OP_RR("divuw", 0xffffffffULL, 1), ALL1); /* result sign-extended */
  CHECK_EQ(OP_RR("remuw", 0xffffffffULL, 0x10ULL), 0xf);
  CHECK_EQ(OP_RR("divw", -7, 2), (uint64_t)-3);
  CHECK_EQ(OP_RR("remw", -7, 2), (uint64_t)-1);
}

static void test_mem(void)
{
  static volatile uint64_t buf[2];
  buf[0] = 0x8182838485868788ULL;
  uint64_t r;
  __asm__ volatile("lb %0, 0(%1)" : "=r"(r) : "r"(buf) : "memory");
  CHECK_EQ(r, 0xffffffffffffff88ULL);
  __asm__ volatile("lbu %0, 0(%1)" : "=r"(r) : "r"(buf) : "memory");
  CHECK_EQ(r, 0x88);
  __asm__ volatile("lh %0, 2(%1)" : "=r"(r) : "r"(buf) : "memory");
  CHECK_EQ(r, 0xffffffffffff8586ULL);
  __asm__ volatile("lhu %0, 2(%1)" : "=r"(r) : "r"(buf) : "memory");
  CHECK_EQ(r, 0x8586);
  __asm__ volatile("lw %0, 4(%1)" : "=r"(r) : "r"(buf) : "memory");
  CHECK_EQ(r, 0xffffffff81828384ULL);
  __asm__ volatile("lwu %0, 4(%1)" : "=r"(r) : "r"(buf) : "memory");
  CHECK_EQ(r, 0x81828384ULL);
  __asm__ volatile("sb %1, 1(%0)\n sh %1, 2(%0)\n sw %1, 4(%0)" : : "r"(buf), "r"(0x11223344aabbccddULL) : "memory");
  CHECK_EQ(buf[0], 0xaabbccddccdddd88ULL);
  /* x0 stays zero */
  __asm__ volatile("li x0, 5\n mv %0, x0" : "=r"(r));
  CHECK_EQ(r, 0);
}

int main(void)
{
  test_base();
  test_w_forms();
  test_mul();
  test_div();
  test_mem();
  rvh_test_done("rv64im");
}
