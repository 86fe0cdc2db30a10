/* markers: the simulator marker HINTs (cpu/marker.h, sw/guest/lib/rvh_marker.h)
 * are no-ops for the program on any hart: registers, memory and control
 * flow are as without them, on QEMU and on rvh-vp. What rvh-vp records of
 * them (its --stats "regions" and "marker_errors") is checked by
 * tests/markers_stats_test.sh on this same program:
 *   region "nops"    2 segments, 200 iterations, 200 instructions, one
 *                    latency sample (a mark inside the second segment)
 *   region LONG_NAME 1 segment (a 63-character name, 8 name markers)
 *   region "sleep"   a sleep_until that lands on its tick edge, then a mark
 *                    of that edge
 *   marker_errors    one of each kind (end without begin, mark outside a
 *                    region, mark before its deadline, a bad name, a name
 *                    too long, begin while open, a reserved op)
 * and prints "sleep: woke at +N ticks after M markers" (on rvh-vp: +0
 * after 1; elsewhere the loop spins). */
#include "rvh.h"
#include "../guest/lib/rvh_marker.h"

#define LONG_NAME "long.region_name-of_exactly_sixty-three_characters_0123456789ab"
#define TOO_LONG LONG_NAME "c"

static uint64_t sleep_markers;

/* rvh_sleep_until, counting its markers. */
static uint64_t counted_sleep_until(uint64_t t)
{
  while (rvh_marker_rdtime() < t) {
    ++sleep_markers;
    RVH_MARKER(RVH_MARKER_SLEEP_UNTIL, t);
  }
  return rvh_marker_rdtime();
}

/* 100 instructions between begin and end, nothing else: the region's
 * instruction count is exact. */
static void nops_region(void)
{
  rvh_region_name("nops");
  __asm__ volatile("slti x0, x0, 0x521\n"
                   ".rept 100\n addi x0, x0, 0\n .endr\n"
                   "slti x0, %0, 0x522" : : "r"(100UL) : "memory");
}

/* The same with a mark after 50 of them: the mark is left out of the
 * region's instructions. Its deadline passed long ago. */
static void nops_region_with_mark(uint64_t deadline)
{
  rvh_region_name("nops");
  __asm__ volatile("slti x0, x0, 0x521\n"
                   ".rept 50\n addi x0, x0, 0\n .endr\n"
                   "slti x0, %1, 0x523\n"
                   ".rept 50\n addi x0, x0, 0\n .endr\n"
                   "slti x0, %0, 0x522" : : "r"(100UL), "r"(deadline) : "memory");
}

/* Registers and flow around the markers are untouched: x0 stays 0 (the
 * markers write x0), and the neighbours are ordinary instructions. */
static void markers_are_noops(void)
{
  uint64_t a = 0x1234, b = 0, zero = 1;
  __asm__ volatile("slti x0, x0, 0x524\n"  /* sleep_until 0: long past */
                   "slti x0, %1, 0x52f\n"  /* a reserved op */
                   "slti %0, %1, 0x524\n"  /* not a marker: rd != x0 */
                   : "=&r"(b) : "r"(a) : "memory");
  __asm__ volatile("mv %0, x0" : "=r"(zero));
  CHECK_EQ(a, 0x1234);
  CHECK_EQ(b, 0);  /* 0x1234 < 0x524 is false */
  CHECK_EQ(zero, 0);
  uint64_t c = 0;
  __asm__ volatile("slti %0, %1, 0x525" : "=r"(c) : "r"(0x100UL));  /* rd != x0: 1 */
  CHECK_EQ(c, 1);
}

static void errors(void)
{
  rvh_region_end(1);                               /* end without begin */
  rvh_region_mark(0);                              /* mark outside a region */
  rvh_region_begin("bad name");                    /* a space */
  rvh_region_begin(TOO_LONG);                      /* 64 characters */
  rvh_region_begin("outer");
  rvh_region_begin("inner");                       /* begin while open */
  rvh_region_mark(rvh_marker_rdtime() + 1000000);  /* before its deadline */
  rvh_region_end(1);
  RVH_MARKER(15, 0);                               /* a reserved op */
}

int main(void)
{
  markers_are_noops();
  const uint64_t start = rvh_marker_rdtime();
  nops_region();
  nops_region_with_mark(start);

  rvh_region_begin(LONG_NAME);
  rvh_region_end(1);

  /* sleep_until: a tick edge 1000 ticks (100 us) ahead. */
  const uint64_t t = rvh_marker_rdtime() + 1000;
  rvh_region_begin("sleep");
  const uint64_t woke = counted_sleep_until(t);
  rvh_region_mark(t);
  rvh_region_end(1);
  CHECK(woke >= t);
  printf("sleep: woke at +%lu ticks after %lu markers\n", (unsigned long)(woke - t),
         (unsigned long)sleep_markers);

  /* With an interrupt pending and enabled (MSIP; MIE off, so no trap),
   * the marker does not sleep, as WFI would not: the loop spins to t
   * (1 ms: many turns on QEMU too, whose `time` follows the host clock). */
  csr_write(mie, MIP_MSIP);
  set_msip(1);
  while (!(csr_read(mip) & MIP_MSIP)) ;
  sleep_markers = 0;
  const uint64_t t2 = rvh_marker_rdtime() + 10000;
  const uint64_t woke2 = counted_sleep_until(t2);
  CHECK(woke2 >= t2);
  CHECK(sleep_markers > 1);
  set_msip(0);
  csr_write(mie, 0);

  errors();
  rvh_test_done("markers");
}
