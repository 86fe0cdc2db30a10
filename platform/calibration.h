// platform/calibration.h: deriving the hosted hypervisor's hyp.* costs from
// the same operations measured under the real Linux KVM running on this
// hart model (`rvh-vp calibrate`, issue 12, docs/kvm.md). The arithmetic
// only: platform/calibrate_cmd.cpp runs the measurements.
//
// Each calibrated cost key has the benchmark operations it is derived from
// (cost_rules()). The hosted model is close to linear in each key, so a
// key's slope (cycles per operation per cycle of the key) is measured once
// with a probe run, and each step moves every key by
//   (KVM cycles - hosted cycles) / slope
// averaged over its operations, clamped to the key's range.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rvh {

// One operation of the benchmark guest (sw/guest/bench/gb_micro.c) as the
// simulator saw it: target cycles per operation (for the latency operations,
// from the deadline to the guest's handler) and VM exits per operation.
struct OpMeasure {
  double cycles = 0;
  double exits = 0;
};
using OpMeasures = std::map<std::string, OpMeasure>;

struct CostRule {
  std::string key;               // "hyp.sbi_call"
  std::vector<std::string> ops;  // operations it is calibrated from
  std::string how;               // one line for the docs and the output file
};

// Which keys are calibrated from which operations.
const std::vector<CostRule>& cost_rules();

// Operations measured but not used, with the reason (e.g. a path Linux 6.1
// KVM does not have), for the comparison table.
const std::map<std::string, std::string>& uncalibrated_ops();

// The mean cycles of `ops` in `m`; false if one of them is missing.
bool mean_cycles(const OpMeasures& m, const std::vector<std::string>& ops, double& out);

// One step: the new value of `rule.key` from its current value, its slope
// and the two measurements; `max` bounds it. Unchanged when the slope is
// not positive or an operation is missing.
uint64_t calibrated_value(const CostRule& rule, uint64_t current, double slope, const OpMeasures& kvm,
                          const OpMeasures& hosted, uint64_t max);

// |hosted - kvm| / kvm for one operation (0 when both are 0; 1 when only kvm is 0).
double relative_error(double kvm, double hosted);

}  // namespace rvh
