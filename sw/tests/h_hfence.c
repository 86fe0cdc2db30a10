/* h_hfence: HFENCE.GVMA and HFENCE.VVMA make page-table changes visible.
 * A guest (VS-mode, VMID 1, vsatp ASID 5) reads a guest page; M or HS then
 * remaps it at the G stage (GPA -> another host page) and executes
 * HFENCE.GVMA in each form (rs1=x0/rs2=x0, rs1=GPA>>2, rs2=VMID, both);
 * the guest must then see the new page. Likewise for the VS stage (GVA ->
 * another GPA) with HFENCE.VVMA in each form (rs1=x0/rs2=x0, rs1=GVA,
 * rs2=ASID, both), with Bare and Sv39 VS stages. Only visibility after the
 * fence is checked: stale translations before it are allowed but not
 * required. HFENCE in VS/VU (virtual instruction) is in h_virtual_insn.
 */
#include "rvh.h"
#include "rvh_vm.h"

static uint8_t pages[4][RVH_PAGE] __attribute__((aligned(4096)));

#define VMID 1UL
#define ASID 5UL
#define GPA_A 0x100000000UL      /* G stage: -> pages[0] or pages[1] */
#define GPA_B 0x100001000UL      /* G stage: -> pages[2] */
#define GVA_T 0x40000000UL       /* VS stage: -> GPA_A or GPA_B */

static struct rvh_pt g, vs;

/* explicit forms: x0 operands encoded as x0 */
#define HFENCE_GVMA_RS1(a) \
  __asm__ volatile(".insn r 0x73, 0x0, 0x31, x0, %0, x0" : : "r"((uint64_t)(a)) : "memory")
#define HFENCE_GVMA_RS2(v) \
  __asm__ volatile(".insn r 0x73, 0x0, 0x31, x0, x0, %0" : : "r"((uint64_t)(v)) : "memory")
#define HFENCE_VVMA_RS1(a) \
  __asm__ volatile(".insn r 0x73, 0x0, 0x11, x0, %0, x0" : : "r"((uint64_t)(a)) : "memory")
#define HFENCE_VVMA_RS2(v) \
  __asm__ volatile(".insn r 0x73, 0x0, 0x11, x0, x0, %0" : : "r"((uint64_t)(v)) : "memory")

static uint64_t guest_read(uint64_t va)
{
  return *(volatile uint64_t *)(uintptr_t)va;
}

static uint64_t vs_read(uint64_t va) { return guest_read(va); }
/* VS reads, then changes nothing itself: SFENCE.VMA in VS after a VS-stage
 * change made by M is the guest's own fence */
static uint64_t vs_sfence_read(uint64_t va)
{
  __asm__ volatile("sfence.vma" ::: "memory");
  return guest_read(va);
}

#define VAL(i) (0x1111111111111111UL * (uint64_t)((i) + 1))

static void g_remap(uint64_t gpa, int page)
{
  *rvh_pt_slot(&g, gpa, 0) = PTE_PPN(pages[page]) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_AD;
}
static void vs_remap(uint64_t gva, uint64_t gpa, uint64_t extra)
{
  *rvh_pt_slot(&vs, gva, 0) = PTE_PPN(gpa) | PTE_V | PTE_R | PTE_W | PTE_AD | extra;
}

enum { F_ALL, F_ADDR, F_ID, F_BOTH };

static void gvma(int form, uint64_t gpa)
{
  switch (form) {
  case F_ALL: hfence_gvma_all(); break;
  case F_ADDR: HFENCE_GVMA_RS1(gpa >> 2); break;
  case F_ID: HFENCE_GVMA_RS2(VMID); break;
  case F_BOTH: hfence_gvma(gpa >> 2, VMID); break;
  }
}
static void vvma(int form, uint64_t gva)
{
  switch (form) {
  case F_ALL: hfence_vvma_all(); break;
  case F_ADDR: HFENCE_VVMA_RS1(gva); break;
  case F_ID: HFENCE_VVMA_RS2(ASID); break;
  case F_BOTH: hfence_vvma(gva, ASID); break;
  }
}

/* HS-mode: remap at the G stage and fence */
static uint64_t hs_g_remap(uint64_t arg)
{
  int form = (int)(arg & 0xff), page = (int)(arg >> 8);
  g_remap(GPA_A, page);
  gvma(form, GPA_A);
  return 0;
}
static uint64_t hs_vs_remap(uint64_t arg)
{
  int form = (int)(arg & 0xff);
  uint64_t gpa = (arg >> 8) ? GPA_B : GPA_A;
  vs_remap(GVA_T, gpa, 0);
  vvma(form, GVA_T);
  return 0;
}

static void test_gvma(int vs_on)
{
  uint64_t addr = vs_on ? GVA_T : GPA_A;
  csr_write(CSR_VSATP, vs_on ? rvh_pt_satp(&vs, ASID) : 0);
  vs_remap(GVA_T, GPA_A, 0);
  g_remap(GPA_A, 0);
  hfence_gvma_all();
  hfence_vvma_all();
  CHECK_EQ(run_in_vmode(PRV_S, vs_read, addr), VAL(0));
  int page = 0;
  for (int form = F_ALL; form <= F_BOTH; form++) {
    /* from M */
    page ^= 1;
    g_remap(GPA_A, page);
    gvma(form, GPA_A);
    rvh_check_eq(run_in_vmode(PRV_S, vs_read, addr), VAL(page), "guest read",
                 vs_on ? "new page (Sv39, M fence)" : "new page (Bare, M fence)",
                 __FILE__, __LINE__);
    /* from HS */
    page ^= 1;
    CHECK_EQ(run_in_mode(PRV_S, hs_g_remap, (uint64_t)form | ((uint64_t)page << 8)), 0);
    rvh_check_eq(run_in_vmode(PRV_S, vs_read, addr), VAL(page), "guest read",
                 vs_on ? "new page (Sv39, HS fence)" : "new page (Bare, HS fence)",
                 __FILE__, __LINE__);
  }
  csr_write(CSR_VSATP, 0);
}

static void test_vvma(void)
{
  csr_write(CSR_VSATP, rvh_pt_satp(&vs, ASID));
  CHECK_EQ((csr_read(CSR_VSATP) >> 44) & 0xffff, ASID);  /* ASID bits 2:0 exist */
  g_remap(GPA_A, 0);
  hfence_gvma_all();
  vs_remap(GVA_T, GPA_A, 0);
  hfence_vvma_all();
  CHECK_EQ(run_in_vmode(PRV_S, vs_read, GVA_T), VAL(0));
  int b = 0;
  for (int form = F_ALL; form <= F_BOTH; form++) {
    b ^= 1;
    vs_remap(GVA_T, b ? GPA_B : GPA_A, 0);
    vvma(form, GVA_T);
    rvh_check_eq(run_in_vmode(PRV_S, vs_read, GVA_T), VAL(b ? 2 : 0), "guest read",
                 "new GPA (M fence)", __FILE__, __LINE__);
    b ^= 1;
    CHECK_EQ(run_in_mode(PRV_S, hs_vs_remap, (uint64_t)form | ((uint64_t)b << 8)), 0);
    rvh_check_eq(run_in_vmode(PRV_S, vs_read, GVA_T), VAL(b ? 2 : 0), "guest read",
                 "new GPA (HS fence)", __FILE__, __LINE__);
  }
  /* the guest's own SFENCE.VMA (V=1) also works for the VS stage */
  vs_remap(GVA_T, GPA_B, 0);
  CHECK_EQ(run_in_vmode(PRV_S, vs_sfence_read, GVA_T), VAL(2));
  vs_remap(GVA_T, GPA_A, 0);
  hfence_vvma_all();
  csr_write(CSR_VSATP, 0);
}

int main(void)
{
  if (!rvh_has_h) {
    CHECK(0 && "misa.H");
    rvh_test_done("h_hfence");
  }
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < (int)(RVH_PAGE / 8); j++)
      ((volatile uint64_t *)pages[i])[j] = VAL(i);

  rvh_pt_reset();
  g = (struct rvh_pt){rvh_pt_alloc_root16k(), 3, 1};
  rvh_pt_map_identity(&g, PTE_U);
  g_remap(GPA_A, 0);
  *rvh_pt_slot(&g, GPA_B, 0) = PTE_PPN(pages[2]) | PTE_V | PTE_R | PTE_W | PTE_U | PTE_AD;
  vs = (struct rvh_pt){rvh_pt_alloc(), 3, 0};
  rvh_pt_map(&vs, 0x00000000UL, 0x00000000UL, PTE_R | PTE_W | PTE_AD, 2);
  rvh_pt_map(&vs, 0x80000000UL, 0x80000000UL, PTE_RWX | PTE_AD, 2);
  vs_remap(GVA_T, GPA_A, 0);

  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);
  csr_write(CSR_HGATP, rvh_pt_satp(&g, VMID));
  CHECK_EQ((csr_read(CSR_HGATP) >> HGATP_VMID_SHIFT) & 1, 1); /* VMID bit 0 exists */
  csr_write(CSR_VSATP, 0);
  hfence_gvma_all();
  hfence_vvma_all();

  test_gvma(0);
  test_gvma(1);
  test_vvma();

  csr_write(CSR_HGATP, 0);
  csr_write(CSR_VSATP, 0);
  hfence_gvma_all();
  hfence_vvma_all();
  rvh_test_done("h_hfence");
}
