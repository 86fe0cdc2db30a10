/* traps: ecall from U/S/M (causes 8/9/11, tval 0, epc = the ecall), ebreak,
 * medeleg delegation to S (scause/sepc/stval, sstatus.SPP/SPIE/SIE), traps
 * never delegated to a lower level (M stays in M), MRET/SRET state updates
 * (xPP, xPIE, xIE, MPRV), and mstatus.TW/TVM/TSR making WFI, satp/sfence.vma
 * and SRET illegal in S-mode (plus WFI in U-mode). */
#include "rvh.h"

#define INSN_WFI        0x10500073u
#define INSN_SRET       0x10200073u
#define INSN_CSRR_SATP  0x18002573u /* csrr a0, satp */
#define INSN_SFENCE_VMA 0x12000073u /* sfence.vma zero, zero */

static inline uint64_t ecall_here(void)
{
  uint64_t pc;
  __asm__ volatile("li a7, 0\n"
                   "1: ecall\n"
                   "la %0, 1b"
                   : "=r"(pc) : : "a7", "memory");
  return pc;
}

struct ecall_result {
  uint64_t pc, count, cause, epc, tval, level, from, status;
};
static volatile struct ecall_result er;

static uint64_t do_ecall(uint64_t unused)
{
  rvh_trap_arm();
  er.pc = ecall_here();
  rvh_trap_disarm();
  er.count = rvh_trap.count;
  er.cause = rvh_trap.cause;
  er.epc = rvh_trap.epc;
  er.tval = rvh_trap.tval;
  er.level = rvh_trap.level;
  er.from = rvh_trap.from;
  er.status = rvh_trap.status;
  return 0;
}

static void check_ecall(int mode, uint64_t cause, int level)
{
  if (mode == PRV_M)
    do_ecall(0);
  else
    run_in_mode(mode, do_ecall, 0);
  CHECK_EQ(er.count, 1);
  CHECK_EQ(er.cause, cause);
  CHECK_EQ(er.epc, er.pc);
  CHECK_EQ(er.tval, 0);
  CHECK_EQ(er.level, level);
  CHECK_EQ(er.from, mode);
}

static void test_ecall(void)
{
  check_ecall(PRV_U, CAUSE_USER_ECALL, RVH_LEVEL_M);
  check_ecall(PRV_S, CAUSE_SUPERVISOR_ECALL, RVH_LEVEL_M);
  check_ecall(PRV_M, CAUSE_MACHINE_ECALL, RVH_LEVEL_M);

  /* ebreak: cause 3; mtval is 0 or the ebreak's address */
  uint64_t pc;
  rvh_trap_arm();
  __asm__ volatile(".option push\n .option norvc\n"
                   "1: ebreak\n"
                   ".option pop\n"
                   "la %0, 1b" : "=r"(pc) : : "memory");
  rvh_trap_disarm();
  CHECK_EQ(rvh_trap.count, 1);
  CHECK_EQ(rvh_trap.cause, CAUSE_BREAKPOINT);
  CHECK_EQ(rvh_trap.epc, pc);
  CHECK_EQ(rvh_trap.insn_len, 4);
  CHECK(rvh_trap.tval == 0 || rvh_trap.tval == pc);
  INFO("ebreak: mtval = %s", rvh_trap.tval == pc ? "pc" : "0");
}

/* ---- delegation ---- */
static uint64_t u_ecall(uint64_t unused) { return do_ecall(0); }

static uint64_t s_run_user_ecall(uint64_t spie)
{
  if (spie)
    csr_set(sstatus, MSTATUS_SPIE);
  else
    csr_clear(sstatus, MSTATUS_SPIE);
  /* s_run_in_user's sret copies SPIE into SIE for the U code */
  s_run_in_user(u_ecall, 0);
  csr_clear(sstatus, MSTATUS_SIE);
  return 0;
}

static volatile uint64_t s_illegal_tval, s_illegal_bits;
static uint64_t s_illegal(uint64_t unused)
{
  uint64_t pc;
  rvh_trap_arm();
  __asm__ volatile("1: csrr a0, mstatus\n la %0, 1b" : "=r"(pc) : : "a0", "memory");
  rvh_trap_disarm();
  er.count = rvh_trap.count;
  er.cause = rvh_trap.cause;
  er.level = rvh_trap.level;
  er.from = rvh_trap.from;
  er.status = rvh_trap.status;
  er.epc = rvh_trap.epc;
  er.pc = pc;
  er.tval = rvh_trap.tval;
  return 0;
}

static void test_delegation(void)
{
  csr_write(medeleg, 1UL << CAUSE_USER_ECALL);
  CHECK_EQ(csr_read(medeleg) & (1UL << CAUSE_USER_ECALL), 1UL << CAUSE_USER_ECALL);
  for (int spie = 0; spie <= 1; spie++) {
    er.count = 99;
    run_in_mode(PRV_S, s_run_user_ecall, spie);
    CHECK_EQ(er.count, 1);
    CHECK_EQ(er.level, RVH_LEVEL_S);
    CHECK_EQ(er.cause, CAUSE_USER_ECALL);
    CHECK_EQ(er.epc, er.pc);
    CHECK_EQ(er.tval, 0);
    CHECK_EQ(er.from, PRV_U);
    CHECK_EQ(er.status & MSTATUS_SPP, 0);
    CHECK_EQ(!!(er.status & MSTATUS_SPIE), spie); /* SPIE <- SIE at trap */
    CHECK_EQ(er.status & MSTATUS_SIE, 0);        /* SIE cleared */
  }
  /* U ecall from U started by M while delegated: still comes back. */
  er.count = 99;
  run_in_mode(PRV_U, do_ecall, 0);
  CHECK_EQ(er.level, RVH_LEVEL_S);
  CHECK_EQ(er.cause, CAUSE_USER_ECALL);
  /* S ecall is not delegated: goes to M */
  check_ecall(PRV_S, CAUSE_SUPERVISOR_ECALL, RVH_LEVEL_M);

  /* illegal instruction delegated: S-mode csrr mstatus lands in S */
  csr_write(medeleg, 1UL << CAUSE_ILLEGAL_INSTRUCTION);
  run_in_mode(PRV_S, s_illegal, 0);
  CHECK_EQ(er.count, 1);
  CHECK_EQ(er.level, RVH_LEVEL_S);
  CHECK_EQ(er.cause, CAUSE_ILLEGAL_INSTRUCTION);
  CHECK_EQ(er.from, PRV_S);
  CHECK_EQ(er.epc, er.pc);
  CHECK_EQ(er.status & MSTATUS_SPP, MSTATUS_SPP);
  CHECK_EQ(er.tval, 0x30002573u); /* the instruction bits */
  /* ... but an M-mode illegal instruction still traps to M */
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile(".4byte 0xc0001073" ::: "memory")); /* csrw cycle, x0 */
  CHECK_EQ(rvh_trap.level, RVH_LEVEL_M);
  csr_write(medeleg, 0);
}

/* ---- xRET ---- */
static uint64_t s_sret_test(uint64_t unused)
{
  uint64_t st;
  csr_set(sstatus, MSTATUS_SPP | MSTATUS_SPIE);
  csr_clear(sstatus, MSTATUS_SIE);
  __asm__ volatile("la t0, 1f\n csrw sepc, t0\n sret\n 1:\n" ::: "t0", "memory");
  st = csr_read(sstatus);
  csr_clear(sstatus, MSTATUS_SIE);
  return st;
}

static uint64_t s_nop(uint64_t v) { return v + 1; }

static void test_xret(void)
{
  /* MRET to M: MIE <- MPIE, MPIE <- 1, MPP <- U (least privileged) */
  csr_write(mie, 0);
  csr_clear(mstatus, MSTATUS_MIE | MSTATUS_MPIE);
  csr_set(mstatus, MSTATUS_MPP | MSTATUS_MPIE);
  __asm__ volatile("la t0, 1f\n csrw mepc, t0\n mret\n 1:\n" ::: "t0", "memory");
  uint64_t st = csr_read(mstatus);
  csr_clear(mstatus, MSTATUS_MIE);
  CHECK_EQ((st & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRV_U);
  CHECK_EQ(st & MSTATUS_MPIE, MSTATUS_MPIE);
  CHECK_EQ(st & MSTATUS_MIE, MSTATUS_MIE);
  /* MPIE = 0 -> MIE = 0 */
  csr_clear(mstatus, MSTATUS_MPIE);
  csr_set(mstatus, MSTATUS_MPP);
  __asm__ volatile("la t0, 1f\n csrw mepc, t0\n mret\n 1:\n" ::: "t0", "memory");
  st = csr_read(mstatus);
  CHECK_EQ(st & MSTATUS_MIE, 0);
  CHECK_EQ(st & MSTATUS_MPIE, MSTATUS_MPIE);

  /* MRET to a mode below M clears MPRV (priv 1.12); er.status is mstatus
   * as seen by the M handler of an ecall made in S */
  CHECK_EQ(run_in_mode(PRV_S, s_nop, 41), 42);
  csr_set(mstatus, MSTATUS_MPRV);
  run_in_mode(PRV_S, do_ecall, 0);
  CHECK_EQ((er.status & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRV_S);
  CHECK_EQ_QEMU_QUIRK(er.status & MSTATUS_MPRV, 0,
                      "QEMU 7.2 MRET to S/U does not clear mstatus.MPRV");
  csr_clear(mstatus, MSTATUS_MPRV);

  /* SRET in S: SIE <- SPIE, SPIE <- 1, SPP <- U */
  st = run_in_mode(PRV_S, s_sret_test, 0);
  CHECK_EQ(st & MSTATUS_SPP, 0);
  CHECK_EQ(st & MSTATUS_SPIE, MSTATUS_SPIE);
  CHECK_EQ(st & MSTATUS_SIE, MSTATUS_SIE);
}

/* ---- TW / TVM / TSR ---- */
static uint64_t trap_wfi(uint64_t unused)
{
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, INSN_WFI,
              __asm__ volatile(".4byte 0x10500073" ::: "memory"));
  return rvh_trap.level;
}

static uint64_t trap_satp_sfence(uint64_t expect_trap)
{
  if (expect_trap) {
    EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, INSN_CSRR_SATP,
                __asm__ volatile(".4byte 0x18002573" ::: "a0", "memory"));
    EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, INSN_SFENCE_VMA,
                __asm__ volatile(".4byte 0x12000073" ::: "memory"));
    EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, 0x18051073u, /* csrw satp, a0 */
                __asm__ volatile("li a0, 0\n .4byte 0x18051073" ::: "a0", "memory"));
  } else {
    EXPECT_NO_TRAP(__asm__ volatile(".4byte 0x18002573" ::: "a0", "memory"));
    EXPECT_NO_TRAP(__asm__ volatile(".4byte 0x12000073" ::: "memory"));
  }
  return 0;
}

static uint64_t trap_sret(uint64_t unused)
{
  csr_set(sstatus, MSTATUS_SPP);
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, INSN_SRET,
              __asm__ volatile("la t0, 1f\n csrw sepc, t0\n .4byte 0x10200073\n 1:"
                               ::: "t0", "memory"));
  return 0;
}

static void test_tw_tvm_tsr(void)
{
  csr_set(mstatus, MSTATUS_TW);
  CHECK_EQ(run_in_mode(PRV_S, trap_wfi, 0), RVH_LEVEL_M);
  csr_clear(mstatus, MSTATUS_TW);
  /* WFI in U-mode is illegal when S-mode exists (spec: unless it completes
   * within a bounded time; nothing is pending here) */
  run_in_mode(PRV_U, trap_wfi, 0);

  csr_set(mstatus, MSTATUS_TVM);
  run_in_mode(PRV_S, trap_satp_sfence, 1);
  csr_clear(mstatus, MSTATUS_TVM);
  run_in_mode(PRV_S, trap_satp_sfence, 0);

  csr_set(mstatus, MSTATUS_TSR);
  run_in_mode(PRV_S, trap_sret, 0);
  csr_clear(mstatus, MSTATUS_TSR);
}

int main(void)
{
  test_ecall();
  test_delegation();
  test_xret();
  test_tw_tvm_tsr();
  rvh_test_done("traps");
}
