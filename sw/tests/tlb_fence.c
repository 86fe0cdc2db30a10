/* tlb_fence: the hart's TLB keeps a translation until the SFENCE.VMA that
 * names it (priv spec 4.2.1, "Supervisor Memory-Management Fence
 * Instruction"). M builds Sv39 tables; S loads (or stores to) a test page so
 * that its translation is cached, rewrites the page's PTE to another
 * physical page and then:
 *   a. no fence: the load still sees the old page;
 *   b. sfence.vma with another address (another TLB set, and the same set
 *      1 MiB away): still the old page;
 *   c. sfence.vma with another ASID in rs2 (rs1 x0, and rs1 = the page): still
 *      old; with the current ASID: the new page;
 *   d. sfence.vma with an address inside the page: the new page;
 *   e. satp switched to another ASID and back, no fence: still old (a satp
 *      write invalidates nothing, 4.1.11);
 *   f. a global (PTE.G) page: sfence.vma x0, asid and sfence.vma va, asid do
 *      not flush it, sfence.vma x0, x0 does;
 *   g. a 2 MiB superpage with two 4 KiB pieces cached: unchanged without a
 *      fence; sfence.vma with another address inside it (not its base, not a
 *      piece that was accessed) flushes both pieces;
 *   h. stores: a store after the PTE change without a fence goes to the old
 *      page, after sfence.vma va to the new one.
 * Keeping a stale translation is allowed, not required, so this is an
 * rvh-vp test only (QEMU is no oracle for it: tests/sw_tests.cmake).
 * Between the access that fills the TLB and the check, S makes no other
 * access of the same type (one asm block), and the test pages use TLB sets
 * (virtual page number mod 256) 0xc0-0xef, distinct from each other and
 * above the program image (checked), so a direct-mapped TLB of 256 sets keeps
 * them as well as any other that is not flushed. */
#define RVH_PT_POOL 8
#include "rvh.h"
#include "rvh_vm.h"

#define ASID_A 1UL        /* the address space the checks run in */
#define ASID_B 2UL        /* another one */

#define VA_BASE   0x100000000UL                 /* Sv39 root index 4 */
#define VA_T      (VA_BASE + 0xc1000UL)         /* TLB set 0xc1 */
#define VA_OTHER  (VA_BASE + 0xd2000UL)         /* another set */
#define VA_SAMESET (VA_T + 0x100000UL)          /* set 0xc1, another page */
#define VA_G      (VA_BASE + 0xc3000UL)         /* global page */
#define VA_ST     (VA_BASE + 0xc4000UL)         /* store checks */
#define VA_SUPER  (VA_BASE + 0x200000UL)        /* 2 MiB leaf */
#define SUPER_P1  0xc5000UL                     /* pieces accessed (sets c5, e7) */
#define SUPER_P2  0x1e7000UL
#define SUPER_FENCE 0x123000UL                  /* fence address inside it */
#define PA_SUPER_OLD 0x86000000UL
#define PA_SUPER_NEW 0x86200000UL
#define LOWEST_TEST_SET 0xc0

static uint8_t pages[4][RVH_PAGE] __attribute__((aligned(4096)));
#define VAL(i) (0x1111111111111111UL * (uint64_t)((i) + 1))
#define SUPER_VAL(pa, off) (0x5a5a000000000000UL | (pa) | (off))

static struct rvh_pt pt;
static uint64_t satp_a, satp_b;

static inline void sfence_all(void) { __asm__ volatile("sfence.vma" ::: "memory"); }

/* ---- the probe: load, rewrite the PTE, fence (or not), load again ---- */
enum fence {
  F_NONE,        /* nothing */
  F_ADDR,        /* sfence.vma r1, x0 */
  F_ASID,        /* sfence.vma x0, r2 */
  F_ADDR_ASID,   /* sfence.vma r1, r2 */
  F_ALL,         /* sfence.vma x0, x0 */
  F_SATP_SWITCH, /* csrw satp, r1; csrw satp, r2 */
};

struct probe {
  enum fence fence;
  uint64_t va, r1, r2, new_pte;
  pte_t *slot;
  uint64_t first, second;
};
static volatile struct probe P;

/* One asm block: nothing but the two loads goes through the load TLB
 * between filling it and the check. */
#define PROBE_ASM(FENCE)                                                    \
  __asm__ volatile("ld %0, 0(%2)\n\t"                                       \
                   "sd %3, 0(%4)\n\t" FENCE "\n\t"                          \
                   "ld %1, 0(%2)"                                           \
                   : "=&r"(first), "=&r"(second)                            \
                   : "r"(va), "r"(pte), "r"(slot), "r"(r1), "r"(r2)         \
                   : "memory")

static uint64_t s_probe(uint64_t unused)
{
  const uint64_t va = P.va, r1 = P.r1, r2 = P.r2, pte = P.new_pte;
  pte_t *const slot = P.slot;
  uint64_t first = 0, second = 0;
  switch (P.fence) {
  case F_NONE: PROBE_ASM(""); break;
  case F_ADDR: PROBE_ASM("sfence.vma %5, zero"); break;
  case F_ASID: PROBE_ASM("sfence.vma zero, %6"); break;
  case F_ADDR_ASID: PROBE_ASM("sfence.vma %5, %6"); break;
  case F_ALL: PROBE_ASM("sfence.vma zero, zero"); break;
  case F_SATP_SWITCH: PROBE_ASM("csrw satp, %5\n\tcsrw satp, %6"); break;
  }
  P.first = first;
  P.second = second;
  return 0;
}

/* From M: map va to pages[from] (with extra PTE flags), flush, then in S
 * run the probe that remaps it to pages[to]. Returns the second load. */
static uint64_t probe(enum fence f, uint64_t va, int from, int to, uint64_t extra,
                      uint64_t r1, uint64_t r2)
{
  pte_t *slot = rvh_pt_slot(&pt, va, 0);
  const uint64_t flags = PTE_R | PTE_W | PTE_AD | extra;
  *slot = PTE_PPN(pages[from]) | PTE_V | flags;
  csr_write(satp, satp_a);
  sfence_all();
  P.fence = f;
  P.va = va;
  P.r1 = r1;
  P.r2 = r2;
  P.slot = slot;
  P.new_pte = PTE_PPN(pages[to]) | PTE_V | flags;
  P.first = P.second = 0;
  run_in_mode(PRV_S, s_probe, 0);
  CHECK_EQ(P.first, VAL(from)); /* the mapping before the change */
  *slot = PTE_PPN(pages[from]) | PTE_V | flags;
  sfence_all();
  return P.second;
}

#define SEES_OLD(actual, what) \
  rvh_check_eq((actual), VAL(0), "load " what, "old page", __FILE__, __LINE__)
#define SEES_NEW(actual, what) \
  rvh_check_eq((actual), VAL(1), "load " what, "new page", __FILE__, __LINE__)

/* ---- per-case report ---- */
static unsigned case_failures;
static void case_begin(void) { case_failures = rvh_checks_failed; }
static void case_end(const char *id, const char *what)
{
  printf("case %s: %s: %s\n", id, what, rvh_checks_failed == case_failures ? "ok" : "FAILED");
}

/* ---- g: superpage ---- */
static volatile uint64_t super_seen[6];
static uint64_t s_superpage(uint64_t new_pte)
{
  pte_t *slot = rvh_pt_slot(&pt, VA_SUPER, 1);
  const uint64_t p1 = VA_SUPER + SUPER_P1, p2 = VA_SUPER + SUPER_P2,
                 in = VA_SUPER + SUPER_FENCE;
  uint64_t v[6];
  __asm__ volatile("ld %0, 0(%6)\n\t"
                   "ld %1, 0(%7)\n\t"
                   "sd %8, 0(%9)\n\t"
                   "ld %2, 0(%6)\n\t"
                   "ld %3, 0(%7)\n\t"
                   "sfence.vma %10, zero\n\t"
                   "ld %4, 0(%6)\n\t"
                   "ld %5, 0(%7)"
                   : "=&r"(v[0]), "=&r"(v[1]), "=&r"(v[2]), "=&r"(v[3]), "=&r"(v[4]),
                     "=&r"(v[5])
                   : "r"(p1), "r"(p2), "r"(new_pte), "r"(slot), "r"(in)
                   : "memory");
  for (int i = 0; i < 6; i++)
    super_seen[i] = v[i];
  return 0;
}

/* ---- h: stores ---- */
#define ST1 0xa1a1a1a1a1a1a1a1UL
#define ST2 0xb2b2b2b2b2b2b2b2UL
#define ST3 0xc3c3c3c3c3c3c3c3UL
static uint64_t s_stores(uint64_t new_pte)
{
  pte_t *slot = rvh_pt_slot(&pt, VA_ST, 0);
  /* +0: fills the store TLB; +8: after the PTE change, no fence; +16: after
   * sfence.vma VA_ST */
  __asm__ volatile("sd %1, 0(%0)\n\t"
                   "sd %4, 0(%5)\n\t"
                   "sd %2, 8(%0)\n\t"
                   "sfence.vma %0, zero\n\t"
                   "sd %3, 16(%0)"
                   :
                   : "r"(VA_ST), "r"(ST1), "r"(ST2), "r"(ST3), "r"(new_pte), "r"(slot)
                   : "memory");
  return 0;
}

static uint64_t word(int page, unsigned off) { return *(volatile uint64_t *)&pages[page][off]; }

int main(void)
{
  for (int i = 0; i < 4; i++)
    for (unsigned j = 0; j < RVH_PAGE / 8; j++)
      ((volatile uint64_t *)pages[i])[j] = VAL(i);
  const uint64_t super_pieces[2] = {SUPER_P1, SUPER_P2};
  for (int i = 0; i < 2; i++) {
    const uint64_t off = super_pieces[i];
    *(volatile uint64_t *)(PA_SUPER_OLD + off) = SUPER_VAL(PA_SUPER_OLD, off);
    *(volatile uint64_t *)(PA_SUPER_NEW + off) = SUPER_VAL(PA_SUPER_NEW, off);
  }
  /* the program's own pages (code, data, stacks) must not share a TLB set
   * with the test pages */
  CHECK((uintptr_t)__heap_start <= RVH_RAM_BASE + LOWEST_TEST_SET * RVH_PAGE);

  rvh_pt_reset();
  pt = (struct rvh_pt){rvh_pt_alloc(), 3, 0};
  rvh_pt_map(&pt, 0x00000000UL, 0x00000000UL, PTE_R | PTE_W | PTE_AD, 2);
  rvh_pt_map(&pt, 0x80000000UL, 0x80000000UL, PTE_RWX | PTE_AD, 2);
  rvh_pt_map(&pt, VA_SUPER, PA_SUPER_OLD, PTE_R | PTE_W | PTE_AD, 1);
  rvh_pt_slot(&pt, VA_T, 0); /* the level-0 table for the 4 KiB test pages */
  satp_a = rvh_pt_satp(&pt, ASID_A);
  satp_b = rvh_pt_satp(&pt, ASID_B);
  csr_write(satp, satp_b);
  CHECK_EQ(csr_read(satp), satp_b); /* ASIDs 1 and 2 exist */
  csr_write(satp, satp_a);
  CHECK_EQ(csr_read(satp), satp_a);
  sfence_all();

  case_begin();
  SEES_OLD(probe(F_NONE, VA_T, 0, 1, 0, 0, 0), "after the PTE change, no fence");
  case_end("a", "PTE changed, no fence: the old page");

  case_begin();
  SEES_OLD(probe(F_ADDR, VA_T, 0, 1, 0, VA_OTHER, 0), "after sfence.vma <another page>, x0");
  SEES_OLD(probe(F_ADDR, VA_T, 0, 1, 0, VA_SAMESET, 0),
           "after sfence.vma <page 1 MiB away>, x0");
  case_end("b", "sfence.vma with another address: the old page");

  case_begin();
  SEES_OLD(probe(F_ASID, VA_T, 0, 1, 0, 0, ASID_B), "after sfence.vma x0, <other ASID>");
  SEES_OLD(probe(F_ADDR_ASID, VA_T, 0, 1, 0, VA_T, ASID_B),
           "after sfence.vma va, <other ASID>");
  SEES_NEW(probe(F_ASID, VA_T, 0, 1, 0, 0, ASID_A), "after sfence.vma x0, <current ASID>");
  case_end("c", "sfence.vma with another ASID: the old page (with this ASID: the new one)");

  case_begin();
  SEES_NEW(probe(F_ADDR, VA_T, 0, 1, 0, VA_T + 0x888, 0), "after sfence.vma va+0x888, x0");
  SEES_NEW(probe(F_ADDR_ASID, VA_T, 0, 1, 0, VA_T, ASID_A), "after sfence.vma va, asid");
  case_end("d", "sfence.vma with the page's address: the new page");

  case_begin();
  SEES_OLD(probe(F_SATP_SWITCH, VA_T, 0, 1, 0, satp_b, satp_a),
           "after satp to ASID 2 and back to 1, no fence");
  case_end("e", "satp switched to another ASID and back: the old page");

  case_begin();
  SEES_OLD(probe(F_ASID, VA_G, 0, 1, PTE_G, 0, ASID_A), "of a G page after sfence.vma x0, asid");
  SEES_OLD(probe(F_ADDR_ASID, VA_G, 0, 1, PTE_G, VA_G, ASID_A),
           "of a G page after sfence.vma va, asid");
  SEES_NEW(probe(F_ALL, VA_G, 0, 1, PTE_G, 0, 0), "of a G page after sfence.vma x0, x0");
  case_end("f", "global page: kept by sfence.vma x0/va, asid; flushed by sfence.vma x0, x0");

  case_begin();
  {
    pte_t *slot = rvh_pt_slot(&pt, VA_SUPER, 1);
    const uint64_t flags = PTE_V | PTE_R | PTE_W | PTE_AD;
    *slot = PTE_PPN(PA_SUPER_OLD) | flags;
    sfence_all();
    run_in_mode(PRV_S, s_superpage, PTE_PPN(PA_SUPER_NEW) | flags);
    *slot = PTE_PPN(PA_SUPER_OLD) | flags;
    sfence_all();
    const uint64_t old1 = SUPER_VAL(PA_SUPER_OLD, SUPER_P1), old2 = SUPER_VAL(PA_SUPER_OLD, SUPER_P2);
    const uint64_t new1 = SUPER_VAL(PA_SUPER_NEW, SUPER_P1), new2 = SUPER_VAL(PA_SUPER_NEW, SUPER_P2);
    CHECK_EQ(super_seen[0], old1);
    CHECK_EQ(super_seen[1], old2);
    rvh_check_eq(super_seen[2], old1, "piece 1, no fence", "old superpage", __FILE__, __LINE__);
    rvh_check_eq(super_seen[3], old2, "piece 2, no fence", "old superpage", __FILE__, __LINE__);
    rvh_check_eq(super_seen[4], new1, "piece 1 after sfence.vma <inside>", "new superpage",
                 __FILE__, __LINE__);
    rvh_check_eq(super_seen[5], new2, "piece 2 after sfence.vma <inside>", "new superpage",
                 __FILE__, __LINE__);
  }
  case_end("g", "2 MiB superpage: sfence.vma at another address inside it flushes its pieces");

  case_begin();
  {
    pte_t *slot = rvh_pt_slot(&pt, VA_ST, 0);
    const uint64_t flags = PTE_V | PTE_R | PTE_W | PTE_AD;
    for (unsigned off = 0; off < 24; off += 8) {
      *(volatile uint64_t *)&pages[2][off] = 0;
      *(volatile uint64_t *)&pages[3][off] = 0;
    }
    *slot = PTE_PPN(pages[2]) | flags;
    sfence_all();
    run_in_mode(PRV_S, s_stores, PTE_PPN(pages[3]) | flags);
    *slot = PTE_PPN(pages[2]) | flags;
    sfence_all();
    CHECK_EQ(word(2, 0), ST1);
    rvh_check_eq(word(2, 8), ST2, "old page +8", "store after the PTE change, no fence",
                 __FILE__, __LINE__);
    CHECK_EQ(word(3, 8), 0);
    rvh_check_eq(word(3, 16), ST3, "new page +16", "store after sfence.vma va", __FILE__,
                 __LINE__);
    CHECK_EQ(word(2, 16), 0);
  }
  case_end("h", "store after the PTE change: old page without a fence, new after sfence.vma va");

  csr_write(satp, 0);
  sfence_all();
  rvh_test_done("tlb_fence");
}
