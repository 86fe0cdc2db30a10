/* h_virq: virtual interrupts for VS-mode.
 * hvip.VSSIP/VSTIP/VSEIP (set from M or HS), delegated with hideleg, are
 * taken in VS with vscause = interrupt | 1/5/9; in VS they are gated by
 * vsie and vsstatus.SIE, in VU only by vsie. Without hideleg they are taken
 * in HS with scause = interrupt | 2/6/10, whatever sstatus.SIE. An HS
 * interrupt (mip.SSIP via mideleg) while in VS is taken in HS regardless of
 * sstatus.SIE and vsstatus.SIE. Priority: M > HS > VS, and within a level
 * SEI > SSI > STI (VS), SEI > SSI > STI > VSEI > VSSI > VSTI (HS). vsip
 * (from M) and sip (in VS) show hvip bits shifted by one where hideleg
 * delegates them.
 */
#include "rvh.h"

#define INT(c) (CAUSE_INTERRUPT | (uint64_t)(c))
#define VSBITS (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP)
#define SBITS (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define Q_PRIO "QEMU 7.2 takes simultaneous S/VS-level interrupts in ascending cause order (SSI, STI, SEI; VSSI, VSTI, VSEI)"
#define Q_VSIP "QEMU 7.2 vsip.STIP/SEIP read 0 while hvip.VSTIP/VSEIP=1 and hideleg delegates them"

struct irq_ev {
  int level, virt;
  uint64_t cause, status;
};
static volatile struct irq_ev ev[16];
static volatile int nev;

static int irq_hook(struct trap_frame *f, int level)
{
  if (!(f->cause & CAUSE_INTERRUPT))
    return 0;
  unsigned code = (unsigned)(f->cause & 0x3f);
  int i = nev;
  if (i < 16) {
    ev[i].level = level;
    ev[i].cause = f->cause;
    ev[i].status = f->status;
    if (level == RVH_LEVEL_M)
      ev[i].virt = (f->status & MSTATUS_MPV) != 0;
    else if (level == RVH_LEVEL_S)
      ev[i].virt = (csr_read(CSR_HSTATUS) & HSTATUS_SPV) != 0;
    else
      ev[i].virt = 1;
  }
  nev = i + 1;
  if (i > 12) {
    printf("h_virq: interrupt storm, cause 0x%lx at level %d\n", f->cause, level);
    rvh_exit(3);
  }
  /* silence the source */
  if (level == RVH_LEVEL_M) {
    if (code == IRQ_M_SOFT)
      set_msip(0);
    else
      csr_clear(mie, 1UL << code);
  } else if (level == RVH_LEVEL_S) {
    if (code == IRQ_S_SOFT)
      csr_clear(sip, MIP_SSIP);
    else if (code == IRQ_VS_SOFT || code == IRQ_VS_TIMER || code == IRQ_VS_EXT)
      csr_clear(CSR_HVIP, 1UL << code);
    else
      csr_clear(sie, 1UL << code);
  } else {
    csr_clear(sie, 1UL << code); /* vsie: the guest masks it */
  }
  return 1;
}

static void reset_ev(void)
{
  nev = 0;
  for (int i = 0; i < 16; i++) {
    ev[i].level = ev[i].virt = 0;
    ev[i].cause = ev[i].status = 0;
  }
}

static void spin(void)
{
  for (volatile int i = 0; i < 300; i++)
    ;
}

static void quiesce(void)
{
  csr_write(CSR_HVIP, 0);
  csr_write(CSR_HIE, 0);
  csr_write(CSR_HIDELEG, 0);
  csr_write(mideleg, 0);
  csr_write(mie, 0);
  csr_clear(mip, MIP_SSIP);
  set_msip(0);
  csr_clear(mstatus, MSTATUS_SIE | MSTATUS_MIE);
  csr_clear(CSR_VSSTATUS, MSTATUS_SIE | MSTATUS_SPIE);
}

/* ---- guest bodies ---- */
static volatile int n0, n1;
static volatile uint64_t sip_seen;

/* VS: gated by vsstatus.SIE (vsie preset) or by vsie (bit = vsie bit) */
static uint64_t vs_gate(uint64_t vsie_bit)
{
  if (vsie_bit) {
    csr_set(sstatus, MSTATUS_SIE);
    spin();
    n0 = nev;
    csr_set(sie, vsie_bit);
    spin();
    n1 = nev;
  } else {
    csr_clear(sstatus, MSTATUS_SIE);
    spin();
    n0 = nev;
    csr_set(sstatus, MSTATUS_SIE);
    spin();
    n1 = nev;
  }
  csr_clear(sstatus, MSTATUS_SIE);
  return 0;
}
static uint64_t v_spin(uint64_t unused)
{
  spin();
  return 0;
}
static uint64_t vs_read_sip(uint64_t unused)
{
  sip_seen = csr_read(sip);
  return 0;
}
/* HS: set hvip itself, then run the guest */
static uint64_t hs_post(uint64_t bit)
{
  csr_set(CSR_HVIP, bit);
  csr_set(CSR_HIE, bit);
  uint64_t r = hs_run_in_vmode(PRV_S, vs_gate, 0);
  csr_clear(CSR_HVIP, bit);
  return r;
}

static void check_ev_q(int i, int level, uint64_t cause, const char *q, int line)
{
  rvh_check_eq(ev[i].level, level, "level", "expected", __FILE__, line);
  if (q)
    rvh_check_eq_quirk(ev[i].cause, cause, "cause", "expected", q, __FILE__, line);
  else
    rvh_check_eq(ev[i].cause, cause, "cause", "expected", __FILE__, line);
  rvh_check_eq(ev[i].virt, 1, "from V=1", "1", __FILE__, line);
}

/* HS: sip writes must not reach hvip (sip has no VS bits) */
static uint64_t hs_sip_write(uint64_t how)
{
  csr_write(CSR_HVIP, VSBITS);
  if (how == 0)
    csr_clear(sip, MIP_SSIP);
  else if (how == 1)
    csr_set(sip, MIP_SSIP);
  else
    csr_write(sip, 0);
  uint64_t r = csr_read(CSR_HVIP);
  csr_write(CSR_HVIP, VSBITS);
  csr_clear(sip, MIP_SSIP);
  return r & 0xffff;
}

static void check_ev(int i, int level, uint64_t cause, int line)
{
  check_ev_q(i, level, cause, 0, line);
}

static void test_vsip_view(void)
{
  quiesce();
  csr_write(CSR_HVIP, VSBITS);
  CHECK_EQ(csr_read(CSR_VSIP) & 0xffff, 0);
  csr_write(CSR_HIDELEG, VSBITS);
  CHECK_EQ_QEMU_QUIRK(csr_read(CSR_VSIP) & 0xffff, SBITS, Q_VSIP);
  CHECK_EQ(csr_read(CSR_VSIP) & MIP_SSIP, MIP_SSIP);
  run_in_vmode(PRV_S, vs_read_sip, 0);   /* hie = 0: nothing is taken */
  CHECK_EQ_QEMU_QUIRK(sip_seen & 0xffff, SBITS, Q_VSIP);
  /* sip has no VS bits: clearing sip.SSIP or writing sip leaves hvip */
  csr_clear(sip, MIP_SSIP);
  CHECK_EQ(csr_read(CSR_HVIP) & 0xffff, VSBITS);
  csr_write(sip, 0);
  CHECK_EQ(csr_read(CSR_HVIP) & 0xffff, VSBITS);
  CHECK_EQ(csr_read(sip) & VSBITS, 0);
  /* mip.SSIP set/clear from M (read-modify-write of mip) keeps the
   * hvip aliases mip.VSSIP/VSTIP/VSEIP */
  csr_set(mip, MIP_SSIP);
  CHECK_EQ(csr_read(CSR_HVIP) & 0xffff, VSBITS);
  csr_clear(mip, MIP_SSIP);
  CHECK_EQ(csr_read(CSR_HVIP) & 0xffff, VSBITS);
  csr_write(CSR_HVIP, VSBITS);
  CHECK_EQ(run_in_mode(PRV_S, hs_sip_write, 0), VSBITS);
  CHECK_EQ(run_in_mode(PRV_S, hs_sip_write, 1), VSBITS);
  CHECK_EQ(run_in_mode(PRV_S, hs_sip_write, 2), VSBITS);
  csr_write(CSR_HIDELEG, MIP_VSSIP);
  CHECK_EQ(csr_read(CSR_VSIP) & 0xffff, MIP_SSIP);
  csr_write(CSR_HIDELEG, MIP_VSTIP);
  CHECK_EQ_QEMU_QUIRK(csr_read(CSR_VSIP) & 0xffff, MIP_STIP, Q_VSIP);
  csr_write(CSR_HIDELEG, MIP_VSEIP);
  CHECK_EQ_QEMU_QUIRK(csr_read(CSR_VSIP) & 0xffff, MIP_SEIP, Q_VSIP);
  quiesce();
}

static const unsigned vs_codes[3] = {IRQ_VS_SOFT, IRQ_VS_TIMER, IRQ_VS_EXT};

static void test_delegated(void)
{
  for (int k = 0; k < 3; k++) {
    unsigned code = vs_codes[k];
    uint64_t bit = 1UL << code;
    /* gated by vsstatus.SIE */
    quiesce();
    csr_write(CSR_HIDELEG, VSBITS);
    csr_write(CSR_HIE, bit);
    csr_write(CSR_HVIP, bit);
    reset_ev();
    run_in_vmode(PRV_S, vs_gate, 0);
    CHECK_EQ(n0, 0);
    CHECK_EQ(n1, 1);
    CHECK_EQ(nev, 1);
    check_ev(0, RVH_LEVEL_VS, INT(code - 1), __LINE__);
    /* vsstatus at entry: SPP=1 (VS), SPIE=1 (SIE was 1), SIE=0 */
    CHECK_EQ(ev[0].status & (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE),
             MSTATUS_SPP | MSTATUS_SPIE);
    CHECK_EQ(csr_read(CSR_HIE) & bit, 0);   /* the guest cleared vsie */
    CHECK_EQ(csr_read(CSR_VSCAUSE), INT(code - 1));
    /* gated by vsie */
    quiesce();
    csr_write(CSR_HIDELEG, VSBITS);
    csr_write(CSR_HVIP, bit);
    reset_ev();
    run_in_vmode(PRV_S, vs_gate, 1UL << (code - 1));
    CHECK_EQ(n0, 0);
    CHECK_EQ(n1, 1);
    check_ev(0, RVH_LEVEL_VS, INT(code - 1), __LINE__);
    /* VU: taken although vsstatus.SIE=0 */
    quiesce();
    csr_write(CSR_HIDELEG, VSBITS);
    csr_write(CSR_HIE, bit);
    csr_write(CSR_HVIP, bit);
    reset_ev();
    run_in_vmode(PRV_U, v_spin, 0);
    CHECK_EQ(nev, 1);
    check_ev(0, RVH_LEVEL_VS, INT(code - 1), __LINE__);
    CHECK_EQ(ev[0].status & (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE), 0);
    /* VU with vsie clear: not taken */
    quiesce();
    csr_write(CSR_HIDELEG, VSBITS);
    csr_write(CSR_HVIP, bit);
    reset_ev();
    run_in_vmode(PRV_U, v_spin, 0);
    CHECK_EQ(nev, 0);
  }
  /* hvip set from HS */
  quiesce();
  csr_write(CSR_HIDELEG, VSBITS);
  reset_ev();
  CHECK_EQ(run_in_mode(PRV_S, hs_post, MIP_VSTIP), 0);
  CHECK_EQ(n0, 0);
  CHECK_EQ(n1, 1);
  check_ev(0, RVH_LEVEL_VS, INT(IRQ_S_TIMER), __LINE__);
  quiesce();
}

static void test_not_delegated(void)
{
  for (int k = 0; k < 3; k++) {
    unsigned code = vs_codes[k];
    uint64_t bit = 1UL << code;
    for (int mode = PRV_U; mode <= PRV_S; mode++) {
      quiesce();
      csr_write(CSR_HIE, bit);
      csr_write(CSR_HVIP, bit);
      reset_ev();
      run_in_vmode(mode, v_spin, 0);   /* sstatus.SIE = 0, vsstatus.SIE = 0 */
      CHECK_EQ(nev, 1);
      check_ev(0, RVH_LEVEL_S, INT(code), __LINE__);
      CHECK_EQ(ev[0].status & MSTATUS_SPP, mode == PRV_S ? MSTATUS_SPP : 0);
      CHECK_EQ(csr_read(scause), INT(code));
    }
  }
  /* HS interrupt (SSIP via mideleg) while in VS: HS, regardless of SIE */
  for (int vsie = 0; vsie < 2; vsie++) {
    quiesce();
    csr_write(mideleg, MIP_SSIP);
    csr_write(mie, MIP_SSIP);
    csr_set(mip, MIP_SSIP);
    if (vsie)
      csr_set(CSR_VSSTATUS, MSTATUS_SIE);
    reset_ev();
    run_in_vmode(PRV_S, v_spin, 0);
    CHECK_EQ(nev, 1);
    check_ev(0, RVH_LEVEL_S, INT(IRQ_S_SOFT), __LINE__);
    CHECK_EQ(csr_read(mip) & MIP_SSIP, 0);
  }
  quiesce();
}

static void test_priority(void)
{
  /* M > HS > VS */
  quiesce();
  csr_write(mideleg, MIP_SSIP);
  csr_write(CSR_HIDELEG, MIP_VSSIP);
  csr_write(mie, MIP_MSIP | MIP_SSIP);
  csr_write(CSR_HIE, MIP_VSSIP);
  csr_set(mip, MIP_SSIP);          /* before hvip: see test_vsip_view */
  csr_write(CSR_HVIP, MIP_VSSIP);
  set_msip(1);
  csr_set(CSR_VSSTATUS, MSTATUS_SIE);
  reset_ev();
  run_in_vmode(PRV_S, v_spin, 0);
  CHECK_EQ(nev, 3);
  check_ev(0, RVH_LEVEL_M, INT(IRQ_M_SOFT), __LINE__);
  check_ev(1, RVH_LEVEL_S, INT(IRQ_S_SOFT), __LINE__);
  check_ev(2, RVH_LEVEL_VS, INT(IRQ_S_SOFT), __LINE__);

  /* within VS: SEI > SSI > STI */
  quiesce();
  csr_write(CSR_HIDELEG, VSBITS);
  csr_write(CSR_HIE, VSBITS);
  csr_write(CSR_HVIP, VSBITS);
  csr_set(CSR_VSSTATUS, MSTATUS_SIE);
  reset_ev();
  run_in_vmode(PRV_S, v_spin, 0);
  CHECK_EQ(nev, 3);
  check_ev_q(0, RVH_LEVEL_VS, INT(IRQ_S_EXT), Q_PRIO, __LINE__);
  check_ev_q(1, RVH_LEVEL_VS, INT(IRQ_S_SOFT), Q_PRIO, __LINE__);
  check_ev_q(2, RVH_LEVEL_VS, INT(IRQ_S_TIMER), Q_PRIO, __LINE__);

  /* within HS: SSI > VSEI > VSSI > VSTI */
  quiesce();
  csr_write(mideleg, MIP_SSIP);
  csr_write(mie, MIP_SSIP);
  csr_write(CSR_HIE, VSBITS);
  csr_set(mip, MIP_SSIP);
  csr_write(CSR_HVIP, VSBITS);
  reset_ev();
  run_in_vmode(PRV_S, v_spin, 0);
  CHECK_EQ(nev, 4);
  check_ev(0, RVH_LEVEL_S, INT(IRQ_S_SOFT), __LINE__);
  check_ev_q(1, RVH_LEVEL_S, INT(IRQ_VS_EXT), Q_PRIO, __LINE__);
  check_ev_q(2, RVH_LEVEL_S, INT(IRQ_VS_SOFT), Q_PRIO, __LINE__);
  check_ev_q(3, RVH_LEVEL_S, INT(IRQ_VS_TIMER), Q_PRIO, __LINE__);
  quiesce();
}

int main(void)
{
  if (!rvh_has_h) {
    CHECK(0 && "misa.H");
    rvh_test_done("h_virq");
  }
  csr_write(CSR_MENVCFG, 0);   /* no Sstc: hip.VSTIP = hvip.VSTIP */
  csr_write(CSR_HENVCFG, 0);
  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);
  csr_write(CSR_HGATP, 0);
  csr_write(CSR_VSATP, 0);
  csr_write(medeleg, 0);
  csr_write(CSR_HEDELEG, 0);
  rvh_trap_hook = irq_hook;

  test_vsip_view();
  test_delegated();
  test_not_delegated();
  test_priority();

  quiesce();
  rvh_trap_hook = 0;
  rvh_test_done("h_virq");
}
