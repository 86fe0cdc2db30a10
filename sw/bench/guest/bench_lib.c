/* bench_lib.c - see bench_lib.h. */
#include "bench_lib.h"

int bench_sim;
uint64_t bench_timebase = 10000000;
uint64_t bench_cpt_cycles = 100, bench_cpt_ticks = 1;

void bench_init(void)
{
  struct sbiret r = sbi_probe_extension((long)BENCH_EID);
  bench_sim = r.error == SBI_SUCCESS && r.value != 0;
  bench_timebase = g_dt_timebase();
}

uint64_t bench_align(unsigned ticks)
{
  uint64_t target = g_rdtime() + (ticks ? ticks : 1);
  if (bench_sim && bench_call(BENCH_SLEEP_UNTIL, target) == SBI_SUCCESS)
    return g_rdtime();
  while (g_rdtime() < target)
    ;
  return g_rdtime();
}

void bench_calibrate(unsigned ticks)
{
  uint64_t t0 = bench_align(2);
  uint64_t c0 = bench_cycle();
  uint64_t t1 = bench_align(ticks);
  uint64_t c1 = bench_cycle();
  bench_cpt_cycles = c1 - c0;
  bench_cpt_ticks = t1 - t0;
}

void bench_report(const char *name, const char *kind, uint64_t iters, uint64_t cycles,
                  uint64_t ticks, const char *extra)
{
  printf("BENCH name=%s kind=%s iters=%lu guest_cycles=%lu guest_time_ticks=%lu timebase_hz=%lu%s%s\n",
         name, kind, iters, cycles, ticks, bench_timebase, extra && *extra ? " " : "",
         extra ? extra : "");
}
