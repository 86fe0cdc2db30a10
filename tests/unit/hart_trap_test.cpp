// Unit tests for trap entry/return and interrupts (cpu/trap.cpp,
// cpu/insn_system.cpp): ecall/ebreak causes, delegation to S-mode, vectored
// trap vectors, MRET/SRET, TSR/TW/TVM, interrupt priority and enables,
// mip.STIP and Sstc.
//
// Spec references: priv machine.adoc ("Machine Trap Delegation Registers",
// "Machine Interrupt Registers", "Machine Trap-Vector Base-Address",
// "Trap-Return Instructions", "Wait for Interrupt", "Virtualization Support
// in mstatus"), supervisor.adoc, sstc.adoc.
#include "tests/unit/hart_test_util.h"

namespace rvh::test {
namespace {
using namespace enc;
using namespace csr;

HartBench& fresh() {
  HartBench& b = bench();
  b.reset();
  return b;
}

uint64_t mpp(const HartBench& b) { return (b.hart.csr.mstatus & kMstatusMPP) >> kMstatusMppShift; }
bool bit(uint64_t v, uint64_t mask) { return (v & mask) != 0; }

// ---------------------------------------------------------------- exceptions

TEST(HartTrap, EcallFromUModeIsCause8) {
  HartBench& b = fresh();
  Prog p;
  p << nop() << ecall();
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivU));
  expect_mtrap(b, kCauseEcallU, kCode + 4, 0);
  EXPECT_EQ(mpp(b), kPrivU);
}

TEST(HartTrap, EcallFromSModeIsCause9) {
  HartBench& b = fresh();
  Prog p;
  p << ecall();
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  expect_mtrap(b, kCauseEcallS, kCode, 0);
  EXPECT_EQ(mpp(b), kPrivS);
}

TEST(HartTrap, EcallFromMModeIsCause11) {
  HartBench& b = fresh();
  b.hart.csr.mstatus |= kMstatusMIE;
  b.hart.csr.mtval = 0xdead;  // must be overwritten with 0
  Prog p;
  p << nop() << nop() << ecall();
  p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_mtrap(b, kCauseEcallM, kCode + 8, 0);
  EXPECT_EQ(mpp(b), kPrivM);
  EXPECT_TRUE(bit(b.hart.csr.mstatus, kMstatusMPIE));
  EXPECT_FALSE(bit(b.hart.csr.mstatus, kMstatusMIE));
}

TEST(HartTrap, EbreakSetsTvalToPc) {
  HartBench& b = fresh();
  Prog p;
  p << nop() << ebreak();
  p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_mtrap(b, kCauseBreakpoint, kCode + 4, kCode + 4);
}

TEST(HartTrap, CompressedEbreakSetsTvalToPc) {
  HartBench& b = fresh();
  Prog p;
  p << (0x9002u << 16 | 0x0001u);  // c.nop ; c.ebreak (at kCode + 2)
  p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_mtrap(b, kCauseBreakpoint, kCode + 2, kCode + 2);
}

TEST(HartTrap, IllegalInstructionTvalHoldsTheBits) {
  HartBench& b = fresh();
  Prog p;
  p << 0xffffffffu;
  p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_mtrap(b, kCauseIllegalInsn, kCode, 0xffffffffu);

  // A 16-bit illegal instruction: only its 16 bits (c.addi16sp sp,0 is reserved).
  b.reset();
  Prog c;
  c << (0x0001u << 16 | 0x6101u);  // reserved ; c.nop
  c.halt();
  ASSERT_TRUE(run_prog(b, c));
  expect_mtrap(b, kCauseIllegalInsn, kCode, 0x6101u);
}

TEST(HartTrap, FpInstructionWithFsOffIsIllegal) {
  HartBench& b = fresh();
  Prog p;
  p << 0x0005a007u;  // flw ft0,0(a1)
  p.halt();
  b.hart.x[a1] = kData;
  ASSERT_TRUE(run_prog(b, p));
  expect_mtrap(b, kCauseIllegalInsn, kCode, 0x0005a007u);
}

TEST(HartTrap, DelegatedEcallFromUGoesToSMode) {
  HartBench& b = fresh();
  b.hart.csr.medeleg = 1u << kCauseEcallU;
  b.hart.csr.mstatus |= kMstatusSIE;
  b.hart.csr.stval = 0xdead;
  Prog p;
  p << nop() << ecall();
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivU));
  expect_strap(b, kCauseEcallU, kCode + 4, 0);
  EXPECT_FALSE(bit(b.hart.csr.mstatus, kMstatusSPP));  // from U
  EXPECT_TRUE(bit(b.hart.csr.mstatus, kMstatusSPIE));  // old SIE
  EXPECT_FALSE(bit(b.hart.csr.mstatus, kMstatusSIE));
  EXPECT_EQ(b.hart.csr.mcause, 0u);  // M-mode trap CSRs untouched
  EXPECT_EQ(b.hart.csr.mepc, 0u);
}

TEST(HartTrap, DelegatedIllegalFromSModeSetsSppAndStval) {
  HartBench& b = fresh();
  b.hart.csr.medeleg = 1u << kCauseIllegalInsn;
  b.hart.csr.mstatus |= kMstatusSPIE;  // SIE = 0, SPIE = 1: SPIE must become 0
  Prog p;
  p << nop() << 0xffffffffu;
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  expect_strap(b, kCauseIllegalInsn, kCode + 4, 0xffffffffu);
  EXPECT_TRUE(bit(b.hart.csr.mstatus, kMstatusSPP));
  EXPECT_FALSE(bit(b.hart.csr.mstatus, kMstatusSPIE));
  EXPECT_FALSE(bit(b.hart.csr.mstatus, kMstatusSIE));
}

TEST(HartTrap, TrapsTakenInMModeAreNeverDelegated) {
  HartBench& b = fresh();
  b.hart.csr.medeleg = kDelegableExceptions;
  Prog p;
  p << 0xffffffffu;
  p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_mtrap(b, kCauseIllegalInsn, kCode, 0xffffffffu);
  EXPECT_EQ(b.hart.csr.scause, 0u);
}

TEST(HartTrap, UndelegatedExceptionFromSGoesToM) {
  HartBench& b = fresh();
  b.hart.csr.medeleg = 1u << kCauseEcallU;  // not 9
  Prog p;
  p << ecall();
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  expect_mtrap(b, kCauseEcallS, kCode, 0);
}

TEST(HartTrap, VectoredMtvecAppliesToInterruptsOnly) {
  HartBench& b = fresh();
  b.hart.csr.mtvec = kMtrap | 1;
  Prog p;
  p << ecall();
  p.halt();
  ASSERT_TRUE(run_prog(b, p));
  EXPECT_EQ(b.hart.csr.mcause, kCauseEcallM);
  EXPECT_EQ(b.hart.pc, kMtrap);  // exceptions use BASE

  b.reset();
  b.hart.csr.mtvec = kMtrap | 1;
  b.hart.csr.mie = kMipMSIP;
  b.hart.csr.mstatus |= kMstatusMIE;
  b.msip.write(true);
  Prog q;
  q << nop() << nop();
  q.halt();
  ASSERT_TRUE(run_prog(b, q));
  EXPECT_EQ(b.hart.csr.mcause, kIntr | kIrqMSI);
  EXPECT_EQ(b.hart.pc, kMtrap + 4 * kIrqMSI);
  EXPECT_EQ(b.hart.csr.mepc, kCode);
  EXPECT_EQ(b.hart.csr.mtval, 0u);
}

TEST(HartTrap, VectoredStvecForDelegatedInterrupt) {
  HartBench& b = fresh();
  b.hart.csr.stvec = kStrap | 1;
  b.hart.csr.mideleg = kMipSTIP;
  b.hart.csr.mie = kMipSTIP;
  b.hart.csr_write(kMip, kMipSTIP, 0);
  Prog p;
  p << nop();
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivU));
  EXPECT_EQ(b.hart.priv, kPrivS);
  EXPECT_EQ(b.hart.csr.scause, kIntr | kIrqSTI);
  EXPECT_EQ(b.hart.pc, kStrap + 4 * kIrqSTI);
  EXPECT_EQ(b.hart.csr.sepc, kCode);
}

// ---------------------------------------------------------------- xRET

TEST(HartTrap, MretToSModeRestoresPrivAndInterruptEnable) {
  HartBench& b = fresh();
  Prog p;
  p << mret();
  const uint64_t target = p.halt();
  b.hart.csr.mepc = target;
  b.hart.csr.mstatus |= (1ull << kMstatusMppShift) | kMstatusMPIE;  // MIE = 0
  b.pmp_allow_all();  // S-mode fetches need a PMP match
  ASSERT_TRUE(run_prog(b, p));
  EXPECT_EQ(b.hart.pc, target);
  EXPECT_EQ(b.hart.priv, kPrivS);
  EXPECT_TRUE(bit(b.hart.csr.mstatus, kMstatusMIE));
  EXPECT_TRUE(bit(b.hart.csr.mstatus, kMstatusMPIE));
  EXPECT_EQ(mpp(b), kPrivU);  // least-privileged supported mode
}

TEST(HartTrap, MretToUModeWithMpieClear) {
  HartBench& b = fresh();
  Prog p;
  p << mret();
  const uint64_t target = p.halt();
  b.hart.csr.mepc = target;
  b.hart.csr.mstatus |= kMstatusMIE;  // MPP = U, MPIE = 0
  b.pmp_allow_all();
  ASSERT_TRUE(run_prog(b, p));
  EXPECT_EQ(b.hart.pc, target);
  EXPECT_EQ(b.hart.priv, kPrivU);
  EXPECT_FALSE(bit(b.hart.csr.mstatus, kMstatusMIE));
  EXPECT_TRUE(bit(b.hart.csr.mstatus, kMstatusMPIE));
}

TEST(HartTrap, MretToNonMClearsMprv) {
  HartBench& b = fresh();
  Prog p;
  p << mret();
  const uint64_t target = p.halt();
  b.hart.csr.mepc = target;
  b.hart.csr.mstatus |= (1ull << kMstatusMppShift) | kMstatusMPRV;
  b.pmp_allow_all();
  ASSERT_TRUE(run_prog(b, p));
  EXPECT_EQ(b.hart.priv, kPrivS);
  EXPECT_FALSE(bit(b.hart.csr.mstatus, kMstatusMPRV));
}

TEST(HartTrap, MretToMKeepsMprv) {
  HartBench& b = fresh();
  Prog p;
  p << mret();
  const uint64_t target = p.halt();
  b.hart.csr.mepc = target;
  b.hart.csr.mstatus |= (3ull << kMstatusMppShift) | kMstatusMPRV;
  ASSERT_TRUE(run_prog(b, p));
  EXPECT_EQ(b.hart.pc, target);
  EXPECT_EQ(b.hart.priv, kPrivM);
  EXPECT_TRUE(bit(b.hart.csr.mstatus, kMstatusMPRV));
}

TEST(HartTrap, SretToSModeRestoresSie) {
  HartBench& b = fresh();
  Prog p;
  p << sret();
  const uint64_t target = p.halt();
  b.hart.csr.sepc = target;
  b.hart.csr.mstatus |= kMstatusSPP | kMstatusSPIE;
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  EXPECT_EQ(b.hart.pc, target);
  EXPECT_EQ(b.hart.priv, kPrivS);
  EXPECT_TRUE(bit(b.hart.csr.mstatus, kMstatusSIE));
  EXPECT_TRUE(bit(b.hart.csr.mstatus, kMstatusSPIE));
  EXPECT_FALSE(bit(b.hart.csr.mstatus, kMstatusSPP));
}

TEST(HartTrap, SretToUMode) {
  HartBench& b = fresh();
  Prog p;
  p << sret();
  const uint64_t target = p.halt();
  b.hart.csr.sepc = target;
  b.hart.csr.mstatus |= kMstatusSIE;  // SPP = U, SPIE = 0
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  EXPECT_EQ(b.hart.pc, target);
  EXPECT_EQ(b.hart.priv, kPrivU);
  EXPECT_FALSE(bit(b.hart.csr.mstatus, kMstatusSIE));
  EXPECT_TRUE(bit(b.hart.csr.mstatus, kMstatusSPIE));
}

TEST(HartTrap, MretInSModeIsIllegal) {
  HartBench& b = fresh();
  Prog p;
  p << mret();
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  expect_mtrap(b, kCauseIllegalInsn, kCode, mret());
}

TEST(HartTrap, SretInUModeIsIllegal) {
  HartBench& b = fresh();
  Prog p;
  p << sret();
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivU));
  expect_mtrap(b, kCauseIllegalInsn, kCode, sret());
}

TEST(HartTrap, TsrMakesSretIllegalInSMode) {
  HartBench& b = fresh();
  b.hart.csr.mstatus |= kMstatusTSR;
  Prog p;
  p << sret();
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  expect_mtrap(b, kCauseIllegalInsn, kCode, sret());
}

TEST(HartTrap, TwMakesWfiIllegalInSMode) {
  HartBench& b = fresh();
  b.hart.csr.mstatus |= kMstatusTW;
  Prog p;
  p << wfi();
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  expect_mtrap(b, kCauseIllegalInsn, kCode, wfi());
}

TEST(HartTrap, WfiIsIllegalInUMode) {
  HartBench& b = fresh();
  Prog p;
  p << wfi();
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivU));
  expect_mtrap(b, kCauseIllegalInsn, kCode, wfi());
}

TEST(HartTrap, WfiWithPendingEnabledInterruptIsANop) {
  // WFI completes at once when an interrupt is pending in mie, even with
  // MIE=0 (priv "Wait for Interrupt").
  HartBench& b = fresh();
  b.hart.csr.mie = kMipMTIP;
  b.mtip.write(true);
  Prog p;
  p << wfi() << addi(a0, zero, 1);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 1u);
}

TEST(HartTrap, TvmMakesSfenceVmaIllegalInSMode) {
  HartBench& b = fresh();
  b.hart.csr.mstatus |= kMstatusTVM;
  Prog p;
  p << sfence_vma(zero, zero);
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  expect_mtrap(b, kCauseIllegalInsn, kCode, sfence_vma(zero, zero));
}

TEST(HartTrap, SfenceVmaIsIllegalInUMode) {
  HartBench& b = fresh();
  Prog p;
  p << sfence_vma(zero, zero);
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivU));
  expect_mtrap(b, kCauseIllegalInsn, kCode, sfence_vma(zero, zero));
}

// ---------------------------------------------------------------- interrupts

TEST(HartTrap, InterruptPriorityOrder) {
  // priv "Machine Interrupt Registers": MEI, MSI, MTI, SEI, SSI, STI.
  HartBench& b = fresh();
  const unsigned order[] = {kIrqMEI, kIrqMSI, kIrqMTI, kIrqSEI, kIrqSSI, kIrqSTI};
  uint64_t pending = kAllInterrupts;
  for (unsigned expected : order) {
    SCOPED_TRACE(expected);
    b.reset();
    b.meip.write(pending & kMipMEIP);
    b.msip.write(pending & kMipMSIP);
    b.mtip.write(pending & kMipMTIP);
    b.hart.csr_write(kMip, pending & kSupervisorInterrupts, 0);
    b.hart.csr.mie = kAllInterrupts;
    b.hart.csr.mstatus |= kMstatusMIE;
    Prog p;
    p << nop() << nop();
    p.halt();
    ASSERT_TRUE(run_prog(b, p));
    EXPECT_EQ(b.hart.csr.mcause, kIntr | expected);
    EXPECT_EQ(b.hart.csr.mepc, kCode);
    EXPECT_EQ(b.hart.pc, kMtrap);
    EXPECT_TRUE(bit(b.hart.csr.mstatus, kMstatusMPIE));
    EXPECT_FALSE(bit(b.hart.csr.mstatus, kMstatusMIE));
    pending &= ~(1ull << expected);
  }
}

TEST(HartTrap, MachineInterruptWinsOverDelegatedInterruptInUMode) {
  // Interrupts for M-mode are handled before those for S-mode, even if the
  // S-level one has a higher number (SEI vs MTI).
  HartBench& b = fresh();
  b.hart.csr.mideleg = kMipSEIP;
  b.hart.csr_write(kMip, kMipSEIP, 0);
  b.mtip.write(true);
  b.hart.csr.mie = kMipSEIP | kMipMTIP;
  Prog p;
  p << nop();
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivU));
  EXPECT_EQ(b.hart.priv, kPrivM);
  EXPECT_EQ(b.hart.csr.mcause, kIntr | kIrqMTI);
  EXPECT_EQ(b.hart.csr.scause, 0u);
}

TEST(HartTrap, MachineInterruptNotTakenInMModeWithMieClear) {
  HartBench& b = fresh();
  b.mtip.write(true);
  b.meip.write(true);
  b.hart.csr.mie = kAllInterrupts;
  Prog p;
  p << addi(a0, zero, 5) << nop();
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 5u);
  // ... but it is pending in mip.
  EXPECT_EQ(b.hart.csr_read(kMip, 0, false) & (kMipMTIP | kMipMEIP), kMipMTIP | kMipMEIP);
}

TEST(HartTrap, MachineInterruptTakenInSModeRegardlessOfMie) {
  HartBench& b = fresh();
  b.mtip.write(true);
  b.hart.csr.mie = kMipMTIP;  // mstatus.MIE = 0
  Prog p;
  p << nop() << nop();
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  EXPECT_EQ(b.hart.priv, kPrivM);
  EXPECT_EQ(b.hart.csr.mcause, kIntr | kIrqMTI);
  EXPECT_EQ(b.hart.csr.mepc, kCode);
  EXPECT_EQ(mpp(b), kPrivS);
  EXPECT_EQ(b.hart.pc, kMtrap);
}

TEST(HartTrap, DisabledInMieIsNotTaken) {
  HartBench& b = fresh();
  b.mtip.write(true);
  b.hart.csr.mie = kMipMSIP;
  b.hart.csr.mstatus |= kMstatusMIE;
  Prog p;
  p << nop();
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivU));
  expect_done(b, end);
}

TEST(HartTrap, DelegatedSInterruptNotTakenInMMode) {
  HartBench& b = fresh();
  b.hart.csr.mideleg = kSupervisorInterrupts;
  b.hart.csr_write(kMip, kSupervisorInterrupts, 0);
  b.hart.csr.mie = kAllInterrupts;
  b.hart.csr.mstatus |= kMstatusMIE | kMstatusSIE;
  Prog p;
  p << nop() << nop();
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
}

TEST(HartTrap, DelegatedSInterruptTakenInUModeRegardlessOfSie) {
  HartBench& b = fresh();
  b.hart.csr.mideleg = kMipSTIP;
  b.hart.csr_write(kMip, kMipSTIP, 0);
  b.hart.csr.mie = kMipSTIP;  // SIE = 0
  Prog p;
  p << nop() << nop();
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivU));
  EXPECT_EQ(b.hart.priv, kPrivS);
  EXPECT_EQ(b.hart.csr.scause, kIntr | kIrqSTI);
  EXPECT_EQ(b.hart.csr.sepc, kCode);
  EXPECT_EQ(b.hart.csr.stval, 0u);
  EXPECT_FALSE(bit(b.hart.csr.mstatus, kMstatusSPP));
  EXPECT_EQ(b.hart.pc, kStrap);
  EXPECT_EQ(b.hart.csr.mcause, 0u);
}

TEST(HartTrap, DelegatedSInterruptInSModeNeedsSie) {
  HartBench& b = fresh();
  b.hart.csr.mideleg = kMipSSIP;
  b.hart.csr_write(kMip, kMipSSIP, 0);
  b.hart.csr.mie = kMipSSIP;
  Prog p;
  p << nop();
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  expect_done(b, end);  // SIE = 0: not taken

  b.reset();
  b.hart.csr.mideleg = kMipSSIP;
  b.hart.csr_write(kMip, kMipSSIP, 0);
  b.hart.csr.mie = kMipSSIP;
  b.hart.csr.mstatus |= kMstatusSIE;
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  EXPECT_EQ(b.hart.priv, kPrivS);
  EXPECT_EQ(b.hart.csr.scause, kIntr | kIrqSSI);
  EXPECT_EQ(b.hart.csr.sepc, kCode);
  EXPECT_TRUE(bit(b.hart.csr.mstatus, kMstatusSPP));
  EXPECT_TRUE(bit(b.hart.csr.mstatus, kMstatusSPIE));
  EXPECT_FALSE(bit(b.hart.csr.mstatus, kMstatusSIE));
}

TEST(HartTrap, InterruptEnabledByCsrWriteIsTakenBeforeNextInstruction) {
  // Setting mstatus.MIE with an interrupt pending: the trap is taken with
  // mepc pointing at the instruction after the csrs.
  HartBench& b = fresh();
  b.msip.write(true);
  b.hart.csr.mie = kMipMSIP;
  Prog p;
  p << nop() << csrrsi(zero, kMstatus, kMstatusMIE) << addi(a0, zero, 1);
  p.halt();
  ASSERT_TRUE(run_prog(b, p));
  EXPECT_EQ(b.hart.csr.mcause, kIntr | kIrqMSI);
  EXPECT_EQ(b.hart.csr.mepc, kCode + 8);
  EXPECT_EQ(b.hart.x[a0], 0u);
}

TEST(HartTrap, MretIntoModeWithPendingInterruptTrapsImmediately) {
  // MTI pending while in M with MIE=0; MRET to U makes it takeable at once.
  HartBench& b = fresh();
  b.mtip.write(true);
  b.hart.csr.mie = kMipMTIP;
  b.pmp_allow_all();
  Prog p;
  p << mret();
  const uint64_t target = p.halt();
  b.hart.csr.mepc = target;  // MPP = U
  ASSERT_TRUE(run_prog(b, p));
  EXPECT_EQ(b.hart.priv, kPrivM);
  EXPECT_EQ(b.hart.csr.mcause, kIntr | kIrqMTI);
  EXPECT_EQ(b.hart.csr.mepc, target);
  EXPECT_EQ(mpp(b), kPrivU);
  EXPECT_EQ(b.hart.pc, kMtrap);
}

TEST(HartTrap, MipReadModifyWriteDoesNotLatchExternalSeip) {
  // machine.adoc ("mip and mie"): csrrs/csrrc of mip use only the
  // software-writable SEIP bit, not the value ORed with the external line.
  HartBench& b = fresh();
  b.seip.write(true);
  Prog p;
  p << csrr(a0, kMip) << csrrci(zero, kMip, kMipSSIP) << csrr(a1, kMip);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], kMipSEIP);
  EXPECT_EQ(b.hart.x[a1], kMipSEIP);
  // Line goes low: SEIP must disappear (nothing was latched in software).
  b.seip.write(false);
  Prog q(kCode + 0x100);
  q << csrr(a2, kMip);
  const uint64_t end2 = q.halt();
  q.load(b);
  b.hart.pc = q.base;
  ASSERT_TRUE(b.run());
  EXPECT_EQ(b.hart.pc, end2);
  EXPECT_EQ(b.hart.x[a2], 0u);
}

TEST(HartTrap, WfiSleepsUntilInterruptPendingEvenWithMieClear) {
  HartBench& b = fresh();
  b.hart.csr.mie = kMipMTIP;  // mstatus.MIE = 0: wake up, do not trap
  Prog p;
  p << wfi() << addi(a0, zero, 1);
  const uint64_t end = p.halt();
  p.load(b);
  EXPECT_FALSE(b.run(5));  // asleep
  EXPECT_EQ(b.hart.x[a0], 0u);
  b.mtip.write(true);
  ASSERT_TRUE(b.run(20, /*settle=*/false));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 1u);
}

TEST(HartTrap, MipStipWritableOnlyWithoutStce) {
  HartBench& b = fresh();
  Prog p;
  b.hart.x[t0] = kMipSTIP | kMipSSIP | kMipSEIP | kMipMTIP | kMipMSIP;
  p << csrw(kMip, t0) << csrr(a0, kMip);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], kMipSTIP | kMipSSIP | kMipSEIP);  // MTIP/MSIP are read-only

  b.reset();
  b.hart.csr_write(kMenvcfg, kMenvcfgSTCE, 0);  // stimecmp = ~0: STIP clear
  b.hart.x[t0] = kMipSTIP | kMipSSIP;
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], kMipSSIP);
}

TEST(HartTrap, SstcStimecmpAtOrBelowTimeRaisesStip) {
  HartBench& b = fresh();
  b.hart.csr_write(kMenvcfg, kMenvcfgSTCE, 0);
  g_mtime = 1000;
  Prog p;
  b.hart.x[t0] = 500;
  b.hart.x[t1] = 2000;
  b.hart.x[t2] = 1000;
  p << csrw(kStimecmp, t0) << csrr(a0, kMip)   // 500 <= 1000: pending
    << csrw(kStimecmp, t1) << csrr(a1, kMip)   // 2000 > 1000: not pending
    << csrw(kStimecmp, t2) << csrr(a2, kMip);  // equal: pending
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0] & kMipSTIP, kMipSTIP);
  EXPECT_EQ(b.hart.x[a1] & kMipSTIP, 0u);
  EXPECT_EQ(b.hart.x[a2] & kMipSTIP, kMipSTIP);
}

TEST(HartTrap, SstcTimerInterruptFiresWhenTimeReachesStimecmp) {
  HartBench& b = fresh();
  b.hart.csr_write(kMenvcfg, kMenvcfgSTCE, 0);
  b.hart.csr.mcounteren = 2;
  b.hart.csr.mideleg = kMipSTIP;
  b.hart.csr.mie = kMipSTIP;
  b.hart.csr.mstatus |= kMstatusSIE;
  g_mtime = 100;
  b.hart.x[t0] = 5000;
  Prog p;
  p << csrw(kStimecmp, t0);
  const uint64_t spin = p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  EXPECT_EQ(b.hart.pc, spin);  // time has not reached stimecmp
  EXPECT_EQ(b.hart.csr.scause, 0u);
  g_mtime = 5000;  // time passes (the hart samples it at its next sync)
  b.run(5, /*settle=*/false);
  EXPECT_EQ(b.hart.priv, kPrivS);
  EXPECT_EQ(b.hart.csr.scause, kIntr | kIrqSTI);
  EXPECT_EQ(b.hart.csr.sepc, spin);
  EXPECT_EQ(b.hart.pc, kStrap);
}

}  // namespace
}  // namespace rvh::test
