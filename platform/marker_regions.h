// platform/marker_regions.h: the benchmark regions a guest marks with the
// simulator's marker HINTs (cpu/marker.h, docs/benchmarks.md), recorded per
// hart for the --stats JSON ("regions" at the top level, or
// hypervisor.regions under --hyp; docs/summary.md).
//
// A region is named by name HINTs, opened by begin and closed by
// end(iterations); the segments of one name on one hart add up. A segment
// holds what the hart did between the two HINTs: cycles, instructions and
// simulated time (ps, ns), snapshotted after the begin HINT and before the
// end HINT; marker HINTs inside a segment (mark, sleep_until...) are left
// out of its cycles, instructions and time, so that a region holds exactly
// the operation it marks. A hart that runs a vCPU of the hosted hypervisor
// also records the change of the VM's counters (exits, by_cause,
// hyp_cycles, cost_cycles, sbi_calls, interrupts_injected). mark(deadline)
// adds one latency sample: the simulated time from the instant `time`
// reached the deadline to the HINT.
//
// A marker used wrongly (end without begin, a bad name...) is counted in
// errors_json() and otherwise ignored: the guest runs on.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <systemc>

#include "cpu/hart.h"

namespace rvh {

class MarkerRegions {
 public:
  // A JSON object of counters (unsigned numbers, or objects of them): a
  // region records, for each, its value at end minus its value at begin
  // (numbers at the top level always, those of nested objects if not 0).
  using CounterSnapshot = std::function<nlohmann::json()>;

  // Becomes the on_marker of every hart; records are keyed by the hart's
  // index in `harts` ("hart").
  explicit MarkerRegions(const std::vector<Hart*>& harts);
  MarkerRegions(const MarkerRegions&) = delete;
  MarkerRegions& operator=(const MarkerRegions&) = delete;

  // Hart `hart` runs vCPU `vcpu`: its records carry "vcpu" too and the
  // change of `counters` over each segment.
  void set_vcpu(unsigned hart, unsigned vcpu, CounterSnapshot counters);

  // Hart::on_marker.
  void on_marker(Hart& h, unsigned op, uint64_t arg);

  uint64_t markers_seen() const { return markers_seen_; }
  // The regions, one object per name and hart, in the order first closed.
  nlohmann::json regions_json() const { return regions_; }
  // {"count": n, "by_kind": {kind: n...}, "first": "<hart, pc, what>"}.
  nlohmann::json errors_json() const;
  uint64_t error_count() const { return error_count_; }
  std::string first_error() const { return first_error_; }

  // Puts "regions" and "marker_errors" into a --stats document: under
  // "hypervisor" for a --hyp run (always), else at the top level (if any
  // marker ran).
  void add_to_stats(nlohmann::json& stats, bool hyp) const;
  // One line on `out` if markers were used wrongly.
  void report_errors(std::ostream& out) const;

  static constexpr unsigned kMaxName = 63;

 private:
  struct Snapshot {
    uint64_t cycles = 0, instructions = 0;
    sc_core::sc_time time;
    nlohmann::json counters;
  };
  struct Latency {
    uint64_t samples = 0, total_ps = 0, min_ps = 0, max_ps = 0;
  };
  struct HartState {
    unsigned index = 0;
    bool is_vcpu = false;
    unsigned vcpu = 0;
    CounterSnapshot counters;
    std::string pending_name;  // name HINTs since the last begin
    bool name_too_long = false;
    bool open = false;
    std::string name;
    Snapshot start;
    uint64_t markers_inside = 0;  // marker HINTs retired inside the open segment
    Latency latency;
  };

  std::map<const Hart*, HartState> harts_;
  nlohmann::json regions_ = nlohmann::json::array();
  std::map<std::string, uint64_t> errors_;
  uint64_t error_count_ = 0, markers_seen_ = 0;
  std::string first_error_;

  void error(const Hart& h, const HartState& s, const char* kind, const std::string& what);
  void append_name(HartState& s, uint64_t arg);
  void begin(Hart& h, HartState& s);
  void end(Hart& h, HartState& s, uint64_t iterations);
  void mark(Hart& h, HartState& s, uint64_t deadline);
  void record(const HartState& s, const nlohmann::json& segment);
};

}  // namespace rvh
