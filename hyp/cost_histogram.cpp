// hyp/cost_histogram.cpp: see cost_histogram.h.
#include "hyp/cost_histogram.h"

#include <string>

namespace rvh::hyp {

uint64_t cost_bucket_lower(uint64_t value) {
  if (value < 8) return value;
  const unsigned msb = 63 - static_cast<unsigned>(__builtin_clzll(value));  // >= 3
  const unsigned shift = msb - 2;
  return (value >> shift) << shift;  // keep the top three bits: 1xx
}

uint64_t cost_bucket_upper(uint64_t lower) {
  if (lower < 8) return lower + 1;
  const unsigned msb = 63 - static_cast<unsigned>(__builtin_clzll(lower));
  return lower + (1ull << (msb - 2));
}

nlohmann::json CostHistogram::to_json() const {
  nlohmann::json b = nlohmann::json::object();
  for (const auto& [lower, n] : buckets) b[std::to_string(lower)] = n;
  return {{"count", count}, {"sum_cycles", sum}, {"buckets", b}};
}

}  // namespace rvh::hyp
