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

static void check_fault(uint64_t cause, uint64_t va, uint64_t gpa, int level, int line)
{
  rvh_check_eq(rvh_trap.count, 1, "trap count", "1", __FILE__, line);
  rvh_check_eq(rvh_trap.cause, cause, "cause", "expected", __FILE__, line);
  rvh_check_eq(rvh_trap.level, level, "level", "expected", __FILE__, line);
  rvh_check_eq(rvh_trap.tval, va, "mtval/stval", "guest VA", __FILE__, line);
  rvh_check_eq(rvh_trap.gva, 1, "GVA", "1", __FILE__, line);
  rvh_check_eq(rvh_trap.virt, 0, "MPV/SPV", "0", __FILE__, line);
  if (cause == CAUSE_LOAD_GUEST_PAGE_FAULT || cause == CAUSE_STORE_GUEST_PAGE_FAULT) {
    rvh_check(rvh_trap.tval2 == 0 || rvh_trap.tval2 == (gpa >> 2),
              "mtval2/htval == 0 || == gpa >> 2", __FILE__, line);
    if (rvh_trap.tval2 == 0)
      printf("info: %s:%d: mtval2/htval = 0 (allowed)\n", __FILE__, line);
  } else {
    rvh_check_eq(rvh_trap.tval2, 0, "mtval2/htval", "0", __FILE__, line);
  }
}
#define EXPECT_HF(cause, va, gpa, ...) do {                                   \
    rvh_trap_arm(); { __VA_ARGS__; } rvh_trap_disarm();                       \
    check_fault(cause, va, gpa, lvl, __LINE__);                               \
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
  EXPECT_NO_TRAP(
    CHECK_EQ(hlvx_hu(VA_UX), 0xc0deUL);
    CHECK_EQ(hlvx_hu(VA_UX + 6), 0x8badUL);
    CHECK_EQ(hlvx_wu(VA_UX), 0xfeedc0deUL);
    CHECK_EQ(hlvx_wu(VA_UX + 12), 0x12345678UL));
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
  EXPECT_HF(LPF, VA_XO + 4, 0, sink = hlvx_wu(VA_XO + 4)); /* S page */
  CHECK_EQ(PDW(1, 16), 0);
  /* the trap from V=0 does not change SPVP */
  CHECK_EQ(csr_read(CSR_HSTATUS) & HSTATUS_SPVP, 0);

  /* SPVP=1: VS permissions; U page needs vsstatus.SUM */
  set_spvp(1);
  CHECK_EQ(hlv_d(VA_S), 0x5151515151515151UL);
  hsv_w(VA_S + 8, 0x77777777UL);
  CHECK_EQ(PDW(1, 8), 0x77777777UL);
  EXPECT_HF(LPF, VA_U + 8, 0, sink = hlv_d(VA_U + 8));
  EXPECT_HF(SPF, VA_U + 48, 0, hsv_b(VA_U + 48, 1));
  CHECK_EQ(csr_read(CSR_HSTATUS) & HSTATUS_SPVP, HSTATUS_SPVP);
  csr_set(sstatus, MSTATUS_SUM);      /* HS-level SUM is ignored */
  EXPECT_HF(LPF, VA_U, 0, sink = hlv_w(VA_U));
  csr_clear(sstatus, MSTATUS_SUM);
  csr_set(CSR_VSSTATUS, MSTATUS_SUM);
  EXPECT_NO_TRAP(CHECK_EQ(hlv_d(VA_U), V0); hsv_b(VA_U + 48, 0x42));
  CHECK_EQ(PDW(0, 48) & 0xff, 0x42);
  csr_clear(CSR_VSSTATUS, MSTATUS_SUM);

  /* execute-only page (VS stage): HLVX yes, HLV no unless MXR */
  PDW(2, 0) = V0;
  EXPECT_NO_TRAP(CHECK_EQ(hlvx_hu(VA_XO + 2), 0xfeedUL);
                 CHECK_EQ(hlvx_wu(VA_XO + 4), 0x8badf00dUL));
  EXPECT_HF(LPF, VA_XO, 0, sink = hlv_w(VA_XO));
  EXPECT_HF(LPF, VA_XO + 2, 0, sink = hlv_hu(VA_XO + 2));
  csr_set(CSR_VSSTATUS, MSTATUS_MXR);
  EXPECT_NO_TRAP(CHECK_EQ(hlv_w(VA_XO), 0xfffffffffeedc0deUL));
  csr_clear(CSR_VSSTATUS, MSTATUS_MXR);
  csr_set(sstatus, MSTATUS_MXR);
  EXPECT_NO_TRAP(CHECK_EQ(hlv_d(VA_XO), V0));
  csr_clear(sstatus, MSTATUS_MXR);
  /* HLVX without execute permission: load page fault (not a fetch fault) */
  EXPECT_HF(LPF, VA_S, 0, sink = hlvx_hu(VA_S));
  EXPECT_HF(LPF, VA_RO + 4, 0, sink = hlvx_wu(VA_RO + 4));

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
  EXPECT_NO_TRAP(CHECK_EQ(hlvx_wu(VA_GXO), 0x76543210UL));
  EXPECT_HF(LGPF, VA_GXO + 4, GPA(5) + 4, sink = hlv_w(VA_GXO + 4));
  csr_set(CSR_VSSTATUS, MSTATUS_MXR);   /* VS stage only: still faults */
  EXPECT_HF(LGPF, VA_GXO, GPA(5), sink = hlv_d(VA_GXO));
  csr_clear(CSR_VSSTATUS, MSTATUS_MXR);
  csr_set(sstatus, MSTATUS_MXR);        /* HS-level MXR: both stages */
  EXPECT_NO_TRAP(CHECK_EQ(hlv_d(VA_GXO), V1));
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
static volatile uint64_t u_res[4];
static uint64_t u_body(uint64_t spvp)
{
  if (!spvp) {
    u_res[0] = hlv_d(VA_U);
    hsv_h(VA_U + 56, 0xbeefUL);
    u_res[1] = hlv_hu(VA_U + 56);
    rvh_trap_arm();
    sink = hlv_b(VA_S + 3);
    rvh_trap_disarm();
  } else {
    u_res[0] = hlv_d(VA_S);
    u_res[1] = hlvx_hu(VA_XO);
    rvh_trap_arm();
    sink = hlv_b(VA_U + 3);
    rvh_trap_disarm();
  }
  return 0;
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
  CHECK_EQ(u_res[0], V0);
  CHECK_EQ(u_res[1], 0xbeefUL);
  CHECK_EQ(PDW(0, 56) & 0xffff, 0xbeefUL);
  CHECK_EQ(rvh_trap.count, 1);
  CHECK_EQ(rvh_trap.cause, LPF);
  CHECK_EQ(rvh_trap.level, RVH_LEVEL_M);
  CHECK_EQ(rvh_trap.tval, VA_S + 3);
  CHECK_EQ(rvh_trap.gva, 1);
  CHECK_EQ(rvh_trap.virt, 0);
  CHECK_EQ(rvh_trap.from, PRV_U);
  PDW(1, 0) = 0x5151515151515151UL;
  PDW(2, 0) = V0;
  set_spvp(1);
  csr_write(medeleg, 1UL << LPF);
  run_in_mode(PRV_U, u_body, 1);
  CHECK_EQ(u_res[0], 0x5151515151515151UL);
  CHECK_EQ(u_res[1], 0xc0deUL);
  CHECK_EQ(rvh_trap.count, 1);
  CHECK_EQ(rvh_trap.cause, LPF);
  CHECK_EQ(rvh_trap.level, RVH_LEVEL_S);
  CHECK_EQ(rvh_trap.tval, VA_U + 3);
  CHECK_EQ(rvh_trap.hstatus & (HSTATUS_SPV | HSTATUS_GVA | HSTATUS_SPVP),
           HSTATUS_GVA | HSTATUS_SPVP);
  CHECK_EQ(rvh_trap.from, PRV_U);
  csr_write(medeleg, 0);
  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);

  csr_write(CSR_VSATP, 0);
  csr_write(CSR_HGATP, 0);
  hfence_gvma_all();
  hfence_vvma_all();
  rvh_test_done("h_hlv_hsv");
}
