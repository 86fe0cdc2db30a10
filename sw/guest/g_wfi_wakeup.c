/* g_wfi_wakeup: WFI with sstatus.SIE = 0 sleeps through a long wait and
 * still wakes when the supervisor timer fires (sie.STIE = 1; no trap is
 * taken), the timer armed 1 s of guest time away:
 *  - through SBI set_timer (the hosted hypervisor's host timer);
 *  - through stimecmp, if the hart has Sstc.
 * A simulator that ends runs nobody can wake must not end these. */
#include "guest.h"

static volatile int traps;

static int count_traps(struct g_trap_frame *f)
{
  traps = traps + 1;
  return 0;
}

static uint64_t sleep_until_stip(uint64_t limit)
{
  while (!(csr_read(sip) & MIP_STIP) && g_rdtime() < limit)
    g_wfi();
  return g_rdtime();
}

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("g_wfi_wakeup");
  g_trap_hook = count_traps;
  const uint64_t hz = g_dt_timebase();
  csr_clear(sstatus, MSTATUS_SIE);
  csr_write(sie, MIP_STIP);

  uint64_t deadline = g_rdtime() + hz;
  CHECK_EQ(sbi_set_timer(deadline).error, SBI_SUCCESS);
  uint64_t woke = sleep_until_stip(deadline + 10 * hz);
  CHECK(csr_read(sip) & MIP_STIP);
  CHECK(woke >= deadline);
  printf("set_timer: woke %lu us after a 1 s deadline\n", (woke - deadline) * 1000000 / hz);
  sbi_set_timer(~0UL);
  CHECK_EQ(csr_read(sip) & MIP_STIP, 0);
  CHECK_EQ(traps, 0);

  uint64_t cmp = 0;
  if (TRY_TRAP(cmp = csr_read(CSR_STIMECMP)) < 0) {
    traps = 0;
    deadline = g_rdtime() + hz;
    csr_write(CSR_STIMECMP, deadline);
    woke = sleep_until_stip(deadline + 10 * hz);
    CHECK(csr_read(sip) & MIP_STIP);
    CHECK(woke >= deadline);
    printf("stimecmp: woke %lu us after a 1 s deadline\n", (woke - deadline) * 1000000 / hz);
    csr_write(CSR_STIMECMP, ~0UL);
    CHECK_EQ(traps, 0);
  } else {
    INFO("no Sstc (stimecmp traps): stimecmp skipped");
  }
  (void)cmp;
  csr_write(sie, 0);
  g_test_done("g_wfi_wakeup");
}
