#include "latency_stats.h"

#include <algorithm>
#include <cmath>

namespace strato::perf {

uint64_t Percentile(std::span<const uint64_t> sorted, double pct) {
  if (sorted.empty()) return 0;
  if (pct <= 0) return sorted.front();
  if (pct >= 100) return sorted.back();
  // Nearest rank: ceil(p/100 * n), 1-based. The epsilon keeps exact products
  // (e.g. 0.9 * 10) from rounding up past the true rank.
  double rank = std::ceil(pct / 100.0 * static_cast<double>(sorted.size()) - 1e-9);
  size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

LatencySummary Summarize(std::vector<uint64_t>* latencies_ns, double extra_pct) {
  LatencySummary s;
  if (latencies_ns->empty()) return s;
  std::sort(latencies_ns->begin(), latencies_ns->end());
  const std::span<const uint64_t> v(*latencies_ns);
  long double sum = 0;
  for (uint64_t x : v) sum += x;
  auto us = [](uint64_t ns) { return static_cast<double>(ns) / 1000.0; };
  s.count = v.size();
  s.avg_us = static_cast<double>(sum / v.size()) / 1000.0;
  s.min_us = us(v.front());
  s.max_us = us(v.back());
  s.p50_us = us(Percentile(v, 50));
  s.p90_us = us(Percentile(v, 90));
  s.p95_us = us(Percentile(v, 95));
  s.p99_us = us(Percentile(v, 99));
  if (extra_pct > 0) s.extra_us = us(Percentile(v, extra_pct));
  return s;
}

bool IsStable(std::span<const double> throughputs, double pct, size_t window) {
  if (window == 0 || throughputs.size() < window) return false;
  auto last = throughputs.subspan(throughputs.size() - window);
  double mean = 0;
  for (double t : last) mean += t;
  mean /= static_cast<double>(window);
  if (mean <= 0) return false;
  for (double t : last) {
    if (std::fabs(t - mean) > mean * pct / 100.0) return false;
  }
  return true;
}

}  // namespace strato::perf
