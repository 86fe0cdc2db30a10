/* g_far_timer: a guest that waits in WFI for its supervisor timer armed
 * TIMER_SECONDS (1000) of simulated time away (sie.STIE = 1, sstatus.SIE =
 * 0), through SBI set_timer, or with -DUSE_STIMECMP through stimecmp
 * (Sstc). Nothing is stuck: the run may only be bounded with --max-time. If
 * the timer fires it prints "g_far_timer: woke" and shuts down. Built as
 * g_far_timer.elf, g_far_stimecmp.elf and, with 10^6 s, g_long_timer.elf.
 * tests/stuck_runs_test.sh. */
#include "guest.h"

#ifndef TIMER_SECONDS
#define TIMER_SECONDS 1000
#endif

int main(unsigned long hartid, unsigned long dtb)
{
  const uint64_t deadline = g_rdtime() + TIMER_SECONDS * g_dt_timebase();
  csr_clear(sstatus, MSTATUS_SIE);
  csr_write(sie, MIP_STIP);
#ifdef USE_STIMECMP
  csr_write(CSR_STIMECMP, deadline);
  puts("g_far_timer: waiting for stimecmp");
#else
  sbi_set_timer(deadline);
  puts("g_far_timer: waiting for the SBI timer");
#endif
  while (!(csr_read(sip) & MIP_STIP))
    g_wfi();
  puts("g_far_timer: woke");
  g_exit(0);
}
