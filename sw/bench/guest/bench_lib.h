/* bench_lib.h - helpers for the guest microbenchmarks (sw/bench/guest,
 * docs/benchmarks.md), on top of the S-mode guest library (sw/guest/lib).
 *
 * A benchmark runs N iterations of one operation after a warm-up, reads
 * `cycle` and `time` around the measured part and prints one line per
 * operation for `rvh-vp bench` to parse:
 *
 *   BENCH name=null_sbi kind=loop iters=1000 guest_cycles=378123 guest_time_ticks=37812 timebase_hz=10000000
 *
 * kind=loop: guest_cycles / guest_time_ticks are totals over the iterations
 * (per operation = total / iters). kind=latency: they are sums of per-
 * iteration latencies from a programmed timer deadline to the point the
 * benchmark measures (the handler, or the instruction after WFI).
 *
 * Around the measured part the guest marks a region with the simulator-only
 * SBI extension of rvh-vp (EID 0x08525648, hyp/sbi_bench.cpp), so that the
 * simulator's own accounting of the same operations ends up in the --stats
 * JSON. Without that extension (another SBI) the markers are skipped and
 * only the guest's view is printed.
 */
#ifndef BENCH_LIB_H
#define BENCH_LIB_H

#include "guest.h"

#define BENCH_EID          0x08525648UL
#define BENCH_BEGIN        0
#define BENCH_END          1
#define BENCH_MARK         2
#define BENCH_SLEEP_UNTIL  3

extern int bench_sim;            /* the benchmark-region extension is there */
extern uint64_t bench_timebase;  /* DTB timebase-frequency */
/* Cycles per `time` tick, measured by bench_calibrate() as a fraction. */
extern uint64_t bench_cpt_cycles, bench_cpt_ticks;

/* Probes the extension, reads the timebase; prints nothing. */
void bench_init(void);

static inline long bench_call(unsigned long fid, unsigned long arg)
{
  register unsigned long a0 __asm__("a0") = arg;
  register unsigned long a1 __asm__("a1");
  register unsigned long a6 __asm__("a6") = fid;
  register unsigned long a7 __asm__("a7") = BENCH_EID;
  __asm__ volatile("ecall" : "+r"(a0), "=r"(a1) : "r"(a6), "r"(a7) : "memory");
  (void)a1;
  return (long)a0;
}

/* Region markers: no effect without the extension. */
static inline void bench_begin(const char *name)
{
  if (bench_sim)
    bench_call(BENCH_BEGIN, (unsigned long)name);
}
static inline void bench_end(unsigned long iterations)
{
  if (bench_sim)
    bench_call(BENCH_END, iterations);
}
/* One latency sample for the simulator: now, relative to `deadline`. */
static inline void bench_mark(uint64_t deadline)
{
  if (bench_sim)
    bench_call(BENCH_MARK, deadline);
}

static inline uint64_t bench_cycle(void) { return csr_read(cycle); }

/* Waits until guest time reaches now + `ticks` (at least 1) and returns that
 * time. With the extension the vCPU sleeps until exactly that tick edge and
 * its quantum restarts there, so what follows does not depend on what ran
 * before (docs/benchmarks.md); otherwise it spins on `time`. */
uint64_t bench_align(unsigned ticks);

/* Measures cycles per tick over `ticks` ticks (bench_cpt_*). */
void bench_calibrate(unsigned ticks);
/* The cycle count at time `t`, from a (cycle, time) pair read together. */
static inline uint64_t bench_cycle_at(uint64_t c0, uint64_t t0, uint64_t t)
{
  return c0 + (t - t0) * bench_cpt_cycles / bench_cpt_ticks;
}

/* The BENCH line; `extra` ("timer=sstc") may be empty. */
void bench_report(const char *name, const char *kind, uint64_t iters, uint64_t cycles,
                  uint64_t ticks, const char *extra);

#endif /* BENCH_LIB_H */
