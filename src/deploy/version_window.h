// Recent outcomes of one model version (latency, success) over a sliding
// time window, for the promotion policy and the deployment status.
//
// Samples live in one-second buckets of a fixed ring (so memory is bounded
// whatever the load); each bucket keeps counts and a log-scale latency
// histogram from which the p99 is read.
//
// Thread-safety: every method may be called from any thread (one mutex; the
// request path holds it for a few increments).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

#include "strato/deploy/policy.h"

namespace strato::deploy {

class VersionWindow {
 public:
  static constexpr int kMaxSeconds = 300;

  void Record(uint64_t now_ns, uint64_t latency_us, bool ok);
  void RecordQuality(uint64_t now_ns, double score);
  // Statistics over the last `seconds` (at most kMaxSeconds).
  WindowStats Snapshot(uint64_t now_ns, int seconds) const;
  // Forgets everything (a version that starts a new canary period).
  void Reset();
  // Seconds with at least one answer since the last Reset: how long the
  // version has actually served (idle time proves nothing).
  int64_t ActiveSeconds() const;

 private:
  // 2^(i/8) microseconds (9% steps, up to ~71 minutes): the p99 read from
  // them is within 5% of the exact one, well inside the policy's margin.
  static constexpr int kLatencyBuckets = 256;
  struct Bucket {
    int64_t second = -1;
    int64_t requests = 0;
    int64_t errors = 0;
    double quality_sum = 0;
    int64_t quality_count = 0;
    std::array<uint32_t, kLatencyBuckets> latency{};
  };
  // REQUIRES: mu_ held.
  Bucket& BucketFor(int64_t second);

  mutable std::mutex mu_;
  std::array<Bucket, kMaxSeconds> ring_;  // guarded by mu_
  int64_t active_seconds_ = 0;            // guarded by mu_
};

}  // namespace strato::deploy
