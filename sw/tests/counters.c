/* counters: cycle/time/instret (and the m* aliases) increase; minstret
 * counts at least the instructions retired by a known loop; time equals
 * the CLINT mtime and advances at 10 MHz scale; minstret/mcycle are
 * writable; mcountinhibit.CY/IR freeze mcycle/minstret. Exact cycle counts
 * are not asserted (QEMU derives them from host time). */
#include "rvh.h"

static uint64_t loop_1000(void)
{
  uint64_t before, after, n = 1000;
  __asm__ volatile("csrr %0, minstret\n"
                   "1: addi %2, %2, -1\n"
                   "bnez %2, 1b\n"
                   "csrr %1, minstret\n"
                   : "=&r"(before), "=&r"(after), "+r"(n) : : "memory");
  return after - before;
}

int main(void)
{
  uint64_t c0 = csr_read(cycle), i0 = csr_read(instret), t0 = csr_read(time);
  for (volatile int i = 0; i < 10000; i++)
    ;
  uint64_t c1 = csr_read(cycle), i1 = csr_read(instret), t1 = csr_read(time);
  CHECK(c1 > c0);
  CHECK(i1 > i0);
  CHECK(t1 >= t0);
  CHECK(csr_read(mcycle) >= c1);
  CHECK(csr_read(minstret) >= i1);

  uint64_t d = loop_1000();
  CHECK(d >= 2000); /* 2 instructions per iteration */
  INFO("minstret delta for a 2000-instruction loop: %lu", d);

  /* time == CLINT mtime */
  uint64_t ta = csr_read(time);
  uint64_t m = read_mtime();
  uint64_t tb = csr_read(time);
  CHECK(ta <= m && m <= tb);
  /* time advances: wait for 1000 ticks (100 us at 10 MHz) */
  uint64_t start = csr_read(time), spins = 0;
  while (csr_read(time) - start < 1000 && spins < 100000000)
    spins++;
  CHECK(csr_read(time) - start >= 1000);

  /* writable machine counters */
  csr_write(minstret, 1000000);
  uint64_t r = csr_read(minstret);
  CHECK(r >= 1000000 && r < 1000000 + 1000000000ULL);
  csr_write(mcycle, 5000000);
  r = csr_read(mcycle);
  CHECK(r >= 5000000);

  /* mcountinhibit: bit 0 CY, bit 2 IR (bit 1 TM is read-only zero) */
  csr_write(mcountinhibit, 5);
  CHECK_EQ(csr_read(mcountinhibit) & 7, 5);
  uint64_t ia = csr_read(minstret), ca = csr_read(mcycle);
  for (volatile int i = 0; i < 1000; i++)
    ;
  uint64_t ib = csr_read(minstret), cb = csr_read(mcycle);
  CHECK_EQ(ib, ia);
  CHECK_EQ(cb, ca);
  csr_write(mcountinhibit, 0);
  for (volatile int i = 0; i < 1000; i++)
    ;
  CHECK(csr_read(minstret) > ib);
  CHECK(csr_read(mcycle) > cb);

  /* user-level aliases track the machine counters */
  uint64_t mi = csr_read(minstret);
  CHECK(csr_read(instret) >= mi);
  rvh_test_done("counters");
}
