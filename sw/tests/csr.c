/* csr: CSR access rules. Unimplemented CSR -> illegal instruction with
 * mtval = instruction bits; writes to read-only CSRs are illegal while
 * csrrs/csrrc with rs1=x0 and csrrsi/csrrci with uimm=0 are plain reads;
 * S-mode access to M CSRs and U-mode access to S CSRs are illegal; counter
 * access from S/U gated by mcounteren/scounteren; sstatus is a restricted
 * view of mstatus; misa, mstatus.SXL/UXL, MPP WARL, medeleg[11], mhartid. */
#include "rvh.h"

/* Run one instruction (given as its 32-bit encoding) that reads into a0. */
#define INSN(bits) __asm__ volatile(".4byte " RVH_STR(bits) ::: "a0", "memory")
#define EXPECT_ILLEGAL(bits) \
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, (bits), INSN(bits))

/* encodings (rd = a0 = x10, rs1 = a1 = x11) */
#define CSRR(csr)      (((csr##U) << 20) | (2 << 12) | (10 << 7) | 0x73)   /* csrrs a0, csr, x0 */
#define CSRW(csr)      (((csr##U) << 20) | (11 << 15) | (1 << 12) | 0x73)  /* csrrw x0, csr, a1 */
#define CSRRSI0(csr)   (((csr##U) << 20) | (6 << 12) | (10 << 7) | 0x73)   /* csrrsi a0, csr, 0 */
#define CSRRCI0(csr)   (((csr##U) << 20) | (7 << 12) | (10 << 7) | 0x73)   /* csrrci a0, csr, 0 */
#define CSRRWI1(csr)   (((csr##U) << 20) | (1 << 15) | (5 << 12) | 0x73)   /* csrrwi x0, csr, 1 */

#define I_CSRR_7C0   CSRR(0x7c0)
#define I_CSRR_5C0   CSRR(0x5c0)
#define I_CSRR_FC0   CSRR(0xfc0)
#define I_CSRR_8FF   CSRR(0x8ff)
#define I_CSRW_MVENDORID CSRW(0xf11)
#define I_CSRW_MHARTID   CSRW(0xf14)
#define I_CSRW_CYCLE     CSRW(0xc00)
#define I_CSRWI_INSTRET  CSRRWI1(0xc02)
#define I_CSRRSI0_CYCLE  CSRRSI0(0xc00)
#define I_CSRRCI0_MIMPID CSRRCI0(0xf13)
#define I_CSRR_MHARTID   CSRR(0xf14)
#define I_CSRR_MSTATUS   CSRR(0x300)
#define I_CSRR_MSCRATCH  CSRR(0x340)
#define I_CSRR_MEPC      CSRR(0x341)
#define I_CSRR_MTVEC     CSRR(0x305)
#define I_CSRR_SSTATUS   CSRR(0x100)
#define I_CSRR_SSCRATCH  CSRR(0x140)
#define I_CSRR_SATP      CSRR(0x180)
#define I_CSRR_STVEC     CSRR(0x105)
#define I_CSRR_CYCLE     CSRR(0xc00)
#define I_CSRR_TIME      CSRR(0xc01)
#define I_CSRR_INSTRET   CSRR(0xc02)

static void test_unimplemented_and_readonly(void)
{
  EXPECT_ILLEGAL(I_CSRR_7C0);
  EXPECT_ILLEGAL(I_CSRR_5C0);
  EXPECT_ILLEGAL(I_CSRR_FC0);
  EXPECT_ILLEGAL(I_CSRR_8FF);
  CHECK_EQ(rvh_trap.insn_len, 4);
  /* writes to read-only CSRs */
  EXPECT_ILLEGAL(I_CSRW_MVENDORID);
  EXPECT_ILLEGAL(I_CSRW_MHARTID);
  EXPECT_ILLEGAL(I_CSRW_CYCLE);
  EXPECT_ILLEGAL(I_CSRWI_INSTRET);
  /* reads that do not write: no trap */
  EXPECT_NO_TRAP(INSN(I_CSRR_MHARTID));
  EXPECT_NO_TRAP(INSN(I_CSRRSI0_CYCLE));
  EXPECT_NO_TRAP(INSN(I_CSRRCI0_MIMPID));
  /* csrrs with rs1 != x0 holding zero on a read-only CSR: the spec's
   * table says it writes; only reported */
  rvh_trap_arm();
  __asm__ volatile("li a1, 0\n csrrs a0, mvendorid, a1" ::: "a0", "a1", "memory");
  rvh_trap_disarm();
  INFO("csrrs a0, mvendorid, a1(=0): %s", rvh_trap.count ? "illegal instruction" : "no trap");
}

static uint64_t s_access(uint64_t unused)
{
  EXPECT_ILLEGAL(I_CSRR_MSTATUS);
  EXPECT_ILLEGAL(I_CSRR_MSCRATCH);
  EXPECT_ILLEGAL(I_CSRR_MEPC);
  EXPECT_ILLEGAL(I_CSRR_MTVEC);
  EXPECT_ILLEGAL(I_CSRR_MHARTID);
  EXPECT_NO_TRAP(INSN(I_CSRR_SSTATUS));
  EXPECT_NO_TRAP(INSN(I_CSRR_SSCRATCH));
  EXPECT_NO_TRAP(INSN(I_CSRR_SATP));
  EXPECT_NO_TRAP(INSN(I_CSRR_STVEC));
  /* sstatus write from S is visible in mstatus (checked by the caller) */
  csr_set(sstatus, MSTATUS_SUM);
  return rvh_trap.level;
}

static uint64_t u_access(uint64_t unused)
{
  EXPECT_ILLEGAL(I_CSRR_SSTATUS);
  EXPECT_ILLEGAL(I_CSRR_SSCRATCH);
  EXPECT_ILLEGAL(I_CSRR_SATP);
  EXPECT_ILLEGAL(I_CSRR_MSTATUS);
  return 0;
}

static void test_privilege(void)
{
  csr_clear(mstatus, MSTATUS_SUM);
  CHECK_EQ(run_in_mode(PRV_S, s_access, 0), RVH_LEVEL_M);
  CHECK_EQ(csr_read(mstatus) & MSTATUS_SUM, MSTATUS_SUM);
  csr_clear(mstatus, MSTATUS_SUM);
  run_in_mode(PRV_U, u_access, 0);

  /* sstatus hides M-only fields */
  uint64_t saved = csr_read(mstatus);
  csr_set(mstatus, MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TW | MSTATUS_TSR | MSTATUS_TVM);
  uint64_t s = csr_read(sstatus);
  CHECK_EQ(s & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TW |
                MSTATUS_TSR | MSTATUS_TVM | MSTATUS_MPRV | MSTATUS_SXL), 0);
  CHECK_EQ(s & MSTATUS_UXL, 2UL << 32);
  csr_write(mstatus, saved);
  /* sstatus.SIE/SPIE/SPP alias mstatus */
  csr_set(sstatus, MSTATUS_SPIE | MSTATUS_SPP);
  CHECK_EQ(csr_read(mstatus) & (MSTATUS_SPIE | MSTATUS_SPP), MSTATUS_SPIE | MSTATUS_SPP);
  csr_clear(mstatus, MSTATUS_SPIE | MSTATUS_SPP);
  CHECK_EQ(csr_read(sstatus) & (MSTATUS_SPIE | MSTATUS_SPP), 0);
  /* sie/sip are views of mie/mip restricted by mideleg; sscratch plain */
  csr_write(sscratch, 0x1234);
  CHECK_EQ(csr_read(sscratch), 0x1234);
  csr_write(sscratch, (uintptr_t)__s_trap_stack_top);
}

/* counters: returns a bitmask of which of cycle/time/instret trapped */
static uint64_t read_counters(uint64_t unused)
{
  uint64_t trapped = 0;
  rvh_trap_arm();
  INSN(I_CSRR_CYCLE);
  if (rvh_trap.count) {
    trapped |= 1;
    CHECK_EQ(rvh_trap.tval, I_CSRR_CYCLE);
  }
  rvh_trap_arm();
  INSN(I_CSRR_TIME);
  if (rvh_trap.count)
    trapped |= 2;
  rvh_trap_arm();
  INSN(I_CSRR_INSTRET);
  if (rvh_trap.count)
    trapped |= 4;
  rvh_trap_disarm();
  return trapped;
}

static uint64_t s_set_scounteren_then_u(uint64_t sc)
{
  csr_write(scounteren, sc);
  return s_run_in_user(read_counters, 0);
}

static void test_counter_enables(void)
{
  CHECK_EQ(read_counters(0), 0); /* M: always accessible */
  csr_write(mcounteren, 0);
  CHECK_EQ(run_in_mode(PRV_S, read_counters, 0), 7);
  CHECK_EQ(run_in_mode(PRV_U, read_counters, 0), 7);
  csr_write(mcounteren, 7);
  CHECK_EQ(csr_read(mcounteren) & 7, 7);
  CHECK_EQ(run_in_mode(PRV_S, read_counters, 0), 0);
  CHECK_EQ(run_in_mode(PRV_S, s_set_scounteren_then_u, 0), 7);
  CHECK_EQ(run_in_mode(PRV_S, s_set_scounteren_then_u, 5), 2);
  CHECK_EQ(run_in_mode(PRV_S, s_set_scounteren_then_u, 7), 0);
  csr_write(mcounteren, 2); /* only TM: scounteren cannot grant more */
  CHECK_EQ(run_in_mode(PRV_S, s_set_scounteren_then_u, 7), 5);
  CHECK_EQ(run_in_mode(PRV_S, read_counters, 0), 5);
  csr_write(mcounteren, 0);
  csr_write(scounteren, 0);
}

static void test_id_and_warl(void)
{
  uint64_t misa = csr_read(misa);
  CHECK_EQ(misa >> 62, 2); /* MXL = 64 */
  const char *need = "IMAFDCSU";
  for (const char *p = need; *p; p++)
    CHECK_EQ((misa >> (*p - 'A')) & 1, 1);
  printf("info: misa = 0x%lx (", misa);
  for (int i = 0; i < 26; i++)
    if (misa & (1UL << i))
      putchar('A' + i);
  printf(") mvendorid = 0x%lx marchid = 0x%lx mimpid = 0x%lx\n",
         csr_read(mvendorid), csr_read(marchid), csr_read(mimpid));

  CHECK_EQ(csr_read(mhartid), 0);
  uint64_t ms = csr_read(mstatus);
  CHECK_EQ((ms >> 32) & 3, 2); /* UXL */
  CHECK_EQ((ms >> 34) & 3, 2); /* SXL */
  CHECK_EQ(ms & (MSTATUS_UBE | (1UL << 36 << 1) | (1UL << 37)), 0); /* little-endian */

  /* MPP is WARL: 2 (reserved) must not read back */
  uint64_t saved = ms;
  csr_clear(mstatus, MSTATUS_MPP);
  csr_set(mstatus, 2UL << MSTATUS_MPP_SHIFT);
  uint64_t mpp = (csr_read(mstatus) & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
  CHECK_EQ_QEMU_QUIRK(mpp == 2, 0, "QEMU 7.2 keeps mstatus.MPP = 2 (reserved)");
  csr_write(mstatus, saved);

  /* medeleg[11] (ecall from M) is read-only zero */
  csr_write(medeleg, 1UL << CAUSE_MACHINE_ECALL);
  CHECK_EQ_QEMU_QUIRK(csr_read(medeleg), 0, "QEMU 7.2 lets medeleg[11] be set");
  csr_write(medeleg, 0);
  /* mtvec: direct mode, base round trips */
  uint64_t tv = csr_read(mtvec);
  CHECK_EQ(tv & 3, 0);
  /* mscratch/mepc are plain registers (mepc[0] is always 0) */
  csr_write(mepc, 0x80001235);
  CHECK_EQ_QEMU_QUIRK(csr_read(mepc), 0x80001234,
                      "QEMU 7.2 does not clear mepc[0] on write");
  uint64_t msave = csr_swap(mscratch, 0xdeadbeefcafef00dULL);
  CHECK_EQ(csr_read(mscratch), 0xdeadbeefcafef00dULL);
  csr_write(mscratch, msave);
}

int main(void)
{
  test_unimplemented_and_readonly();
  test_privilege();
  test_counter_enables();
  test_id_and_warl();
  rvh_test_done("csr");
}
