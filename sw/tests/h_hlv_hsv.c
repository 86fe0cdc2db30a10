/* h_hlv_hsv: hypervisor virtual-machine loads and stores.
 * HLV.B/BU/H/HU/W/WU/D, HLVX.HU/WU and HSV.B/H/W/D from HS-mode (and from
 * M-mode, and from U-mode with hstatus.HU=1) through vsatp (Sv39) and hgatp
 * (Sv39x4): sign/zero extension of each width, exact store footprints;
 * hstatus.SPVP selects VS or VU permissions (U page: VU yes, VS only with
 * vsstatus.SUM, HS-level sstatus.SUM ignored); HLVX needs execute and
 * reads an execute-only page where HLV faults, unless vsstatus.MXR (VS
 * stage only) or HS-level MXR (both stages); mstatus.MPRV is ignored.
 * Faults: load/store page faults 13/15 with mtval/stval = guest VA, GVA=1
 * and MPV/SPV=0, mtval2/htval=0; guest-page faults 21/23 with htval =
 * GPA >> 2 (or 0); taken in M and, delegated, in HS.
 */
#include "rvh.h"
#include "rvh_vm.h"

static uint8_t pages[8][RVH_PAGE] __attribute__((aligned(4096)));

#define GPA_BASE  0x100000000UL
#define GPA(i)    (GPA_BASE + (uint64_t)(i) * RVH_PAGE)
#define GPA_UNMAP GPA(6)
/* guest virtual addresses */
#define VA_U      0x40000000UL  /* U RW       -> pages[0] */
#define VA_S      0x40001000UL  /* S RW       -> pages[1] */
#define VA_XO     0x40002000UL  /* S X only   -> pages[2] */
#define VA_RO     0x40003000UL  /* S R only   -> pages[3] */
#define VA_GRO    0x40004000UL  /* S RW, G-stage R only  -> pages[4] */
#define VA_GXO    0x40005000UL  /* S RX, G-stage X only  -> pages[5] */
#define VA_GMISS  0x40006000UL  /* S RW, GPA not mapped at the G stage */
#define VA_UNMAP  0x40007000UL  /* invalid VS PTE */
#define VA_UX     0x40008000UL  /* U X only   -> pages[2] */

#define V0 0x8badf00dfeedc0deUL
#define V1 0x1234567876543210UL
#define FILL 0x1111111111111111UL

static struct rvh_pt g, vs;

#define Q_PF   "QEMU 7.2 reports VS-stage faults of HLV/HSV with V=0 as access faults 5/7 while the HS-level satp is Bare"
#define Q_GVA  "QEMU 7.2 HLV/HSV faults leave GVA=0 (mstatus.GVA always, hstatus.GVA for page faults)"
#define Q_SUM  "QEMU 7.2 HLV/HSV with SPVP=1 ignore vsstatus.SUM=0 (VS accesses to U pages allowed)"
#define Q_HLVX "QEMU 7.2 HLVX requires read instead of execute permission"
#define Q_MXR  "QEMU 7.2 HLV applies vsstatus.MXR to the G stage instead of the VS stage, and HS-level MXR to the VS stage only"

static int hs_satp_bare = 1;

static void chk(int strict_ok, uint64_t a, uint64_t e, const char *what, const char *q, int line)
{
  (void)strict_ok;
  if (q)
    rvh_check_eq_quirk(a, e, what, "expected", q, __FILE__, line);
  else
    rvh_check_eq(a, e, what, "expected", __FILE__, line);
}

/* q: known QEMU deviation for this case (all fields), or 0 */
static void check_fault(uint64_t cause, uint64_t va, uint64_t gpa, int level, const char *q,
                        int line)
{
  int gpf = cause == CAUSE_LOAD_GUEST_PAGE_FAULT || cause == CAUSE_STORE_GUEST_PAGE_FAULT;
  if (!q && !gpf && hs_satp_bare)
    q = Q_PF;
  chk(1, rvh_trap.count, 1, "trap count", q, line);
  chk(1, rvh_trap.cause, cause, "cause", q, line);
  chk(1, rvh_trap.level, level, "level", q, line);
  chk(1, rvh_trap.tval, va, "mtval/stval", q, line);
  chk(1, rvh_trap.gva, 1, "GVA", q ? q : Q_GVA, line);
  chk(1, rvh_trap.virt, 0, "MPV/SPV", q, line);
  if (gpf) {
    chk(1, rvh_trap.tval2 == 0 || rvh_trap.tval2 == (gpa >> 2), 1,
        "mtval2/htval == 0 || == gpa >> 2", q, line);
  } else {
    chk(1, rvh_trap.tval2, 0, "mtval2/htval", q, line);
  }
}
#define EXPECT_HF_Q(q, cause, va, gpa, ...) do {                              \
    rvh_trap_arm(); { __VA_ARGS__; } rvh_trap_disarm();                       \
    check_fault(cause, va, gpa, lvl, q, __LINE__);                            \
  } while (0)
#define EXPECT_HF(cause, va, gpa, ...) EXPECT_HF_Q(0, cause, va, gpa, __VA_ARGS__)
/* a load that must succeed with value expected */
#define EXPECT_VAL_Q(q, expr, expected) do {                                  \
    rvh_trap_arm(); uint64_t v__ = (expr); rvh_trap_disarm();                 \
    chk(1, rvh_trap.count, 0, "trap count: " #expr, q, __LINE__);            \
    chk(1, v__, expected, #expr, q, __LINE__);                                \
  } while (0)
#define LPF CAUSE_LOAD_PAGE_FAULT
#define SPF CAUSE_STORE_PAGE_FAULT
#define LGPF CAUSE_LOAD_GUEST_PAGE_FAULT
#define SGPF CAUSE_STORE_GUEST_PAGE_FAULT

static volatile uint64_t sink;
#define PDW(p, off) (*(volatile uint64_t *)(uintptr_t)&pages[p][off])

static void set_spvp(int vs_priv)
{
  if (vs_priv) csr_set(CSR_HSTATUS, HSTATUS_SPVP);
  else csr_clear(CSR_HSTATUS, HSTATUS_SPVP);
}

/* Widths and extension, from the current (HS or M) mode, VU permissions */
static void widths(void)
{
  set_spvp(0);
  PDW(0, 0) = V0;
  PDW(0, 8) = V1;
  EXPECT_NO_TRAP(
    CHECK_EQ(hlv_b(VA_U), 0xffffffffffffffdeUL);
    CHECK_EQ(hlv_bu(VA_U), 0xdeUL);
    CHECK_EQ(hlv_b(VA_U + 8), 0x10UL);
    CHECK_EQ(hlv_bu(VA_U + 7), 0x8bUL);
    CHECK_EQ(hlv_b(VA_U + 7), 0xffffffffffffff8bUL);
    CHECK_EQ(hlv_h(VA_U), 0xffffffffffffc0deUL);
    CHECK_EQ(hlv_hu(VA_U), 0xc0deUL);
    CHECK_EQ(hlv_h(VA_U + 8), 0x3210UL);
    CHECK_EQ(hlv_hu(VA_U + 6), 0x8badUL);
    CHECK_EQ(hlv_w(VA_U), 0xfffffffffeedc0deUL);
    CHECK_EQ(hlv_wu(VA_U), 0xfeedc0deUL);
    CHECK_EQ(hlv_w(VA_U + 8), 0x76543210UL);
    CHECK_EQ(hlv_wu(VA_U + 12), 0x12345678UL);
    CHECK_EQ(hlv_w(VA_U + 4), 0xffffffff8badf00dUL);
    CHECK_EQ(hlv_d(VA_U), V0);
    CHECK_EQ(hlv_d(VA_U + 8), V1));
  /* HLVX on the U execute-only page (VU) */
  PDW(2, 0) = V0;
  PDW(2, 8) = V1;
  EXPECT_VAL_Q(Q_HLVX, hlvx_hu(VA_UX), 0xc0deUL);
  EXPECT_VAL_Q(Q_HLVX, hlvx_hu(VA_UX + 6), 0x8badUL);
  EXPECT_VAL_Q(Q_HLVX, hlvx_wu(VA_UX), 0xfeedc0deUL);
  EXPECT_VAL_Q(Q_HLVX, hlvx_wu(VA_UX + 12), 0x12345678UL);
  /* stores: exact footprint */
  for (int i = 16; i < 48; i += 8)
    PDW(0, i) = FILL;
  EXPECT_NO_TRAP(
    hsv_b(VA_U + 17, 0xabcdef5aUL);
    hsv_h(VA_U + 26, 0xffff8765UL);
    hsv_w(VA_U + 36, 0xdeadbeefcafef00dUL);
    hsv_d(VA_U + 40, 0x0123456789abcdefUL));
  CHECK_EQ(PDW(0, 16), 0x1111111111115a11UL);
  CHECK_EQ(PDW(0, 24), 0x1111111187651111UL);
  CHECK_EQ(PDW(0, 32), 0xcafef00d11111111UL);
  CHECK_EQ(PDW(0, 40), 0x0123456789abcdefUL);
  /* read back through HLV */
  CHECK_EQ(hlv_d(VA_U + 16), 0x1111111111115a11UL);
  CHECK_EQ(hlv_bu(VA_U + 17), 0x5aUL);
  CHECK_EQ(hlv_h(VA_U + 26), 0xffffffffffff8765UL);
}

/* Permissions and faults, from HS (or M); traps taken at level lvl */
static void perms(int lvl)
{
  PDW(1, 0) = 0x5151515151515151UL;
  PDW(0, 0) = V0;
  csr_clear(CSR_VSSTATUS, MSTATUS_SUM | MSTATUS_MXR);
  csr_clear(sstatus, MSTATUS_SUM | MSTATUS_MXR);

  /* SPVP=0: VU permissions */
  set_spvp(0);
  CHECK_EQ(hlv_d(VA_U), V0);
  EXPECT_HF(LPF, VA_S + 8, 0, sink = hlv_d(VA_S + 8));
  EXPECT_HF(SPF, VA_S + 16, 0, hsv_d(VA_S + 16, 1));
  EXPECT_HF_Q(hs_satp_bare ? Q_PF : 0, LPF, VA_XO + 4, 0, sink = hlvx_wu(VA_XO + 4)); /* S page */
  CHECK_EQ(PDW(1, 16), 0);
  /* the trap from V=0 does not change SPVP */
  CHECK_EQ(csr_read(CSR_HSTATUS) & HSTATUS_SPVP, 0);

  /* SPVP=1: VS permissions; U page needs vsstatus.SUM */
  set_spvp(1);
  CHECK_EQ(hlv_d(VA_S), 0x5151515151515151UL);
  hsv_w(VA_S + 8, 0x77777777UL);
  CHECK_EQ(PDW(1, 8), 0x77777777UL);
  EXPECT_HF_Q(Q_SUM, LPF, VA_U + 8, 0, sink = hlv_d(VA_U + 8));
  EXPECT_HF_Q(Q_SUM, SPF, VA_U + 48, 0, hsv_b(VA_U + 48, 1));
  CHECK_EQ(csr_read(CSR_HSTATUS) & HSTATUS_SPVP, HSTATUS_SPVP);
  csr_set(sstatus, MSTATUS_SUM);      /* HS-level SUM is ignored */
  EXPECT_HF_Q(Q_SUM, LPF, VA_U, 0, sink = hlv_w(VA_U));
  csr_clear(sstatus, MSTATUS_SUM);
  csr_set(CSR_VSSTATUS, MSTATUS_SUM);
  EXPECT_NO_TRAP(CHECK_EQ(hlv_d(VA_U), V0); hsv_b(VA_U + 48, 0x42));
  CHECK_EQ(PDW(0, 48) & 0xff, 0x42);
  csr_clear(CSR_VSSTATUS, MSTATUS_SUM);

  /* execute-only page (VS stage): HLVX yes, HLV no unless MXR */
  PDW(2, 0) = V0;
  EXPECT_VAL_Q(Q_HLVX, hlvx_hu(VA_XO + 2), 0xfeedUL);
  EXPECT_VAL_Q(Q_HLVX, hlvx_wu(VA_XO + 4), 0x8badf00dUL);
  EXPECT_HF(LPF, VA_XO, 0, sink = hlv_w(VA_XO));
  EXPECT_HF(LPF, VA_XO + 2, 0, sink = hlv_hu(VA_XO + 2));
  csr_set(CSR_VSSTATUS, MSTATUS_MXR);
  EXPECT_VAL_Q(Q_MXR, hlv_w(VA_XO), 0xfffffffffeedc0deUL);
  csr_clear(CSR_VSSTATUS, MSTATUS_MXR);
  csr_set(sstatus, MSTATUS_MXR);
  EXPECT_VAL_Q(0, hlv_d(VA_XO), V0);
  csr_clear(sstatus, MSTATUS_MXR);
  /* HLVX without execute permission: load page fault (not a fetch fault) */
  EXPECT_HF_Q(Q_HLVX, LPF, VA_S, 0, sink = hlvx_hu(VA_S));
  EXPECT_HF_Q(Q_HLVX, LPF, VA_RO + 4, 0, sink = hlvx_wu(VA_RO + 4));

  /* read-only VS page */
  PDW(3, 0) = V1;
  CHECK_EQ(hlv_d(VA_RO), V1);
  EXPECT_HF(SPF, VA_RO + 8, 0, hsv_w(VA_RO + 8, 3));
  CHECK_EQ(PDW(3, 8), 0);
  /* invalid VS PTE */
  EXPECT_HF(LPF, VA_UNMAP + 0x10, 0, sink = hlv_d(VA_UNMAP + 0x10));
  EXPECT_HF(SPF, VA_UNMAP + 0x20, 0, hsv_h(VA_UNMAP + 0x20, 3));

  /* G stage: missing, read-only, execute-only */
  EXPECT_HF(LGPF, VA_GMISS + 0x30, GPA_UNMAP + 0x30, sink = hlv_bu(VA_GMISS + 0x30));
  EXPECT_HF(SGPF, VA_GMISS + 0x38, GPA_UNMAP + 0x38, hsv_d(VA_GMISS + 0x38, 3));
  PDW(4, 0) = V0;
  CHECK_EQ(hlv_wu(VA_GRO), 0xfeedc0deUL);
  EXPECT_HF(SGPF, VA_GRO + 8, GPA(4) + 8, hsv_d(VA_GRO + 8, 3));
  CHECK_EQ(PDW(4, 8), 0);
  PDW(5, 0) = V1;
  EXPECT_VAL_Q(Q_HLVX, hlvx_wu(VA_GXO), 0x76543210UL);
  EXPECT_HF(LGPF, VA_GXO + 4, GPA(5) + 4, sink = hlv_w(VA_GXO + 4));
  csr_set(CSR_VSSTATUS, MSTATUS_MXR);   /* VS stage only: still faults */
  EXPECT_HF_Q(Q_MXR, LGPF, VA_GXO, GPA(5), sink = hlv_d(VA_GXO));
  csr_clear(CSR_VSSTATUS, MSTATUS_MXR);
  csr_set(sstatus, MSTATUS_MXR);        /* HS-level MXR: both stages */
  EXPECT_VAL_Q(Q_MXR, hlv_d(VA_GXO), V1);
  csr_clear(sstatus, MSTATUS_MXR);
  set_spvp(0);
}

static uint64_t hs_body(uint64_t lvl)
{
  widths();
  perms((int)lvl);
  return 0x99;
}

/* U-mode with hstatus.HU=1 (SPVP set by M before the call) */
static volatile uint64_t u_res[4], u_cnt[4];
static volatile struct { uint64_t count, cause, tval, gva, virt, level, from; } u_fault;
static uint64_t u_body(uint64_t spvp)
{
  rvh_trap_arm();
  if (!spvp) {
    u_res[0] = hlv_d(VA_U);
    hsv_h(VA_U + 56, 0xbeefUL);
    u_res[1] = hlv_hu(VA_U + 56);
  } else {
    u_res[0] = hlv_d(VA_S);
    u_res[1] = hlvx_hu(VA_XO);
  }
  rvh_trap_disarm();
  u_cnt[0] = rvh_trap.count;
  rvh_trap_arm();
  sink = hlv_b(spvp ? VA_UNMAP + 3 : VA_S + 3);
  rvh_trap_disarm();
  u_fault.count = rvh_trap.count;
  u_fault.cause = rvh_trap.cause;
  u_fault.tval = rvh_trap.tval;
  u_fault.gva = rvh_trap.gva;
  u_fault.virt = rvh_trap.virt;
  u_fault.level = rvh_trap.level;
  u_fault.from = rvh_trap.from;
  return 0;
}

static void check_u(uint64_t cause, uint64_t va, int level, int line)
{
  rvh_check_eq_quirk(u_fault.count, 1, "count", "1", Q_PF, __FILE__, line);
  rvh_check_eq_quirk(u_fault.cause, cause, "cause", "expected", Q_PF, __FILE__, line);
  rvh_check_eq(u_fault.tval, va, "tval", "va", __FILE__, line);
  rvh_check_eq_quirk(u_fault.gva, 1, "gva", "1", Q_GVA, __FILE__, line);
  rvh_check_eq(u_fault.virt, 0, "virt", "0", __FILE__, line);
  rvh_check_eq(u_fault.level, level, "level", "expected", __FILE__, line);
  rvh_check_eq(u_fault.from, PRV_U, "from", "U", __FILE__, line);
}

int main(void)
{
  if (!rvh_has_h) {
    CHECK(0 && "misa.H");
    rvh_test_done("h_hlv_hsv");
  }
  rvh_pt_reset();
  g = (struct rvh_pt){rvh_pt_alloc_root16k(), 3, 1};
  rvh_pt_map_identity(&g, PTE_U);
  for (int i = 0; i < 4; i++)
    rvh_pt_map(&g, GPA(i), (uintptr_t)pages[i], PTE_RWX | PTE_U | PTE_AD, 0);
  rvh_pt_map(&g, GPA(4), (uintptr_t)pages[4], PTE_R | PTE_U | PTE_A, 0);
  rvh_pt_map(&g, GPA(5), (uintptr_t)pages[5], PTE_X | PTE_U | PTE_A, 0);

  vs = (struct rvh_pt){rvh_pt_alloc(), 3, 0};
  rvh_pt_map(&vs, VA_U, GPA(0), PTE_R | PTE_W | PTE_U | PTE_AD, 0);
  rvh_pt_map(&vs, VA_S, GPA(1), PTE_R | PTE_W | PTE_AD, 0);
  rvh_pt_map(&vs, VA_XO, GPA(2), PTE_X | PTE_A, 0);
  rvh_pt_map(&vs, VA_RO, GPA(3), PTE_R | PTE_A, 0);
  rvh_pt_map(&vs, VA_GRO, GPA(4), PTE_R | PTE_W | PTE_AD, 0);
  rvh_pt_map(&vs, VA_GXO, GPA(5), PTE_R | PTE_X | PTE_A, 0);
  rvh_pt_map(&vs, VA_GMISS, GPA_UNMAP, PTE_R | PTE_W | PTE_AD, 0);
  rvh_pt_map(&vs, VA_UX, GPA(2), PTE_X | PTE_U | PTE_A, 0);

  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);
  csr_write(CSR_HGATP, rvh_pt_satp(&g, 0));
  csr_write(CSR_VSATP, rvh_pt_satp(&vs, 0));
  csr_write(satp, 0);
  hfence_gvma_all();
  hfence_vvma_all();

  /* from HS, faults taken in M */
  csr_write(medeleg, 0);
  CHECK_EQ(run_in_mode(PRV_S, hs_body, RVH_LEVEL_M), 0x99);
  /* from HS, faults delegated to HS */
  csr_write(medeleg, (1UL << LPF) | (1UL << SPF) | (1UL << LGPF) | (1UL << SGPF));
  CHECK_EQ(run_in_mode(PRV_S, hs_body, RVH_LEVEL_S), 0x99);
  csr_write(medeleg, 0);
  /* from M */
  widths();
  perms(RVH_LEVEL_M);

  /* again from HS with an HS-level Sv39 identity map in satp (the result
   * must not depend on it) */
  {
    static struct rvh_pt hs;
    hs = (struct rvh_pt){rvh_pt_alloc(), 3, 0};
    rvh_pt_map_identity(&hs, 0);
    csr_write(satp, rvh_pt_satp(&hs, 0));
    __asm__ volatile("sfence.vma" ::: "memory");
    hs_satp_bare = 0;
    CHECK_EQ(run_in_mode(PRV_S, hs_body, RVH_LEVEL_M), 0x99);
    csr_write(medeleg, (1UL << LPF) | (1UL << SPF) | (1UL << LGPF) | (1UL << SGPF));
    CHECK_EQ(run_in_mode(PRV_S, hs_body, RVH_LEVEL_S), 0x99);
    csr_write(medeleg, 0);
    csr_write(satp, 0);
    __asm__ volatile("sfence.vma" ::: "memory");
    hs_satp_bare = 1;
  }

  /* M with MPRV=1: HLV/HSV ignore MPRV (MPP=U, MPV=1 would be VU, and
   * MPP=M would be untranslated). No other memory access in between. */
  {
    uint64_t a, b, c;
    PDW(1, 0) = 0x5151515151515151UL;
    PDW(0, 0) = V0;
    csr_set(CSR_HSTATUS, HSTATUS_SPVP);
    csr_clear(mstatus, MSTATUS_MPP);
    csr_set(mstatus, MSTATUS_MPV);
    __asm__ volatile("csrs mstatus, %3\n"
                     ".insn r 0x73, 0x4, 0x36, %0, %4, x0\n"  /* hlv.d VA_S (VS) */
                     ".insn r 0x73, 0x4, 0x37, x0, %4, %6\n"  /* hsv.d VA_S+0 */
                     ".insn r 0x73, 0x4, 0x36, %1, %4, x0\n"
                     "csrc %7, %8\n"                          /* SPVP=0: VU */
                     ".insn r 0x73, 0x4, 0x36, %2, %5, x0\n"  /* hlv.d VA_U */
                     "csrc mstatus, %3"
                     : "=&r"(a), "=&r"(b), "=&r"(c)
                     : "r"(MSTATUS_MPRV), "r"(VA_S), "r"(VA_U), "r"(0x6262UL),
                       "i"(CSR_HSTATUS), "r"(HSTATUS_SPVP)
                     : "memory");
    CHECK_EQ(a, 0x5151515151515151UL);
    CHECK_EQ(b, 0x6262UL);
    CHECK_EQ(c, V0);
    CHECK_EQ(PDW(1, 0), 0x6262UL);
    /* MPP = M with MPRV: still two-stage */
    csr_set(mstatus, MSTATUS_MPP);
    __asm__ volatile("csrs mstatus, %1\n"
                     ".insn r 0x73, 0x4, 0x36, %0, %2, x0\n"
                     "csrc mstatus, %1"
                     : "=&r"(a) : "r"(MSTATUS_MPRV), "r"(VA_U) : "memory");
    CHECK_EQ(a, V0);
    csr_clear(mstatus, MSTATUS_MPV | MSTATUS_MPP);
  }

  /* U-mode with HU=1 */
  csr_set(CSR_HSTATUS, HSTATUS_HU);
  PDW(0, 0) = V0;
  set_spvp(0);
  run_in_mode(PRV_U, u_body, 0);
  CHECK_EQ(u_cnt[0], 0);
  CHECK_EQ(u_res[0], V0);
  CHECK_EQ(u_res[1], 0xbeefUL);
  CHECK_EQ(PDW(0, 56) & 0xffff, 0xbeefUL);
  check_u(LPF, VA_S + 3, RVH_LEVEL_M, __LINE__);
  PDW(1, 0) = 0x5151515151515151UL;
  PDW(2, 0) = V0;
  set_spvp(1);
  csr_write(medeleg, (1UL << LPF) | (1UL << CAUSE_LOAD_ACCESS));
  run_in_mode(PRV_U, u_body, 1);
  CHECK_EQ_QEMU_QUIRK(u_cnt[0], 0, Q_HLVX);
  CHECK_EQ(u_res[0], 0x5151515151515151UL);
  CHECK_EQ_QEMU_QUIRK(u_res[1], 0xc0deUL, Q_HLVX);
  check_u(LPF, VA_UNMAP + 3, RVH_LEVEL_S, __LINE__);
  CHECK_EQ(csr_read(CSR_HSTATUS) & HSTATUS_SPVP, HSTATUS_SPVP);
  csr_write(medeleg, 0);
  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);

  csr_write(CSR_VSATP, 0);
  csr_write(CSR_HGATP, 0);
  hfence_gvma_all();
  hfence_vvma_all();
  rvh_test_done("h_hlv_hsv");
}
