// tests/unit/reports_test.cpp: the pieces of the reports that need no
// simulation: cost histogram buckets, reading stats files back, benchmark
// regions, `compare` rows and the HTML page's tolerance of what it is given.
#include <gtest/gtest.h>

#include "tests/unit/gtest_sc_main.h"  // libsystemc needs sc_main

#include <nlohmann/json.hpp>

#include "hyp/cost_histogram.h"
#include "platform/compare.h"
#include "platform/report_html.h"
#include "platform/stats_file.h"

namespace rvh {
namespace {

using nlohmann::json;

TEST(CostHistogram, BucketsTileTheNumbersAndAreAtMostAQuarterWide) {
  for (uint64_t v = 0; v < 200000; ++v) {
    const uint64_t lo = hyp::cost_bucket_lower(v), hi = hyp::cost_bucket_upper(lo);
    ASSERT_LE(lo, v);
    ASSERT_LT(v, hi);
    ASSERT_EQ(hyp::cost_bucket_lower(hi), hi) << "the next bucket starts where this one ends";
    if (v >= 8) {
      ASSERT_LE((hi - lo) * 4, lo) << v;
    }
  }
  const uint64_t big = ~0ull - 5;
  EXPECT_LE(hyp::cost_bucket_lower(big), big);
}

TEST(CostHistogram, JsonHoldsCountSumAndBuckets) {
  hyp::CostHistogram h;
  h.add(100);
  h.add(101);
  h.add(3000);
  const json j = h.to_json();
  EXPECT_EQ(j["count"], 3);
  EXPECT_EQ(j["sum_cycles"], 3201);
  uint64_t in_buckets = 0;
  for (auto it = j["buckets"].begin(); it != j["buckets"].end(); ++it) in_buckets += it.value().get<uint64_t>();
  EXPECT_EQ(in_buckets, 3u);
  EXPECT_EQ(j["buckets"][std::to_string(hyp::cost_bucket_lower(100))], 2);
}

TEST(StatsFile, AcceptsKnownSchemasOnly) {
  EXPECT_NO_THROW(check_stats_json(json{{"schema", "rvh-vp-stats/1"}}, "a"));
  EXPECT_NO_THROW(check_stats_json(json{{"schema", "rvh-vp-stats/2"}}, "a"));
  EXPECT_THROW(check_stats_json(json{{"schema", "rvh-vp-stats/9"}}, "a"), std::runtime_error);
  EXPECT_THROW(check_stats_json(json{{"schema", 1}}, "a"), std::runtime_error);
  EXPECT_THROW(check_stats_json(json{{"harts", json::array()}}, "a"), std::runtime_error);
  EXPECT_THROW(check_stats_json(json::array(), "a"), std::runtime_error);
  try {
    load_stats_file("/nonexistent/stats.json");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/stats.json"), std::string::npos);
  }
}

TEST(StatsFile, RegionsAreFlattenedAndOddEntriesSkipped) {
  const json s = {{"schema", "rvh-vp-stats/2"},
                  {"regions",
                   {{{"name", "null sbi"},
                     {"iterations", 100},
                     {"guest", {{"ns_per_op", 41.5}}},
                     {"histogram", {{"buckets", {{"40", 90}, {"48", 10}, {"x", 1}}}}}},
                    {{"iterations", 3}},  // no name
                    5,                    // not an object
                    {{"name", "only text"}, {"note", "n/a"}}}}};
  const auto regions = stats_regions(s);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0].name, "null sbi");
  ASSERT_EQ(regions[0].fields.size(), 2u);
  EXPECT_EQ(regions[0].fields[0].first, "guest.ns_per_op");
  EXPECT_DOUBLE_EQ(regions[0].fields[0].second, 41.5);
  EXPECT_EQ(regions[0].histogram.size(), 2u);
  EXPECT_TRUE(stats_regions(json{{"regions", "not an array"}}).empty());
  // The hypervisor's regions (platform/marker_regions.h): per-iteration figures, latency, vCPU names.
  const json h = {{"hypervisor",
                   {{"regions",
                     {{{"name", "ipi"},
                       {"vcpu", 0},
                       {"iterations", 4},
                       {"cycles", 1000},
                       {"exits", 8},
                       {"latency", {{"mean_ns", 12.5}}}},
                      {{"name", "ipi"}, {"vcpu", 1}, {"iterations", 0}, {"cycles", 10}}}}}}};
  const auto hr = stats_regions(h);
  ASSERT_EQ(hr.size(), 2u);
  EXPECT_EQ(hr[0].name, "ipi (vcpu0)");
  EXPECT_EQ(hr[1].name, "ipi (vcpu1)");
  ASSERT_EQ(hr[0].per_iteration.size(), 2u);
  EXPECT_EQ(hr[0].per_iteration[0], (std::pair<std::string, double>{"cycles", 250}));
  EXPECT_EQ(hr[0].per_iteration[1], (std::pair<std::string, double>{"exits", 2}));
  ASSERT_EQ(hr[0].latency.size(), 1u);
  EXPECT_TRUE(hr[1].per_iteration.empty()) << "no iterations, nothing per iteration";
  // A bare run's regions of several harts (platform/marker_regions.h).
  const json bare = {{"regions",
                      {{{"name", "loop"}, {"hart", 0}, {"iterations", 1}, {"cycles", 5}},
                       {{"name", "loop"}, {"hart", 1}, {"iterations", 1}, {"cycles", 7}}}}};
  const auto br = stats_regions(bare);
  ASSERT_EQ(br.size(), 2u);
  EXPECT_EQ(br[0].name, "loop (hart0)");
  EXPECT_EQ(br[1].name, "loop (hart1)");
  // One hart: the name alone.
  EXPECT_EQ(stats_regions(json{{"regions", {{{"name", "loop"}, {"hart", 0}, {"cycles", 5}}}}})[0].name, "loop");
  EXPECT_TRUE(stats_regions(json::object()).empty());
}

json stats(uint64_t sim_ns, uint64_t exits, uint64_t sbi_cost) {
  return {{"schema", "rvh-vp-stats/2"},
          {"sim_time_ns", sim_ns},
          {"config", {{"hyp", {{"sbi_call", sbi_cost}, {"redirect", 80}}}}},
          {"hypervisor", {{"vm", {{"exits", exits}, {"cost_cycles", {{"sbi", exits * sbi_cost}}}}}}}};
}

const CompareRow* find(const std::vector<CompareRow>& rows, const std::string& label) {
  for (const auto& r : rows)
    if (r.label == label) return &r;
  return nullptr;
}

TEST(Compare, RowsCarryBothSidesAndOnlyDifferingConfig) {
  const auto rows = compare_stats(stats(1000, 10, 150), stats(1500, 10, 300));
  const CompareRow* t = find(rows, "simulated time (ns)");
  ASSERT_TRUE(t && t->a && t->b);
  EXPECT_EQ(*t->a, 1000);
  EXPECT_EQ(*t->b, 1500);
  const CompareRow* sbi = find(rows, "sbi");
  ASSERT_TRUE(sbi && sbi->a && sbi->b);
  EXPECT_EQ(*sbi->b - *sbi->a, 1500);
  EXPECT_TRUE(find(rows, "hyp.sbi_call"));
  EXPECT_FALSE(find(rows, "hyp.redirect")) << "equal configuration keys are not listed";
}

TEST(Compare, OneSidedRowsPrintADash) {
  json bare = {{"schema", "rvh-vp-stats/2"}, {"sim_time_ns", 50}};
  const auto rows = compare_stats(bare, stats(100, 7, 150));
  const CompareRow* e = find(rows, "exits");
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->a);
  EXPECT_EQ(*e->b, 7);
  std::ostringstream out;
  print_comparison(rows, "a", "b", out);
  EXPECT_NE(out.str().find("+100.00%"), std::string::npos) << out.str();  // 50 -> 100 ns
  bool dash_row = false;
  std::istringstream lines(out.str());
  for (std::string l; std::getline(lines, l);)
    if (l.rfind("  exits ", 0) == 0) dash_row = l.find(" - ") != std::string::npos;
  EXPECT_TRUE(dash_row) << out.str();
}

TEST(ReportHtml, SelfContainedWithPlotsAndOptionalSections) {
  json s = stats(1000, 10, 150);
  s["hypervisor"]["vm"]["exit_cost_histograms"] = {
      {"sbi time.set_timer", {{"count", 10}, {"sum_cycles", 3680}, {"buckets", {{"320", 10}}}}}};
  s["hypervisor"]["vm"]["guest_cycles"] = 9000;
  s["hypervisor"]["vm"]["hypervisor_cycles"] = 1000;
  const std::string page = render_report_html(s);
  EXPECT_NE(page.find("<svg class=\"plot"), std::string::npos);
  EXPECT_NE(page.find("sbi time.set_timer"), std::string::npos);
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("Benchmark regions"), std::string::npos);
  s["regions"] = json::array({{{"name", "mmio <user>"}, {"cycles_per_op", 3300}}});
  const std::string with = render_report_html(s);
  EXPECT_NE(with.find("Benchmark regions"), std::string::npos);
  EXPECT_NE(with.find("mmio &lt;user&gt;"), std::string::npos) << "names are escaped";
}

// Several VMs (--vm): a row per VM (exits, guest vs hypervisor, timer
// latency when measured, how it stopped) and the scheduler; one VM with a
// vCPU per hart gets neither.
TEST(ReportHtml, SeveralVmsGetRowsAndASchedulerSection) {
  auto vm = [](const std::string& name, uint64_t exits, uint64_t samples, const std::string& reason, int code) {
    return json{{"name", name},
                {"config", {{"vcpus", 2}, {"vmid", name == "vm0" ? 1 : 2}}},
                {"stopped", {{"reason", reason}, {"exit_code", code}}},
                {"vm",
                 {{"exits", exits},
                  {"guest_cycles", 9000},
                  {"hypervisor_cycles", 1000},
                  {"exit_cost_histograms", {{"wfi", {{"count", exits}, {"sum_cycles", exits * 300}}}}},
                  {"timer_latency", {{"samples", samples}, {"total_ps", samples * 2'000'000}, {"max_ps", 3'000'000}}}}}};
  };
  json s = stats(1000, 30, 150);
  s["hypervisor"]["vms"] = json::array({vm("vm0", 10, 4, "shutdown", 0), vm("vm1", 20, 0, "unsupported exit\nmore", 3)});
  s["hypervisor"]["vcpus"] = json::array({{{"id", 0}, {"vm", "vm0"}, {"scheduled_in", 5}, {"preempted", 2}},
                                          {{"id", 0}, {"vm", "vm1"}, {"scheduled_in", 4}}});
  s["hypervisor"]["scheduler"] = {{"harts", 1}, {"vcpus", 2}, {"time_slice_ns", 1000000}, {"vmid_bits", 14},
                                  {"vcpu_switches", 3}, {"vm_switches", 7}, {"gstage_flushes", 0},
                                  {"preemptions", 6}, {"migrations", 0}, {"reschedule_interrupts", 5}};
  const std::string page = render_report_html(s);
  EXPECT_NE(page.find("<h2 id=\"vms\">VMs</h2>"), std::string::npos);
  EXPECT_NE(page.find("<h2 id=\"scheduler\">Scheduler</h2>"), std::string::npos);
  EXPECT_NE(page.find("<td>vm1</td>"), std::string::npos);
  EXPECT_NE(page.find("shutdown (exit status 0)"), std::string::npos);
  EXPECT_NE(page.find("unsupported exit (exit status 3)"), std::string::npos) << "the reason's first line";
  EXPECT_NE(page.find("<td class=\"n\">10.00%</td>"), std::string::npos) << "hypervisor share";
  EXPECT_NE(page.find("<td class=\"n\">2,000</td>"), std::string::npos) << "vm0's mean timer latency in ns";
  EXPECT_NE(page.find("mean timer interrupt latency per VM"), std::string::npos);
  EXPECT_NE(page.find("exits by cause per VM"), std::string::npos);
  EXPECT_NE(page.find("<h3>vm1 vcpu0</h3>"), std::string::npos) << "vCPUs named with their VM";
  EXPECT_NE(page.find("<td>vm_switches</td><td class=\"n\">7</td>"), std::string::npos);
  EXPECT_NE(page.find("<h2 id=\"exits\">Exits by cause</h2>\n<p class=\"sub\">30 exits"), std::string::npos)
      << "the totals stay";

  // One VM, one vCPU per hart: the scheduler has nothing to show.
  json one = stats(1000, 10, 150);
  one["hypervisor"]["scheduler"] = {{"harts", 1}, {"vcpus", 1}, {"vcpu_switches", 0}, {"vm_switches", 0}};
  const std::string single = render_report_html(one);
  EXPECT_EQ(single.find("id=\"scheduler\""), std::string::npos);
  EXPECT_EQ(single.find("id=\"vms\""), std::string::npos);
  // One VM with more vCPUs than harts: the scheduler section, no VM rows.
  one["hypervisor"]["scheduler"]["vcpu_switches"] = 4;
  const std::string shared = render_report_html(one);
  EXPECT_NE(shared.find("id=\"scheduler\""), std::string::npos);
  EXPECT_EQ(shared.find("id=\"vms\""), std::string::npos);
}

TEST(ReportHtml, ToleratesValuesOfTheWrongType) {
  const json odd = {{"schema", "rvh-vp-stats/2"},
                    {"harts", {1, {{"id", "x"}, {"instructions", "many"}}}},
                    {"hypervisor",
                     {{"vm",
                       {{"exits", "ten"},
                        {"exit_cost_histograms", {{"a", 3}, {"b", {{"buckets", 4}}}}},
                        {"cost_cycles", json::array()},
                        {"sbi_calls", "x"}}},
                      {"vcpus", 3},
                      {"vms", {1, {{"vm", 2}, {"stopped", "x"}, {"config", {{"vcpus", "two"}}}}, {{"name", 5}}}},
                      {"scheduler", {{"vcpu_switches", "many"}, {"harts", json::array()}}}}},
                    {"regions", {{{"name", "r"}, {"histogram", "h"}}}}};
  EXPECT_NO_THROW(render_report_html(odd));
  EXPECT_NO_THROW(compare_stats(odd, odd));
}

}  // namespace
}  // namespace rvh
