// tests/unit/timing_config_test.cpp: the timing configuration
// (platform/timing_config.h): keys, --set parsing, JSON files (nested,
// dotted, a stats report), linked defaults and the errors a user sees.
#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "platform/timing_config.h"
#include "periph_test_util.h"  // sc_main for the SystemC library the platform links

using rvh::ConfigError;
using rvh::TimingConfig;

namespace {

std::string temp_file(const std::string& text) {
  char name[] = "/tmp/rvh_cfg_XXXXXX";
  const int fd = mkstemp(name);
  EXPECT_GE(fd, 0);
  std::FILE* f = fdopen(fd, "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  return name;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(TimingConfig, DefaultsAreTheDocumentedOnes) {
  TimingConfig c = rvh::resolve_config("", "", {});
  EXPECT_EQ(c.hart_clock_hz, 1'000'000'000u);
  EXPECT_EQ(c.quantum_ns, 1000u);
  EXPECT_EQ(c.quantum_insns, 10000u);
  EXPECT_EQ(c.bus_latency_ns, 5u);
  EXPECT_EQ(c.timebase_hz, 10'000'000u);
  EXPECT_EQ(c.hyp.csr_access, 4u);   // = hart.cpi.csr
  EXPECT_EQ(c.hyp.gpr_save, 1u);     // = hart.cpi.store
  EXPECT_EQ(c.hyp.world_switch(), 60u + 62u * 1u + 24u * 4u);
}

TEST(TimingConfig, SetParsesIntegersHexAndFrequencies) {
  TimingConfig c = rvh::resolve_config("", "",
                                       {"hyp.sbi_call=300", "hart.cpi.div=0x20", "hart.clock_hz=1.5GHz",
                                        "clint.timebase_hz=25MHz", "sim.quantum_ns=250"});
  EXPECT_EQ(c.hyp.sbi_call, 300u);
  EXPECT_EQ(c.cpi.of(rvh::InsnClass::kDiv), 32u);
  EXPECT_EQ(c.hart_clock_hz, 1'500'000'000u);
  EXPECT_EQ(c.timebase_hz, 25'000'000u);
  EXPECT_EQ(c.quantum_ns, 250u);
}

TEST(TimingConfig, LaterAssignmentsWin) {
  TimingConfig c = rvh::resolve_config("", "", {"hyp.redirect=1", "hyp.redirect=2"});
  EXPECT_EQ(c.hyp.redirect, 2u);
}

TEST(TimingConfig, WorldSwitchFollowsTheHartsCsrAndStoreCosts) {
  TimingConfig c = rvh::resolve_config("", "", {"hart.cpi.csr=10", "hart.cpi.store=3"});
  EXPECT_EQ(c.hyp.csr_access, 10u);
  EXPECT_EQ(c.hyp.gpr_save, 3u);
  EXPECT_EQ(c.hyp.world_switch(), 60u + 62u * 3u + 24u * 10u);
  // Set on its own, the hypervisor's value is kept.
  TimingConfig d = rvh::resolve_config("", "", {"hart.cpi.csr=10", "hyp.csr_access=7"});
  EXPECT_EQ(d.hyp.csr_access, 7u);
}

TEST(TimingConfig, FileNestedAndDottedKeys) {
  const std::string path = temp_file(R"({"hart": {"cpi": {"mul": 5}}, "hyp.mmio_user": 5000, "ram": {"dmi_read_ns": 3}})");
  TimingConfig c = rvh::resolve_config(path, "", {"hyp.mmio_user=4000"});
  EXPECT_EQ(c.cpi.of(rvh::InsnClass::kMul), 5u);
  EXPECT_EQ(c.hyp.mmio_user, 4000u);  // --set comes after the file
  EXPECT_EQ(c.ram_dmi_read_ns, 3u);
  std::remove(path.c_str());
}

TEST(TimingConfig, DumpLoadsBackToTheSameConfiguration) {
  TimingConfig a = rvh::resolve_config("", "", {"hart.cpi.csr=9", "hyp.gstage_map=2222", "bus.latency_ns=7"});
  const std::string path = temp_file(rvh::config_to_json(a).dump());
  TimingConfig b = rvh::resolve_config(path, "", {});
  EXPECT_EQ(rvh::config_to_json(a), rvh::config_to_json(b));
  std::remove(path.c_str());
}

TEST(TimingConfig, StatsReportGivesItsRecordedConfiguration) {
  TimingConfig a = rvh::resolve_config("", "", {"hyp.sbi_call=171"});
  nlohmann::json report = {{"schema", "rvh-vp-stats/2"}, {"config", rvh::config_to_json(a)}};
  const std::string path = temp_file(report.dump());
  EXPECT_EQ(rvh::resolve_config(path, "", {}).hyp.sbi_call, 171u);
  std::remove(path.c_str());
  const std::string old = temp_file(R"({"schema": "rvh-vp-stats/1", "instructions": 5})");
  EXPECT_NE(error_of([&] { rvh::resolve_config(old, "", {}); }).find("no \"config\""), std::string::npos);
  std::remove(old.c_str());
}

TEST(TimingConfig, HypCostsFileIsUnderHyp) {
  const std::string path = temp_file(R"({"sbi_call": 999, "world_switch": 1})");
  TimingConfig c = rvh::resolve_config("", path, {});
  EXPECT_EQ(c.hyp.sbi_call, 999u);
  std::remove(path.c_str());
}

TEST(TimingConfig, ErrorsNameTheKeyAndTheFix) {
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"hyp.nonsense=1"}); }).find("unknown configuration key 'hyp.nonsense'"),
            std::string::npos);
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"hyp.world_switch=1"}); }).find("derived"), std::string::npos);
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"hyp.sbi_call=-1"}); }).find("bad value"), std::string::npos);
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"hart.cpi.alu=70000"}); }).find("out of range"), std::string::npos);
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"sim.quantum_ns=0"}); }).find("out of range"), std::string::npos);
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"noequals"}); }).find("expected KEY=VALUE"), std::string::npos);
  EXPECT_NE(error_of([] { rvh::resolve_config("/nonexistent/x.json", "", {}); }).find("cannot read"), std::string::npos);
  const std::string broken = temp_file("{\"hart\": ");
  EXPECT_NE(error_of([&] { rvh::resolve_config(broken, "", {}); }).find("not valid JSON"), std::string::npos);
  std::remove(broken.c_str());
  const std::string wrong_type = temp_file(R"({"hyp": {"sbi_call": true}})");
  EXPECT_NE(error_of([&] { rvh::resolve_config(wrong_type, "", {}); }).find("non-negative integer"), std::string::npos);
  std::remove(wrong_type.c_str());
}

TEST(TimingConfig, EveryKeyIsDocumentedAndDumped) {
  TimingConfig c = rvh::resolve_config("", "", {});
  const nlohmann::json j = rvh::config_to_json(c);
  for (const auto& k : rvh::config_keys(c)) {
    EXPECT_FALSE(k.doc.empty()) << k.key;
    std::string ptr = "/" + k.key;
    for (char& ch : ptr) if (ch == '.') ch = '/';
    EXPECT_TRUE(j.contains(nlohmann::json::json_pointer(ptr))) << k.key;
  }
}
