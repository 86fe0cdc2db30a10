/* wfi_forever: waits in WFI with mie = 0 on every hart: no interrupt can
 * ever wake it, so rvh-vp ends the run ("all harts are waiting for an
 * interrupt that cannot arrive", exit status 4). tests/stuck_runs_test.sh. */
#include "rvh.h"

int main(void)
{
  csr_write(mie, 0);
  puts("wfi_forever: waiting in WFI with mie = 0");
  for (;;)
    __asm__ volatile("wfi");
}
