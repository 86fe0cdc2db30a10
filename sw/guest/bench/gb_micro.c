/* gb_micro.c - virtualization microbenchmarks (docs/benchmarks.md), in the
 * categories of kvm-unit-tests' micro-bench: each operation runs N times
 * after a warm-up inside a simulator "benchmark region" (marker HINTs,
 * rvh_marker.h), so the simulator records exactly what the hart and the
 * hypervisor did for the loop, while the guest reads its own `cycle` and
 * `time` around it. One line per operation:
 *   BENCH name=<op> iters=<n> cycles=<guest cycles> ticks=<guest time ticks>
 * Latency operations (timer interrupts, WFI wake-up) give, per sample, the
 * time from the programmed deadline to the handler (guest `time` ticks and
 * `cycle` counts, summed over the samples) and
 * tell the simulator the same instant with the region's mark.
 * With --smp 2 the IPI round trip between two vCPUs is measured too.
 * Runs under any hypervisor (the markers are no-ops outside rvh-vp, where
 * the guest's own figures remain); `rvh-vp bench` runs it under --hyp,
 * `rvh-vp calibrate` also under the real Linux KVM (sw/kvm). Under our VMM
 * (its device tree has the "rvh,kvm-testdev" test device; the SBI
 * implementation id says KVM on both) "kernel" MMIO is the one kind Linux 6.1 serves in
 * the kernel: a write to the test device's doorbell (KVM_IOEVENTFD, see
 * sw/kvm/devices.c); it has no in-kernel MMIO read, so mmio_read_kernel is
 * skipped there with an info line.
 * Bootargs (/chosen/bootargs, rvh-vp --append or --vm ...,append=):
 * "gb_only=timer" runs only the timer latency operations (timer_sbi,
 * timer_sstc, wfi_wakeup; the consolidation benchmark of `rvh-vp bench`),
 * "gb_samples=N" takes N latency samples instead of LAT_SAMPLES.
 */
#include "guest.h"
#include "rvh_marker.h"

#define ITERS 200
#define LAT_SAMPLES 20
#define PLIC_PRIO1 (G_PLIC_BASE + 4)     /* priority of source 1: in-hypervisor PLIC */
#define UART_SCR   (G_UART_BASE + 7)     /* 16550 scratch register: VMM-side UART */
#define KVM_DOORBELL 0x10001010UL        /* sw/kvm test device: KVM_IOEVENTFD doorbell */
#define STI_CAUSE (CAUSE_INTERRUPT | IRQ_S_TIMER)
#define SSI_CAUSE (CAUSE_INTERRUPT | IRQ_S_SOFT)

static void region_begin(const char *name) { rvh_region_begin(name); }
static void region_end(unsigned long iters) { rvh_region_end(iters); }
static void region_mark(uint64_t deadline) { rvh_region_mark(deadline); }

static inline uint64_t rdcycle(void) { return csr_read(cycle); }

static int console_dirty;  /* console_putchar left a line of dots open */

static void report(const char *name, unsigned long iters, uint64_t cycles, uint64_t ticks)
{
  if (console_dirty) printf("\n");
  console_dirty = 0;
  printf("BENCH name=%s iters=%lu cycles=%lu ticks=%lu\n", name, iters, (unsigned long)cycles,
         (unsigned long)ticks);
}

typedef void (*op_fn)(void);
static volatile uint32_t sink32;
static volatile uint8_t sink8;

static void op_null_sbi(void) { sbi_get_spec_version(); }
static void op_mmio_read_kernel(void) { sink32 = *(volatile uint32_t *)PLIC_PRIO1; }
static void op_mmio_write_kernel(void) { *(volatile uint32_t *)PLIC_PRIO1 = 1; }
static void op_mmio_write_kvm_doorbell(void) { *(volatile uint32_t *)KVM_DOORBELL = 1; }
static void op_mmio_read_user(void) { sink8 = *(volatile uint8_t *)UART_SCR; }
static void op_mmio_write_user(void) { *(volatile uint8_t *)UART_SCR = 0x5a; }
static void op_csr_emulation(void) { sink32 = (uint32_t)csr_read(hpmcounter3); }
/* One console byte through the legacy SBI putchar: what Linux 6.1 KVM
 * offers a guest for its console (no DBCN), forwarded to the VMM. */
static void op_console_putchar(void)
{
  sbi_legacy_console_putchar('.');
  console_dirty = 1;
}

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

/* ---- latency: timer interrupts and WFI wake-up
 *
 * Each sample starts on a tick edge: the vCPU sleeps until guest time
 * reaches it exactly (the sleep_until marker), and its quantum restarts
 * there. A timer is noticed when the hart next
 * synchronises with SystemC, so the latency depends on where the deadline
 * falls between synchronisation points; without the alignment that phase,
 * and with it the figures, would depend on everything the guest did before
 * (an earlier cost change, --hyp-prefault). The deadlines lie 200 ticks
 * after the edge plus (37 i mod 100) ticks: every residue modulo 10 ticks
 * (one default quantum) twice, and spread over 10 us for larger quanta.
 * Guest view: `time` and `cycle` in the handler against the deadline (its
 * cycle count from the cycles counted at the edge plus the calibrated
 * cycles per tick). */
static volatile uint64_t deadline, fired_at, fired_cycle;
static volatile int fired, use_sstc;
static int lat_samples = LAT_SAMPLES;
static uint64_t cpt_cycles = 100, cpt_ticks = 1;   /* cycles per tick, calibrated */

static int timer_hook(struct g_trap_frame *f)
{
  if (f->cause != STI_CAUSE) return 0;
  fired_cycle = rdcycle();
  fired_at = g_rdtime();
  region_mark(deadline);
  if (use_sstc) csr_write(stimecmp, ~0ULL);
  else sbi_set_timer(~0ULL);
  fired = 1;
  return 1;
}

/* Sleeps until guest time reaches `t` exactly; returns t. */
static uint64_t sleep_until(uint64_t t) { return rvh_sleep_until(t); }

static void calibrate(void)
{
  uint64_t e0 = sleep_until(g_rdtime() + 2), c0 = rdcycle();
  uint64_t e1 = sleep_until(e0 + 1000), c1 = rdcycle();
  cpt_cycles = c1 - c0;
  cpt_ticks = e1 - e0;
}

static void timer_latency(const char *name, int sstc, int wfi)
{
  use_sstc = sstc;
  g_trap_hook = timer_hook;
  csr_set(sie, MIP_STIP);
  uint64_t total = 0, total_cycles = 0;
  region_begin(name);
  /* The count is read once through a volatile access: that keeps the loop
   * as compiled with a constant count. Where the timer is noticed depends
   * on the instructions between the tick edge, the set_timer exit and the
   * spin, so another register allocation moved timer_sbi by a cycle. */
  for (int i = 0, n = *(volatile int *)&lat_samples; i < n; ++i) {
    fired = 0;
    const uint64_t edge = sleep_until(g_rdtime() + 2), edge_cycle = rdcycle();
    const uint64_t d = edge + 200 + (uint64_t)(37 * i % 100);
    deadline = d;
    if (sstc) csr_write(stimecmp, d);
    else sbi_set_timer(d);
    if (wfi) {
      /* WFI with interrupts masked (sstatus.SIE = 0): a timer that becomes
       * pending between the check and the WFI still ends the WFI (WFI
       * resumes on a locally enabled pending interrupt whatever the global
       * enable, priv spec "Wait for Interrupt"), and is taken once SIE is
       * set. With SIE set during the check, an interrupt taken just before
       * the WFI leaves the WFI with nothing to wait for (seen under KVM). */
      while (!fired) {
        g_wfi();
        csr_set(sstatus, MSTATUS_SIE);
        csr_clear(sstatus, MSTATUS_SIE);
      }
    } else {
      csr_set(sstatus, MSTATUS_SIE);
      while (!fired) ;
      csr_clear(sstatus, MSTATUS_SIE);
    }
    total += fired_at - d;
    total_cycles += fired_cycle - (edge_cycle + (d - edge) * cpt_cycles / cpt_ticks);
  }
  region_end(lat_samples);
  csr_clear(sie, MIP_STIP);
  g_trap_hook = 0;
  report(name, lat_samples, total_cycles, total);
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

/* A bootarg value (it ends at a space or the string's end) equals `word`. */
static int bootarg_is(const char *value, const char *word)
{
  while (*word && *value == *word) ++value, ++word;
  return !*word && (*value == ' ' || *value == 0);
}

static void timer_latencies(unsigned long hartid)
{
  calibrate();
  timer_latency("timer_sbi", 0, 0);
  if (g_isa_has_ext(g_dt_cpu_isa(hartid), "sstc")) timer_latency("timer_sstc", 1, 0);
  timer_latency("wfi_wakeup", 0, 1);
}

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("gb_micro");
  const uint64_t samples = g_bootarg_u64("gb_samples", LAT_SAMPLES);
  lat_samples = samples > 0 && samples <= 100000 ? (int)samples : LAT_SAMPLES;
  const char *only = g_bootarg("gb_only");
  if (only && bootarg_is(only, "timer")) {
    timer_latencies(hartid);
    printf("BENCH done\n");
    g_exit(0);
  }
  const int under_kvm = g_dt_mentions("rvh,kvm-testdev");
  throughput("null_sbi", op_null_sbi);
  if (under_kvm) {
    printf("info: mmio_read_kernel skipped: KVM serves no MMIO read in the kernel\n");
    throughput("mmio_write_kernel", op_mmio_write_kvm_doorbell);
  } else {
    throughput("mmio_read_kernel", op_mmio_read_kernel);
    throughput("mmio_write_kernel", op_mmio_write_kernel);
  }
  throughput("mmio_read_user", op_mmio_read_user);
  throughput("mmio_write_user", op_mmio_write_user);
  throughput("csr_emulation", op_csr_emulation);
  throughput("console_putchar", op_console_putchar);
  gstage_map();
  timer_latencies(hartid);
  ipi_round_trip(hartid);
  printf("BENCH done\n");
  g_exit(0);
}
