#include "version_window.h"

#include <algorithm>
#include <cmath>

namespace strato::deploy {
namespace {

constexpr double kStepsPerDoubling = 8;

int LatencyBucket(uint64_t latency_us) {
  if (latency_us <= 1) return 0;
  const int index =
      static_cast<int>(std::floor(kStepsPerDoubling * std::log2(static_cast<double>(latency_us))));
  return std::clamp(index, 0, 255);
}

// Geometric middle of a latency bucket, in microseconds.
double BucketMiddleUs(int index) { return std::pow(2.0, (index + 0.5) / kStepsPerDoubling); }

}  // namespace

VersionWindow::Bucket& VersionWindow::BucketFor(int64_t second) {
  Bucket& bucket = ring_[static_cast<size_t>(second % kMaxSeconds)];
  if (bucket.second != second) bucket = Bucket{second};
  return bucket;
}

void VersionWindow::Record(uint64_t now_ns, uint64_t latency_us, bool ok) {
  const int64_t second = static_cast<int64_t>(now_ns / 1000000000ull);
  std::lock_guard<std::mutex> lock(mu_);
  Bucket& bucket = BucketFor(second);
  if (bucket.requests == 0) ++active_seconds_;
  ++bucket.requests;
  if (!ok) ++bucket.errors;
  ++bucket.latency[static_cast<size_t>(LatencyBucket(latency_us))];
}

void VersionWindow::RecordQuality(uint64_t now_ns, double score) {
  const int64_t second = static_cast<int64_t>(now_ns / 1000000000ull);
  std::lock_guard<std::mutex> lock(mu_);
  Bucket& bucket = BucketFor(second);
  bucket.quality_sum += score;
  ++bucket.quality_count;
}

WindowStats VersionWindow::Snapshot(uint64_t now_ns, int seconds) const {
  const int64_t now = static_cast<int64_t>(now_ns / 1000000000ull);
  const int64_t first = now - std::clamp(seconds, 1, kMaxSeconds) + 1;
  std::array<int64_t, kLatencyBuckets> latency{};
  WindowStats stats;
  double quality_sum = 0;
  int64_t quality_count = 0;
  std::lock_guard<std::mutex> lock(mu_);
  for (const Bucket& b : ring_) {
    if (b.second < first || b.second > now) continue;
    stats.requests += b.requests;
    stats.errors += b.errors;
    quality_sum += b.quality_sum;
    quality_count += b.quality_count;
    for (size_t i = 0; i < latency.size(); ++i) latency[i] += b.latency[i];
  }
  if (quality_count > 0) stats.quality = quality_sum / static_cast<double>(quality_count);
  const int64_t rank = (stats.requests * 99 + 99) / 100;  // ceil(0.99 n)
  int64_t seen = 0;
  for (size_t i = 0; i < latency.size() && stats.requests > 0; ++i) {
    seen += latency[i];
    if (seen >= rank) {
      stats.p99_us = BucketMiddleUs(static_cast<int>(i));
      break;
    }
  }
  return stats;
}

void VersionWindow::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  ring_.fill(Bucket{});
  active_seconds_ = 0;
}

int64_t VersionWindow::ActiveSeconds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return active_seconds_;
}

}  // namespace strato::deploy
