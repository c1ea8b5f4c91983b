// StatsSink: the ResponseSink every scheduler puts in front of a request's
// own sink, so that the request's final response is recorded in ModelStats
// exactly once and the scheduler's in-flight count drops at that moment.
//
// InflightTracker: the count of requests a scheduler has accepted and not yet
// answered, shared (by shared_ptr) between the scheduler and the sinks of its
// requests, so a sink that outlives its scheduler stays safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>

#include "output_check.h"
#include "strato/core/inference.h"
#include "strato/core/model_stats.h"
#include "strato/core/status.h"

namespace strato {

// Thread-safety: every method may be called from any thread. Add/Done are
// lock-free unless someone is blocked in WaitForZero.
class InflightTracker {
 public:
  void Add() { count_.fetch_add(1, std::memory_order_seq_cst); }
  // REQUIRES: a matching Add() happened before.
  void Done();
  size_t count() const { return count_.load(std::memory_order_relaxed); }
  // Blocks until the count is zero.
  void WaitForZero();

 private:
  std::atomic<size_t> count_{0};
  std::atomic<bool> waiting_{false};  // someone is (or was) in WaitForZero
  std::mutex mu_;                     // pairs with cv_; guards no data
  std::condition_variable cv_;
};

// Wraps `inner` (may be null: responses are then dropped after recording).
//
// On the first final response: records RecordSuccess (OK status) or
// RecordFailure (error status; reason kFailureBackend unless SendFailure set
// another), marks the request done in the tracker, then forwards. Non-final
// responses are forwarded as they are. A second final response is a backend
// bug: it is dropped, so the frontend still sees exactly one.
//
// Timestamps: the sink keeps its own copy (received, queue start, compute
// start), because the request object may be gone by the time a streaming
// backend sends its final response. Per-request compute time is therefore
// recorded as compute start to final response, all of it as "infer"; the
// backend's input/output split is recorded per batch (RecordExecution).
//
// Thread-safety: Send follows the ResponseSink contract (any thread, calls
// for one request never overlap). MarkComputeStart and SendFailure are for
// the scheduler while it owns the request, before any Send.
class StatsSink final : public ResponseSink {
 public:
  // `stats` (null: the request is not counted, e.g. a shadow copy) must
  // outlive every final Send (schedulers guarantee it by
  // waiting for the tracker to reach zero in Stop).
  // `check` (may be null; must outlive every final Send) turns a final
  // answer that does not match the config's outputs into an error.
  StatsSink(std::shared_ptr<ResponseSink> inner, ModelStats* stats,
            std::shared_ptr<InflightTracker> tracker, const RequestTimestamps& times,
            uint64_t batch_rows, const OutputCheck* check = nullptr);

  void Send(std::unique_ptr<InferenceResponse> response, bool final) override;

  void MarkComputeStart(uint64_t ns) { times_.compute_start_ns = ns; }

  // Answers `request` (whose sink is this object) with a final error
  // response and records it as failed with `reason` (one of kFailure*).
  void SendFailure(const InferenceRequest& request, int64_t model_version, Status status,
                   std::string_view reason);

 private:
  const std::shared_ptr<ResponseSink> inner_;
  ModelStats* const stats_;
  const std::shared_ptr<InflightTracker> tracker_;
  RequestTimestamps times_;
  const uint64_t batch_rows_;
  const OutputCheck* const check_;
  std::string_view failure_reason_ = kFailureBackend;
  std::atomic<bool> finished_{false};
};

}  // namespace strato
