/* g_faults: synchronous exceptions the guest's own trap handler (stvec)
 * must see with the right scause/stval:
 *  - illegal instruction (2): a write to the read-only cycle CSR, a
 *    reserved major opcode, the all-zero 16-bit encoding;
 *  - ecall from U-mode (8), entered with sret;
 *  - breakpoint (3): ebreak and c.ebreak;
 *  - Sv39 page faults with the guest's own page tables: load (13), store
 *    (15), fetch (12), stval = the virtual address; a read-only alias reads
 *    the same data as the identity mapping;
 *  - instruction access fault (1) with satp Bare, jumping to 0x40000000
 *    (not RAM and not a device of the guest), stval = 0x40000000; on QEMU
 *    virt, whose PCIe MMIO window is at 0x40000000, 0x28000000 is used
 *    (g_hole_gpa);
 *  - a load from there: load access fault (5), or reads 0 where the
 *    platform lets unmapped MMIO read as zero (the rvh-vp hypervisor's
 *    default);
 *  - misaligned loads and stores: correct data (emulated or done in
 *    hardware) or a misaligned trap (4/6). */
#include "guest.h"

#define HOLE g_hole_gpa()

static uint64_t user_ecall(uint64_t arg)
{
  register uint64_t a0 __asm__("a0") = arg;
  register uint64_t a7 __asm__("a7") = 0x1234;  /* not the library's magic */
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
  return arg + 1;
}

static void test_illegal(void)
{
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile("csrw cycle, zero"));
  CHECK_EQ(g_trap.insn_len, 4);
  uint64_t tv = g_trap.tval;
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile(".4byte 0x0000006b"));    /* reserved opcode */
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL,
              __asm__ volatile(".2byte 0x0000"));        /* defined illegal */
  CHECK_EQ(g_trap.insn_len, 2);
  CHECK_EQ(g_trap.from, PRV_S);
  printf("illegal instruction: scause 2 (csrw cycle stval 0x%lx, 16-bit len 2)\n", tv);
}

static void test_ecall_user(void)
{
  g_trap_arm();
  uint64_t r = g_run_in_user(user_ecall, 41);
  g_trap_disarm();
  g_check_trap(CAUSE_USER_ECALL, 0, "ecall in U-mode", __FILE__, __LINE__);
  CHECK_EQ(g_trap.from, PRV_U);
  CHECK_EQ(r, 42);
  printf("ecall from U: scause %lu, stval 0x%lx, back in S with 0x%lx\n",
         g_trap.cause, g_trap.tval, r);
}

static void test_breakpoint(void)
{
  EXPECT_TRAP(CAUSE_BREAKPOINT, RVH_ANY_TVAL, __asm__ volatile("ebreak"));
  CHECK(g_trap.tval == 0 || g_trap.tval == g_trap.epc);
  EXPECT_TRAP(CAUSE_BREAKPOINT, RVH_ANY_TVAL,
              __asm__ volatile(".option push\n.option rvc\nc.ebreak\n.option pop"));
  CHECK_EQ(g_trap.insn_len, 2);
  printf("breakpoint: scause 3 (ebreak, c.ebreak), stval 0x%lx (epc 0x%lx)\n",
         g_trap.tval, g_trap.epc);
}

/* Sv39 root table: identity gigapages for devices (0-1 GiB) and RAM
 * (2-3 GiB), a read-only alias of RAM at 3 GiB, nothing at 4 GiB. */
static uint64_t root[512] __attribute__((aligned(4096)));
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define GIGA(pa, flags) ((((pa) >> 12) << 10) | (flags) | PTE_V | PTE_A | PTE_G)
#define UNMAPPED_VA 0x100000000UL
#define RO_ALIAS 0xC0000000UL

static volatile uint64_t probe_word = 0x5a5aa5a5deadbeefUL;

static void test_page_faults(void)
{
  root[0] = GIGA(0x00000000UL, PTE_R | PTE_W | PTE_D);
  root[2] = GIGA(0x80000000UL, PTE_R | PTE_W | PTE_X | PTE_D);
  root[3] = GIGA(0x80000000UL, PTE_R);
  __asm__ volatile("sfence.vma" ::: "memory");
  uint64_t satp = (8UL << 60) | ((uintptr_t)root >> 12);
  csr_write(satp, satp);
  __asm__ volatile("sfence.vma" ::: "memory");
  CHECK_EQ(csr_read(satp), satp);

  volatile uint64_t v = 0;
  EXPECT_TRAP(CAUSE_LOAD_PAGE_FAULT, UNMAPPED_VA + 0x88,
              v = *(volatile uint64_t *)(UNMAPPED_VA + 0x88));
  EXPECT_TRAP(CAUSE_STORE_PAGE_FAULT, UNMAPPED_VA + 0x10,
              *(volatile uint32_t *)(UNMAPPED_VA + 0x10) = 1);
  /* Read-only alias: loads see RAM, stores fault. */
  uintptr_t alias = (uintptr_t)&probe_word - 0x80000000UL + RO_ALIAS;
  EXPECT_NO_TRAP(v = *(volatile uint64_t *)alias);
  CHECK_EQ(v, 0x5a5aa5a5deadbeefUL);
  EXPECT_TRAP(CAUSE_STORE_PAGE_FAULT, alias, *(volatile uint64_t *)alias = 0);
  CHECK_EQ(probe_word, 0x5a5aa5a5deadbeefUL);
  /* Fetch from an unmapped page and from a non-executable page. */
  void (*fn)(void) = (void (*)(void))(UNMAPPED_VA + 0x100);
  EXPECT_TRAP(CAUSE_FETCH_PAGE_FAULT, UNMAPPED_VA + 0x100, fn());
  fn = (void (*)(void))(RO_ALIAS + 0x200000);
  EXPECT_TRAP(CAUSE_FETCH_PAGE_FAULT, RO_ALIAS + 0x200000, fn());
  printf("Sv39: load/store/fetch page faults 13/15/12 with stval = VA, "
         "read-only alias ok\n");

  csr_write(satp, 0);
  __asm__ volatile("sfence.vma" ::: "memory");
}

static void test_access_faults(void)
{
  void (*fn)(void) = (void (*)(void))HOLE;
  long c = TRY_TRAP(fn());
  printf("jump to 0x%lx: scause %ld stval 0x%lx\n", HOLE, c, g_trap.tval);
  CHECK_EQ(c, CAUSE_FETCH_ACCESS);
  CHECK_EQ(g_trap.tval, HOLE);
  CHECK_EQ(g_trap.epc, HOLE);

  volatile uint64_t v = 0x1111;
  c = TRY_TRAP(v = *(volatile uint32_t *)HOLE);
  if (c >= 0) {
    printf("load from 0x%lx: scause %ld stval 0x%lx\n", HOLE, c, g_trap.tval);
    CHECK_EQ(c, CAUSE_LOAD_ACCESS);
    CHECK_EQ(g_trap.tval, HOLE);
  } else {
    printf("load from 0x%lx: no trap, read 0x%lx\n", HOLE, v);
    CHECK_EQ(v, 0);
  }
}

static void test_misaligned(void)
{
  static volatile uint8_t buf[32] __attribute__((aligned(16)));
  for (unsigned i = 0; i < sizeof buf; i++)
    buf[i] = (uint8_t)(0x10 + i);
  uintptr_t b = (uintptr_t)buf;
  struct { unsigned off, size; uint64_t expect; } cases[] = {
    {1, 2, 0x1211}, {3, 4, 0x16151413}, {5, 8, 0x1c1b1a1918171615UL}, {7, 8, 0x1e1d1c1b1a191817UL},
  };
  int emulated = 0, trapped = 0;
  for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint64_t v = 0;
    uintptr_t a = b + cases[i].off;
    long c = TRY_TRAP(
        if (cases[i].size == 2) v = *(volatile uint16_t *)a;
        else if (cases[i].size == 4) v = *(volatile uint32_t *)a;
        else v = *(volatile uint64_t *)a);
    if (c < 0) {
      CHECK_EQ(v, cases[i].expect);
      emulated++;
    } else {
      CHECK_EQ(c, CAUSE_MISALIGNED_LOAD);
      CHECK_EQ(g_trap.tval, a);
      trapped++;
    }
  }
  /* Stores */
  long c = TRY_TRAP(*(volatile uint32_t *)(b + 9) = 0xa1b2c3d4);
  if (c < 0) {
    CHECK_EQ(buf[9], 0xd4);
    CHECK_EQ(buf[12], 0xa1);
    emulated++;
  } else {
    CHECK_EQ(c, CAUSE_MISALIGNED_STORE);
    trapped++;
  }
  c = TRY_TRAP(*(volatile uint64_t *)(b + 17) = 0x0102030405060708UL);
  if (c < 0) {
    CHECK_EQ(buf[17], 0x08);
    CHECK_EQ(buf[24], 0x01);
    emulated++;
  } else {
    CHECK_EQ(c, CAUSE_MISALIGNED_STORE);
    trapped++;
  }
  printf("misaligned: %d access(es) gave correct data, %d trapped (4/6)\n",
         emulated, trapped);
}

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("g_faults");
  test_illegal();
  test_ecall_user();
  test_breakpoint();
  test_page_faults();
  test_access_faults();
  test_misaligned();
  g_test_done("g_faults");
}
