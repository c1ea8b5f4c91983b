// Latency percentiles and the throughput stability rule of `strato perf`.
//
// Thread-safety: pure functions on values.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace strato::perf {

// Nearest-rank percentile of ascending `sorted` values: the smallest value
// such that at least `pct` percent of the values are <= it. pct <= 0 gives
// the minimum, pct >= 100 the maximum; an empty input gives 0.
uint64_t Percentile(std::span<const uint64_t> sorted, double pct);

struct LatencySummary {
  uint64_t count = 0;
  double avg_us = 0;
  double min_us = 0;
  double max_us = 0;
  double p50_us = 0;
  double p90_us = 0;
  double p95_us = 0;
  double p99_us = 0;
  double extra_us = 0;  // the --percentile value; 0 when not asked for
};

// Summarises latencies in nanoseconds (sorted in place). `extra_pct` is the
// additional percentile, 0 for none.
LatencySummary Summarize(std::vector<uint64_t>* latencies_ns, double extra_pct);

// Whether the last `window` throughputs are stable: each within `pct` percent
// of their mean. False with fewer than `window` values or a zero mean.
bool IsStable(std::span<const double> throughputs, double pct, size_t window = 3);

}  // namespace strato::perf
