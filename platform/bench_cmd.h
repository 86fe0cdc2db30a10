// platform/bench_cmd.h: `rvh-vp bench`: runs the virtualization
// microbenchmarks of sw/guest/bench (gb_micro) and the bare-vs-guest
// workload (sw/bench/workload.c) as child runs of this executable, and
// prints one table of cost per operation, from the guest's own cycle/time
// reads and from the simulator's accounting (docs/benchmarks.md).
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace rvh {

// args: [--json FILE] [--sw-dir DIR] [--keep DIR] and options passed to
// every run (--set, --config, --hyp-costs, --quantum, --quantum-insns) or
// to the guest runs only (--no-guest-sstc, --hyp-prefault, ...). Returns the
// process exit status.
int bench_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace rvh
