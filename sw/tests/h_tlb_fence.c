/* h_tlb_fence: guest (V=1) and host (V=0) translations are flushed only by
 * the fences that name them (H spec, "Hypervisor Memory-Management Fence
 * Instructions"; priv spec 4.2.1). A guest in VS-mode (vsatp Sv39 ASID 5,
 * hgatp Sv39x4 VMID 1) loads a page, so its translation is cached, rewrites a
 * PTE of its own translation (VS-stage: GVA -> another GPA; G-stage: GPA ->
 * another host page; the tables are reachable through the identity map), asks
 * HS for a fence with an ecall (medeleg delegates cause 10 to HS, whose trap
 * hook executes the fence and returns), and loads the page again:
 *   a. HS sfence.vma in every form (x0/x0, gva/x0, x0/guest ASID, gva/ASID)
 *      does not flush the guest translation;
 *   b. hfence.vvma with another ASID or another address does not; each form
 *      naming it (x0/x0, gva/x0, x0/ASID, gva/ASID) does;
 *   c. an HS translation (satp Sv39 ASID 1) whose PTE HS changed stays stale
 *      across the guest's own sfence.vma in every form (with HS's address
 *      and ASID); HS's sfence.vma va then flushes it;
 *   d. after a G-stage change, hfence.gvma with another VMID or another GPA
 *      does not flush; each form naming the G-stage leaf (rs1 = GPA >> 2 of
 *      an address inside the page, rs2 = VMID, both, neither) does;
 *   e. a G-stage change without any fence keeps the old mapping, also across
 *      a round trip through HS;
 *   f. hfence.vvma x0, x0 executed while hgatp holds another VMID (VMID 1
 *      restored after) does not flush VMID 1's guest translation.
 * Keeping a stale translation is allowed, not required, so this is an
 * rvh-vp test only (QEMU is no oracle for it: tests/sw_tests.cmake).
 * Between the access that fills the TLB and the check, only the trap to HS
 * and back runs (no other guest load; in c, HS's own loads of the library's
 * mode switch), and the test pages use TLB sets (virtual page number mod 256)
 * 0xc0 and up, above the program image (checked), so a direct-mapped TLB of
 * 256 sets keeps them as well as any other that is not flushed. */
#define RVH_PT_POOL 12
#define RVH_PT_ROOT16K_POOL 1
#include "rvh.h"
#include "rvh_vm.h"

#define VMID 1UL
#define VMID_OTHER 2UL
#define ASID_VS 5UL
#define ASID_VS_OTHER 6UL
#define ASID_HS 1UL

/* GPA_A's page number differs from GVA_T's in its low bits too, so a fence
 * by GPA cannot reach GVA_T's entry through its TLB set by accident. */
#define GPA_A     0x1000e5000UL       /* G stage: -> pages[0] (new: pages[1]) */
#define GPA_B     0x1000e6000UL       /* G stage: -> pages[2] */
#define GVA_T     0x400c1000UL        /* VS stage: -> GPA_A (new: GPA_B); set 0xc1 */
/* another GPA for hfence.gvma: GVA_T's value, so a fence that matched the
 * guest-virtual page instead of the G-stage leaf would show */
#define GPA_OTHER GVA_T
#define GVA_OTHER 0x400d2000UL
#define VA_H      0x400c4000UL        /* HS satp: -> pages[1] (new: pages[3]); set 0xc4 */
#define LOWEST_TEST_SET 0xc0

static uint8_t pages[4][RVH_PAGE] __attribute__((aligned(4096)));
#define VAL(i) (0x1111111111111111UL * (uint64_t)((i) + 1))

static struct rvh_pt g, vs, hs;
static pte_t *vs_slot, *g_slot, *hs_slot;
#define LEAF (PTE_V | PTE_R | PTE_W | PTE_AD)

/* ---- HS service: a VS ecall with a7 = SVC_MAGIC runs fence a0 in HS ---- */
#define SVC_MAGIC 0x53564354424c4221UL
enum op {
  OP_NONE = -1, /* no ecall at all */
  OP_NOP,       /* trap to HS and back */
  OP_SFENCE_ALL, OP_SFENCE_ADDR, OP_SFENCE_ASID, OP_SFENCE_ADDR_ASID,
  OP_VVMA_ALL, OP_VVMA_ADDR, OP_VVMA_ASID, OP_VVMA_ADDR_ASID,
  OP_GVMA_ALL, OP_GVMA_ADDR, OP_GVMA_VMID, OP_GVMA_ADDR_VMID,
  OP_VVMA_UNDER_VMID, /* hgatp.VMID = a2, hfence.vvma x0, x0, hgatp back */
};

/* x0 operands encoded as x0 (a register holding 0 names address/ASID 0) */
#define HFENCE_VVMA_RS1(a) \
  __asm__ volatile(".insn r 0x73, 0x0, 0x11, x0, %0, x0" : : "r"(a) : "memory")
#define HFENCE_VVMA_RS2(v) \
  __asm__ volatile(".insn r 0x73, 0x0, 0x11, x0, x0, %0" : : "r"(v) : "memory")
#define HFENCE_GVMA_RS1(a) \
  __asm__ volatile(".insn r 0x73, 0x0, 0x31, x0, %0, x0" : : "r"(a) : "memory")
#define HFENCE_GVMA_RS2(v) \
  __asm__ volatile(".insn r 0x73, 0x0, 0x31, x0, x0, %0" : : "r"(v) : "memory")

static int hs_service(struct trap_frame *f, int level)
{
  if (level != RVH_LEVEL_S || f->cause != CAUSE_VIRTUAL_SUPERVISOR_ECALL ||
      f->x[17] != SVC_MAGIC)
    return 0;
  const uint64_t a = f->x[11], b = f->x[12];
  switch ((int)f->x[10]) {
  case OP_SFENCE_ALL: __asm__ volatile("sfence.vma zero, zero" ::: "memory"); break;
  case OP_SFENCE_ADDR: __asm__ volatile("sfence.vma %0, zero" : : "r"(a) : "memory"); break;
  case OP_SFENCE_ASID: __asm__ volatile("sfence.vma zero, %0" : : "r"(b) : "memory"); break;
  case OP_SFENCE_ADDR_ASID:
    __asm__ volatile("sfence.vma %0, %1" : : "r"(a), "r"(b) : "memory");
    break;
  case OP_VVMA_ALL: hfence_vvma_all(); break;
  case OP_VVMA_ADDR: HFENCE_VVMA_RS1(a); break;
  case OP_VVMA_ASID: HFENCE_VVMA_RS2(b); break;
  case OP_VVMA_ADDR_ASID: hfence_vvma(a, b); break;
  case OP_GVMA_ALL: hfence_gvma_all(); break;
  case OP_GVMA_ADDR: HFENCE_GVMA_RS1(a); break;
  case OP_GVMA_VMID: HFENCE_GVMA_RS2(b); break;
  case OP_GVMA_ADDR_VMID: hfence_gvma(a, b); break;
  case OP_VVMA_UNDER_VMID: {
    const uint64_t h = csr_read(CSR_HGATP);
    csr_write(CSR_HGATP, (h & ~HGATP_VMID_MASK) | (b << HGATP_VMID_SHIFT));
    hfence_vvma_all();
    csr_write(CSR_HGATP, h);
    break;
  }
  default: break;
  }
  f->epc += 4;
  return 1;
}

/* ---- the guest probe: load, rewrite a PTE, ask HS for op, load again ---- */
struct probe {
  int op;
  uint64_t a, b, new_pte;
  pte_t *slot;
  uint64_t first, second;
};
static volatile struct probe P;

static uint64_t vs_probe(uint64_t unused)
{
  const uint64_t va = GVA_T, pte = P.new_pte;
  pte_t *const slot = P.slot;
  uint64_t first, second;
  if (P.op == OP_NONE) {
    __asm__ volatile("ld %0, 0(%2)\n\tsd %3, 0(%4)\n\tld %1, 0(%2)"
                     : "=&r"(first), "=&r"(second)
                     : "r"(va), "r"(pte), "r"(slot)
                     : "memory");
  } else {
    register uint64_t a0 __asm__("a0") = (uint64_t)(int64_t)P.op;
    register uint64_t a1 __asm__("a1") = P.a;
    register uint64_t a2 __asm__("a2") = P.b;
    register uint64_t a7 __asm__("a7") = SVC_MAGIC;
    __asm__ volatile("ld %0, 0(%2)\n\tsd %3, 0(%4)\n\tecall\n\tld %1, 0(%2)"
                     : "=&r"(first), "=&r"(second)
                     : "r"(va), "r"(pte), "r"(slot), "r"(a0), "r"(a1), "r"(a2), "r"(a7)
                     : "memory");
  }
  P.first = first;
  P.second = second;
  return 0;
}

/* Every mapping back to its start and every translation flushed (from M). */
static void reset(void)
{
  *vs_slot = PTE_PPN(GPA_A) | LEAF;
  *g_slot = PTE_PPN(pages[0]) | LEAF | PTE_U;
  *hs_slot = PTE_PPN(pages[1]) | LEAF;
  csr_write(CSR_HGATP, rvh_pt_satp(&g, VMID));
  csr_write(CSR_VSATP, rvh_pt_satp(&vs, ASID_VS));
  csr_write(satp, rvh_pt_satp(&hs, ASID_HS));
  hfence_gvma_all();
  hfence_vvma_all();
  __asm__ volatile("sfence.vma" ::: "memory");
}

enum stage { VS_STAGE, G_STAGE };

/* The guest's second load of GVA_T after a remap at the given stage and op
 * (VAL(0) = old; new: VAL(2) for the VS stage, VAL(1) for the G stage). */
static uint64_t guest_probe(enum stage s, enum op op, uint64_t a, uint64_t b)
{
  reset();
  P.op = op;
  P.a = a;
  P.b = b;
  P.slot = s == VS_STAGE ? vs_slot : g_slot;
  P.new_pte = s == VS_STAGE ? PTE_PPN(GPA_B) | LEAF : PTE_PPN(pages[1]) | LEAF | PTE_U;
  P.first = P.second = 0;
  run_in_vmode(PRV_S, vs_probe, 0);
  CHECK_EQ(P.first, VAL(0)); /* the mapping before the change */
  reset();
  return P.second;
}

#define SEES_OLD(actual, what) \
  rvh_check_eq((actual), VAL(0), "guest load " what, "old page", __FILE__, __LINE__)
#define SEES_NEW(actual, newval, what) \
  rvh_check_eq((actual), (newval), "guest load " what, "new page", __FILE__, __LINE__)

/* ---- c: an HS translation across the guest's sfence.vma ---- */
static uint64_t vs_sfences(uint64_t unused)
{
  const uint64_t va = VA_H, asid = ASID_HS;
  __asm__ volatile("sfence.vma zero, zero\n\t"
                   "sfence.vma %0, zero\n\t"
                   "sfence.vma zero, %1\n\t"
                   "sfence.vma %0, %1"
                   : : "r"(va), "r"(asid) : "memory");
  return 0;
}
static volatile uint64_t hs_seen[3];
static uint64_t hs_translation(uint64_t new_pte)
{
  const uint64_t va = VA_H;
  pte_t *const slot = hs_slot;
  uint64_t v0, v1, v2;
  __asm__ volatile("ld %0, 0(%1)\n\tsd %2, 0(%3)" : "=&r"(v0) : "r"(va), "r"(new_pte), "r"(slot)
                   : "memory");
  hs_run_in_vmode(PRV_S, vs_sfences, 0);
  __asm__ volatile("ld %0, 0(%1)" : "=r"(v1) : "r"(va) : "memory");
  __asm__ volatile("sfence.vma %1, zero\n\tld %0, 0(%1)" : "=r"(v2) : "r"(va) : "memory");
  hs_seen[0] = v0;
  hs_seen[1] = v1;
  hs_seen[2] = v2;
  return 0;
}

/* ---- per-case report ---- */
static unsigned case_failures;
static void case_begin(void) { case_failures = rvh_checks_failed; }
static void case_end(const char *id, const char *what)
{
  printf("case %s: %s: %s\n", id, what, rvh_checks_failed == case_failures ? "ok" : "FAILED");
}

int main(void)
{
  if (!rvh_has_h) {
    CHECK(0 && "misa.H");
    rvh_test_done("h_tlb_fence");
  }
  for (int i = 0; i < 4; i++)
    for (unsigned j = 0; j < RVH_PAGE / 8; j++)
      ((volatile uint64_t *)pages[i])[j] = VAL(i);
  /* the program's own pages must not share a TLB set with the test pages */
  CHECK((uintptr_t)__heap_start <= RVH_RAM_BASE + LOWEST_TEST_SET * RVH_PAGE);

  rvh_pt_reset();
  g = (struct rvh_pt){rvh_pt_alloc_root16k(), 3, 1};
  rvh_pt_map_identity(&g, PTE_U);
  g_slot = rvh_pt_slot(&g, GPA_A, 0);
  rvh_pt_map(&g, GPA_B, (uintptr_t)pages[2], PTE_R | PTE_W | PTE_AD | PTE_U, 0);
  vs = (struct rvh_pt){rvh_pt_alloc(), 3, 0};
  rvh_pt_map(&vs, 0x00000000UL, 0x00000000UL, PTE_R | PTE_W | PTE_AD, 2);
  rvh_pt_map(&vs, 0x80000000UL, 0x80000000UL, PTE_RWX | PTE_AD, 2);
  vs_slot = rvh_pt_slot(&vs, GVA_T, 0);
  hs = (struct rvh_pt){rvh_pt_alloc(), 3, 0};
  rvh_pt_map(&hs, 0x00000000UL, 0x00000000UL, PTE_R | PTE_W | PTE_AD, 2);
  rvh_pt_map(&hs, 0x80000000UL, 0x80000000UL, PTE_RWX | PTE_AD, 2);
  hs_slot = rvh_pt_slot(&hs, VA_H, 0);

  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);
  csr_write(CSR_HEDELEG, 0);
  csr_write(medeleg, 1UL << CAUSE_VIRTUAL_SUPERVISOR_ECALL); /* guest ecalls go to HS */
  rvh_trap_hook = hs_service;
  csr_write(CSR_HGATP, rvh_pt_satp(&g, VMID_OTHER));
  CHECK_EQ((csr_read(CSR_HGATP) >> HGATP_VMID_SHIFT) & 3, VMID_OTHER);
  csr_write(CSR_VSATP, rvh_pt_satp(&vs, ASID_VS_OTHER));
  CHECK_EQ((csr_read(CSR_VSATP) >> 44) & 0xffff, ASID_VS_OTHER);
  reset();
  CHECK_EQ((csr_read(CSR_HGATP) >> HGATP_VMID_SHIFT) & 3, VMID);
  CHECK_EQ((csr_read(CSR_VSATP) >> 44) & 0xffff, ASID_VS);
  CHECK_EQ((csr_read(satp) >> 44) & 0xffff, ASID_HS);

  case_begin();
  SEES_OLD(guest_probe(VS_STAGE, OP_SFENCE_ALL, 0, 0), "after HS sfence.vma x0, x0");
  SEES_OLD(guest_probe(VS_STAGE, OP_SFENCE_ADDR, GVA_T, 0), "after HS sfence.vma gva, x0");
  SEES_OLD(guest_probe(VS_STAGE, OP_SFENCE_ASID, 0, ASID_VS), "after HS sfence.vma x0, asid");
  SEES_OLD(guest_probe(VS_STAGE, OP_SFENCE_ADDR_ASID, GVA_T, ASID_VS),
           "after HS sfence.vma gva, asid");
  case_end("a", "HS sfence.vma (every form) keeps the guest translation");

  case_begin();
  SEES_OLD(guest_probe(VS_STAGE, OP_VVMA_ASID, 0, ASID_VS_OTHER),
           "after hfence.vvma x0, <other ASID>");
  SEES_OLD(guest_probe(VS_STAGE, OP_VVMA_ADDR, GVA_OTHER, 0), "after hfence.vvma <other gva>, x0");
  SEES_NEW(guest_probe(VS_STAGE, OP_VVMA_ALL, 0, 0), VAL(2), "after hfence.vvma x0, x0");
  SEES_NEW(guest_probe(VS_STAGE, OP_VVMA_ADDR, GVA_T + 0x888, 0), VAL(2),
           "after hfence.vvma gva+0x888, x0");
  SEES_NEW(guest_probe(VS_STAGE, OP_VVMA_ASID, 0, ASID_VS), VAL(2), "after hfence.vvma x0, asid");
  SEES_NEW(guest_probe(VS_STAGE, OP_VVMA_ADDR_ASID, GVA_T, ASID_VS), VAL(2),
           "after hfence.vvma gva, asid");
  case_end("b", "hfence.vvma naming it flushes the guest translation, another ASID/address does not");

  case_begin();
  reset();
  run_in_mode(PRV_S, hs_translation, PTE_PPN(pages[3]) | LEAF);
  reset();
  CHECK_EQ(hs_seen[0], VAL(1));
  rvh_check_eq(hs_seen[1], VAL(1), "HS load after the guest's sfence.vma (4 forms)", "old page",
               __FILE__, __LINE__);
  rvh_check_eq(hs_seen[2], VAL(3), "HS load after HS sfence.vma va", "new page", __FILE__,
               __LINE__);
  case_end("c", "the guest's sfence.vma keeps an HS translation");

  case_begin();
  SEES_OLD(guest_probe(G_STAGE, OP_GVMA_VMID, 0, VMID_OTHER), "after hfence.gvma x0, <other VMID>");
  SEES_OLD(guest_probe(G_STAGE, OP_GVMA_ADDR, GPA_OTHER >> 2, 0),
           "after hfence.gvma <other gpa>>2, x0");
  SEES_NEW(guest_probe(G_STAGE, OP_GVMA_ADDR, (GPA_A + 0x100) >> 2, 0), VAL(1),
           "after hfence.gvma gpa>>2, x0");
  SEES_NEW(guest_probe(G_STAGE, OP_GVMA_ADDR_VMID, (GPA_A + 0x100) >> 2, VMID), VAL(1),
           "after hfence.gvma gpa>>2, vmid");
  SEES_NEW(guest_probe(G_STAGE, OP_GVMA_VMID, 0, VMID), VAL(1), "after hfence.gvma x0, vmid");
  SEES_NEW(guest_probe(G_STAGE, OP_GVMA_ALL, 0, 0), VAL(1), "after hfence.gvma x0, x0");
  case_end("d", "hfence.gvma with the leaf's GPA or VMID flushes, another VMID/GPA does not");

  case_begin();
  SEES_OLD(guest_probe(G_STAGE, OP_NONE, 0, 0), "after a G-stage change, no fence");
  SEES_OLD(guest_probe(G_STAGE, OP_NOP, 0, 0), "after a G-stage change and a trap to HS");
  case_end("e", "G-stage PTE changed, no fence: the old page");

  case_begin();
  SEES_OLD(guest_probe(VS_STAGE, OP_VVMA_UNDER_VMID, 0, VMID_OTHER),
           "after hfence.vvma x0, x0 under VMID 2");
  case_end("f", "hfence.vvma under another VMID keeps VMID 1's translation");

  rvh_trap_hook = 0;
  csr_write(medeleg, 0);
  csr_write(satp, 0);
  csr_write(CSR_VSATP, 0);
  csr_write(CSR_HGATP, 0);
  hfence_gvma_all();
  hfence_vvma_all();
  __asm__ volatile("sfence.vma" ::: "memory");
  rvh_test_done("h_tlb_fence");
}
