/* workload.c - a CPU and memory workload of our own, built twice: as a
 * bare-metal M-mode program (workload_bare.elf, no translation at all) and
 * as a guest (workload_guest.elf, VS-mode under the hosted hypervisor, with
 * G-stage translation and whatever exits the run takes). `rvh-vp bench`
 * compares the two: the difference is the cost of two-stage translation
 * and exits. It checks its own result and prints
 *   WORKLOAD cycles=<n> instret=<n> ticks=<n> checksum=<hex>
 */
#include <stdint.h>
#ifdef RVH_GUEST
#include "guest.h"
#define DONE(code) g_exit(code)
#else
#include "rvh.h"
#define DONE(code) rvh_exit(code)
#endif

#define ARENA_BYTES (8UL << 20)   /* 8 MiB: 2048 pages, more than the TLB holds */
#define PAGE 4096UL
static uint8_t arena[ARENA_BYTES] __attribute__((aligned(4096)));

static uint64_t mix(uint64_t x)
{
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 29;
  return x;
}

/* Integer work, a page-strided walk (one access per page, in a scrambled
 * order so that every access is a TLB miss) and a sequential copy. */
static uint64_t run(void)
{
  uint64_t sum = 0;
  const uint64_t pages = ARENA_BYTES / PAGE;
  for (uint64_t i = 0; i < 200000; ++i) sum += mix(i);
  for (uint64_t round = 0; round < 8; ++round)
    for (uint64_t p = 0; p < pages; ++p) {
      uint64_t q = (p * 1021 + round) % pages;   /* 1021 is prime: a permutation */
      volatile uint64_t *w = (volatile uint64_t *)(arena + q * PAGE + (round & 7) * 8);
      *w += q ^ sum;
      sum += *w;
    }
  for (uint64_t i = 0; i + 16 < ARENA_BYTES / 2; i += 16) {
    uint64_t *src = (uint64_t *)(arena + i), *dst = (uint64_t *)(arena + ARENA_BYTES / 2 + i);
    dst[0] = src[0] + 1;
    dst[1] = src[1] ^ sum;
  }
  for (uint64_t i = 0; i < ARENA_BYTES / 2; i += PAGE) sum += arena[ARENA_BYTES / 2 + i];
  return sum;
}

#ifdef RVH_GUEST
int main(unsigned long hartid, unsigned long dtb)
#else
int main(void)
#endif
{
  uint64_t c0 = csr_read(cycle), i0 = csr_read(instret), t0 = csr_read(time);
  uint64_t a = run();
  uint64_t c1 = csr_read(cycle), i1 = csr_read(instret), t1 = csr_read(time);
  printf("WORKLOAD cycles=%lu instret=%lu ticks=%lu checksum=0x%lx\n", (unsigned long)(c1 - c0),
         (unsigned long)(i1 - i0), (unsigned long)(t1 - t0), (unsigned long)a);
  DONE(a == 0 ? 1 : 0);
}
