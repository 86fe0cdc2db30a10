/* g_hsm_suspend (2 harts): SBI HSM hart_suspend as another hart sees it
 * through hart_get_status (SBI 2.0 ext-hsm.adoc).
 *  - default retentive suspend (type 0; a0 carries junk in bits 63:32,
 *    which the 32-bit suspend_type ignores): the other hart reads SUSPENDED
 *    (4) for as long as it sleeps; an IPI resumes it, the call returns
 *    SBI_SUCCESS and the status is STARTED (0) again;
 *  - reserved suspend types -> SBI_ERR_INVALID_PARAM, without suspending;
 *  - default non-retentive suspend (0x80000000): SUSPENDED until an IPI,
 *    then the hart resumes at resume_addr with a0 = hart id, a1 = opaque,
 *    satp = 0 and sstatus.SIE = 0 (the call does not return). */
#include "guest.h"

#define OPAQUE 0x5eed0f0e5eedull

static volatile int phase, ready, resumed, go_nonret;
static volatile long ret_error = 99;
volatile uint64_t g_hsm_resume_regs[4];   /* a0, a1, satp, sstatus at resume_addr */

/* resume_addr of the non-retentive suspend: nothing but pc is known there
 * (no sp, gp or tp), so it records a0, a1, satp and sstatus pc-relatively
 * and continues at g_secondary_entry, which sets up the hart and calls
 * sleeper() again. */
extern char hsm_resume_entry[];
__asm__(
  "  .text\n"
  "  .align 2\n"
  "  .globl hsm_resume_entry\n"
  "hsm_resume_entry:\n"
  "  .option push\n"
  "  .option norelax\n"        /* no gp-relative address: gp is unknown here */
  "  lla   t0, g_hsm_resume_regs\n"
  "  .option pop\n"
  "  sd    a0, 0(t0)\n"
  "  sd    a1, 8(t0)\n"
  "  csrr  t1, satp\n"
  "  sd    t1, 16(t0)\n"
  "  csrr  t1, sstatus\n"
  "  sd    t1, 24(t0)\n"
  "  j     g_secondary_entry\n");

static int wait_for(volatile int *flag, int value)
{
  uint64_t start = g_rdtime(), limit = g_dt_timebase() * 5;
  while (*flag != value && g_rdtime() - start < limit)
    ;
  return *flag == value;
}

static void sleeper(unsigned long hartid, uint64_t arg)
{
  (void)arg;
  if (phase == 2) {              /* back from the non-retentive suspend */
    csr_clear(sip, MIP_SSIP);
    resumed = 2;
    return;                      /* -> hart_stop */
  }
  csr_set(sie, MIP_SSIP);        /* the IPI wakes the hart; SIE stays 0 */
  phase = 1;
  ready = 1;
  struct sbiret r = sbi_ecall(SBI_EXT_HSM, 3, (0xabcdUL << 32) | SBI_HSM_SUSPEND_RETENTIVE,
                              0, 0, 0, 0, 0);
  ret_error = r.error;
  csr_clear(sip, MIP_SSIP);
  resumed = 1;
  wait_for(&go_nonret, 1);
  phase = 2;
  __sync_synchronize();
  r = sbi_hart_suspend(SBI_HSM_SUSPEND_NON_RETENTIVE, (uintptr_t)hsm_resume_entry, OPAQUE);
  /* Only on failure does the call return. */
  ret_error = r.error;
  printf("hart %lu: non-retentive suspend returned %ld (%s)\n", hartid, r.error, sbi_err_name(r.error));
  resumed = -1;
}

/* Polls hart_get_status(hart) until it reads `want` (5 s of guest time). */
static long status_becomes(unsigned long hart, long want)
{
  uint64_t start = g_rdtime(), limit = g_dt_timebase() * 5;
  struct sbiret r;
  do
    r = sbi_hart_get_status(hart);
  while (r.value != want && g_rdtime() - start < limit && resumed >= 0);
  return r.value;
}

/* The status stays SUSPENDED over ~2 ms of guest time. */
static int stays_suspended(unsigned long hart)
{
  uint64_t start = g_rdtime(), span = g_dt_timebase() / 500;
  int reads = 0;
  while (g_rdtime() - start < span) {
    struct sbiret r = sbi_hart_get_status(hart);
    if (r.error != SBI_SUCCESS || r.value != SBI_HSM_SUSPENDED) {
      printf("hart %lu status %ld (error %ld) while suspended\n", hart, r.value, r.error);
      return 0;
    }
    ++reads;
  }
  printf("hart %lu: SUSPENDED in %d reads over 2 ms\n", hart, reads);
  return reads > 0;
}

int main(unsigned long hartid, unsigned long dtb)
{
  (void)dtb;
  g_test_begin("g_hsm_suspend");
  unsigned long other = hartid == 0 ? 1 : 0;

  /* Reserved types fail at once and do not suspend the caller. */
  static const uint32_t reserved[] = {0x00000001u, 0x0fffffffu, 0x80000001u, 0x8fffffffu};
  for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); ++i) {
    struct sbiret r = sbi_hart_suspend(reserved[i], (uintptr_t)hsm_resume_entry, 0);
    printf("hart_suspend(0x%x) -> %ld (%s)\n", reserved[i], r.error, sbi_err_name(r.error));
    CHECK_EQ(r.error, SBI_ERR_INVALID_PARAM);
  }
  CHECK_EQ(sbi_hart_get_status(hartid).value, SBI_HSM_STARTED);

  /* Retentive suspend of the other hart. */
  struct sbiret r = g_start_hart(other, sleeper, 0);
  CHECK_EQ(r.error, SBI_SUCCESS);
  CHECK(wait_for(&ready, 1));
  long st = status_becomes(other, SBI_HSM_SUSPENDED);
  printf("hart %lu status after retentive hart_suspend: %ld\n", other, st);
  CHECK_EQ(st, SBI_HSM_SUSPENDED);
  CHECK(stays_suspended(other));
  CHECK_EQ(resumed, 0);
  r = sbi_send_ipi(1UL << other, 0);
  CHECK_EQ(r.error, SBI_SUCCESS);
  CHECK(wait_for(&resumed, 1));
  printf("retentive suspend returned %ld\n", ret_error);
  CHECK_EQ(ret_error, SBI_SUCCESS);
  r = sbi_hart_get_status(other);
  printf("hart %lu status after the IPI: %ld\n", other, r.value);
  CHECK_EQ(r.value, SBI_HSM_STARTED);

  /* Non-retentive suspend: resumes at resume_addr. */
  go_nonret = 1;
  st = status_becomes(other, SBI_HSM_SUSPENDED);
  printf("hart %lu status after non-retentive hart_suspend: %ld\n", other, st);
  CHECK_EQ(st, SBI_HSM_SUSPENDED);
  if (st == SBI_HSM_SUSPENDED) {
    CHECK(stays_suspended(other));
    r = sbi_send_ipi(1UL << other, 0);
    CHECK_EQ(r.error, SBI_SUCCESS);
    CHECK(wait_for(&resumed, 2));
    printf("resumed at resume_addr: a0 %lu a1 0x%lx satp 0x%lx sstatus.SIE %lu\n",
           (unsigned long)g_hsm_resume_regs[0], (unsigned long)g_hsm_resume_regs[1],
           (unsigned long)g_hsm_resume_regs[2], (unsigned long)(g_hsm_resume_regs[3] & MSTATUS_SIE));
    CHECK_EQ(g_hsm_resume_regs[0], other);
    CHECK_EQ(g_hsm_resume_regs[1], OPAQUE);
    CHECK_EQ(g_hsm_resume_regs[2], 0);
    CHECK_EQ(g_hsm_resume_regs[3] & MSTATUS_SIE, 0);
  }
  st = status_becomes(other, SBI_HSM_STOPPED);
  printf("hart %lu status at the end: %ld\n", other, st);
  CHECK_EQ(st, SBI_HSM_STOPPED);
  g_test_done("g_hsm_suspend");
}
