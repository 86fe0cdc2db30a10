/* compressed: a mix of RVC instructions written explicitly (ALU, loads/
 * stores incl. stack-relative and FP, branches/jumps, c.addi16sp/
 * c.addi4spn), checks their size is 2 bytes, a 32-bit instruction at a
 * 2-mod-4 address (also as a jump target), c.ebreak (skip length 2) and
 * the all-zeros 16-bit instruction -> illegal instruction (mtval must be
 * 0 or the instruction bits, which are 0). */
#include "rvh.h"

static void test_alu(void)
{
  register uint64_t a0 __asm__("a0"), a1 __asm__("a1"), a2 __asm__("a2"),
      a3 __asm__("a3"), a4 __asm__("a4"), a5 __asm__("a5");
  uint64_t size;
  __asm__ volatile(
      ".option push\n .option rvc\n .option norelax\n"
      "1:\n"
      "c.li a0, -5\n"
      "c.addi a0, 3\n"       /* -2 */
      "c.addiw a0, 1\n"      /* -1 */
      "c.slli a0, 60\n"      /* 0xf000000000000000 */
      "c.srai a0, 4\n"       /* 0xff00000000000000 */
      "c.srli a0, 56\n"      /* 0xff */
      "c.andi a0, 15\n"      /* 0xf */
      "c.li a1, 7\n"
      "c.add a0, a1\n"       /* 22 */
      "c.mv a2, a0\n"
      "c.sub a2, a1\n"       /* 15 */
      "c.xor a2, a1\n"       /* 8 */
      "c.or a2, a1\n"        /* 15 */
      "c.and a2, a0\n"       /* 6 */
      "c.lui a3, 0x1f\n"     /* 0x1f000 */
      "c.lui a4, 0xfffe0\n"  /* -32 << 12 */
      "c.li a5, -1\n"
      "c.srli a5, 33\n"      /* 0x7fffffff */
      "c.addw a5, a1\n"      /* 0x80000006 sign-extended */
      "c.subw a1, a2\n"      /* 1 */
      "c.nop\n"
      "2:\n"
      "la %[size], 2b\n"
      "la t0, 1b\n"
      "sub %[size], %[size], t0\n"
      ".option pop\n"
      : "=&r"(a0), "=&r"(a1), "=&r"(a2), "=&r"(a3), "=&r"(a4), "=&r"(a5),
        [size] "=&r"(size)
      :
      : "t0", "memory");
  /* copy out of the register variables before any call */
  volatile uint64_t r[6] = {a0, a1, a2, a3, a4, a5};
  CHECK_EQ(r[0], 22);
  CHECK_EQ(r[1], 1);
  CHECK_EQ(r[2], 6);
  CHECK_EQ(r[3], 0x1f000);
  CHECK_EQ(r[4], 0xfffffffffffe0000ULL);
  CHECK_EQ(r[5], 0xffffffff80000006ULL);
  CHECK_EQ(size, 21 * 2);
}

static void test_mem(void)
{
  static volatile uint64_t buf[4] __attribute__((aligned(8)));
  register uint64_t a1 __asm__("a1"), a2 __asm__("a2"), a3 __asm__("a3"),
      a4 __asm__("a4"), a5 __asm__("a5");
  uint64_t size;
  buf[0] = 0x1122334455667788ULL;
  buf[1] = 0;
  buf[2] = 0;
  buf[3] = 0x400c000000000000ULL; /* 3.5 */
  __asm__ volatile(
      ".option push\n .option rvc\n .option norelax\n"
      "mv a0, %[buf]\n"
      "1:\n"
      "c.ld a1, 0(a0)\n"
      "c.lw a2, 4(a0)\n"       /* 0x11223344 */
      "c.sd a1, 8(a0)\n"
      "c.sw a2, 16(a0)\n"
      "c.fld fa0, 24(a0)\n"
      "c.fsd fa0, 16(a0)\n"    /* overwrites buf[2] */
      "c.addi16sp sp, -64\n"
      "c.sdsp a1, 8(sp)\n"
      "c.ldsp a3, 8(sp)\n"
      "c.swsp a2, 16(sp)\n"
      "c.addi4spn a4, sp, 16\n"
      "c.lw a5, 0(a4)\n"
      "c.lwsp a4, 12(sp)\n"    /* upper half of a1 */
      "c.fsdsp fa0, 24(sp)\n"
      "c.fldsp fa1, 24(sp)\n"
      "c.addi16sp sp, 64\n"
      "2:\n"
      "la %[size], 2b\n"
      "la t0, 1b\n"
      "sub %[size], %[size], t0\n"
      "fmv.x.d a0, fa1\n"
      "sd a0, 8(%[buf])\n"
      ".option pop\n"
      : "=&r"(a1), "=&r"(a2), "=&r"(a3), "=&r"(a4), "=&r"(a5), [size] "=&r"(size)
      : [buf] "r"(buf)
      : "a0", "t0", "fa0", "fa1", "memory");
  volatile uint64_t r[5] = {a1, a2, a3, a4, a5};
  CHECK_EQ(r[0], 0x1122334455667788ULL);
  CHECK_EQ(r[1], 0x11223344ULL);
  CHECK_EQ(r[2], 0x1122334455667788ULL);
  CHECK_EQ(r[3], 0x11223344ULL);
  CHECK_EQ(r[4], 0x11223344ULL);
  CHECK_EQ(buf[2], 0x400c000000000000ULL);
  CHECK_EQ(buf[1], 0x400c000000000000ULL);
  CHECK_EQ(size, 16 * 2);
}

static void test_control(void)
{
  uint64_t r, t;
  __asm__ volatile(
      ".option push\n .option rvc\n .option norelax\n"
      "c.li %[r], 0\n"
      "c.li a0, 3\n"
      "1:\n"                       /* loop 3 times with c.bnez */
      "c.addi %[r], 1\n"
      "c.addi a0, -1\n"
      "c.bnez a0, 1b\n"
      "c.beqz a0, 2f\n"            /* taken */
      "c.li %[r], 0\n"
      "2:\n"
      "c.j 3f\n"
      "c.li %[r], 0\n"
      "3:\n"
      "la a1, 4f\n"
      "c.jr a1\n"
      "c.li %[r], 0\n"
      "4:\n"
      "la a1, 5f\n"
      "c.jalr a1\n"                /* ra = 6f */
      "6:\n"
      "j 7f\n"
      "5:\n"
      "c.addi %[r], 10\n"
      "la %[t], 6b\n"
      "sub %[t], ra, %[t]\n"       /* 0 if ra pointed at 6 */
      "c.jr ra\n"
      "7:\n"
      ".option pop\n"
      : [r] "=&r"(r), [t] "=&r"(t)
      :
      : "a0", "a1", "ra", "memory");
  CHECK_EQ(r, 13);
  CHECK_EQ(t, 0);
}

/* 32-bit instructions at 2 mod 4, sequential and as a jump target.
 * Offsets (function 4-byte aligned): c.li @0, addi @2, addi @6, c.j @10,
 * c.nop @12 (skipped), addi @14 (jump target), ret @18. */
uint64_t c_align_fn(void);
__asm__(".pushsection .text.c_align_fn, \"ax\", @progbits\n"
        ".balign 4\n"
        ".globl c_align_fn\n"
        "c_align_fn:\n"
        ".option push\n .option norelax\n .option rvc\n"
        "c.li a0, 0\n"
        ".option norvc\n"
        "addi a0, a0, 1\n"
        "addi a0, a0, 1\n"
        ".option rvc\n"
        "c.j 1f\n"
        "c.addi a0, 7\n"
        "1:\n"
        ".option norvc\n"
        "addi a0, a0, 100\n"
        "ret\n"
        ".option pop\n"
        ".popsection\n");

static void test_alignment(void)
{
  CHECK_EQ((uintptr_t)c_align_fn & 3, 0);
  CHECK_EQ(*(volatile uint32_t *)((uintptr_t)c_align_fn + 14), 0x06450513u); /* addi a0,a0,100 */
  CHECK_EQ(c_align_fn(), 102);
}

static void test_traps(void)
{
  uint64_t pc;
  /* c.ebreak: cause 3, skipped with length 2 */
  rvh_trap_arm();
  __asm__ volatile(".option push\n .option rvc\n"
                   "1: c.ebreak\n"
                   ".option pop\n"
                   "la %0, 1b" : "=r"(pc) : : "memory");
  rvh_trap_disarm();
  CHECK_EQ(rvh_trap.count, 1);
  CHECK_EQ(rvh_trap.cause, CAUSE_BREAKPOINT);
  CHECK_EQ(rvh_trap.epc, pc);
  CHECK_EQ(rvh_trap.insn_len, 2);

  /* all-zeros 16-bit instruction is defined illegal */
  rvh_trap_arm();
  __asm__ volatile("1: .2byte 0\n"
                   "la %0, 1b" : "=r"(pc) : : "memory");
  rvh_trap_disarm();
  CHECK_EQ(rvh_trap.count, 1);
  CHECK_EQ(rvh_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
  CHECK_EQ(rvh_trap.epc, pc);
  CHECK_EQ(rvh_trap.tval, 0); /* 0 either way: "no value" or the bits */
  CHECK_EQ(rvh_trap.insn_len, 2);

  /* reserved encodings (c.addi4spn with nzuimm = 0, c.lui with 0,
   * c.addi16sp with 0): behaviour is not mandated, only reported */
  static const struct { uint16_t bits; const char *name; } rsv[] = {
      {0x0004, "c.addi4spn a1, sp, 0"},
      {0x6501, "c.lui a0, 0"},
      {0x6101, "c.addi16sp sp, 0"},
  };
  for (unsigned i = 0; i < sizeof rsv / sizeof rsv[0]; i++) {
    static volatile uint16_t code[4] __attribute__((aligned(4)));
    code[0] = rsv[i].bits;
    code[1] = 0x8082; /* c.ret */
    __asm__ volatile("fence.i" ::: "memory");
    rvh_trap_arm();
    __asm__ volatile("mv t0, sp\n jalr %0\n mv sp, t0" : : "r"(code)
                     : "ra", "t0", "a0", "a1", "memory");
    rvh_trap_disarm();
    if (rvh_trap.count)
      INFO("reserved %s (0x%04x): cause %lu, mtval 0x%lx", rsv[i].name,
           rsv[i].bits, rvh_trap.cause, rvh_trap.tval);
    else
      INFO("reserved %s (0x%04x): executed without trap", rsv[i].name, rsv[i].bits);
  }
}

int main(void)
{
  test_alu();
  test_mem();
  test_control();
  test_alignment();
  test_traps();
  rvh_test_done("compressed");
}
