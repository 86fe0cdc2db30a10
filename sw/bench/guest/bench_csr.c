/* bench_csr: CSR emulation through a virtual-instruction exit. hcounteren
 * leaves hpmcounter3 to the hypervisor, so a guest read of it traps
 * (cause 22) and is emulated (reads 0: no PMU for guests), as KVM's
 * vcpu_insn.c does: world switch + csr_emulation. */
#include "bench_lib.h"

#define WARMUP 20
#define ITERS  1000

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("bench_csr");
  bench_init();
  uint64_t v = 0;
  for (int i = 0; i < WARMUP; i++)
    v |= csr_read(hpmcounter3);

  bench_begin("csr_emulation");
  uint64_t c0 = bench_cycle(), t0 = g_rdtime();
  for (int i = 0; i < ITERS; i++)
    v |= csr_read(hpmcounter3);
  uint64_t c1 = bench_cycle(), t1 = g_rdtime();
  bench_end(ITERS);
  printf("hpmcounter3 reads 0x%lx\n", v);
  bench_report("csr_emulation", "loop", ITERS, c1 - c0, t1 - t0, "");
  g_test_done("bench_csr");
}
