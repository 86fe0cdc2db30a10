// Unit tests for the hypervisor (H) extension's CSRs (cpu/csr.cpp,
// cpu/csr_hyp.cpp): misa.H, the WARL masks of the H and VS CSRs, aliasing
// (hie/hip/mip/mideleg, vsie/vsip), the redirection of the supervisor CSR
// numbers to the VS registers while V=1, time + htimedelta, and the
// virtual-instruction (22) vs illegal-instruction (2) rules for CSR access.
//
// Spec references: priv hypervisor.adoc "Hypervisor and Virtual Supervisor
// CSRs" (hstatus, hedeleg/hideleg, hvip/hip/hie, henvcfg, htimedelta,
// hgatp, vsstatus, vsip/vsie, vstvec, vsepc, vsatp), "Machine-Level CSRs"
// (misa, mstatus MPV/GVA, mideleg, mip/mie, mtval2, mtinst), "Trap Cause
// Codes" (virtual instruction); sstc.adoc.
#include "tests/unit/hart_h_test_util.h"

namespace rvh::test {
namespace {
using namespace enc;
using namespace csr;

uint64_t rd(HartBench& b, unsigned num) { return b.hart.csr_read(num, 0, false); }
void wr(HartBench& b, unsigned num, uint64_t v) { b.hart.csr_write(num, v, 0); }

// ---------------------------------------------------------------- WARL (V=0)

TEST(HartHCsr, MisaReportsH) {
  HartBench& b = hfresh();
  Prog p;
  p << csrr(a0, kMisa);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivM, false));
  expect_done(b, end);
  EXPECT_TRUE(b.hart.x[a0] & (1ull << ('H' - 'A')));
  EXPECT_TRUE(b.hart.x[a0] & (1ull << ('S' - 'A')));
  EXPECT_EQ(b.hart.x[a0] >> 62, 2u);
}

TEST(HartHCsr, HstatusWarlMask) {
  HartBench& b = hfresh();
  wr(b, kHstatus, ~0ull);
  // Writable: GVA(6) SPV(7) SPVP(8) HU(9) VTVM(20) VTW(21) VTSR(22); VSXL = 2
  // read-only; VGEIN (17:12) read-only 0 with GEILEN = 0; VSBE 0.
  EXPECT_EQ(rd(b, kHstatus), kHstatusGVA | kHstatusSPV | kHstatusSPVP | kHstatusHU | kHstatusVTVM |
                                 kHstatusVTW | kHstatusVTSR | (2ull << 32));
  EXPECT_EQ(rd(b, kHstatus) & (0x3full << 12), 0u);
  wr(b, kHstatus, 0);
  EXPECT_EQ(rd(b, kHstatus), 2ull << 32);  // VSXL stays 64-bit
  wr(b, kHstatus, 1ull << 32);             // try VSXL = 32
  EXPECT_EQ(rd(b, kHstatus) & kHstatusVSXL, 2ull << 32);
}

TEST(HartHCsr, HstatusAccessibleFromHsByProgram) {
  HartBench& b = hfresh();
  b.hart.x[a1] = kHstatusSPVP | kHstatusVTW;
  Prog p;
  p << csrw(kHstatus, a1) << csrr(a0, kHstatus);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], kHstatusSPVP | kHstatusVTW | (2ull << 32));
}

TEST(HartHCsr, HstatusFromUModeIsIllegal) {
  HartBench& b = hfresh();
  Prog p;
  const uint32_t insn = csrr(a0, kHstatus);
  p << insn;
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivU, false));
  expect_mtrap(b, kCauseIllegalInsn, kCode, insn);
  EXPECT_FALSE(has(b.hart.csr.mstatus, kMstatusMPV));
}

TEST(HartHCsr, HedelegWritableBits) {
  HartBench& b = hfresh();
  wr(b, kHedeleg, ~0ull);
  // Writable 0-8, 12, 13, 15; 9, 10, 11 (ecalls from HS/VS/M), 20-23
  // (guest-page faults, virtual instruction) read-only 0.
  EXPECT_EQ(rd(b, kHedeleg), 0xb1ffu);
  const uint64_t v = rd(b, kHedeleg);
  for (unsigned bit : {9u, 10u, 11u, 20u, 21u, 22u, 23u}) EXPECT_FALSE((v >> bit) & 1) << bit;
  wr(b, kHedeleg, 0);
  EXPECT_EQ(rd(b, kHedeleg), 0u);
}

TEST(HartHCsr, HidelegOnlyVsBits) {
  HartBench& b = hfresh();
  wr(b, kHideleg, ~0ull);
  EXPECT_EQ(rd(b, kHideleg), kMipVSSIP | kMipVSTIP | kMipVSEIP);
  wr(b, kHideleg, kMipSSIP | kMipVSTIP);
  EXPECT_EQ(rd(b, kHideleg), kMipVSTIP);
}

TEST(HartHCsr, HvipOnlyVsBits) {
  HartBench& b = hfresh();
  wr(b, kHvip, ~0ull);
  EXPECT_EQ(rd(b, kHvip), 0x444u);
  wr(b, kHvip, 0);
  EXPECT_EQ(rd(b, kHvip), 0u);
}

TEST(HartHCsr, HipOnlyVssipWritableAliasOfHvip) {
  HartBench& b = hfresh();
  wr(b, kHip, ~0ull);
  EXPECT_EQ(rd(b, kHvip), kMipVSSIP);
  EXPECT_EQ(rd(b, kHip), kMipVSSIP);
  wr(b, kHvip, 0x444);
  wr(b, kHip, 0);  // clears only VSSIP; VSTIP/VSEIP follow hvip
  EXPECT_EQ(rd(b, kHvip), kMipVSTIP | kMipVSEIP);
  EXPECT_EQ(rd(b, kHip), kMipVSTIP | kMipVSEIP);
}

TEST(HartHCsr, HieAliasesMieVsBits) {
  HartBench& b = hfresh();
  wr(b, kMie, kMipMTIP);
  wr(b, kHie, ~0ull);
  EXPECT_EQ(rd(b, kHie), 0x444u);
  EXPECT_EQ(rd(b, kMie), kMipMTIP | 0x444u);
  wr(b, kMie, kMipMTIP | kMipVSTIP);
  EXPECT_EQ(rd(b, kHie), kMipVSTIP);
  wr(b, kHie, 0);
  EXPECT_EQ(rd(b, kMie), kMipMTIP);
}

TEST(HartHCsr, MidelegVsBitsReadOnlyOne) {
  HartBench& b = hfresh();
  wr(b, kMideleg, 0);
  EXPECT_EQ(rd(b, kMideleg), 0x444u);
  wr(b, kMideleg, ~0ull);
  EXPECT_EQ(rd(b, kMideleg), 0x444u | 0x222u);
}

TEST(HartHCsr, MipVssipAliasesHvip) {
  HartBench& b = hfresh();
  wr(b, kMip, kMipVSSIP);
  EXPECT_EQ(rd(b, kHvip), kMipVSSIP);
  EXPECT_EQ(rd(b, kHip), kMipVSSIP);
  EXPECT_EQ(rd(b, kMip) & 0x444, kMipVSSIP);
  // VSTIP and VSEIP are read-only in mip (they follow hvip).
  wr(b, kMip, kMipVSTIP | kMipVSEIP);
  EXPECT_EQ(rd(b, kHvip), 0u);
  wr(b, kHvip, kMipVSTIP);
  EXPECT_EQ(rd(b, kMip) & 0x444, kMipVSTIP);
}

// A CSRRS on mip that sets another bit leaves mip.VSSIP (= hvip.VSSIP) alone.
TEST(HartHCsr, MipReadModifyWriteKeepsVssip) {
  HartBench& b = hfresh();
  wr(b, kHvip, kMipVSSIP);
  b.hart.x[a1] = kMipSSIP;
  b.hart.x[a2] = kMipSTIP;
  Prog p;
  p << csrs(kMip, a1) << csrc(kMip, a2) << csrr(a0, kMip);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivM, false));
  expect_done(b, end);
  EXPECT_EQ(rd(b, kHvip), kMipVSSIP);
  EXPECT_EQ(b.hart.x[a0] & (kMipSSIP | kMipVSSIP), kMipSSIP | kMipVSSIP);
}

TEST(HartHCsr, HgatpModesVmidAndPpn) {
  HartBench& b = hfresh();
  const uint64_t ppn_all = (1ull << 44) - 1;
  wr(b, kHgatp, (8ull << 60) | (0xffffull << 44) | ppn_all);
  const uint64_t v = rd(b, kHgatp);
  EXPECT_EQ(v >> 60, 8u);
  EXPECT_EQ((v >> 44) & 0xffff, 0x3fffu);  // VMIDLEN = 14
  EXPECT_EQ(v & 3, 0u);                    // PPN[1:0] read as zero
  EXPECT_EQ(v & ppn_all, ppn_all & ~3ull);
  wr(b, kHgatp, (9ull << 60) | 0x80100);
  EXPECT_EQ(rd(b, kHgatp), (9ull << 60) | 0x80100);
  wr(b, kHgatp, 0);
  EXPECT_EQ(rd(b, kHgatp) >> 60, 0u);
  // Unsupported modes (Sv57x4 = 10, reserved 1) do not become the MODE.
  wr(b, kHgatp, (8ull << 60) | 0x80100);
  wr(b, kHgatp, (10ull << 60) | 0x80200);
  EXPECT_EQ(rd(b, kHgatp) >> 60, 8u);
  wr(b, kHgatp, (1ull << 60) | 0x80200);
  EXPECT_EQ(rd(b, kHgatp) >> 60, 8u);
}

TEST(HartHCsr, HcounterenWritable) {
  HartBench& b = hfresh();
  wr(b, kHcounteren, 7);
  EXPECT_EQ(rd(b, kHcounteren) & 7, 7u);
  wr(b, kHcounteren, 0);
  EXPECT_EQ(rd(b, kHcounteren), 0u);
}

TEST(HartHCsr, HenvcfgStceReadOnlyZeroUnlessMenvcfgStce) {
  HartBench& b = hfresh();
  wr(b, kHenvcfg, kMenvcfgSTCE);
  EXPECT_EQ(rd(b, kHenvcfg) & kMenvcfgSTCE, 0u);
  wr(b, kMenvcfg, kMenvcfgSTCE);
  wr(b, kHenvcfg, kMenvcfgSTCE);
  EXPECT_EQ(rd(b, kHenvcfg) & kMenvcfgSTCE, kMenvcfgSTCE);
  wr(b, kMenvcfg, 0);
  EXPECT_EQ(rd(b, kHenvcfg) & kMenvcfgSTCE, 0u);
}

TEST(HartHCsr, HtimedeltaReadWrite) {
  HartBench& b = hfresh();
  wr(b, kHtimedelta, 0x123456789abcdefull);
  EXPECT_EQ(rd(b, kHtimedelta), 0x123456789abcdefull);
}

TEST(HartHCsr, TimeInVsIsMtimePlusHtimedelta) {
  HartBench& b = hfresh();
  g_mtime = 1000;
  b.hart.csr.mcounteren = 2;  // TM
  b.hart.csr.hcounteren = 2;
  wr(b, kHtimedelta, static_cast<uint64_t>(-300));
  Prog p;
  p << csrr(a0, kTime);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 700u);
}

TEST(HartHCsr, TimeInHsIgnoresHtimedelta) {
  HartBench& b = hfresh();
  g_mtime = 1000;
  b.hart.csr.mcounteren = 2;
  wr(b, kHtimedelta, 5000);
  Prog p;
  p << csrr(a0, kTime);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 1000u);
}

TEST(HartHCsr, VsstatusWarlUxlAndSd) {
  HartBench& b = hfresh();
  wr(b, kVsstatus, ~0ull);
  EXPECT_EQ(rd(b, kVsstatus), kMstatusSIE | kMstatusSPIE | kMstatusSPP | kMstatusFs | kMstatusSUM | kMstatusMXR |
                                  (2ull << 32) | kMstatusSD);
  wr(b, kVsstatus, 0);
  EXPECT_EQ(rd(b, kVsstatus), 2ull << 32);  // UXL = 64, read-only
  wr(b, kVsstatus, 1ull << kMstatusFsShift);  // FS = Initial: no SD
  EXPECT_EQ(rd(b, kVsstatus), (2ull << 32) | (1ull << kMstatusFsShift));
  EXPECT_EQ(rd(b, kMstatus) & kMstatusSUM, 0u);  // a separate register
}

TEST(HartHCsr, VsieIsHieShiftedAndMaskedByHideleg) {
  HartBench& b = hfresh();
  wr(b, kHideleg, kMipVSSIP);
  wr(b, kVsie, ~0ull);
  EXPECT_EQ(rd(b, kMie) & 0x444, kMipVSSIP);  // only the delegated bit
  EXPECT_EQ(rd(b, kVsie), kMipSSIP);
  wr(b, kHideleg, 0x444);
  wr(b, kHie, 0x444);
  EXPECT_EQ(rd(b, kVsie), 0x222u);
  wr(b, kVsie, kMipSTIP);  // SSIE, SEIE cleared
  EXPECT_EQ(rd(b, kHie), kMipVSTIP);
  wr(b, kHideleg, 0);
  EXPECT_EQ(rd(b, kVsie), 0u);
}

TEST(HartHCsr, VsipIsHipShiftedAndMaskedByHideleg) {
  HartBench& b = hfresh();
  wr(b, kHvip, 0x444);
  wr(b, kHideleg, kMipVSTIP);
  EXPECT_EQ(rd(b, kVsip), kMipSTIP);
  wr(b, kHideleg, 0x444);
  EXPECT_EQ(rd(b, kVsip), 0x222u);
  wr(b, kVsip, 0);  // only SSIP (hvip.VSSIP) is writable
  EXPECT_EQ(rd(b, kHvip), kMipVSTIP | kMipVSEIP);
  wr(b, kVsip, kMipSSIP);
  EXPECT_EQ(rd(b, kHvip), 0x444u);
  wr(b, kHideleg, 0);
  wr(b, kVsip, 0);  // not delegated: read-only zero, no effect on hvip
  EXPECT_EQ(rd(b, kVsip), 0u);
  EXPECT_EQ(rd(b, kHvip), 0x444u);
}

TEST(HartHCsr, VstvecAndVsepcLegalization) {
  HartBench& b = hfresh();
  wr(b, kVstvec, 0x80002001);
  EXPECT_EQ(rd(b, kVstvec), 0x80002001u);
  wr(b, kVstvec, 0x80003002);  // reserved MODE 2
  EXPECT_LT(rd(b, kVstvec) & 3, 2u);
  EXPECT_EQ(rd(b, kVstvec) & ~3ull, 0x80003000u);
  wr(b, kVsepc, 0x80001235);
  EXPECT_EQ(rd(b, kVsepc), 0x80001234u);  // IALIGN = 16: bit 0 is zero
}

TEST(HartHCsr, VsatpUnsupportedModeIgnored) {
  HartBench& b = hfresh();
  const uint64_t sv39 = (8ull << 60) | (5ull << 44) | 0x80123;
  wr(b, kVsatp, sv39);
  EXPECT_EQ(rd(b, kVsatp), sv39);
  wr(b, kVsatp, (10ull << 60) | 0x80456);  // Sv57: unsupported
  EXPECT_EQ(rd(b, kVsatp), sv39);
}

TEST(HartHCsr, SatpWriteInVsWithUnsupportedModeIsIgnored) {
  HartBench& b = hfresh();
  // vsatp stays Bare (ASID 3) so that the guest keeps running untranslated.
  const uint64_t bare = 3ull << 44;
  b.hart.csr.vsatp = bare;
  b.hart.x[a0] = 0x5555;
  b.hart.x[a1] = (10ull << 60) | 0x80456;
  Prog p;
  p << csrw(kSatp, a1) << csrr(a0, kSatp);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_EQ(b.hart.csr.vsatp, bare);
  EXPECT_EQ(b.hart.x[a0], bare);
}

TEST(HartHCsr, Mtval2AndMtinstReadWrite) {
  HartBench& b = hfresh();
  wr(b, kMtval2, 0x12345678);
  wr(b, kMtinst, 0x3000);
  EXPECT_EQ(rd(b, kMtval2), 0x12345678u);
  EXPECT_EQ(rd(b, kMtinst), 0x3000u);
  wr(b, kHtval, 0x55);
  wr(b, kHtinst, 0x3020);
  EXPECT_EQ(rd(b, kHtval), 0x55u);
  EXPECT_EQ(rd(b, kHtinst), 0x3020u);
}

TEST(HartHCsr, MstatusMpvAndGvaWritable) {
  HartBench& b = hfresh();
  wr(b, kMstatus, rd(b, kMstatus) | kMstatusMPV | kMstatusGVA);
  EXPECT_TRUE(has(rd(b, kMstatus), kMstatusMPV | kMstatusGVA));
  EXPECT_EQ(rd(b, kSstatus) & (kMstatusMPV | kMstatusGVA), 0u);  // not visible in sstatus
  wr(b, kMstatus, rd(b, kMstatus) & ~(kMstatusMPV | kMstatusGVA));
  EXPECT_EQ(rd(b, kMstatus) & (kMstatusMPV | kMstatusGVA), 0u);
}

// ---------------------------------------------------------------- S CSR numbers with V=1

TEST(HartHCsr, SscratchInVsLandsInVsscratch) {
  HartBench& b = hfresh();
  b.hart.csr.sscratch = 0x1111;
  b.hart.x[a1] = 0xabcd;
  Prog p;
  p << csrw(kSscratch, a1) << csrr(a0, kSscratch);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_EQ(b.hart.csr.vsscratch, 0xabcdu);
  EXPECT_EQ(b.hart.csr.sscratch, 0x1111u);
  EXPECT_EQ(b.hart.x[a0], 0xabcdu);
}

TEST(HartHCsr, SstatusInVsIsVsstatus) {
  HartBench& b = hfresh();
  b.hart.x[a1] = kMstatusSUM | kMstatusMXR;
  Prog p;
  p << csrs(kSstatus, a1) << csrr(a0, kSstatus);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_TRUE(has(b.hart.csr.vsstatus, kMstatusSUM | kMstatusMXR));
  EXPECT_EQ(b.hart.csr.mstatus & (kMstatusSUM | kMstatusMXR), 0u);
  EXPECT_EQ(b.hart.x[a0], kMstatusSUM | kMstatusMXR | (2ull << 32));
}

TEST(HartHCsr, SatpInVsIsVsatp) {
  HartBench& b = hfresh();
  const uint64_t bare_asid = 7ull << 44;  // Bare, so the guest keeps running untranslated
  b.hart.csr.satp = 0;
  b.hart.x[a1] = bare_asid;
  Prog p;
  p << csrw(kSatp, a1) << csrr(a0, kSatp);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_EQ(b.hart.csr.vsatp, bare_asid);
  EXPECT_EQ(b.hart.csr.satp, 0u);
  EXPECT_EQ(b.hart.x[a0], bare_asid);
}

TEST(HartHCsr, TrapCsrsInVsAreVsRegisters) {
  HartBench& b = hfresh();
  b.hart.x[a1] = 0x80004000;
  b.hart.x[a2] = 0x80005000;
  b.hart.x[a3] = 7;
  b.hart.x[a4] = 0x99;
  Prog p;
  p << csrw(kStvec, a1) << csrw(kSepc, a2) << csrw(kScause, a3) << csrw(kStval, a4);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_EQ(b.hart.csr.vstvec, 0x80004000u);
  EXPECT_EQ(b.hart.csr.vsepc, 0x80005000u);
  EXPECT_EQ(b.hart.csr.vscause, 7u);
  EXPECT_EQ(b.hart.csr.vstval, 0x99u);
  EXPECT_EQ(b.hart.csr.stvec, kStrap);
  EXPECT_EQ(b.hart.csr.sepc, 0u);
  EXPECT_EQ(b.hart.csr.scause, 0u);
  EXPECT_EQ(b.hart.csr.stval, 0u);
}

TEST(HartHCsr, SieSipInVsAreVsieVsip) {
  HartBench& b = hfresh();
  wr(b, kHideleg, 0x444);
  wr(b, kHvip, kMipVSTIP);
  b.hart.x[a1] = kMipSSIP;
  Prog p;
  // vsie.SSIE, then read vsip (VSTIP -> STIP). vsstatus.SIE = 0: no trap.
  p << csrw(kSie, a1) << csrr(a0, kSip) << csrr(a2, kSie);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_EQ(b.hart.csr.mie & 0x444, kMipVSSIP);
  EXPECT_EQ(b.hart.x[a0], kMipSTIP);
  EXPECT_EQ(b.hart.x[a2], kMipSSIP);
}

TEST(HartHCsr, StimecmpInVsIsVstimecmp) {
  HartBench& b = hfresh();
  wr(b, kMenvcfg, kMenvcfgSTCE);
  wr(b, kHenvcfg, kMenvcfgSTCE);
  b.hart.csr.mcounteren = 2;
  b.hart.csr.hcounteren = 2;
  b.hart.csr.stimecmp = 0x1111;
  b.hart.x[a1] = 0x7777777;
  Prog p;
  p << csrw(kStimecmp, a1) << csrr(a0, kStimecmp);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_EQ(b.hart.csr.vstimecmp, 0x7777777u);
  EXPECT_EQ(b.hart.csr.stimecmp, 0x1111u);
  EXPECT_EQ(b.hart.x[a0], 0x7777777u);
}

// ---------------------------------------------------------------- virtual vs illegal

// Runs one CSR instruction in (priv, V=1), expecting a trap into M with
// cause and tval = the instruction bits.
void expect_csr_trap_from_v(HartBench& b, uint32_t insn, Priv priv, uint64_t cause) {
  Prog p;
  p << insn;
  p.halt();
  ASSERT_TRUE(run_mode(b, p, priv, true));
  expect_mtrap_from_v(b, cause, kCode, insn, priv);
  EXPECT_FALSE(has(b.hart.csr.mstatus, kMstatusGVA));
  EXPECT_EQ(b.hart.csr.mtval2, 0u);
  EXPECT_EQ(b.hart.csr.mtinst, 0u);
}

TEST(HartHCsr, VsAccessingHstatusIsVirtual) {
  HartBench& b = hfresh();
  expect_csr_trap_from_v(b, csrr(a0, kHstatus), kPrivS, kCauseVirtualInsn);
}

TEST(HartHCsr, VsAccessingHgatpIsVirtual) {
  HartBench& b = hfresh();
  expect_csr_trap_from_v(b, csrw(kHgatp, a1), kPrivS, kCauseVirtualInsn);
}

TEST(HartHCsr, VsAccessingVsstatusIsVirtual) {
  HartBench& b = hfresh();
  expect_csr_trap_from_v(b, csrr(a0, kVsstatus), kPrivS, kCauseVirtualInsn);
}

TEST(HartHCsr, VsAccessingMstatusIsIllegal) {
  HartBench& b = hfresh();
  expect_csr_trap_from_v(b, csrr(a0, kMstatus), kPrivS, kCauseIllegalInsn);
}

TEST(HartHCsr, VsAccessingMscratchIsIllegal) {
  HartBench& b = hfresh();
  expect_csr_trap_from_v(b, csrw(kMscratch, a1), kPrivS, kCauseIllegalInsn);
}

TEST(HartHCsr, VuAccessingSstatusIsVirtual) {
  HartBench& b = hfresh();
  expect_csr_trap_from_v(b, csrr(a0, kSstatus), kPrivU, kCauseVirtualInsn);
}

TEST(HartHCsr, VuAccessingHstatusIsVirtual) {
  HartBench& b = hfresh();
  expect_csr_trap_from_v(b, csrr(a0, kHstatus), kPrivU, kCauseVirtualInsn);
}

TEST(HartHCsr, VsCycleWithMcounterenSetHcounterenClearIsVirtual) {
  HartBench& b = hfresh();
  b.hart.csr.mcounteren = 1;
  b.hart.csr.hcounteren = 0;
  expect_csr_trap_from_v(b, csrr(a0, kCycle), kPrivS, kCauseVirtualInsn);
}

TEST(HartHCsr, VsCycleWithMcounterenClearIsIllegal) {
  HartBench& b = hfresh();
  b.hart.csr.mcounteren = 0;
  b.hart.csr.hcounteren = 1;
  expect_csr_trap_from_v(b, csrr(a0, kCycle), kPrivS, kCauseIllegalInsn);
}

TEST(HartHCsr, VsTimeWithHcounterenClearIsVirtual) {
  HartBench& b = hfresh();
  b.hart.csr.mcounteren = 2;
  b.hart.csr.hcounteren = 0;
  expect_csr_trap_from_v(b, csrr(a0, kTime), kPrivS, kCauseVirtualInsn);
}

TEST(HartHCsr, VuCycleWithScounterenClearIsVirtual) {
  HartBench& b = hfresh();
  b.hart.csr.mcounteren = 1;
  b.hart.csr.hcounteren = 1;
  b.hart.csr.scounteren = 0;
  expect_csr_trap_from_v(b, csrr(a0, kCycle), kPrivU, kCauseVirtualInsn);
}

TEST(HartHCsr, VuCycleWithAllCounterensSetWorks) {
  HartBench& b = hfresh();
  b.hart.csr.mcounteren = 4;
  b.hart.csr.hcounteren = 4;
  b.hart.csr.scounteren = 4;
  Prog p;
  p << csrr(a0, kInstret);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivU, true));
  expect_done(b, end);
}

TEST(HartHCsr, VsSatpWithVtvmIsVirtual) {
  HartBench& b = hfresh();
  b.hart.csr.hstatus |= kHstatusVTVM;
  expect_csr_trap_from_v(b, csrr(a0, kSatp), kPrivS, kCauseVirtualInsn);
}

TEST(HartHCsr, VsSatpIgnoresMstatusTvm) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusTVM;
  Prog p;
  p << csrr(a0, kSatp);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
}

TEST(HartHCsr, VsStimecmpWithHenvcfgStceClearIsVirtual) {
  HartBench& b = hfresh();
  wr(b, kMenvcfg, kMenvcfgSTCE);
  b.hart.csr.mcounteren = 2;
  b.hart.csr.hcounteren = 2;
  wr(b, kHenvcfg, 0);
  expect_csr_trap_from_v(b, csrr(a0, kStimecmp), kPrivS, kCauseVirtualInsn);
}

TEST(HartHCsr, VsStimecmpWithMenvcfgStceClearIsIllegal) {
  HartBench& b = hfresh();
  b.hart.csr.mcounteren = 2;
  b.hart.csr.hcounteren = 2;
  expect_csr_trap_from_v(b, csrr(a0, kStimecmp), kPrivS, kCauseIllegalInsn);
}

TEST(HartHCsr, VsFcsrWithVsstatusFsOffIsIllegal) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusFs;
  b.hart.csr.vsstatus &= ~kMstatusFs;
  expect_csr_trap_from_v(b, csrr(a0, kFcsr), kPrivS, kCauseIllegalInsn);
}

TEST(HartHCsr, HgatpInHsWithTvmIsIllegal) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusTVM;
  Prog p;
  const uint32_t insn = csrr(a0, kHgatp);
  p << insn;
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_mtrap(b, kCauseIllegalInsn, kCode, insn);
}

TEST(HartHCsr, VsatpInHsWithTvmWorks) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusTVM;
  b.hart.x[a1] = (8ull << 60) | 0x80123;
  Prog p;
  p << csrw(kVsatp, a1) << csrr(a0, kVsatp);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], (8ull << 60) | 0x80123);
  EXPECT_EQ(b.hart.csr.satp, 0u);
}

TEST(HartHCsr, HcounterenDoesNotAffectHsOrU) {
  HartBench& b = hfresh();
  b.hart.csr.mcounteren = 1;
  b.hart.csr.scounteren = 1;
  b.hart.csr.hcounteren = 0;
  Prog p;
  p << csrr(a0, kCycle);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivU, false));
  expect_done(b, end);
}

TEST(HartHCsr, VsStimecmpWithHcounterenTmClearIsVirtual) {
  HartBench& b = hfresh();
  wr(b, kMenvcfg, kMenvcfgSTCE);
  wr(b, kHenvcfg, kMenvcfgSTCE);
  b.hart.csr.mcounteren = 2;
  b.hart.csr.hcounteren = 0;
  expect_csr_trap_from_v(b, csrw(kStimecmp, a1), kPrivS, kCauseVirtualInsn);
}

TEST(HartHCsr, VuAccessingVsscratchNumberIsVirtual) {
  HartBench& b = hfresh();
  expect_csr_trap_from_v(b, csrr(a0, kSscratch), kPrivU, kCauseVirtualInsn);
}

TEST(HartHCsr, WriteToReadOnlyCounterInVsIsIllegal) {
  HartBench& b = hfresh();
  b.hart.csr.mcounteren = 1;
  b.hart.csr.hcounteren = 1;
  expect_csr_trap_from_v(b, csrw(kCycle, a1), kPrivS, kCauseIllegalInsn);
}

TEST(HartHCsr, VsReadingHgeipIsVirtualWritingIsIllegal) {
  // hgeip is read-only (0xe12): a read is HS-qualified (virtual), a write
  // would be illegal in HS-mode too (illegal).
  HartBench& b = hfresh();
  expect_csr_trap_from_v(b, csrr(a0, kHgeip), kPrivS, kCauseVirtualInsn);
  HartBench& b2 = hfresh();
  expect_csr_trap_from_v(b2, csrw(kHgeip, a1), kPrivS, kCauseIllegalInsn);
}

}  // namespace
}  // namespace rvh::test
