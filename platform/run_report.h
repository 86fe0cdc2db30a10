// platform/run_report.h: the end-of-run summary (stderr) and --stats JSON
// (schema "rvh-vp-stats/2", docs/summary.md).
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rvh {

class Soc;
class OutputFile;

struct HartReport {
  unsigned id = 0;
  uint64_t instret = 0;
  uint64_t by_mode[6] = {0, 0, 0, 0, 0, 0};  // U, S, -, M, VU, VS
  uint64_t cycles = 0;
  uint64_t traps = 0, interrupts = 0, mmio_accesses = 0, wfi_sleeps = 0, tlb_refills = 0, pte_reads = 0;
};

struct RunReport {
  bool in_progress = false;  // the statistics so far of a run that goes on
  std::string reason;
  int exit_code = 0;
  double sim_seconds = 0;
  double host_seconds = 0;
  uint64_t total_instret = 0;
  double mips = 0;  // simulated instructions per host second / 1e6
  std::vector<HartReport> harts;
};

// What a report records besides the figures, so that its run can be
// reproduced from it alone (platform/provenance.h).
struct RunContext {
  nlohmann::json config;        // effective timing configuration (config_to_json)
  nlohmann::json command_line;  // argv
  nlohmann::json inputs;        // input files with SHA-256
};

RunReport make_run_report(Soc& soc, double host_seconds);
// For a run still going (in_progress: the console's Ctrl-A s), the heading
// says "statistics so far" and there is no "stopped by" line.
void print_run_summary(const RunReport& r, std::ostream& out);
// The --stats document. `hypervisor`: the VM's statistics
// (hyp::Vm::stats_json), or null.
nlohmann::json make_stats_json(const RunReport& r, const nlohmann::json& hypervisor, const RunContext& context);
// Writes `j` (indented) as the content of `out` (platform/file_io.h); throws
// OutputError naming the file.
void write_json_file(const nlohmann::json& j, OutputFile& out);

}  // namespace rvh
