// platform/sweep_cmd.h: `rvh-vp sweep SPEC.json` (issue 16, docs/sweeps.md):
// expands the spec's grid (platform/sweep_spec.h), runs the points that are
// not in the sweep's SQLite file yet (platform/sweep_db.h) on this machine
// or on Slurm (platform/sweep_executor.h), and records each as it ends;
// `rvh-vp sweep DB --csv FILE` exports a sweep's results.
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace rvh {

// args: what follows "sweep"; rvh_vp: the rvh-vp that runs the points
// (platform/sweep_main.cpp: the one next to rvh-vp-sweep). Returns the exit status: 0 when every point
// is done and ok, 1 when some failed or timed out (or the executor failed),
// 2 for a bad command line or spec (nothing run), 130 when interrupted.
int sweep_command(const std::vector<std::string>& args, const std::string& rvh_vp, std::ostream& out,
                  std::ostream& err);

}  // namespace rvh
