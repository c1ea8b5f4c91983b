// Schedulers: how requests for one model version reach its instances.
//
// The dynamic batch scheduler (dynamic_batch_scheduler.h) queues requests per
// priority level, forms batches (preferred sizes, max queue delay,
// max_batch_size), enforces queue policies (timeouts with REJECT / DELAY,
// max_queue_size) and runs one worker thread per model instance. Models
// without dynamic_batching get the same scheduler with batches of one
// request. Direct models (SchedulingMode::kDirect) get a pass-through.
//
// Every scheduler wraps each request's sink so that the final response
// records the request in ModelStats (success or failure with its reason,
// queue and compute times) exactly once.
//
// Thread-safety: Enqueue may be called from any thread concurrently.
#pragma once

#include <memory>
#include <vector>

#include "model_config.pb.h"
#include "strato/backend/backend.h"
#include "strato/core/inference.h"
#include "strato/core/model_stats.h"
#include "strato/core/status.h"

namespace strato {

class Scheduler {
 public:
  virtual ~Scheduler() = default;

  // Takes `request` (sets it to null) and answers it later through its sink.
  // On error (queue full: UNAVAILABLE; bad priority or timeout parameter:
  // INVALID_ARGUMENT; stopped: UNAVAILABLE) `request` is left with the caller,
  // untouched, and nothing has been sent to its sink.
  virtual Status Enqueue(std::unique_ptr<InferenceRequest>& request) = 0;

  // Requests accepted and not yet answered (queued + executing).
  virtual size_t InflightCount() const = 0;

  // Stops accepting requests, lets every accepted request finish (queued
  // ones are still executed), then joins the worker threads. Idempotent.
  virtual void Stop() = 0;
};

struct SchedulerOptions {
  const inference::ModelConfig* config = nullptr;  // must outlive the scheduler
  int64_t version = 0;
  ModelStats* stats = nullptr;                     // must outlive the scheduler
};

// Builds the scheduler the config asks for, owning `instances` (at least one).
StatusOr<std::unique_ptr<Scheduler>> CreateScheduler(
    const SchedulerOptions& options, SchedulingMode mode,
    std::vector<std::unique_ptr<ModelInstance>> instances);

}  // namespace strato
