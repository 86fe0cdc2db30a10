// hyp/cost_histogram.h: a histogram of per-exit costs in cycles, one per
// exit cause in the vCPU statistics (--stats "exit_cost_histograms", the
// --report latency plots). Buckets are quarter octaves: values below 8 have
// a bucket each; above, every power of two is split in four ([8,10) [10,12)
// [12,14) [14,16) [16,20) ...), so a bucket is at most 25% wide. Only sums
// are kept (count, total, per-bucket counts), so histograms of vCPUs add up.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>

namespace rvh::hyp {

// The lower bound of the bucket holding `value`, and the lower bound of the
// next bucket (the first value not in the bucket that starts at `lower`).
uint64_t cost_bucket_lower(uint64_t value);
uint64_t cost_bucket_upper(uint64_t lower);

struct CostHistogram {
  uint64_t count = 0;
  uint64_t sum = 0;
  std::map<uint64_t, uint64_t> buckets;  // lower bound -> count

  void add(uint64_t cycles) {
    ++count;
    sum += cycles;
    ++buckets[cost_bucket_lower(cycles)];
  }
  // {"count": N, "sum_cycles": S, "buckets": {"<lower>": n, ...}}
  nlohmann::json to_json() const;
};

}  // namespace rvh::hyp
