// Unit tests for the hart's CSR rules (cpu/csr.cpp, cpu/insn_system.cpp):
// access checks (existence, privilege, read-only space, TVM, counter
// enables, Sstc), WARL behaviour of the M/S CSRs, PMP configuration
// registers, the FP CSRs, and the counters.
//
// Spec references: priv "Machine-Level ISA" (machine.adoc), "Supervisor-
// Level ISA" (supervisor.adoc), "Sstc" (sstc.adoc), unpriv "Zicsr",
// "Zicntr", "F" (fcsr).
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

// One CSR instruction at kCode; returns true if it trapped (illegal) with the
// instruction bits in mtval.
bool csr_insn_is_illegal(HartBench& b, uint32_t insn, Priv priv) {
  Prog p;
  p << insn;
  const uint64_t end = p.halt();
  EXPECT_TRUE(run_prog(b, p, priv));
  if (b.hart.pc == end) {
    EXPECT_EQ(b.hart.csr.mcause, 0u);
    return false;
  }
  expect_mtrap(b, kCauseIllegalInsn, kCode, insn);
  EXPECT_EQ((b.hart.csr.mstatus & kMstatusMPP) >> kMstatusMppShift, priv);
  return true;
}

// ---------------------------------------------------------------- access rules

TEST(HartCsr, UnimplementedCsrIsIllegalWithInstructionBitsInMtval) {
  HartBench& b = fresh();
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, 0x7c0), kPrivM));  // custom, not implemented
  b.reset();
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, 0x3a1), kPrivM));  // pmpcfg1 does not exist on RV64
  b.reset();
  EXPECT_TRUE(csr_insn_is_illegal(b, csrw(0x5c0, t0), kPrivM));  // custom S-level, write
  b.reset();
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, 0x7a8), kPrivM));  // mcontext: not implemented
  b.reset();
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, 0x608), kPrivM));  // unassigned hypervisor CSR
}

TEST(HartCsr, WriteToReadOnlyCounterIsIllegal) {
  HartBench& b = fresh();
  b.hart.x[t0] = 5;
  EXPECT_TRUE(csr_insn_is_illegal(b, csrw(kCycle, t0), kPrivM));
  b.reset();
  b.hart.x[t0] = 5;
  // csrrs with rs1 != x0 is a write even if the value would not change a bit.
  EXPECT_TRUE(csr_insn_is_illegal(b, csrrs(a0, kInstret, t0), kPrivM));
  b.reset();
  EXPECT_TRUE(csr_insn_is_illegal(b, csrrwi(zero, kTime, 0), kPrivM));  // csrrwi always writes
}

TEST(HartCsr, WriteToMhartidIsIllegal) {
  HartBench& b = fresh();
  EXPECT_TRUE(csr_insn_is_illegal(b, csrw(kMhartid, t0), kPrivM));
  b.reset();
  EXPECT_TRUE(csr_insn_is_illegal(b, csrrsi(a0, kMvendorid, 1), kPrivM));
}

TEST(HartCsr, ReadOnlyCsrReadWithX0SourceIsLegal) {
  HartBench& b = fresh();
  g_mtime = 4242;
  Prog p;
  p << csrrs(a0, kMhartid, zero) << csrrsi(a1, kCycle, 0) << csrrc(a2, kMvendorid, zero)
    << csrrci(a3, kTime, 0) << csrr(a4, kMisa);
  const uint64_t end = p.halt();
  b.hart.x[a0] = b.hart.x[a1] = b.hart.x[a2] = b.hart.x[a3] = 77;
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0u);  // hart 0
  EXPECT_NE(b.hart.x[a1], 77u);
  EXPECT_EQ(b.hart.x[a2], 0u);
  EXPECT_EQ(b.hart.x[a3], 4242u);
  // misa: MXL=2 (64-bit) and IMAFDCHSU.
  const uint64_t ext =
      (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);
  EXPECT_EQ(b.hart.x[a4], (2ull << 62) | ext);
}

TEST(HartCsr, SModeAccessToMachineCsrIsIllegal) {
  HartBench& b = fresh();
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, kMstatus), kPrivS));
  b.reset();
  EXPECT_TRUE(csr_insn_is_illegal(b, csrw(kMscratch, t0), kPrivS));
  b.reset();
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, kSstatus), kPrivU));  // U to S CSR
  b.reset();
  EXPECT_FALSE(csr_insn_is_illegal(b, csrr(a0, kSstatus), kPrivS));
}

TEST(HartCsr, SatpAccessWithTvmInSModeIsIllegal) {
  HartBench& b = fresh();
  b.hart.csr.mstatus |= kMstatusTVM;
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, kSatp), kPrivS));
  b.reset();
  b.hart.csr.mstatus |= kMstatusTVM;
  EXPECT_FALSE(csr_insn_is_illegal(b, csrr(a0, kSatp), kPrivM));  // TVM does not affect M
  b.reset();
  EXPECT_FALSE(csr_insn_is_illegal(b, csrr(a0, kSatp), kPrivS));  // TVM=0: legal in S
}

TEST(HartCsr, CountersGatedByMcounterenAndScounteren) {
  HartBench& b = fresh();
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, kCycle), kPrivS));
  b.reset();
  b.hart.csr.mcounteren = 1;  // CY
  EXPECT_FALSE(csr_insn_is_illegal(b, csrr(a0, kCycle), kPrivS));
  b.reset();
  b.hart.csr.mcounteren = 1;
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, kInstret), kPrivS));  // IR clear
  b.reset();
  b.hart.csr.mcounteren = 7;
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, kTime), kPrivU));  // scounteren.TM clear
  b.reset();
  b.hart.csr.mcounteren = 7;
  b.hart.csr.scounteren = 2;
  EXPECT_FALSE(csr_insn_is_illegal(b, csrr(a0, kTime), kPrivU));
  b.reset();
  b.hart.csr.scounteren = 7;  // scounteren alone is not enough for U
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, kInstret), kPrivU));
  b.reset();
  b.hart.csr.mcounteren = 1u << 3;  // HPM3: reads as zero when enabled
  EXPECT_FALSE(csr_insn_is_illegal(b, csrr(a0, kHpmcounter3), kPrivS));
  EXPECT_EQ(b.hart.x[a0], 0u);
  b.reset();
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, kHpmcounter3 + 1), kPrivS));
}

TEST(HartCsr, StimecmpGatedByStceAndMcounterenTm) {
  // Sstc: S-mode access to stimecmp needs menvcfg.STCE and mcounteren.TM.
  HartBench& b = fresh();
  b.hart.csr.mcounteren = 2;
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, kStimecmp), kPrivS));
  b.reset();
  b.hart.csr_write(kMenvcfg, kMenvcfgSTCE, 0);
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, kStimecmp), kPrivS));
  b.reset();
  b.hart.csr_write(kMenvcfg, kMenvcfgSTCE, 0);
  b.hart.csr.mcounteren = 2;
  b.hart.csr.stimecmp = 0x1234;
  EXPECT_FALSE(csr_insn_is_illegal(b, csrr(a0, kStimecmp), kPrivS));
  EXPECT_EQ(b.hart.x[a0], 0x1234u);
  b.reset();
  EXPECT_FALSE(csr_insn_is_illegal(b, csrr(a0, kStimecmp), kPrivM));  // M: always
}

TEST(HartCsr, FpCsrsWithFsOffAreIllegal) {
  HartBench& b = fresh();
  ASSERT_EQ(b.hart.csr.mstatus & kMstatusFs, 0u);
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, kFflags), kPrivM));
  b.reset();
  EXPECT_TRUE(csr_insn_is_illegal(b, csrwi(kFrm, 1), kPrivM));
  b.reset();
  EXPECT_TRUE(csr_insn_is_illegal(b, csrr(a0, kFcsr), kPrivM));
}

// ---------------------------------------------------------------- WARL

TEST(HartCsr, MstatusMppReservedValueKeepsOldAndXlenFieldsReadTwo) {
  HartBench& b = fresh();
  Prog p;
  b.hart.x[t0] = 1ull << kMstatusMppShift;  // MPP = S
  b.hart.x[t1] = 2ull << kMstatusMppShift;  // MPP = 2 (reserved)
  b.hart.x[t2] = 0;                          // try to clear SXL/UXL
  p << csrw(kMstatus, t0) << csrr(a0, kMstatus) << csrw(kMstatus, t1) << csrr(a1, kMstatus)
    << csrw(kMstatus, t2) << csrr(a2, kMstatus);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ((b.hart.x[a0] & kMstatusMPP) >> kMstatusMppShift, 1u);
  EXPECT_EQ((b.hart.x[a1] & kMstatusMPP) >> kMstatusMppShift, 1u);
  EXPECT_EQ((b.hart.x[a2] >> 32) & 3, 2u);  // UXL
  EXPECT_EQ((b.hart.x[a2] >> 34) & 3, 2u);  // SXL
  EXPECT_EQ(b.hart.x[a2] & kMstatusMPP, 0u);
}

TEST(HartCsr, SstatusIsARestrictedViewOfMstatus) {
  HartBench& b = fresh();
  Prog p;
  b.hart.x[t0] = ~0ull;
  b.hart.x[t1] = kMstatusMIE | kMstatusSIE | (3ull << kMstatusMppShift);
  p << csrw(kSstatus, t0)     // sets only the S-visible writable bits
    << csrr(a0, kMstatus)
    << csrw(kMstatus, t1)     // M-only fields and SIE through mstatus
    << csrr(a1, kSstatus)
    << csrrc(zero, kSstatus, t0)  // clear everything writable via sstatus
    << csrr(a2, kMstatus);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  const uint64_t s_writable = kMstatusSIE | kMstatusSPIE | kMstatusSPP | kMstatusFs | kMstatusSUM | kMstatusMXR;
  EXPECT_EQ(b.hart.x[a0] & s_writable, s_writable);
  EXPECT_EQ(b.hart.x[a0] & (kMstatusMIE | kMstatusMPIE | kMstatusMPP | kMstatusMPRV | kMstatusTVM |
                            kMstatusTW | kMstatusTSR),
            0u);
  EXPECT_NE(b.hart.x[a0] & kMstatusSD, 0u);  // FS = dirty
  // sstatus shows SIE and UXL but not MIE/MPP.
  EXPECT_EQ(b.hart.x[a1], kMstatusSIE | (2ull << 32));
  // Clearing through sstatus leaves MIE and MPP alone.
  EXPECT_EQ(b.hart.x[a2] & (kMstatusMIE | kMstatusMPP | kMstatusSIE), kMstatusMIE | kMstatusMPP);
}

TEST(HartCsr, MedelegBit11IsReadOnlyZero) {
  HartBench& b = fresh();
  Prog p;
  b.hart.x[t0] = ~0ull;
  p << csrw(kMedeleg, t0) << csrr(a0, kMedeleg);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0] & (1u << 11), 0u);  // ecall from M cannot be delegated
  // All the standard synchronous exceptions below 16 except 11 (M) and 14
  // (reserved); with H also ecall from VS (10), guest-page faults and virtual
  // instruction (20-23).
  EXPECT_EQ(b.hart.x[a0] & 0xffff, 0xb7ffu);
  EXPECT_EQ((b.hart.x[a0] >> 20) & 0xf, 0xfu);
}

TEST(HartCsr, MidelegHoldsSupervisorInterruptsAndVsBitsReadOnlyOne) {
  HartBench& b = fresh();
  Prog p;
  b.hart.x[t0] = ~0ull;
  p << csrw(kMideleg, t0) << csrr(a0, kMideleg);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], kMipSSIP | kMipSTIP | kMipSEIP | kMipVSSIP | kMipVSTIP | kMipVSEIP);
}

TEST(HartCsr, SieAndSipAreMaskedByMideleg) {
  HartBench& b = fresh();
  Prog p;
  b.hart.x[t0] = ~0ull;
  b.hart.x[t1] = kMipSTIP;
  p << csrw(kMideleg, t1) << csrw(kSie, t0) << csrr(a0, kMie) << csrr(a1, kSie)
    << csrw(kSip, t0) << csrr(a2, kMip);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], kMipSTIP);  // only the delegated enable was set
  EXPECT_EQ(b.hart.x[a1], kMipSTIP);
  EXPECT_EQ(b.hart.x[a2], 0u);  // SSIP not delegated: sip.SSIP read-only zero; STIP not writable via sip
}

TEST(HartCsr, XepcBitZeroIsCleared) {
  HartBench& b = fresh();
  Prog p;
  b.hart.x[t0] = 0x80000003;
  p << csrw(kMepc, t0) << csrw(kSepc, t0) << csrr(a0, kMepc) << csrr(a1, kSepc);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x80000002u);  // IALIGN=16: only bit 0 is cleared
  EXPECT_EQ(b.hart.x[a1], 0x80000002u);
}

TEST(HartCsr, MtvecReservedModesAreNotStored) {
  HartBench& b = fresh();
  Prog p;
  b.hart.x[t0] = 0x80004001;  // vectored
  b.hart.x[t1] = 0x80008002;  // mode 2: reserved
  b.hart.x[t2] = 0x8000c003;  // mode 3: reserved
  p << csrw(kMtvec, t0) << csrr(a0, kMtvec) << csrw(kMtvec, t1) << csrr(a1, kMtvec) << csrw(kMtvec, t2)
    << csrr(a2, kMtvec) << csrw(kStvec, t1) << csrr(a3, kStvec);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x80004001u);
  // Reserved modes: this hart keeps the previous (legal) mode and takes the new base.
  EXPECT_EQ(b.hart.x[a1], 0x80008001u);
  EXPECT_EQ(b.hart.x[a2], 0x8000c001u);
  EXPECT_EQ(b.hart.x[a3], 0x80008000u);  // stvec was direct (kStrap)
}

TEST(HartCsr, SatpWithUnsupportedModeIsIgnoredEntirely) {
  HartBench& b = fresh();
  Prog p;
  const uint64_t sv39 = (8ull << 60) | (0x1234ull << 44) | 0x80100;
  b.hart.x[t0] = sv39;
  b.hart.x[t1] = (10ull << 60) | (0x5678ull << 44) | 0x80200;  // Sv57: not supported
  b.hart.x[t2] = (1ull << 60) | 0x80300;                       // reserved mode
  b.hart.x[a5] = (9ull << 60) | 0x80400;                       // Sv48
  p << csrw(kSatp, t0) << csrr(a0, kSatp) << csrw(kSatp, t1) << csrr(a1, kSatp) << csrw(kSatp, t2)
    << csrr(a2, kSatp) << csrw(kSatp, a5) << csrr(a3, kSatp) << csrw(kSatp, zero) << csrr(a4, kSatp);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));  // M-mode: satp does not translate M fetches
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], sv39);
  EXPECT_EQ(b.hart.x[a1], sv39);
  EXPECT_EQ(b.hart.x[a2], sv39);
  EXPECT_EQ(b.hart.x[a3], (9ull << 60) | 0x80400);
  EXPECT_EQ(b.hart.x[a4], 0u);
}

TEST(HartCsr, PmpcfgWriteOnlyWithoutReadIsCleared) {
  HartBench& b = fresh();
  Prog p;
  // entry0: W only (reserved RW=01); entry1: NAPOT|RW; entry2: W|X; entry3: bits 5-6 set.
  b.hart.x[t0] = 0x02ull | 0x1bull << 8 | 0x06ull << 16 | 0x61ull << 24;
  p << csrw(kPmpcfg0, t0) << csrr(a0, kPmpcfg0);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0] & 0xff, 0x00u);
  EXPECT_EQ((b.hart.x[a0] >> 8) & 0xff, 0x1bu);
  EXPECT_EQ((b.hart.x[a0] >> 16) & 0xff, 0x04u);
  EXPECT_EQ((b.hart.x[a0] >> 24) & 0xff, 0x01u);  // reserved bits 6:5 read zero
}

TEST(HartCsr, LockedPmpEntryIgnoresWrites) {
  HartBench& b = fresh();
  Prog p;
  // Entry 0: NAPOT 8 KiB at 0x90000000 (outside RAM) locked read-only.
  // Entry 2: TOR locked, which also locks pmpaddr1.
  b.hart.x[t0] = (0x90000000ull >> 2) | 0x3ff;
  b.hart.x[t1] = 0x99ull | (0x8full << 16);  // L|NAPOT|R ; L|TOR|RWX
  b.hart.x[t2] = 0x12345;
  b.hart.x[a5] = (0xa0000000ull >> 2);
  b.hart.x[a6] = (0xa0001000ull >> 2);
  p << csrw(kPmpaddr0, t0) << csrw(kPmpaddr0 + 1, a5) << csrw(kPmpaddr0 + 2, a6) << csrw(kPmpcfg0, t1)
    << csrw(kPmpaddr0, t2) << csrw(kPmpaddr0 + 1, t2) << csrw(kPmpaddr0 + 2, t2) << csrw(kPmpcfg0, zero)
    << csrr(a0, kPmpcfg0) << csrr(a1, kPmpaddr0) << csrr(a2, kPmpaddr0 + 1) << csrr(a3, kPmpaddr0 + 2);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x99ull | (0x8full << 16));
  EXPECT_EQ(b.hart.x[a1], (0x90000000ull >> 2) | 0x3ff);
  EXPECT_EQ(b.hart.x[a2], 0xa0000000ull >> 2);  // below a locked TOR entry
  EXPECT_EQ(b.hart.x[a3], 0xa0001000ull >> 2);
}

TEST(HartCsr, FflagsFrmFcsrAliasAndSetDirty) {
  HartBench& b = fresh();
  b.hart.csr.mstatus |= 1ull << kMstatusFsShift;  // FS = Initial
  Prog p;
  b.hart.x[t0] = 0xff;
  p << csrw(kFcsr, t0) << csrr(a0, kFflags) << csrr(a1, kFrm) << csrwi(kFrm, 2) << csrr(a2, kFcsr)
    << csrwi(kFflags, 1) << csrr(a3, kFcsr) << csrr(a4, kMstatus);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x1fu);
  EXPECT_EQ(b.hart.x[a1], 7u);
  EXPECT_EQ(b.hart.x[a2], (2u << 5) | 0x1fu);
  EXPECT_EQ(b.hart.x[a3], (2u << 5) | 1u);
  EXPECT_EQ(b.hart.x[a4] & kMstatusFs, kMstatusFs);  // Dirty
  EXPECT_NE(b.hart.x[a4] & kMstatusSD, 0u);
}

TEST(HartCsr, FsDirtyWrittenToMstatusSetsSd) {
  HartBench& b = fresh();
  Prog p;
  b.hart.x[t0] = kMstatusFs;                    // FS = 3
  b.hart.x[t1] = 2ull << kMstatusFsShift;       // FS = Clean
  b.hart.x[t2] = kMstatusSD;                    // SD alone is read-only
  p << csrw(kMstatus, t0) << csrr(a0, kMstatus) << csrw(kMstatus, t1) << csrr(a1, kMstatus)
    << csrw(kMstatus, t2) << csrr(a2, kMstatus);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_NE(b.hart.x[a0] & kMstatusSD, 0u);
  EXPECT_EQ(b.hart.x[a1] & kMstatusSD, 0u);
  EXPECT_EQ(b.hart.x[a2] & kMstatusSD, 0u);
}

// ---------------------------------------------------------------- counters

TEST(HartCsr, MinstretWriteIsReadByNextInstruction) {
  // unpriv Zicsr: "a value written to instret by one instruction will be the
  // value read by the following instruction".
  HartBench& b = fresh();
  Prog p;
  b.hart.x[t0] = 1000;
  b.hart.x[t1] = 500000;
  p << csrw(kMinstret, t0) << csrr(a0, kMinstret) << nop() << csrr(a1, kInstret)
    << csrw(kMcycle, t1) << csrr(a2, kMcycle) << csrr(a3, kCycle);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 1000u);
  EXPECT_EQ(b.hart.x[a1], 1002u);
  EXPECT_GE(b.hart.x[a2], 500000u);
  EXPECT_LT(b.hart.x[a2], 500000u + 16);
  EXPECT_GT(b.hart.x[a3], b.hart.x[a2]);
}

TEST(HartCsr, McountinhibitFreezesCounters) {
  HartBench& b = fresh();
  Prog p;
  b.hart.x[t0] = 777;
  p << csrwi(kMcountinhibit, 7)  // CY, (TM read-only 0), IR
    << csrr(a0, kMcycle) << nop() << nop() << csrr(a1, kMcycle)
    << csrr(a2, kMinstret) << nop() << csrr(a3, kMinstret)
    << csrw(kMinstret, t0)     // writes while inhibited still land
    << csrr(a4, kMinstret)
    << csrr(a5, kMcountinhibit)
    << csrwi(kMcountinhibit, 0) << nop() << csrr(a6, kMinstret);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], b.hart.x[a1]);
  EXPECT_EQ(b.hart.x[a2], b.hart.x[a3]);
  EXPECT_EQ(b.hart.x[a4], 777u);
  EXPECT_EQ(b.hart.x[a5], 5u);
  // Counting resumes after the csrwi that clears the inhibit: csrwi, nop.
  EXPECT_GT(b.hart.x[a6], 777u);
  EXPECT_LE(b.hart.x[a6], 777u + 3);
}

TEST(HartCsr, TimeCsrReadsPlatformMtime) {
  HartBench& b = fresh();
  g_mtime = 0x123456789ull;
  Prog p;
  p << csrr(a0, kTime);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], 0x123456789ull);
}

}  // namespace
}  // namespace rvh::test
