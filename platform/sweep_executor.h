// platform/sweep_executor.h: how `rvh-vp sweep` (issue 16, docs/sweeps.md)
// runs the points of a sweep: each point is one rvh-vp command line whose
// `--stats` file the sweep then reads into its SQLite database. Two
// executors: local (a bounded pool of child processes) and Slurm (one job
// array through sbatch). Both only run points and report how each ended;
// neither parses stats (platform/sweep_db.* does).
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace rvh {

// One run of the grid.
struct SweepPoint {
  std::string id;                 // stable across runs of the same spec (resume key), e.g. "p0007-r1"
  std::vector<std::string> args;  // rvh-vp's arguments (not argv[0]); include --stats stats_path
  std::string stats_path;         // where the run writes its --stats JSON
  std::string log_path;           // the run's stdout+stderr
};

struct PointOutcome {
  std::string id;
  int exit_code = -1;         // the run's exit status (-1: did not run to an exit)
  bool timed_out = false;     // killed after the per-point timeout
  std::string error;          // one line when the point failed to run or timed out ("" otherwise)
  double host_seconds = 0;    // wall time of the run
};

// Called as each point ends (from the thread that runs the executor).
using PointDone = std::function<void(const PointOutcome&)>;

struct LocalExecutorOptions {
  std::string rvh_vp;          // the binary to run (this one: /proc/self/exe)
  unsigned jobs = 0;           // -j N; 0: the number of cores
  double timeout_seconds = 0;  // per point; 0: none
};
// Runs every point, at most `jobs` at a time. Returns false if interrupted
// (SIGINT/SIGTERM): the running children are killed and not reported.
bool run_local(const std::vector<SweepPoint>& points, const LocalExecutorOptions& options, const PointDone& done);

struct SlurmExecutorOptions {
  std::string rvh_vp;          // path of rvh-vp on the cluster's shared filesystem
  std::string shared_dir;      // a directory every node sees: job script, point list, logs
  std::string partition;       // --partition (empty: the cluster's default)
  unsigned max_parallel = 0;   // --array=...%N (0: no limit)
  double timeout_seconds = 0;  // per point (the array task's --time)
};
// Submits the points as one job array (sbatch --requeue), waits for it, and
// reports each point from the files its task left in shared_dir. Throws
// std::runtime_error with one line when sbatch is missing or refuses the job.
bool run_slurm(const std::vector<SweepPoint>& points, const SlurmExecutorOptions& options, const PointDone& done);

}  // namespace rvh
