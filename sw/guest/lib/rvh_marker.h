/* rvh_marker.h - simulator marker HINTs (cpu/marker.h, docs/benchmarks.md)
 * for any RISC-V program: M-mode, S-mode, a guest under rvh-vp's hosted
 * hypervisor or under real KVM. Header only, no dependencies.
 *
 * Each marker is `slti x0, rs1, 0x520 + op`, a HINT the unprivileged spec
 * designates for custom use: rvh-vp's hart sees it directly (no trap, no
 * exit) and records benchmark regions in its --stats JSON; any other hart
 * or QEMU runs it as a no-op.
 *
 *   rvh_region_begin("name");   ...operation...   rvh_region_end(iterations);
 *   rvh_region_mark(deadline);  one latency sample: from the instant `time`
 *                               reached `deadline` to this marker
 *   rvh_sleep_until(t);         returns once `time` >= t; on rvh-vp the hart
 *                               sleeps until exactly t (a tick edge) and its
 *                               quantum restarts there, elsewhere it spins
 *
 * Names: [A-Za-z0-9_.-], at most 63 characters. */
#ifndef RVH_MARKER_H
#define RVH_MARKER_H

#include <stdint.h>

#define RVH_MARKER_NAME 0
#define RVH_MARKER_BEGIN 1
#define RVH_MARKER_END 2
#define RVH_MARKER_MARK 3
#define RVH_MARKER_SLEEP_UNTIL 4

/* One marker with its argument in a register. */
#define RVH_MARKER(op, arg) \
  __asm__ volatile("slti x0, %0, %1" : : "r"((uint64_t)(arg)), "i"(0x520 + (op)) : "memory")

/* The name of the next region, 8 bytes a marker (little-endian). */
static inline void rvh_region_name(const char *name)
{
  for (;;) {
    uint64_t chunk = 0;
    unsigned i = 0;
    for (; i < 8 && name[i]; ++i) chunk |= (uint64_t)(unsigned char)name[i] << (8 * i);
    if (i == 0) return;
    RVH_MARKER(RVH_MARKER_NAME, chunk);
    if (i < 8) return;
    name += 8;
  }
}

static inline void rvh_region_begin(const char *name)
{
  rvh_region_name(name);
  __asm__ volatile("slti x0, x0, %0" : : "i"(0x520 + RVH_MARKER_BEGIN) : "memory");
}

static inline void rvh_region_end(uint64_t iterations) { RVH_MARKER(RVH_MARKER_END, iterations); }

static inline void rvh_region_mark(uint64_t deadline) { RVH_MARKER(RVH_MARKER_MARK, deadline); }

static inline uint64_t rvh_marker_rdtime(void)
{
  uint64_t t;
  __asm__ volatile("rdtime %0" : "=r"(t));
  return t;
}

/* Returns t once `time` has reached it. The marker may also end early (an
 * interrupt pending and enabled, as for WFI): the loop sleeps again. */
static inline uint64_t rvh_sleep_until(uint64_t t)
{
  while (rvh_marker_rdtime() < t) RVH_MARKER(RVH_MARKER_SLEEP_UNTIL, t);
  return t;
}

#endif /* RVH_MARKER_H */
