/* h_sstc: Sstc for VS-mode. With menvcfg.STCE=1, henvcfg.STCE=1 and
 * hcounteren.TM=1: the time CSR read in VS/VU is mtime + htimedelta
 * (compared with the CLINT mtime at 0x200bff8, also for a "negative"
 * delta); hip.VSTIP follows vstimecmp <= time + htimedelta (set, cleared,
 * and raised when the time passes); taken in VS as a supervisor timer
 * interrupt (vscause 0x8000000000000005) when hideleg delegates it, in HS as
 * 6 when not; stimecmp in VS is vstimecmp. Access to stimecmp from VS:
 * henvcfg.STCE=0 or hcounteren.TM=0 -> virtual instruction (22),
 * menvcfg.STCE=0 or mcounteren.TM=0 -> illegal instruction (2); with
 * henvcfg.STCE=0 hip.VSTIP is hvip.VSTIP again.
 */
#include "rvh.h"

#define INT(c) (CAUSE_INTERRUPT | (uint64_t)(c))
#define I_CSRR_STIMECMP 0x14d02573u   /* csrr a0, stimecmp */
#define D1 0x0000010000000000UL       /* 2^40 ticks ahead */
#define D2 (0UL - 0x10000000UL)       /* 2^28 ticks behind */
#define TMO 2000000UL                 /* 0.2 s at 10 MHz */

static inline uint64_t rdtime(void)
{
  uint64_t t;
  __asm__ volatile("csrr %0, time" : "=r"(t) : : "memory");
  return t;
}

/* ---- interrupt hook ---- */
static volatile int nirq, irq_level;
static volatile uint64_t irq_cause, irq_status;
static int hook(struct trap_frame *f, int level)
{
  if (!(f->cause & CAUSE_INTERRUPT))
    return 0;
  nirq = nirq + 1;
  irq_level = level;
  irq_cause = f->cause;
  irq_status = f->status;
  if (nirq > 8) {
    printf("h_sstc: interrupt storm, cause 0x%lx level %d\n", f->cause, level);
    rvh_exit(3);
  }
  if (level == RVH_LEVEL_VS)
    csr_write(CSR_STIMECMP, ~0UL);   /* vstimecmp */
  else if (level == RVH_LEVEL_S)
    csr_write(CSR_VSTIMECMP, ~0UL);
  else
    csr_clear(mie, 1UL << (f->cause & 0x3f));
  return 1;
}

/* ---- guest bodies ---- */
static volatile uint64_t tm[3];
static uint64_t v_time(uint64_t unused)
{
  tm[0] = read_mtime();
  tm[1] = rdtime();
  tm[2] = read_mtime();
  return 0;
}

static volatile uint64_t vs_cmp_written, vs_cmp_read;
/* VS: arm vstimecmp (via stimecmp) a little ahead and wait with SIE=1 */
static uint64_t vs_timer(uint64_t ticks)
{
  uint64_t t = rdtime();
  vs_cmp_written = t + ticks;
  csr_write(CSR_STIMECMP, vs_cmp_written);
  vs_cmp_read = csr_read(CSR_STIMECMP);
  csr_set(sstatus, MSTATUS_SIE);
  uint64_t start = read_mtime();
  while (nirq == 0 && read_mtime() - start < TMO)
    ;
  csr_clear(sstatus, MSTATUS_SIE);
  return 0;
}

static volatile uint64_t tr_count, tr_cause, tr_tval;
static uint64_t v_try_stimecmp(uint64_t unused)
{
  rvh_trap_arm();
  __asm__ volatile(".4byte 0x14d02573" ::: "a0", "memory");
  rvh_trap_disarm();
  tr_count = rvh_trap.count;
  tr_cause = rvh_trap.cause;
  tr_tval = rvh_trap.tval;
  return 0;
}

static void expect_stimecmp(int mode_v, int mode, uint64_t cause, int line)
{
  tr_count = 99;
  if (mode_v)
    run_in_vmode(mode, v_try_stimecmp, 0);
  else
    run_in_mode(mode, v_try_stimecmp, 0);
  if (cause == ~0UL) {
    rvh_check_eq(tr_count, 0, "traps", "0", __FILE__, line);
    return;
  }
  rvh_check_eq(tr_count, 1, "traps", "1", __FILE__, line);
  rvh_check_eq(tr_cause, cause, "cause", "expected", __FILE__, line);
  rvh_check_eq(tr_tval, I_CSRR_STIMECMP, "tval", "insn", __FILE__, line);
}

/* poll hip.VSTIP until it equals want (bounded) */
static uint64_t vstip_settles(uint64_t want)
{
  uint64_t start = read_mtime();
  uint64_t v;
  do {
    v = csr_read(CSR_HIP) & MIP_VSTIP;
    if (v == want)
      break;
  } while (read_mtime() - start < TMO);
  return v;
}

static void check_time(uint64_t delta, int line)
{
  uint64_t t = tm[1] - delta;
  rvh_check(t >= tm[0] && t <= tm[2], "mtime <= time - htimedelta <= mtime", __FILE__, line);
  if (!(t >= tm[0] && t <= tm[2]))
    printf("  mtime 0x%lx, time 0x%lx, mtime 0x%lx, htimedelta 0x%lx\n", tm[0], tm[1],
           tm[2], delta);
}

int main(void)
{
  if (!rvh_has_h) {
    CHECK(0 && "misa.H");
    rvh_test_done("h_sstc");
  }
  rvh_trap_hook = hook;
  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);
  csr_write(CSR_HGATP, 0);
  csr_write(CSR_VSATP, 0);
  csr_write(mie, 0);
  csr_write(CSR_HIDELEG, 0);
  csr_write(CSR_HVIP, 0);
  csr_write(mcounteren, 7);
  csr_write(CSR_HCOUNTEREN, 7);
  csr_write(scounteren, 7);
  csr_set(CSR_MENVCFG, ENVCFG_STCE);
  CHECK_EQ(csr_read(CSR_MENVCFG) & ENVCFG_STCE, ENVCFG_STCE);
  csr_set(CSR_HENVCFG, ENVCFG_STCE);
  CHECK_EQ(csr_read(CSR_HENVCFG) & ENVCFG_STCE, ENVCFG_STCE);
  csr_write(CSR_STIMECMP, ~0UL);
  csr_write(CSR_VSTIMECMP, ~0UL);

  /* time in VS/VU = mtime + htimedelta; in M: mtime */
  csr_write(CSR_HTIMEDELTA, D1);
  CHECK_EQ(csr_read(CSR_HTIMEDELTA), D1);
  v_time(0);
  check_time(0, __LINE__);
  run_in_vmode(PRV_S, v_time, 0);
  check_time(D1, __LINE__);
  run_in_vmode(PRV_U, v_time, 0);
  check_time(D1, __LINE__);
  run_in_mode(PRV_S, v_time, 0);     /* HS: no delta */
  check_time(0, __LINE__);
  csr_write(CSR_HTIMEDELTA, D2);
  run_in_vmode(PRV_S, v_time, 0);
  check_time(D2, __LINE__);
  csr_write(CSR_HTIMEDELTA, D1);

  /* hip.VSTIP follows vstimecmp vs time + htimedelta (hie = 0) */
  csr_write(CSR_VSTIMECMP, ~0UL);
  CHECK_EQ(vstip_settles(0), 0);
  csr_write(CSR_VSTIMECMP, read_mtime() + D1 - 1);            /* past */
  CHECK_EQ(vstip_settles(MIP_VSTIP), MIP_VSTIP);
  CHECK_EQ(csr_read(mip) & MIP_VSTIP, MIP_VSTIP);
  CHECK_EQ(csr_read(CSR_HVIP) & MIP_VSTIP, 0);
  csr_write(CSR_VSTIMECMP, read_mtime() + D1 + (1UL << 32)); /* future */
  CHECK_EQ(vstip_settles(0), 0);
  /* without the delta this compare value would be in the future */
  csr_write(CSR_VSTIMECMP, read_mtime() + 100000000UL);
  CHECK_EQ(vstip_settles(MIP_VSTIP), MIP_VSTIP);
  csr_write(CSR_VSTIMECMP, ~0UL);
  CHECK_EQ(vstip_settles(0), 0);
  /* raised when time + htimedelta reaches vstimecmp (2 ms ahead) */
  {
    uint64_t target = read_mtime() + D1 + 20000;
    csr_write(CSR_VSTIMECMP, target);
    CHECK_EQ(csr_read(CSR_HIP) & MIP_VSTIP, 0);
    CHECK_EQ(vstip_settles(MIP_VSTIP), MIP_VSTIP);
    CHECK(read_mtime() + D1 >= target);
    csr_write(CSR_VSTIMECMP, ~0UL);
    CHECK_EQ(vstip_settles(0), 0);
  }

  /* taken in VS as a supervisor timer interrupt (hideleg) */
  csr_write(CSR_HIDELEG, MIP_VSTIP);
  csr_write(CSR_HIE, MIP_VSTIP);
  nirq = 0;
  run_in_vmode(PRV_S, vs_timer, 20000);
  CHECK_EQ(nirq, 1);
  CHECK_EQ(irq_level, RVH_LEVEL_VS);
  CHECK_EQ(irq_cause, INT(IRQ_S_TIMER));
  CHECK_EQ(csr_read(CSR_VSCAUSE), INT(IRQ_S_TIMER));
  CHECK_EQ(vs_cmp_read, vs_cmp_written);          /* stimecmp in VS = vstimecmp */
  CHECK_EQ(csr_read(CSR_VSTIMECMP), ~0UL);        /* the guest's handler wrote it */
  CHECK_EQ(csr_read(CSR_HIP) & MIP_VSTIP, 0);
  /* not delegated: HS takes VSTI (6) */
  csr_write(CSR_HIDELEG, 0);
  nirq = 0;
  csr_write(CSR_VSTIMECMP, read_mtime() + D1 + 20000);
  run_in_vmode(PRV_S, v_time, 0);
  {
    uint64_t start = read_mtime();
    while (csr_read(CSR_HIP) == 0 && read_mtime() - start < TMO)
      ;
  }
  run_in_vmode(PRV_S, v_time, 0);
  CHECK_EQ(nirq, 1);
  CHECK_EQ(irq_level, RVH_LEVEL_S);
  CHECK_EQ(irq_cause, INT(IRQ_VS_TIMER));
  CHECK_EQ(csr_read(scause), INT(IRQ_VS_TIMER));
  csr_write(CSR_HIE, 0);
  csr_write(CSR_VSTIMECMP, ~0UL);

  /* stimecmp access control from VS */
  expect_stimecmp(1, PRV_S, ~0UL, __LINE__);
  CHECK_EQ(csr_read(CSR_HIP) & MIP_VSTIP, 0);
  csr_write(CSR_HCOUNTEREN, 5);                   /* TM=0 */
  expect_stimecmp(1, PRV_S, CAUSE_VIRTUAL_INSTRUCTION, __LINE__);
  csr_write(CSR_HCOUNTEREN, 7);
  csr_clear(CSR_HENVCFG, ENVCFG_STCE);
  expect_stimecmp(1, PRV_S, CAUSE_VIRTUAL_INSTRUCTION, __LINE__);
  expect_stimecmp(0, PRV_S, ~0UL, __LINE__);      /* HS unaffected */
  /* henvcfg.STCE=0: hip.VSTIP is hvip.VSTIP again */
  csr_write(CSR_VSTIMECMP, 0);
  CHECK_EQ_QEMU_QUIRK(csr_read(CSR_HIP) & MIP_VSTIP, 0,
                      "QEMU 7.2 hip.VSTIP follows vstimecmp while henvcfg.STCE=0");
  csr_write(CSR_HVIP, MIP_VSTIP);
  CHECK_EQ(csr_read(CSR_HIP) & MIP_VSTIP, MIP_VSTIP);
  csr_write(CSR_HVIP, 0);
  csr_write(CSR_VSTIMECMP, ~0UL);
  csr_set(CSR_HENVCFG, ENVCFG_STCE);
  csr_clear(CSR_MENVCFG, ENVCFG_STCE);
  expect_stimecmp(1, PRV_S, CAUSE_ILLEGAL_INSTRUCTION, __LINE__);
  expect_stimecmp(0, PRV_S, CAUSE_ILLEGAL_INSTRUCTION, __LINE__);
  csr_set(CSR_MENVCFG, ENVCFG_STCE);
  csr_set(CSR_HENVCFG, ENVCFG_STCE);
  csr_write(mcounteren, 5);                       /* mcounteren.TM=0 */
  expect_stimecmp(1, PRV_S, CAUSE_ILLEGAL_INSTRUCTION, __LINE__);
  expect_stimecmp(0, PRV_S, CAUSE_ILLEGAL_INSTRUCTION, __LINE__);
  csr_write(mcounteren, 7);
  expect_stimecmp(1, PRV_S, ~0UL, __LINE__);
  /* VU: stimecmp is a supervisor CSR -> virtual instruction */
  tr_count = 99;
  run_in_vmode(PRV_U, v_try_stimecmp, 0);
  CHECK_EQ(tr_count, 1);
  CHECK_EQ_QEMU_QUIRK(tr_cause, CAUSE_VIRTUAL_INSTRUCTION,
                      "QEMU 7.2 raises illegal (2) instead of virtual instruction (22) in VU-mode");

  csr_write(CSR_HTIMEDELTA, 0);
  csr_write(CSR_HIDELEG, 0);
  csr_write(CSR_HIE, 0);
  csr_clear(CSR_MENVCFG, ENVCFG_STCE);
  rvh_trap_hook = 0;
  rvh_test_done("h_sstc");
}
