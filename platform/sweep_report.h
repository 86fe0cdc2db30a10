// platform/sweep_report.h: `rvh-vp sweep ... --report FILE.html` (issue 16,
// docs/sweeps.md "The report"): a self-contained HTML page with, per axis of
// the sweep, line plots of headline figures (simulated time, hypervisor
// share, exits) against the axis's values, one line per setting of the
// other axes (the mean of its repetitions; failed points are left out).
#pragma once
#include <string>
#include <vector>

#include "platform/sweep_db.h"
#include "platform/sweep_spec.h"

namespace rvh {

std::string sweep_report_html(const SweepSpec& spec, const std::string& title, const std::vector<SweepResult>& results);

}  // namespace rvh
