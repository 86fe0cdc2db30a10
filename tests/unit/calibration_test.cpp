// tests/unit/calibration_test.cpp: the arithmetic of `rvh-vp calibrate`
// (platform/calibration.h): which keys come from which operations, one
// step of the fit, and the agreement measure.
#include <set>

#include <gtest/gtest.h>

#include "platform/calibration.h"
#include "platform/timing_config.h"
#include "periph_test_util.h"  // sc_main for the SystemC library the platform links

namespace {

const rvh::CostRule& rule(const std::string& key) {
  for (const auto& r : rvh::cost_rules())
    if (r.key == key) return r;
  throw std::runtime_error("no rule for " + key);
}

TEST(Calibration, EveryRuleNamesAConfigKeyAndOperationsOfTheBenchmarkGuest) {
  std::set<std::string> keys;
  for (const auto& k : rvh::config_keys(rvh::TimingConfig{})) keys.insert(k.key);
  const std::set<std::string> guest_ops = {"null_sbi",       "mmio_read_kernel", "mmio_write_kernel", "mmio_read_user",
                                           "mmio_write_user", "csr_emulation",   "gstage_map",        "timer_sbi",
                                           "timer_sstc",      "wfi_wakeup",      "ipi_round_trip", "console_putchar"};
  std::set<std::string> used;
  for (const auto& r : rvh::cost_rules()) {
    EXPECT_TRUE(keys.count(r.key)) << r.key;
    EXPECT_FALSE(r.ops.empty()) << r.key;
    EXPECT_FALSE(r.how.empty()) << r.key;
    for (const auto& op : r.ops) {
      EXPECT_TRUE(guest_ops.count(op)) << op;
      EXPECT_TRUE(used.insert(op).second) << op << " calibrates two keys";
    }
  }
  // Every operation is either used or has its reason.
  for (const auto& op : guest_ops) EXPECT_TRUE(used.count(op) || rvh::uncalibrated_ops().count(op)) << op;
  for (const auto& [op, why] : rvh::uncalibrated_ops()) EXPECT_FALSE(used.count(op)) << op;
}

TEST(Calibration, OneStepMovesTheKeyByTheDifferenceOverTheSlope) {
  rvh::OpMeasures kvm = {{"null_sbi", {969, 1}}}, hosted = {{"null_sbi", {398, 1}}};
  // Slope 1: the operation moves cycle for cycle with the key.
  EXPECT_EQ(rvh::calibrated_value(rule("hyp.sbi_call"), 150, 1.0, kvm, hosted, 1000000), 721u);
  // Slope 2 (two exits per operation): half the difference.
  EXPECT_EQ(rvh::calibrated_value(rule("hyp.sbi_call"), 150, 2.0, kvm, hosted, 1000000), 436u);
  // Clamped to the key's range, and never below 0.
  EXPECT_EQ(rvh::calibrated_value(rule("hyp.sbi_call"), 150, 1.0, kvm, hosted, 500), 500u);
  rvh::OpMeasures cheap = {{"null_sbi", {100, 1}}};
  EXPECT_EQ(rvh::calibrated_value(rule("hyp.sbi_call"), 150, 1.0, cheap, hosted, 1000000), 0u);
  // No slope, or a missing operation: unchanged.
  EXPECT_EQ(rvh::calibrated_value(rule("hyp.sbi_call"), 150, 0.0, kvm, hosted, 1000000), 150u);
  EXPECT_EQ(rvh::calibrated_value(rule("hyp.sbi_call"), 150, 1.0, {}, hosted, 1000000), 150u);
}

TEST(Calibration, AKeyFromTwoOperationsFollowsTheirMean) {
  rvh::OpMeasures kvm = {{"mmio_read_user", {2944, 1}}, {"mmio_write_user", {2942, 1}}};
  rvh::OpMeasures hosted = {{"mmio_read_user", {3250, 1}}, {"mmio_write_user", {3248, 1}}};
  EXPECT_EQ(rvh::calibrated_value(rule("hyp.mmio_user"), 3000, 1.0, kvm, hosted, 1000000), 2694u);
  double mean = 0;
  EXPECT_TRUE(rvh::mean_cycles(kvm, {"mmio_read_user", "mmio_write_user"}, mean));
  EXPECT_DOUBLE_EQ(mean, 2943);
  EXPECT_FALSE(rvh::mean_cycles(kvm, {"mmio_read_user", "gstage_map"}, mean));
}

TEST(Calibration, RelativeError) {
  EXPECT_DOUBLE_EQ(rvh::relative_error(1000, 1100), 0.1);
  EXPECT_DOUBLE_EQ(rvh::relative_error(1000, 900), 0.1);
  EXPECT_DOUBLE_EQ(rvh::relative_error(0, 0), 0);
  EXPECT_DOUBLE_EQ(rvh::relative_error(0, 5), 1);
}

}  // namespace
