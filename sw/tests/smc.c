/* smc: self-modifying code. Code written to memory and made visible with
 * FENCE.I (Zifencei) runs as written, every time: the same address
 * rewritten with another immediate, a middle instruction of a straight
 * line rewritten, 32-bit and 16-bit instructions exchanged at one address
 * (so the instruction boundaries move), and code in the page that is
 * running. rvh-vp caches decoded blocks of straight-line code
 * (docs/cpu.md, "Block cache"); this is what keeps them honest. */
#include "rvh.h"

#define RET 0x00008067u     /* jalr x0, 0(ra) */
#define C_JR_RA 0x8082u     /* c.jr ra */

/* addi rd, rs1, imm (imm in -2048..2047) */
static uint32_t addi(unsigned rd, unsigned rs1, int imm)
{
  return ((uint32_t)imm << 20) | (rs1 << 15) | (rd << 7) | 0x13u;
}
/* c.li rd, imm (imm in -32..31) */
static uint16_t c_li(unsigned rd, int imm)
{
  return (uint16_t)(0x4001u | (((unsigned)imm >> 5) & 1u) << 12 | rd << 7 | ((unsigned)imm & 0x1fu) << 2);
}

static volatile uint32_t code[64] __attribute__((aligned(64)));

typedef uint64_t (*fn_t)(void);

static uint64_t call_code(void)
{
  __asm__ volatile("fence.i" ::: "memory");
  return ((fn_t)(uintptr_t)code)();
}

/* The same two instructions, rewritten 1000 times with a new immediate. */
static void test_same_address(void)
{
  unsigned bad = 0;
  for (int k = 0; k < 1000; k++) {
    code[0] = addi(10, 0, k);
    code[1] = RET;
    if (call_code() != (uint64_t)k) bad++;
  }
  CHECK_EQ(bad, 0);
}

/* a0 = 1 + 2 + ... + 8, then the fifth addi rewritten: the sum follows. */
static void test_middle_of_line(void)
{
  code[0] = addi(10, 0, 0);
  for (int i = 1; i <= 8; i++) code[i] = addi(10, 10, i);
  code[9] = RET;
  CHECK_EQ(call_code(), 36);
  CHECK_EQ(call_code(), 36);
  code[5] = addi(10, 10, 100);  /* was + 5 */
  CHECK_EQ(call_code(), 131);
  code[5] = addi(10, 10, -5);
  CHECK_EQ(call_code(), 26);
}

/* One address holding a 32-bit addi, then two 16-bit instructions, then
 * the 32-bit form again: the decoded line changes length and shape. */
static void test_length_changes(void)
{
  volatile uint16_t *half = (volatile uint16_t *)code;
  for (int k = -20; k <= 20; k++) {
    code[0] = addi(10, 0, 1000 + k);
    code[1] = RET;
    CHECK_EQ(call_code(), (uint64_t)(1000 + k));
    half[0] = c_li(10, k);
    half[1] = C_JR_RA;
    CHECK_EQ(call_code(), (uint64_t)(int64_t)k);
  }
}

/* Code rewritten in the page that is running: a function in .text of this
 * program is not writable here, so the buffer plays both roles: its first
 * part stores into its own later part, fences, and jumps there. */
static void test_same_page(void)
{
  /* code[0..]: sw a1, 28(a0); fence.i; jal x0, +20 (to code[7]);
   * code[7]: placeholder overwritten with a1 = "addi a0, x0, 77";
   * code[8]: ret */
  code[0] = 11u << 20 | 10u << 15 | 2u << 12 | 28u << 7 | 0x23u; /* sw a1, 28(a0) */
  code[1] = 0x0000100fu;                                          /* fence.i */
  code[2] = 0x0140006fu;                                          /* jal x0, +20 */
  for (int i = 3; i < 8; i++) code[i] = addi(10, 0, 1);
  code[8] = RET;
  for (int k = 70; k < 80; k++) {
    code[7] = addi(10, 0, 1);  /* stale value the store replaces */
    __asm__ volatile("fence.i" ::: "memory");
    uint64_t r;
    register uint64_t a0 __asm__("a0") = (uintptr_t)code;
    register uint64_t a1 __asm__("a1") = addi(10, 0, k);
    __asm__ volatile("jalr ra, 0(%1)\n mv %0, a0"
                     : "=r"(r), "+r"(a0), "+r"(a1) : : "ra", "memory");
    CHECK_EQ(r, (uint64_t)k);
  }
}

int main(void)
{
  test_same_address();
  test_middle_of_line();
  test_length_changes();
  test_same_page();
  rvh_test_done("smc");
}
