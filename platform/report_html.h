// platform/report_html.h: the --report writer and `rvh-vp report
// STATS.json OUT.html`: a self-contained HTML page (inline CSS and SVG, a
// few lines of inline script, nothing fetched from the network) made from a
// --stats document: the run, instructions per mode, the guest/hypervisor
// time split, exits and cost by cause, cost by class, SBI calls, a latency
// histogram per exit cause, the benchmark regions if the report has them,
// and the configuration (docs/reports.md).
#pragma once
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace rvh {

class OutputFile;

// The page for a --stats document (checked with check_stats_json by callers).
std::string render_report_html(const nlohmann::json& stats);
// Writes it as the content of `out` (platform/file_io.h); throws OutputError
// naming the file.
void write_report_html(const nlohmann::json& stats, OutputFile& out);

// The subcommand: args are what follows "report". Returns the exit code
// (0; 1 for an unreadable input or unwritable output; 2 for a bad command line).
int report_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace rvh
