/* h_deleg: trap delegation M -> HS -> VS.
 * - medeleg + hedeleg: ecall from VU (8) taken in VS: vscause, vsepc,
 *   vstval, vsstatus.SPP/SPIE/SIE; V stays 1 (the handler runs from vstvec
 *   and its S CSRs are the VS ones); hstatus, HS sstatus/sepc/scause/stval
 *   untouched.
 * - ecall from VS (10) goes to HS; hedeleg bit 10 is read-only 0.
 * - illegal instruction from VS/VU delegated to VS with hedeleg bit 2; not
 *   further delegated without the medeleg bit (goes to M) or from HS.
 * - VS-stage load page fault (13) delegated to VS via hedeleg bit 13.
 * - a trap into HS sets hstatus.SPV=1, SPVP, GVA (1 for a page fault or
 *   guest-page fault with a guest virtual address in stval, else 0),
 *   sstatus.SPP/SPIE/SIE, htval; from V=0 SPV=0 and SPVP is unchanged.
 * - a trap into M sets mstatus.MPV and MPP (VS, VU, HS, U).
 * - SRET in VS returns to VU using vsstatus/vsepc (SIE = SPIE, SPIE = 1).
 * - MRET with MPV=1 enters VS (or VU); MRET clears MPV and MPP; MRET with
 *   MPP=3 stays in M even with MPV=1.
 */
#include "rvh.h"
#include "rvh_vm.h"

#define I_CSRR_MSTATUS 0x30002573u
#define I_ECALL        0x00000073u

#define GVA_UNMAP 0x40000000UL   /* not mapped at the VS stage */
#define GPA_UNMAP 0x100000000UL  /* not mapped at the G stage */

#define Q_VS_GVA "QEMU 7.2 writes hstatus.GVA on a trap into VS-mode (hstatus must not be modified)"
#define Q_VS_CAUSE "QEMU 7.2 subtracts 1 from exception cause 2 (and 6, 10) on a trap into VS-mode, as for VS interrupts"
#define Q_GVA_M "QEMU 7.2 mstatus.GVA is set on any trap from V=1 with mtval != 0 and never cleared"

static struct rvh_pt g, vs;

/* What a VS-level handler saw (filled by the hook for armed traps). */
static volatile struct {
  int n;
  uint64_t cause, epc, tval, status, tvec, scratch_is_frame;
} vscap;

static int hook_m(struct trap_frame *f);
static int hook(struct trap_frame *f, int level)
{
  if (level == RVH_LEVEL_M && ((f->status >> MSTATUS_MPP_SHIFT) & 3) == PRV_M)
    return hook_m(f);
  if (level == RVH_LEVEL_VS && rvh_trap.armed && !(f->cause & CAUSE_INTERRUPT) &&
      f->x[17] != RVH_ECALL_MAGIC) {
    vscap.n = vscap.n + 1;
    vscap.cause = csr_read(scause); /* V=1: vscause */
    vscap.epc = csr_read(sepc);     /* vsepc */
    vscap.tval = csr_read(stval);   /* vstval */
    vscap.status = csr_read(sstatus);
    vscap.tvec = csr_read(stvec);   /* vstvec = rvh_vs_trap_entry */
    vscap.scratch_is_frame = csr_read(sscratch) == (uint64_t)(uintptr_t)f;
    /* QEMU 7.2 reports our illegal instruction as cause 1 in VS; make the
     * library skip it (it would resume at ra for a fetch fault). The raw
     * vscause is checked with the quirk macro. */
    if (f->cause == CAUSE_FETCH_ACCESS &&
        *(volatile uint32_t *)(uintptr_t)f->epc == I_CSRR_MSTATUS)
      f->cause = CAUSE_ILLEGAL_INSTRUCTION;
  }
  return 0;
}

#define Q_MRET_MPP3 "QEMU 7.2 MRET with MPP=3 and MPV=1 sets V=1 (in M-mode)"

static int hook_m(struct trap_frame *f)
{
  /* ecall from M: never go back with MPV=1 (see test_mret) */
  if (rvh_trap.armed && f->cause == CAUSE_MACHINE_ECALL && f->x[17] != RVH_ECALL_MAGIC) {
    rvh_trap.count = rvh_trap.count + 1;
    rvh_trap.cause = f->cause;
    rvh_trap.status = f->status;
    rvh_trap.level = RVH_LEVEL_M;
    f->status &= ~MSTATUS_MPV;
    f->epc += 4;
    return 1;
  }
  return 0;
}

static void vscap_reset(void)
{
  vscap.n = 0;
  vscap.cause = vscap.epc = vscap.tval = vscap.status = vscap.tvec = 0;
  vscap.scratch_is_frame = 0;
}

/* ecall with a7 != magic; returns the address of the ecall */
static inline uint64_t do_ecall(void)
{
  register uint64_t a7 __asm__("a7") = 0;
  uint64_t pc;
  __asm__ volatile("auipc %0, 0\n ecall" : "=&r"(pc), "+r"(a7) : : "memory");
  return pc + 4;
}
/* csrr a0, mstatus (illegal below M); returns its address */
static inline uint64_t do_illegal(void)
{
  uint64_t pc;
  __asm__ volatile("auipc %0, 0\n .4byte 0x30002573" : "=&r"(pc) : : "a0", "memory");
  return pc + 4;
}
static inline uint64_t ld64(uint64_t a)
{
  uint64_t v;
  __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(a) : "memory");
  return v;
}

/* results recorded by the guest bodies */
static volatile uint64_t r_pc[8];
static volatile struct trap_record rec[8];
static void save_rec(int i)
{
  rec[i].count = rvh_trap.count;
  rec[i].level = rvh_trap.level;
  rec[i].from = rvh_trap.from;
  rec[i].cause = rvh_trap.cause;
  rec[i].epc = rvh_trap.epc;
  rec[i].tval = rvh_trap.tval;
  rec[i].status = rvh_trap.status;
  rec[i].virt = rvh_trap.virt;
  rec[i].gva = rvh_trap.gva;
  rec[i].tval2 = rvh_trap.tval2;
  rec[i].tinst = rvh_trap.tinst;
  rec[i].hstatus = rvh_trap.hstatus;
}

/* ---- bodies ---- */
static uint64_t vu_ecall(uint64_t idx)
{
  rvh_trap_arm();
  r_pc[idx] = do_ecall();
  rvh_trap_disarm();
  save_rec((int)idx);
  return 0;
}
static uint64_t v_ecall(uint64_t idx) { return vu_ecall(idx); }

static uint64_t v_illegal(uint64_t idx)
{
  rvh_trap_arm();
  r_pc[idx] = do_illegal();
  rvh_trap_disarm();
  save_rec((int)idx);
  return 0;
}

static uint64_t v_load(uint64_t idx)
{
  rvh_trap_arm();
  ld64(idx < 4 ? GVA_UNMAP + 0x18 : GPA_UNMAP + 0x28);
  rvh_trap_disarm();
  save_rec((int)idx);
  return 0;
}

/* In VS: proof that V=1 (sstatus/stvec reach the VS CSRs), then SRET into
 * VU via vs_run_in_user with vsstatus.SPIE = spie. */
static volatile uint64_t vs_seen[4];
static uint64_t vs_sret_body(uint64_t spie)
{
  vs_seen[0] = csr_read(stvec);
  if (spie) csr_set(sstatus, MSTATUS_SPIE);
  else csr_clear(sstatus, MSTATUS_SPIE);
  csr_clear(sstatus, MSTATUS_SIE);
  vs_run_in_user(vu_ecall, 0);
  return 0x5a;
}

/* HS: enter VS with SRET (hstatus.SPV=1) */
static uint64_t vs_report(uint64_t x) { vs_seen[1] = csr_read(stvec); return x + 1; }
static uint64_t hs_body(uint64_t x) { return hs_run_in_vmode(PRV_S, vs_report, x); }

static uint64_t hs_illegal(uint64_t idx) { return v_illegal(idx); }

static const uint64_t HST = (2UL << HSTATUS_VSXL_SHIFT) | HSTATUS_GVA | HSTATUS_SPVP |
                            HSTATUS_HU | HSTATUS_VTW;

/* set sentinels in the HS state; check_hs_untouched() verifies them */
static void set_hs_sentinels(void)
{
  csr_write(CSR_HSTATUS, HST);
  csr_write(sepc, 0x80001000UL);
  csr_write(scause, 3);
  csr_write(stval, 0x7777UL);
  csr_write(CSR_HTVAL, 0);
  csr_clear(mstatus, MSTATUS_SIE);
  csr_set(mstatus, MSTATUS_SPP | MSTATUS_SPIE);
}
static void check_hs_untouched(int line)
{
  rvh_check_eq(csr_read(CSR_HSTATUS) & ~HSTATUS_GVA, HST & ~HSTATUS_GVA, "hstatus",
               "sentinel", __FILE__, line);
  rvh_check_eq_quirk(csr_read(CSR_HSTATUS), HST, "hstatus", "sentinel", Q_VS_GVA,
                     __FILE__, line);
  rvh_check_eq(csr_read(sepc), 0x80001000UL, "sepc", "sentinel", __FILE__, line);
  rvh_check_eq(csr_read(scause), 3, "scause", "sentinel", __FILE__, line);
  rvh_check_eq(csr_read(stval), 0x7777UL, "stval", "sentinel", __FILE__, line);
  rvh_check_eq(csr_read(mstatus) & (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE),
               MSTATUS_SPP | MSTATUS_SPIE, "sstatus.SPP/SPIE/SIE", "sentinel",
               __FILE__, line);
}

static void test_vu_ecall_to_vs(void)
{
  /* ecall from VU: medeleg and hedeleg bit 8 -> VS */
  csr_write(medeleg, 1UL << CAUSE_USER_ECALL);
  csr_write(CSR_HEDELEG, 1UL << CAUSE_USER_ECALL);
  CHECK_EQ(csr_read(CSR_HEDELEG), 1UL << CAUSE_USER_ECALL);
  for (int sie = 0; sie < 2; sie++) {
    set_hs_sentinels();
    uint64_t vss = csr_read(CSR_VSSTATUS) & ~(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP);
    csr_write(CSR_VSSTATUS, vss | MSTATUS_SPP | (sie ? MSTATUS_SIE : MSTATUS_SPIE));
    csr_write(CSR_VSCAUSE, 0);
    csr_write(CSR_VSTVAL, 0x1234);
    vscap_reset();
    run_in_vmode(PRV_U, vu_ecall, 0);
    CHECK_EQ(rec[0].count, 1);
    CHECK_EQ(rec[0].level, RVH_LEVEL_VS);
    CHECK_EQ(rec[0].cause, CAUSE_USER_ECALL);
    CHECK_EQ(vscap.n, 1);
    CHECK_EQ(vscap.cause, CAUSE_USER_ECALL);                  /* vscause */
    CHECK_EQ(vscap.epc, r_pc[0]);                             /* vsepc */
    CHECK_EQ(vscap.tval, 0);                                  /* vstval */
    CHECK_EQ(vscap.status & (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE),
             sie ? MSTATUS_SPIE : 0);                         /* SPP=0, SPIE=old SIE, SIE=0 */
    CHECK_EQ(vscap.tvec, (uintptr_t)rvh_vs_trap_entry);       /* V stayed 1 */
    CHECK_EQ(vscap.scratch_is_frame, 1);
    check_hs_untouched(__LINE__);
  }
  /* without the medeleg bit, hedeleg has no effect: M */
  csr_write(medeleg, 0);
  vscap_reset();
  run_in_vmode(PRV_U, vu_ecall, 1);
  CHECK_EQ(rec[1].count, 1);
  CHECK_EQ(rec[1].level, RVH_LEVEL_M);
  CHECK_EQ(rec[1].cause, CAUSE_USER_ECALL);
  CHECK_EQ((rec[1].status & MSTATUS_MPV) != 0, 1);
  CHECK_EQ((rec[1].status >> MSTATUS_MPP_SHIFT) & 3, PRV_U);
  CHECK_EQ(vscap.n, 0);
  /* without the hedeleg bit: HS (SPV=1, SPVP=0, SPP=0, GVA=0, htval=0) */
  csr_write(medeleg, 1UL << CAUSE_USER_ECALL);
  csr_write(CSR_HEDELEG, 0);
  set_hs_sentinels();
  csr_set(mstatus, MSTATUS_SIE);
  csr_write(CSR_HTVAL, 0x55);
  run_in_vmode(PRV_U, vu_ecall, 2);
  CHECK_EQ(rec[2].count, 1);
  CHECK_EQ(rec[2].level, RVH_LEVEL_S);
  CHECK_EQ(rec[2].cause, CAUSE_USER_ECALL);
  CHECK_EQ(rec[2].epc, r_pc[2]);
  CHECK_EQ(rec[2].tval, 0);
  CHECK_EQ(rec[2].hstatus & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA), HSTATUS_SPV);
  CHECK_EQ(rec[2].hstatus & ~(HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA),
           HST & ~(HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA));
  CHECK_EQ(rec[2].status & (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE), MSTATUS_SPIE);
  CHECK_EQ(rec[2].tval2, 0);                                  /* htval */
  CHECK_EQ(rec[2].virt, 1);
  csr_write(medeleg, 0);
  csr_clear(mstatus, MSTATUS_SIE);
}

static void test_vs_ecall(void)
{
  /* hedeleg bit 10 (ecall from VS) is read-only zero */
  csr_write(CSR_HEDELEG, 1UL << CAUSE_VIRTUAL_SUPERVISOR_ECALL);
  CHECK_EQ(csr_read(CSR_HEDELEG), 0);
  csr_write(medeleg, 1UL << CAUSE_VIRTUAL_SUPERVISOR_ECALL);
  csr_write(CSR_HEDELEG, ~0UL);        /* whatever is writable: 10 is not */
  CHECK_EQ(csr_read(CSR_HEDELEG) & (1UL << CAUSE_VIRTUAL_SUPERVISOR_ECALL), 0);
  /* SPVP=0 before, SPV=0, GVA=1 as sentinels: the trap sets 1, 1, 0 */
  csr_write(CSR_HSTATUS, (2UL << HSTATUS_VSXL_SHIFT) | HSTATUS_GVA);
  csr_clear(mstatus, MSTATUS_SPP | MSTATUS_SPIE);
  csr_set(mstatus, MSTATUS_SIE);
  csr_write(CSR_HTVAL, 0x55);
  vscap_reset();
  run_in_vmode(PRV_S, v_ecall, 3);
  CHECK_EQ(rec[3].count, 1);
  CHECK_EQ(rec[3].level, RVH_LEVEL_S);
  CHECK_EQ(rec[3].cause, CAUSE_VIRTUAL_SUPERVISOR_ECALL);
  CHECK_EQ(rec[3].epc, r_pc[3]);
  CHECK_EQ(rec[3].tval, 0);
  CHECK_EQ(rec[3].tval2, 0);
  CHECK_EQ(rec[3].from, PRV_S);
  CHECK_EQ(rec[3].hstatus & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA),
           HSTATUS_SPV | HSTATUS_SPVP);
  CHECK_EQ(rec[3].status & (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE),
           MSTATUS_SPP | MSTATUS_SPIE);
  CHECK_EQ(vscap.n, 0);
  csr_write(CSR_HEDELEG, 0);
  csr_write(medeleg, 0);
  csr_clear(mstatus, MSTATUS_SIE);
}

static void test_illegal(void)
{
  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);
  /* medeleg + hedeleg bit 2: VS and VU illegal instructions go to VS */
  csr_write(medeleg, 1UL << CAUSE_ILLEGAL_INSTRUCTION);
  csr_write(CSR_HEDELEG, 1UL << CAUSE_ILLEGAL_INSTRUCTION);
  CHECK_EQ(csr_read(CSR_HEDELEG), 1UL << CAUSE_ILLEGAL_INSTRUCTION);
  for (int mode = PRV_U; mode <= PRV_S; mode++) {
    set_hs_sentinels();
    uint64_t vss = csr_read(CSR_VSSTATUS) & ~(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP);
    csr_write(CSR_VSSTATUS, vss | MSTATUS_SIE);
    vscap_reset();
    run_in_vmode(mode, v_illegal, 4);
    CHECK_EQ(rec[4].count, 1);
    CHECK_EQ(rec[4].level, RVH_LEVEL_VS);
    CHECK_EQ(rec[4].cause, CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(vscap.n, 1);
    CHECK_EQ_QEMU_QUIRK(vscap.cause, CAUSE_ILLEGAL_INSTRUCTION, Q_VS_CAUSE);
    CHECK_EQ(vscap.epc, r_pc[4]);
    CHECK_EQ(vscap.tval, I_CSRR_MSTATUS);
    CHECK_EQ(vscap.status & (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE),
             (mode == PRV_S ? MSTATUS_SPP : 0) | MSTATUS_SPIE);
    CHECK_EQ(vscap.tvec, (uintptr_t)rvh_vs_trap_entry);
    check_hs_untouched(__LINE__);
  }
  /* from HS (V=0) hedeleg does not apply: HS takes it, SPV=0, SPVP kept */
  for (int spvp = 0; spvp < 2; spvp++) {
    csr_write(CSR_HSTATUS, (2UL << HSTATUS_VSXL_SHIFT) | HSTATUS_SPV | HSTATUS_GVA |
                           (spvp ? HSTATUS_SPVP : 0));
    vscap_reset();
    run_in_mode(PRV_S, hs_illegal, 5);
    CHECK_EQ(rec[5].count, 1);
    CHECK_EQ(rec[5].level, RVH_LEVEL_S);
    CHECK_EQ(rec[5].cause, CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(rec[5].tval, I_CSRR_MSTATUS);
    CHECK_EQ(rec[5].hstatus & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA),
             spvp ? HSTATUS_SPVP : 0);
    CHECK_EQ(rec[5].status & MSTATUS_SPP, MSTATUS_SPP);
    CHECK_EQ(vscap.n, 0);
  }
  /* from U (V=0): HS, SPV=0, SPP=0, SPVP kept */
  csr_write(CSR_HSTATUS, (2UL << HSTATUS_VSXL_SHIFT) | HSTATUS_SPVP);
  run_in_mode(PRV_U, hs_illegal, 5);
  CHECK_EQ(rec[5].level, RVH_LEVEL_S);
  CHECK_EQ(rec[5].hstatus & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA), HSTATUS_SPVP);
  CHECK_EQ(rec[5].status & MSTATUS_SPP, 0);
  /* hedeleg bit 2 without medeleg bit 2: M (MPV=1, MPP) */
  csr_write(medeleg, 0);
  for (int mode = PRV_U; mode <= PRV_S; mode++) {
    vscap_reset();
    run_in_vmode(mode, v_illegal, 6);
    CHECK_EQ(rec[6].count, 1);
    CHECK_EQ(rec[6].level, RVH_LEVEL_M);
    CHECK_EQ(rec[6].cause, CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(rec[6].epc, r_pc[6]);
    CHECK_EQ(rec[6].tval, I_CSRR_MSTATUS);
    CHECK_EQ((rec[6].status & MSTATUS_MPV) != 0, 1);
    CHECK_EQ((rec[6].status >> MSTATUS_MPP_SHIFT) & 3, mode);
    CHECK_EQ_QEMU_QUIRK(rec[6].gva, 0, Q_GVA_M);
    CHECK_EQ(vscap.n, 0);
  }
  /* medeleg bit 2, hedeleg clear: HS with SPV=1 and SPVP/SPP = mode */
  csr_write(medeleg, 1UL << CAUSE_ILLEGAL_INSTRUCTION);
  csr_write(CSR_HEDELEG, 0);
  for (int mode = PRV_U; mode <= PRV_S; mode++) {
    csr_write(CSR_HSTATUS, (2UL << HSTATUS_VSXL_SHIFT) | HSTATUS_GVA |
                           (mode == PRV_U ? HSTATUS_SPVP : 0));
    run_in_vmode(mode, v_illegal, 6);
    CHECK_EQ(rec[6].count, 1);
    CHECK_EQ(rec[6].level, RVH_LEVEL_S);
    CHECK_EQ(rec[6].from, mode);
    CHECK_EQ(rec[6].hstatus & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA),
             HSTATUS_SPV | (mode == PRV_S ? HSTATUS_SPVP : 0));
    CHECK_EQ(rec[6].tval2, 0);
  }
  csr_write(medeleg, 0);
}

/* traps into M from HS and U: MPV=0 */
static uint64_t plain_ecall(uint64_t idx) { return vu_ecall(idx); }
static void test_m_mpv(void)
{
  csr_write(medeleg, 0);
  csr_write(CSR_HEDELEG, 0);
  run_in_mode(PRV_S, plain_ecall, 0);
  CHECK_EQ(rec[0].level, RVH_LEVEL_M);
  CHECK_EQ(rec[0].cause, CAUSE_SUPERVISOR_ECALL);
  CHECK_EQ(rec[0].status & MSTATUS_MPV, 0);
  CHECK_EQ((rec[0].status >> MSTATUS_MPP_SHIFT) & 3, PRV_S);
  run_in_mode(PRV_U, plain_ecall, 0);
  CHECK_EQ(rec[0].cause, CAUSE_USER_ECALL);
  CHECK_EQ(rec[0].status & MSTATUS_MPV, 0);
  CHECK_EQ((rec[0].status >> MSTATUS_MPP_SHIFT) & 3, PRV_U);
  run_in_vmode(PRV_S, plain_ecall, 0);
  CHECK_EQ(rec[0].cause, CAUSE_VIRTUAL_SUPERVISOR_ECALL);
  CHECK_EQ(rec[0].status & MSTATUS_MPV, MSTATUS_MPV);
  CHECK_EQ((rec[0].status >> MSTATUS_MPP_SHIFT) & 3, PRV_S);
  CHECK_EQ(rec[0].epc, r_pc[0]);
}

/* page faults and guest-page faults: GVA, stval, htval */
static void test_gva(void)
{
  csr_write(CSR_HEDELEG, 0);
  csr_write(CSR_HGATP, rvh_pt_satp(&g, 0));
  csr_write(CSR_VSATP, rvh_pt_satp(&vs, 0));
  hfence_gvma_all();
  hfence_vvma_all();
  /* VS-stage load page fault from VS into M: mtval = GVA, GVA=1, MPV=1 */
  run_in_vmode(PRV_S, v_load, 0);
  CHECK_EQ(rec[0].count, 1);
  CHECK_EQ(rec[0].level, RVH_LEVEL_M);
  CHECK_EQ(rec[0].cause, CAUSE_LOAD_PAGE_FAULT);
  CHECK_EQ(rec[0].tval, GVA_UNMAP + 0x18);
  CHECK_EQ(rec[0].gva, 1);
  CHECK_EQ(rec[0].virt, 1);
  CHECK_EQ(rec[0].tval2, 0);
  /* ... into HS: stval = GVA, GVA=1, SPV=1, SPVP=1, SPP=1, htval=0 */
  csr_write(medeleg, (1UL << CAUSE_LOAD_PAGE_FAULT) | (1UL << CAUSE_LOAD_GUEST_PAGE_FAULT));
  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);
  csr_write(CSR_HTVAL, 0x55);
  run_in_vmode(PRV_S, v_load, 1);
  CHECK_EQ(rec[1].count, 1);
  CHECK_EQ(rec[1].level, RVH_LEVEL_S);
  CHECK_EQ(rec[1].cause, CAUSE_LOAD_PAGE_FAULT);
  CHECK_EQ(rec[1].tval, GVA_UNMAP + 0x18);
  CHECK_EQ(rec[1].hstatus & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA),
           HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA);
  CHECK_EQ(rec[1].status & MSTATUS_SPP, MSTATUS_SPP);
  CHECK_EQ(rec[1].tval2, 0);
  /* ... into VS with hedeleg bit 13: vstval = GVA */
  csr_write(CSR_HEDELEG, 1UL << CAUSE_LOAD_PAGE_FAULT);
  set_hs_sentinels();
  vscap_reset();
  run_in_vmode(PRV_S, v_load, 2);
  CHECK_EQ(rec[2].count, 1);
  CHECK_EQ(rec[2].level, RVH_LEVEL_VS);
  CHECK_EQ(vscap.n, 1);
  CHECK_EQ(vscap.cause, CAUSE_LOAD_PAGE_FAULT);
  CHECK_EQ(vscap.tval, GVA_UNMAP + 0x18);
  CHECK_EQ(vscap.status & MSTATUS_SPP, MSTATUS_SPP);
  check_hs_untouched(__LINE__);
  csr_write(CSR_HEDELEG, 0);
  csr_write(CSR_VSATP, 0);
  hfence_vvma_all();
  /* G-stage fault from VU into HS: GVA=1, SPV=1, SPVP=0, SPP=0,
   * htval = GPA >> 2 (or 0) */
  csr_write(CSR_HSTATUS, (2UL << HSTATUS_VSXL_SHIFT) | HSTATUS_SPVP);
  run_in_vmode(PRV_U, v_load, 4);
  CHECK_EQ(rec[4].count, 1);
  CHECK_EQ(rec[4].level, RVH_LEVEL_S);
  CHECK_EQ(rec[4].cause, CAUSE_LOAD_GUEST_PAGE_FAULT);
  CHECK_EQ(rec[4].tval, GPA_UNMAP + 0x28);
  CHECK_EQ(rec[4].hstatus & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA),
           HSTATUS_SPV | HSTATUS_GVA);
  CHECK_EQ(rec[4].status & MSTATUS_SPP, 0);
  CHECK(rec[4].tval2 == 0 || rec[4].tval2 == ((GPA_UNMAP + 0x28) >> 2));
  /* the same with hedeleg bit 21 attempted: read-only 0, still HS */
  csr_write(CSR_HEDELEG, 1UL << CAUSE_LOAD_GUEST_PAGE_FAULT);
  CHECK_EQ(csr_read(CSR_HEDELEG), 0);
  csr_write(medeleg, 0);
  csr_write(CSR_HGATP, 0);
  hfence_gvma_all();
}

/* MRET with MPV=1 / MPP=3 */
static void test_mret(void)
{
  /* MRET to M with MPV=1: V stays 0 (reading mstatus does not trap);
   * MRET clears MPV and sets MPP to U. An ecall right after it must then
   * record MPV=0 (the hook clears MPV in the saved mstatus of an ecall
   * from M, so that the handler's MRET cannot enter V=1 either). */
  uint64_t ms;
  rvh_trap_arm();
  __asm__ volatile("li t0, 0x1800\n csrs mstatus, t0\n"        /* MPP = 3 */
                   "li t0, 1\n slli t0, t0, 39\n csrs mstatus, t0\n" /* MPV = 1 */
                   "la t0, 1f\n csrw mepc, t0\n mret\n"
                   "1: csrr %0, mstatus\n"
                   "li a7, 0\n ecall" : "=r"(ms) : : "t0", "a7", "memory");
  rvh_trap_disarm();
  CHECK_EQ(rvh_trap.count, 1);
  CHECK_EQ(rvh_trap.cause, CAUSE_MACHINE_ECALL);
  CHECK_EQ_QEMU_QUIRK(rvh_trap.status & MSTATUS_MPV, 0, Q_MRET_MPP3);
  CHECK_EQ(ms & MSTATUS_MPV, 0);
  CHECK_EQ((ms >> MSTATUS_MPP_SHIFT) & 3, PRV_U);
  /* MRET with MPV=1, MPP=1: VS (S CSRs reach the VS ones) */
  vs_seen[1] = 0;
  CHECK_EQ(run_in_vmode(PRV_S, vs_report, 7), 8);
  CHECK_EQ(vs_seen[1], (uintptr_t)rvh_vs_trap_entry);
  /* SRET from HS with SPV=1: VS */
  vs_seen[1] = 0;
  CHECK_EQ(run_in_mode(PRV_S, hs_body, 9), 10);
  CHECK_EQ(vs_seen[1], (uintptr_t)rvh_vs_trap_entry);
}

/* SRET in VS returns to VU with vsstatus/vsepc */
static void test_vs_sret(void)
{
  csr_write(medeleg, 1UL << CAUSE_USER_ECALL);
  csr_write(CSR_HEDELEG, 1UL << CAUSE_USER_ECALL);
  for (int spie = 0; spie < 2; spie++) {
    set_hs_sentinels();
    vscap_reset();
    vs_seen[0] = 0;
    CHECK_EQ(run_in_vmode(PRV_S, vs_sret_body, spie), 0x5a);
    CHECK_EQ(vs_seen[0], (uintptr_t)rvh_vs_trap_entry);
    CHECK_EQ(rec[0].count, 1);
    CHECK_EQ(rec[0].level, RVH_LEVEL_VS);
    CHECK_EQ(rec[0].cause, CAUSE_USER_ECALL);  /* came from VU */
    CHECK_EQ(vscap.n, 1);
    CHECK_EQ(vscap.epc, r_pc[0]);
    /* SRET: SIE = SPIE; the ecall: SPIE = SIE, SIE = 0, SPP = 0 (VU) */
    CHECK_EQ(vscap.status & (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE),
             spie ? MSTATUS_SPIE : 0);
    check_hs_untouched(__LINE__);
  }
  csr_write(CSR_HEDELEG, 0);
  csr_write(medeleg, 0);
}

int main(void)
{
  if (!rvh_has_h) {
    CHECK(0 && "misa.H");
    rvh_test_done("h_deleg");
  }
  rvh_pt_reset();
  g = (struct rvh_pt){rvh_pt_alloc_root16k(), 3, 1};
  rvh_pt_map_identity(&g, PTE_U);
  vs = (struct rvh_pt){rvh_pt_alloc(), 3, 0};
  rvh_pt_map(&vs, 0x00000000UL, 0x00000000UL, PTE_R | PTE_W | PTE_AD, 2);
  rvh_pt_map(&vs, 0x80000000UL, 0x80000000UL, PTE_RWX | PTE_AD, 2);

  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);
  csr_write(CSR_HGATP, 0);
  csr_write(CSR_VSATP, 0);
  rvh_trap_hook = hook;

  test_vu_ecall_to_vs();
  test_vs_ecall();
  test_illegal();
  test_m_mpv();
  test_gva();
  test_mret();
  test_vs_sret();

  rvh_trap_hook = 0;
  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);
  rvh_test_done("h_deleg");
}
