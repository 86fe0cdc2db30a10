// platform/compare.h: `rvh-vp compare A.json B.json`: two --stats reports
// side by side (docs/reports.md): simulated and host time, instructions per
// mode, hypervisor exits per cause, cycles per cost class, guest vs
// hypervisor cycles, SBI calls, interrupts, benchmark regions, and the
// configuration keys that differ; columns A, B, B-A and (B-A)/A. A row
// present in only one report shows "-" on the other side.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace rvh {

struct CompareRow {
  std::string section;
  std::string label;
  // Numbers, or text for the rows that are not numbers (stopped by, config).
  std::optional<double> a, b;
  std::optional<std::string> a_text, b_text;
};

// The rows of the comparison, in print order.
std::vector<CompareRow> compare_stats(const nlohmann::json& a, const nlohmann::json& b);
void print_comparison(const std::vector<CompareRow>& rows, const std::string& a_name, const std::string& b_name,
                      std::ostream& out);

// The subcommand: args are what follows "compare". Returns the exit code
// (0; 1 for a file that cannot be read or is not a stats report; 2 for a
// bad command line).
int compare_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace rvh
