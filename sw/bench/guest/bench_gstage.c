/* bench_gstage: guest page-fault map. The hypervisor maps guest RAM in the
 * G-stage on first touch, 2 MiB at a time (KVM's gstage_page_fault); one
 * store to each fresh 2 MiB block is one guest-page fault exit: world
 * switch + gstage_map, then the store re-executes. With --hyp-prefault all
 * guest RAM is mapped at VM creation and the stores do not exit. */
#include "bench_lib.h"

#define BLOCK  (2UL << 20)
#define FIRST  0x82000000UL   /* 32 MiB into guest RAM: nothing has touched it */
#define ITERS  32

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("bench_gstage");
  bench_init();
  uint64_t base = 0, size = 0;
  CHECK(g_dt_memory(&base, &size));
  /* The DTB sits at the top of guest RAM; stay below the last block. */
  CHECK(FIRST + (ITERS + 1) * BLOCK <= base + size);
  /* Warm-up: code and stack are mapped by now; touch nothing else. */

  bench_begin("gstage_map");
  uint64_t c0 = bench_cycle(), t0 = g_rdtime();
  for (unsigned long i = 0; i < ITERS; i++)
    *(volatile uint64_t *)(FIRST + i * BLOCK) = i;
  uint64_t c1 = bench_cycle(), t1 = g_rdtime();
  bench_end(ITERS);
  for (unsigned long i = 0; i < ITERS; i++)
    CHECK_EQ(*(volatile uint64_t *)(FIRST + i * BLOCK), i);
  bench_report("gstage_map", "loop", ITERS, c1 - c0, t1 - t0, "");
  g_test_done("bench_gstage");
}
