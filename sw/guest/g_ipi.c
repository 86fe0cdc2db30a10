/* g_ipi (2 harts): SBI HSM, IPI and RFENCE between two harts.
 *  - the second hart starts STOPPED; hart_start brings it up at
 *    g_secondary_entry (a0 = hart id, a1 = opaque, sstatus.SIE = 0, satp
 *    Bare); hart_get_status gives STARTED;
 *  - hart_start of a started hart -> ERR_ALREADY_AVAILABLE (-6), of a hart
 *    id that does not exist -> ERR_INVALID_PARAM (-3);
 *  - the second hart sends an IPI to the boot hart: supervisor software
 *    interrupt (scause 0x8000000000000001), cleared through sip.SSIP; the
 *    boot hart sends one back, and one to itself (also via the legacy
 *    send_ipi);
 *  - RFENCE remote_fence_i / remote_sfence_vma(_asid) on both harts -> 0;
 *  - hart_stop: the boot hart sees STOPPED, and the hart can be started
 *    again. */
#include "guest.h"

#define SSI_CAUSE (CAUSE_INTERRUPT | IRQ_S_SOFT)

static volatile int ipis[G_MAX_HARTS];
static volatile uint64_t ipi_cause[G_MAX_HARTS];
static volatile int started, go, sent, ack, round2;
static volatile uint64_t sec_opaque_ok, sec_status, sec_satp;

static int ipi_hook(struct g_trap_frame *f)
{
  if (f->cause != SSI_CAUSE)
    return 0;
  unsigned long h = g_hartid();
  csr_clear(sip, MIP_SSIP);
  ipi_cause[h] = f->cause;
  ipis[h] = ipis[h] + 1;
  return 1;
}

static int wait_for(volatile int *flag, int value)
{
  uint64_t start = g_rdtime(), limit = g_dt_timebase() * 5;
  while (*flag != value && g_rdtime() - start < limit)
    ;
  return *flag == value;
}

static void secondary(unsigned long hartid, uint64_t boot)
{
  sec_status = csr_read(sstatus);
  sec_satp = csr_read(satp);
  if (round2) {
    started = 2;
    return;                      /* second start: just stop again */
  }
  csr_set(sie, MIP_SSIP);
  csr_set(sstatus, MSTATUS_SIE);
  started = 1;
  wait_for(&go, 1);
  struct sbiret r = sbi_send_ipi(1UL << boot, 0);
  sent = r.error == SBI_SUCCESS ? 1 : -1;
  /* Wait for the boot hart's IPI back, then for the ack. */
  wait_for(&ack, 1);
  csr_clear(sstatus, MSTATUS_SIE);
  printf("hart %lu: %d IPI(s) taken, stopping\n", hartid, ipis[hartid]);
}

int main(unsigned long hartid, unsigned long dtb)
{
  g_test_begin("g_ipi");
  unsigned long boot = hartid, other = hartid == 0 ? 1 : 0;
  g_trap_hook = ipi_hook;
  csr_set(sie, MIP_SSIP);
  csr_set(sstatus, MSTATUS_SIE);

  struct sbiret r = sbi_hart_get_status(other);
  printf("hart %lu status before start: %ld (error %ld)\n", other, r.value, r.error);
  CHECK_EQ(r.error, SBI_SUCCESS);
  CHECK_EQ(r.value, SBI_HSM_STOPPED);

  /* Error codes. */
  r = sbi_hart_start(0x1000, (uintptr_t)g_secondary_entry, 0);
  printf("hart_start(0x1000) -> %ld (%s)\n", r.error, sbi_err_name(r.error));
  CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
  r = sbi_hart_get_status(0x1000);
  printf("hart_get_status(0x1000) -> %ld (%s)\n", r.error, sbi_err_name(r.error));
  CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
  r = sbi_hart_start(boot, (uintptr_t)g_secondary_entry, 0);
  printf("hart_start(self) -> %ld (%s)\n", r.error, sbi_err_name(r.error));
  CHECK_EQ(r.error, SBI_ERR_ALREADY_AVAILABLE);

  /* Start the other hart. */
  r = g_start_hart(other, secondary, boot);
  printf("hart_start(%lu) -> %ld\n", other, r.error);
  CHECK_EQ(r.error, SBI_SUCCESS);
  CHECK(wait_for(&started, 1));
  r = sbi_hart_get_status(other);
  printf("hart %lu status after start: %ld\n", other, r.value);
  CHECK_EQ(r.value, SBI_HSM_STARTED);
  CHECK_EQ(sec_status & MSTATUS_SIE, 0);
  CHECK_EQ(sec_satp, 0);
  r = sbi_hart_start(other, (uintptr_t)g_secondary_entry, 0);
  printf("hart_start(%lu) again -> %ld (%s)\n", other, r.error, sbi_err_name(r.error));
  CHECK_EQ(r.error, SBI_ERR_ALREADY_AVAILABLE);

  /* RFENCE on both harts while both run. */
  unsigned long both = (1UL << boot) | (1UL << other);
  r = sbi_remote_fence_i(both, 0);
  CHECK_EQ(r.error, SBI_SUCCESS);
  r = sbi_remote_sfence_vma(both, 0, 0, ~0UL);
  CHECK_EQ(r.error, SBI_SUCCESS);
  r = sbi_remote_sfence_vma(1UL << other, 0, 0x80200000UL, 0x1000);
  CHECK_EQ(r.error, SBI_SUCCESS);
  r = sbi_remote_sfence_vma_asid(both, 0, 0, ~0UL, 0);
  CHECK_EQ(r.error, SBI_SUCCESS);
  r = sbi_remote_fence_i(0, ~0UL);          /* hart_mask_base = -1: all harts */
  CHECK_EQ(r.error, SBI_SUCCESS);
  printf("rfence: fence_i / sfence_vma / sfence_vma_asid -> 0\n");

  /* IPI from the other hart. */
  int before = ipis[boot];
  go = 1;
  uint64_t t = g_rdtime();
  while ((ipis[boot] == before || !sent) && g_rdtime() - t < 5 * g_dt_timebase())
    ;
  CHECK_EQ(sent, 1);               /* set after send_ipi returned there */
  CHECK_EQ(ipis[boot], before + 1);
  CHECK_EQ(ipi_cause[boot], SSI_CAUSE);
  CHECK_EQ(csr_read(sip) & MIP_SSIP, 0);
  printf("IPI %lu -> %lu: scause 0x%lx\n", other, boot, ipi_cause[boot]);

  /* IPI back to the other hart. */
  r = sbi_send_ipi(1UL << other, 0);
  CHECK_EQ(r.error, SBI_SUCCESS);
  t = g_rdtime();
  while (ipis[other] == 0 && g_rdtime() - t < 5 * g_dt_timebase())
    ;
  CHECK_EQ(ipis[other], 1);
  CHECK_EQ(ipi_cause[other], SSI_CAUSE);
  printf("IPI %lu -> %lu: scause 0x%lx\n", boot, other, ipi_cause[other]);

  /* IPI to self, with hart_mask_base. */
  before = ipis[boot];
  r = sbi_send_ipi(1, boot);
  CHECK_EQ(r.error, SBI_SUCCESS);
  t = g_rdtime();
  while (ipis[boot] == before && g_rdtime() - t < g_dt_timebase())
    ;
  CHECK_EQ(ipis[boot], before + 1);
  /* Legacy send_ipi (mask by address). */
  if (sbi_probe_extension(SBI_EXT_LEGACY_SEND_IPI).value) {
    static unsigned long mask;
    mask = 1UL << boot;
    before = ipis[boot];
    long lr = sbi_legacy_send_ipi(&mask);
    CHECK_EQ(lr, 0);
    t = g_rdtime();
    while (ipis[boot] == before && g_rdtime() - t < g_dt_timebase())
      ;
    CHECK_EQ(ipis[boot], before + 1);
    printf("legacy send_ipi to self: %ld, taken %d\n", lr, ipis[boot] - before);
  }

  /* Let the other hart stop. */
  ack = 1;
  t = g_rdtime();
  do
    r = sbi_hart_get_status(other);
  while (r.value != SBI_HSM_STOPPED && g_rdtime() - t < 5 * g_dt_timebase());
  printf("hart %lu status after hart_stop: %ld\n", other, r.value);
  CHECK_EQ(r.value, SBI_HSM_STOPPED);

  /* Start it again; it stops right away. */
  round2 = 1;
  r = g_start_hart(other, secondary, boot);
  CHECK_EQ(r.error, SBI_SUCCESS);
  CHECK(wait_for(&started, 2));
  t = g_rdtime();
  do
    r = sbi_hart_get_status(other);
  while (r.value != SBI_HSM_STOPPED && g_rdtime() - t < 5 * g_dt_timebase());
  CHECK_EQ(r.value, SBI_HSM_STOPPED);
  printf("restart + stop: status %ld\n", r.value);

  csr_clear(sstatus, MSTATUS_SIE);
  g_test_done("g_ipi");
}
