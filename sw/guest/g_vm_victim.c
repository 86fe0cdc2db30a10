/* g_vm_victim: the VM another VM attacks (issue 14, run next to
 * g_vm_attacker by `rvh-vp --hyp --vm ... --vm ...`); passes alone too.
 *  - fills 8 MiB of its RAM (VICTIM_BASE) with the secret pattern
 *    g_vm_secret(gpa) = VM_SECRET_TAG ^ gpa per 8-byte word, and the last
 *    page of its RAM (below the DTB if the DTB is there) with the 8 bytes
 *    "VSECRET!" per word: a guest outside this VM that ever reads either
 *    has seen this VM's memory;
 *  - for victim_ms of guest time (bootargs "victim_ms=N", default 200) it
 *    repeats: verify both areas, then sleep in WFI until an SBI timer
 *    victim_wfi_ms later ("victim_wfi_ms=N", default 5), leaving the hart
 *    to other vCPUs;
 *  - sie.SSIE is on all the time and every supervisor software interrupt
 *    is counted: nobody in this VM sends one, so an IPI can only come from
 *    outside (an SBI hart mask that escaped its VM);
 *  - prints "VICTIM PASS pattern intact, 0 IPIs" or "VICTIM FAIL ..." and
 *    "PASS: g_vm_victim" / "FAIL: ...", then SBI SRST shutdown (reason
 *    none on pass, system failure on fail). */
#include "guest.h"

#define VICTIM_BASE 0x80800000UL          /* 8 MiB into RAM, above the image */
#define VICTIM_SIZE (8UL << 20)
#define VM_SECRET_TAG 0x5EC2E70000000000UL
#define VSECRET_WORD 0x2154455243455356UL /* "VSECRET!" little-endian */
#define PAGE 4096UL

#define SSI_CAUSE (CAUSE_INTERRUPT | IRQ_S_SOFT)
#define STI_CAUSE (CAUSE_INTERRUPT | IRQ_S_TIMER)

static volatile unsigned ipis, ticks;
static volatile uint64_t first_ipi_time;

static int irq_hook(struct g_trap_frame *f)
{
  if (f->cause == SSI_CAUSE) {
    csr_clear(sip, MIP_SSIP);
    if (ipis == 0)
      first_ipi_time = g_rdtime();
    ipis = ipis + 1;
    return 1;
  }
  if (f->cause == STI_CAUSE) {
    sbi_set_timer(~0UL);               /* clears sip.STIP */
    ticks = ticks + 1;
    return 1;
  }
  return 0;
}

static uint64_t secret(uint64_t gpa) { return VM_SECRET_TAG ^ gpa; }

static void fill(uint64_t second)
{
  for (uint64_t a = VICTIM_BASE; a < VICTIM_BASE + VICTIM_SIZE; a += 8)
    *(volatile uint64_t *)a = secret(a);
  for (uint64_t a = second; a < second + PAGE; a += 8)
    *(volatile uint64_t *)a = VSECRET_WORD;
}

/* Number of words that differ; the first is printed. */
static unsigned long verify(uint64_t second)
{
  unsigned long bad = 0;
  for (uint64_t a = VICTIM_BASE; a < VICTIM_BASE + VICTIM_SIZE; a += 8) {
    uint64_t v = *(volatile uint64_t *)a;
    if (v != secret(a) && bad++ == 0)
      printf("victim: pattern changed at 0x%lx: 0x%lx (expected 0x%lx)\n", a, v, secret(a));
  }
  for (uint64_t a = second; a < second + PAGE; a += 8) {
    uint64_t v = *(volatile uint64_t *)a;
    if (v != VSECRET_WORD && bad++ == 0)
      printf("victim: secret page changed at 0x%lx: 0x%lx\n", a, v);
  }
  return bad;
}

/* WFI until the timer set `ticks_ahead` from now has fired. The check and
 * the WFI run with sstatus.SIE = 0 so that the interrupt cannot slip in
 * between them (WFI wakes on a pending enabled interrupt regardless of
 * SIE); it is taken when SIE is set again. */
static void sleep_ticks(uint64_t ticks_ahead)
{
  unsigned before = ticks;
  csr_clear(sstatus, MSTATUS_SIE);
  sbi_set_timer(g_rdtime() + ticks_ahead);
  while (ticks == before) {
    g_wfi();
    csr_set(sstatus, MSTATUS_SIE);
    csr_clear(sstatus, MSTATUS_SIE);
  }
  csr_set(sstatus, MSTATUS_SIE);
}

/* The last page of RAM, or the page below the DTB if the DTB reaches it. */
static uint64_t second_area(void)
{
  uint64_t base = 0x80000000UL, size = 128UL << 20;
  g_dt_memory(&base, &size);
  uint64_t area = (base + size - PAGE) & ~(PAGE - 1);
  uint64_t dtb = g_dtb, dtb_end = dtb + g_dt_u32((const uint8_t *)dtb + 4);
  if (area < dtb_end && dtb < area + PAGE)
    area = (dtb & ~(PAGE - 1)) - PAGE;
  return area;
}

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("g_vm_victim");
  const uint64_t hz = g_dt_timebase();
  const uint64_t run_ms = g_bootarg_u64("victim_ms", 200);
  const uint64_t wfi_ms = g_bootarg_u64("victim_wfi_ms", 5);
  const uint64_t second = second_area();
  printf("victim: hart %lu, secret 0x%lx..0x%lx and page 0x%lx, %lu ms, WFI %lu ms per round\n",
         hartid, VICTIM_BASE, VICTIM_BASE + VICTIM_SIZE, second, run_ms, wfi_ms);
  CHECK((uintptr_t)__heap_start <= VICTIM_BASE);
  CHECK(VICTIM_BASE + VICTIM_SIZE <= second);

  g_trap_hook = irq_hook;
  csr_set(sie, MIP_SSIP | MIP_STIP);
  csr_set(sstatus, MSTATUS_SIE);
  const uint64_t filled_at = g_rdtime();
  fill(second);

  const uint64_t start = g_rdtime(), end = start + run_ms * hz / 1000;
  unsigned long rounds = 0, bad = 0;
  do {
    bad += verify(second);
    rounds++;
    sleep_ticks(wfi_ms * hz / 1000);
  } while (g_rdtime() < end && bad == 0);
  if (bad == 0)
    bad = verify(second);
  csr_clear(sstatus, MSTATUS_SIE);
  const int ssip_pending = (csr_read(sip) & MIP_SSIP) != 0;

  printf("victim: %lu rounds in %lu ms of guest time, %u timer wake-ups, %u IPIs%s\n", rounds,
         (g_rdtime() - start) * 1000 / hz, ticks, ipis, ssip_pending ? " (one still pending)" : "");
  CHECK_EQ(bad, 0);
  CHECK_EQ(ipis, 0);
  CHECK(!ssip_pending);
  CHECK(ticks >= rounds);
  if (bad == 0 && ipis == 0 && !ssip_pending) {
    printf("VICTIM PASS pattern intact, 0 IPIs\n");
  } else {
    printf("VICTIM FAIL %lu words changed, %u IPIs%s", bad, ipis,
           ssip_pending ? " + 1 pending" : "");
    if (ipis)
      printf(" (first %lu us after the fill began)", (first_ipi_time - filled_at) * 1000000 / hz);
    printf("\n");
  }
  g_test_done("g_vm_victim");
}
