/* g_noisy_mmio: a noisy neighbour (issue 14, the consolidation benchmark's
 * second VM): for noisy_ms of guest time (bootargs "noisy_ms=N", default
 * 100) it reads the virtual UART's line status register (0x10000005)
 * without pause; under the rvh-vp hypervisor each read is an MMIO exit
 * handled by the VMM side. Then it prints "NOISY done <count> mmio reads"
 * and shuts down (SBI SRST, reason none). It checks that the LSR reads as
 * a 16550 LSR with an idle transmitter would (THRE, bit 5, set) and that at
 * least one read happened; otherwise "NOISY FAIL ..." and reason system
 * failure. */
#include "guest.h"

#define UART_LSR (G_UART_BASE + 5)
#define LSR_THRE 0x20

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("g_noisy_mmio");
  const uint64_t hz = g_dt_timebase();
  const uint64_t run_ms = g_bootarg_u64("noisy_ms", 100);
  printf("noisy: hart %lu, reading LSR at 0x%lx for %lu ms of guest time\n", hartid,
         (unsigned long)UART_LSR, run_ms);

  volatile uint8_t *lsr = (volatile uint8_t *)UART_LSR;
  unsigned long count = 0, no_thre = 0;
  const uint64_t start = g_rdtime(), end = start + run_ms * hz / 1000;
  do {
    /* Eight reads per time check: the loop is almost only exits. */
    for (int i = 0; i < 8; i++)
      no_thre += !(*lsr & LSR_THRE);
    count += 8;
  } while (g_rdtime() < end);
  const uint64_t took_us = (g_rdtime() - start) * 1000000 / hz;

  printf("noisy: %lu reads in %lu us of guest time (%lu ns each), %lu without THRE\n", count,
         took_us, count ? took_us * 1000 / count : 0, no_thre);
  CHECK(count > 0);
  CHECK_EQ(no_thre, 0);
  if (rvh_checks_failed == 0)
    printf("NOISY done %lu mmio reads\n", count);
  else
    printf("NOISY FAIL %lu mmio reads, %lu without THRE\n", count, no_thre);
  g_test_done("g_noisy_mmio");
}
