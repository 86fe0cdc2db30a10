// platform/sweep_db.h: a sweep's results in one SQLite file (issue 16,
// docs/sweeps.md "The database"): table `sweep` (the spec, rvh-vp's version,
// when it was created) and table `points`, one row per point that ran: its
// parameters (a column per axis and all of them as JSON), how it ended, its
// headline figures and its whole --stats JSON.
#pragma once
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

struct sqlite3;

namespace rvh {

// The headline figures of a --stats report (absent ones stay null). A
// `rvh-vp bench --json` table (schema rvh-vp-bench/1) gives the workload's
// overhead and each operation's simulated cycles instead.
struct SweepFigures {
  nlohmann::json instructions, sim_time_ns, exits, hyp_cycles, guest_cycles, hyp_share;
  nlohmann::json exits_by_cause = nlohmann::json::object();  // cause -> count
  nlohmann::json cost_cycles = nlohmann::json::object();     // cost class -> cycles
  nlohmann::json overhead_percent;                             // bench: guest vs bare workload
  nlohmann::json cycles_per_op = nlohmann::json::object();     // bench: operation -> sim cycles per op
};
SweepFigures sweep_figures(const nlohmann::json& stats);

// One point as recorded.
struct SweepRow {
  std::string id;
  size_t grid_index = 0;
  unsigned repetition = 1;
  nlohmann::json params = nlohmann::json::object();  // axis name -> value
  std::string status;  // "ok", "failed" or "timeout"
  int exit_code = -1;
  std::string error;
  double host_seconds = 0;
  std::string stats_json;  // the --stats file's text ("" if the point wrote none)
};

// One recorded point, read back (for the report).
struct SweepResult {
  std::string id;
  nlohmann::json params;   // axis name -> value
  std::string status;
  // "instructions", "sim_time_ns", "exits", "hyp_cycles", "guest_cycles", "hyp_share", "host_seconds",
  // "overhead_percent" (absent: null) and "cycles_per_op" (an object, empty unless bench).
  nlohmann::json figures;
};

class SweepDb {
 public:
  // Opens or creates `path`; throws std::runtime_error with one line.
  explicit SweepDb(const std::string& path);
  ~SweepDb();
  SweepDb(const SweepDb&) = delete;
  SweepDb& operator=(const SweepDb&) = delete;

  // Ties the file to a spec: a new file records it and makes the tables (a
  // column per axis); a file of the same spec is kept (resume); a file of
  // another spec is an error, unless `fresh`, which empties it first.
  void bind_spec(const std::string& spec_canonical, const std::vector<std::string>& axis_names,
                 const std::string& version, bool fresh);
  // Opens an existing sweep's file for export; throws if it is not one.
  void check_is_sweep() const;

  // id -> status of the points recorded so far.
  std::map<std::string, std::string> statuses() const;
  // Records (or replaces) a point, with the headline figures of its stats.
  void record(const SweepRow& row);

  // The spec the file was made for (its canonical JSON) and its points in grid order.
  std::string spec_text() const;
  std::vector<SweepResult> results() const;

  // Every column but stats_json, a header line first (RFC 4180 quoting).
  void export_csv(std::ostream& out) const;

 private:
  void exec(const std::string& sql) const;
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace rvh
