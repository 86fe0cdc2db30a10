/* g_isolation: a guest that attacks its isolation and must get clean
 * errors (traps into its own handler) or harmless results, never a crash.
 *  - H extension: HLV.D, HSV.D, HFENCE.GVMA/VVMA and the H CSRs (hstatus,
 *    hgatp, hedeleg, vsatp). In a guest (VS-mode, no 'h' in its DTB ISA
 *    string) and under firmware without H they are illegal instructions
 *    (2): the hypervisor turns the virtual-instruction exit into an
 *    illegal-instruction trap for the guest. If the DTB lists 'h' this
 *    S-mode is HS-mode (OpenSBI on an H-capable CPU): they must then work.
 *  - M-mode: MRET, mstatus/mhartid/pmpcfg0/mtvec: illegal.
 *  - U-mode: SRET, SFENCE.VMA, sstatus/satp access: illegal (2).
 *  - Physical addresses outside the guest's RAM and devices: 0x0, 0x1000,
 *    0x100000, 0x2000000 (CLINT range), 0x180000000, just past RAM: each
 *    read either traps with a load access fault (5) or returns a value;
 *    when the address is not described in the DTB and the SBI is not
 *    OpenSBI (i.e. a hypervisor), the value must be 0 and writes there
 *    (the finisher's 0x5555 "pass" code, CLINT msip/mtimecmp) must not
 *    reach the host: the guest keeps running. */
#include "guest.h"

static int h_visible;

static uint64_t u_sret(uint64_t a) { __asm__ volatile("sret"); return a; }
static uint64_t u_sfence(uint64_t a) { __asm__ volatile("sfence.vma"); return a; }
static uint64_t u_sstatus(uint64_t a) { return csr_read(sstatus) + a; }
static uint64_t u_satp(uint64_t a) { csr_write(satp, a); return a; }
static uint64_t u_hlv(uint64_t a) { return hlv_d(a); }

static volatile uint64_t target = 0x1122334455667788UL;

static void h_expect(long c, const char *what)
{
  if (h_visible) {
    CHECK_EQ(c, -1);
  } else {
    CHECK_EQ(c, CAUSE_ILLEGAL_INSTRUCTION);
  }
  printf("  %-16s -> %s", what, c < 0 ? "executed" : "trap");
  if (c >= 0)
    printf(" scause %ld", c);
  printf("\n");
}

static void test_h(unsigned long hartid)
{
  const char *isa = g_dt_cpu_isa(hartid);
  h_visible = g_isa_has_ext(isa, "h");
  printf("H extension %s in the DTB ISA string (%s)\n",
         h_visible ? "listed (HS-mode: H instructions are legal)" : "not listed",
         isa ? isa : "none");
  uint64_t v = 0;
  h_expect(TRY_TRAP(v = hlv_d((uintptr_t)&target)), "hlv.d");
  if (h_visible)
    CHECK_EQ(v, 0x1122334455667788UL);
  h_expect(TRY_TRAP(hsv_d((uintptr_t)&target, 0x1122334455667788UL)), "hsv.d");
  h_expect(TRY_TRAP(hfence_gvma_all()), "hfence.gvma");
  h_expect(TRY_TRAP(hfence_vvma_all()), "hfence.vvma");
  h_expect(TRY_TRAP(v = csr_read(CSR_HSTATUS)), "csrr hstatus");
  h_expect(TRY_TRAP(v = csr_read(CSR_HGATP)), "csrr hgatp");
  h_expect(TRY_TRAP(v = csr_read(CSR_HEDELEG)), "csrr hedeleg");
  h_expect(TRY_TRAP(v = csr_read(CSR_VSATP)), "csrr vsatp");
  if (!h_visible) {
    /* Writes too: hgatp = Sv39x4 with a made-up root would be the attack. */
    h_expect(TRY_TRAP(csr_write(CSR_HGATP, (8UL << 60) | 0x80000)), "csrw hgatp");
    h_expect(TRY_TRAP(csr_write(CSR_HSTATUS, ~0UL)), "csrw hstatus");
  }
  CHECK_EQ(target, 0x1122334455667788UL);
}

static void test_m(void)
{
  uint64_t v;
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL, __asm__ volatile("mret"));
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL, v = csr_read(mstatus));
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL, v = csr_read(mhartid));
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL, csr_write(pmpcfg0, 0));
  EXPECT_TRAP(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL, csr_write(mtvec, 0));
  (void)v;
  puts("M-mode: mret, mstatus, mhartid, pmpcfg0, mtvec -> illegal (2)");
}

static void user_expect_illegal(g_user_fn fn, uint64_t arg, const char *what)
{
  g_trap_arm();
  g_run_in_user(fn, arg);
  g_trap_disarm();
  g_check_trap(CAUSE_ILLEGAL_INSTRUCTION, RVH_ANY_TVAL, what, __FILE__, __LINE__);
  CHECK_EQ(g_trap.from, PRV_U);
}

static void test_u(void)
{
  user_expect_illegal(u_sret, 0, "sret in U");
  user_expect_illegal(u_sfence, 0, "sfence.vma in U");
  user_expect_illegal(u_sstatus, 0, "csrr sstatus in U");
  user_expect_illegal(u_satp, 0, "csrw satp in U");
  /* HLV in U with hstatus.HU = 0 (or without H): illegal too. */
  user_expect_illegal(u_hlv, (uintptr_t)&target, "hlv.d in U");
  puts("U-mode: sret, sfence.vma, sstatus, satp, hlv.d -> illegal (2)");
}

static void probe_gpa(uint64_t gpa, int strict, uint64_t attack_value)
{
  int described = g_dt_gpa_described(gpa);
  int must_be_clean = strict && !described;
  volatile uint64_t v = 0xdeadbeef;
  long c = TRY_TRAP(v = *(volatile uint32_t *)gpa);
  printf("  0x%09lx %-11s read: ", gpa, described ? "(in DTB)" : "");
  if (c >= 0)
    printf("trap scause %ld stval 0x%lx", c, g_trap.tval);
  else
    printf("0x%lx", v);
  if (c >= 0) {
    CHECK_EQ(c, CAUSE_LOAD_ACCESS);
    CHECK_EQ(g_trap.tval, gpa);
  } else if (must_be_clean) {
    CHECK_EQ(v, 0);
  }
  if (must_be_clean) {
    /* Write attack: would end the run (finisher) or poke the host's
     * CLINT if it reached the real device. */
    c = TRY_TRAP(*(volatile uint32_t *)gpa = (uint32_t)attack_value);
    printf(", write 0x%lx: %s", attack_value, c >= 0 ? "trap" : "no trap");
    if (c >= 0)
      CHECK_EQ(c, CAUSE_STORE_ACCESS);
    v = 0xdeadbeef;
    c = TRY_TRAP(v = *(volatile uint32_t *)gpa);
    if (c < 0)
      CHECK_EQ(v, 0);
  }
  printf("\n");
}

static void test_gpa(void)
{
  struct sbiret id = sbi_get_impl_id();
  int strict = id.value != SBI_IMPL_OPENSBI;
  uint64_t base = 0x80000000UL, size = 0;
  g_dt_memory(&base, &size);
  printf("physical addresses outside RAM (0x%lx + 0x%lx); %s:\n", base, size,
         strict ? "strict (not OpenSBI: undescribed GPAs must read 0)"
                : "under OpenSBI S-mode owns the machine: values only printed");
  probe_gpa(0x0, strict, 0x12345678);
  probe_gpa(0x1000, strict, 0x12345678);
  probe_gpa(0x100000, strict, 0x5555);          /* sifive,test0 "pass" */
  probe_gpa(0x2000000, strict, 1);              /* CLINT msip hart 0 */
  probe_gpa(0x2004000, strict, 0);              /* CLINT mtimecmp hart 0 */
  probe_gpa(0x180000000UL, strict, 0x12345678);
  if (size)
    probe_gpa(base + size, strict, 0x12345678);
  puts("still running after the probes");
}

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("g_isolation");
  test_h(hartid);
  test_m();
  test_u();
  test_gpa();
  g_test_done("g_isolation");
}
