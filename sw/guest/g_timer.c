/* g_timer: the supervisor timer through SBI.
 *  - SBI TIME set_timer + sie.STIE + sstatus.SIE: the supervisor timer
 *    interrupt (scause 0x8000000000000005) arrives no earlier than the
 *    deadline (rdtime); set_timer(-1) clears sip.STIP;
 *  - a deadline in the past fires at once;
 *  - WFI with sstatus.SIE = 0 wakes on the pending timer (sie.STIE = 1),
 *    the interrupt is then taken when SIE is set;
 *  - the legacy v0.1 set_timer, when the SBI has it;
 *  - Sstc (if the DTB ISA string lists it and stimecmp can be read): the
 *    guest programs stimecmp itself and takes the same interrupt. */
#include "guest.h"

#define STI_CAUSE (CAUSE_INTERRUPT | IRQ_S_TIMER)

static volatile int ticks;
static volatile uint64_t tick_time, tick_cause, tick_epc_ok;
static volatile int use_stimecmp;

static int timer_hook(struct g_trap_frame *f)
{
  if (f->cause != STI_CAUSE)
    return 0;
  tick_time = g_rdtime();
  tick_cause = f->cause;
  ticks = ticks + 1;
  tick_epc_ok = (f->status & MSTATUS_SPP) != 0; /* interrupted S-mode */
  if (use_stimecmp)
    csr_write(CSR_STIMECMP, ~0UL);
  else
    sbi_set_timer(~0UL);
  return 1;
}

/* Spin until the hook ran or `limit` ticks of rdtime have passed. */
static int wait_tick(int before, uint64_t limit)
{
  uint64_t start = g_rdtime();
  while (ticks == before && g_rdtime() - start < limit)
    ;
  return ticks != before;
}

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("g_timer");
  uint64_t hz = g_dt_timebase();
  uint64_t ms = hz / 1000;
  printf("timebase %lu Hz\n", hz);
  g_trap_hook = timer_hook;

  /* 1. set_timer 2 ms ahead, interrupts on. */
  csr_set(sie, MIP_STIP);
  csr_set(sstatus, MSTATUS_SIE);
  int t0 = ticks;
  uint64_t now = g_rdtime(), deadline = now + 2 * ms;
  struct sbiret r = sbi_set_timer(deadline);
  CHECK_EQ(r.error, SBI_SUCCESS);
  CHECK(wait_tick(t0, hz));                    /* within 1 s */
  CHECK_EQ(tick_cause, STI_CAUSE);
  CHECK(tick_epc_ok);
  CHECK(tick_time >= deadline);
  printf("set_timer(+2 ms): interrupt after %lu us (late by %lu ticks)\n",
         (tick_time - now) * 1000000 / hz, tick_time - deadline);
  CHECK(tick_time - deadline < 500 * ms);     /* QEMU: host-time jitter */
  CHECK_EQ(csr_read(sip) & MIP_STIP, 0);       /* cleared by set_timer(-1) */

  /* 2. A deadline in the past fires at once. */
  t0 = ticks;
  now = g_rdtime();
  sbi_set_timer(now > 10 ? now - 10 : 0);
  CHECK(wait_tick(t0, 10 * ms));
  printf("set_timer(past): interrupt after %lu ticks\n", tick_time - now);

  /* 3. WFI with sstatus.SIE = 0: wakes on the pending timer, which is then
   *    taken when SIE is set again. */
  csr_clear(sstatus, MSTATUS_SIE);
  t0 = ticks;
  now = g_rdtime();
  deadline = now + 3 * ms;
  sbi_set_timer(deadline);
  int wfis = 0;
  while (!(csr_read(sip) & MIP_STIP) && g_rdtime() - now < hz) {
    g_wfi();
    wfis++;
  }
  uint64_t woke = g_rdtime();
  CHECK(csr_read(sip) & MIP_STIP);
  CHECK(woke >= deadline);
  CHECK_EQ(ticks, t0);                         /* SIE = 0: not taken yet */
  printf("wfi: woke after %lu us, %d wfi executed, sip.STIP %lu\n",
         (woke - now) * 1000000 / hz, wfis, (csr_read(sip) >> IRQ_S_TIMER) & 1);
  csr_set(sstatus, MSTATUS_SIE);
  __asm__ volatile("nop");
  CHECK(wait_tick(t0, 10 * ms));
  CHECK_EQ(csr_read(sip) & MIP_STIP, 0);

  /* 4. WFI with interrupts on: the handler runs, then wfi returns. */
  t0 = ticks;
  now = g_rdtime();
  sbi_set_timer(now + ms);
  while (ticks == t0 && g_rdtime() - now < hz)
    g_wfi();
  CHECK_EQ(ticks, t0 + 1);
  CHECK(tick_time >= now + ms);

  /* 5. Legacy set_timer (SBI v0.1, EID 0), if present. */
  r = sbi_probe_extension(SBI_EXT_LEGACY_SET_TIMER);
  if (r.value) {
    t0 = ticks;
    now = g_rdtime();
    sbi_legacy_set_timer(now + ms);
    CHECK(wait_tick(t0, hz));
    CHECK(tick_time >= now + ms);
    printf("legacy set_timer: interrupt after %lu us\n",
           (tick_time - now) * 1000000 / hz);
  } else {
    puts("legacy set_timer: not provided, skipped");
  }

  /* 6. Sstc: stimecmp written by the guest. */
  const char *isa = g_dt_cpu_isa(hartid);
  int dt_sstc = g_isa_has_ext(isa, "sstc");
  uint64_t cmp = 0;
  long trap = TRY_TRAP(cmp = csr_read(CSR_STIMECMP));
  printf("Sstc: ISA string %s it, stimecmp read %s (0x%lx)\n",
         dt_sstc ? "lists" : "does not list",
         trap < 0 ? "works" : "traps", trap < 0 ? cmp : (uint64_t)trap);
  if (dt_sstc)
    CHECK_EQ(trap, -1);                        /* advertised => accessible */
  if (trap < 0) {
    use_stimecmp = 1;
    t0 = ticks;
    now = g_rdtime();
    csr_write(CSR_STIMECMP, now + 10 * hz);    /* far away: read back first */
    CHECK_EQ(csr_read(CSR_STIMECMP), now + 10 * hz);
    CHECK_EQ(ticks, t0);
    csr_write(CSR_STIMECMP, now + ms);
    CHECK(wait_tick(t0, hz));
    CHECK_EQ(tick_cause, STI_CAUSE);
    CHECK(tick_time >= now + ms);
    CHECK_EQ(csr_read(sip) & MIP_STIP, 0);     /* stimecmp = -1 */
    printf("stimecmp(+1 ms): interrupt after %lu us\n",
           (tick_time - now) * 1000000 / hz);
    /* WFI on a stimecmp deadline. */
    t0 = ticks;
    now = g_rdtime();
    csr_write(CSR_STIMECMP, now + ms);
    while (ticks == t0 && g_rdtime() - now < hz)
      g_wfi();
    CHECK_EQ(ticks, t0 + 1);
    use_stimecmp = 0;
  } else {
    puts("Sstc: not available, stimecmp part skipped");
  }

  csr_clear(sstatus, MSTATUS_SIE);
  csr_clear(sie, MIP_STIP);
  sbi_set_timer(~0UL);
  printf("timer interrupts taken: %d\n", ticks);
  g_test_done("g_timer");
}
