// platform/stats_file.h: reading a --stats report back (for `rvh-vp report`
// and `rvh-vp compare`), with one-line errors for a missing or broken file
// or one that is not an rvh-vp stats report.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rvh {

// The schemas this reader understands ("schema" key of a --stats file).
extern const char* const kKnownStatsSchemas[2];  // "rvh-vp-stats/1", "rvh-vp-stats/2"

// Loads and checks `path`; throws std::runtime_error naming the file and the
// problem ("a.json: not an rvh-vp stats report (no \"schema\" key)").
nlohmann::json load_stats_file(const std::string& path);

// Checks an already parsed document the same way; `what` names it in errors.
void check_stats_json(const nlohmann::json& j, const std::string& what);

// Benchmark regions of a report: the array "regions" or "bench" at the top
// level, or "regions" under "hypervisor" (platform/marker_regions.h), of
// objects with a "name" (plus " (vcpuN)" when regions of several vCPUs are
// there, or " (hartN)" for several harts without vCPUs).
// Each is flattened to its numeric fields ("cycles", "cost_cycles.sbi"; two
// levels of objects at most); entries without a name or numbers are
// skipped. With "iterations" > 0, cycles, ns, instructions, exits and
// hyp_cycles are also given per iteration; "latency" {mean_ns, min_ps,
// max_ps} is picked out; and a "histogram" object in the format of the exit
// cost histograms ({"buckets": {"<lower bound>": count, ...}}) is taken as
// the region's latency histogram. Empty if the report has no regions.
struct StatsRegion {
  std::string name;
  std::vector<std::pair<std::string, double>> fields;
  std::vector<std::pair<std::string, double>> per_iteration;  // "cycles" -> cycles / iterations
  std::vector<std::pair<std::string, double>> latency;        // "mean_ns", "min_ps", "max_ps"
  std::map<uint64_t, uint64_t> histogram;                     // bucket lower bound -> count
};
std::vector<StatsRegion> stats_regions(const nlohmann::json& stats);

}  // namespace rvh
