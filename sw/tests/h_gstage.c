/* h_gstage: two-stage translation. G-stage Sv39x4 (16 KiB root, the two
 * extra GPA bits: a GPA at 1 TiB uses root entries >= 512) under a Bare
 * VS-stage, then under a VS-stage Sv39; guest-page faults 20/21/23 with
 * mtval/stval = guest virtual address, mtval2/htval = GPA >> 2, GVA=1
 * (taken in M and, delegated, in HS); G-stage leaf without U faults; GPA
 * bits above 41 fault; G-stage A/D (hardware update or fault); an implicit
 * VS page-table read that misses the G-stage (htval = PTE GPA >> 2, htinst
 * pseudoinstruction 0x3000 or 0 with htval 0); Sv48x4. */
#include "rvh.h"
#include "rvh_vm.h"

static uint8_t pages[8][RVH_PAGE] __attribute__((aligned(4096)));

#define GPA_MAP     0x100000000UL        /* -> pages[0] */
#define GPA_UNMAP   0x100001000UL
#define GPA_NOU     0x100002000UL        /* G leaf without U -> pages[1] */
#define GPA_RO      0x100003000UL        /* G leaf read-only -> pages[2] */
#define GPA_NOAD    0x100004000UL        /* G leaf A=D=0 -> pages[3] */
#define GPA_VSPT    0x100005000UL        /* unmapped: VS table "lives" here */
#define GPA_HIGH    0x10000000000UL      /* 1 TiB: root index 1024 -> pages[4] */
#define GPA_TOOBIG  0x20000000000UL      /* bit 41 set: beyond Sv39x4 */
#define GPA_SV48    0x1000000000000UL    /* 2^48: Sv48x4 root index 512 */

/* VS-stage (Sv39) guest virtual addresses */
#define GVA_MAP     0x40000000UL         /* -> GPA_MAP */
#define GVA_GMISS   0x40001000UL         /* -> GPA_UNMAP (G-stage miss) */
#define GVA_PTMISS  0x100000000UL        /* VS table at GPA_VSPT */

static struct rvh_pt g39, g48, vs;

static inline uint64_t ld64(uint64_t a)
{
  uint64_t v;
  __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(a) : "memory");
  return v;
}
static inline void sd64(uint64_t a, uint64_t v)
{
  __asm__ volatile("sd %1, 0(%0)" : : "r"(a), "r"(v) : "memory");
}
static inline uint64_t call_va(uint64_t va)
{
  register uint64_t a0 __asm__("a0") = va;
  __asm__ volatile("jalr ra, 0(a0)" : "+r"(a0) : : "ra", "a1", "a7", "memory");
  return a0;
}

#define Q_GVA_M "QEMU 7.2 mstatus.GVA is sticky (never cleared on a trap into M)"

/* check a guest-page fault recorded by the trap handler */
static void check_gpf(uint64_t cause, uint64_t gva, uint64_t gpa, int line)
{
  rvh_check_eq(rvh_trap.count, 1, "count", "1", __FILE__, line);
  rvh_check_eq(rvh_trap.cause, cause, "cause", "expected", __FILE__, line);
  rvh_check_eq(rvh_trap.tval, gva, "tval", "gva", __FILE__, line);
  /* spec: mtval2/htval = zero or the faulting GPA >> 2 */
  rvh_check(rvh_trap.tval2 == 0 || rvh_trap.tval2 == (gpa >> 2),
            "mtval2/htval == 0 || == gpa >> 2", __FILE__, line);
  if (rvh_trap.tval2 == 0)
    printf("info: %s:%d: mtval2/htval = 0 (allowed)\n", __FILE__, line);
  rvh_check_eq(rvh_trap.gva, 1, "GVA", "1", __FILE__, line);
  rvh_check_eq(rvh_trap.virt, 1, "MPV/SPV", "1", __FILE__, line);
}
#define EXPECT_GPF(cause, gva, gpa, ...) do {                                \
    rvh_trap_arm(); { __VA_ARGS__; } rvh_trap_disarm();                      \
    check_gpf(cause, gva, gpa, __LINE__);                                     \
  } while (0)

static volatile uint64_t tinst_seen[4];

/* ---- VS-mode bodies ---- */
static uint64_t vs_bare(uint64_t unused)
{
  CHECK_EQ(ld64(GPA_MAP), 0x1111222233334444UL);
  {
    rvh_trap_arm();
    uint64_t hv = ld64(GPA_HIGH + 8);
    rvh_trap_disarm();
    CHECK_EQ_QEMU_QUIRK(rvh_trap.count, 0,
                        "QEMU 7.2 Sv39x4: GPA 1 TiB (root index 1024) guest-page faults");
    if (!rvh_trap.count)
      CHECK_EQ(hv, 0x4444000000000008UL);
  }
  sd64(GPA_MAP + 16, 0xabcd);
  EXPECT_GPF(CAUSE_LOAD_GUEST_PAGE_FAULT, GPA_UNMAP + 8, GPA_UNMAP + 8, ld64(GPA_UNMAP + 8));
  tinst_seen[0] = rvh_trap.tinst;
  EXPECT_GPF(CAUSE_STORE_GUEST_PAGE_FAULT, GPA_UNMAP + 0x10, GPA_UNMAP + 0x10,
             sd64(GPA_UNMAP + 0x10, 1));
  tinst_seen[1] = rvh_trap.tinst;
  EXPECT_GPF(CAUSE_FETCH_GUEST_PAGE_FAULT, GPA_UNMAP + 0x40, GPA_UNMAP + 0x40,
             call_va(GPA_UNMAP + 0x40));
  CHECK_EQ(rvh_trap.tinst, 0); /* no fetched instruction: 0 (no pseudo) */
  /* G-stage leaf without U: all G-stage accesses are user accesses */
  EXPECT_GPF(CAUSE_LOAD_GUEST_PAGE_FAULT, GPA_NOU, GPA_NOU, ld64(GPA_NOU));
  /* read-only G page */
  CHECK_EQ(ld64(GPA_RO), 0x2222000000000000UL);
  EXPECT_GPF(CAUSE_STORE_GUEST_PAGE_FAULT, GPA_RO + 8, GPA_RO + 8, sd64(GPA_RO + 8, 5));
  /* GPA wider than 41 bits */
  EXPECT_GPF(CAUSE_LOAD_GUEST_PAGE_FAULT, GPA_TOOBIG, GPA_TOOBIG, ld64(GPA_TOOBIG));
  /* A/D = 0 at the G-stage: hardware update or guest-page fault */
  rvh_trap_arm();
  uint64_t v = ld64(GPA_NOAD);
  sd64(GPA_NOAD + 8, 0x99);
  rvh_trap_disarm();
  tinst_seen[2] = rvh_trap.count;
  tinst_seen[3] = rvh_trap.cause;
  (void)v;
  return 0;
}

static uint64_t vs_sv39(uint64_t unused)
{
  CHECK_EQ(ld64(GVA_MAP), 0x1111222233334444UL);
  EXPECT_GPF(CAUSE_LOAD_GUEST_PAGE_FAULT, GVA_GMISS + 0x18, GPA_UNMAP + 0x18,
             ld64(GVA_GMISS + 0x18));
  /* implicit access: the VS page table at GPA_VSPT is not in the G-stage */
  rvh_trap_arm();
  ld64(GVA_PTMISS + 0x20);
  rvh_trap_disarm();
  CHECK_EQ(rvh_trap.count, 1);
  CHECK_EQ(rvh_trap.cause, CAUSE_LOAD_GUEST_PAGE_FAULT);
  CHECK_EQ(rvh_trap.tval, GVA_PTMISS + 0x20);
  CHECK(rvh_trap.tval2 == 0 || rvh_trap.tval2 == (GPA_VSPT >> 2));
  if (rvh_trap.tval2)
    CHECK_EQ(rvh_trap.tinst, 0x3000); /* 64-bit read for VS-stage translation */
  tinst_seen[0] = rvh_trap.tval2;
  tinst_seen[1] = rvh_trap.tinst;
  return 0;
}

static uint64_t vs_sv48x4(uint64_t unused)
{
  {
    rvh_trap_arm();
    uint64_t hv = ld64(GPA_SV48 + 8);
    rvh_trap_disarm();
    CHECK_EQ_QEMU_QUIRK(rvh_trap.count, 0,
                        "QEMU 7.2 Sv48x4: GPA 2^48 (root index 512) guest-page faults");
    if (!rvh_trap.count)
      CHECK_EQ(hv, 0x4444000000000008UL);
  }
  CHECK_EQ(ld64(GPA_MAP), 0x1111222233334444UL);
  EXPECT_GPF(CAUSE_LOAD_GUEST_PAGE_FAULT, GPA_SV48 + 0x1000, GPA_SV48 + 0x1000,
             ld64(GPA_SV48 + 0x1000));
  return 0;
}

static void build(void)
{
  rvh_pt_reset();
  g39 = (struct rvh_pt){rvh_pt_alloc_root16k(), 3, 1};
  rvh_pt_map_identity(&g39, PTE_U);
  rvh_pt_map(&g39, GPA_MAP, (uintptr_t)pages[0], PTE_R | PTE_W | PTE_U | PTE_AD, 0);
  rvh_pt_map(&g39, GPA_NOU, (uintptr_t)pages[1], PTE_R | PTE_W | PTE_AD, 0);
  rvh_pt_map(&g39, GPA_RO, (uintptr_t)pages[2], PTE_R | PTE_U | PTE_A, 0);
  rvh_pt_map(&g39, GPA_NOAD, (uintptr_t)pages[3], PTE_R | PTE_W | PTE_U, 0);
  rvh_pt_map(&g39, GPA_HIGH, (uintptr_t)pages[4], PTE_R | PTE_W | PTE_U | PTE_AD, 0);

  g48 = (struct rvh_pt){rvh_pt_alloc_root16k(), 4, 1};
  rvh_pt_map_identity(&g48, PTE_U);
  rvh_pt_map(&g48, GPA_MAP, (uintptr_t)pages[0], PTE_R | PTE_W | PTE_U | PTE_AD, 0);
  rvh_pt_map(&g48, GPA_SV48, (uintptr_t)pages[4], PTE_R | PTE_W | PTE_U | PTE_AD, 0);

  /* VS-stage Sv39: identity for code/devices, plus test pages; its tables
   * are at GPA == PA (RAM is identity-mapped in the G-stage) */
  vs = (struct rvh_pt){rvh_pt_alloc(), 3, 0};
  rvh_pt_map(&vs, 0x00000000UL, 0x00000000UL, PTE_R | PTE_W | PTE_AD, 2);
  rvh_pt_map(&vs, 0x80000000UL, 0x80000000UL, PTE_RWX | PTE_AD, 2);
  rvh_pt_map(&vs, GVA_MAP, GPA_MAP, PTE_R | PTE_W | PTE_AD, 0);
  rvh_pt_map(&vs, GVA_GMISS, GPA_UNMAP, PTE_R | PTE_W | PTE_AD, 0);
  vs.root[(GVA_PTMISS >> 30) & 0x1ff] = PTE_PPN(GPA_VSPT) | PTE_V; /* next level at GPA_VSPT */

  *(uint64_t *)&pages[0][0] = 0x1111222233334444UL;
  *(uint64_t *)&pages[2][0] = 0x2222000000000000UL;
  *(uint64_t *)&pages[4][8] = 0x4444000000000008UL;
}

int main(void)
{
  if (!rvh_has_h) {
    CHECK(0 && "misa.H");
    rvh_test_done("h_gstage");
  }
  build();
  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);
  csr_write(CSR_VSATP, 0);
  csr_write(CSR_HGATP, rvh_pt_satp(&g39, 0) | (1UL << 44) /* VMID 1 */);
  CHECK_EQ(csr_read(CSR_HGATP) >> 60, 8);
  hfence_gvma_all();

  /* traps taken in M */
  run_in_vmode(PRV_S, vs_bare, 0);
  CHECK_EQ(*(volatile uint64_t *)&pages[0][16], 0xabcd);
  INFO("load GPF: mtinst = 0x%lx, store GPF: mtinst = 0x%lx", tinst_seen[0], tinst_seen[1]);
  /* mtinst: zero or the transformed instruction (ld a?, 0(x?) -> rs1 = 0) */
  CHECK(tinst_seen[0] == 0 || (tinst_seen[0] & 0xfffff07fUL) == 0x3003);
  CHECK(tinst_seen[1] == 0 || (tinst_seen[1] & 0xfe0fffffUL) == 0x3023);
  {
    pte_t ad = *rvh_pt_slot(&g39, GPA_NOAD, 0);
    INFO("G-stage A/D: %lu trap(s) (cause %lu), PTE A=%lu D=%lu", tinst_seen[2],
         tinst_seen[3], (ad >> 6) & 1, (ad >> 7) & 1);
    if (tinst_seen[2] == 0) {
      CHECK_EQ(ad & PTE_AD, PTE_AD);
    } else {
      CHECK(tinst_seen[3] == CAUSE_LOAD_GUEST_PAGE_FAULT ||
            tinst_seen[3] == CAUSE_STORE_GUEST_PAGE_FAULT);
    }
  }

  /* delegated to HS: stval, htval, hstatus.GVA/SPV/SPVP */
  csr_write(medeleg, (1UL << CAUSE_LOAD_GUEST_PAGE_FAULT) |
                     (1UL << CAUSE_STORE_GUEST_PAGE_FAULT) |
                     (1UL << CAUSE_FETCH_GUEST_PAGE_FAULT));
  *rvh_pt_slot(&g39, GPA_NOAD, 0) = PTE_PPN(pages[3]) | PTE_V | PTE_R | PTE_W | PTE_U | PTE_AD;
  hfence_gvma_all();
  run_in_vmode(PRV_S, vs_bare, 0);
  CHECK_EQ(rvh_trap.level, RVH_LEVEL_S);
  CHECK_EQ(rvh_trap.hstatus & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA),
           HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA);
  /* guest-page faults cannot go to VS: hedeleg bits are read-only zero */
  csr_write(CSR_HEDELEG, 0xf00000UL);
  CHECK_EQ(csr_read(CSR_HEDELEG) & 0xf00000UL, 0);
  csr_write(CSR_HEDELEG, 0);
  csr_write(medeleg, 0);

  /* VS-stage Sv39 on top */
  csr_write(CSR_VSATP, rvh_pt_satp(&vs, 0));
  hfence_vvma_all();
  run_in_vmode(PRV_S, vs_sv39, 0);
  INFO("implicit VS PTE read GPF: htval/mtval2 = 0x%lx, mtinst = 0x%lx",
       tinst_seen[0], tinst_seen[1]);
  csr_write(CSR_VSATP, 0);

  /* Sv48x4 */
  csr_write(CSR_HGATP, rvh_pt_satp(&g48, 0));
  if ((csr_read(CSR_HGATP) >> 60) == 9) {
    hfence_gvma_all();
    run_in_vmode(PRV_S, vs_sv48x4, 0);
  } else {
    CHECK(0 && "Sv48x4 not supported");
  }
  csr_write(CSR_HGATP, 0);
  hfence_gvma_all();
  rvh_test_done("h_gstage");
}
