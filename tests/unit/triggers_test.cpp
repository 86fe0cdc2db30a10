// Unit tests for the debug triggers (cpu/triggers.h): TriggerSet's mcontrol6
// address matching (equal, napot, >=, <, chains, access types, privilege and
// V-mode bits), and the hart's Sdtrig CSRs through a real Hart: WARL values,
// access rules, breakpoint exceptions (cause, epc, tval, GVA), tcontrol's
// mte/mpte across traps and mret, and the watcher being installed only while
// a trigger is enabled.
//
// Spec: RISC-V Debug spec 1.0, chapter "Sdtrig" (tselect, tdata1, tdata2,
// tdata3, tinfo, tcontrol, mcontrol6; "Enumeration", "Priority").
#include "cpu/triggers.h"

#include "tests/unit/hart_h_test_util.h"

namespace rvh::test {
namespace {
using namespace enc;
using namespace csr;
using namespace trig;

constexpr ModeIndex kModeU = kPrivU, kModeS = kPrivS, kModeM = kPrivM;

uint64_t mc6(uint64_t bits, TriggerMatch match = TriggerMatch::kEqual) {
  return (kTypeMcontrol6 << kTypeShift) | bits | (static_cast<uint64_t>(match) << kMatchShift);
}

// ---------------------------------------------------------------- TriggerSet

TEST(TriggerSet, StartsDisabled) {
  TriggerSet t(4);
  EXPECT_EQ(t.size(), 4u);
  for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(t.tdata1(i), kDisabled);
  EXPECT_FALSE(t.any_enabled());
  EXPECT_FALSE(t.match_exec(0, kModeM));
  EXPECT_FALSE(t.match_data(0, 8, AccessType::kLoad, kModeM));
}

TEST(TriggerSet, MakeTdata1IsAnMcontrol6InEveryMode) {
  const uint64_t v = TriggerSet::make_tdata1(true, false, true, TriggerMatch::kNapot);
  EXPECT_EQ(v >> kTypeShift, 6u);
  EXPECT_EQ(v & kAllModes, kAllModes);
  EXPECT_EQ(v & (kExecute | kLoad | kStore), kExecute | kStore);
  EXPECT_EQ((v & kMatchMask) >> kMatchShift, 1u);
  EXPECT_EQ(v & kActionMask, 0u);  // breakpoint exception
  EXPECT_EQ(v & (kDmode | kChain | kSelect | kSizeMask), 0u);
}

TEST(TriggerSet, ExecuteEqualMatchesOnlyThatPc) {
  TriggerSet t(2);
  t.set(1, TriggerSet::make_tdata1(true, false, false), 0x80001000);
  EXPECT_TRUE(t.any_exec());
  EXPECT_FALSE(t.any_data());
  EXPECT_EQ(t.match_exec(0x80001000, kModeM), 1u);
  EXPECT_FALSE(t.match_exec(0x80001002, kModeM));
  EXPECT_FALSE(t.match_exec(0x80000ffe, kModeM));
  // An execute trigger is no data trigger.
  EXPECT_FALSE(t.match_data(0x80001000, 4, AccessType::kLoad, kModeM));
}

TEST(TriggerSet, DataEqualMatchesAnyAccessedByte) {
  TriggerSet t(1);
  t.set(0, TriggerSet::make_tdata1(false, true, false), 0x1005);
  EXPECT_EQ(t.match_data(0x1000, 8, AccessType::kLoad, kModeS), 0u);  // bytes 0x1000-0x1007
  EXPECT_EQ(t.match_data(0x1004, 2, AccessType::kLoad, kModeS), 0u);
  EXPECT_EQ(t.match_data(0x1005, 1, AccessType::kLoad, kModeS), 0u);
  EXPECT_FALSE(t.match_data(0x1000, 4, AccessType::kLoad, kModeS));
  EXPECT_FALSE(t.match_data(0x1006, 2, AccessType::kLoad, kModeS));
  EXPECT_FALSE(t.match_data(0x1000, 8, AccessType::kStore, kModeS));  // load only
  EXPECT_FALSE(t.match_exec(0x1005, kModeS));
}

TEST(TriggerSet, StoreTriggerIgnoresLoads) {
  TriggerSet t(1);
  t.set(0, TriggerSet::make_tdata1(false, false, true), 0x2000);
  EXPECT_EQ(t.match_data(0x2000, 4, AccessType::kStore, kModeU), 0u);
  EXPECT_FALSE(t.match_data(0x2000, 4, AccessType::kLoad, kModeU));
}

TEST(TriggerSet, NapotMatchesTheNaturallyAlignedRange) {
  TriggerSet t(1);
  // tdata2 = base | (size/2 - 1): 16 bytes at 0x2000 (lowest 0 bit is bit 3).
  t.set(0, TriggerSet::make_tdata1(false, true, true, TriggerMatch::kNapot), 0x2000 | 0x7);
  EXPECT_EQ(t.match_data(0x2000, 1, AccessType::kLoad, kModeM), 0u);
  EXPECT_EQ(t.match_data(0x200f, 1, AccessType::kStore, kModeM), 0u);
  EXPECT_FALSE(t.match_data(0x2010, 1, AccessType::kLoad, kModeM));
  EXPECT_FALSE(t.match_data(0x1ff8, 8, AccessType::kLoad, kModeM));  // ends at 0x1fff
  EXPECT_EQ(t.match_data(0x1ffc, 8, AccessType::kLoad, kModeM), 0u);  // overlaps 0x2000-0x2003
  // tdata2 with bit 0 clear: a 2-byte range.
  t.set_tdata2(0, 0x3000);
  EXPECT_EQ(t.match_data(0x3001, 1, AccessType::kLoad, kModeM), 0u);
  EXPECT_FALSE(t.match_data(0x3002, 1, AccessType::kLoad, kModeM));
}

TEST(TriggerSet, NapotAllOnesIsTheWidestRange) {
  TriggerSet t(1);
  t.set(0, TriggerSet::make_tdata1(true, false, false, TriggerMatch::kNapot), ~0ull >> 1);
  EXPECT_EQ(t.match_exec(0, kModeM), 0u);
  EXPECT_EQ(t.match_exec(0x7fffffffffffffffull, kModeM), 0u);
  EXPECT_FALSE(t.match_exec(0x8000000000000000ull, kModeM));
}

TEST(TriggerSet, GeAndLtCompareAnyAccessedByte) {
  TriggerSet t(2);
  t.set(0, TriggerSet::make_tdata1(false, true, false, TriggerMatch::kGe), 0x3000);
  t.set(1, TriggerSet::make_tdata1(false, false, true, TriggerMatch::kLt), 0x3000);
  EXPECT_FALSE(t.match_data(0x2ffc, 4, AccessType::kLoad, kModeM));  // last byte 0x2fff
  EXPECT_EQ(t.match_data(0x2ffc, 8, AccessType::kLoad, kModeM), 0u);  // last byte 0x3003
  EXPECT_EQ(t.match_data(0xfffffffffffffff8ull, 8, AccessType::kLoad, kModeM), 0u);
  EXPECT_EQ(t.match_data(0x2fff, 1, AccessType::kStore, kModeM), 1u);
  EXPECT_FALSE(t.match_data(0x3000, 8, AccessType::kStore, kModeM));
  EXPECT_EQ(t.match_exec(0, kModeM), std::nullopt);
}

TEST(TriggerSet, ChainFiresAtItsLastTriggerOnlyWhenAllMatch) {
  TriggerSet t(3);
  // [0x4000, 0x4100): ge chained to lt.
  t.set(0, TriggerSet::make_tdata1(false, true, false, TriggerMatch::kGe) | kChain, 0x4000);
  t.set(1, TriggerSet::make_tdata1(false, true, false, TriggerMatch::kLt), 0x4100);
  EXPECT_EQ(t.match_data(0x4000, 4, AccessType::kLoad, kModeS), 1u);
  EXPECT_EQ(t.match_data(0x40fc, 4, AccessType::kLoad, kModeS), 1u);
  EXPECT_FALSE(t.match_data(0x3ff0, 4, AccessType::kLoad, kModeS));
  EXPECT_FALSE(t.match_data(0x4100, 4, AccessType::kLoad, kModeS));
  // The trigger after the chain stands alone.
  t.set(2, TriggerSet::make_tdata1(false, true, false), 0x10);
  EXPECT_EQ(t.match_data(0x10, 1, AccessType::kLoad, kModeS), 2u);
  // A chain still open at the last trigger never fires.
  t.set(2, TriggerSet::make_tdata1(false, true, false) | kChain, 0x10);
  EXPECT_FALSE(t.match_data(0x10, 1, AccessType::kLoad, kModeS));
}

TEST(TriggerSet, LowestFiringTriggerIsReported) {
  TriggerSet t(4);
  t.set(2, TriggerSet::make_tdata1(true, false, false), 0x100);
  t.set(3, TriggerSet::make_tdata1(true, false, false), 0x100);
  EXPECT_EQ(t.match_exec(0x100, kModeM), 2u);
}

TEST(TriggerSet, PrivilegeAndVirtualModeBits) {
  struct Case { uint64_t bit; ModeIndex fires_in; };
  const Case cases[] = {{trig::kU, kModeU}, {trig::kS, kModeS}, {trig::kM, kModeM}, {kVu, kModeVU}, {kVs, kModeVS}};
  for (const Case& c : cases) {
    TriggerSet t(1);
    t.set(0, mc6(c.bit | kExecute | kLoad), 0x40);
    for (ModeIndex m : {kModeU, kModeS, kModeM, kModeVU, kModeVS}) {
      EXPECT_EQ(t.match_exec(0x40, m).has_value(), m == c.fires_in) << "bit " << c.bit << " mode " << int(m);
      EXPECT_EQ(t.match_data(0x40, 1, AccessType::kLoad, m).has_value(), m == c.fires_in);
    }
  }
}

TEST(TriggerSet, NoModeOrNoAccessTypeIsNotEnabled) {
  TriggerSet t(2);
  t.set(0, mc6(kExecute | kLoad | kStore), 0);  // no mode bit
  t.set(1, mc6(kAllModes), 0);                  // no access type
  EXPECT_FALSE(t.any_enabled());
  t.set_tdata1(1, mc6(kAllModes | kStore));
  EXPECT_TRUE(t.any_enabled());
  EXPECT_TRUE(t.any_data());
  EXPECT_FALSE(t.any_exec());
  t.set_tdata1(1, kDisabled);
  EXPECT_FALSE(t.any_enabled());
}

// ---------------------------------------------------------------- Sdtrig CSRs

constexpr unsigned kTselect = Sdtrig::kTselect, kTdata1 = Sdtrig::kTdata1, kTdata2 = Sdtrig::kTdata2,
                   kTdata3 = Sdtrig::kTdata3, kTinfo = Sdtrig::kTinfo, kTcontrol = Sdtrig::kTcontrol;

HartBench& tfresh() {
  HartBench& b = hfresh();
  b.hart.sdtrig.reset(b.hart);
  return b;
}

uint64_t rd(HartBench& b, unsigned num) { return b.hart.csr_read(num, 0, false); }
void wr(HartBench& b, unsigned num, uint64_t v) { b.hart.csr_write(num, v, 0); }
// tdata1 of trigger i as read back after writing v.
uint64_t write_tdata1(HartBench& b, unsigned i, uint64_t v) {
  wr(b, kTselect, i);
  wr(b, kTdata1, v);
  return rd(b, kTdata1);
}

TEST(Sdtrig, EnumerationFindsFourMcontrol6Triggers) {
  HartBench& b = tfresh();
  // Sdtrig "Enumeration": write tselect, read it back, read tinfo.
  unsigned found = 0;
  for (unsigned i = 0; i < 16; ++i) {
    wr(b, kTselect, i);
    if (rd(b, kTselect) != i) break;
    const uint64_t tinfo = rd(b, kTinfo);
    if ((tinfo & 0xffff) == 1) break;
    EXPECT_EQ(tinfo, 0x01008040u) << "version 1, types 6 and 15";
    EXPECT_EQ(rd(b, kTdata1), kDisabled);
    ++found;
  }
  EXPECT_EQ(found, 4u);
  EXPECT_EQ(rd(b, kTselect), 3u);  // the write of 4 was ignored
}

TEST(Sdtrig, TriggerCsrsAreMModeOnly) {
  for (unsigned num : {kTselect, kTdata1, kTdata2, kTdata3, kTinfo, kTcontrol}) {
    const std::pair<Priv, bool> modes[] = {{kPrivS, false}, {kPrivU, false}, {kPrivS, true}, {kPrivU, true}};
    for (auto [priv, virt] : modes) {
      HartBench& b = tfresh();
      Prog p;
      p << csrr(a0, num);
      const uint64_t end = p.halt();
      ASSERT_TRUE(run_mode(b, p, priv, virt));
      EXPECT_NE(b.hart.pc, end);
      // M-level CSRs: illegal instruction, also with V=1 (never virtual).
      expect_mtrap(b, kCauseIllegalInsn, kCode, csrr(a0, num));
    }
    HartBench& b = tfresh();
    Prog p;
    p << csrr(a0, num);
    const uint64_t end = p.halt();
    ASSERT_TRUE(run_mode(b, p, kPrivM, false));
    EXPECT_EQ(b.hart.pc, end) << std::hex << num;
  }
}

TEST(Sdtrig, Tdata1WarlValues) {
  HartBench& b = tfresh();
  // Writing 0 (type 0 does not exist) disables: type 15.
  EXPECT_EQ(write_tdata1(b, 0, 0), kDisabled);
  // Unsupported types: disabled.
  EXPECT_EQ(write_tdata1(b, 0, (2ull << kTypeShift) | kExecute | trig::kM), kDisabled);
  EXPECT_EQ(write_tdata1(b, 0, (3ull << kTypeShift) | 0x7ff), kDisabled);
  // Type 15 keeps nothing else (dmode is not writable from M-mode).
  EXPECT_EQ(write_tdata1(b, 0, kDisabled | kDmode | 0x7f), kDisabled);
  // mcontrol6: supported fields kept.
  const uint64_t full = mc6(kAllModes | kExecute | kLoad | kStore, TriggerMatch::kLt);
  EXPECT_EQ(write_tdata1(b, 0, full), full);
  // dmode stays 0 from M-mode.
  EXPECT_EQ(write_tdata1(b, 0, full | kDmode), full);
  // action: only 0 (breakpoint); 1 needs dmode, 2-4/8/9 not implemented.
  for (uint64_t action : {1, 2, 4, 8, 9, 15})
    EXPECT_EQ(write_tdata1(b, 0, full | action << kActionShift), full) << action;
  // size, uncertain, uncertainen, hit1: read-only 0.
  EXPECT_EQ(write_tdata1(b, 0, full | (5ull << kSizeShift) | kUncertain | kUncertainEn | kHit1), full);
  // hit0 is writable (software clears it).
  EXPECT_EQ(write_tdata1(b, 0, full | kHit0), full | kHit0);
  // match: 0-3; others become equal (0).
  for (uint64_t match : {4, 5, 8, 9, 12, 13})
    EXPECT_EQ(write_tdata1(b, 0, (full & ~kMatchMask) | match << kMatchShift), full & ~kMatchMask) << match;
  // select=1 (data value match) is not implemented: disabled.
  EXPECT_EQ(write_tdata1(b, 0, full | kSelect), kDisabled);
  // chain: kept, except on the last trigger.
  EXPECT_EQ(write_tdata1(b, 0, full | kChain), full | kChain);
  EXPECT_EQ(write_tdata1(b, 3, full | kChain), full);
}

TEST(Sdtrig, WritesReachOnlyTheSelectedTrigger) {
  HartBench& b = tfresh();
  const uint64_t exec_m = mc6(trig::kM | kExecute);
  write_tdata1(b, 1, exec_m);
  wr(b, kTdata2, 0x1234);
  wr(b, kTselect, 2);
  EXPECT_EQ(rd(b, kTdata1), kDisabled);
  EXPECT_EQ(rd(b, kTdata2), 0u);
  wr(b, kTselect, 1);
  EXPECT_EQ(rd(b, kTdata1), exec_m);
  EXPECT_EQ(rd(b, kTdata2), 0x1234u);
  EXPECT_EQ(b.hart.sdtrig.triggers().tdata2(1), 0x1234u);
}

TEST(Sdtrig, Tdata2HoldsAnyAddressAndNapotClearsBit62OfAllOnes) {
  HartBench& b = tfresh();
  // Disabled: any value (Sdtrig "Trigger Module Registers").
  wr(b, kTdata2, ~0ull);
  EXPECT_EQ(rd(b, kTdata2), ~0ull);
  write_tdata1(b, 0, mc6(kAllModes | kLoad, TriggerMatch::kNapot));
  wr(b, kTdata2, ~0ull);
  // maskmax6 = index of the most significant 0 bit + 1 = 63.
  EXPECT_EQ(rd(b, kTdata2), ~0ull & ~(1ull << 62));
  wr(b, kTdata2, 0xffffffffffffff00ull);
  EXPECT_EQ(rd(b, kTdata2), 0xffffffffffffff00ull);
  write_tdata1(b, 0, mc6(kAllModes | kLoad));
  wr(b, kTdata2, ~0ull);
  EXPECT_EQ(rd(b, kTdata2), ~0ull);
}

TEST(Sdtrig, Tdata3AndTinfoIgnoreWritesTcontrolKeepsMteAndMpte) {
  HartBench& b = tfresh();
  wr(b, kTdata3, ~0ull);
  EXPECT_EQ(rd(b, kTdata3), 0u);
  wr(b, kTinfo, 0);
  EXPECT_EQ(rd(b, kTinfo), 0x01008040u);
  wr(b, kTcontrol, ~0ull);
  EXPECT_EQ(rd(b, kTcontrol), kTcontrolMte | kTcontrolMpte);
  wr(b, kTcontrol, 0);
  EXPECT_EQ(rd(b, kTcontrol), 0u);
}

TEST(Sdtrig, WatcherInstalledOnlyWhileATriggerIsEnabled) {
  HartBench& b = tfresh();
  EXPECT_FALSE(b.hart.watched());
  write_tdata1(b, 2, mc6(trig::kU | kStore));
  EXPECT_TRUE(b.hart.watched());
  write_tdata1(b, 3, mc6(trig::kS | kExecute));
  write_tdata1(b, 2, 0);
  EXPECT_TRUE(b.hart.watched());
  write_tdata1(b, 3, mc6(kExecute));  // no mode: never matches
  EXPECT_FALSE(b.hart.watched());
}

// ---------------------------------------------------------------- breakpoints

// Trigger i: tdata1 then tdata2, as the hart's own CSR writes would.
void set_trigger(HartBench& b, unsigned i, uint64_t tdata1, uint64_t tdata2) {
  wr(b, kTselect, i);
  wr(b, kTdata1, 0);
  wr(b, kTdata2, tdata2);
  wr(b, kTdata1, tdata1);
}

TEST(Sdtrig, ExecuteTriggerInUModeTrapsBeforeTheInstruction) {
  HartBench& b = tfresh();
  Prog p;
  p << addi(a0, zero, 1) << addi(a1, zero, 2) << addi(a2, zero, 3);
  p.halt();
  set_trigger(b, 1, mc6(trig::kU | kExecute), p.addr(1));
  ASSERT_TRUE(run_prog(b, p, kPrivU));
  expect_mtrap(b, kCauseBreakpoint, p.addr(1), p.addr(1));
  EXPECT_EQ(b.hart.x[a0], 1u);
  EXPECT_EQ(b.hart.x[a1], 0u) << "the instruction did not run";
  EXPECT_EQ(mstatus_mpp(b), kPrivU);
  EXPECT_EQ(b.hart.sdtrig.triggers().tdata1(1) & kHit0, kHit0) << "hit = before";
}

TEST(Sdtrig, LoadTriggerTvalIsTheAccessAddress) {
  HartBench& b = tfresh();
  b.hart.x[t0] = kData;
  b.w64(kData + 8, 0x1122334455667788ull);
  Prog p;
  p << addi(a0, zero, 7) << ld(a0, t0, 8);
  p.halt();
  set_trigger(b, 0, mc6(trig::kS | kLoad), kData + 12);  // a byte inside the doubleword
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  expect_mtrap(b, kCauseBreakpoint, p.addr(1), kData + 8);
  EXPECT_EQ(b.hart.x[a0], 7u);
}

TEST(Sdtrig, StoreTriggerDelegatedToSDoesNotStore) {
  HartBench& b = tfresh();
  b.hart.csr_write(kMedeleg, 1u << kCauseBreakpoint, 0);
  b.hart.x[t0] = kData;
  b.hart.x[t1] = 0xab;
  Prog p;
  p << sb(t1, t0, 3);
  p.halt();
  set_trigger(b, 3, mc6(trig::kU | kStore, TriggerMatch::kNapot), kData | 0x7);  // 16 bytes
  ASSERT_TRUE(run_prog(b, p, kPrivU));
  expect_strap(b, kCauseBreakpoint, kCode, kData + 3);
  EXPECT_EQ(b.r8(kData + 3), 0u);
}

TEST(Sdtrig, LoadTriggerDoesNotFireOnStoresOrOtherModes) {
  HartBench& b = tfresh();
  b.hart.x[t0] = kData;
  Prog p;
  p << sd(t0, t0, 0) << ld(a0, t0, 0);
  const uint64_t end = p.halt();
  set_trigger(b, 0, mc6(trig::kU | kLoad), kData);
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  expect_done(b, end);
  EXPECT_EQ(b.hart.x[a0], kData);
}

TEST(Sdtrig, MModeTriggersNeedTcontrolMte) {
  HartBench& b = tfresh();
  b.hart.x[t0] = kData;
  Prog p;
  p << ld(a0, t0, 0);
  const uint64_t end = p.halt();
  set_trigger(b, 0, mc6(kAllModes | kLoad), kData);
  ASSERT_TRUE(run_prog(b, p, kPrivM));
  expect_done(b, end);

  b.hart.pc = kCode;
  wr(b, kTcontrol, kTcontrolMte);
  ASSERT_TRUE(b.run());
  expect_mtrap(b, kCauseBreakpoint, kCode, kData);
  // The trap into M-mode: mpte <- mte, mte <- 0.
  EXPECT_EQ(rd(b, kTcontrol), kTcontrolMpte);
}

TEST(Sdtrig, TrapIntoMSavesMteAndMretRestoresIt) {
  HartBench& b = tfresh();
  wr(b, kTcontrol, kTcontrolMte);
  Prog p;
  p << ecall();
  ASSERT_TRUE(run_prog(b, p, kPrivS));
  EXPECT_EQ(b.hart.csr.mcause, kCauseEcallS);
  EXPECT_EQ(rd(b, kTcontrol), kTcontrolMpte);
  // mret: mte <- mpte.
  Prog r(kCode + 0x100);
  r << mret();
  const uint64_t back = r.halt();
  r.load(b);
  b.hart.csr.mepc = back;
  b.hart.csr.mstatus |= kMstatusMPP;  // back to M
  b.hart.pc = r.base;
  ASSERT_TRUE(b.run());
  EXPECT_EQ(b.hart.pc, back);
  EXPECT_EQ(rd(b, kTcontrol), kTcontrolMte | kTcontrolMpte);
  // A trap into S-mode leaves tcontrol alone.
  wr(b, kTcontrol, kTcontrolMte);
  b.hart.csr_write(kMedeleg, 1u << kCauseEcallU, 0);
  Prog u;
  u << ecall();
  b.hart.pc = kCode;
  ASSERT_TRUE(run_prog(b, u, kPrivU));
  EXPECT_EQ(b.hart.csr.scause, kCauseEcallU);
  EXPECT_EQ(rd(b, kTcontrol), kTcontrolMte);
}

TEST(Sdtrig, VsTriggerSetsGvaAndFiresOnlyWithV) {
  HartBench& b = tfresh();
  b.hart.x[t0] = kData;
  Prog p;
  p << lw(a0, t0, 4);
  p.halt();
  set_trigger(b, 0, mc6(kVs | kLoad), kData + 4);
  ASSERT_TRUE(run_mode(b, p, kPrivS, true));
  expect_mtrap_from_v(b, kCauseBreakpoint, kCode, kData + 4, kPrivS);
  EXPECT_TRUE(has(b.hart.csr.mstatus, kMstatusGVA));

  HartBench& c = tfresh();
  c.hart.x[t0] = kData;
  set_trigger(c, 0, mc6(kVs | kLoad), kData + 4);
  const uint64_t end = kCode + 4;
  ASSERT_TRUE(run_mode(c, p, kPrivS, false));
  expect_done(c, end);
}

TEST(Sdtrig, TriggerWrittenJustBeforeItsInstructionFires) {
  // The instruction right after the tdata1 write (same block) is checked.
  HartBench& b = tfresh();
  wr(b, kTselect, 0);
  wr(b, kTdata2, kCode + 8);
  wr(b, kTcontrol, kTcontrolMte);
  b.hart.x[t0] = mc6(trig::kM | kExecute);
  Prog p;
  p << nop() << csrw(kTdata1, t0) << addi(a0, zero, 5) << addi(a1, zero, 6);
  p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivM));
  expect_mtrap(b, kCauseBreakpoint, kCode + 8, kCode + 8);
  EXPECT_EQ(b.hart.x[a0], 0u);
}

TEST(Sdtrig, DisablingTheLastTriggerRemovesTheWatcher) {
  HartBench& b = tfresh();
  b.hart.x[t0] = mc6(trig::kM | kExecute);
  Prog p;
  p << csrw(kTdata1, t0) << csrw(kTdata1, zero) << addi(a0, zero, 5);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p, kPrivM));
  expect_done(b, end);
  EXPECT_FALSE(b.hart.watched());
  EXPECT_EQ(b.hart.x[a0], 5u);
}

}  // namespace
}  // namespace rvh::test
