// Per model-version inference statistics: the counters behind Triton's
// statistics extension (GET /v2/models/{m}/stats, gRPC ModelStatistics) and
// the nv_inference_* Prometheus metrics. One object records both, so the two
// views can never disagree.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "strato/core/inference.h"
#include "strato/core/metrics.h"

namespace strato {

struct DurationStat {
  uint64_t count = 0;
  uint64_t ns = 0;
};

struct BatchStat {
  uint64_t batch_size = 0;
  DurationStat compute_input;
  DurationStat compute_infer;
  DurationStat compute_output;
};

struct ModelStatsSnapshot {
  uint64_t last_inference_ms = 0;  // wall clock, ms since epoch
  uint64_t inference_count = 0;    // inferences (batch rows) executed
  uint64_t execution_count = 0;    // backend executions (batches)
  DurationStat success;            // whole request, received to final response
  DurationStat fail;
  DurationStat queue;
  DurationStat compute_input;
  DurationStat compute_infer;
  DurationStat compute_output;
  DurationStat cache_hit;
  DurationStat cache_miss;
  std::vector<BatchStat> batch_stats;  // ascending batch size
  int64_t pending = 0;                 // queued, not yet executing
};

// Failure reasons, as Triton's nv_inference_request_failure reason label.
inline constexpr std::string_view kFailureRejected = "REJECTED";
inline constexpr std::string_view kFailureCanceled = "CANCELED";
inline constexpr std::string_view kFailureBackend = "BACKEND";
inline constexpr std::string_view kFailureOther = "OTHER";

class ModelStats {
 public:
  // `registry` may be null (no Prometheus export, e.g. in unit tests).
  ModelStats(MetricsRegistry* registry, std::string model, int64_t version);
  ~ModelStats();
  ModelStats(const ModelStats&) = delete;
  ModelStats& operator=(const ModelStats&) = delete;

  // A request finished with success; `times` as filled along its path,
  // `batch_rows` its batch size (inference count contribution).
  void RecordSuccess(const RequestTimestamps& times, uint64_t end_ns, uint64_t batch_rows);
  // A request failed. `reason` is one of kFailure*.
  void RecordFailure(const RequestTimestamps& times, uint64_t end_ns, std::string_view reason);
  // One backend execution of a batch of `batch_size` rows.
  void RecordExecution(uint64_t batch_size, uint64_t input_ns, uint64_t infer_ns, uint64_t output_ns);
  // Requests queued (delta +1 on enqueue, -1 when taken for execution or dropped).
  void AddPending(int64_t delta);

  ModelStatsSnapshot Snapshot() const;
  const std::string& model() const { return model_; }
  int64_t version() const { return version_; }

 private:
  const std::string model_;
  const int64_t version_;
  MetricsRegistry* const registry_;

  mutable std::mutex mu_;
  ModelStatsSnapshot stats_;                   // guarded by mu_ (except pending)
  std::map<uint64_t, BatchStat> batch_stats_;  // guarded by mu_
  std::atomic<int64_t> pending_{0};

  // Prometheus series (null when registry_ is null).
  Counter* success_ = nullptr;
  Counter* inference_count_ = nullptr;
  Counter* exec_count_ = nullptr;
  Gauge* pending_gauge_ = nullptr;
  Counter* request_duration_us_ = nullptr;
  Counter* queue_duration_us_ = nullptr;
  Counter* compute_input_us_ = nullptr;
  Counter* compute_infer_us_ = nullptr;
  Counter* compute_output_us_ = nullptr;
  Histogram* request_latency_ = nullptr;
  Histogram* queue_latency_ = nullptr;
};

}  // namespace strato
