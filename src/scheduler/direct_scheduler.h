// DirectScheduler: the pass-through for models that schedule themselves
// (SchedulingMode::kDirect). Enqueue calls Execute with a batch of one on the
// caller's thread, picking instances round-robin; there is no queue, so no
// priorities, queue policies or pending count.
//
// The request's sink is wrapped in a StatsSink, so its final response is
// recorded in ModelStats, and it counts as in flight until then (a direct
// model typically answers later from its own threads).
//
// Thread-safety: Enqueue, InflightCount and Stop may be called from any
// thread concurrently. Execute is called concurrently from callers' threads,
// also on the same instance, as backend.h allows for direct models.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "stats_sink.h"
#include "strato/scheduler/scheduler.h"

namespace strato {

class DirectScheduler final : public Scheduler {
 public:
  // REQUIRES: options.config and options.stats non-null; instances non-empty
  // with no null entry.
  DirectScheduler(const SchedulerOptions& options,
                  std::vector<std::unique_ptr<ModelInstance>> instances);
  ~DirectScheduler() override;  // calls Stop()

  // Errors (request left untouched): INVALID_ARGUMENT for a null request;
  // UNAVAILABLE when stopping. On success the request has been handed to
  // Execute before this returns (it may not have been answered yet).
  Status Enqueue(std::unique_ptr<InferenceRequest>& request) override;
  size_t InflightCount() const override { return tracker_->count(); }
  // Refuses new requests and waits until every accepted one is answered.
  void Stop() override;

 private:
  const std::string model_name_;
  const int64_t version_;
  const int64_t max_batch_size_;
  ModelStats* const stats_;
  const OutputCheck output_check_;
  const std::shared_ptr<InflightTracker> tracker_;
  const std::vector<std::unique_ptr<ModelInstance>> instances_;
  std::atomic<size_t> next_instance_{0};  // round-robin cursor
  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;  // serialises Stop() calls
};

}  // namespace strato
