// platform/bench_consolidation.h: the consolidation scenario of `rvh-vp
// bench` (issue 14, docs/benchmarks.md "Consolidation"): the timer latency
// benchmark (gb_micro gb_only=timer) in one VM alone, next to a second VM
// that makes MMIO exits without pause (g_noisy_mmio) on one hart and on
// two, and on one hart with VMIDs off (--set hyp.vmid_bits=0). Prints the
// latencies, the scheduler's counts and the switch costs, all read from the
// runs' BENCH lines and --stats files.
#pragma once
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rvh {

struct ConsolidationSetup {
  std::string exe;                  // this executable
  std::string sw_dir;               // gb_micro.elf and g_noisy_mmio.elf
  std::filesystem::path dir;        // the runs' output and stats
  std::vector<std::string> run_args;  // passed to every run (--set, --config, --hyp-costs, ...)
  int timeout_s = 120;              // host seconds per run
};

// Runs the four scenarios, prints the table to `out` and returns 0 with
// `result` set to the "consolidation" JSON object; on a failed run prints
// one line (and the run's stderr) to `err` and returns 1.
int bench_consolidation(const ConsolidationSetup& setup, std::ostream& out, std::ostream& err,
                        nlohmann::json& result);

}  // namespace rvh
