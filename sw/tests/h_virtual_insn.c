/* h_virtual_insn: virtual-instruction exceptions (cause 22) versus
 * illegal-instruction exceptions (2). From VS/VU: H and VS CSRs (22), M CSRs
 * (2); counters gated by hcounteren/scounteren while mcounteren allows (22)
 * or by mcounteren (2); WFI with hstatus.VTW (22) and mstatus.TW (2, TW
 * wins), WFI in VU (22); SRET with VTSR (22), in VU (22); SFENCE.VMA and
 * satp with VTVM (22), SFENCE.VMA in VU (22); mstatus.TSR/TVM ignored in VS;
 * HLV/HSV/HLVX/HFENCE from VS/VU (22) and from U with hstatus.HU=0 (2),
 * HFENCE from U even with HU=1 (2); hgatp and HFENCE.GVMA in HS with
 * mstatus.TVM=1 (2). The trap value is the instruction bits, mtval2/htval
 * and mtinst/htinst are 0, GVA=0; taken in M (MPV=1) and, delegated, in HS
 * (hstatus.SPV=1, SPVP). */
#include "rvh.h"

#define I_CSRR_HSTATUS  0x60002573u
#define I_CSRR_HGATP    0x68002573u
#define I_CSRR_HVIP     0x64502573u
#define I_CSRR_HTDELTA  0x60502573u
#define I_CSRR_VSSTATUS 0x20002573u
#define I_CSRR_VSATP    0x28002573u
#define I_CSRR_MSTATUS  0x30002573u
#define I_CSRR_SSTATUS  0x10002573u
#define I_CSRR_SATP     0x18002573u
#define I_CSRR_CYCLE    0xc0002573u
#define I_CSRR_TIME     0xc0102573u
#define I_CSRR_INSTRET  0xc0202573u
#define I_WFI           0x10500073u
#define I_SRET          0x10200073u
#define I_SFENCE_VMA    0x12000073u
#define I_HLV_W         0x6805c573u /* hlv.w a0, (a1) */
#define I_HLV_D         0x6c05c573u /* hlv.d a0, (a1) */
#define I_HLVX_HU       0x6435c573u /* hlvx.hu a0, (a1) */
#define I_HSV_W         0x6ac5c073u /* hsv.w a2, (a1) */
#define I_HFENCE_VVMA   0x22000073u
#define I_HFENCE_GVMA   0x62000073u

static volatile uint64_t scratch_word;

#define EXEC(bits)                                                          \
  __asm__ volatile("mv a1, %0\n li a2, 0\n .4byte " RVH_STR(bits)          \
                   : : "r"(&scratch_word) : "a0", "a1", "a2", "memory")

#define Q_GVA  "QEMU 7.2 sets mstatus.GVA=1 on any trap from V=1 with mtval!=0 and never clears it"
#define Q_HTVAL "QEMU 7.2 does not write mtval/stval (instruction bits) for HLV/HLVX/HSV traps"
#define Q_VU22 "QEMU 7.2 raises illegal (2) instead of virtual instruction (22) in VU-mode"

/* check the recorded trap: exactly one, cause, tval = the instruction, and
 * the H trap information of a non-memory trap; why != 0 names a known QEMU
 * 7.2 deviation for cause/tval/count */
static void check_insn(uint64_t cause, uint64_t bits, const char *why, int line)
{
  if (why) {
    rvh_check_eq_quirk(rvh_trap.count, 1, "count", "1", why, __FILE__, line);
    rvh_check_eq_quirk(rvh_trap.cause, cause, "cause", "expected", why, __FILE__, line);
    rvh_check_eq_quirk(rvh_trap.tval, bits, "tval", "insn", why, __FILE__, line);
  } else {
    rvh_check_eq(rvh_trap.count, 1, "count", "1", __FILE__, line);
    rvh_check_eq(rvh_trap.cause, cause, "cause", "expected", __FILE__, line);
    rvh_check_eq(rvh_trap.tval, bits, "tval", "insn", __FILE__, line);
  }
  rvh_check_eq(rvh_trap.tval2, 0, "mtval2/htval", "0", __FILE__, line);
  rvh_check_eq(rvh_trap.tinst, 0, "mtinst/htinst", "0", __FILE__, line);
  if (rvh_trap.level == RVH_LEVEL_M)
    rvh_check_eq_quirk(rvh_trap.gva, 0, "gva", "0", Q_GVA, __FILE__, line);
  else
    rvh_check_eq(rvh_trap.gva, 0, "gva", "0", __FILE__, line);
}
#define EXPECT_INSN_Q(cause, bits, why) do {                                \
    rvh_trap_arm(); EXEC(bits); rvh_trap_disarm();                          \
    check_insn(cause, bits, why, __LINE__);                                 \
  } while (0)
#define EXPECT_VI(bits)  EXPECT_INSN_Q(CAUSE_VIRTUAL_INSTRUCTION, bits, 0)
#define EXPECT_ILL(bits) EXPECT_INSN_Q(CAUSE_ILLEGAL_INSTRUCTION, bits, 0)
#define EXPECT_VI_Q(bits, why)  EXPECT_INSN_Q(CAUSE_VIRTUAL_INSTRUCTION, bits, why)
#define EXPECT_ILL_Q(bits, why) EXPECT_INSN_Q(CAUSE_ILLEGAL_INSTRUCTION, bits, why)

/* ---- VS-mode body: CSRs and instructions; traps go to M ---- */
static uint64_t vs_body(uint64_t mode)
{
  /* hypervisor and VS CSRs: virtual instruction */
  EXPECT_VI(I_CSRR_HSTATUS);
  CHECK_EQ(rvh_trap.level, RVH_LEVEL_M);
  CHECK_EQ(rvh_trap.virt, 1);
  CHECK_EQ(rvh_trap.from, mode);
  EXPECT_VI(I_CSRR_HGATP);
  EXPECT_VI(I_CSRR_HVIP);
  EXPECT_VI(I_CSRR_HTDELTA);
  EXPECT_VI(I_CSRR_VSSTATUS);
  EXPECT_VI(I_CSRR_VSATP);
  /* machine CSRs: not HS-qualified -> illegal */
  EXPECT_ILL(I_CSRR_MSTATUS);
  CHECK_EQ(rvh_trap.virt, 1);
  /* supervisor CSRs: fine in VS, virtual instruction in VU */
  if (mode == PRV_S)
    EXPECT_NO_TRAP(EXEC(I_CSRR_SSTATUS));
  else
    EXPECT_VI_Q(I_CSRR_SSTATUS, Q_VU22);
  /* hypervisor instructions */
  EXPECT_VI_Q(I_HLV_W, Q_HTVAL);
  EXPECT_VI_Q(I_HLV_D, Q_HTVAL);
  EXPECT_VI_Q(I_HLVX_HU, Q_HTVAL);
  EXPECT_VI_Q(I_HSV_W, Q_HTVAL);
  EXPECT_VI_Q(I_HFENCE_VVMA, mode == PRV_U ? Q_VU22 : 0);
  EXPECT_VI_Q(I_HFENCE_GVMA, mode == PRV_U ? Q_VU22 : 0);
  return 0;
}

/* VTW / VTSR / VTVM behaviour, controlled from M per call */
enum { T_WFI, T_SRET, T_SFENCE, T_SATP, T_CYCLE, T_TIME, T_INSTRET, T_SRET_BARE };
static const uint32_t t_bits[] = {I_WFI, I_SRET, I_SFENCE_VMA, I_CSRR_SATP,
                                  I_CSRR_CYCLE, I_CSRR_TIME, I_CSRR_INSTRET, I_SRET};
static volatile uint64_t res_count, res_cause, res_tval;

static uint64_t v_try(uint64_t which)
{
  rvh_trap_arm();
  switch (which) {
  case T_WFI: EXEC(I_WFI); break;
  case T_SRET:
    /* an SRET that would return to the next instruction in VS */
    __asm__ volatile("la t0, 1f\n csrw sepc, t0\n li t0, 0x100\n csrs sstatus, t0\n"
                     ".4byte 0x10200073\n 1:\n" ::: "t0", "memory");
    break;
  case T_SFENCE: EXEC(I_SFENCE_VMA); break;
  case T_SATP: EXEC(I_CSRR_SATP); break;
  case T_CYCLE: EXEC(I_CSRR_CYCLE); break;
  case T_TIME: EXEC(I_CSRR_TIME); break;
  case T_INSTRET: EXEC(I_CSRR_INSTRET); break;
  case T_SRET_BARE: EXEC(I_SRET); break; /* VU: must trap */
  }
  rvh_trap_disarm();
  res_count = rvh_trap.count;
  res_cause = rvh_trap.cause;
  res_tval = rvh_trap.tval;
  return 0;
}

/* run v_try(which) in mode (V=1) and check the outcome (cause ~0 = none) */
static void expect_v(int mode, int which, uint64_t cause, const char *why, int line)
{
  res_count = 99;
  run_in_vmode(mode, v_try, (uint64_t)which);
  if (why) {
    rvh_check_eq_quirk(res_count, cause == ~0UL ? 0 : 1, "count", "expected", why, __FILE__, line);
    if (cause != ~0UL && res_count == 1)
      rvh_check_eq_quirk(res_cause, cause, "cause", "expected", why, __FILE__, line);
  } else if (cause == ~0UL) {
    rvh_check(res_count == 0, "no trap", __FILE__, line);
    if (res_count) printf("  got cause %lu tval 0x%lx\n", res_cause, res_tval);
  } else {
    rvh_check(res_count == 1, "one trap", __FILE__, line);
    rvh_check_eq(res_cause, cause, "cause", "expected", __FILE__, line);
    rvh_check_eq(res_tval, t_bits[which], "tval", "insn", __FILE__, line);
  }
}
#define EXPECT_V(mode, which, cause) expect_v(mode, which, cause, 0, __LINE__)
#define EXPECT_V_Q(mode, which, cause, why) expect_v(mode, which, cause, why, __LINE__)
#define Q_SRET "QEMU 7.2: the first SRET executed in VS-mode (VTSR=0) raised illegal instruction (2)"
#define NONE (~0UL)

static void test_controls(void)
{
  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);
  csr_clear(mstatus, MSTATUS_TW | MSTATUS_TSR | MSTATUS_TVM);
  /* WFI */
  csr_set(CSR_HSTATUS, HSTATUS_VTW);
  EXPECT_V(PRV_S, T_WFI, CAUSE_VIRTUAL_INSTRUCTION);
  csr_set(mstatus, MSTATUS_TW);                 /* TW takes precedence */
  EXPECT_V_Q(PRV_S, T_WFI, CAUSE_ILLEGAL_INSTRUCTION,
             "QEMU 7.2 checks hstatus.VTW before mstatus.TW (22 instead of 2)");
  csr_clear(CSR_HSTATUS, HSTATUS_VTW);
  EXPECT_V_Q(PRV_S, T_WFI, CAUSE_ILLEGAL_INSTRUCTION,
             "QEMU 7.2 WFI in VS-mode with mstatus.TW=1 raises 22 instead of 2");
  EXPECT_V_Q(PRV_U, T_WFI, CAUSE_ILLEGAL_INSTRUCTION,
             "QEMU 7.2 WFI in VU-mode with mstatus.TW=1 raises 22 instead of 2");
  csr_clear(mstatus, MSTATUS_TW);
  EXPECT_V(PRV_U, T_WFI, CAUSE_VIRTUAL_INSTRUCTION); /* VU, TW=0 */
  /* SRET */
  EXPECT_V_Q(PRV_S, T_SRET, NONE, Q_SRET);
  EXPECT_V_Q(PRV_S, T_SRET, NONE, Q_SRET);
  csr_set(mstatus, MSTATUS_TSR);                 /* TSR: HS only */
  EXPECT_V_Q(PRV_S, T_SRET, NONE, Q_SRET);
  csr_clear(mstatus, MSTATUS_TSR);
  csr_set(CSR_HSTATUS, HSTATUS_VTSR);
  EXPECT_V_Q(PRV_S, T_SRET, CAUSE_VIRTUAL_INSTRUCTION, Q_SRET);
  csr_clear(CSR_HSTATUS, HSTATUS_VTSR);
  EXPECT_V_Q(PRV_U, T_SRET_BARE, CAUSE_VIRTUAL_INSTRUCTION, Q_VU22);
  /* SFENCE.VMA / satp */
  EXPECT_V(PRV_S, T_SFENCE, NONE);
  EXPECT_V(PRV_S, T_SATP, NONE);
  csr_set(mstatus, MSTATUS_TVM);                 /* TVM: HS only */
  EXPECT_V_Q(PRV_S, T_SFENCE, NONE, "QEMU 7.2 applies mstatus.TVM to SFENCE.VMA in VS-mode");
  EXPECT_V_Q(PRV_S, T_SATP, NONE, "QEMU 7.2 applies mstatus.TVM to satp in VS-mode");
  csr_clear(mstatus, MSTATUS_TVM);
  csr_set(CSR_HSTATUS, HSTATUS_VTVM);
  EXPECT_V(PRV_S, T_SFENCE, CAUSE_VIRTUAL_INSTRUCTION);
  EXPECT_V_Q(PRV_S, T_SATP, CAUSE_VIRTUAL_INSTRUCTION,
             "QEMU 7.2 ignores hstatus.VTVM for satp accesses in VS-mode");
  csr_clear(CSR_HSTATUS, HSTATUS_VTVM);
  EXPECT_V_Q(PRV_U, T_SFENCE, CAUSE_VIRTUAL_INSTRUCTION, Q_VU22);
  EXPECT_V_Q(PRV_U, T_SATP, CAUSE_VIRTUAL_INSTRUCTION, Q_VU22); /* S CSR from VU */
}

static void test_counters(void)
{
  csr_write(mcounteren, 7);
  csr_write(CSR_HCOUNTEREN, 7);
  csr_write(scounteren, 7);
  EXPECT_V(PRV_S, T_CYCLE, NONE);
  EXPECT_V(PRV_S, T_TIME, NONE);
  EXPECT_V(PRV_U, T_INSTRET, NONE);
  csr_write(CSR_HCOUNTEREN, 0);
  EXPECT_V(PRV_S, T_CYCLE, CAUSE_VIRTUAL_INSTRUCTION);
  EXPECT_V(PRV_S, T_TIME, CAUSE_VIRTUAL_INSTRUCTION);
  EXPECT_V(PRV_S, T_INSTRET, CAUSE_VIRTUAL_INSTRUCTION);
  EXPECT_V(PRV_U, T_CYCLE, CAUSE_VIRTUAL_INSTRUCTION);
  csr_write(CSR_HCOUNTEREN, 7);
  csr_write(scounteren, 0);                     /* VU needs scounteren too */
  EXPECT_V(PRV_S, T_CYCLE, NONE);
  EXPECT_V(PRV_U, T_CYCLE, CAUSE_VIRTUAL_INSTRUCTION);
  EXPECT_V(PRV_U, T_TIME, CAUSE_VIRTUAL_INSTRUCTION);
  csr_write(scounteren, 7);
  csr_write(mcounteren, 0);                     /* mcounteren clear: illegal */
  EXPECT_V(PRV_S, T_CYCLE, CAUSE_ILLEGAL_INSTRUCTION);
  EXPECT_V(PRV_U, T_TIME, CAUSE_ILLEGAL_INSTRUCTION);
  csr_write(CSR_HCOUNTEREN, 0);
  EXPECT_V(PRV_S, T_INSTRET, CAUSE_ILLEGAL_INSTRUCTION);
  csr_write(mcounteren, 7);
  csr_write(CSR_HCOUNTEREN, 7);
}

/* ---- U-mode (V=0) with hstatus.HU ---- */
static uint64_t u_body(uint64_t hu)
{
  if (!hu) {
    EXPECT_ILL_Q(I_HLV_W, Q_HTVAL);
    EXPECT_ILL_Q(I_HLVX_HU, Q_HTVAL);
    EXPECT_ILL_Q(I_HSV_W, Q_HTVAL);
  }
  EXPECT_ILL(I_HFENCE_VVMA); /* HFENCE is never allowed in U */
  EXPECT_ILL(I_HFENCE_GVMA);
  EXPECT_ILL(I_CSRR_HSTATUS);
  CHECK_EQ(rvh_trap.virt, 0);
  return 0;
}

/* ---- HS-mode with mstatus.TVM ---- */
static uint64_t hs_tvm(uint64_t unused)
{
  EXPECT_ILL_Q(I_CSRR_HGATP, "QEMU 7.2 allows hgatp access in HS-mode with mstatus.TVM=1");
  EXPECT_ILL(I_HFENCE_GVMA);
  EXPECT_NO_TRAP(EXEC(I_HFENCE_VVMA));  /* TVM does not affect HFENCE.VVMA */
  EXPECT_NO_TRAP(EXEC(I_CSRR_VSATP));   /* ... nor vsatp */
  return 0;
}

/* ---- delegated to HS ---- */
static volatile uint64_t hs_seen[8];
static uint64_t vs_deleg(uint64_t unused)
{
  EXPECT_VI(I_CSRR_HSTATUS);
  hs_seen[0] = rvh_trap.level;
  hs_seen[1] = rvh_trap.hstatus;
  hs_seen[2] = rvh_trap.from;
  hs_seen[3] = rvh_trap.virt;
  EXPECT_ILL(I_CSRR_MSTATUS);
  hs_seen[4] = rvh_trap.level;
  return 0;
}
static uint64_t vu_deleg(uint64_t unused)
{
  EXPECT_VI_Q(I_HLV_W, Q_HTVAL);
  hs_seen[5] = rvh_trap.level;
  hs_seen[6] = rvh_trap.hstatus;
  hs_seen[7] = rvh_trap.from;
  return 0;
}

int main(void)
{
  if (!rvh_has_h) {
    CHECK(0 && "misa.H");
    rvh_test_done("h_virtual_insn");
  }
  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);
  csr_write(CSR_HGATP, 0);
  csr_write(CSR_VSATP, 0);
  csr_write(mcounteren, 7);
  csr_write(CSR_HCOUNTEREN, 7);
  csr_write(scounteren, 7);

  run_in_vmode(PRV_S, vs_body, PRV_S);
  run_in_vmode(PRV_U, vs_body, PRV_U); /* the same from VU: all are 22 or 2 */
  test_controls();
  test_counters();

  csr_clear(CSR_HSTATUS, HSTATUS_HU);
  run_in_mode(PRV_U, u_body, 0);
  csr_set(CSR_HSTATUS, HSTATUS_HU);
  run_in_mode(PRV_U, u_body, 1);
  csr_clear(CSR_HSTATUS, HSTATUS_HU);

  csr_set(mstatus, MSTATUS_TVM);
  run_in_mode(PRV_S, hs_tvm, 0);
  csr_clear(mstatus, MSTATUS_TVM);

  /* delegate virtual/illegal instruction to HS */
  csr_write(medeleg, (1UL << CAUSE_VIRTUAL_INSTRUCTION) | (1UL << CAUSE_ILLEGAL_INSTRUCTION));
  csr_write(CSR_HEDELEG, 0);
  run_in_vmode(PRV_S, vs_deleg, 0);
  CHECK_EQ(hs_seen[0], RVH_LEVEL_S);
  CHECK_EQ(hs_seen[1] & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA), HSTATUS_SPV | HSTATUS_SPVP);
  CHECK_EQ(hs_seen[2], PRV_S);
  CHECK_EQ(hs_seen[3], 1);
  CHECK_EQ(hs_seen[4], RVH_LEVEL_S);
  run_in_vmode(PRV_U, vu_deleg, 0);
  CHECK_EQ(hs_seen[5], RVH_LEVEL_S);
  CHECK_EQ(hs_seen[6] & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA), HSTATUS_SPV);
  CHECK_EQ(hs_seen[7], PRV_U);
  /* hedeleg cannot pass virtual instruction on to VS (read-only zero) */
  csr_write(CSR_HEDELEG, 1UL << CAUSE_VIRTUAL_INSTRUCTION);
  CHECK_EQ(csr_read(CSR_HEDELEG) & (1UL << CAUSE_VIRTUAL_INSTRUCTION), 0);
  csr_write(CSR_HEDELEG, 0);
  csr_write(medeleg, 0);
  rvh_test_done("h_virtual_insn");
}
