// Unit tests for the simulator marker HINTs on the hart (cpu/marker.h,
// cpu/insn_marker.cpp, Hart::sleep_until_time): only `slti x0, rs1,
// 0x520 + op` reaches Hart::on_marker, with the op and rs1's value, and
// retires as an ALU instruction; its neighbours run as the ordinary
// instructions they are. sleep_until wakes the hart at the instant `time`
// reaches its value, exactly, and not at all with an interrupt pending and
// enabled or for a time already reached.
#include "tests/unit/hart_test_util.h"

#include "cpu/marker.h"

namespace rvh::test {
namespace {
using namespace enc;
using namespace csr;

const sc_core::sc_time kTick(100, sc_core::SC_NS);  // 10 MHz

struct Seen {
  unsigned op;
  uint64_t arg;
  sc_core::sc_time at;  // the hart's local time at the marker
  uint64_t mtime;
};

// A fresh bench whose mtime counts at 10 MHz from time zero, recording
// every marker.
HartBench& fresh(std::vector<Seen>& seen) {
  HartBench& b = bench();
  b.reset();
  b.hart.read_mtime = [](const sc_core::sc_time& t) { return static_cast<uint64_t>(t.value() / kTick.value()); };
  b.hart.mtime_instant = nullptr;  // the hart's own inverse: mtime = floor(t / tick)
  seen.clear();
  b.hart.on_marker = [&seen](Hart& h, unsigned op, uint64_t arg) {
    seen.push_back({op, arg, h.local_time(), h.mtime_now()});
  };
  return b;
}

uint64_t now_ticks() { return static_cast<uint64_t>(sc_core::sc_time_stamp().value() / kTick.value()); }

TEST(HartMarker, OnlyTheExactEncodingReachesOnMarker) {
  std::vector<Seen> seen;
  HartBench& b = fresh(seen);
  Prog p;
  p << addi(a0, zero, 0x77)
    << marker::encode(marker::kName, a0)  // slti zero,a0,0x520
    << 0x52452093u                        // slti ra,a0,0x524: rd != x0
    << 0x51f52013u                        // slti zero,a0,0x51f
    << 0x53052013u                        // slti zero,a0,0x530
    << 0xae052013u                        // slti zero,a0,-0x520
    << 0x52453013u                        // sltiu zero,a0,0x524
    << marker::encode(marker::kMark, a0)  // slti zero,a0,0x523
    << marker::encode(15, zero);          // a reserved op, rs1 = x0
  const uint64_t end = p.halt();
  const uint64_t instret = b.hart.instret;
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].op, 0u);
  EXPECT_EQ(seen[0].arg, 0x77u);
  EXPECT_EQ(seen[1].op, 3u);
  EXPECT_EQ(seen[1].arg, 0x77u);
  EXPECT_EQ(seen[2].op, 15u);
  EXPECT_EQ(seen[2].arg, 0u);
  EXPECT_EQ(b.hart.x[ra], 1u);  // 0x77 < 0x524
  EXPECT_EQ(b.hart.x[zero], 0u);
  EXPECT_EQ(b.hart.x[a0], 0x77u);
  // Each marker retires like any instruction: 9 before the `j .` loop.
  EXPECT_GE(b.hart.instret - instret, 9u);
}

TEST(HartMarker, MarkersRetireAsAluInstructions) {
  std::vector<Seen> seen;
  HartBench& b = fresh(seen);
  Prog p;
  p << marker::encode(marker::kMark, zero) << marker::encode(marker::kName, zero) << marker::encode(marker::kMark, zero);
  const uint64_t end = p.halt();
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  ASSERT_EQ(seen.size(), 3u);
  // The hart's local time advances by the ALU CPI from one marker to the next.
  const sc_core::sc_time alu(b.hart.config().cpi.of(InsnClass::kAlu) * 1000.0, sc_core::SC_PS);  // 1 GHz
  EXPECT_EQ(seen[1].at - seen[0].at, alu);
  EXPECT_EQ(seen[2].at - seen[1].at, alu);
}

TEST(HartMarker, SleepUntilWakesExactlyAtTheTickEdge) {
  std::vector<Seen> seen;
  HartBench& b = fresh(seen);
  const uint64_t t = now_ticks() + 100;  // 10 us ahead
  b.hart.x[a0] = t;
  Prog p;
  p << marker::encode(marker::kSleepUntil, a0) << marker::encode(marker::kMark, a0);
  const uint64_t end = p.halt();
  const uint64_t sleeps = b.hart.stats.wfi_sleeps;
  p.load(b);
  // Half-way, the hart sleeps, and says when it will wake (the stuck-run check).
  sc_core::sc_start(5, sc_core::SC_US);
  EXPECT_TRUE(b.hart.asleep());
  const HartWaitInfo w = b.hart.wait_info();
  EXPECT_EQ(w.state, HartWaitInfo::State::kWfi);
  ASSERT_TRUE(w.timer_mtime.has_value());
  EXPECT_EQ(*w.timer_mtime, t);
  ASSERT_TRUE(b.run(100, false));
  expect_done(b, end);
  EXPECT_EQ(b.hart.stats.wfi_sleeps, sleeps + 1);
  ASSERT_EQ(seen.size(), 2u);
  // The marker after it runs at the edge of tick t, to the picosecond.
  EXPECT_EQ(seen[1].at, kTick * static_cast<double>(t));
  EXPECT_EQ(seen[1].mtime, t);
  EXPECT_EQ(b.hart.instant_of_time(t), kTick * static_cast<double>(t));
}

TEST(HartMarker, SleepUntilAReachedTimeDoesNotSleep) {
  std::vector<Seen> seen;
  HartBench& b = fresh(seen);
  b.hart.x[a0] = now_ticks();  // reached by the time it runs
  Prog p;
  p << marker::encode(marker::kSleepUntil, a0) << addi(a1, zero, 1);
  const uint64_t end = p.halt();
  const uint64_t sleeps = b.hart.stats.wfi_sleeps;
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.stats.wfi_sleeps, sleeps);
  EXPECT_EQ(b.hart.x[a1], 1u);
}

TEST(HartMarker, SleepUntilDoesNotSleepWithAnInterruptPendingAndEnabled) {
  // As WFI: mie.MTIE with MTIP pending, mstatus.MIE = 0 (no trap taken).
  std::vector<Seen> seen;
  HartBench& b = fresh(seen);
  b.hart.csr.mie = kMipMTIP;
  b.mtip.write(true);
  b.hart.x[a0] = now_ticks() + 1'000'000;  // 100 ms ahead
  Prog p;
  p << marker::encode(marker::kSleepUntil, a0) << addi(a1, zero, 1);
  const uint64_t end = p.halt();
  const uint64_t sleeps = b.hart.stats.wfi_sleeps;
  ASSERT_TRUE(run_prog(b, p));
  expect_done(b, end);
  EXPECT_EQ(b.hart.stats.wfi_sleeps, sleeps);
  EXPECT_EQ(b.hart.x[a1], 1u);
}

TEST(HartMarker, SleepUntilEndsEarlyOnAnInterrupt) {
  std::vector<Seen> seen;
  HartBench& b = fresh(seen);
  b.hart.csr.mie = kMipMSIP;
  const uint64_t t = now_ticks() + 10'000;  // 1 ms ahead
  b.hart.x[a0] = t;
  Prog p;
  p << marker::encode(marker::kSleepUntil, a0) << marker::encode(marker::kMark, a0);
  const uint64_t end = p.halt();
  p.load(b);
  sc_core::sc_start(5, sc_core::SC_US);
  EXPECT_TRUE(b.hart.asleep());
  b.msip.write(true);
  ASSERT_TRUE(b.run(20, false));
  expect_done(b, end);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_LT(seen[1].mtime, t);  // woke by MSIP, long before t
}

TEST(HartMarker, GuestTimeIncludesHtimedelta) {
  // With V=1 `time` is mtime + htimedelta (H spec, "htimedelta").
  std::vector<Seen> seen;
  HartBench& b = fresh(seen);
  b.hart.csr.htimedelta = 1000;
  b.hart.set_mode(kPrivS, true);
  EXPECT_EQ(b.hart.instant_of_time(1050), kTick * 50.0);
  b.hart.set_mode(kPrivM, false);
  EXPECT_EQ(b.hart.instant_of_time(1050), kTick * 1050.0);
  b.hart.csr.htimedelta = 0;
}

}  // namespace
}  // namespace rvh::test
