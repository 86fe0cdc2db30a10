/* mmu: Sv39 page tables built in M, code run in S (and U) with satp set:
 * translation of 4 KiB pages and a 2 MiB superpage; page faults 12/13/15
 * with stval/mtval = the faulting VA (unmapped, read-only, non-executable,
 * reserved W-only, misaligned superpage, non-canonical VA); hardware A/D
 * updates; SUM and MXR; fetch from a U page in S faults; U access to a
 * non-U page faults; sfence.vma after changing a PTE; MPRV translation of
 * M-mode loads; an Sv48 variant (VA above 512 GiB, non-canonical VA). */
#include "rvh.h"

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_PPN(pa) (((uint64_t)(pa) >> 12) << 10)
#define PTE_TO_PA(pte) ((((pte) >> 10) & ((1ULL << 44) - 1)) << 12)

#define SATP_SV39 (8ULL << 60)
#define SATP_SV48 (9ULL << 60)
#define PAGE 4096UL

typedef uint64_t pte_t;

static pte_t pt_pool[16][512] __attribute__((aligned(4096)));
static unsigned pt_used;
static uint8_t data_pages[8][PAGE] __attribute__((aligned(4096)));

/* A page of code reachable through a U|X|R alias. */
extern char u_code_page[];
__asm__(".pushsection .text.u_code_page, \"ax\", @progbits\n"
        ".balign 4096\n"
        ".globl u_code_page\n"
        "u_code_page:\n"
        "ld a1, 0(a0)\n"                      /* may fault (skipped) */
        "li a0, 42\n"
        "li a7, 0x5256485045584954\n"         /* RVH_ECALL_MAGIC */
        "ecall\n"
        ".balign 4096\n"
        ".popsection\n");

static pte_t *pt_alloc(void)
{
  pte_t *t = pt_pool[pt_used++];
  for (int i = 0; i < 512; i++)
    t[i] = 0;
  return t;
}

/* Test VA layout (Sv39 root index 4) */
#define VA_BASE      0x100000000ULL
#define VA_PAGE(n)   (VA_BASE + (n) * PAGE)
#define VA_RW        VA_PAGE(0)
#define VA_RO        VA_PAGE(1)
#define VA_UNMAPPED  VA_PAGE(2)
#define VA_AD        VA_PAGE(3)
#define VA_USER      VA_PAGE(4)
#define VA_XONLY     VA_PAGE(5)
#define VA_UCODE     VA_PAGE(6)
#define VA_NOEXEC    VA_PAGE(7)
#define VA_SFENCE    VA_PAGE(8)
#define VA_WONLY     VA_PAGE(9)
#define VA_SUPER     (VA_BASE + 0x200000ULL)   /* 2 MiB leaf */
#define VA_BADSUPER  (VA_BASE + 0x400000ULL)   /* misaligned 2 MiB leaf */
#define PA_SUPER     0x87000000ULL
#define VA_NONCANON39 0x0000008000000000ULL
#define VA_SV48_HIGH  0x0000008000000000ULL    /* canonical in Sv48 */
#define VA_NONCANON48 0x0001000000000000ULL

static pte_t *root39, *l0_test, *root48;

static void build_tables(void)
{
  pt_used = 0;
  root39 = pt_alloc();
  /* identity: devices (no X) and RAM (RWX), supervisor-only, A/D preset */
  root39[0] = PTE_PPN(0x00000000) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  root39[2] = PTE_PPN(0x80000000) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
  pte_t *l1 = pt_alloc();
  root39[4] = PTE_PPN(l1) | PTE_V;
  l0_test = pt_alloc();
  l1[0] = PTE_PPN(l0_test) | PTE_V;
  l1[1] = PTE_PPN(PA_SUPER) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  l1[2] = PTE_PPN(PA_SUPER + PAGE) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  l0_test[0] = PTE_PPN(data_pages[0]) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  l0_test[1] = PTE_PPN(data_pages[1]) | PTE_V | PTE_R | PTE_A;
  l0_test[2] = 0;
  l0_test[3] = PTE_PPN(data_pages[2]) | PTE_V | PTE_R | PTE_W;           /* A=D=0 */
  l0_test[4] = PTE_PPN(data_pages[3]) | PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D;
  l0_test[5] = PTE_PPN(data_pages[4]) | PTE_V | PTE_X | PTE_A;           /* exec-only */
  l0_test[6] = PTE_PPN(u_code_page) | PTE_V | PTE_R | PTE_X | PTE_U | PTE_A;
  l0_test[7] = PTE_PPN(data_pages[0]) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D; /* no X */
  l0_test[8] = PTE_PPN(data_pages[5]) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  l0_test[9] = PTE_PPN(data_pages[7]) | PTE_V | PTE_W | PTE_A | PTE_D;   /* reserved */

  /* Sv48: root[0] reuses the Sv39 root as the level-2 table; root[1]
   * (VA 512 GiB) maps one page to data_pages[0]. */
  root48 = pt_alloc();
  root48[0] = PTE_PPN(root39) | PTE_V;
  pte_t *l2h = pt_alloc(), *l1h = pt_alloc(), *l0h = pt_alloc();
  root48[1] = PTE_PPN(l2h) | PTE_V;
  l2h[0] = PTE_PPN(l1h) | PTE_V;
  l1h[0] = PTE_PPN(l0h) | PTE_V;
  l0h[0] = PTE_PPN(data_pages[0]) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
}

static inline void sfence_all(void) { __asm__ volatile("sfence.vma" ::: "memory"); }
static inline uint64_t ld64(uint64_t va)
{
  uint64_t v;
  __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(va) : "memory");
  return v;
}
static inline void sd64(uint64_t va, uint64_t v)
{
  __asm__ volatile("sd %1, 0(%0)" : : "r"(va), "r"(v) : "memory");
}
/* call a function at va (fetch faults come back to the caller) */
static inline uint64_t call_va(uint64_t va)
{
  register uint64_t a0 __asm__("a0") = va;
  __asm__ volatile("jalr ra, 0(a0)" : "+r"(a0) : : "ra", "a1", "a7", "memory");
  return a0;
}

/* ---- S-mode bodies ---- */
static uint64_t s_translate(uint64_t unused)
{
  CHECK_EQ(ld64(VA_RW), 0x1111222233334444ULL);
  sd64(VA_RW + 8, 0xabcdef);
  CHECK_EQ(ld64(VA_RO), 0x5151515151515151ULL);
  CHECK_EQ(ld64(VA_NOEXEC), 0x1111222233334444ULL); /* alias of RW page */
  CHECK_EQ(ld64(VA_SUPER + 0x1230), 0x5a5a5a5a00001230ULL);
  CHECK_EQ(ld64(VA_SUPER + 0x1ffff8), 0x5a5a5a5a001ffff8ULL);
  /* identity RAM and devices remain reachable */
  CHECK_EQ(ld64((uintptr_t)&data_pages[0][0]), 0x1111222233334444ULL);
  return 0;
}

static uint64_t s_faults(uint64_t unused)
{
  EXPECT_TRAP(CAUSE_LOAD_PAGE_FAULT, VA_UNMAPPED, ld64(VA_UNMAPPED));
  EXPECT_TRAP(CAUSE_STORE_PAGE_FAULT, VA_UNMAPPED + 16, sd64(VA_UNMAPPED + 16, 1));
  EXPECT_TRAP(CAUSE_STORE_PAGE_FAULT, VA_RO + 8, sd64(VA_RO + 8, 1));
  EXPECT_TRAP(CAUSE_LOAD_PAGE_FAULT, VA_WONLY, ld64(VA_WONLY));
  EXPECT_TRAP(CAUSE_STORE_PAGE_FAULT, VA_WONLY, sd64(VA_WONLY, 1));
  EXPECT_TRAP(CAUSE_FETCH_PAGE_FAULT, VA_NOEXEC, call_va(VA_NOEXEC));
  EXPECT_TRAP(CAUSE_FETCH_PAGE_FAULT, VA_UNMAPPED + 0x40, call_va(VA_UNMAPPED + 0x40));
  EXPECT_TRAP(CAUSE_LOAD_PAGE_FAULT, VA_BADSUPER + 8, ld64(VA_BADSUPER + 8));
  EXPECT_TRAP(CAUSE_LOAD_PAGE_FAULT, VA_NONCANON39, ld64(VA_NONCANON39));
  EXPECT_TRAP(CAUSE_STORE_PAGE_FAULT, 0xffff000000001000ULL, sd64(0xffff000000001000ULL, 1));
  /* a misaligned load spanning into an unmapped page: the fault address is
   * within the access (spec: the faulting portion or the original VA) */
  rvh_trap_arm();
  ld64(VA_UNMAPPED - 4);
  rvh_trap_disarm();
  if (rvh_trap.count) {
    CHECK(rvh_trap.cause == CAUSE_LOAD_PAGE_FAULT || rvh_trap.cause == CAUSE_MISALIGNED_LOAD);
    CHECK(rvh_trap.tval >= VA_UNMAPPED - 4 && rvh_trap.tval <= VA_UNMAPPED + 3);
  } else {
    CHECK(0 && "misaligned load crossing into an unmapped page must fault");
  }
  return 0;
}

static uint64_t s_read_ad(uint64_t write)
{
  if (write)
    sd64(VA_AD, 0x77);
  else
    return ld64(VA_AD);
  return 0;
}

static uint64_t s_sum(uint64_t sum)
{
  if (sum)
    csr_set(sstatus, MSTATUS_SUM);
  else
    csr_clear(sstatus, MSTATUS_SUM);
  if (sum) {
    EXPECT_NO_TRAP(ld64(VA_USER));
    EXPECT_NO_TRAP(sd64(VA_USER + 8, 0x99));
  } else {
    EXPECT_TRAP(CAUSE_LOAD_PAGE_FAULT, VA_USER, ld64(VA_USER));
    EXPECT_TRAP(CAUSE_STORE_PAGE_FAULT, VA_USER + 8, sd64(VA_USER + 8, 0x99));
  }
  /* S never executes from U pages, SUM or not */
  EXPECT_TRAP(CAUSE_FETCH_PAGE_FAULT, VA_UCODE, call_va(VA_UCODE));
  csr_clear(sstatus, MSTATUS_SUM);
  return 0;
}

static uint64_t s_mxr(uint64_t mxr)
{
  if (mxr) {
    csr_set(sstatus, MSTATUS_MXR);
    EXPECT_NO_TRAP(ld64(VA_XONLY));
  } else {
    csr_clear(sstatus, MSTATUS_MXR);
    EXPECT_TRAP(CAUSE_LOAD_PAGE_FAULT, VA_XONLY, ld64(VA_XONLY));
  }
  csr_clear(sstatus, MSTATUS_MXR);
  return 0;
}

static uint64_t s_sfence(uint64_t unused)
{
  uint64_t before = ld64(VA_SFENCE);
  l0_test[8] = PTE_PPN(data_pages[6]) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  __asm__ volatile("sfence.vma %0, zero" : : "r"(VA_SFENCE) : "memory");
  uint64_t after = ld64(VA_SFENCE);
  CHECK_EQ(before, 0x5555555555555555ULL);
  CHECK_EQ(after, 0x6666666666666666ULL);
  /* back, with a global flush */
  l0_test[8] = PTE_PPN(data_pages[5]) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  __asm__ volatile("sfence.vma" ::: "memory");
  CHECK_EQ(ld64(VA_SFENCE), 0x5555555555555555ULL);
  return 0;
}

static uint64_t s_sv48(uint64_t unused)
{
  CHECK_EQ(ld64(VA_SV48_HIGH), 0x1111222233334444ULL);
  CHECK_EQ(ld64(VA_RW), 0x1111222233334444ULL);
  CHECK_EQ(ld64(VA_SUPER + 0x1230), 0x5a5a5a5a00001230ULL);
  EXPECT_TRAP(CAUSE_LOAD_PAGE_FAULT, VA_NONCANON48, ld64(VA_NONCANON48));
  EXPECT_TRAP(CAUSE_LOAD_PAGE_FAULT, VA_SV48_HIGH + PAGE, ld64(VA_SV48_HIGH + PAGE));
  return 0;
}

int main(void)
{
  for (int p = 0; p < 8; p++)
    for (unsigned i = 0; i < PAGE / 8; i++)
      ((uint64_t *)data_pages[p])[i] = 0;
  *(uint64_t *)data_pages[0] = 0x1111222233334444ULL;
  *(uint64_t *)data_pages[1] = 0x5151515151515151ULL;
  *(uint64_t *)data_pages[2] = 0x2222;
  *(uint64_t *)data_pages[5] = 0x5555555555555555ULL;
  *(uint64_t *)data_pages[6] = 0x6666666666666666ULL;
  for (uint64_t off = 0; off < 0x200000; off += 8)
    *(volatile uint64_t *)(PA_SUPER + off) = 0x5a5a5a5a00000000ULL | off;
  build_tables();

  csr_write(satp, SATP_SV39 | ((uintptr_t)root39 >> 12));
  CHECK_EQ(csr_read(satp) >> 60, 8);
  sfence_all();

  run_in_mode(PRV_S, s_translate, 0);
  CHECK_EQ(*(uint64_t *)(data_pages[0] + 8), 0xabcdef);
  run_in_mode(PRV_S, s_faults, 0);
  CHECK_EQ(rvh_trap.level, RVH_LEVEL_M);
  CHECK_EQ(rvh_trap.from, PRV_S);

  /* A/D bits: set by hardware on first read / write */
  CHECK_EQ(run_in_mode(PRV_S, s_read_ad, 0), 0x2222);
  CHECK_EQ(l0_test[3] & (PTE_A | PTE_D), PTE_A);
  run_in_mode(PRV_S, s_read_ad, 1);
  CHECK_EQ(l0_test[3] & (PTE_A | PTE_D), PTE_A | PTE_D);
  CHECK_EQ(*(uint64_t *)data_pages[2], 0x77);
  /* non-leaf PTEs keep A/D clear (reserved for future use) */
  CHECK_EQ(root39[4] & (PTE_A | PTE_D | PTE_U), 0);

  run_in_mode(PRV_S, s_sum, 0);
  run_in_mode(PRV_S, s_sum, 1);
  CHECK_EQ(*(uint64_t *)(data_pages[3] + 8), 0x99);
  run_in_mode(PRV_S, s_mxr, 0);
  run_in_mode(PRV_S, s_mxr, 1);
  run_in_mode(PRV_S, s_sfence, 0);

  /* U mode: code from the U|X alias; U data ok, S data faults */
  CHECK_EQ(run_in_mode(PRV_U, (rvh_mode_fn)(uintptr_t)VA_UCODE, VA_USER), 42);
  rvh_trap_arm();
  CHECK_EQ(run_in_mode(PRV_U, (rvh_mode_fn)(uintptr_t)VA_UCODE, VA_RW), 42);
  rvh_trap_disarm();
  CHECK_EQ(rvh_trap.count, 1);
  CHECK_EQ(rvh_trap.cause, CAUSE_LOAD_PAGE_FAULT);
  CHECK_EQ(rvh_trap.tval, VA_RW);
  CHECK_EQ(rvh_trap.epc, VA_UCODE);
  CHECK_EQ(rvh_trap.from, PRV_U);

  /* MPRV: M-mode loads translated with MPP = S */
  csr_clear(mstatus, MSTATUS_MPP);
  csr_set(mstatus, (uint64_t)PRV_S << MSTATUS_MPP_SHIFT);
  uint64_t v;
  __asm__ volatile("csrs mstatus, %1\n ld %0, 0(%2)\n csrc mstatus, %1"
                   : "=&r"(v) : "r"(MSTATUS_MPRV), "r"(VA_SUPER + 0x40) : "memory");
  CHECK_EQ(v, 0x5a5a5a5a00000040ULL);

  /* Sv48 */
  csr_write(satp, SATP_SV48 | ((uintptr_t)root48 >> 12));
  if ((csr_read(satp) >> 60) != 9) {
    INFO("Sv48 not supported (satp.MODE=9 not retained): Sv48 tests skipped");
  } else {
    sfence_all();
    run_in_mode(PRV_S, s_sv48, 0);
  }
  csr_write(satp, 0);
  sfence_all();
  rvh_test_done("mmu");
}
