/* g_wfi_stuck: a guest that waits in WFI with sie = 0 and sstatus.SIE = 0:
 * nothing can wake it, so rvh-vp ends the run with "all harts are waiting
 * for an interrupt that cannot arrive" (exit status 4), as a bare program
 * and as a guest of the hosted hypervisor. tests/stuck_runs_test.sh. */
#include "guest.h"

int main(unsigned long hartid, unsigned long dtb)
{
  csr_clear(sstatus, MSTATUS_SIE);
  csr_write(sie, 0);
  puts("g_wfi_stuck: waiting in WFI with sie = 0");
  for (;;)
    g_wfi();
}
