// platform/stats_file.cpp: see stats_file.h.
#include "platform/stats_file.h"

#include <fstream>
#include <stdexcept>

namespace rvh {

const char* const kKnownStatsSchemas[2] = {"rvh-vp-stats/1", "rvh-vp-stats/2"};

void check_stats_json(const nlohmann::json& j, const std::string& what) {
  if (!j.is_object()) throw std::runtime_error(what + ": not an rvh-vp stats report (not a JSON object)");
  if (!j.contains("schema"))
    throw std::runtime_error(what + ": not an rvh-vp stats report (no \"schema\" key; write one with --stats)");
  const nlohmann::json& s = j["schema"];
  if (s.is_string())
    for (const char* known : kKnownStatsSchemas)
      if (s.get<std::string>() == known) return;
  throw std::runtime_error(what + ": unsupported schema " + s.dump() + " (this rvh-vp reads " + kKnownStatsSchemas[0] +
                           " and " + kKnownStatsSchemas[1] + ")");
}

nlohmann::json load_stats_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot read file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(f);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is where the parser stopped.
    throw std::runtime_error(path + ": not valid JSON (at byte " + std::to_string(e.byte) + ")");
  }
  check_stats_json(j, path);
  return j;
}

namespace {
void flatten_numbers(const nlohmann::json& j, const std::string& prefix,
                     std::vector<std::pair<std::string, double>>& out, int depth) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (depth == 0 && it.key() == "histogram") continue;
    const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it.value().is_number())
      out.emplace_back(key, it.value().get<double>());
    else if (it.value().is_object() && depth < 2)
      flatten_numbers(it.value(), key, out, depth + 1);
  }
}
}  // namespace

namespace {
// The region arrays of a report, in order of preference.
const nlohmann::json* region_array(const nlohmann::json& stats) {
  if (!stats.is_object()) return nullptr;
  for (const char* key : {"regions", "bench"})
    if (stats.contains(key) && stats[key].is_array()) return &stats[key];
  if (stats.contains("hypervisor") && stats["hypervisor"].is_object() && stats["hypervisor"].contains("regions") &&
      stats["hypervisor"]["regions"].is_array())
    return &stats["hypervisor"]["regions"];
  return nullptr;
}

bool positive_number(const nlohmann::json& r, const char* key, double& v) {
  if (!r.contains(key) || !r[key].is_number()) return false;
  v = r[key].get<double>();
  return v > 0;
}
}  // namespace

std::vector<StatsRegion> stats_regions(const nlohmann::json& stats) {
  std::vector<StatsRegion> out;
  const nlohmann::json* regions = region_array(stats);
  if (!regions) return out;
  // Regions of several vCPUs (harts) are told apart by their vCPU (hart).
  auto several = [&](const char* key) {
    for (const nlohmann::json& r : *regions)
      if (r.is_object() && r.contains(key) && r[key].is_number() && r[key].get<double>() != 0) return true;
    return false;
  };
  const bool several_vcpus = several("vcpu"), several_harts = several("hart");
  for (const nlohmann::json& r : *regions) {
    if (!r.is_object() || !r.contains("name") || !r["name"].is_string()) continue;
    StatsRegion region;
    region.name = r["name"].get<std::string>();
    if (several_vcpus && r.contains("vcpu") && r["vcpu"].is_number())
      region.name += " (vcpu" + std::to_string(r["vcpu"].get<uint64_t>()) + ")";
    else if (!several_vcpus && several_harts && r.contains("hart") && r["hart"].is_number())
      region.name += " (hart" + std::to_string(r["hart"].get<uint64_t>()) + ")";
    flatten_numbers(r, "", region.fields, 0);
    double iterations = 0;
    if (positive_number(r, "iterations", iterations))
      for (const char* k : {"cycles", "ns", "instructions", "exits", "hyp_cycles"})
        if (r.contains(k) && r[k].is_number()) region.per_iteration.emplace_back(k, r[k].get<double>() / iterations);
    if (r.contains("latency") && r["latency"].is_object())
      for (const char* k : {"mean_ns", "min_ps", "max_ps"})
        if (r["latency"].contains(k) && r["latency"][k].is_number())
          region.latency.emplace_back(k, r["latency"][k].get<double>());
    if (r.contains("histogram") && r["histogram"].is_object() && r["histogram"].contains("buckets") &&
        r["histogram"]["buckets"].is_object()) {
      const nlohmann::json& b = r["histogram"]["buckets"];
      for (auto it = b.begin(); it != b.end(); ++it) {
        const std::string& k = it.key();
        if (k.empty() || k.find_first_not_of("0123456789") != std::string::npos || k.size() > 19) continue;
        if (it.value().is_number_integer() && it.value().get<int64_t>() >= 0)
          region.histogram[std::stoull(k)] += it.value().get<uint64_t>();
      }
    }
    if (!region.fields.empty() || !region.histogram.empty()) out.push_back(std::move(region));
  }
  return out;
}

}  // namespace rvh
