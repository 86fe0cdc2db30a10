/* wfi_far_timer: waits in WFI for a CLINT timer armed 1000 s of simulated
 * time away (mie.MTIE = 1, mstatus.MIE = 0). Nothing is stuck: the run may
 * only be bounded with --max-time. If the timer fires it prints
 * "wfi_far_timer: woke" and exits 0. tests/stuck_runs_test.sh. */
#include "rvh.h"

int main(void)
{
  const uint64_t deadline = read_mtime() + 1000ull * 10000000ull; /* 10 MHz timebase */
  csr_clear(mstatus, MSTATUS_MIE);
  csr_write(mie, MIP_MTIP);
  set_mtimecmp(deadline);
  puts("wfi_far_timer: waiting 1000 s for the timer");
  while (read_mtime() < deadline)
    __asm__ volatile("wfi");
  puts("wfi_far_timer: woke");
  return 0;
}
