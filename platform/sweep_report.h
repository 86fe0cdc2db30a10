// platform/sweep_report.h: `rvh-vp sweep ... --report FILE.html` (issue 16,
// docs/sweeps.md "The report"): a self-contained HTML page with, per axis of
// the sweep, line plots of headline figures (simulated time, hypervisor
// share, exits) against the axis's values, one line per setting of the
// other axes (the mean of its repetitions; failed points are left out);
// for a bench sweep, the workload's overhead and each operation's cost.
#pragma once
#include <string>
#include <vector>

#include "platform/sweep_db.h"
#include "platform/sweep_spec.h"

namespace rvh {

std::string sweep_report_html(const SweepSpec& spec, const std::string& title, const std::vector<SweepResult>& results);

// The page's plots, each a standalone SVG document (--plots DIR writes them):
// per axis with two or more values, one per figure that some ok point has.
struct SweepPlot {
  size_t axis;         // index into spec.axes
  std::string metric;  // "hyp_share", "cycles_per_op.null_sbi", ...
  std::string title;   // "hypervisor share of all cycles (%) vs hyp.switch_fixed"
  std::string svg;
};
std::vector<SweepPlot> sweep_plots(const SweepSpec& spec, const std::vector<SweepResult>& results);
// "hyp.switch_fixed-hyp_share.svg", "smp-exits.svg": the axis and metric,
// with anything but letters, digits, '.', '_' and '-' made '_'.
std::string sweep_plot_file_name(const SweepSpec& spec, const SweepPlot& plot);

}  // namespace rvh
