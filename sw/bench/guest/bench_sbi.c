/* bench_sbi: null SBI call, the hypercall round trip (kvm-unit-tests'
 * micro-bench "hvc"): SBI BASE get_spec_version, which the hypervisor
 * answers from a constant. One exit per call: world switch + sbi_call. */
#include "bench_lib.h"

#define WARMUP 50
#define ITERS  1000

static inline long null_sbi_call(void)
{
  register unsigned long a0 __asm__("a0");
  register unsigned long a1 __asm__("a1");
  register unsigned long a6 __asm__("a6") = SBI_BASE_GET_SPEC_VERSION;
  register unsigned long a7 __asm__("a7") = SBI_EXT_BASE;
  __asm__ volatile("ecall" : "=r"(a0), "=r"(a1) : "r"(a6), "r"(a7) : "memory");
  return (long)a0 == SBI_SUCCESS ? (long)a1 : -1;
}

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("bench_sbi");
  bench_init();
  long version = 0;
  for (int i = 0; i < WARMUP; i++)
    version = null_sbi_call();
  CHECK(version > 0);

  long bad = 0;
  bench_begin("null_sbi");
  uint64_t c0 = bench_cycle(), t0 = g_rdtime();
  for (int i = 0; i < ITERS; i++)
    bad += null_sbi_call() != version;
  uint64_t c1 = bench_cycle(), t1 = g_rdtime();
  bench_end(ITERS);
  CHECK_EQ(bad, 0);
  bench_report("null_sbi", "loop", ITERS, c1 - c0, t1 - t0, "");
  g_test_done("bench_sbi");
}
