// tests/markers/markers_stats_test.cpp: what rvh-vp records of the
// simulator marker HINTs (cpu/marker.h) in its --stats JSON, running the
// real executable: sw/tests/markers.c bare (top-level "regions" and
// "marker_errors"), and the benchmark guest under --hyp
// (hypervisor.regions, with the VM's exits).
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#ifndef RVH_VP
#error "RVH_VP (path of rvh-vp) must be defined"
#endif

namespace {

struct RunResult {
  int status = -1;
  std::string out, err;
  nlohmann::json stats;
};

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

RunResult run(const std::string& args, const std::string& tag) {
  const std::string dir = ::testing::TempDir(), json = dir + "markers_" + tag + ".json",
                    out = dir + "markers_" + tag + ".out", err = dir + "markers_" + tag + ".err";
  const std::string cmd = std::string(RVH_VP) + " --no-stdin --stats " + json + " " + args + " >" + out + " 2>" + err;
  RunResult r;
  const int st = std::system(cmd.c_str());
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::ifstream f(json);
  if (f) r.stats = nlohmann::json::parse(f, nullptr, false);
  return r;
}

const nlohmann::json* region(const nlohmann::json& regions, const std::string& name) {
  for (const auto& r : regions)
    if (r.value("name", "") == name) return &r;
  return nullptr;
}

const std::string kLongName = "long.region_name-of_exactly_sixty-three_characters_0123456789ab";

TEST(MarkerStats, BareRunRecordsTheRegionsAndTheErrors) {
  const RunResult r = run(RVH_SW_DIR "/markers.elf", "bare");
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("PASS: markers"), std::string::npos) << r.out;
  ASSERT_TRUE(r.stats.is_object());
  EXPECT_FALSE(r.stats.contains("hypervisor"));
  ASSERT_TRUE(r.stats.contains("regions")) << r.stats.dump(1);
  const nlohmann::json& regions = r.stats["regions"];

  // Two segments of 100 instructions each; the mark inside the second is
  // left out of its instructions and cycles.
  const nlohmann::json* nops = region(regions, "nops");
  ASSERT_NE(nops, nullptr) << regions.dump(1);
  EXPECT_EQ((*nops)["hart"], 0);
  EXPECT_EQ((*nops)["segments"], 2);
  EXPECT_EQ((*nops)["iterations"], 200);
  EXPECT_EQ((*nops)["instructions"], 200);
  EXPECT_EQ((*nops)["cycles"], 200);  // hart.cpi.alu = 1
  EXPECT_EQ((*nops)["ps"], 200000);   // 1 GHz
  EXPECT_DOUBLE_EQ((*nops)["ns"].get<double>(), 200.0);
  EXPECT_EQ((*nops)["latency"]["samples"], 1);
  EXPECT_FALSE(nops->contains("exits"));  // no hypervisor on a bare run

  // A 63-character name, passed in 8 name markers.
  const nlohmann::json* long_name = region(regions, kLongName);
  ASSERT_NE(long_name, nullptr) << regions.dump(1);
  EXPECT_EQ((*long_name)["segments"], 1);

  // "begin while open" leaves the outer region open; its end closes it.
  const nlohmann::json* outer = region(regions, "outer");
  ASSERT_NE(outer, nullptr);
  EXPECT_EQ(region(regions, "inner"), nullptr);
  EXPECT_EQ(region(regions, "bad name"), nullptr);

  // The marker after sleep_until(t) runs at the edge of tick t (the guest's
  // loop checks `time` once: a few cycles), far less than a tick (100 ns).
  EXPECT_NE(r.out.find("sleep: woke at +0 ticks after 1 markers"), std::string::npos) << r.out;
  const nlohmann::json* sleep = region(regions, "sleep");
  ASSERT_NE(sleep, nullptr);
  EXPECT_EQ((*sleep)["latency"]["samples"], 1);
  EXPECT_LT((*sleep)["latency"]["max_ps"].get<uint64_t>(), 20000u);
  // That was the only sleep: not for a time already reached, nor with an
  // interrupt pending and enabled.
  EXPECT_EQ(r.stats["harts"][0]["wfi_sleeps"], 1);

  const nlohmann::json& e = r.stats["marker_errors"];
  EXPECT_EQ(e["count"], 8);
  for (const char* kind : {"end_without_begin", "mark_outside_region", "mark_before_deadline", "bad_name",
                           "name_too_long", "begin_while_open"})
    EXPECT_EQ(e["by_kind"][kind], 1) << kind;
  EXPECT_EQ(e["by_kind"]["unknown_op"], 2);
  EXPECT_NE(r.err.find("8 marker HINTs used wrongly and ignored"), std::string::npos) << r.err;
}

TEST(MarkerStats, MarkersCostTheirCpiButAreLeftOutOfTheRegion) {
  // With ALU instructions at 2 cycles the region's nops cost twice as much
  // and the marker inside is still left out.
  const RunResult r = run("--set hart.cpi.alu=2 " RVH_SW_DIR "/markers.elf", "alu2");
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const nlohmann::json* nops = region(r.stats["regions"], "nops");
  ASSERT_NE(nops, nullptr);
  EXPECT_EQ((*nops)["instructions"], 200);
  EXPECT_EQ((*nops)["cycles"], 400);
}

TEST(MarkerStats, ARunWithoutMarkersHasNoRegions) {
  const RunResult r = run(RVH_SW_DIR "/rv64im.elf", "none");
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_FALSE(r.stats.contains("regions"));
  EXPECT_FALSE(r.stats.contains("marker_errors"));
}

TEST(MarkerStats, HostedHypervisorRegionsCarryTheVcpuAndItsExits) {
  const RunResult r = run("--hyp --smp 2 --kernel " RVH_SW_DIR "/gb_micro.elf", "hyp");
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_FALSE(r.stats.contains("regions"));
  const nlohmann::json& h = r.stats["hypervisor"];
  EXPECT_EQ(h["marker_errors"]["count"], 0);
  const nlohmann::json* sbi = region(h["regions"], "null_sbi");
  ASSERT_NE(sbi, nullptr) << h["regions"].dump(1);
  EXPECT_EQ((*sbi)["vcpu"], 0);
  EXPECT_EQ((*sbi)["hart"], 0);
  EXPECT_EQ((*sbi)["iterations"], 200);
  EXPECT_EQ((*sbi)["exits"], 200);
  EXPECT_EQ((*sbi)["by_cause"]["ecall_exit_stat"], 200);
  EXPECT_GT((*sbi)["hyp_cycles"].get<uint64_t>(), 0u);
  EXPECT_TRUE((*sbi)["cost_cycles"].is_object());
  EXPECT_TRUE((*sbi)["sbi_calls"].is_object());
  // Guest time ticks: the timer samples are latencies from the deadline.
  const nlohmann::json* timer = region(h["regions"], "timer_sbi");
  ASSERT_NE(timer, nullptr);
  EXPECT_EQ((*timer)["latency"]["samples"], 20);
  // No benchmark SBI extension any more: no ECALL of the guest goes to it.
  EXPECT_EQ(h["vm"]["sbi_calls"].dump().find("bench"), std::string::npos);
}

}  // namespace
