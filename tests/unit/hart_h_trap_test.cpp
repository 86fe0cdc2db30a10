// Unit tests for traps, trap returns and interrupts with the hypervisor (H)
// extension (cpu/trap.cpp, cpu/insn_system.cpp, cpu/insn_hyp.cpp):
// virtual-instruction vs illegal-instruction exceptions, ecall causes,
// medeleg/hedeleg delegation into HS and VS, hstatus.SPV/SPVP/GVA,
// mstatus.MPV/GVA, MRET/SRET with V, VS-level interrupts (hvip, hideleg,
// vsie, vsstatus.SIE), interrupt priority and vstimecmp.
//
// Spec references: priv hypervisor.adoc "Hypervisor Status Register",
// "Hypervisor Trap Delegation Registers", "Hypervisor Interrupt Registers",
// "Traps" (Trap Cause Codes, Trap Entry, Trap Return), "Hypervisor
// Instructions"; machine.adoc "Wait for Interrupt"; sstc.adoc.
#include "tests/unit/hart_h_test_util.h"

namespace rvh::test {
namespace {
using namespace enc;
using namespace csr;

// One instruction in (priv, V=1) traps into M with `cause`, tval = its bits.
void expect_insn_trap_from_v(HartBench& b, uint32_t insn, Priv priv, uint64_t cause) {
  Prog p;
  p << insn;
  p.halt();
  ASSERT_TRUE(run_mode(b, p, priv, true));
  expect_mtrap_from_v(b, cause, kCode, insn, priv);
  EXPECT_FALSE(has(b.hart.csr.mstatus, kMstatusGVA));
  EXPECT_EQ(b.hart.csr.mtinst, 0u);
  EXPECT_EQ(b.hart.csr.mtval2, 0u);
}
// One instruction in (priv, V=0) traps into M with `cause`, tval = its bits.
void expect_insn_trap_from_v0(HartBench& b, uint32_t insn, Priv priv, uint64_t cause) {
  Prog p;
  p << insn;
  p.halt();
  ASSERT_TRUE(run_mode(b, p, priv, false));
  expect_mtrap(b, cause, kCode, insn);
  EXPECT_FALSE(has(b.hart.csr.mstatus, kMstatusMPV));
  EXPECT_EQ(mstatus_mpp(b), static_cast<uint64_t>(priv));
}

// n nops at kCode, then `j .` (at addr(n)).
Prog nops(unsigned n = 4) {
  Prog p;
  for (unsigned k = 0; k < n; ++k) p << nop();
  p.halt();
  return p;
}

// ---------------------------------------------------------------- virtual vs illegal instructions

TEST(HartHTrap, WfiInVsWithVtwIsVirtual) {
  HartBench& b = hfresh();
  b.hart.csr.hstatus |= kHstatusVTW;
  expect_insn_trap_from_v(b, wfi(), kPrivS, kCauseVirtualInsn);
}

TEST(HartHTrap, WfiInVsWithTwIsIllegal) {
  HartBench& b = hfresh();
  b.hart.csr.hstatus |= kHstatusVTW;
  b.hart.csr.mstatus |= kMstatusTW;
  expect_insn_trap_from_v(b, wfi(), kPrivS, kCauseIllegalInsn);
}

TEST(HartHTrap, WfiInVuIsVirtual) {
  HartBench& b = hfresh();
  expect_insn_trap_from_v(b, wfi(), kPrivU, kCauseVirtualInsn);
}

TEST(HartHTrap, WfiInVuWithTwIsIllegal) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusTW;
  expect_insn_trap_from_v(b, wfi(), kPrivU, kCauseIllegalInsn);
}

TEST(HartHTrap, SretInVsWithVtsrIsVirtual) {
  HartBench& b = hfresh();
  b.hart.csr.hstatus |= kHstatusVTSR;
  expect_insn_trap_from_v(b, sret(), kPrivS, kCauseVirtualInsn);
}

TEST(HartHTrap, SretInVuIsVirtual) {
  HartBench& b = hfresh();
  expect_insn_trap_from_v(b, sret(), kPrivU, kCauseVirtualInsn);
}

TEST(HartHTrap, SretInVsIgnoresMstatusTsr) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusTSR;
  b.hart.csr.vsstatus |= kMstatusSPP;  // back to VS
  Prog p;
  p << sret();
  p.halt();
  const uint64_t target = p.halt();
  b.hart.csr.vsepc = target;
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, target);
  EXPECT_TRUE(b.hart.virt);
  EXPECT_EQ(b.hart.priv, kPrivS);
}

TEST(HartHTrap, SfenceVmaInVsWithVtvmIsVirtual) {
  HartBench& b = hfresh();
  b.hart.csr.hstatus |= kHstatusVTVM;
  expect_insn_trap_from_v(b, sfence_vma(0, 0), kPrivS, kCauseVirtualInsn);
}

TEST(HartHTrap, SfenceVmaInVuIsVirtual) {
  HartBench& b = hfresh();
  expect_insn_trap_from_v(b, sfence_vma(0, 0), kPrivU, kCauseVirtualInsn);
}

TEST(HartHTrap, SfenceVmaInVsIgnoresMstatusTvm) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusTVM;
  Prog p;
  p << sfence_vma(0, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
}

TEST(HartHTrap, HypervisorInstructionsInVsAreVirtual) {
  for (uint32_t insn : {hlv_d(a0, a1), hlvx_wu(a0, a1), hsv_w(a2, a1), hfence_vvma(0, 0), hfence_gvma(0, 0)}) {
    HartBench& b = hfresh();
    b.hart.x[a1] = kData;
    SCOPED_TRACE(insn);
    expect_insn_trap_from_v(b, insn, kPrivS, kCauseVirtualInsn);
  }
}

TEST(HartHTrap, HypervisorInstructionsInVuAreVirtual) {
  for (uint32_t insn : {hlv_b(a0, a1), hsv_d(a2, a1), hfence_vvma(0, 0), hfence_gvma(0, 0)}) {
    HartBench& b = hfresh();
    b.hart.x[a1] = kData;
    b.hart.csr.hstatus |= kHstatusHU;
    SCOPED_TRACE(insn);
    expect_insn_trap_from_v(b, insn, kPrivU, kCauseVirtualInsn);
  }
}

TEST(HartHTrap, HlvInUWithoutHuIsIllegal) {
  HartBench& b = hfresh();
  b.hart.x[a1] = kData;
  expect_insn_trap_from_v0(b, hlv_d(a0, a1), kPrivU, kCauseIllegalInsn);
}

TEST(HartHTrap, HsvInUWithoutHuIsIllegal) {
  HartBench& b = hfresh();
  b.hart.x[a1] = kData;
  expect_insn_trap_from_v0(b, hsv_w(a2, a1), kPrivU, kCauseIllegalInsn);
}

TEST(HartHTrap, HlvHsvInUWithHuWork) {
  HartBench& b = hfresh();
  b.hart.csr.hstatus |= kHstatusHU;  // SPVP = 0: VU access, vsatp/hgatp Bare
  b.w64(kData, 0x1122334455667788ull);
  b.hart.x[a1] = kData;
  b.hart.x[a2] = 0xfeed;
  Prog p;
  p << hlv_d(a0, a1) << addi(a3, a1, 8) << hsv_d(a2, a3) << hlv_bu(a4, a1);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivU, false));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x1122334455667788ull);
  EXPECT_EQ(b.r64(kData + 8), 0xfeedu);
  EXPECT_EQ(b.hart.x[a4], 0x88u);
}

TEST(HartHTrap, HfenceInUIsIllegalEvenWithHu) {
  for (uint32_t insn : {hfence_vvma(0, 0), hfence_gvma(0, 0)}) {
    HartBench& b = hfresh();
    b.hart.csr.hstatus |= kHstatusHU;
    SCOPED_TRACE(insn);
    expect_insn_trap_from_v0(b, insn, kPrivU, kCauseIllegalInsn);
  }
}

TEST(HartHTrap, HfenceGvmaInHsWithTvmIsIllegal) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusTVM;
  expect_insn_trap_from_v0(b, hfence_gvma(0, 0), kPrivS, kCauseIllegalInsn);
}

TEST(HartHTrap, HfenceVvmaInHsWithTvmWorks) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusTVM;
  Prog p;
  p << hfence_vvma(0, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_done(b, end);
}

TEST(HartHTrap, HfenceGvmaInMWithTvmWorks) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusTVM;
  Prog p;
  p << hfence_gvma(0, 0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivM, false));
  expect_done(b, end);
}

TEST(HartHTrap, FpInVsWithVsstatusFsOffIsIllegal) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusFs;
  b.hart.csr.vsstatus &= ~kMstatusFs;
  expect_insn_trap_from_v(b, fadd_d(1, 2, 3), kPrivS, kCauseIllegalInsn);
}

TEST(HartHTrap, FpInVsWithMstatusFsOffIsIllegal) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus &= ~kMstatusFs;
  b.hart.csr.vsstatus |= 1ull << kMstatusFsShift;
  expect_insn_trap_from_v(b, fadd_d(1, 2, 3), kPrivS, kCauseIllegalInsn);
}

TEST(HartHTrap, FpInVsWithBothFsOnSetsBothDirty) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= 1ull << kMstatusFsShift;
  b.hart.csr.vsstatus |= 1ull << kMstatusFsShift;
  Prog p;
  p << fadd_d(1, 2, 3);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_EQ(b.hart.csr.mstatus & kMstatusFs, kMstatusFs);
  EXPECT_EQ(b.hart.csr.vsstatus & kMstatusFs, kMstatusFs);
}

// ---------------------------------------------------------------- exceptions and delegation

TEST(HartHTrap, EcallFromVsIsCause10IntoM) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusGVA;  // must be cleared: ecall writes no address
  Prog p;
  p << nop() << ecall();
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_mtrap_from_v(b, kCauseEcallVS, kCode + 4, 0, kPrivS);
  EXPECT_FALSE(has(b.hart.csr.mstatus, kMstatusGVA));
  EXPECT_EQ(b.hart.csr.mtval2, 0u);
  EXPECT_EQ(b.hart.csr.mtinst, 0u);
}

TEST(HartHTrap, EcallFromVuIsCause8IntoM) {
  HartBench& b = hfresh();
  Prog p;
  p << ecall();
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivU, true));
  expect_mtrap_from_v(b, kCauseEcallU, kCode, 0, kPrivU);
}

TEST(HartHTrap, VuEcallDelegatedToVs) {
  HartBench& b = hfresh();
  b.hart.csr.medeleg = 1u << kCauseEcallU;
  b.hart.csr_write(kHedeleg, 1u << kCauseEcallU, 0);
  b.hart.csr.vsstatus |= kMstatusSIE | kMstatusSPP;  // SPP must become 0 (from VU)
  const uint64_t hstatus = kHstatusSPVP | kHstatusVTW | (2ull << 32);
  b.hart.csr.hstatus = hstatus;
  const uint64_t mstatus = b.hart.csr.mstatus | kMstatusSPP | kMstatusSPIE;
  b.hart.csr.mstatus = mstatus;
  Prog p;
  p << nop() << ecall();
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivU, true));
  expect_vstrap(b, kCauseEcallU, kCode + 4, 0);
  EXPECT_FALSE(has(b.hart.csr.vsstatus, kMstatusSPP));
  EXPECT_TRUE(has(b.hart.csr.vsstatus, kMstatusSPIE));
  EXPECT_FALSE(has(b.hart.csr.vsstatus, kMstatusSIE));
  EXPECT_EQ(b.hart.csr.hstatus, hstatus);
  EXPECT_EQ(b.hart.csr.mstatus, mstatus);
  EXPECT_EQ(b.hart.csr.scause, 0u);
  EXPECT_EQ(b.hart.csr.mcause, 0u);
}

TEST(HartHTrap, VsIllegalInstructionDelegatedToVsUsesVectoredVstvecBase) {
  HartBench& b = hfresh();
  b.hart.csr.medeleg = 1u << kCauseIllegalInsn;
  b.hart.csr_write(kHedeleg, 1u << kCauseIllegalInsn, 0);
  b.hart.csr.vstvec = kVStrap | 1;  // vectored: exceptions still go to the base
  const uint32_t insn = csrr(a0, kMstatus);
  Prog p;
  p << insn;
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_vstrap(b, kCauseIllegalInsn, kCode, insn);
  EXPECT_TRUE(has(b.hart.csr.vsstatus, kMstatusSPP));
}

TEST(HartHTrap, VsEcallNotInHedelegGoesToHs) {
  HartBench& b = hfresh();
  b.hart.csr.medeleg = 1u << kCauseEcallVS;
  b.hart.csr.htval = 0x1234;
  b.hart.csr.htinst = 0x5678;
  b.hart.csr.hstatus |= kHstatusGVA;
  Prog p;
  p << ecall();
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_hstrap(b, kCauseEcallVS, kCode, 0);
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusSPV));
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusSPVP));
  EXPECT_FALSE(has(b.hart.csr.hstatus, kHstatusGVA));
  EXPECT_TRUE(has(b.hart.csr.mstatus, kMstatusSPP));
  EXPECT_EQ(b.hart.csr.htval, 0u);
  EXPECT_EQ(b.hart.csr.htinst, 0u);
  EXPECT_EQ(b.hart.csr.vscause, 0u);
}

TEST(HartHTrap, VuEcallToHsClearsSpvp) {
  HartBench& b = hfresh();
  b.hart.csr.medeleg = 1u << kCauseEcallU;
  b.hart.csr.hstatus |= kHstatusSPVP;
  b.hart.csr.mstatus |= kMstatusSPP | kMstatusSIE;
  Prog p;
  p << ecall();
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivU, true));
  expect_hstrap(b, kCauseEcallU, kCode, 0);
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusSPV));
  EXPECT_FALSE(has(b.hart.csr.hstatus, kHstatusSPVP));
  EXPECT_FALSE(has(b.hart.csr.mstatus, kMstatusSPP));
  EXPECT_TRUE(has(b.hart.csr.mstatus, kMstatusSPIE));
  EXPECT_FALSE(has(b.hart.csr.mstatus, kMstatusSIE));
}

TEST(HartHTrap, V0TrapIntoHsLeavesSpvpAndClearsSpv) {
  HartBench& b = hfresh();
  b.hart.csr.medeleg = 1u << kCauseEcallU;
  b.hart.csr.hstatus |= kHstatusSPVP | kHstatusSPV | kHstatusGVA;
  Prog p;
  p << ecall();
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivU, false));
  expect_hstrap(b, kCauseEcallU, kCode, 0);
  EXPECT_FALSE(has(b.hart.csr.hstatus, kHstatusSPV));
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusSPVP));
  EXPECT_FALSE(has(b.hart.csr.hstatus, kHstatusGVA));
}

TEST(HartHTrap, EbreakInVsToHsSetsGva) {
  HartBench& b = hfresh();
  b.hart.csr.medeleg = 1u << kCauseBreakpoint;
  Prog p;
  p << nop() << ebreak();
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_hstrap(b, kCauseBreakpoint, kCode + 4, kCode + 4);
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusGVA | kHstatusSPV | kHstatusSPVP));
  EXPECT_EQ(b.hart.csr.htval, 0u);
  EXPECT_EQ(b.hart.csr.htinst, 0u);
}

TEST(HartHTrap, EbreakInVsToMSetsMstatusGva) {
  HartBench& b = hfresh();
  Prog p;
  p << ebreak();
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_mtrap_from_v(b, kCauseBreakpoint, kCode, kCode, kPrivS);
  EXPECT_TRUE(has(b.hart.csr.mstatus, kMstatusGVA));
  EXPECT_EQ(b.hart.csr.mtval2, 0u);
}

TEST(HartHTrap, EbreakInHsToMLeavesGvaClear) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusGVA | kMstatusMPV;
  Prog p;
  p << ebreak();
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_mtrap(b, kCauseBreakpoint, kCode, kCode);
  EXPECT_FALSE(has(b.hart.csr.mstatus, kMstatusGVA));
  EXPECT_FALSE(has(b.hart.csr.mstatus, kMstatusMPV));
}

TEST(HartHTrap, VsInterruptWithoutHidelegTakenInHsWithV0) {
  HartBench& b = hfresh();
  b.hart.csr_write(kHie, kMipVSEIP, 0);
  b.hart.csr_write(kHvip, kMipVSEIP, 0);
  b.hart.csr.mstatus |= kMstatusSIE;
  b.hart.csr.hstatus |= kHstatusSPVP;
  ASSERT_TRUE(run_mode(b, nops(), kPrivS, false));
  expect_hstrap(b, kIntr | kIrqVSEI, kCode, 0);
  EXPECT_FALSE(has(b.hart.csr.hstatus, kHstatusSPV));
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusSPVP));  // unchanged with V=0
}

TEST(HartHTrap, VsInterruptWithoutHidelegMaskedBySstatusSieInHs) {
  HartBench& b = hfresh();
  b.hart.csr_write(kHie, kMipVSEIP, 0);
  b.hart.csr_write(kHvip, kMipVSEIP, 0);
  const Prog p = nops();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_done(b, p.addr(4));
}

TEST(HartHTrap, WfiInVsCompletesWithPendingEnabledInterrupt) {
  HartBench& b = hfresh();
  // VSSIP pending and enabled in hie/vsie, vsstatus.SIE = 0: no trap, and
  // WFI (VTW = 0, TW = 0) completes.
  b.hart.csr_write(kHideleg, kMipVSSIP, 0);
  b.hart.csr_write(kHie, kMipVSSIP, 0);
  b.hart.csr_write(kHvip, kMipVSSIP, 0);
  Prog p;
  p << wfi() << nop();
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, end);
  EXPECT_EQ(b.hart.csr.vscause, 0u);
}

TEST(HartHTrap, VtwDoesNotAffectHs) {
  HartBench& b = hfresh();
  b.hart.csr.hstatus |= kHstatusVTW | kHstatusVTSR | kHstatusVTVM;
  b.hart.csr_write(kMideleg, kMipSSIP, 0);
  b.hart.csr_write(kMie, kMipSSIP, 0);
  b.hart.csr_write(kMip, kMipSSIP, 0);  // pending, enabled, sstatus.SIE = 0
  Prog p;
  p << wfi() << sfence_vma(0, 0) << csrr(a0, kSatp);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_done(b, end);
}

TEST(HartHTrap, SretInHsWithTsrIsIllegal) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusTSR;
  b.hart.csr.hstatus |= kHstatusSPV;
  expect_insn_trap_from_v0(b, sret(), kPrivS, kCauseIllegalInsn);
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusSPV));
}

TEST(HartHTrap, VuEcallDelegatedToVsVectoredGoesToBase) {
  HartBench& b = hfresh();
  b.hart.csr.medeleg = 1u << kCauseEcallU;
  b.hart.csr_write(kHedeleg, 1u << kCauseEcallU, 0);
  b.hart.csr.vstvec = kVStrap | 1;
  Prog p;
  p << ecall();
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivU, true));
  expect_vstrap(b, kCauseEcallU, kCode, 0);
}

TEST(HartHTrap, HedelegWithoutMedelegGoesToM) {
  HartBench& b = hfresh();
  b.hart.csr_write(kHedeleg, 1u << kCauseEcallU, 0);  // medeleg clear: M handles it
  Prog p;
  p << ecall();
  p.halt();
  ASSERT_TRUE(run_mode(b, p, kPrivU, true));
  expect_mtrap_from_v(b, kCauseEcallU, kCode, 0, kPrivU);
  EXPECT_EQ(b.hart.csr.vscause, 0u);
}

// ---------------------------------------------------------------- MRET / SRET

TEST(HartHTrap, MretToVsEntersV1AndClearsMpv) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus = (b.hart.csr.mstatus & ~kMstatusMPP) | (1ull << kMstatusMppShift) | kMstatusMPV;
  b.hart.csr.sscratch = 0x1111;
  b.hart.x[a1] = 0x4242;
  Prog p;
  p << mret();
  p.halt();
  const uint64_t target = p.here();
  p << csrw(kSscratch, a1);  // lands in vsscratch when V=1
  const uint64_t end = p.halt();
  b.hart.csr.mepc = target;
  ASSERT_TRUE(run_mode(b, p, kPrivM, false));
  expect_done(b, end);
  EXPECT_TRUE(b.hart.virt);
  EXPECT_EQ(b.hart.priv, kPrivS);
  EXPECT_FALSE(has(b.hart.csr.mstatus, kMstatusMPV));
  EXPECT_EQ(mstatus_mpp(b), static_cast<uint64_t>(kPrivU));
  EXPECT_EQ(b.hart.csr.vsscratch, 0x4242u);
  EXPECT_EQ(b.hart.csr.sscratch, 0x1111u);
}

TEST(HartHTrap, MretToVu) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus = (b.hart.csr.mstatus & ~kMstatusMPP) | kMstatusMPV;  // MPP = U
  Prog p;
  p << mret();
  p.halt();
  const uint64_t target = p.here();
  p << ecall();
  p.halt();
  b.hart.csr.mepc = target;
  ASSERT_TRUE(run_mode(b, p, kPrivM, false));
  expect_mtrap_from_v(b, kCauseEcallU, target, 0, kPrivU);
}

TEST(HartHTrap, MretWithMppMIgnoresMpv) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusMPP | kMstatusMPV;
  Prog p;
  p << mret();
  p.halt();
  const uint64_t target = p.halt();
  b.hart.csr.mepc = target;
  ASSERT_TRUE(run_mode(b, p, kPrivM, false));
  expect_done(b, target);
  EXPECT_FALSE(b.hart.virt);
  EXPECT_EQ(b.hart.priv, kPrivM);
  EXPECT_FALSE(has(b.hart.csr.mstatus, kMstatusMPV));
}

TEST(HartHTrap, SretFromHsWithSpvEntersVs) {
  HartBench& b = hfresh();
  b.hart.csr.hstatus |= kHstatusSPV;
  b.hart.csr.mstatus |= kMstatusSPP | kMstatusSPIE;
  b.hart.x[a1] = 0x77;
  Prog p;
  p << sret();
  p.halt();
  const uint64_t target = p.here();
  p << csrw(kSscratch, a1);
  const uint64_t end = p.halt();
  b.hart.csr.sepc = target;
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_done(b, end);
  EXPECT_TRUE(b.hart.virt);
  EXPECT_EQ(b.hart.priv, kPrivS);
  EXPECT_FALSE(has(b.hart.csr.hstatus, kHstatusSPV));
  EXPECT_TRUE(has(b.hart.csr.mstatus, kMstatusSIE));
  EXPECT_FALSE(has(b.hart.csr.mstatus, kMstatusSPP));
  EXPECT_EQ(b.hart.csr.vsscratch, 0x77u);
}

TEST(HartHTrap, SretFromHsWithSpvEntersVu) {
  HartBench& b = hfresh();
  b.hart.csr.hstatus |= kHstatusSPV;
  Prog p;
  p << sret();
  p.halt();
  const uint64_t target = p.here();
  p << ecall();
  p.halt();
  b.hart.csr.sepc = target;
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_mtrap_from_v(b, kCauseEcallU, target, 0, kPrivU);
  EXPECT_FALSE(has(b.hart.csr.hstatus, kHstatusSPV));
}

TEST(HartHTrap, SretFromHsWithoutSpvStaysV0) {
  HartBench& b = hfresh();
  b.hart.csr.mstatus |= kMstatusSPP;
  Prog p;
  p << sret();
  p.halt();
  const uint64_t target = p.halt();
  b.hart.csr.sepc = target;
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_done(b, target);
  EXPECT_FALSE(b.hart.virt);
  EXPECT_EQ(b.hart.priv, kPrivS);
}

TEST(HartHTrap, SretInVsUsesVsstatusAndVsepc) {
  HartBench& b = hfresh();
  b.hart.csr.vsstatus = (b.hart.csr.vsstatus & ~kMstatusSPP) | kMstatusSPIE;  // to VU
  const uint64_t mstatus = b.hart.csr.mstatus | kMstatusSPP;  // HS-level SPP: must not be used
  b.hart.csr.mstatus = mstatus;
  b.hart.csr.hstatus |= kHstatusSPV;  // untouched by an SRET in VS
  b.hart.csr.sepc = 0x80009000;       // not used
  Prog p;
  p << sret();
  p.halt();
  const uint64_t target = p.here();
  p << ecall();
  p.halt();
  b.hart.csr.vsepc = target;
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_mtrap_from_v(b, kCauseEcallU, target, 0, kPrivU);
  EXPECT_TRUE(has(b.hart.csr.vsstatus, kMstatusSIE | kMstatusSPIE));
  EXPECT_FALSE(has(b.hart.csr.vsstatus, kMstatusSPP));
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusSPV));
  EXPECT_EQ(b.hart.csr.mstatus & (kMstatusSPP | kMstatusSIE | kMstatusSPIE), kMstatusSPP);
}

// ---------------------------------------------------------------- interrupts


// VS-level interrupt `irq` (2, 6, 10) from hvip, delegated by hideleg,
// enabled in hie and vsstatus.SIE: taken in VS with vscause irq - 1.
void vs_interrupt_taken_in_vs(unsigned irq) {
  HartBench& b = hfresh();
  b.hart.csr_write(kHideleg, 0x444, 0);
  b.hart.csr_write(kHie, 1ull << irq, 0);
  b.hart.csr.vsstatus |= kMstatusSIE;
  b.hart.csr_write(kHvip, 1ull << irq, 0);
  ASSERT_TRUE(run_mode(b, nops(), kPrivS, true));
  expect_vstrap(b, kIntr | (irq - 1), kCode, 0);
  EXPECT_TRUE(has(b.hart.csr.vsstatus, kMstatusSPIE | kMstatusSPP));
  EXPECT_FALSE(has(b.hart.csr.vsstatus, kMstatusSIE));
  EXPECT_EQ(b.hart.csr.scause, 0u);
  EXPECT_EQ(b.hart.csr.mcause, 0u);
}

TEST(HartHTrap, VssipDelegatedTakenInVsAsCause1) { vs_interrupt_taken_in_vs(kIrqVSSI); }
TEST(HartHTrap, VstipDelegatedTakenInVsAsCause5) { vs_interrupt_taken_in_vs(kIrqVSTI); }
TEST(HartHTrap, VseipDelegatedTakenInVsAsCause9) { vs_interrupt_taken_in_vs(kIrqVSEI); }

TEST(HartHTrap, VsInterruptVectoredUsesTranslatedCause) {
  HartBench& b = hfresh();
  b.hart.csr_write(kHideleg, 0x444, 0);
  b.hart.csr_write(kHie, kMipVSTIP, 0);
  b.hart.csr.vsstatus |= kMstatusSIE;
  b.hart.csr.vstvec = kVStrap | 1;
  b.hart.csr_write(kHvip, kMipVSTIP, 0);
  ASSERT_TRUE(run_mode(b, nops(), kPrivS, true));
  EXPECT_EQ(b.hart.csr.vscause, kIntr | 5);
  EXPECT_EQ(b.hart.pc, kVStrap + 4 * 5);
}

TEST(HartHTrap, VsInterruptMaskedByVsstatusSieInVs) {
  HartBench& b = hfresh();
  b.hart.csr_write(kHideleg, 0x444, 0);
  b.hart.csr_write(kHie, 0x444, 0);
  b.hart.csr_write(kHvip, kMipVSSIP, 0);
  const Prog p = nops();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, p.addr(4));
  EXPECT_EQ(b.hart.csr.vscause, 0u);
}

TEST(HartHTrap, VsInterruptMaskedByVsie) {
  HartBench& b = hfresh();
  b.hart.csr_write(kHideleg, 0x444, 0);
  b.hart.csr_write(kHie, kMipVSTIP, 0);  // VSSIE clear
  b.hart.csr.vsstatus |= kMstatusSIE;
  b.hart.csr_write(kHvip, kMipVSSIP, 0);
  const Prog p = nops();
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_done(b, p.addr(4));
  EXPECT_EQ(b.hart.csr.vscause, 0u);
}

TEST(HartHTrap, VsInterruptAlwaysTakenInVu) {
  HartBench& b = hfresh();
  b.hart.csr_write(kHideleg, 0x444, 0);
  b.hart.csr_write(kHie, kMipVSSIP, 0);
  b.hart.csr_write(kHvip, kMipVSSIP, 0);  // vsstatus.SIE = 0
  ASSERT_TRUE(run_mode(b, nops(), kPrivU, true));
  expect_vstrap(b, kIntr | 1, kCode, 0);
  EXPECT_FALSE(has(b.hart.csr.vsstatus, kMstatusSPP));
  EXPECT_FALSE(has(b.hart.csr.vsstatus, kMstatusSPIE));
}

TEST(HartHTrap, VsInterruptNotTakenWithV0) {
  HartBench& b = hfresh();
  b.hart.csr_write(kHideleg, 0x444, 0);
  b.hart.csr_write(kHie, 0x444, 0);
  b.hart.csr.vsstatus |= kMstatusSIE;
  b.hart.csr.mstatus |= kMstatusSIE;
  b.hart.csr_write(kHvip, 0x444, 0);
  const Prog p = nops();
  ASSERT_TRUE(run_mode(b, p, kPrivS, false));
  expect_done(b, p.addr(4));
  ASSERT_TRUE(run_mode(b, p, kPrivU, false));
  expect_done(b, p.addr(4));
}

// Without hideleg a VS-level interrupt is an HS-level one: scause 2/6/10.
void vs_interrupt_without_hideleg_taken_in_hs(unsigned irq) {
  HartBench& b = hfresh();
  b.hart.csr_write(kHie, 1ull << irq, 0);
  b.hart.csr_write(kHvip, 1ull << irq, 0);
  b.hart.csr.htinst = 0x1234;
  ASSERT_TRUE(run_mode(b, nops(), kPrivS, true));
  expect_hstrap(b, kIntr | irq, kCode, 0);
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusSPV | kHstatusSPVP));
  EXPECT_FALSE(has(b.hart.csr.hstatus, kHstatusGVA));
  EXPECT_EQ(b.hart.csr.htinst, 0u);
  EXPECT_EQ(b.hart.csr.htval, 0u);
  EXPECT_EQ(b.hart.csr.vscause, 0u);
}

TEST(HartHTrap, VssipWithoutHidelegTakenInHs) { vs_interrupt_without_hideleg_taken_in_hs(kIrqVSSI); }
TEST(HartHTrap, VstipWithoutHidelegTakenInHs) { vs_interrupt_without_hideleg_taken_in_hs(kIrqVSTI); }
TEST(HartHTrap, VseipWithoutHidelegTakenInHs) { vs_interrupt_without_hideleg_taken_in_hs(kIrqVSEI); }

TEST(HartHTrap, HsInterruptTakenInVsRegardlessOfSstatusSie) {
  HartBench& b = hfresh();
  b.hart.csr_write(kMideleg, kMipSTIP, 0);
  b.hart.csr_write(kMie, kMipSTIP, 0);
  b.hart.csr_write(kMip, kMipSTIP, 0);  // sstatus.SIE = 0
  ASSERT_TRUE(run_mode(b, nops(), kPrivS, true));
  expect_hstrap(b, kIntr | kIrqSTI, kCode, 0);
  EXPECT_TRUE(has(b.hart.csr.hstatus, kHstatusSPV | kHstatusSPVP));
  EXPECT_TRUE(has(b.hart.csr.mstatus, kMstatusSPP));
}

TEST(HartHTrap, MInterruptTakenInVs) {
  HartBench& b = hfresh();
  b.hart.csr_write(kMie, kMipSTIP, 0);
  b.hart.csr_write(kMip, kMipSTIP, 0);  // not delegated: M-level
  ASSERT_TRUE(run_mode(b, nops(), kPrivS, true));
  EXPECT_EQ(b.hart.csr.mcause, kIntr | kIrqSTI);
  EXPECT_EQ(b.hart.csr.mepc, kCode);
  EXPECT_TRUE(has(b.hart.csr.mstatus, kMstatusMPV));
  EXPECT_EQ(mstatus_mpp(b), static_cast<uint64_t>(kPrivS));
  EXPECT_EQ(b.hart.csr.mtinst, 0u);
  EXPECT_EQ(b.hart.pc, kMtrap);
}

// Which interrupt is taken first, from VS, with `pending` in mip/hvip.
// mideleg delegates SSI/STI/SEI to HS, hideleg VS interrupts per `hideleg`.
struct Taken {
  Priv priv;
  bool virt;
  uint64_t cause;
};
Taken first_interrupt(uint64_t m_pending, uint64_t s_pending, uint64_t vs_pending, uint64_t hideleg) {
  HartBench& b = hfresh();
  b.hart.csr_write(kMideleg, s_pending, 0);
  b.hart.csr_write(kHideleg, hideleg, 0);
  b.hart.csr_write(kMie, m_pending | s_pending | vs_pending, 0);
  b.hart.csr_write(kMip, m_pending | s_pending, 0);
  b.hart.csr_write(kHvip, vs_pending, 0);
  b.hart.csr.vsstatus |= kMstatusSIE;
  EXPECT_TRUE(run_mode(b, nops(), kPrivS, true));
  const uint64_t cause = b.hart.priv == kPrivM ? b.hart.csr.mcause
                         : b.hart.virt         ? b.hart.csr.vscause
                                               : b.hart.csr.scause;
  return {b.hart.priv, b.hart.virt, cause};
}

TEST(HartHTrap, PriorityMBeforeHsBeforeVs) {
  // M-level STI (not delegated) vs HS-level SSI vs VS-level VSEI.
  Taken t = first_interrupt(kMipSTIP, kMipSSIP, kMipVSEIP, kMipVSEIP);
  // mideleg is written with SSIP only, so STIP stays an M-level interrupt.
  EXPECT_EQ(t.priv, kPrivM);
  EXPECT_EQ(t.cause, kIntr | kIrqSTI);
  t = first_interrupt(0, kMipSSIP, kMipVSEIP, kMipVSEIP);
  EXPECT_EQ(t.priv, kPrivS);
  EXPECT_FALSE(t.virt);
  EXPECT_EQ(t.cause, kIntr | kIrqSSI);
  t = first_interrupt(0, 0, kMipVSEIP, kMipVSEIP);
  EXPECT_TRUE(t.virt);
  EXPECT_EQ(t.cause, kIntr | 9);
}

TEST(HartHTrap, PriorityWithinHsLevel) {
  // All at HS-level (hideleg = 0): SEI > SSI > STI > VSEI > VSSI > VSTI.
  const uint64_t s_all = kMipSEIP | kMipSSIP | kMipSTIP;
  struct Case {
    uint64_t s, vs, expect;
  } cases[] = {
      {s_all, 0x444, kIrqSEI},
      {kMipSSIP | kMipSTIP, 0x444, kIrqSSI},
      {kMipSTIP, 0x444, kIrqSTI},
      {0, 0x444, kIrqVSEI},
      {0, kMipVSSIP | kMipVSTIP, kIrqVSSI},
      {0, kMipVSTIP, kIrqVSTI},
  };
  for (const Case& c : cases) {
    const Taken t = first_interrupt(0, c.s, c.vs, 0);
    EXPECT_EQ(t.priv, kPrivS);
    EXPECT_FALSE(t.virt);
    EXPECT_EQ(t.cause, kIntr | c.expect) << "s=" << c.s << " vs=" << c.vs;
  }
}

TEST(HartHTrap, PriorityWithinVsLevel) {
  // Delegated to VS: VSEI > VSSI > VSTI, reported as 9 > 1 > 5.
  Taken t = first_interrupt(0, 0, 0x444, 0x444);
  EXPECT_TRUE(t.virt);
  EXPECT_EQ(t.cause, kIntr | 9);
  t = first_interrupt(0, 0, kMipVSSIP | kMipVSTIP, 0x444);
  EXPECT_EQ(t.cause, kIntr | 1);
  t = first_interrupt(0, 0, kMipVSTIP, 0x444);
  EXPECT_EQ(t.cause, kIntr | 5);
}

TEST(HartHTrap, VstimecmpRaisesVstip) {
  HartBench& b = hfresh();
  g_mtime = 1000;
  b.hart.csr_write(kMenvcfg, kMenvcfgSTCE, 0);
  b.hart.csr_write(kHenvcfg, kMenvcfgSTCE, 0);
  b.hart.csr_write(kHtimedelta, 500, 0);
  b.hart.csr_write(kVstimecmp, 1600, 0);  // 1600 > 1000 + 500
  EXPECT_EQ(b.hart.csr_read(kHip, 0, false) & kMipVSTIP, 0u);
  b.hart.csr_write(kVstimecmp, 1500, 0);  // <= time + htimedelta
  EXPECT_EQ(b.hart.csr_read(kHip, 0, false) & kMipVSTIP, kMipVSTIP);
  b.hart.csr_write(kHideleg, kMipVSTIP, 0);
  b.hart.csr_write(kHie, kMipVSTIP, 0);
  b.hart.csr.vsstatus |= kMstatusSIE;
  ASSERT_TRUE(run_mode(b, nops(), kPrivS, true));
  expect_vstrap(b, kIntr | 5, kCode, 0);
}

TEST(HartHTrap, VstimecmpIgnoredWithoutHenvcfgStce) {
  HartBench& b = hfresh();
  g_mtime = 1000;
  b.hart.csr_write(kMenvcfg, kMenvcfgSTCE, 0);
  b.hart.csr_write(kVstimecmp, 0, 0);
  EXPECT_EQ(b.hart.csr_read(kHip, 0, false) & kMipVSTIP, 0u);
}

}  // namespace
}  // namespace rvh::test
