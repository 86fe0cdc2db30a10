/* gb_micro.c - virtualization microbenchmarks (docs/benchmarks.md), in the
 * categories of kvm-unit-tests' micro-bench: each operation runs N times
 * after a warm-up inside a simulator "benchmark region" (SBI EID
 * 0x08525648, hyp/sbi_bench.cpp), so the hypervisor records exactly what it
 * accounted for the loop, while the guest reads its own `cycle` and `time`
 * around it. One line per operation:
 *   BENCH name=<op> iters=<n> cycles=<guest cycles> ticks=<guest time ticks>
 * Latency operations (timer interrupts, WFI wake-up) give, per sample, the
 * time from the programmed deadline to the handler (guest `time` ticks) and
 * tell the simulator the same instant with the region's mark call.
 * With --smp 2 the IPI round trip between two vCPUs is measured too.
 * Runs only under rvh-vp --hyp (it needs the benchmark extension).
 */
#include "guest.h"

#define BENCH_EID 0x08525648UL
#define ITERS 200
#define LAT_SAMPLES 20
#define PLIC_PRIO1 (G_PLIC_BASE + 4)     /* priority of source 1: in-hypervisor PLIC */
#define UART_SCR   (G_UART_BASE + 7)     /* 16550 scratch register: VMM-side UART */
#define STI_CAUSE (CAUSE_INTERRUPT | IRQ_S_TIMER)
#define SSI_CAUSE (CAUSE_INTERRUPT | IRQ_S_SOFT)

static void region_begin(const char *name) { sbi_ecall(BENCH_EID, 0, (unsigned long)name, 0, 0, 0, 0, 0); }
static void region_end(unsigned long iters) { sbi_ecall(BENCH_EID, 1, iters, 0, 0, 0, 0, 0); }
static void region_mark(uint64_t deadline) { sbi_ecall(BENCH_EID, 2, deadline, 0, 0, 0, 0, 0); }

static inline uint64_t rdcycle(void) { return csr_read(cycle); }

static void report(const char *name, unsigned long iters, uint64_t cycles, uint64_t ticks)
{
  printf("BENCH name=%s iters=%lu cycles=%lu ticks=%lu\n", name, iters, (unsigned long)cycles,
         (unsigned long)ticks);
}

typedef void (*op_fn)(void);
static volatile uint32_t sink32;
static volatile uint8_t sink8;

static void op_null_sbi(void) { sbi_get_spec_version(); }
static void op_mmio_read_kernel(void) { sink32 = *(volatile uint32_t *)PLIC_PRIO1; }
static void op_mmio_write_kernel(void) { *(volatile uint32_t *)PLIC_PRIO1 = 1; }
static void op_mmio_read_user(void) { sink8 = *(volatile uint8_t *)UART_SCR; }
static void op_mmio_write_user(void) { *(volatile uint8_t *)UART_SCR = 0x5a; }
static void op_csr_emulation(void) { sink32 = (uint32_t)csr_read(hpmcounter3); }

static void throughput(const char *name, op_fn fn)
{
  for (int i = 0; i < 10; ++i) fn();  /* warm-up: decode cache, TLBs */
  region_begin(name);
  uint64_t c0 = rdcycle(), t0 = g_rdtime();
  for (int i = 0; i < ITERS; ++i) fn();
  uint64_t c1 = rdcycle(), t1 = g_rdtime();
  region_end(ITERS);
  report(name, ITERS, c1 - c0, t1 - t0);
}

/* G-stage map faults: the first touch of each fresh 2 MiB block of guest
 * RAM (mapped lazily unless --hyp-prefault). */
static void gstage_map(void)
{
  uintptr_t start = ((uintptr_t)__heap_start + (4UL << 20)) & ~((2UL << 20) - 1);
  unsigned n = 0;
  while (n < 16 && start + (uintptr_t)(n + 1) * (2UL << 20) <= (uintptr_t)__ram_end - (4UL << 20)) ++n;
  region_begin("gstage_map");
  uint64_t c0 = rdcycle(), t0 = g_rdtime();
  for (unsigned i = 0; i < n; ++i) *(volatile uint64_t *)(start + (uintptr_t)i * (2UL << 20)) = i;
  uint64_t c1 = rdcycle(), t1 = g_rdtime();
  region_end(n);
  report("gstage_map", n, c1 - c0, t1 - t0);
}

/* ---- latency: timer interrupts and WFI wake-up */
static volatile uint64_t deadline, fired_at;
static volatile int fired, use_sstc;

static int timer_hook(struct g_trap_frame *f)
{
  if (f->cause != STI_CAUSE) return 0;
  fired_at = g_rdtime();
  region_mark(deadline);
  if (use_sstc) csr_write(stimecmp, ~0ULL);
  else sbi_set_timer(~0ULL);
  fired = 1;
  return 1;
}

static void timer_latency(const char *name, int sstc, int wfi)
{
  use_sstc = sstc;
  g_trap_hook = timer_hook;
  csr_set(sie, MIP_STIP);
  uint64_t total = 0;
  region_begin(name);
  for (int i = 0; i < LAT_SAMPLES; ++i) {
    fired = 0;
    deadline = g_rdtime() + 200;  /* 20 us at 10 MHz */
    if (sstc) csr_write(stimecmp, deadline);
    else sbi_set_timer(deadline);
    csr_set(sstatus, MSTATUS_SIE);
    while (!fired) {
      if (wfi) g_wfi();
    }
    csr_clear(sstatus, MSTATUS_SIE);
    total += fired_at - deadline;
  }
  region_end(LAT_SAMPLES);
  csr_clear(sie, MIP_STIP);
  g_trap_hook = 0;
  report(name, LAT_SAMPLES, 0, total);
}

/* ---- IPI round trip between two vCPUs */
static volatile int peer_ready, ping, pong, peer_done;

static int ipi_hook(struct g_trap_frame *f)
{
  if (f->cause != SSI_CAUSE) return 0;
  csr_clear(sip, MIP_SSIP);
  if (g_hartid() == 0) pong = pong + 1;
  else ping = ping + 1;
  return 1;
}

static void peer(unsigned long hartid, uint64_t boot)
{
  csr_set(sie, MIP_SSIP);
  csr_set(sstatus, MSTATUS_SIE);
  peer_ready = 1;
  int seen = 0;
  while (!peer_done) {
    if (ping != seen) {
      seen = ping;
      sbi_send_ipi(1UL << boot, 0);
    }
  }
  csr_clear(sstatus, MSTATUS_SIE);
}

static void ipi_round_trip(unsigned long boot)
{
  g_trap_hook = ipi_hook;
  unsigned long other = boot == 0 ? 1 : 0;
  if (g_start_hart(other, peer, boot).error != SBI_SUCCESS) {
    printf("info: no second vCPU: ipi_round_trip skipped\n");
    return;
  }
  while (!peer_ready) ;
  csr_set(sie, MIP_SSIP);
  csr_set(sstatus, MSTATUS_SIE);
  for (int i = 0; i < 5; ++i) {  /* warm-up */
    int want = pong + 1;
    sbi_send_ipi(1UL << other, 0);
    while (pong != want) ;
  }
  region_begin("ipi_round_trip");
  uint64_t c0 = rdcycle(), t0 = g_rdtime();
  for (int i = 0; i < 50; ++i) {
    int want = pong + 1;
    sbi_send_ipi(1UL << other, 0);
    while (pong != want) ;
  }
  uint64_t c1 = rdcycle(), t1 = g_rdtime();
  region_end(50);
  peer_done = 1;
  csr_clear(sstatus, MSTATUS_SIE);
  report("ipi_round_trip", 50, c1 - c0, t1 - t0);
}

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("gb_micro");
  if (sbi_probe_extension((long)BENCH_EID).value == 0) {
    printf("gb_micro needs rvh-vp --hyp (benchmark extension 0x%lx)\n", BENCH_EID);
    g_exit(1);
  }
  throughput("null_sbi", op_null_sbi);
  throughput("mmio_read_kernel", op_mmio_read_kernel);
  throughput("mmio_write_kernel", op_mmio_write_kernel);
  throughput("mmio_read_user", op_mmio_read_user);
  throughput("mmio_write_user", op_mmio_write_user);
  throughput("csr_emulation", op_csr_emulation);
  gstage_map();
  timer_latency("timer_sbi", 0, 0);
  if (g_isa_has_ext(g_dt_cpu_isa(hartid), "sstc")) timer_latency("timer_sstc", 1, 0);
  timer_latency("wfi_wakeup", 0, 1);
  ipi_round_trip(hartid);
  printf("BENCH done\n");
  g_exit(0);
}
