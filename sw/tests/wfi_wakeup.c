/* wfi_wakeup: WFI sleeps through a long wait and still wakes when its timer
 * fires, with mstatus.MIE = 0 (WFI resumes on any interrupt pending and
 * enabled in mie, priv spec "Wait for Interrupt"; no trap is taken):
 *  - the CLINT timer (mtimecmp) 1 s of simulated time away, mie.MTIE;
 *  - Sstc: stimecmp 1 s away, mie.STIE (skipped if menvcfg.STCE reads 0).
 * A simulator that ends runs nobody can wake must not end these. */
#include "rvh.h"

#define MENVCFG_STCE (1UL << 63)
#define TIMEBASE_HZ 10000000UL /* QEMU virt and rvh-vp */

static volatile int traps;

static int count_traps(struct trap_frame *f, int level)
{
  traps = traps + 1;
  return 0; /* not ours: the library reports it */
}

/* Sleeps in WFI until (mip & bit) or mtime passes `limit`; returns mtime. */
static uint64_t sleep_until_pending(uint64_t bit, uint64_t limit)
{
  while (!(csr_read(mip) & bit) && read_mtime() < limit)
    __asm__ volatile("wfi");
  return read_mtime();
}

static void test_clint_timer(void)
{
  const uint64_t start = read_mtime(), deadline = start + TIMEBASE_HZ;
  csr_write(mie, MIP_MTIP);
  set_mtimecmp(deadline);
  const uint64_t woke = sleep_until_pending(MIP_MTIP, deadline + 10 * TIMEBASE_HZ);
  CHECK(csr_read(mip) & MIP_MTIP);
  CHECK(woke >= deadline);
  printf("clint timer: woke %lu us after a 1 s deadline\n",
         (woke - deadline) * 1000000 / TIMEBASE_HZ);
  set_mtimecmp(~0ULL);
  CHECK_EQ(csr_read(mip) & MIP_MTIP, 0);
}

static void test_stimecmp(void)
{
  csr_set(CSR_MENVCFG, MENVCFG_STCE);
  if (!(csr_read(CSR_MENVCFG) & MENVCFG_STCE)) {
    INFO("Sstc not implemented (menvcfg.STCE reads 0): stimecmp skipped");
    return;
  }
  const uint64_t start = read_mtime(), deadline = start + TIMEBASE_HZ;
  csr_write(CSR_STIMECMP, deadline);
  csr_write(mie, MIP_STIP);
  const uint64_t woke = sleep_until_pending(MIP_STIP, deadline + 10 * TIMEBASE_HZ);
  CHECK(csr_read(mip) & MIP_STIP);
  CHECK(woke >= deadline);
  printf("stimecmp: woke %lu us after a 1 s deadline\n",
         (woke - deadline) * 1000000 / TIMEBASE_HZ);
  csr_write(CSR_STIMECMP, ~0ULL);
  csr_write(mie, 0);
  csr_clear(CSR_MENVCFG, MENVCFG_STCE);
}

int main(void)
{
  rvh_trap_hook = count_traps;
  csr_clear(mstatus, MSTATUS_MIE);
  test_clint_timer();
  test_stimecmp();
  CHECK_EQ(traps, 0);
  rvh_test_done("wfi_wakeup");
}
