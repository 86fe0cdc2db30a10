/* wfi_far_timer: waits in WFI for a CLINT timer armed TIMER_SECONDS (1000)
 * of simulated time away (mie.MTIE = 1, mstatus.MIE = 0). Nothing is stuck:
 * the run may only be bounded with --max-time. If the timer fires it prints
 * "wfi_far_timer: woke" and exits 0. Built as wfi_far_timer.elf and, with
 * 10^6 s (hours of host time), as wfi_long_timer.elf.
 * tests/stuck_runs_test.sh. */
#include "rvh.h"

#ifndef TIMER_SECONDS
#define TIMER_SECONDS 1000
#endif

int main(void)
{
  const uint64_t deadline = read_mtime() + TIMER_SECONDS * 10000000ull; /* 10 MHz timebase */
  csr_clear(mstatus, MSTATUS_MIE);
  csr_write(mie, MIP_MTIP);
  set_mtimecmp(deadline);
  printf("wfi_far_timer: waiting %lu s for the timer\n", (unsigned long)TIMER_SECONDS);
  while (read_mtime() < deadline)
    __asm__ volatile("wfi");
  puts("wfi_far_timer: woke");
  return 0;
}
