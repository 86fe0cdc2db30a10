/* h_csr: H-extension CSRs. misa.H; reset values (hgatp.MODE, vsatp.MODE,
 * legal hstatus.VSXL); WARL/read-only masks of hstatus (VSXL, SPV, SPVP,
 * GVA, VTW, VTSR, VTVM, HU, VGEIN vs GEILEN), hgeie, hedeleg (read-only
 * zero bits 9-11, 16, 20-23), hideleg (VS interrupts only), mideleg bits
 * 2/6/10 read-only one, hvip, hip/hie aliasing with mip/mie and hvip,
 * vsip/vsie aliasing gated by hideleg, hgatp modes and VMID bits (PPN[1:0]
 * zero, unsupported MODE is WARL, not ignored), hcounteren, henvcfg,
 * htimedelta, the VS CSRs, mtval2, mtinst, mstatus.MPV/GVA; and, with
 * V=1, the S CSR numbers reaching the VS registers (sstatus, sie, stvec,
 * sscratch, sepc, scause, stval, sip, satp). */
#include "rvh.h"
#include "rvh_vm.h"

static uint64_t popcount(uint64_t v)
{
  uint64_t n = 0;
  for (; v; v &= v - 1)
    n++;
  return n;
}

static int legal_gatp_mode(uint64_t m) { return m == 0 || m == 8 || m == 9 || m == 10; }

static unsigned geilen;

static void test_hstatus(uint64_t reset_hstatus)
{
  uint64_t vsxl = (reset_hstatus & HSTATUS_VSXL) >> HSTATUS_VSXL_SHIFT;
  CHECK(vsxl == 1 || vsxl == 2); /* WARL: never illegal, also at reset */
  INFO("hstatus at reset = 0x%lx", reset_hstatus);

  const uint64_t defined = HSTATUS_VSBE | HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP |
                           HSTATUS_HU | HSTATUS_VGEIN | HSTATUS_VTVM | HSTATUS_VTW |
                           HSTATUS_VTSR | HSTATUS_VSXL | (3UL << 48) /* HUPMM */;
  const uint64_t required = HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU |
                            HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR;
  csr_write(CSR_HSTATUS, ~0UL & ~HSTATUS_VGEIN);
  uint64_t r = csr_read(CSR_HSTATUS);
  INFO("hstatus after writing all ones (VGEIN 0) = 0x%lx", r);
  CHECK_EQ(r & required, required);
  CHECK_EQ_QEMU_QUIRK(r & ~defined, 0,        /* WPRI fields read zero */
                      "QEMU 7.2 hstatus keeps written WPRI bits");
  vsxl = (r & HSTATUS_VSXL) >> HSTATUS_VSXL_SHIFT;
  CHECK(vsxl == 1 || vsxl == 2);            /* 3 is reserved: WARL */
  CHECK_EQ(r & HSTATUS_VGEIN, 0);
  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);
  r = csr_read(CSR_HSTATUS);
  CHECK_EQ(r & ~(3UL << 48), 2UL << HSTATUS_VSXL_SHIFT);   /* VSXLEN=64 */

  /* GEILEN from hgeie: bits GEILEN:1 writable, everything else zero. */
  csr_write(CSR_HGEIE, ~0UL);
  uint64_t ge = csr_read(CSR_HGEIE);
  geilen = (unsigned)popcount(ge);
  INFO("hgeie after writing all ones = 0x%lx (GEILEN %u)", ge, geilen);
  CHECK_EQ(ge, geilen ? ((1UL << (geilen + 1)) - 2) : 0);
  CHECK(geilen <= 63);
  csr_write(CSR_HGEIE, 0);
  CHECK_EQ(csr_read(CSR_HGEIP) & 1, 0);
  /* VGEIN must hold 0..GEILEN */
  for (unsigned v = 0; v <= geilen; v++) {
    csr_write(CSR_HSTATUS, (2UL << HSTATUS_VSXL_SHIFT) | ((uint64_t)v << HSTATUS_VGEIN_SHIFT));
    CHECK_EQ((csr_read(CSR_HSTATUS) & HSTATUS_VGEIN) >> HSTATUS_VGEIN_SHIFT, v);
  }
  csr_write(CSR_HSTATUS, 2UL << HSTATUS_VSXL_SHIFT);
  /* mideleg.SGEI (12) is read-only one iff GEILEN != 0 */
  uint64_t md = csr_read(mideleg);
  csr_write(mideleg, 0);
  if (geilen)
    CHECK_EQ((csr_read(mideleg) >> IRQ_S_GEXT) & 1, 1);
  else
    INFO("GEILEN = 0: mideleg.SGEI reads %lu", (csr_read(mideleg) >> IRQ_S_GEXT) & 1);
  /* mideleg bits 10, 6, 2 are read-only one */
  CHECK_EQ(csr_read(mideleg) & (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP),
           MIP_VSSIP | MIP_VSTIP | MIP_VSEIP);
  csr_write(mideleg, md);
}

static void test_deleg(void)
{
  csr_write(CSR_HEDELEG, ~0UL);
  uint64_t r = csr_read(CSR_HEDELEG);
  INFO("hedeleg after writing all ones = 0x%lx", r);
  /* read-only zero: 9, 10, 11 (ecalls from HS/VS/M), 16 (double trap),
   * 20-23 (guest-page faults, virtual instruction) */
  const uint64_t ro0 = (7UL << 9) | (1UL << 16) | (0xfUL << 20);
  CHECK_EQ(r & ro0, 0);
  /* required writable: 1-8, 12, 13, 15 */
  const uint64_t wr = (0xffUL << 1) | (1UL << 12) | (1UL << 13) | (1UL << 15);
  CHECK_EQ(r & wr, wr);
  CHECK_EQ(r & (1UL << 14), 0); /* reserved cause 14 */
  csr_write(CSR_HEDELEG, 0);
  CHECK_EQ(csr_read(CSR_HEDELEG), 0);

  csr_write(CSR_HIDELEG, ~0UL);
  r = csr_read(CSR_HIDELEG);
  INFO("hideleg after writing all ones = 0x%lx", r);
  CHECK_EQ(r & 0xffff & ~(1UL << 13), MIP_VSSIP | MIP_VSTIP | MIP_VSEIP);
  CHECK_EQ(r & (MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_SGEIP), 0);
  csr_write(CSR_HIDELEG, 0);
  CHECK_EQ(csr_read(CSR_HIDELEG), 0);
}

static void test_interrupt_regs(void)
{
  csr_clear(mstatus, MSTATUS_MIE);
  csr_write(CSR_HIDELEG, 0);
  /* hvip: only VSEIP, VSTIP, VSSIP writable */
  csr_write(CSR_HVIP, ~0UL);
  uint64_t r = csr_read(CSR_HVIP);
  CHECK_EQ(r & 0xffff, MIP_VSSIP | MIP_VSTIP | MIP_VSEIP);
  /* ... reflected in hip and mip */
  CHECK_EQ(csr_read(CSR_HIP) & (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP),
           MIP_VSSIP | MIP_VSTIP | MIP_VSEIP);
  CHECK_EQ(csr_read(mip) & (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP),
           MIP_VSSIP | MIP_VSTIP | MIP_VSEIP);
  /* hip and sip are disjoint: S-level bits never appear in hip */
  CHECK_EQ(csr_read(CSR_HIP) & (MIP_SSIP | MIP_STIP | MIP_SEIP), 0);
  /* vsip reads zero while hideleg = 0 */
  CHECK_EQ(csr_read(CSR_VSIP) & 0xffff, 0);
  /* with hideleg: vsip.SSIP/STIP/SEIP alias hip.VSSIP/VSTIP/VSEIP */
  csr_write(CSR_HIDELEG, MIP_VSSIP | MIP_VSTIP | MIP_VSEIP);
  CHECK_EQ_QEMU_QUIRK(csr_read(CSR_VSIP) & 0xffff, MIP_SSIP | MIP_STIP | MIP_SEIP,
                      "QEMU 7.2 vsip.STIP/SEIP do not show hvip.VSTIP/VSEIP");
  csr_write(CSR_HIDELEG, MIP_VSTIP);
  CHECK_EQ_QEMU_QUIRK(csr_read(CSR_VSIP) & 0xffff, MIP_STIP,
                      "QEMU 7.2 vsip.STIP does not show hvip.VSTIP");
  csr_write(CSR_HIDELEG, 0);
  csr_write(CSR_HVIP, 0);
  CHECK_EQ(csr_read(CSR_HIP) & (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP), 0);
  CHECK_EQ(csr_read(mip) & (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP), 0);

  /* hip.VSSIP is a writable alias of hvip.VSSIP; VSTIP/VSEIP read-only */
  csr_set(CSR_HIP, MIP_VSSIP);
  CHECK_EQ(csr_read(CSR_HVIP) & MIP_VSSIP, MIP_VSSIP);
  CHECK_EQ(csr_read(mip) & MIP_VSSIP, MIP_VSSIP);
  csr_clear(CSR_HIP, MIP_VSSIP);
  CHECK_EQ(csr_read(CSR_HVIP) & MIP_VSSIP, 0);
  csr_set(CSR_HIP, MIP_VSTIP | MIP_VSEIP);
  CHECK_EQ(csr_read(CSR_HIP) & (MIP_VSTIP | MIP_VSEIP), 0);
  CHECK_EQ(csr_read(CSR_HVIP) & (MIP_VSTIP | MIP_VSEIP), 0);
  /* mip.VSSIP is an alias too */
  csr_set(mip, MIP_VSSIP);
  CHECK_EQ(csr_read(CSR_HVIP) & MIP_VSSIP, MIP_VSSIP);
  csr_clear(mip, MIP_VSSIP);
  CHECK_EQ(csr_read(CSR_HVIP) & MIP_VSSIP, 0);
  /* vsip.SSIP writes reach hvip.VSSIP when delegated */
  csr_write(CSR_HIDELEG, MIP_VSSIP);
  csr_set(CSR_VSIP, MIP_SSIP);
  CHECK_EQ(csr_read(CSR_HVIP) & MIP_VSSIP, MIP_VSSIP);
  csr_clear(CSR_VSIP, MIP_SSIP);
  CHECK_EQ(csr_read(CSR_HVIP) & MIP_VSSIP, 0);
  csr_write(CSR_HIDELEG, 0);

  /* hie: VSSIE, VSTIE, VSEIE (+ SGEIE if GEILEN) writable; alias of mie */
  csr_write(mie, 0);
  csr_write(CSR_HIE, ~0UL);
  r = csr_read(CSR_HIE);
  INFO("hie after writing all ones = 0x%lx", r);
  CHECK_EQ(r & 0xffff & ~MIP_SGEIP, MIP_VSSIP | MIP_VSTIP | MIP_VSEIP);
  if (geilen)
    CHECK_EQ(r & MIP_SGEIP, MIP_SGEIP);
  CHECK_EQ(csr_read(mie) & 0xffff, r & 0xffff);  /* S and M bits untouched */
  csr_write(CSR_HIE, 0);
  csr_write(mie, MIP_VSTIP | MIP_STIP);
  CHECK_EQ(csr_read(CSR_HIE) & 0xffff, MIP_VSTIP);
  /* vsie aliases hie through hideleg */
  CHECK_EQ(csr_read(CSR_VSIE) & 0xffff, 0);
  csr_write(CSR_HIDELEG, MIP_VSTIP | MIP_VSSIP);
  CHECK_EQ(csr_read(CSR_VSIE) & 0xffff, MIP_STIP);
  csr_set(CSR_VSIE, MIP_SSIP | MIP_SEIP);  /* SEIE not delegated: stays 0 */
  CHECK_EQ(csr_read(CSR_VSIE) & 0xffff, MIP_STIP | MIP_SSIP);
  CHECK_EQ(csr_read(CSR_HIE) & 0xffff, MIP_VSTIP | MIP_VSSIP);
  csr_write(CSR_HIDELEG, 0);
  csr_write(mie, 0);
}

static void test_hgatp(void)
{
  CHECK_EQ(csr_read(CSR_HGATP), 0); /* still at reset: MODE 0 (rest 0 here) */
  /* Sv39x4, all VMID bits, PPN with low bits set */
  uint64_t ppn = 0x87654UL | 3;
  csr_write(CSR_HGATP, HGATP_SV39X4 | HGATP_VMID_MASK | ppn);
  uint64_t r = csr_read(CSR_HGATP);
  INFO("hgatp after writing Sv39x4|VMID all ones|PPN 0x%lx = 0x%lx", ppn, r);
  CHECK_EQ(r >> HGATP_MODE_SHIFT, 8);
  uint64_t vmid = (r & HGATP_VMID_MASK) >> HGATP_VMID_SHIFT;
  unsigned vmidlen = (unsigned)popcount(vmid);
  CHECK_EQ(vmid, (1UL << vmidlen) - 1); /* LSBs implemented first */
  INFO("VMIDLEN = %u", vmidlen);
  /* PPN[1:0] read as zero in the x4 modes */
  CHECK_EQ_QEMU_QUIRK(r & HGATP_PPN_MASK, ppn & ~3UL,
                      "QEMU 7.2 hgatp PPN[1:0] do not read as zero in Sv39x4");
  /* Sv48x4 */
  csr_write(CSR_HGATP, HGATP_SV48X4 | (0x80000UL));
  r = csr_read(CSR_HGATP);
  CHECK(legal_gatp_mode(r >> HGATP_MODE_SHIFT));
  INFO("hgatp Sv48x4 %s", (r >> HGATP_MODE_SHIFT) == 9 ? "supported" : "not supported");
  CHECK_EQ(r >> HGATP_MODE_SHIFT, 9); /* we require Sv48x4 (rvh-vp implements it) */
  /* reserved MODE values: WARL, the result must be a legal mode */
  static const uint64_t bad[] = {1, 5, 7, 11, 15};
  for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    csr_write(CSR_HGATP, HGATP_SV39X4 | 0x80000UL);
    csr_write(CSR_HGATP, (bad[i] << HGATP_MODE_SHIFT) | 0x80000UL);
    r = csr_read(CSR_HGATP);
    CHECK_EQ_QEMU_QUIRK(legal_gatp_mode(r >> HGATP_MODE_SHIFT), 1,
                        "QEMU 7.2 hgatp.MODE keeps reserved values (not WARL)");
  }
  csr_write(CSR_HGATP, 0);
  CHECK_EQ(csr_read(CSR_HGATP), 0);
}

static void test_misc_regs(void)
{
  /* hcounteren: 32-bit register */
  csr_write(CSR_HCOUNTEREN, ~0UL);
  uint64_t r = csr_read(CSR_HCOUNTEREN);
  INFO("hcounteren after writing all ones = 0x%lx", r);
  CHECK_EQ_QEMU_QUIRK(r >> 32, 0, "QEMU 7.2 hcounteren is 64 bits wide");
  CHECK_EQ(r & 7, 7); /* CY, TM, IR (we require them; spec allows RO zero) */
  csr_write(CSR_HCOUNTEREN, 0);
  CHECK_EQ(csr_read(CSR_HCOUNTEREN), 0);

  /* henvcfg: only defined fields; STCE writable with menvcfg.STCE=1 */
  csr_set(CSR_MENVCFG, ENVCFG_STCE);
  csr_write(CSR_HENVCFG, ~0UL);
  r = csr_read(CSR_HENVCFG);
  INFO("henvcfg after writing all ones = 0x%lx", r);
  const uint64_t defined = 1UL | (1UL << 2) | (1UL << 3) | (3UL << 4) | (1UL << 6) |
                           (1UL << 7) | (3UL << 32) | (1UL << 59) | (1UL << 61) |
                           (1UL << 62) | (1UL << 63);
  CHECK_EQ(r & ~defined, 0);
  CHECK_EQ(r & 1, 1);               /* FIOM */
  CHECK_EQ(r & ENVCFG_STCE, ENVCFG_STCE);
  CHECK((r & (3UL << 4)) != (2UL << 4)); /* CBIE 0b10 reserved */
  csr_write(CSR_HENVCFG, 0);
  CHECK_EQ(csr_read(CSR_HENVCFG), 0);
  /* menvcfg.STCE = 0 makes henvcfg.STCE read-only zero (Sstc) */
  csr_clear(CSR_MENVCFG, ENVCFG_STCE);
  csr_write(CSR_HENVCFG, ENVCFG_STCE);
  CHECK_EQ_QEMU_QUIRK(csr_read(CSR_HENVCFG) & ENVCFG_STCE, 0,
                      "QEMU 7.2 henvcfg.STCE writable while menvcfg.STCE=0");
  csr_write(CSR_HENVCFG, 0);

  /* htimedelta: full 64 bits */
  csr_write(CSR_HTIMEDELTA, 0xfedcba9876543210UL);
  CHECK_EQ(csr_read(CSR_HTIMEDELTA), 0xfedcba9876543210UL);
  csr_write(CSR_HTIMEDELTA, 0);

  /* htval / htinst / mtval2 / mtinst must hold zero */
  csr_write(CSR_HTVAL, 0);
  CHECK_EQ(csr_read(CSR_HTVAL), 0);
  csr_write(CSR_HTINST, 0);
  CHECK_EQ(csr_read(CSR_HTINST), 0);
  csr_write(CSR_MTVAL2, 0);
  CHECK_EQ(csr_read(CSR_MTVAL2), 0);
  csr_write(CSR_MTINST, 0);
  CHECK_EQ(csr_read(CSR_MTINST), 0);
  csr_write(CSR_MTVAL2, 0x12345678UL);
  INFO("mtval2 holds 0x12345678 -> 0x%lx", csr_read(CSR_MTVAL2));
  csr_write(CSR_MTVAL2, 0);

  /* mstatus.MPV and GVA are writable */
  csr_set(mstatus, MSTATUS_MPV);
  CHECK_EQ(csr_read(mstatus) & MSTATUS_MPV, MSTATUS_MPV);
  csr_clear(mstatus, MSTATUS_MPV);
  CHECK_EQ(csr_read(mstatus) & MSTATUS_MPV, 0);
  csr_set(mstatus, MSTATUS_GVA);
  CHECK_EQ(csr_read(mstatus) & MSTATUS_GVA, MSTATUS_GVA);
  csr_clear(mstatus, MSTATUS_GVA);
  CHECK_EQ(csr_read(mstatus) & MSTATUS_GVA, 0);
  /* sstatus does not show them */
  csr_set(mstatus, MSTATUS_MPV | MSTATUS_GVA);
  CHECK_EQ(csr_read(sstatus) & (MSTATUS_MPV | MSTATUS_GVA), 0);
  csr_clear(mstatus, MSTATUS_MPV | MSTATUS_GVA);
}

static void test_vs_regs(void)
{
  uint64_t saved_vstvec = csr_read(CSR_VSTVEC), saved_vss = csr_read(CSR_VSSCRATCH);
  /* vsstatus */
  uint64_t old = csr_read(CSR_VSSTATUS);
  csr_write(CSR_VSSTATUS, ~0UL);
  uint64_t r = csr_read(CSR_VSSTATUS);
  INFO("vsstatus after writing all ones = 0x%lx", r);
  const uint64_t defined = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP |
                           MSTATUS_VS | MSTATUS_FS | MSTATUS_XS | MSTATUS_SUM |
                           MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD |
                           (1UL << 23) /* SPELP */ | (1UL << 24) /* SDT */;
  CHECK_EQ_QEMU_QUIRK(r & ~defined, 0, "QEMU 7.2 vsstatus keeps non-sstatus bits");
  const uint64_t req = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS |
                       MSTATUS_SUM | MSTATUS_MXR;
  CHECK_EQ(r & req, req);
  CHECK_EQ_QEMU_QUIRK((r & MSTATUS_UXL) >> 32, 2, "QEMU 7.2 vsstatus.UXL writable (3 kept)");
  CHECK_EQ(r >> 63, 1); /* SD: FS dirty */
  csr_write(CSR_VSSTATUS, 0);
  r = csr_read(CSR_VSSTATUS);
  CHECK_EQ(r & (req | MSTATUS_SD), 0);
  CHECK_EQ_QEMU_QUIRK((r & MSTATUS_UXL) >> 32, 2, "QEMU 7.2 vsstatus.UXL writable (0 kept)");
  /* vsstatus is separate from mstatus/sstatus */
  csr_clear(mstatus, MSTATUS_SUM);
  csr_write(CSR_VSSTATUS, MSTATUS_SUM | (FS_INITIAL << MSTATUS_FS_SHIFT));
  CHECK_EQ(csr_read(mstatus) & MSTATUS_SUM, 0);
  csr_write(CSR_VSSTATUS, old & defined);

  /* vstvec: BASE + MODE (direct/vectored) */
  csr_write(CSR_VSTVEC, 0x80001001UL);
  CHECK_EQ(csr_read(CSR_VSTVEC), 0x80001001UL);
  csr_write(CSR_VSTVEC, 0x80001000UL);
  CHECK_EQ(csr_read(CSR_VSTVEC), 0x80001000UL);
  /* vsscratch: 64 bits */
  csr_write(CSR_VSSCRATCH, 0x0123456789abcdefUL);
  CHECK_EQ(csr_read(CSR_VSSCRATCH), 0x0123456789abcdefUL);
  /* vsepc: bit 0 always zero (IALIGN=16) */
  csr_write(CSR_VSEPC, ~0UL);
  CHECK_EQ_QEMU_QUIRK(csr_read(CSR_VSEPC), ~1UL, "QEMU 7.2 vsepc bit 0 writable");
  /* vscause: interrupt bit + code */
  csr_write(CSR_VSCAUSE, CAUSE_INTERRUPT | IRQ_S_TIMER);
  CHECK_EQ(csr_read(CSR_VSCAUSE), CAUSE_INTERRUPT | IRQ_S_TIMER);
  csr_write(CSR_VSCAUSE, CAUSE_LOAD_PAGE_FAULT);
  CHECK_EQ(csr_read(CSR_VSCAUSE), CAUSE_LOAD_PAGE_FAULT);
  /* vstval */
  csr_write(CSR_VSTVAL, 0xdeadbeef0badf00dUL);
  CHECK_EQ(csr_read(CSR_VSTVAL), 0xdeadbeef0badf00dUL);
  /* vsatp: Sv39 (ASID bits probed) */
  CHECK_EQ(csr_read(CSR_VSATP) >> 60, 0); /* reset MODE = Bare */
  csr_write(CSR_VSATP, SATP_SV39 | (0xffffUL << 44) | 0x12345UL);
  r = csr_read(CSR_VSATP);
  INFO("vsatp after writing Sv39|ASID all ones = 0x%lx", r);
  CHECK_EQ(r >> 60, 8);
  CHECK_EQ(r & HGATP_PPN_MASK, 0x12345UL);
  uint64_t asid = (r >> 44) & 0xffff;
  CHECK_EQ(asid, (1UL << popcount(asid)) - 1);
  /* unsupported mode with V=0: ignored or WARL -> legal mode */
  csr_write(CSR_VSATP, (5UL << 60) | 0x1UL);
  r = csr_read(CSR_VSATP);
  CHECK_EQ_QEMU_QUIRK(legal_gatp_mode(r >> 60), 1,
                      "QEMU 7.2 vsatp (V=0) keeps a reserved MODE value");
  csr_write(CSR_VSATP, 0);
  CHECK_EQ(csr_read(CSR_VSATP), 0);
  csr_write(CSR_VSTVEC, saved_vstvec);
  csr_write(CSR_VSSCRATCH, saved_vss);
}

/* ---- with V=1 the S CSR numbers reach the VS CSRs ---- */
static volatile uint64_t vs_seen[16];

static uint64_t vs_access(uint64_t vsatp_val)
{
  vs_seen[0] = csr_read(sstatus);
  vs_seen[1] = csr_read(sscratch);
  vs_seen[2] = csr_read(sepc);
  vs_seen[3] = csr_read(scause);
  vs_seen[4] = csr_read(stval);
  vs_seen[5] = csr_read(stvec);
  vs_seen[6] = csr_read(satp);
  vs_seen[7] = csr_read(sie);
  vs_seen[8] = csr_read(sip);
  /* writes (sscratch is the VS trap stack: swap and restore) */
  uint64_t ss = csr_swap(sscratch, 0x5555aaaa5555aaaaUL);
  vs_seen[9] = csr_swap(sscratch, ss);
  csr_write(sepc, 0x80002222UL);
  csr_write(scause, 13);
  csr_write(stval, 0x4444UL);
  csr_set(sstatus, MSTATUS_SUM);
  csr_write(sie, MIP_STIP);
  csr_set(sip, MIP_SSIP);
  /* satp with a new ASID (if any), then an unsupported mode: ignored */
  csr_write(satp, vsatp_val ^ (1UL << 44));
  csr_write(satp, (5UL << 60) | 0x1UL);
  vs_seen[10] = csr_read(satp);
  csr_write(satp, vsatp_val);
  return 0x77;
}

static void test_v1_aliasing(void)
{
  /* VS-stage identity map so that vsatp can hold an active Sv39 value */
  rvh_pt_reset();
  struct rvh_pt vs = {rvh_pt_alloc(), 3, 0};
  rvh_pt_map_identity(&vs, 0);
  uint64_t vsatp_val = rvh_pt_satp(&vs, 0x2);
  csr_write(CSR_HGATP, 0);
  csr_write(satp, 0);
  csr_write(CSR_VSATP, vsatp_val);
  csr_write(CSR_HIDELEG, MIP_VSSIP | MIP_VSTIP);
  csr_write(CSR_HVIP, MIP_VSTIP);
  csr_write(CSR_HIE, MIP_VSEIP);
  csr_write(CSR_VSEPC, 0x80001110UL);
  csr_write(CSR_VSCAUSE, 5);
  csr_write(CSR_VSTVAL, 0x3333UL);
  csr_write(CSR_VSSTATUS, (csr_read(CSR_VSSTATUS) & ~(MSTATUS_SIE | MSTATUS_SUM)) |
                          MSTATUS_SPP | (FS_INITIAL << MSTATUS_FS_SHIFT));
  csr_write(sepc, 0x1000);
  csr_write(scause, 0);
  csr_write(stval, 0);
  csr_clear(sstatus, MSTATUS_SUM);
  uint64_t vsscr = csr_read(CSR_VSSCRATCH);
  uint64_t vsstatus_before = csr_read(CSR_VSSTATUS);

  CHECK_EQ(run_in_vmode(PRV_S, vs_access, vsatp_val), 0x77);

  CHECK_EQ(vs_seen[0] & ~MSTATUS_UXL, vsstatus_before & ~MSTATUS_UXL);
  CHECK_EQ_QEMU_QUIRK(vs_seen[0], vsstatus_before,
                      "QEMU 7.2 vsstatus read from M shows non-sstatus bits");
  CHECK_EQ(vs_seen[1], vsscr);
  CHECK_EQ(vs_seen[2], 0x80001110UL);
  CHECK_EQ(vs_seen[3], 5);
  CHECK_EQ(vs_seen[4], 0x3333UL);
  CHECK_EQ(vs_seen[5], (uintptr_t)rvh_vs_trap_entry);
  CHECK_EQ(vs_seen[6], vsatp_val);
  CHECK_EQ(vs_seen[7] & 0xffff, 0);        /* hie.VSEIE not delegated */
  CHECK_EQ_QEMU_QUIRK(vs_seen[8] & 0xffff, MIP_STIP, /* hvip.VSTIP as STIP */
                      "QEMU 7.2 sip (=vsip) in VS does not show hvip.VSTIP");
  CHECK_EQ(vs_seen[9], 0x5555aaaa5555aaaaUL);
  CHECK_EQ(vs_seen[10] >> 60, 8);          /* unsupported mode ignored */
  CHECK_EQ(csr_read(CSR_VSEPC), 0x80002222UL);
  CHECK_EQ(csr_read(CSR_VSCAUSE), 13);
  CHECK_EQ(csr_read(CSR_VSTVAL), 0x4444UL);
  CHECK_EQ(csr_read(CSR_VSSTATUS) & MSTATUS_SUM, MSTATUS_SUM);
  CHECK_EQ(csr_read(CSR_VSIE) & 0xffff, MIP_STIP);
  CHECK_EQ(csr_read(CSR_HIE) & 0xffff, MIP_VSTIP | MIP_VSEIP);
  CHECK_EQ(csr_read(CSR_HVIP) & MIP_VSSIP, MIP_VSSIP);
  CHECK_EQ(csr_read(CSR_VSATP), vsatp_val);
  /* the HS registers were not touched */
  CHECK_EQ(csr_read(sepc), 0x1000);
  CHECK_EQ(csr_read(stval), 0);
  CHECK_EQ(csr_read(satp), 0);
  CHECK_EQ(csr_read(sstatus) & MSTATUS_SUM, 0);
  CHECK_EQ(csr_read(sie) & 0xffff, 0);
  CHECK_EQ(csr_read(stvec), (uintptr_t)rvh_s_trap_entry);

  csr_write(CSR_VSATP, 0);
  csr_write(CSR_HVIP, 0);
  csr_write(CSR_HIE, 0);
  csr_write(CSR_HIDELEG, 0);
  csr_write(CSR_VSSTATUS, vsstatus_before & ~MSTATUS_SUM);
}

int main(void)
{
  uint64_t reset_hstatus = csr_read(CSR_HSTATUS);
  CHECK_EQ((csr_read(misa) >> ('H' - 'A')) & 1, 1);
  if (!rvh_has_h) {
    puts("h_csr: misa.H is clear, nothing else to test");
    rvh_test_done("h_csr");
  }
  CHECK_EQ(csr_read(CSR_HGATP) >> 60, 0);   /* reset MODE = Bare */
  CHECK_EQ(csr_read(CSR_VSATP) >> 60, 0);
  test_hstatus(reset_hstatus);
  test_deleg();
  test_interrupt_regs();
  test_hgatp();
  test_misc_regs();
  test_vs_regs();
  test_v1_aliasing();
  rvh_test_done("h_csr");
}
