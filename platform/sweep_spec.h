// platform/sweep_spec.h: the spec of `rvh-vp sweep SPEC.json` (issue 16,
// docs/sweeps.md "The spec"): a base command, parameter axes, excluded
// combinations and repetitions, and the grid of points it expands to.
// Everything a spec gets wrong is a SweepSpecError with one line, found
// before anything runs.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rvh {

class SweepSpecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One axis of the grid. Its kind follows from its name: a dotted name is a
// configuration key (--set KEY=VALUE), a name starting with '-' an option
// (values: the option's value; true/false: the flag present/absent), and
// "workload" named argument lists.
struct SweepAxis {
  enum class Kind { kConfigKey, kOption, kFlag, kWorkload };
  std::string name;
  Kind kind = Kind::kOption;
  std::vector<nlohmann::json> values;          // as in the spec (ranges expanded; workload: its name)
  std::vector<std::vector<std::string>> args;  // the arguments each value adds to the command
};

struct SweepSpec {
  std::string name;
  std::vector<std::string> command;  // rvh-vp's arguments; "bench" first for `rvh-vp bench`
  std::vector<SweepAxis> axes;       // in the spec's order (the first varies slowest)
  std::vector<std::vector<std::pair<size_t, nlohmann::json>>> excludes;  // (axis index, value) all matching
  unsigned repetitions = 1;
  double timeout_seconds = 0;  // per point; 0: none
  std::string canonical;       // the spec as compact JSON: equal for the same spec (resume check)
  bool is_bench() const { return !command.empty() && command[0] == "bench"; }
};

// Parses and checks a spec's text, YAML if `origin` (the file name, which
// starts every error) ends in .yaml or .yml, else JSON.
// Checks the keys, the axes (non-empty, well-formed ranges, configuration keys
// and values rvh-vp accepts) and the excludes (naming axes and their values).
SweepSpec parse_sweep_spec(const std::string& text, const std::string& origin);

// One run of the grid.
struct SweepGridPoint {
  std::string id;              // "p0007-r1": grid index (before excludes) and repetition, both from 0 and 1
  size_t index = 0;            // in the full cartesian product
  unsigned repetition = 1;     // 1..repetitions
  std::vector<size_t> choice;  // the value index on each axis
  std::vector<std::string> args;  // command + each axis's arguments (no --stats yet)
};

// The cartesian product of the axes in a stable order (the last axis varies
// fastest), without the excluded combinations, each `repetitions` times.
std::vector<SweepGridPoint> expand_sweep_grid(const SweepSpec& spec);

// The arguments that make a point with arguments `args` write its statistics
// to `stats_path`: `--stats PATH --no-stdin` for a run (--no-stdin unless
// `args` has it), `--json PATH` for `rvh-vp bench`.
std::vector<std::string> sweep_output_args(const SweepSpec& spec, const std::vector<std::string>& args,
                                           const std::string& stats_path);

// Checks that every point's command line is one rvh-vp accepts (its own
// option parser and configuration, nothing run); throws SweepSpecError
// naming the point. `bench` commands are checked for their --set keys only.
void check_sweep_command_lines(const SweepSpec& spec, const std::vector<SweepGridPoint>& grid,
                               const std::string& origin);

// A point's parameters as a JSON object, axis name -> value.
nlohmann::json sweep_point_params(const SweepSpec& spec, const SweepGridPoint& point);

}  // namespace rvh
