/* interrupts: CLINT machine timer (mtimecmp) taken in M with mcause =
 * 0x8000000000000007 and mepc at the interrupted instruction; MSIP machine
 * software interrupt (cause ...3); STIP delegated with mideleg and injected
 * by M through mip.STIP, taken in S (scause ...5); mie/mstatus.MIE gating;
 * WFI wakes up on a pending+enabled interrupt even with mstatus.MIE = 0
 * (and no trap is taken); Sstc: menvcfg.STCE=1, stimecmp raises the S timer
 * interrupt (skipped with a note if the hart lacks Sstc). */
#include "rvh.h"

#define MENVCFG   0x30a
#define STIMECMP  0x14d
#define MENVCFG_STCE (1UL << 63)

static volatile int n_irq;
static volatile uint64_t last_cause, last_epc, last_level;

static int irq_hook(struct trap_frame *f, int level)
{
  if (!(f->cause & CAUSE_INTERRUPT))
    return 0;
  n_irq = n_irq + 1;
  last_cause = f->cause;
  last_epc = f->epc;
  last_level = level;
  switch (f->cause & 0xff) {
  case IRQ_M_TIMER:
    set_mtimecmp(~0ULL);
    break;
  case IRQ_M_SOFT:
    set_msip(0);
    break;
  case IRQ_S_TIMER:
    /* S cannot clear mip.STIP: mask it (or push stimecmp away) */
    if (level == RVH_LEVEL_S)
      csr_clear(sie, MIP_STIP); /* M (or stimecmp) clears the source later */
    else
      csr_clear(mie, MIP_STIP);
    break;
  default:
    return 0;
  }
  return 1;
}

static int wait_irq(int n, uint64_t max_spins)
{
  for (uint64_t i = 0; i < max_spins && n_irq < n; i++)
    __asm__ volatile("nop");
  return n_irq >= n;
}

static void test_mtimer(void)
{
  set_mtimecmp(~0ULL);
  n_irq = 0;
  csr_write(mie, MIP_MTIP);
  csr_set(mstatus, MSTATUS_MIE);
  set_mtimecmp(read_mtime() + 2000); /* 200 us */
  CHECK(wait_irq(1, 200000000));
  csr_clear(mstatus, MSTATUS_MIE);
  CHECK_EQ(n_irq, 1);
  CHECK_EQ(last_cause, CAUSE_INTERRUPT | IRQ_M_TIMER);
  CHECK_EQ(last_level, RVH_LEVEL_M);
  CHECK((last_epc >= (uintptr_t)wait_irq && last_epc < (uintptr_t)wait_irq + 0x100) ||
        (last_epc >= (uintptr_t)test_mtimer && last_epc < (uintptr_t)test_mtimer + 0x200));
  CHECK_EQ(csr_read(mip) & MIP_MTIP, 0);

  /* pending but masked by mie: no interrupt, mip.MTIP visible */
  n_irq = 0;
  csr_write(mie, 0);
  csr_set(mstatus, MSTATUS_MIE);
  set_mtimecmp(0);
  CHECK_EQ(csr_read(mip) & MIP_MTIP, MIP_MTIP);
  CHECK(!wait_irq(1, 10000));
  /* mip.MTIP is read-only: writing 0 does not clear it */
  csr_clear(mip, MIP_MTIP);
  CHECK_EQ(csr_read(mip) & MIP_MTIP, MIP_MTIP);
  /* enabling takes it right away */
  csr_write(mie, MIP_MTIP);
  CHECK(wait_irq(1, 1000));
  csr_clear(mstatus, MSTATUS_MIE);
  csr_write(mie, 0);
  CHECK_EQ(last_cause, CAUSE_INTERRUPT | IRQ_M_TIMER);
}

static void test_msip(void)
{
  n_irq = 0;
  csr_write(mie, MIP_MSIP);
  set_msip(1);
  CHECK_EQ(csr_read(mip) & MIP_MSIP, MIP_MSIP);
  CHECK_EQ(n_irq, 0); /* MIE still 0 */
  csr_set(mstatus, MSTATUS_MIE);
  CHECK(wait_irq(1, 1000000));
  csr_clear(mstatus, MSTATUS_MIE);
  csr_write(mie, 0);
  CHECK_EQ(last_cause, CAUSE_INTERRUPT | IRQ_M_SOFT);
  CHECK_EQ(MMIO32(RVH_CLINT_MSIP), 0);
  CHECK_EQ(csr_read(mip) & MIP_MSIP, 0);
}

/* S-mode: enable STIE and SIE, wait for the interrupt */
static uint64_t s_wait_stimer(uint64_t spins)
{
  csr_set(sie, MIP_STIP);
  csr_set(sstatus, MSTATUS_SIE);
  wait_irq(1, spins);
  csr_clear(sstatus, MSTATUS_SIE);
  csr_clear(sie, MIP_STIP);
  return n_irq;
}

static void test_stip(void)
{
  csr_write(mideleg, MIP_STIP);
  CHECK_EQ(csr_read(mideleg) & MIP_STIP, MIP_STIP);
  n_irq = 0;
  csr_set(mip, MIP_STIP); /* M injects the S timer interrupt */
  CHECK_EQ(csr_read(sip) & MIP_STIP, MIP_STIP);
  CHECK_EQ(run_in_mode(PRV_S, s_wait_stimer, 1000000), 1);
  CHECK_EQ(last_cause, CAUSE_INTERRUPT | IRQ_S_TIMER);
  CHECK_EQ(last_level, RVH_LEVEL_S);
  csr_clear(mip, MIP_STIP);
  CHECK_EQ(csr_read(mip) & MIP_STIP, 0);

  /* not delegated: an S-level interrupt pending while running in S traps
   * to M (mie.STIE enables it; M interrupts are always on below M) */
  csr_write(mideleg, 0);
  n_irq = 0;
  csr_write(mie, MIP_STIP);
  csr_set(mip, MIP_STIP);
  run_in_mode(PRV_S, s_wait_stimer, 1000000);
  CHECK_EQ(n_irq, 1);
  CHECK_EQ(last_level, RVH_LEVEL_M);
  CHECK_EQ(last_cause, CAUSE_INTERRUPT | IRQ_S_TIMER);
  csr_write(mie, 0);
  csr_clear(mip, MIP_STIP);
}

static void test_wfi(void)
{
  /* WFI returns when an enabled interrupt is pending even with MIE = 0 */
  n_irq = 0;
  csr_clear(mstatus, MSTATUS_MIE);
  csr_write(mie, MIP_MTIP);
  uint64_t t0 = read_mtime();
  set_mtimecmp(t0 + 5000); /* 500 us */
  for (int i = 0; i < 100 && !(csr_read(mip) & MIP_MTIP); i++)
    __asm__ volatile("wfi");
  CHECK_EQ(csr_read(mip) & MIP_MTIP, MIP_MTIP);
  CHECK(read_mtime() >= t0 + 5000);
  CHECK_EQ(n_irq, 0);
  set_mtimecmp(~0ULL);
  csr_write(mie, 0);
  CHECK_EQ(csr_read(mip) & MIP_MTIP, 0);
  /* msip wakes it too */
  csr_write(mie, MIP_MSIP);
  set_msip(1);
  __asm__ volatile("wfi");
  CHECK_EQ(n_irq, 0);
  set_msip(0);
  csr_write(mie, 0);
}

static void test_sstc(void)
{
  csr_set(MENVCFG, MENVCFG_STCE);
  if (!(csr_read(MENVCFG) & MENVCFG_STCE)) {
    INFO("Sstc not implemented (menvcfg.STCE reads 0): stimecmp test skipped");
    return;
  }
  csr_write(mcounteren, 2); /* TM: lets S access time and stimecmp */
  csr_write(STIMECMP, ~0ULL);
  CHECK_EQ(csr_read(STIMECMP), ~0ULL);
  CHECK_EQ(csr_read(mip) & MIP_STIP, 0);
  /* with STCE=1, STIP reflects time >= stimecmp */
  csr_write(STIMECMP, 0);
  CHECK_EQ(csr_read(mip) & MIP_STIP, MIP_STIP);
  csr_write(STIMECMP, ~0ULL);
  CHECK_EQ(csr_read(mip) & MIP_STIP, 0);

  csr_write(mideleg, MIP_STIP);
  n_irq = 0;
  csr_write(STIMECMP, csr_read(time) + 2000);
  CHECK_EQ(run_in_mode(PRV_S, s_wait_stimer, 200000000), 1);
  CHECK_EQ(last_cause, CAUSE_INTERRUPT | IRQ_S_TIMER);
  CHECK_EQ(last_level, RVH_LEVEL_S);
  CHECK_EQ(csr_read(mip) & MIP_STIP, MIP_STIP);
  csr_write(STIMECMP, ~0ULL);
  CHECK_EQ(csr_read(mip) & MIP_STIP, 0);
  csr_write(mideleg, 0);
  csr_clear(MENVCFG, MENVCFG_STCE);
  csr_write(mcounteren, 0);
}

int main(void)
{
  rvh_trap_hook = irq_hook;
  test_mtimer();
  test_msip();
  test_stip();
  test_wfi();
  test_sstc();
  rvh_trap_hook = 0;
  rvh_test_done("interrupts");
}
